// SPDX-License-Identifier: GPL-2.0-only
/*
 * The .ior reader. Every byte is hostile: the frame layer (source.c) hands out only
 * verified chunks and skips damage, the record decoder (records.c) checks every length.
 *
 * Without a thread, records are decoded straight into the caller's. With opts.threads a
 * thread on the other core decompresses and decodes chunks into batches of records, and
 * the caller takes records from them in file order. String definitions travel with
 * their batch and are applied to the caller's own table before the batch's records are
 * returned, so no table is shared between threads.
 */
#include "format/internal.h"
#include "format/ior_format.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "format/records.h"
#include "format/source.h"
#include "format/tables.h"

#define BATCH_RECORDS 8192
#define BATCH_EVENTS 8192
#define NBATCHES 3
/* Events decoded at a time without a thread: two steps of the block decoder. */
#define RUN_EVENTS (2 * EVB_STEP)

struct strdef {
	uint32_t id;
	uint32_t len;
	size_t off; /* into the batch's bytes */
};

struct batch {
	struct ior_record *recs; /* runs of events point into evs */
	size_t n, pos;
	struct ior_event *evs;
	size_t nev;
	struct strdef *defs;
	size_t ndefs, defs_cap;
	char *bytes;
	size_t blen, bcap;
	int status;                 /* 1 records, 0 end of input, -errno read error */
	struct ior_reader_stats st; /* the decoder's counts after this batch */
	struct ior_source_stats src;
};

/* The producing side: frames, chunks, the record decoder. One thread at a time. */
struct producer {
	struct ior_source *src;
	struct ior_chunk chunk;
	bool chunk_open;
	struct ior_parser parser;
	struct batch *cur; /* being filled; receives string definitions */
};

struct ior_reader {
	struct producer p;
	struct batch batches[NBATCHES];
	unsigned tail, nfull; /* ring of filled batches */
	bool threaded, stop;
	pthread_t thread;
	pthread_mutex_t lock;
	pthread_cond_t not_full, not_empty;
	struct batch *cur;    /* being consumed */
	struct ior_event *run_buf; /* without a thread: events are decoded here */
	const struct ior_event *run; /* the run ior_reader__next() returns one by one */
	size_t run_n, run_pos;
	struct ior_chunk hdr_chunk;
	struct ior_header hdr;
	struct reader_tables t; /* the consumer's strings and the header */
	struct ior_reader_stats st;
	struct ior_source_stats src_st;
	struct ior_warnings warn;
	bool finished;
	/* forks (ior_reader__fork): they share the root's source under its lock */
	struct ior_reader *root; /* a fork's; NULL in the root */
	bool family;             /* the root, once forked */
	pthread_mutex_t src_lock;
};

static char open_error[256];

const char *ior_reader__open_error(void)
{
	return open_error;
}

/* ---- batches -------------------------------------------------------------------- */

static int batch_init(struct batch *b)
{
	b->recs = malloc(BATCH_RECORDS * sizeof(*b->recs));
	b->evs = malloc(BATCH_EVENTS * sizeof(*b->evs));
	return b->recs && b->evs ? 0 : -ENOMEM;
}

static void batch_free(struct batch *b)
{
	free(b->recs);
	free(b->evs);
	free(b->defs);
	free(b->bytes);
}

/* The decoder's on_string: keep the definition for the consumer's table. */
static int keep_string(void *ctx, uint32_t id, const void *s, size_t len)
{
	struct batch *b = ((struct producer *)ctx)->cur;

	if (b->ndefs == b->defs_cap) {
		size_t cap = b->defs_cap ? b->defs_cap * 2 : 256;
		struct strdef *d = realloc(b->defs, cap * sizeof(*d));

		if (!d)
			return -ENOMEM;
		b->defs = d;
		b->defs_cap = cap;
	}
	if (b->blen + len > b->bcap) {
		size_t cap = b->bcap ? b->bcap : 16384;
		char *p;

		while (cap < b->blen + len)
			cap *= 2;
		p = realloc(b->bytes, cap);
		if (!p)
			return -ENOMEM;
		b->bytes = p;
		b->bcap = cap;
	}
	if (len)
		memcpy(b->bytes + b->blen, s, len);
	b->defs[b->ndefs++] = (struct strdef){ id, (uint32_t)len, b->blen };
	b->blen += len;
	return 0;
}

/* Decode records into b until it is full or the input ends. */
static void produce(struct producer *p, struct batch *b)
{
	int status = 1;

	b->n = b->pos = b->nev = b->ndefs = b->blen = 0;
	p->cur = b;
	while (b->n < BATCH_RECORDS && b->nev < BATCH_EVENTS) {
		struct ior_record *rec = &b->recs[b->n];

		if (!p->chunk_open) {
			status = ior_source__next(p->src, &p->chunk);
			if (status <= 0)
				break;
			ior_parser__open(&p->parser, p->chunk.buf, p->chunk.len, p->chunk.offset);
			p->chunk_open = true;
		}
		if (ior_parser__next(&p->parser, rec, b->evs + b->nev, BATCH_EVENTS - b->nev) <= 0) {
			p->chunk_open = false;
			continue;
		}
		if (rec->type == IOR_REC_EVENTS)
			b->nev += rec->events.n;
		b->n++;
	}
	/* a batch with records is returned first; the end comes with the next one */
	b->status = b->n ? 1 : status;
	b->st = p->parser.st;
	b->src = p->chunk.st;
}

/* ---- the decoding thread ------------------------------------------------------------ */

static void *producer_thread(void *arg)
{
	struct ior_reader *r = arg;
	struct batch *b;

	pthread_setcancelstate(PTHREAD_CANCEL_DISABLE, NULL);
	for (;;) {
		pthread_mutex_lock(&r->lock);
		while (r->nfull == NBATCHES && !r->stop)
			pthread_cond_wait(&r->not_full, &r->lock);
		if (r->stop) {
			pthread_mutex_unlock(&r->lock);
			return NULL;
		}
		b = &r->batches[(r->tail + r->nfull) % NBATCHES];
		pthread_mutex_unlock(&r->lock);
		produce(&r->p, b); /* a free batch is the producer's alone */
		pthread_mutex_lock(&r->lock);
		r->nfull++;
		pthread_cond_signal(&r->not_empty);
		pthread_mutex_unlock(&r->lock);
		if (b->status <= 0)
			return NULL;
	}
}

static int start_thread(struct ior_reader *r)
{
	int err;

	pthread_mutex_init(&r->lock, NULL);
	pthread_cond_init(&r->not_full, NULL);
	pthread_cond_init(&r->not_empty, NULL);
	ior_source__cancelable(r->p.src, true);
	err = pthread_create(&r->thread, NULL, producer_thread, r);
	if (err) {
		ior_source__cancelable(r->p.src, false);
		return -err;
	}
	r->threaded = true;
	return 0;
}

static void stop_thread(struct ior_reader *r)
{
	pthread_mutex_lock(&r->lock);
	r->stop = true;
	pthread_cond_broadcast(&r->not_full);
	pthread_mutex_unlock(&r->lock);
	/* a producer blocked in read() on a pipe is cancelled there, and only there */
	pthread_cancel(r->thread);
	pthread_join(r->thread, NULL);
	pthread_mutex_destroy(&r->lock);
	pthread_cond_destroy(&r->not_full);
	pthread_cond_destroy(&r->not_empty);
}

/* The next batch the decoding thread filled (waited for). */
static struct batch *take_batch(struct ior_reader *r)
{
	struct batch *b;

	pthread_mutex_lock(&r->lock);
	while (!r->nfull)
		pthread_cond_wait(&r->not_empty, &r->lock);
	b = &r->batches[r->tail];
	pthread_mutex_unlock(&r->lock);
	return b;
}

static void release_batch(struct ior_reader *r, struct batch *b)
{
	if (b->status <= 0)
		return; /* the end stays: every later call sees it again */
	pthread_mutex_lock(&r->lock);
	r->tail = (r->tail + 1) % NBATCHES;
	r->nfull--;
	pthread_cond_signal(&r->not_full);
	pthread_mutex_unlock(&r->lock);
}

/* Apply a batch's string definitions to the consumer's table; 0 or -ENOMEM. */
static int apply_strings(struct ior_reader *r, const struct batch *b)
{
	for (size_t i = 0; i < b->ndefs; i++) {
		const struct strdef *d = &b->defs[i];

		/* bytes is NULL when every definition of the batch is "" */
		const char *bytes = b->bytes ? b->bytes + d->off : "";

		if (tables_define_string(&r->t, d->id, bytes, d->len) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* ---- public API ------------------------------------------------------------------------ */

static int fail_open(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(open_error, sizeof(open_error), fmt, ap);
	va_end(ap);
	return -1;
}

static int check_magic(struct ior_reader *r)
{
	unsigned major = 0, minor = 0;
	const char *msg = NULL;
	int err = ior_source__magic(r->p.src, &major, &minor, &msg);

	if (!err)
		return 0;
	errno = -err;
	if (err == -EPROTONOSUPPORT)
		return fail_open("recording format version %u.%u is not supported (this ior reads "
				 "%u.x to %u.x)", major, minor, IOR_FORMAT_MAJOR_OLDEST,
				 IOR_FORMAT_MAJOR);
	return fail_open("%s", msg);
}

static int read_header(struct ior_reader *r)
{
	if (ior_source__header(r->p.src, &r->hdr_chunk)) {
		errno = EIO;
		return fail_open("the recording's header is damaged or missing");
	}
	if (ior_parse_header(&r->t, &r->hdr, r->hdr_chunk.buf, r->hdr_chunk.len)) {
		errno = errno == ENOMEM ? ENOMEM : EIO;
		return fail_open("the recording's header is malformed");
	}
	if (!ior_format_major_supported(r->hdr.major)) {
		errno = EPROTONOSUPPORT;
		return fail_open("recording format version %u.%u is not supported", r->hdr.major,
				 r->hdr.minor);
	}
	return 0;
}

/* The decoder's on_string without a thread: define it in the caller's table at once. */
static int define_now(void *ctx, uint32_t id, const void *s, size_t len)
{
	return tables_define_string(ctx, id, s, len) < 0 ? -ENOMEM : 0;
}

/*
 * r's record decoder, warning into w. With a decoding thread, string definitions travel
 * with their batch; without, they go to r's table at once.
 */
static void parser_setup(struct ior_reader *r, struct ior_warnings *w, unsigned skip,
			 bool threads)
{
	ior_parser__init(&r->p.parser, r->hdr.start_ns, w);
	r->p.parser.skip = skip & IOR_SKIP_ALL;
	r->p.parser.on_string = threads ? keep_string : define_now;
	r->p.parser.ctx = threads ? (void *)&r->p : (void *)&r->t;
}

static int setup(struct ior_reader *r, int fd, const struct ior_reader_opts *opts)
{
	int err;

	r->p.src = ior_source__new(fd, opts && opts->salvage, &r->warn);
	err = r->p.src ? 0 : -ENOMEM;
	for (int i = 0; i < NBATCHES && !err && opts && opts->threads; i++)
		err = batch_init(&r->batches[i]); /* batches only carry work between threads */
	if (!err && !(opts && opts->threads) &&
	    !(r->run_buf = malloc(RUN_EVENTS * sizeof(*r->run_buf))))
		err = -ENOMEM;
	if (err) {
		errno = ENOMEM;
		return fail_open("%s", strerror(ENOMEM));
	}
	if (check_magic(r) || read_header(r))
		return -1;
	parser_setup(r, &r->warn, opts ? opts->skip : 0, opts && opts->threads);
	if (opts && opts->threads && (err = start_thread(r))) {
		errno = -err;
		return fail_open("cannot start the decoding thread: %s", strerror(-err));
	}
	return 0;
}

struct ior_reader *ior_reader__open(int fd, const struct ior_reader_opts *opts)
{
	struct ior_reader *r = calloc(1, sizeof(*r));
	int err;

	open_error[0] = '\0';
	if (!r)
		return NULL;
	ior_warnings__init(&r->warn);
	tables_init(&r->t);
	if (setup(r, fd, opts)) {
		err = errno;
		ior_reader__close(r);
		errno = err;
		return NULL;
	}
	return r;
}

const struct ior_header *ior_reader__header(const struct ior_reader *r)
{
	return &r->hdr;
}

/* At the end: the decoder's final counts and its warnings about an unfinished file. */
static void finish(struct ior_reader *r, const struct batch *b)
{
	if (r->finished)
		return;
	r->finished = true;
	r->st = b->st;
	r->src_st = b->src;
	ior_parser__finish(&r->p.parser, &b->src);
	r->st = r->p.parser.st; /* finish may mark the file truncated */
}

/* The next chunk of the input, which a root and its forks take in turns. */
static int take_chunk(struct ior_reader *r, struct ior_chunk *c)
{
	struct ior_reader *root = r->root ? r->root : r;
	int status;

	if (!root->family)
		return ior_source__next(r->p.src, c);
	pthread_mutex_lock(&root->src_lock);
	status = ior_source__next(r->p.src, c);
	pthread_mutex_unlock(&root->src_lock);
	return status;
}

/* Without a thread, records are decoded straight into the caller's, events into run_buf. */
static int next_direct(struct ior_reader *r, struct ior_record *rec)
{
	struct producer *p = &r->p;

	for (;;) {
		if (!p->chunk_open) {
			int status = take_chunk(r, &p->chunk);

			r->src_st = p->chunk.st;
			if (status <= 0) {
				r->st = p->parser.st;
				/* a family's end is judged by the caller, from all members' stats */
				if (status == 0 && !r->finished && !r->root && !r->family) {
					r->finished = true;
					ior_parser__finish(&p->parser, &p->chunk.st);
					r->st = p->parser.st;
				}
				rec->type = IOR_REC_EOF;
				return status;
			}
			ior_parser__open(&p->parser, p->chunk.buf, p->chunk.len, p->chunk.offset);
			p->chunk_open = true;
		}
		if (ior_parser__next(&p->parser, rec, r->run_buf, RUN_EVENTS) > 0) {
			r->st = p->parser.st;
			return 1;
		}
		p->chunk_open = false;
	}
}

/* The next record of the decoding thread's batches. */
static int next_threaded(struct ior_reader *r, struct ior_record *rec)
{
	for (;;) {
		struct batch *b = r->cur;

		if (b && b->pos < b->n) {
			*rec = b->recs[b->pos++];
			return 1;
		}
		if (b) {
			release_batch(r, b);
			r->cur = NULL;
		}
		b = take_batch(r);
		r->st = b->st;
		r->src_st = b->src;
		if (b->status <= 0) {
			if (b->status == 0)
				finish(r, b);
			rec->type = IOR_REC_EOF;
			return b->status;
		}
		if (apply_strings(r, b))
			return -ENOMEM;
		r->cur = b;
	}
}

int ior_reader__next_run(struct ior_reader *r, struct ior_record *rec)
{
	if (r->run_pos < r->run_n) { /* what ior_reader__next() left of a run */
		rec->type = IOR_REC_EVENTS;
		rec->events.v = r->run + r->run_pos;
		rec->events.n = r->run_n - r->run_pos;
		r->run_pos = r->run_n;
		return 1;
	}
	return r->threaded ? next_threaded(r, rec) : next_direct(r, rec);
}

int ior_reader__next(struct ior_reader *r, struct ior_record *rec)
{
	int res;

	if (r->run_pos < r->run_n) {
		rec->type = IOR_REC_EVENT;
		rec->event = r->run[r->run_pos++];
		return 1;
	}
	res = ior_reader__next_run(r, rec);
	if (res > 0 && rec->type == IOR_REC_EVENTS) {
		r->run = rec->events.v; /* rec->event overlays rec->events */
		r->run_n = rec->events.n;
		r->run_pos = 1;
		rec->type = IOR_REC_EVENT;
		rec->event = r->run[0];
	}
	return res;
}

const char *ior_reader__string(const struct ior_reader *r, uint32_t id, size_t *len)
{
	return tables_string(&r->t, id, len);
}

const char *ior_reader__syscall_name(const struct ior_reader *r, uint32_t nr)
{
	return tables_syscall(&r->t, nr);
}

void ior_reader__stats(const struct ior_reader *r, struct ior_reader_stats *st)
{
	*st = r->st;
	st->chunks = r->src_st.chunks;
	st->bad_chunks += r->src_st.bad_chunks; /* the decoder's own: malformed records */
	st->skipped_bytes = r->src_st.skipped_bytes;
	st->file_bytes = r->src_st.file_bytes;
	st->truncated = st->truncated || r->src_st.truncated;
	st->has_index = r->src_st.has_index;
}

const char *ior_reader__warning(const struct ior_reader *r)
{
	return r->warn.text ? r->warn.text : "";
}

bool ior_file_ends_with_index(int fd)
{
	struct stat sb;
	uint8_t trailer[12], magic[4];
	uint64_t at;

	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < IOR_MAGIC_LEN + 12 ||
	    pread(fd, trailer, sizeof(trailer), sb.st_size - 12) != (ssize_t)sizeof(trailer) ||
	    memcmp(trailer + 8, IOR_INDEX_TRAILER, 4))
		return false;
	at = ior_get_le64(trailer);
	if (at < IOR_MAGIC_LEN || at > (uint64_t)sb.st_size - 12 ||
	    pread(fd, magic, sizeof(magic), (off_t)at) != (ssize_t)sizeof(magic))
		return false;
	return ior_get_le32(magic) == IOR_INDEX_FRAME;
}

struct ior_reader *ior_reader__fork(struct ior_reader *r)
{
	struct ior_reader *f;

	if (r->threaded || r->root || r->p.chunk_open || r->src_st.chunks || r->finished) {
		errno = EINVAL; /* only an unthreaded root that has not begun */
		return NULL;
	}
	f = calloc(1, sizeof(*f));
	if (!f)
		return NULL;
	ior_warnings__init(&f->warn); /* unused: a fork warns into the root's list */
	tables_init(&f->t);
	f->run_buf = malloc(RUN_EVENTS * sizeof(*f->run_buf));
	if (!f->run_buf || ior_parse_header(&f->t, &f->hdr, r->hdr_chunk.buf, r->hdr_chunk.len)) {
		ior_reader__close(f);
		errno = ENOMEM; /* the root parsed the same header */
		return NULL;
	}
	f->root = r;
	f->p.src = r->p.src;
	parser_setup(f, &r->warn, r->p.parser.skip, false);
	f->p.parser.chunk_threads = r->p.parser.chunk_threads = true;
	if (!r->family) {
		pthread_mutex_init(&r->src_lock, NULL);
		r->family = true;
	}
	return f;
}

bool ior_reader__strings_agree(const struct ior_reader *a, const struct ior_reader *b)
{
	return tables_strings_agree(&a->p.parser.t, &b->p.parser.t);
}

void ior_reader__close(struct ior_reader *r)
{
	if (!r)
		return;
	if (r->threaded)
		stop_thread(r);
	ior_parser__free(&r->p.parser); /* zeroed until the header is read: still fine */
	if (!r->root) /* a fork's source is its root's */
		ior_source__free(r->p.src);
	if (r->family)
		pthread_mutex_destroy(&r->src_lock);
	ior_chunk__free(&r->p.chunk);
	ior_chunk__free(&r->hdr_chunk);
	free(r->run_buf);
	for (int i = 0; i < NBATCHES; i++)
		batch_free(&r->batches[i]);
	tables_free(&r->t);
	ior_warnings__free(&r->warn);
	free(r);
}
