// SPDX-License-Identifier: GPL-2.0-only
/*
 * The .ior writer: records are CBOR-encoded into a reused buffer, streamed through one
 * zstd context, and written with write(2). A chunk (one zstd frame, checksummed) ends
 * at ~chunk_bytes of records or at every flush, and repeats the string and thread
 * definitions it uses, so that every chunk decodes on its own.
 */
#include "format/ior_format.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#include "common/hash.h"
#include "format/cbor.h"
#include "format/evblock.h"
#include "format/internal.h"
#include "format/zparams.h"

/* Records are staged here and handed to zstd when it fills. */
#define ENC_BUF (128u << 10)
#define CTL_MAX 160
/*
 * Thread ids of recently seen (pid, tid) pairs, indexed by the tid's low bits: the
 * kernel hands out tids in sequence, and events come in runs from the few threads
 * running at once. The hash map costs ~57 instructions per event; on format_bench's
 * 300 threads this cache answers 98 % of events (90 % with 64 entries).
 */
#define THR_CACHE 256u

struct thr_cache_entry {
	uint64_t key; /* pid << 32 | tid */
	uint32_t id;  /* 0: empty */
};

struct index_entry {
	uint64_t offset, length, seq, events;
	int64_t t_first, t_last;
};

struct ior_writer {
	int fd;
	int err;           /* sticky: first write or memory error */
	bool full;         /* max_bytes reached */
	ZSTD_CCtx *cctx;
	struct ior_intern *strings;
	struct ior_u64map threads; /* (pid << 32 | tid) -> thread id */
	struct thr_cache_entry thr_cache[THR_CACHE];
	uint32_t nthreads;
	uint64_t *str_seen;  /* per string id: chunk seq + 1 of its last definition */
	uint64_t *thr_seen;  /* per thread id: likewise */
	size_t str_seen_cap, thr_seen_cap;
	uint8_t *enc;
	size_t enc_len, enc_cap;
	uint8_t *out;
	size_t out_cap;
	size_t chunk_bytes, chunk_raw;
	uint64_t raw_unflushed; /* staged or inside zstd, not yet out as compressed bytes */
	bool in_chunk;
	uint64_t seq;        /* current (or next) chunk number */
	int64_t prev_start;  /* base of the next event's start-time delta */
	struct evb_encoder block; /* events not yet staged */
	uint64_t events, lost, bytes_written, max_bytes;
	struct index_entry cur;
	struct index_entry *index;
	size_t nindex, index_cap;
	int64_t last_time;
};

static int write_all(struct ior_writer *w, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return w->err = -errno;
		}
		p += n;
		len -= (size_t)n;
		w->bytes_written += (uint64_t)n;
	}
	return 0;
}

/* Feed staged records to zstd; mode ZSTD_e_end closes the chunk's frame. */
static int compress_staged(struct ior_writer *w, ZSTD_EndDirective mode)
{
	ZSTD_inBuffer in = { w->enc, w->enc_len, 0 };
	size_t left;

	do {
		ZSTD_outBuffer out = { w->out, w->out_cap, 0 };

		left = ZSTD_compressStream2(w->cctx, &out, &in, mode);
		if (ZSTD_isError(left))
			return w->err = -EIO;
		if (out.pos && write_all(w, w->out, out.pos))
			return w->err;
	} while (mode == ZSTD_e_continue ? in.pos < in.size : left != 0);
	w->enc_len = 0;
	if (mode != ZSTD_e_continue)
		w->raw_unflushed = 0;
	return 0;
}

static int grow(void *pp, size_t *cap, size_t need, size_t elem)
{
	void **p = pp;
	size_t n = *cap ? *cap : 1024;
	void *q;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * elem);
	if (!q)
		return -ENOMEM;
	memset((char *)q + *cap * elem, 0, (n - *cap) * elem);
	*p = q;
	*cap = n;
	return 0;
}

/* Make room for need more staged bytes. */
static int stage_reserve(struct ior_writer *w, size_t need)
{
	if (w->enc_len + need <= w->enc_cap)
		return 0;
	if (w->enc_len && compress_staged(w, ZSTD_e_continue))
		return w->err;
	if (need > w->enc_cap) {
		uint8_t *e = realloc(w->enc, need);

		if (!e)
			return w->err = -ENOMEM;
		w->enc = e;
		w->enc_cap = need;
	}
	return 0;
}

static void stage_commit(struct ior_writer *w, uint8_t *end)
{
	size_t n = (size_t)(end - (w->enc + w->enc_len));

	w->enc_len += n;
	w->chunk_raw += n;
	w->raw_unflushed += n;
}

/*
 * Stage the pending event block. Every record that is not an event, and the end of a
 * chunk, comes after it: the file keeps the order in which records were appended.
 */
static int stage_block(struct ior_writer *w)
{
	if (!w->block.n)
		return 0;
	if (stage_reserve(w, evb_encoder__bound(&w->block)))
		return w->err;
	stage_commit(w, evb_encoder__emit(&w->block, w->enc + w->enc_len));
	return 0;
}

static int chunk_begin(struct ior_writer *w)
{
	uint8_t *p;

	if (stage_reserve(w, CTL_MAX))
		return w->err;
	p = w->enc + w->enc_len;
	*p++ = 0xa3; /* map(3) */
	p = cbor_put_uint(cbor_put_uint(p, 0), IOR_CTL_CHUNK);
	p = cbor_put_uint(cbor_put_uint(p, 1), w->seq);
	p = cbor_put_int(cbor_put_uint(p, 2), w->prev_start);
	w->chunk_raw = (size_t)(p - (w->enc + w->enc_len));
	w->enc_len += w->chunk_raw;
	w->raw_unflushed += w->chunk_raw;
	w->in_chunk = true;
	w->cur = (struct index_entry){ .offset = w->bytes_written, .seq = w->seq,
				       .t_first = INT64_MAX, .t_last = INT64_MIN };
	return 0;
}

static int chunk_end(struct ior_writer *w)
{
	uint8_t *p;

	if (stage_block(w) || stage_reserve(w, CTL_MAX))
		return w->err;
	p = w->enc + w->enc_len;
	*p++ = 0xa5; /* map(5) */
	p = cbor_put_uint(cbor_put_uint(p, 0), IOR_CTL_SYNC);
	p = cbor_put_uint(cbor_put_uint(p, 1), w->events);
	p = cbor_put_uint(cbor_put_uint(p, 2), w->lost);
	p = cbor_put_int(cbor_put_uint(p, 3), w->last_time);
	p = cbor_put_uint(cbor_put_uint(p, 4), w->seq);
	w->enc_len = (size_t)(p - w->enc);
	if (compress_staged(w, ZSTD_e_end))
		return w->err;
	w->in_chunk = false;
	w->cur.length = w->bytes_written - w->cur.offset;
	if (grow(&w->index, &w->index_cap, w->nindex + 1, sizeof(*w->index)))
		return w->err = -ENOMEM;
	w->index[w->nindex++] = w->cur;
	w->seq++;
	return 0;
}

/* Could the file be at max_bytes, counting the pending block at its largest? */
static inline bool near_max(const struct ior_writer *w)
{
	return w->max_bytes &&
	       w->bytes_written + w->raw_unflushed + (uint64_t)w->block.n * EVB_EVENT_MAX >=
		       w->max_bytes;
}

/*
 * Has the file reached max_bytes? Compressed output lags the records by up to a zstd
 * block, so when the uncompressed backlog alone could cross the limit, flush the block
 * to know exactly. Near the limit this flushes more often, never more than needed.
 */
static bool reached_max(struct ior_writer *w)
{
	uint64_t backlog = w->bytes_written + w->raw_unflushed;

	if (!near_max(w))
		return false;
	/* the pending block's exact size only matters near the limit; bound it first */
	if (w->in_chunk && backlog + evb_encoder__bytes(&w->block) >= w->max_bytes &&
	    (stage_block(w) || compress_staged(w, ZSTD_e_flush)))
		return false; /* the error is sticky and reported by the caller */
	return w->bytes_written >= w->max_bytes;
}

/* append_begin() when there is something to do: an error, a limit, a chunk boundary. */
static int append_begin_slow(struct ior_writer *w)
{
	if (w->err)
		return w->err;
	if (w->full || reached_max(w)) {
		w->full = true;
		return w->err ? w->err : -EFBIG;
	}
	if (w->in_chunk && w->chunk_raw >= w->chunk_bytes && chunk_end(w))
		return w->err;
	if (!w->in_chunk && chunk_begin(w))
		return w->err;
	return 0;
}

/*
 * Common preamble of every append: errors, size limit, chunk boundaries. A record that
 * is not an event comes after the events appended before it: the pending block first.
 * Inline, and most appends only test that nothing is to be done: it runs per event.
 */
static inline int append_begin(struct ior_writer *w, bool event)
{
	int err;

	if (w->err || w->full || !w->in_chunk || w->chunk_raw >= w->chunk_bytes || near_max(w)) {
		err = append_begin_slow(w);
		if (err)
			return err;
	}
	return event ? 0 : stage_block(w);
}

/* define_string() of a string id other than IOR_STR_NONE. */
static int define_string_id(struct ior_writer *w, uint32_t id)
{
	const char *s;
	size_t len;
	uint8_t *p;

	if (id > ior_intern__count(w->strings) || w->str_seen[id] == w->seq + 1)
		return 0;
	s = ior_intern__str(w->strings, id, &len);
	if (stage_reserve(w, len + CTL_MAX))
		return w->err;
	p = w->enc + w->enc_len;
	*p++ = 0xa3;
	p = cbor_put_uint(cbor_put_uint(p, 0), IOR_CTL_STRING);
	p = cbor_put_uint(cbor_put_uint(p, 1), id);
	p = cbor_put_bytes(cbor_put_uint(p, 2), CBOR_BSTR, s, len);
	stage_commit(w, p);
	w->str_seen[id] = w->seq + 1;
	return 0;
}

/* Emit the definition of string id unless this chunk already has it. */
static inline int define_string(struct ior_writer *w, uint32_t id)
{
	/* most events have no path, and the writer asks for two */
	return id == IOR_STR_NONE ? 0 : define_string_id(w, id);
}

/* The thread id of (pid, tid) from the map, allocating one when new. 0 on ENOMEM. */
static uint32_t thread_id(struct ior_writer *w, uint64_t key)
{
	uint64_t *slot = ior_u64map__slot(&w->threads, key);

	if (!slot) {
		w->err = -ENOMEM;
		return 0;
	}
	if (!*slot) {
		if (grow(&w->thr_seen, &w->thr_seen_cap, w->nthreads + 2, sizeof(uint64_t))) {
			w->err = -ENOMEM;
			return 0;
		}
		*slot = ++w->nthreads;
	}
	return (uint32_t)*slot;
}

/* define_thread() when (pid, tid) is not cached or not yet defined in this chunk. */
static __attribute__((noinline)) uint32_t define_thread_slow(struct ior_writer *w, uint32_t pid,
							     uint32_t tid)
{
	uint64_t key = (uint64_t)pid << 32 | tid;
	struct thr_cache_entry *c = &w->thr_cache[tid % THR_CACHE];
	uint32_t id = c->id;
	uint8_t *p;

	if (c->key != key || !id) {
		id = thread_id(w, key);
		if (!id)
			return 0;
		*c = (struct thr_cache_entry){ key, id };
	}
	if (w->thr_seen[id] != w->seq + 1) {
		if (stage_reserve(w, CTL_MAX))
			return 0;
		p = w->enc + w->enc_len;
		*p++ = 0xa4;
		p = cbor_put_uint(cbor_put_uint(p, 0), IOR_CTL_THREAD);
		p = cbor_put_uint(cbor_put_uint(p, 1), id);
		p = cbor_put_uint(cbor_put_uint(p, 2), pid);
		p = cbor_put_uint(cbor_put_uint(p, 3), tid);
		stage_commit(w, p);
		w->thr_seen[id] = w->seq + 1;
	}
	return id;
}

/*
 * The thread id of (pid, tid), defined in this chunk. Returns 0 on error. Inline, and
 * most events only find their thread in the cache, defined already: it runs per event.
 */
static inline uint32_t define_thread(struct ior_writer *w, uint32_t pid, uint32_t tid)
{
	const struct thr_cache_entry *c = &w->thr_cache[tid % THR_CACHE];

	if (c->key == ((uint64_t)pid << 32 | tid) && c->id && w->thr_seen[c->id] == w->seq + 1)
		return c->id;
	return define_thread_slow(w, pid, tid);
}

static void note_time(struct ior_writer *w, int64_t t)
{
	if (t < w->cur.t_first)
		w->cur.t_first = t;
	if (t > w->cur.t_last)
		w->cur.t_last = t;
	if (t > w->last_time)
		w->last_time = t;
}

int ior_writer__append_event(struct ior_writer *w, const struct ior_event *ev)
{
	uint32_t thread;
	int err = append_begin(w, true);

	if (err)
		return err;
	/* definitions are staged at once: ahead of the block that will use them */
	if (define_string(w, ev->path) || define_string(w, ev->path2))
		return w->err;
	thread = define_thread(w, ev->pid, ev->tid);
	if (!thread)
		return w->err;
	evb_encoder__add(&w->block, ev, thread, w->prev_start);
	if (w->block.n == EVB_MAX_EVENTS && stage_block(w))
		return w->err;
	w->prev_start = ev->start_ns;
	w->events++;
	w->cur.events++;
	note_time(w, ev->start_ns);
	return 0;
}

/* Put "key: value" unless value is 0 (absent keys read as 0). */
static uint8_t *put_kv_uint(uint8_t *p, unsigned key, uint64_t v, unsigned *n)
{
	if (!v)
		return p;
	(*n)++;
	return cbor_put_uint(cbor_put_uint(p, key), v);
}

static uint8_t *put_kv_int(uint8_t *p, unsigned key, int64_t v, unsigned *n)
{
	if (!v)
		return p;
	(*n)++;
	return cbor_put_int(cbor_put_uint(p, key), v);
}

int ior_writer__append_proc(struct ior_writer *w, const struct ior_proc *pr)
{
	uint8_t *start, *p;
	unsigned n = 2;
	int err = append_begin(w, false);

	if (err)
		return err;
	if (define_string(w, pr->comm) || define_string(w, pr->path) ||
	    define_string(w, pr->path2) || stage_reserve(w, CTL_MAX))
		return w->err;
	start = w->enc + w->enc_len;
	p = start + 1; /* map head patched below: at most 13 pairs */
	p = cbor_put_uint(cbor_put_uint(p, 0), IOR_CTL_PROC);
	p = cbor_put_uint(cbor_put_uint(p, IOR_PK_KIND), (uint64_t)pr->kind);
	p = put_kv_int(p, IOR_PK_TIME, pr->time_ns, &n);
	p = put_kv_uint(p, IOR_PK_PID, pr->pid, &n);
	p = put_kv_uint(p, IOR_PK_TID, pr->tid, &n);
	p = put_kv_uint(p, IOR_PK_PPID, pr->ppid, &n);
	p = put_kv_uint(p, IOR_PK_PTID, pr->ptid, &n);
	p = put_kv_uint(p, IOR_PK_CLONE, pr->clone_flags, &n);
	p = put_kv_int(p, IOR_PK_CODE, pr->code, &n);
	p = put_kv_uint(p, IOR_PK_FLAGS, pr->flags, &n);
	p = put_kv_uint(p, IOR_PK_COMM, pr->comm, &n);
	p = put_kv_uint(p, IOR_PK_PATH, pr->path, &n);
	p = put_kv_uint(p, IOR_PK_PATH2, pr->path2, &n);
	*start = (uint8_t)(0xa0 | n);
	stage_commit(w, p);
	note_time(w, pr->time_ns);
	return 0;
}

int ior_writer__append_lost(struct ior_writer *w, const struct ior_lost *l)
{
	uint8_t *start, *p;
	unsigned n = 1;
	int err = append_begin(w, false);

	if (err)
		return err;
	if (stage_reserve(w, CTL_MAX))
		return w->err;
	start = w->enc + w->enc_len;
	p = cbor_put_uint(cbor_put_uint(start + 1, 0), IOR_CTL_LOST);
	p = put_kv_int(p, 1, l->time_ns, &n);
	p = put_kv_uint(p, 2, l->cpu, &n);
	p = put_kv_uint(p, 3, l->count, &n);
	*start = (uint8_t)(0xa0 | n);
	stage_commit(w, p);
	w->lost += l->count;
	note_time(w, l->time_ns);
	return 0;
}

uint32_t ior_writer__intern(struct ior_writer *w, const void *bytes, size_t len)
{
	uint32_t id = ior_intern__get(w->strings, bytes, len, NULL);

	if (!id)
		return 0;
	if (grow(&w->str_seen, &w->str_seen_cap, (size_t)id + 1, sizeof(uint64_t))) {
		errno = ENOMEM;
		return 0;
	}
	return id;
}

int ior_writer__flush(struct ior_writer *w)
{
	if (w->err)
		return w->err;
	if (w->in_chunk)
		return chunk_end(w);
	return 0;
}

uint64_t ior_writer__bytes_written(const struct ior_writer *w)
{
	return w->bytes_written;
}

uint64_t ior_writer__events(const struct ior_writer *w)
{
	return w->events;
}

/* ---- open: magic frame and header ------------------------------------------- */

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static int write_magic(struct ior_writer *w)
{
	uint8_t m[IOR_MAGIC_LEN];

	put_le32(m, IOR_MAGIC_FRAME);
	put_le32(m + 4, 8);
	memcpy(m + 8, "IOR", 4);
	m[12] = IOR_FORMAT_MAJOR & 0xff;
	m[13] = IOR_FORMAT_MAJOR >> 8;
	m[14] = IOR_FORMAT_MINOR & 0xff;
	m[15] = IOR_FORMAT_MINOR >> 8;
	return write_all(w, m, sizeof(m));
}

static size_t cstr_len(const char *s)
{
	return s ? strlen(s) : 0;
}

static size_t header_size_bound(const struct ior_header *h)
{
	size_t n = 512 + cstr_len(h->tool_version) + cstr_len(h->hostname) +
		   cstr_len(h->kernel) + cstr_len(h->arch) + cstr_len(h->clock) +
		   cstr_len(h->options);

	for (uint32_t i = 0; i < h->argc; i++)
		n += cstr_len(h->argv[i]) + CBOR_HEAD_MAX;
	for (uint32_t i = 0; i < h->nsyscalls; i++)
		n += cstr_len(h->syscalls[i].name) + 2 * CBOR_HEAD_MAX;
	return n + (size_t)h->nselected * CBOR_HEAD_MAX;
}

static uint8_t *put_kv_str(uint8_t *p, unsigned key, const char *s)
{
	p = cbor_put_uint(p, key);
	return cbor_put_bytes(p, CBOR_TSTR, s ? s : "", cstr_len(s));
}

static uint8_t *encode_header(uint8_t *p, const struct ior_header *h)
{
	*p++ = (uint8_t)(0xa0 | (h->nselected ? 15 : 14)); /* type + 13 or 14 keys */
	p = cbor_put_uint(cbor_put_uint(p, 0), IOR_CTL_HEADER);
	p = cbor_put_uint(cbor_put_uint(p, IOR_HDR_MAJOR), IOR_FORMAT_MAJOR);
	p = cbor_put_uint(cbor_put_uint(p, IOR_HDR_MINOR), IOR_FORMAT_MINOR);
	p = put_kv_str(p, IOR_HDR_TOOL, h->tool_version);
	p = put_kv_str(p, IOR_HDR_HOST, h->hostname);
	p = put_kv_str(p, IOR_HDR_KERNEL, h->kernel);
	p = put_kv_str(p, IOR_HDR_ARCH, h->arch);
	p = cbor_put_uint(cbor_put_uint(p, IOR_HDR_NCPUS), h->ncpus);
	p = put_kv_str(p, IOR_HDR_CLOCK, h->clock ? h->clock : "monotonic");
	p = cbor_put_int(cbor_put_uint(p, IOR_HDR_WALL_OFFSET), h->wall_offset_ns);
	p = cbor_put_int(cbor_put_uint(p, IOR_HDR_START), h->start_ns);
	p = cbor_put_head(cbor_put_uint(p, IOR_HDR_ARGV), CBOR_ARRAY, h->argc);
	for (uint32_t i = 0; i < h->argc; i++)
		p = cbor_put_bytes(p, CBOR_BSTR, h->argv[i], cstr_len(h->argv[i]));
	p = put_kv_str(p, IOR_HDR_OPTIONS, h->options);
	p = cbor_put_head(cbor_put_uint(p, IOR_HDR_SYSCALLS), CBOR_MAP, h->nsyscalls);
	for (uint32_t i = 0; i < h->nsyscalls; i++) {
		p = cbor_put_uint(p, h->syscalls[i].nr);
		p = cbor_put_bytes(p, CBOR_TSTR, h->syscalls[i].name,
				   cstr_len(h->syscalls[i].name));
	}
	if (h->nselected) {
		p = cbor_put_head(cbor_put_uint(p, IOR_HDR_SELECTED), CBOR_ARRAY, h->nselected);
		for (uint32_t i = 0; i < h->nselected; i++)
			p = cbor_put_uint(p, h->selected[i]);
	}
	return p;
}

/* The header is its own frame, so a reader can show it without touching events. */
static int write_header(struct ior_writer *w, const struct ior_header *h)
{
	size_t bound = header_size_bound(h), clen;
	uint8_t *raw = malloc(bound), *z;
	size_t len;
	int err;

	if (!raw)
		return -ENOMEM;
	len = (size_t)(encode_header(raw, h) - raw);
	z = malloc(ZSTD_compressBound(len));
	if (!z) {
		free(raw);
		return -ENOMEM;
	}
	clen = ZSTD_compress2(w->cctx, z, ZSTD_compressBound(len), raw, len);
	err = ZSTD_isError(clen) ? -EIO : write_all(w, z, clen);
	free(raw);
	free(z);
	return err;
}

static int writer_init(struct ior_writer *w, const struct ior_writer_opts *opts)
{
	w->chunk_bytes = opts && opts->chunk_bytes ? opts->chunk_bytes : IOR_CHUNK_DEFAULT;
	if (w->chunk_bytes > IOR_CHUNK_MAX / 2)
		w->chunk_bytes = IOR_CHUNK_MAX / 2;
	w->max_bytes = opts ? opts->max_bytes : 0;
	w->cctx = ZSTD_createCCtx();
	w->strings = ior_intern__new();
	w->enc_cap = ENC_BUF;
	w->enc = malloc(w->enc_cap);
	w->out_cap = ZSTD_CStreamOutSize();
	w->out = malloc(w->out_cap);
	if (!w->cctx || !w->strings || !w->enc || !w->out || evb_encoder__init(&w->block))
		return -ENOMEM;
	if (grow(&w->str_seen, &w->str_seen_cap, 1024, sizeof(uint64_t)))
		return -ENOMEM;
	return ior_zstd_params(w->cctx, opts ? opts->level : IOR_LEVEL_DEFAULT, w->chunk_bytes);
}

struct ior_writer *ior_writer__open(int fd, const struct ior_header *hdr,
				    const struct ior_writer_opts *opts)
{
	struct ior_writer *w = calloc(1, sizeof(*w));
	int err;

	if (!w)
		return NULL;
	w->fd = fd;
	w->prev_start = hdr->start_ns;
	w->last_time = hdr->start_ns;
	err = writer_init(w, opts);
	if (!err)
		err = write_magic(w);
	if (!err)
		err = write_header(w, hdr);
	if (err) {
		ior_writer__abandon(w);
		errno = -err;
		return NULL;
	}
	return w;
}

/* ---- close: end record, last chunk, index ---------------------------------- */

static int append_end(struct ior_writer *w, const struct ior_end *end)
{
	uint8_t *p;

	if (w->err)
		return w->err;
	if (!w->in_chunk && chunk_begin(w))
		return w->err;
	if (stage_block(w) || stage_reserve(w, CTL_MAX))
		return w->err;
	p = w->enc + w->enc_len;
	*p++ = 0xa5;
	p = cbor_put_uint(cbor_put_uint(p, 0), IOR_CTL_END);
	p = cbor_put_int(cbor_put_uint(p, 1), end && end->time_ns ? end->time_ns : w->last_time);
	p = cbor_put_uint(cbor_put_uint(p, 2), end && end->events ? end->events : w->events);
	p = cbor_put_uint(cbor_put_uint(p, 3), end && end->lost ? end->lost : w->lost);
	p = cbor_put_uint(cbor_put_uint(p, 4), end ? (uint64_t)end->reason : 0);
	stage_commit(w, p);
	return chunk_end(w);
}

/*
 * The index: a skippable frame listing every chunk (offset, length, seq, events, first
 * and last time), ending in the frame's own offset and "IORX" so that a reader can find
 * it from the end of the file.
 */
static int write_index(struct ior_writer *w)
{
	size_t cap = 64 + w->nindex * (1 + 6 * CBOR_HEAD_MAX);
	uint8_t *buf = malloc(cap), *p;
	uint64_t self = w->bytes_written;
	size_t len;
	int err;

	if (!buf)
		return -ENOMEM;
	p = buf + 8;
	p = cbor_put_head(p, CBOR_ARRAY, w->nindex);
	for (size_t i = 0; i < w->nindex; i++) {
		const struct index_entry *e = &w->index[i];

		*p++ = 0x86;
		p = cbor_put_uint(p, e->offset);
		p = cbor_put_uint(p, e->length);
		p = cbor_put_uint(p, e->seq);
		p = cbor_put_uint(p, e->events);
		p = cbor_put_int(p, e->t_first == INT64_MAX ? 0 : e->t_first);
		p = cbor_put_int(p, e->t_last == INT64_MIN ? 0 : e->t_last);
	}
	for (int i = 0; i < 8; i++)
		*p++ = (uint8_t)(self >> (8 * i));
	memcpy(p, IOR_INDEX_TRAILER, 4);
	p += 4;
	len = (size_t)(p - buf);
	put_le32(buf, IOR_INDEX_FRAME);
	put_le32(buf + 4, (uint32_t)(len - 8));
	err = write_all(w, buf, len);
	free(buf);
	return err;
}

int ior_writer__close(struct ior_writer *w, const struct ior_end *end)
{
	int err;

	if (!w)
		return 0;
	w->full = false; /* the end record is always written, past max_bytes if need be */
	err = append_end(w, end);
	if (!err)
		err = write_index(w);
	ior_writer__abandon(w);
	return err;
}

void ior_writer__abandon(struct ior_writer *w)
{
	if (!w)
		return;
	ZSTD_freeCCtx(w->cctx);
	evb_encoder__free(&w->block);
	ior_intern__free(w->strings);
	ior_u64map__free(&w->threads);
	free(w->str_seen);
	free(w->thr_seen);
	free(w->enc);
	free(w->out);
	free(w->index);
	free(w);
}
