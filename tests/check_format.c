// SPDX-License-Identifier: GPL-2.0-only
/*
 * format/: round trips, the libcbor oracle, and a reader that survives every kind of
 * damage without ever returning a record that was not written.
 */
#include <check.h>
#include <cbor.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zstd.h>

#include "format/evblock.h"
#include "format/internal.h"
#include "format/records.h"
#include "format/source.h"
#include "tests/t_recording.h"

/*
 * Loop tests run four times: bit 0 of _i decodes on a decoding thread instead of the
 * caller's, bit 1 reads events in runs (ior_reader__next_run) mixed with single records.
 * Results must be identical.
 */
static bool threads_mode, runs_mode;

static void set_mode(int i)
{
	threads_mode = i & 1;
	runs_mode = i & 2;
}

static struct ior_record run; /* the run read_next() hands out */
static size_t run_pos;
static unsigned read_calls;

static struct ior_reader *open_reader(int fd, const struct ior_reader_opts *o)
{
	struct ior_reader_opts opts = o ? *o : (struct ior_reader_opts){ 0 };

	opts.threads = threads_mode;
	run.type = IOR_REC_EOF;
	run_pos = read_calls = 0;
	return ior_reader__open(fd, &opts);
}

/*
 * The next record, as ior_reader__next() returns it. In runs mode, events come from
 * ior_reader__next_run() one by one, and every third call uses ior_reader__next() to
 * check that the two calls mix.
 */
static int read_next(struct ior_reader *r, struct ior_record *rec)
{
	int ret;

	if (!runs_mode)
		return ior_reader__next(r, rec);
	if (run.type == IOR_REC_EVENTS && run_pos < run.events.n) {
		rec->type = IOR_REC_EVENT;
		rec->event = run.events.v[run_pos++];
		return 1;
	}
	if (++read_calls % 3 == 0)
		return ior_reader__next(r, rec);
	ret = ior_reader__next_run(r, &run);
	if (ret <= 0 || run.type != IOR_REC_EVENTS) {
		*rec = run;
		run.type = IOR_REC_EOF;
		return ret;
	}
	ck_assert_uint_ge(run.events.n, 1);
	rec->type = IOR_REC_EVENT;
	rec->event = run.events.v[0];
	run_pos = 1;
	return 1;
}

/* Read every record of fd; fail the test on the first difference from the script. */
static size_t expect_prefix(int fd, const struct t_script *s, const struct ior_reader_opts *o,
			    struct ior_reader_stats *st)
{
	struct ior_reader *r = open_reader(fd, o);
	struct ior_record rec;
	size_t i = 0;
	int ret;

	ck_assert_msg(r, "open failed: %s", ior_reader__open_error());
	while ((ret = read_next(r, &rec)) > 0) {
		ck_assert_msg(i < s->n, "more records than written");
		const char *d = t_record_diff(r, s, &rec, &s->recs[i]);

		ck_assert_msg(!d, "record %zu differs: %s", i, d);
		i++;
	}
	ck_assert_int_eq(ret, 0);
	if (st)
		ior_reader__stats(r, st);
	ior_reader__close(r);
	return i;
}

static void roundtrip(size_t n, bool extreme, size_t chunk, uint64_t seed)
{
	struct ior_writer_opts o = { .chunk_bytes = chunk };
	struct ior_reader_stats st;
	struct t_script s;
	int fd = memfd_create("rt", 0);

	ck_assert_int_eq(t_write_synthetic(fd, &s, n, extreme, &o, seed), 0);
	lseek(fd, 0, SEEK_SET);
	ck_assert_uint_eq(expect_prefix(fd, &s, NULL, &st), s.n);
	ck_assert(st.clean_close);
	ck_assert(st.has_index);
	ck_assert(!st.truncated);
	ck_assert_uint_eq(st.bad_chunks, 0);
	ck_assert_uint_eq(st.events, n);
	t_script_free(&s);
	close(fd);
}

START_TEST(test_roundtrip_millions)
{
	set_mode(_i);
	roundtrip(2000000, false, 0, 42);
}
END_TEST

START_TEST(test_roundtrip_extreme)
{
	set_mode(_i);
	roundtrip(50000, true, 0, 7);
	roundtrip(20000, true, 4096, 8); /* many chunks: every chunk redefines its strings */
}
END_TEST

/* What a reader skipping the fields of skip must return for ev. */
static void expect_skipped(struct ior_event *ev, unsigned skip)
{
	if (skip & IOR_SKIP_THREAD)
		ev->pid = ev->tid = 0;
	if (skip & IOR_SKIP_FD)
		ev->fd = IOR_FD_NONE;
	if (skip & IOR_SKIP_AUX)
		ev->aux = 0;
	if (skip & IOR_SKIP_FLAGS)
		ev->flags = 0;
	if (skip & IOR_SKIP_PATH)
		ev->path = 0;
	if (skip & IOR_SKIP_EXT) {
		ev->path2 = ev->str_flags = 0;
		ev->fd2 = IOR_FD_NONE;
	}
}

static const unsigned skip_cases[] = { IOR_SKIP_THREAD, IOR_SKIP_FD,   IOR_SKIP_AUX,
				       IOR_SKIP_FLAGS,	IOR_SKIP_PATH, IOR_SKIP_EXT,
				       IOR_SKIP_ALL,	IOR_SKIP_ALL & ~IOR_SKIP_FLAGS };

/* Every skip case in every reading mode: skipped fields read as defaults, others as written. */
START_TEST(test_roundtrip_skipping)
{
	struct ior_writer_opts wo = { .chunk_bytes = 8192 };
	struct ior_reader_opts ro = { .skip = skip_cases[_i / 4] };
	struct t_script s;
	int fd = memfd_create("skip", 0);

	set_mode(_i % 4);
	ck_assert_int_eq(t_write_synthetic(fd, &s, 30000, true, &wo, 11 + (uint64_t)_i), 0);
	for (size_t i = 0; i < s.n; i++)
		if (s.recs[i].type == IOR_REC_EVENT)
			expect_skipped(&s.recs[i].event, ro.skip);
	lseek(fd, 0, SEEK_SET);
	ck_assert_uint_eq(expect_prefix(fd, &s, &ro, NULL), s.n);
	t_script_free(&s);
	close(fd);
}
END_TEST

START_TEST(test_header_roundtrip)
{
	const struct ior_header *w = t_header(), *h;
	struct t_script s;
	int fd = memfd_create("hdr", 0);
	struct ior_reader *r;

	ck_assert_int_eq(t_write_synthetic(fd, &s, 1, false, NULL, 1), 0);
	lseek(fd, 0, SEEK_SET);
	r = ior_reader__open(fd, NULL);
	ck_assert_ptr_nonnull(r);
	h = ior_reader__header(r);
	ck_assert_uint_eq(h->major, IOR_FORMAT_MAJOR);
	ck_assert_str_eq(h->hostname, w->hostname);
	ck_assert_str_eq(h->kernel, w->kernel);
	ck_assert_str_eq(h->arch, w->arch);
	ck_assert_str_eq(h->clock, "monotonic");
	ck_assert_str_eq(h->options, w->options);
	ck_assert_int_eq(h->wall_offset_ns, w->wall_offset_ns);
	ck_assert_int_eq(h->start_ns, w->start_ns);
	ck_assert_uint_eq(h->ncpus, 2);
	ck_assert_uint_eq(h->argc, w->argc);
	ck_assert_str_eq(h->argv[4], "/v\xffr");
	ck_assert_uint_eq(h->nsyscalls, w->nsyscalls);
	ck_assert_str_eq(ior_reader__syscall_name(r, 257), "openat");
	ck_assert_str_eq(ior_reader__syscall_name(r, 4000), "far_away");
	ck_assert_ptr_null(ior_reader__syscall_name(r, 2));
	ior_reader__close(r);
	t_script_free(&s);
	close(fd);
}
END_TEST

/* 1.1: the selected syscalls travel in the header; a 1.0 reader skips the key. */
START_TEST(test_header_selected)
{
	static const uint32_t sel[] = { 0, 17, 4000 };
	struct ior_header h = *t_header();
	int fd = memfd_create("sel", 0);
	struct ior_writer *w;
	struct ior_reader *r;

	h.selected = sel;
	h.nselected = 3;
	w = ior_writer__open(fd, &h, NULL);
	ck_assert_ptr_nonnull(w);
	ck_assert_int_eq(ior_writer__close(w, NULL), 0);
	lseek(fd, 0, SEEK_SET);
	r = ior_reader__open(fd, NULL);
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(ior_reader__header(r)->nselected, 3);
	ck_assert_uint_eq(ior_reader__header(r)->selected[1], 17);
	ck_assert_uint_eq(ior_reader__header(r)->selected[2], 4000);
	ck_assert_uint_eq(ior_reader__header(r)->minor, IOR_FORMAT_MINOR);
	ior_reader__close(r);
	close(fd);
}
END_TEST

/* ---- the libcbor oracle: what libcbor decodes must equal what was written ---------- */

static int64_t oracle_int(cbor_item_t *it)
{
	uint64_t v = cbor_get_int(it);

	ck_assert(cbor_isa_uint(it) || cbor_isa_negint(it));
	return cbor_isa_uint(it) ? (int64_t)v : -1 - (int64_t)v;
}

static uint8_t *decompress_all(const uint8_t *buf, size_t len, size_t *out_len)
{
	size_t cap = 64u << 20, n;
	uint8_t *out = malloc(cap);

	/* ZSTD_decompress skips skippable frames, as `zstd -dc` does */
	n = ZSTD_decompress(out, cap, buf + IOR_MAGIC_LEN, len - IOR_MAGIC_LEN);
	ck_assert_msg(!ZSTD_isError(n), "zstd: %s", ZSTD_getErrorName(n));
	*out_len = n;
	return out;
}

/*
 * The reference reading of an event block's payload (SPEC.md "Event blocks"), written
 * from the specification as plainly as possible, apart from format/evblock.c.
 */
struct ref_stream {
	const uint8_t *p, *end;
};

static uint64_t ref_uint(struct ref_stream *s)
{
	uint64_t v = 0;

	for (unsigned shift = 0;; shift += 7) {
		ck_assert_msg(s->p < s->end && shift < 70, "stream ends inside an integer");
		v |= (uint64_t)(*s->p & 0x7f) << shift;
		if (!(*s->p++ & 0x80))
			return v;
	}
}

static int64_t ref_int(struct ref_stream *s)
{
	uint64_t z = ref_uint(s);

	return z & 1 ? -(int64_t)(z >> 1) - 1 : (int64_t)(z >> 1);
}

/* Check every event of one block, decoded by hand, against the written events. */
static void oracle_block(cbor_item_t *payload, uint64_t n, const struct t_script *sc,
			 size_t *ev, int64_t *prev, const uint64_t *thread_pid_tid)
{
	struct ref_stream head = { cbor_bytestring_handle(payload),
				   cbor_bytestring_handle(payload) +
					   cbor_bytestring_length(payload) };
	struct ref_stream st[12];
	uint64_t nstreams = ref_uint(&head), lens[12];
	const uint8_t *data;

	ck_assert_uint_eq(nstreams, 12);
	for (int i = 0; i < 12; i++)
		lens[i] = ref_uint(&head);
	data = head.p;
	for (int i = 0; i < 12; i++) {
		st[i] = (struct ref_stream){ data, data + lens[i] };
		data += lens[i];
	}
	ck_assert_ptr_eq(data, head.end);
	ck_assert_uint_eq((uint64_t)(st[0].end - st[0].p), n);
	for (uint64_t k = 0; k < n; k++) {
		const struct ior_event *w;
		unsigned shape = *st[0].p++;

		while (sc->recs[*ev].type != IOR_REC_EVENT)
			(*ev)++;
		w = &sc->recs[(*ev)++].event;
		*prev = (int64_t)((uint64_t)*prev + (uint64_t)ref_int(&st[1]));
		ck_assert_int_eq(*prev, w->start_ns);
		ck_assert_uint_eq(ref_uint(&st[2]), w->dur_ns);
		ck_assert_uint_eq(thread_pid_tid[ref_uint(&st[3])], (uint64_t)w->pid << 32 | w->tid);
		ck_assert_uint_eq(ref_uint(&st[4]), w->nr);
		ck_assert_int_eq(ref_int(&st[5]), w->ret);
		ck_assert_int_eq(shape & 1 ? ref_int(&st[6]) : IOR_FD_NONE, w->fd);
		ck_assert_uint_eq(shape & 2 ? (uint64_t)w->ret : shape & 4 ? ref_uint(&st[7]) : 0,
				  w->bytes);
		ck_assert_uint_eq(shape & 8 ? ref_uint(&st[8]) : 0, w->aux);
		ck_assert_uint_eq(shape & 16 ? ref_uint(&st[9]) : 0, w->flags);
		ck_assert_uint_eq(shape & 32 ? ref_uint(&st[10]) : 0, w->path);
		ck_assert_uint_eq(shape & 64 ? ref_uint(&st[11]) : 0, w->path2);
		ck_assert_int_eq(shape & 64 ? ref_int(&st[11]) : IOR_FD_NONE, w->fd2);
		ck_assert_uint_eq(shape & 64 ? ref_uint(&st[11]) : 0, w->str_flags);
	}
	for (int i = 0; i < 12; i++)
		ck_assert_msg(st[i].p == st[i].end, "stream %d has bytes left", i);
}

static uint64_t map_get(cbor_item_t *m, uint64_t key, cbor_item_t **val)
{
	struct cbor_pair *p = cbor_map_handle(m);

	for (size_t i = 0; i < cbor_map_size(m); i++)
		if (cbor_get_int(p[i].key) == key) {
			*val = p[i].value;
			return cbor_isa_uint(p[i].value) ? cbor_get_int(p[i].value) : 0;
		}
	*val = NULL;
	return 0;
}

START_TEST(test_libcbor_oracle)
{
	struct t_script s;
	int fd = memfd_create("oracle", 0);
	size_t len, raw_len, off = 0, ev = 0, nev = 0;
	uint8_t *buf, *raw;
	uint64_t *threads = calloc(1 << 16, sizeof(uint64_t));
	int64_t prev = 0;
	struct ior_writer_opts o = { .chunk_bytes = 8192 };

	ck_assert_int_eq(t_write_synthetic(fd, &s, 3000, true, &o, 99), 0);
	buf = t_slurp(fd, &len);
	raw = decompress_all(buf, len, &raw_len);
	while (off < raw_len) {
		struct cbor_load_result res;
		cbor_item_t *it = cbor_load(raw + off, raw_len - off, &res), *v;

		ck_assert_msg(it && res.error.code == CBOR_ERR_NONE, "libcbor failed at %zu", off);
		off += res.read;
		ck_assert(cbor_isa_map(it)); /* 2.x: events come in blocks */
		{
			uint64_t type = map_get(it, 0, &v);

			if (type == IOR_CTL_EVENTS) {
				uint64_t n = map_get(it, 1, &v);

				map_get(it, 2, &v);
				ck_assert(v && cbor_isa_bytestring(v));
				oracle_block(v, n, &s, &ev, &prev, threads);
				nev += n;
			} else if (type == IOR_CTL_CHUNK) {
				map_get(it, 2, &v);
				prev = oracle_int(v);
			} else if (type == IOR_CTL_THREAD) {
				uint64_t id = map_get(it, 1, &v), pid = map_get(it, 2, &v),
					 tid = map_get(it, 3, &v);

				ck_assert_uint_lt(id, 1 << 16);
				threads[id] = pid << 32 | tid;
			} else if (type == IOR_CTL_STRING) {
				uint64_t id = map_get(it, 1, &v);

				map_get(it, 2, &v);
				ck_assert(cbor_isa_bytestring(v));
				ck_assert_uint_eq(cbor_bytestring_length(v), s.strings[id].len);
				ck_assert(!memcmp(cbor_bytestring_handle(v), s.strings[id].bytes,
						  s.strings[id].len));
			}
		}
		cbor_decref(&it);
	}
	ck_assert_uint_eq(nev, s.nevents);
	free(threads);
	free(raw);
	free(buf);
	t_script_free(&s);
	close(fd);
}
END_TEST

/* ---- event blocks: every malformed payload is refused ----------------------------- */

/*
 * A block of n events from hex streams in payload order (shape, dt, dur, thread, nr,
 * ret, fd, bytes, aux, flags, path, ext, then any streams of a later version). ok: how
 * many events decode; done: whether every stream is then used up exactly.
 */
struct block_case {
	const char *name;
	uint64_t n;
	unsigned nstreams;
	const char *streams[13];
	const char *trailing;
	bool opens;
	unsigned ok;
};

#define Z10 "00000000000000000000"
#define Z11 Z10 "00"
#define O11 "0101010101010101010101"

static const struct block_case block_cases[] = {
	{ "one plain event", 1, 12, { "00", "00", "05", "01", "00", "00" }, "", true, 1 },
	{ "too few streams", 1, 11, { "00", "00", "05", "01", "00", "00" }, "", false, 0 },
	{ "no events", 0, 12, { "" }, "", false, 0 },
	{ "shape length is not n", 2, 12, { "00", "00", "05", "01", "00", "00" }, "", false, 0 },
	{ "bytes after the streams", 1, 12, { "00", "00", "05", "01", "00", "00" }, "00", false,
	  0 },
	{ "a later version's stream is skipped", 1, 13,
	  { "00", "00", "05", "01", "00", "00", "", "", "", "", "", "", "aabb" }, "", true, 1 },
	{ "largest integer", 1, 12, { "00", "00", "ffffffffffffffffff01", "01", "00", "00" }, "",
	  true, 1 },
	/* eleven events, so that ten bytes follow the first value: the unbounded loop */
	{ "largest integer, fast path", 11, 12,
	  { Z11, Z11, "ffffffffffffffffff01" Z10, O11, Z11, Z11 }, "", true, 11 },
	{ "more than 64 bits", 1, 12, { "00", "00", "ffffffffffffffffff02", "01", "00", "00" },
	  "", true, 0 },
	{ "more than 64 bits, fast path", 11, 12,
	  { Z11, Z11, "ffffffffffffffffff02" Z10, O11, Z11, Z11 }, "", true, 0 },
	{ "eleven-byte integer, fast path", 11, 12,
	  { Z11, Z11, "ffffffffffffffffffff00" Z10, O11, Z11, Z11 }, "", true, 0 },
	{ "integer cut at the stream's end", 1, 12, { "00", "00", "80", "01", "00", "00" }, "",
	  true, 0 },
	{ "fd flagged but missing", 1, 12, { "01", "00", "05", "01", "00", "00" }, "", true, 0 },
	{ "fd beyond int32", 1, 12, { "01", "00", "05", "01", "00", "00", "8080808010" }, "",
	  true, 0 },
	{ "bytes equal to a return of 0", 1, 12, { "02", "00", "05", "01", "00", "00" }, "",
	  true, 0 },
	{ "bytes equal to a return of 4", 1, 12, { "02", "00", "05", "01", "00", "08" }, "",
	  true, 1 },
	{ "thread beyond uint32", 1, 12, { "00", "00", "05", "8080808010", "00", "00" }, "", true,
	  0 },
	{ "syscall number beyond uint32", 1, 12, { "00", "00", "05", "01", "8080808010", "00" },
	  "", true, 0 },
	{ "a stream with bytes left", 1, 12, { "00", "00", "0506", "01", "00", "00" }, "", true, 0 },
	{ "bytes left after the second event", 2, 12,
	  { "0000", "0000", "050607", "0101", "0000", "0000" }, "", true, 1 },
	{ "reserved shape bit ignored", 1, 12, { "80", "00", "05", "01", "00", "00" }, "", true, 1 },
	{ "ext stream short", 1, 12,
	  { "40", "00", "05", "01", "00", "00", "", "", "", "", "", "0001" }, "", true, 0 },
};

static size_t unhex(const char *hex, uint8_t *out)
{
	size_t n = 0;

	for (; hex && hex[0] && hex[1]; hex += 2) {
		unsigned v;

		ck_assert(sscanf(hex, "%2x", &v) == 1);
		out[n++] = (uint8_t)v;
	}
	return n;
}

static size_t block_payload(const struct block_case *c, uint8_t *out)
{
	uint8_t data[512];
	size_t len = 0, dlen = 0;

	out[len++] = (uint8_t)c->nstreams;
	for (unsigned i = 0; i < c->nstreams; i++) {
		size_t n = unhex(c->streams[i], data + dlen);

		out[len++] = (uint8_t)n; /* every test stream is shorter than 128 bytes */
		dlen += n;
	}
	memcpy(out + len, data, dlen);
	len += dlen;
	return len + unhex(c->trailing, out + len);
}

START_TEST(test_block_malformed)
{
	const struct block_case *c = &block_cases[_i];
	uint8_t payload[1024];
	size_t len = block_payload(c, payload);
	struct evb_decoder d = { 0 };
	struct ior_event ev[16], first;
	int64_t prev = 0;
	unsigned ok;

	ck_assert_msg(evb_decoder__open(&d, payload, len, c->n, 0) == c->opens, "%s: open",
		      c->name);
	ck_assert_uint_eq(evb_decoder__pending(&d), c->opens ? c->n : 0);
	if (!c->opens)
		return;
	ck_assert_uint_le(c->n, 16);
	ok = (unsigned)evb_decoder__decode(&d, ev, c->n, &prev);
	first = ev[0];
	ck_assert_uint_eq(evb_decoder__pending(&d), 0); /* used up, or stopped */
	ck_assert_msg(ok == c->ok, "%s: %u events decoded, expected %u", c->name, ok, c->ok);
	if (strstr(c->name, "largest") && ok)
		ck_assert_uint_eq(first.dur_ns, UINT64_MAX);
	if (strstr(c->name, "return of 4") && ok)
		ck_assert_uint_eq(first.bytes, 4);
}
END_TEST

/*
 * The same blocks read skipping every field that can be skipped: a skipped stream is
 * only checked for framing (a value per event that has one), so a value that breaks a
 * rule of its own no longer spoils its event; a framing fault makes the decoder decode
 * the block whole and find what a full decode finds.
 */
START_TEST(test_block_malformed_skipping)
{
	static const char *const good_when_skipped[] = { "fd beyond int32",
							 "thread beyond uint32" };
	const struct block_case *c = &block_cases[_i];
	uint8_t payload[1024];
	size_t len = block_payload(c, payload);
	struct evb_decoder d = { 0 };
	struct ior_event ev[16];
	unsigned ok, want = c->ok;
	int64_t prev = 0;

	for (size_t i = 0; i < sizeof(good_when_skipped) / sizeof(good_when_skipped[0]); i++)
		if (!strcmp(c->name, good_when_skipped[i]))
			want = c->n;
	ck_assert_msg(evb_decoder__open(&d, payload, len, c->n, IOR_SKIP_ALL) == c->opens,
		      "%s: open", c->name);
	if (!c->opens)
		return;
	ok = (unsigned)evb_decoder__decode(&d, ev, c->n, &prev);
	ck_assert_msg(ok == want, "%s: %u events decoded skipping, expected %u", c->name, ok,
		      want);
	if (ok && d.skip)
		ck_assert_msg(ev[0].fd == IOR_FD_NONE && ev[0].tid == 0 && ev[0].path == 0,
			      "%s: a skipped field was read", c->name);
}
END_TEST

/* ---- event blocks: both walks of the mandatory streams agree ---------------------- */

struct rnd_stream {
	uint8_t b[EVB_MAX_EVENTS * 36]; /* the ext stream: three values of up to 12 bytes */
	size_t n;
};

/* v as LEB128 at out + *len. */
static void put_leb128(uint8_t *out, size_t *len, uint64_t v)
{
	for (; v >= 0x80; v >>= 7)
		out[(*len)++] = (uint8_t)(v | 0x80);
	out[(*len)++] = (uint8_t)v;
}

/* LEB128 of v, then with damage odds: a byte that makes it longer than ten or 64 bits. */
static void rnd_put(struct rnd_stream *st, uint64_t v, uint64_t *x, unsigned damage)
{
	put_leb128(st->b, &st->n, v);
	if (damage && t_rand(x) % 2000 < damage) {
		st->b[st->n - 1] |= 0x80; /* continues into the next value, or past the end */
		if (t_rand(x) & 1)
			st->b[st->n++] = 0x7f; /* eleven bytes, or bits past 64 */
	}
}

/* Values of 1 to 10 bytes, mostly short, as times and durations are. */
static uint64_t rnd_value(uint64_t *x)
{
	unsigned bits = (unsigned)(t_rand(x) % 100);

	bits = bits < 60 ? 14 : bits < 85 ? 21 : bits < 95 ? 35 : 64;
	return bits == 64 ? t_rand(x) : t_rand(x) & ((1ULL << bits) - 1);
}

/*
 * A block of n random events of common and random shapes, each stream possibly damaged
 * at random: a long or cut value, a thread, syscall number, path or fd out of range,
 * bytes equal to a return that is not positive, a byte too many or too few at a
 * stream's end.
 */
static size_t random_block(uint8_t *out, unsigned n, uint64_t *x, unsigned damage)
{
	static struct rnd_stream st[EVB_NSTREAMS];
	size_t len = 0;

	for (int i = 0; i < EVB_NSTREAMS; i++)
		st[i].n = 0;
	for (unsigned e = 0; e < n; e++) {
		static const uint8_t shapes[] = {
			0,
			EVB_HAS_FD,
			EVB_HAS_FD | EVB_BYTES_RET,
			EVB_HAS_FD | EVB_HAS_BYTES,
			EVB_HAS_PATH | EVB_HAS_FLAGS | EVB_HAS_AUX,
			EVB_HAS_PATH,
			EVB_HAS_FD | EVB_HAS_AUX,
			EVB_HAS_EXT | EVB_HAS_PATH,
		};
		unsigned r = (unsigned)(t_rand(x) % 10);
		uint8_t sh = r < 8 ? shapes[r] : (uint8_t)(t_rand(x) & EVB_OPTIONAL);
		uint64_t ret = rnd_value(x);

		if ((sh & EVB_BYTES_RET) && !damage) {
			sh &= (uint8_t)~EVB_HAS_BYTES; /* bytes are the return value or their own */
			ret = (ret | 2) & ~1ULL;       /* zigzag of a positive return */
		}
		st[EVB_SHAPE].b[st[EVB_SHAPE].n++] = sh;
		rnd_put(&st[EVB_DT], rnd_value(x), x, damage);
		rnd_put(&st[EVB_DUR], rnd_value(x), x, damage);
		rnd_put(&st[EVB_THREAD], rnd_value(x) & (damage ? ~0ULL : 0xffffffff), x, damage);
		rnd_put(&st[EVB_NR], t_rand(x) % 500, x, damage);
		rnd_put(&st[EVB_RET], ret, x, damage);
		if (sh & EVB_HAS_FD)
			rnd_put(&st[EVB_FD], damage ? rnd_value(x) : t_rand(x) % 64, x, damage);
		if (sh & EVB_HAS_BYTES)
			rnd_put(&st[EVB_BYTES], rnd_value(x), x, damage);
		if (sh & EVB_HAS_AUX)
			rnd_put(&st[EVB_AUX], rnd_value(x), x, damage);
		if (sh & EVB_HAS_FLAGS)
			rnd_put(&st[EVB_FLAGS], rnd_value(x), x, damage);
		if (sh & EVB_HAS_PATH)
			rnd_put(&st[EVB_PATH], damage ? rnd_value(x) : t_rand(x) % 1000, x, damage);
		if (sh & EVB_HAS_EXT) {
			rnd_put(&st[EVB_EXT], t_rand(x) % 1000, x, damage);
			rnd_put(&st[EVB_EXT], t_rand(x) % 64, x, damage);
			rnd_put(&st[EVB_EXT], t_rand(x) % 4, x, damage);
		}
	}
	if (damage && t_rand(x) % 4 == 0) {
		struct rnd_stream *cut = &st[1 + t_rand(x) % (EVB_NSTREAMS - 1)];

		if (t_rand(x) & 1)
			cut->b[cut->n++] = 0x01;
		else if (cut->n)
			cut->n--;
	}
	put_leb128(out, &len, EVB_NSTREAMS);
	for (int i = 0; i < EVB_NSTREAMS; i++)
		put_leb128(out, &len, st[i].n);
	for (int i = 0; i < EVB_NSTREAMS; i++) {
		memcpy(out + len, st[i].b, st[i].n);
		len += st[i].n;
	}
	return len;
}

/*
 * Many random blocks, sound and damaged, decoded stream by stream and by the pext walk
 * in steps of random size: every step returns the same events, the same start time
 * and the same count left, down to the first bad value. Fields skipped or not.
 */
START_TEST(test_block_walks_agree)
{
	static uint8_t payload[EVB_MAX_EVENTS * 36 * EVB_NSTREAMS + 64];
	static struct ior_event a[EVB_MAX_EVENTS], b[EVB_MAX_EVENTS];
	static const unsigned skips[] = { 0, IOR_SKIP_THREAD, IOR_SKIP_ALL };
	uint64_t x = 0x9e3779b97f4a7c15ULL;
	unsigned bad_blocks = 0, pext_events = 0;

	if (evb_walk_best() != EVB_WALK_PEXT) {
		fprintf(stderr, "test_block_walks_agree: skipped, no fast pext on this processor\n");
		return;
	}
	for (unsigned round = 0; round < 3000; round++) {
		unsigned n = 1 + (unsigned)(t_rand(&x) % (round % 3 ? 300 : EVB_MAX_EVENTS));
		unsigned damage = round % 2 ? (unsigned)(t_rand(&x) % 4) : 0;
		size_t len = random_block(payload, n, &x, damage);
		struct evb_decoder da, db;
		int64_t pa = 42, pb = 42;
		size_t got_a, got_b, total = 0;
		unsigned skip = skips[round % 3];

		ck_assert(evb_decoder__open(&da, payload, len, n, skip));
		ck_assert(evb_decoder__open(&db, payload, len, n, skip));
		ck_assert_int_eq(db.walk, EVB_WALK_PEXT);
		da.walk = EVB_WALK_STREAMS;
		do {
			size_t max = 1 + t_rand(&x) % 200;

			memset(a, 0x5a, sizeof(a));
			memset(b, 0x5a, sizeof(b));
			got_a = evb_decoder__decode(&da, a, max, &pa);
			got_b = evb_decoder__decode(&db, b, max, &pb);
			ck_assert_msg(got_a == got_b, "round %u: %zu events stream by stream, %zu by pext",
				      round, got_a, got_b);
			ck_assert_msg(!memcmp(a, b, got_a * sizeof(a[0])), "round %u: events differ",
				      round);
			ck_assert_int_eq(pa, pb);
			ck_assert_uint_eq(evb_decoder__pending(&da), evb_decoder__pending(&db));
			total += got_a;
		} while (got_a);
		ck_assert_msg(damage || total == n, "round %u: a sound block decoded %zu of %u events",
			      round, total, n);
		bad_blocks += total < n;
		pext_events += (unsigned)total;
	}
	/* the damage did reach the decoders (half the blocks carry some) */
	ck_assert_uint_gt(bad_blocks, 300);
	ck_assert_uint_lt(bad_blocks, 1500);
	ck_assert_uint_gt(pext_events, 300000);
}
END_TEST

/* ---- event blocks: both encoders write the same bytes ------------------------------ */

/* A random event of a random shape, values of every length (some over 2^56). */
static void random_event(struct ior_event *ev, uint64_t *x)
{
	unsigned r = (unsigned)t_rand(x);

	*ev = (struct ior_event){ .start_ns = (int64_t)rnd_value(x) - (r & 1 ? 1000 : 0),
				  .dur_ns = rnd_value(x),
				  .nr = (uint32_t)(t_rand(x) % 500),
				  .ret = r & 2 ? -(int64_t)(t_rand(x) % 200) : (int64_t)rnd_value(x),
				  .fd = r & 4 ? IOR_FD_NONE : (int32_t)(t_rand(x) % 70) - 3,
				  .fd2 = IOR_FD_NONE };
	if (r & 8)
		ev->bytes = r & 16 && ev->ret > 0 ? (uint64_t)ev->ret : rnd_value(x);
	if (r & 32)
		ev->aux = rnd_value(x);
	if (r & 64)
		ev->flags = rnd_value(x);
	if (r & 128)
		ev->path = (uint32_t)rnd_value(x);
	if ((r >> 8) % 16 == 0) { /* ext values: rare */
		ev->path2 = (uint32_t)(t_rand(x) % 1000);
		ev->fd2 = (int32_t)(t_rand(x) % 64) - 1;
		ev->str_flags = (uint32_t)(t_rand(x) % 4);
	}
}

/*
 * The branch-free encoder (where pdep is fast) and the general one write the very same
 * bytes for every kind of event, and a block of events that change shape often is
 * followed by one encoded branch-free, one of a steady shape by one encoded in general.
 */
START_TEST(test_block_encodings_agree)
{
	static uint8_t out_a[EVB_MAX_EVENTS * EVB_EVENT_MAX + 256];
	static uint8_t out_b[sizeof(out_a)];
	static struct ior_event ev[EVB_MAX_EVENTS];
	struct evb_encoder a, b;
	uint64_t x = 0x2545f4914f6cdd1dULL;

	ck_assert_int_eq(evb_encoder__init(&a), 0);
	ck_assert_int_eq(evb_encoder__init(&b), 0);
	if (evb_walk_best() != EVB_WALK_PEXT) {
		fprintf(stderr, "test_block_encodings_agree: skipped, no fast pdep on this processor\n");
		goto out;
	}
	for (unsigned round = 0; round < 400; round++) {
		unsigned n = 1 + (unsigned)(t_rand(&x) % EVB_MAX_EVENTS);
		int64_t prev = (int64_t)t_rand(&x);
		size_t len;

		for (unsigned i = 0; i < n; i++) {
			uint32_t thread = (uint32_t)rnd_value(&x);

			random_event(&ev[i], &x);
			a.branch_free = false;
			b.branch_free = true;
			evb_encoder__add(&a, &ev[i], thread, prev);
			evb_encoder__add(&b, &ev[i], thread, prev);
			prev = ev[i].start_ns;
		}
		len = (size_t)(evb_encoder__emit(&a, out_a) - out_a);
		ck_assert_uint_eq((size_t)(evb_encoder__emit(&b, out_b) - out_b), len);
		ck_assert_msg(!memcmp(out_a, out_b, len), "round %u: the encodings differ", round);
	}
	/* the choice for the next block: one pair in eight is looked at */
	for (unsigned i = 0; i < EVB_MAX_EVENTS; i++) {
		random_event(&ev[i], &x);
		ev[i].fd = i % 2 ? IOR_FD_NONE : 3;
		evb_encoder__add(&a, &ev[i], 1, 0);
	}
	evb_encoder__emit(&a, out_a);
	ck_assert(a.branch_free);
	for (unsigned i = 0; i < EVB_MAX_EVENTS; i++)
		evb_encoder__add(&a, &(struct ior_event){ .fd = 3, .fd2 = IOR_FD_NONE, .ret = 4 },
				 1, 0);
	evb_encoder__emit(&a, out_a);
	ck_assert(!a.branch_free);
out:
	evb_encoder__free(&a);
	evb_encoder__free(&b);
}
END_TEST

/*
 * Through the parser: a block whose skipped fd stream is short is decoded whole, and the
 * good event it still gives has its skipped fd at the default, as unskipped blocks do.
 */
START_TEST(test_block_skipping_fallback_masks)
{
	static const uint8_t chunk[] = {
		0xa3, 0x00, 0x01, 0x01, 0x00, 0x02, 0x00,		    /* chunk 0, base 0 */
		0xa4, 0x00, 0x03, 0x01, 0x01, 0x02, 0x18, 0x64, 0x03, 0x18, 0x65, /* thread 1 */
		0xa3, 0x00, 0x08, 0x01, 0x02, 0x02, 0x58, 26,		    /* block of 2 */
		12, 2, 2, 2, 2, 2, 2, 1, 0, 0, 0, 0, 0, /* 12 streams and their lengths */
		0x01, 0x01,			      /* shape: both events have an fd */
		0x00, 0x00, 0x05, 0x05, 0x01, 0x01, 0x00, 0x00, 0x00, 0x00, /* dt dur thr nr ret */
		0x06,				      /* fd 3, and no second fd */
	};
	struct ior_warnings w;
	struct ior_parser p;
	struct ior_record rec;
	struct ior_event ev[4];

	ior_warnings__init(&w);
	ior_parser__init(&p, 0, &w);
	p.skip = IOR_SKIP_FD;
	ior_parser__open(&p, chunk, sizeof(chunk), 0);
	ck_assert_int_eq(ior_parser__next(&p, &rec, ev, 4), 1);
	ck_assert_int_eq(rec.type, IOR_REC_EVENTS);
	ck_assert_uint_eq(rec.events.n, 1); /* the second event's fd is missing */
	ck_assert_uint_eq(rec.events.v[0].pid, 100);
	ck_assert_uint_eq(rec.events.v[0].tid, 101);
	ck_assert_uint_eq(rec.events.v[0].dur_ns, 5);
	ck_assert_int_eq(rec.events.v[0].fd, IOR_FD_NONE);
	ck_assert_int_eq(ior_parser__next(&p, &rec, ev, 4), 0);
	ior_parser__free(&p);
	ior_warnings__free(&w);
}
END_TEST

/* ---- damage ------------------------------------------------------------------------ */

/* A small recording spread over several chunks, as bytes. */
static uint8_t *small_file(struct t_script *s, size_t *len, size_t nevents)
{
	struct ior_writer_opts o = { .chunk_bytes = 700 };
	int fd = memfd_create("small", 0);
	uint8_t *buf;

	ck_assert_int_eq(t_write_synthetic(fd, s, nevents, true, &o, 1234), 0);
	buf = t_slurp(fd, len);
	close(fd);
	return buf;
}

START_TEST(test_truncation_every_offset)
{
	set_mode(_i);
	struct t_script s;
	size_t len, prev = SIZE_MAX;
	uint8_t *buf;
	int fd;

	t_extreme_string_max = 600;
	buf = small_file(&s, &len, 120);
	t_extreme_string_max = 70000;
	fd = t_memfd(buf, len);

	/* shrinking one file from the end visits every cut without rewriting it */
	for (size_t cut = len + 1; cut-- > 0;) {
		struct ior_reader *r;
		struct ior_reader_stats st;
		size_t n;

		ck_assert_int_eq(ftruncate(fd, (off_t)cut), 0);
		lseek(fd, 0, SEEK_SET);
		r = ior_reader__open(fd, NULL);
		if (!r) { /* only before the header is complete */
			ck_assert_msg(*ior_reader__open_error(), "no message at cut %zu", cut);
			continue;
		}
		ior_reader__close(r);
		lseek(fd, 0, SEEK_SET);
		n = expect_prefix(fd, &s, NULL, &st);
		ck_assert_msg(cut < len || n == s.n, "the whole file did not read back");
		ck_assert_msg(n <= prev, "cut %zu returned more records than a longer cut", cut);
		prev = n;
		ck_assert_msg(cut == len || st.truncated, "cut %zu not reported truncated", cut);
	}
	close(fd);
	free(buf);
	t_script_free(&s);
}
END_TEST

/* Returned records must be a subsequence of the written ones: nothing invented. */
static void expect_subsequence(const uint8_t *buf, size_t len, const struct t_script *s,
			       bool salvage)
{
	int fd = t_memfd(buf, len);
	struct ior_reader_opts o = { .salvage = salvage };
	struct ior_reader *r = open_reader(fd, &o);
	struct ior_record rec;
	size_t j = 0;

	if (!r) {
		close(fd);
		return;
	}
	while (read_next(r, &rec) > 0) {
		while (j < s->n && t_record_diff(r, s, &rec, &s->recs[j]))
			j++;
		ck_assert_msg(j < s->n, "the reader returned a record that was never written");
		j++;
	}
	ior_reader__close(r);
	close(fd);
}

START_TEST(test_random_damage)
{
	set_mode(_i);
	struct t_script s;
	size_t len;
	uint8_t *buf = small_file(&s, &len, 300), *bad = malloc(len);
	uint64_t st = 5;

	for (int iter = 0; iter < 3000; iter++) {
		memcpy(bad, buf, len);
		int flips = 1 + (int)(t_rand(&st) % 8);

		for (int k = 0; k < flips; k++) {
			size_t at = IOR_MAGIC_LEN + t_rand(&st) % (len - IOR_MAGIC_LEN);

			bad[at] ^= (uint8_t)(1 + t_rand(&st) % 255);
		}
		expect_subsequence(bad, len, &s, false);
	}
	free(bad);
	free(buf);
	t_script_free(&s);
}
END_TEST

START_TEST(test_zero_tail)
{
	set_mode(_i);
	struct t_script s;
	size_t len;
	uint8_t *buf = small_file(&s, &len, 200), *z;
	struct ior_reader_stats st;

	/* a preallocated file after a crash: the data, then zeros */
	z = calloc(1, len + 65536);
	memcpy(z, buf, len);
	int fd = t_memfd(z, len + 65536);

	ck_assert_uint_eq(expect_prefix(fd, &s, NULL, &st), s.n);
	ck_assert_uint_eq(st.skipped_bytes, 65536);
	close(fd);
	/* cut in the middle, then zeros: a prefix, never garbage */
	memset(z + len / 2, 0, len / 2 + 65536);
	fd = t_memfd(z, len + 65536);
	ck_assert_uint_lt(expect_prefix(fd, &s, NULL, &st), s.n);
	ck_assert(st.truncated);
	close(fd);
	free(z);
	free(buf);
	t_script_free(&s);
}
END_TEST

START_TEST(test_salvage)
{
	set_mode(_i);
	struct t_script s;
	size_t len, strict, salvaged;
	uint8_t *buf = small_file(&s, &len, 300);
	struct ior_reader_opts o = { .salvage = true };
	int fd;

	/* cut just before the last chunk's checksum: only salvage can read into it */
	fd = t_memfd(buf, len - 200);
	strict = expect_prefix(fd, &s, NULL, NULL);
	lseek(fd, 0, SEEK_SET);
	salvaged = expect_prefix(fd, &s, &o, NULL);
	ck_assert_uint_ge(salvaged, strict);
	close(fd);
	free(buf);
	t_script_free(&s);
}
END_TEST

/* The zstd window a frame header at p declares (RFC 8878 3.1.1.1.2). */
static uint64_t frame_window(const uint8_t *p)
{
	uint8_t fhd = p[4], wd = p[5];
	uint64_t base;

	ck_assert_msg(!(fhd & 0x20), "a chunk frame declares its size: single segment");
	base = 1ull << (10 + (wd >> 3));
	return base + base / 8 * (wd & 7);
}

/*
 * Every chunk fits the compressor's window (format/zparams.c): a streaming zstd keeps
 * window + 128 KiB of input, and a chunk larger than that wraps it, which made zstd's
 * matching ~20 % slower. And no window is larger than SPEC.md's 8 MiB.
 */
START_TEST(test_window_covers_chunk)
{
	struct t_script s;
	int fd = memfd_create("window", 0);
	size_t len, pos = IOR_MAGIC_LEN, chunks = 0;
	uint8_t *buf, *raw = malloc(IOR_CHUNK_MAX);

	ck_assert_int_eq(t_write_synthetic(fd, &s, 700000, false, NULL, 5), 0);
	t_script_free(&s);
	buf = t_slurp(fd, &len);
	pos += ZSTD_findFrameCompressedSize(buf + pos, len - pos); /* the header, in one call */
	while (pos < len) {
		size_t fsize = ZSTD_findFrameCompressedSize(buf + pos, len - pos), n;

		ck_assert(!ZSTD_isError(fsize));
		if ((ior_get_le32(buf + pos) & 0xfffffff0u) != IOR_SKIP_MAGIC_MIN) {
			uint64_t window = frame_window(buf + pos);

			n = ZSTD_decompress(raw, IOR_CHUNK_MAX, buf + pos, fsize);
			ck_assert(!ZSTD_isError(n));
			ck_assert_uint_le(window, 8u << 20);
			ck_assert_msg(n <= window + (128u << 10),
				      "frame at %zu: %zu bytes in a window of %llu", pos, n,
				      (unsigned long long)window);
			chunks += n >= IOR_CHUNK_DEFAULT;
		}
		pos += fsize;
	}
	ck_assert_uint_ge(chunks, 1); /* a full-sized chunk was checked */
	free(raw);
	free(buf);
	close(fd);
}
END_TEST

/* Only a cleanly closed recording ends with its index; cut ones and pipes do not. */
START_TEST(test_ends_with_index)
{
	struct t_script s;
	int fd = memfd_create("index", 0), cut, p[2];
	size_t len;
	uint8_t *buf;

	ck_assert_int_eq(t_write_synthetic(fd, &s, 5000, false, NULL, 3), 0);
	t_script_free(&s);
	ck_assert(ior_file_ends_with_index(fd));
	buf = t_slurp(fd, &len);
	cut = t_memfd(buf, len - 1); /* the last byte of the trailer missing */
	ck_assert(!ior_file_ends_with_index(cut));
	close(cut);
	buf[len - 12] ^= 1; /* the trailer's offset no longer finds the index frame */
	cut = t_memfd(buf, len);
	ck_assert(!ior_file_ends_with_index(cut));
	close(cut);
	ck_assert_int_eq(pipe(p), 0);
	ck_assert(!ior_file_ends_with_index(p[0]));
	close(p[0]);
	close(p[1]);
	free(buf);
	close(fd);
}
END_TEST

START_TEST(test_not_ior)
{
	static const char text[] = "hello, this is not a recording at all\n";
	uint8_t z[256];
	size_t zn = ZSTD_compress(z, sizeof(z), text, sizeof(text), 1);
	struct {
		const void *buf;
		size_t len;
		int err;
		const char *msg;
	} cases[] = {
		{ "", 0, EINVAL, "not an ior recording" },
		{ text, sizeof(text), EINVAL, "not an ior recording" },
		{ z, zn, EINVAL, "not an ior recording" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = t_memfd(cases[i].buf, cases[i].len);

		errno = 0;
		ck_assert_ptr_null(ior_reader__open(fd, NULL));
		ck_assert_int_eq(errno, cases[i].err);
		ck_assert_msg(strstr(ior_reader__open_error(), cases[i].msg), "case %zu: '%s'", i,
			      ior_reader__open_error());
		close(fd);
	}
}
END_TEST

START_TEST(test_other_major)
{
	struct t_script s;
	size_t len;
	uint8_t *buf = small_file(&s, &len, 10);
	int fd;

	buf[12] = IOR_FORMAT_MAJOR + 1; /* the magic frame's major version */
	fd = t_memfd(buf, len);
	errno = 0;
	ck_assert_ptr_null(ior_reader__open(fd, NULL));
	ck_assert_int_eq(errno, EPROTONOSUPPORT);
	ck_assert_msg(strstr(ior_reader__open_error(), "version 3."), "%s",
		      ior_reader__open_error());
	close(fd);
	free(buf);
	t_script_free(&s);
}
END_TEST

/* ---- crash safety ------------------------------------------------------------------- */

/*
 * A child writes events and flushes after each batch, telling the parent how many
 * events are flushed; the parent SIGKILLs it mid-stream. Everything flushed must read.
 */
static void child_writer(int fd, int report)
{
	struct ior_writer *w = ior_writer__open(fd, t_header(), NULL);
	struct ior_event ev = { .fd = 3, .fd2 = IOR_FD_NONE, .pid = 1, .tid = 1, .ret = 1 };

	for (uint64_t i = 0;; i++) {
		ev.start_ns = (int64_t)i;
		ev.bytes = i;
		ior_writer__append_event(w, &ev);
		if (i % 5000 == 4999) {
			uint64_t n = i + 1;

			ior_writer__flush(w);
			if (write(report, &n, sizeof(n)) != sizeof(n))
				_exit(1);
		}
	}
}

START_TEST(test_sigkill_writer)
{
	set_mode(_i);
	int fd = memfd_create("kill", 0), p[2];
	uint64_t flushed = 0, n;
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		child_writer(fd, p[1]);
	}
	close(p[1]);
	while (flushed < 40000 && read(p[0], &n, sizeof(n)) == sizeof(n))
		flushed = n;
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	close(p[0]);

	struct ior_reader *r;
	struct ior_record rec;
	struct ior_reader_stats st;
	uint64_t got = 0;

	lseek(fd, 0, SEEK_SET);
	r = open_reader(fd, NULL);
	ck_assert_ptr_nonnull(r);
	while (read_next(r, &rec) > 0) {
		ck_assert_int_eq(rec.type, IOR_REC_EVENT);
		ck_assert_uint_eq(rec.event.bytes, got); /* in order, none missing */
		got++;
	}
	ior_reader__stats(r, &st);
	ck_assert_uint_ge(got, flushed);
	ck_assert(!st.clean_close);
	ck_assert(st.truncated);
	ck_assert(strstr(ior_reader__warning(r), "no end record"));
	ior_reader__close(r);
	close(fd);
}
END_TEST

START_TEST(test_pipe_input)
{
	set_mode(_i);
	struct t_script s;
	int p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		close(p[0]);
		_exit(t_write_synthetic(p[1], &s, 100000, false, NULL, 3) ? 1 : 0);
	}
	close(p[1]);
	/* the same script, generated again in this process */
	int fd = memfd_create("same", 0);

	ck_assert_int_eq(t_write_synthetic(fd, &s, 100000, false, NULL, 3), 0);
	ck_assert_uint_eq(expect_prefix(p[0], &s, NULL, NULL), s.n);
	waitpid(pid, NULL, 0);
	close(p[0]);
	close(fd);
	t_script_free(&s);
}
END_TEST

START_TEST(test_max_bytes)
{
	struct ior_writer_opts o = { .max_bytes = 20000 };
	int fd = memfd_create("max", 0);
	struct ior_writer *w = ior_writer__open(fd, t_header(), &o);
	struct ior_event ev = { .fd = 3, .fd2 = IOR_FD_NONE, .pid = 1, .tid = 1 };
	struct ior_reader_stats st;
	uint64_t i;
	int err = 0;

	for (i = 0; i < 10000000 && !err; i++) {
		ev.start_ns = (int64_t)(i * 7919);
		ev.bytes = i * 2654435761u;
		err = ior_writer__append_event(w, &ev);
	}
	ck_assert_int_eq(err, -EFBIG);
	ck_assert_int_eq(ior_writer__close(w, NULL), 0);
	lseek(fd, 0, SEEK_SET);
	struct ior_reader *r = ior_reader__open(fd, NULL);
	struct ior_record rec;

	while (ior_reader__next(r, &rec) > 0)
		;
	ior_reader__stats(r, &st);
	ck_assert(st.clean_close);
	ck_assert_uint_eq(st.events, i - 1);
	ck_assert_uint_lt(lseek(fd, 0, SEEK_END), 40000);
	ior_reader__close(r);
	close(fd);
}
END_TEST

/* A full disk: the write error is sticky and what was flushed before it stays readable. */
START_TEST(test_write_error)
{
	int fd = open("/dev/full", O_WRONLY);

	errno = 0;
	ck_assert_ptr_null(ior_writer__open(fd, t_header(), NULL));
	ck_assert_int_eq(errno, ENOSPC);
	close(fd);

	/* a file size limit in a child: EFBIG from write(2) mid-stream */
	int mfd = memfd_create("fsize", 0);
	pid_t pid = fork();

	if (pid == 0) {
		struct rlimit rl = { 30000, 30000 };
		struct ior_event ev = { .fd = 3, .fd2 = IOR_FD_NONE, .pid = 1, .tid = 1 };
		struct ior_writer *w;
		int err = 0;

		signal(SIGXFSZ, SIG_IGN);
		setrlimit(RLIMIT_FSIZE, &rl);
		w = ior_writer__open(mfd, t_header(), NULL);
		for (uint64_t i = 0; !err; i++) {
			ev.start_ns = (int64_t)i;
			ev.bytes = i * 2654435761u;
			err = ior_writer__append_event(w, &ev);
			if (!err && i % 1000 == 999)
				err = ior_writer__flush(w);
		}
		_exit(err == -EFBIG && ior_writer__close(w, NULL) == -EFBIG ? 0 : 1);
	}
	int status;

	waitpid(pid, &status, 0);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	lseek(mfd, 0, SEEK_SET);
	struct ior_reader *r = ior_reader__open(mfd, NULL);
	struct ior_record rec;
	uint64_t got = 0;

	while (ior_reader__next(r, &rec) > 0)
		ck_assert_uint_eq(rec.event.start_ns, (int64_t)got++);
	ck_assert_uint_ge(got, 1000);
	ior_reader__close(r);
	close(mfd);
}
END_TEST

Suite *format_suite(void)
{
	Suite *s = suite_create("format");
	TCase *tc = tcase_create("format");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_roundtrip_millions, 0, 4);
	tcase_add_loop_test(tc, test_roundtrip_extreme, 0, 4);
	tcase_add_test(tc, test_header_roundtrip);
	tcase_add_test(tc, test_header_selected);
	tcase_add_test(tc, test_libcbor_oracle);
	tcase_add_loop_test(tc, test_roundtrip_skipping, 0,
			    4 * (int)(sizeof(skip_cases) / sizeof(skip_cases[0])));
	tcase_add_loop_test(tc, test_block_malformed, 0,
			    (int)(sizeof(block_cases) / sizeof(block_cases[0])));
	tcase_add_loop_test(tc, test_block_malformed_skipping, 0,
			    (int)(sizeof(block_cases) / sizeof(block_cases[0])));
	tcase_add_test(tc, test_block_walks_agree);
	tcase_add_test(tc, test_block_encodings_agree);
	tcase_add_test(tc, test_block_skipping_fallback_masks);
	tcase_add_loop_test(tc, test_truncation_every_offset, 0, 4);
	tcase_add_loop_test(tc, test_random_damage, 0, 4);
	tcase_add_loop_test(tc, test_zero_tail, 0, 4);
	tcase_add_loop_test(tc, test_salvage, 0, 4);
	tcase_add_test(tc, test_window_covers_chunk);
	tcase_add_test(tc, test_ends_with_index);
	tcase_add_test(tc, test_not_ior);
	tcase_add_test(tc, test_other_major);
	tcase_add_loop_test(tc, test_sigkill_writer, 0, 4);
	tcase_add_loop_test(tc, test_pipe_input, 0, 4);
	tcase_add_test(tc, test_max_bytes);
	tcase_add_test(tc, test_write_error);
	suite_add_tcase(s, tc);
	return s;
}
