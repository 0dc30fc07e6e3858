// SPDX-License-Identifier: GPL-2.0-only
#include "tests/t_recording.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>
#include <zstd.h>

#include "format/cbor.h"
#include "format/internal.h"

uint64_t t_rand(uint64_t *state)
{
	uint64_t x = *state ? *state : 0x9e3779b97f4a7c15ULL;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

static const struct ior_syscall_name t_syscalls[] = {
	{ 0, "read" },	   { 1, "write" },   { 3, "close" },	 { 5, "fstat" },
	{ 8, "lseek" },	   { 17, "pread64" }, { 74, "fsync" },	 { 82, "rename" },
	{ 257, "openat" }, { 262, "newfstatat" }, { 332, "statx" }, { 4000, "far_away" },
};

const struct ior_header *t_header(void)
{
	static const char *const argv[] = { "ior-record", "-d", "5", "--path", "/v\xffr" };
	static const struct ior_header h = {
		.tool_version = "test",
		.hostname = "testhost",
		.kernel = "6.18.0-test",
		.arch = "x86_64",
		.ncpus = 2,
		.clock = "monotonic",
		.wall_offset_ns = 1764000000000000000LL,
		.start_ns = 5000000000LL,
		.argv = argv,
		.argc = 5,
		.options = "attach=btf ringbuf=16M",
		.syscalls = t_syscalls,
		.nsyscalls = sizeof(t_syscalls) / sizeof(t_syscalls[0]),
	};
	return &h;
}

static int script_push(struct t_script *s, const struct ior_record *rec)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 4096;
		struct ior_record *p = realloc(s->recs, cap * sizeof(*p));

		if (!p)
			return -ENOMEM;
		s->recs = p;
		s->cap = cap;
	}
	s->recs[s->n++] = *rec;
	return 0;
}

/* Intern a string in the writer and remember its bytes under the writer's id. */
static uint32_t script_intern(struct t_script *s, struct ior_writer *w, const char *b,
			      size_t len)
{
	uint32_t id = ior_writer__intern(w, b, len);

	if (!id)
		return 0;
	if (id >= s->nstrings) {
		size_t n = id * 2 + 16;
		struct t_string *p = realloc(s->strings, n * sizeof(*p));

		if (!p)
			return 0;
		memset(p + s->nstrings, 0, (n - s->nstrings) * sizeof(*p));
		s->strings = p;
		s->nstrings = n;
	}
	if (!s->strings[id].bytes) {
		s->strings[id].bytes = malloc(len + 1);
		memcpy(s->strings[id].bytes, b, len);
		s->strings[id].len = len;
	}
	return id;
}

size_t t_extreme_string_max = 70000;

/* A path: mostly from a pool of a few hundred, sometimes new, sometimes odd. */
static uint32_t pick_path(struct t_script *s, struct ior_writer *w, uint64_t *st, bool extreme)
{
	char buf[70000];
	uint64_t r = t_rand(st);
	int n;

	if (extreme && r % 13 == 0) {
		size_t max = t_extreme_string_max < sizeof(buf) ? t_extreme_string_max : sizeof(buf);
		size_t len = r % 3 == 0 ? 0 : (r >> 8) % max;

		for (size_t i = 0; i < len; i++)
			buf[i] = (char)(t_rand(st) & 0xff); /* any byte, NUL and invalid UTF-8 */
		return script_intern(s, w, buf, len);
	}
	if (r % 50 == 0)
		n = snprintf(buf, sizeof(buf), "/tmp/new/%llu", (unsigned long long)(r >> 16));
	else
		n = snprintf(buf, sizeof(buf), "/var/lib/db/table_%u.ibd", (unsigned)(r % 300));
	return script_intern(s, w, buf, (size_t)n);
}

static void fill_event(struct ior_event *ev, uint64_t *st, int64_t *now, bool extreme)
{
	uint64_t r = t_rand(st), thread = r % 300;

	*now += (int64_t)(t_rand(st) % 20000) - (r % 17 == 0 ? 30000 : 0);
	*ev = (struct ior_event){
		.start_ns = *now,
		.dur_ns = 200 + t_rand(st) % 5000,
		.pid = 1000 + (uint32_t)(thread / 4),
		.tid = 1000 + (uint32_t)thread,
		.nr = t_syscalls[r % 11].nr,
		.ret = (r >> 20) % 9 == 0 ? -2 : 4096,
		.fd = (int32_t)((r >> 8) % 64),
		.fd2 = IOR_FD_NONE,
		.bytes = (r >> 12) % 3 ? 4096 : 0,
		.aux = (r >> 14) % 5 == 0 ? 0x80000 : 0,
	};
	if (!extreme)
		return;
	static const int64_t times[] = { INT64_MIN, INT64_MAX, 0, -1, INT64_MIN + 1 };
	uint64_t x = t_rand(st);

	switch (x % 7) {
	case 0: ev->start_ns = times[(x >> 8) % 5]; *now = ev->start_ns; break;
	case 1: ev->dur_ns = UINT64_MAX; ev->ret = INT64_MIN; break;
	case 2: ev->bytes = UINT64_MAX; ev->flags = UINT64_MAX; ev->aux = 1; break;
	case 3: ev->fd = INT32_MAX; ev->fd2 = -1; ev->ret = INT64_MAX; break;
	case 4: ev->pid = UINT32_MAX; ev->tid = 0; ev->nr = UINT32_MAX; break;
	case 5: ev->fd = INT32_MIN + 1; ev->fd2 = 0; ev->str_flags = 3; break;
	}
}

static int append_extra(struct t_script *s, struct ior_writer *w, uint64_t *st, int64_t now,
			size_t i, bool extreme)
{
	struct ior_record rec = { 0 };
	int err;

	if (i % 97 == 5) {
		rec.type = IOR_REC_PROC;
		rec.proc = (struct ior_proc){ .kind = (enum ior_proc_kind)(1 + i % 7),
					      .time_ns = now, .pid = (uint32_t)i, .tid = (uint32_t)i,
					      .ppid = 1, .ptid = 1, .clone_flags = 0x11 | i,
					      .code = extreme ? INT64_MIN : -(int64_t)i,
					      .flags = 0x80000, .comm = script_intern(s, w, "bash", 4),
					      .path = pick_path(s, w, st, extreme) };
		err = ior_writer__append_proc(w, &rec.proc);
	} else if (i % 1001 == 7) {
		rec.type = IOR_REC_LOST;
		rec.lost = (struct ior_lost){ .time_ns = now, .cpu = (uint32_t)(i % 2),
					      .count = 1 + i };
		err = ior_writer__append_lost(w, &rec.lost);
	} else {
		return 0;
	}
	return err ? err : script_push(s, &rec);
}

int t_write_synthetic(int fd, struct t_script *s, size_t nevents, bool extreme,
		      const struct ior_writer_opts *opts, uint64_t seed)
{
	struct ior_writer *w = ior_writer__open(fd, t_header(), opts);
	struct ior_record rec = { .type = IOR_REC_EVENT };
	int64_t now = t_header()->start_ns;
	uint64_t st = seed;
	int err = 0;

	memset(s, 0, sizeof(*s));
	if (!w)
		return -errno;
	for (size_t i = 0; i < nevents && !err; i++) {
		fill_event(&rec.event, &st, &now, extreme);
		if (t_rand(&st) % 4 == 0)
			rec.event.path = pick_path(s, w, &st, extreme);
		if (extreme && t_rand(&st) % 5 == 0)
			rec.event.path2 = pick_path(s, w, &st, extreme);
		err = ior_writer__append_event(w, &rec.event);
		if (!err)
			err = script_push(s, &rec);
		s->nevents++;
		if (!err)
			err = append_extra(s, w, &st, now, i, extreme);
	}
	struct ior_end end = { .time_ns = now, .reason = IOR_END_SIGNAL };

	if (err) {
		ior_writer__abandon(w);
		return err;
	}
	rec = (struct ior_record){ .type = IOR_REC_END };
	rec.end = end;
	rec.end.events = s->nevents; /* the writer fills in its own count */
	err = ior_writer__close(w, &end);
	return err ? err : script_push(s, &rec);
}

static bool same_string(const struct ior_reader *r, const struct t_script *s, uint32_t got,
			uint32_t want)
{
	size_t len;
	const char *g;

	if (!got || !want)
		return got == want;
	g = ior_reader__string(r, got, &len);
	return g && want < s->nstrings && len == s->strings[want].len &&
	       memcmp(g, s->strings[want].bytes, len) == 0;
}

static const char *event_diff(const struct ior_reader *r, const struct t_script *s,
			      const struct ior_event *g, const struct ior_event *w)
{
	if (g->start_ns != w->start_ns)
		return "start_ns";
	if (g->dur_ns != w->dur_ns || g->pid != w->pid || g->tid != w->tid || g->nr != w->nr)
		return "dur/pid/tid/nr";
	if (g->ret != w->ret || g->fd != w->fd || g->fd2 != w->fd2 || g->bytes != w->bytes)
		return "ret/fd/fd2/bytes";
	if (g->flags != w->flags || g->aux != w->aux || g->str_flags != w->str_flags)
		return "flags/aux/str_flags";
	if (!same_string(r, s, g->path, w->path) || !same_string(r, s, g->path2, w->path2))
		return "path/path2";
	return NULL;
}

const char *t_record_diff(const struct ior_reader *r, const struct t_script *s,
			  const struct ior_record *got, const struct ior_record *want)
{
	const struct ior_proc *gp = &got->proc, *wp = &want->proc;

	if (got->type != want->type)
		return "record type";
	switch (got->type) {
	case IOR_REC_EVENT:
		return event_diff(r, s, &got->event, &want->event);
	case IOR_REC_PROC:
		if (gp->kind != wp->kind || gp->time_ns != wp->time_ns || gp->pid != wp->pid ||
		    gp->tid != wp->tid || gp->ppid != wp->ppid || gp->ptid != wp->ptid ||
		    gp->clone_flags != wp->clone_flags || gp->code != wp->code ||
		    gp->flags != wp->flags)
			return "proc fields";
		if (!same_string(r, s, gp->comm, wp->comm) || !same_string(r, s, gp->path, wp->path))
			return "proc strings";
		return NULL;
	case IOR_REC_LOST:
		return memcmp(&got->lost, &want->lost, sizeof(got->lost)) ? "lost" : NULL;
	case IOR_REC_END:
		return got->end.events != want->end.events || got->end.reason != want->end.reason
			       ? "end" : NULL;
	default:
		return "unexpected record";
	}
}

void t_script_free(struct t_script *s)
{
	for (size_t i = 0; i < s->nstrings; i++)
		free(s->strings[i].bytes);
	free(s->strings);
	free(s->recs);
	memset(s, 0, sizeof(*s));
}

int t_memfd(const void *buf, size_t len)
{
	int fd = memfd_create("ior-test", 0);
	const char *p = buf;

	if (fd < 0)
		return -1;
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	lseek(fd, 0, SEEK_SET);
	return fd;
}

uint8_t *t_slurp(int fd, size_t *len)
{
	off_t size = lseek(fd, 0, SEEK_END);
	uint8_t *buf;

	if (size < 0 || !(buf = malloc((size_t)size + 1)))
		return NULL;
	if (pread(fd, buf, (size_t)size, 0) != size) {
		free(buf);
		return NULL;
	}
	*len = (size_t)size;
	return buf;
}

/* The id of a thread definition record at in, or 0 when it is another record. */
static uint64_t thread_defined(struct cbor_in in)
{
	unsigned major;
	uint64_t n, key, type, id;

	if (!cbor_get_head(&in, &major, &n) || major != 5 || n < 2 || !cbor_get_u64(&in, &key) ||
	    key != 0 || !cbor_get_u64(&in, &type) || type != IOR_CTL_THREAD ||
	    !cbor_get_u64(&in, &key) || key != 1 || !cbor_get_u64(&in, &id))
		return 0;
	return id;
}

/* A chunk's records without the thread definitions seen[] already holds; its new length. */
static size_t drop_threads(uint8_t *raw, size_t len, uint8_t *seen, size_t nseen)
{
	struct cbor_in in = { raw, raw + len };
	size_t out = 0;

	while (in.p < in.end) {
		const uint8_t *at = in.p;
		uint64_t id = thread_defined(in);

		if (!cbor_skip(&in, 8))
			break;
		if (id && id < nseen && seen[id]++)
			continue;
		memmove(raw + out, at, (size_t)(in.p - at));
		out += (size_t)(in.p - at);
	}
	return out;
}

int t_drop_repeated_threads(int fd)
{
	size_t len, pos = IOR_MAGIC_LEN, out_len = IOR_MAGIC_LEN, nseen = 1 << 20;
	uint8_t *buf = t_slurp(fd, &len);
	size_t out_cap = 2 * len + (1 << 20); /* recompressed chunks may grow a little */
	uint8_t *out = malloc(out_cap);
	uint8_t *raw = malloc(IOR_CHUNK_MAX), *seen = calloc(nseen, 1);
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	int frames = 0, err = -EINVAL;

	if (!buf || !out || !raw || !seen || !cc)
		goto out;
	memcpy(out, buf, IOR_MAGIC_LEN); /* the magic frame */
	ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
	while (pos + 8 <= len) {
		uint32_t magic = ior_get_le32(buf + pos);
		size_t size = magic == IOR_ZSTD_MAGIC
				      ? ZSTD_findFrameCompressedSize(buf + pos, len - pos)
				      : 8 + (size_t)ior_get_le32(buf + pos + 4);

		if (ZSTD_isError(size) || size > len - pos)
			goto out;
		if (magic != IOR_ZSTD_MAGIC || frames++ == 0) { /* the header stays as it is */
			memcpy(out + out_len, buf + pos, size);
			out_len += size;
		} else {
			size_t n = ZSTD_decompress(raw, IOR_CHUNK_MAX, buf + pos, size);

			if (ZSTD_isError(n))
				goto out;
			n = drop_threads(raw, n, seen, nseen);
			n = ZSTD_compress2(cc, out + out_len, out_cap - out_len, raw, n);
			if (ZSTD_isError(n))
				goto out;
			out_len += n;
		}
		pos += size;
	}
	err = ftruncate(fd, 0) || pwrite(fd, out, out_len, 0) != (ssize_t)out_len ? -EIO : 0;
out:
	ZSTD_freeCCtx(cc);
	free(buf);
	free(out);
	free(raw);
	free(seen);
	return err;
}
