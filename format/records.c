// SPDX-License-Identifier: GPL-2.0-only
/*
 * Decoding the records of a verified chunk (and the header) into ior_record values.
 * Bounded and hostile-input safe: every length is checked against what remains; a
 * record that does not match the specification ends its chunk with a warning.
 */
#include "format/records.h"

#include <errno.h>
#include <string.h>

#include "format/internal.h"

#define MAX_DEPTH 16
#define warnf(r, ...) ior_warnings__add((r)->warn, __VA_ARGS__)

/* A control record's integer value for key; *in positioned after the map. */
struct kv {
	uint64_t key;
	bool neg;        /* value was a negative integer */
	uint64_t u;      /* unsigned value, or n of a negative value -1-n */
	const uint8_t *s; /* string value */
	size_t slen;
	bool is_str;
};

static bool get_kv(struct cbor_in *in, struct kv *kv)
{
	struct cbor_in save;
	unsigned major;

	if (!cbor_get_u64(in, &kv->key))
		return false;
	save = *in;
	kv->is_str = false;
	kv->neg = false;
	if (!cbor_get_head(in, &major, &kv->u))
		return false;
	if (major == CBOR_UINT || major == CBOR_NINT) {
		kv->neg = major == CBOR_NINT;
		return true;
	}
	*in = save;
	if (major == CBOR_BSTR || major == CBOR_TSTR) {
		kv->is_str = true;
		return cbor_get_string(in, &kv->s, &kv->slen);
	}
	kv->u = 0;
	return cbor_skip(in, MAX_DEPTH); /* a value of a type this version does not use */
}

static int64_t kv_i64(const struct kv *kv)
{
	if (kv->neg)
		return kv->u > (uint64_t)INT64_MAX ? INT64_MIN : -1 - (int64_t)kv->u;
	return kv->u > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)kv->u;
}

/* ---- header ------------------------------------------------------------------- */

static const char *dup_kv_str(struct reader_tables *t, const struct kv *kv)
{
	return kv->is_str ? tables_strdup(t, kv->s, kv->slen) : NULL;
}

static int parse_argv(struct reader_tables *t, struct ior_header *h, struct cbor_in *in)
{
	unsigned major;
	uint64_t n;
	const char **argv;

	if (!cbor_get_head(in, &major, &n) || major != CBOR_ARRAY ||
	    n > (uint64_t)(in->end - in->p))
		return -1;
	argv = tables_alloc(t, (size_t)(n + 1) * sizeof(char *));
	if (!argv)
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *s;
		size_t len;

		if (!cbor_get_string(in, &s, &len) || !(argv[i] = tables_strdup(t, s, len)))
			return -1;
	}
	argv[n] = NULL;
	h->argv = argv;
	h->argc = (uint32_t)n;
	return 0;
}

static int parse_syscalls(struct reader_tables *t, struct ior_header *h, struct cbor_in *in)
{
	unsigned major;
	uint64_t n;
	struct ior_syscall_name *names;

	if (!cbor_get_head(in, &major, &n) || major != CBOR_MAP ||
	    n > (uint64_t)(in->end - in->p) / 2)
		return -1;
	names = tables_alloc(t, (size_t)n * sizeof(*names));
	if (!names)
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		const uint8_t *s;
		size_t len;
		uint64_t nr;
		const char *name;

		if (!cbor_get_u64(in, &nr) || !cbor_get_string(in, &s, &len) || nr > UINT32_MAX ||
		    !(name = tables_strdup(t, s, len)))
			return -1;
		names[i] = (struct ior_syscall_name){ (uint32_t)nr, name };
		if (tables_set_syscall(t, nr, name) == -ENOMEM)
			return -1;
	}
	h->syscalls = names;
	h->nsyscalls = (uint32_t)n;
	return 0;
}

static int parse_selected(struct reader_tables *t, struct ior_header *h, struct cbor_in *in)
{
	unsigned major;
	uint64_t n, nr;
	uint32_t *sel;

	if (!cbor_get_head(in, &major, &n) || major != CBOR_ARRAY ||
	    n > (uint64_t)(in->end - in->p))
		return -1;
	sel = tables_alloc(t, (size_t)(n ? n : 1) * sizeof(*sel));
	if (!sel)
		return -1;
	for (uint64_t i = 0; i < n; i++) {
		if (!cbor_get_u64(in, &nr) || nr > UINT32_MAX)
			return -1;
		sel[i] = (uint32_t)nr;
	}
	h->selected = sel;
	h->nselected = (uint32_t)n;
	return 0;
}

static void header_value(struct reader_tables *t, struct ior_header *h, const struct kv *kv)
{

	switch (kv->key) {
	case IOR_HDR_MAJOR: h->major = (uint32_t)kv->u; break;
	case IOR_HDR_MINOR: h->minor = (uint32_t)kv->u; break;
	case IOR_HDR_TOOL: h->tool_version = dup_kv_str(t, kv); break;
	case IOR_HDR_HOST: h->hostname = dup_kv_str(t, kv); break;
	case IOR_HDR_KERNEL: h->kernel = dup_kv_str(t, kv); break;
	case IOR_HDR_ARCH: h->arch = dup_kv_str(t, kv); break;
	case IOR_HDR_NCPUS: h->ncpus = (uint32_t)kv->u; break;
	case IOR_HDR_CLOCK: h->clock = dup_kv_str(t, kv); break;
	case IOR_HDR_WALL_OFFSET: h->wall_offset_ns = kv_i64(kv); break;
	case IOR_HDR_START: h->start_ns = kv_i64(kv); break;
	case IOR_HDR_OPTIONS: h->options = dup_kv_str(t, kv); break;
	}
}

int ior_parse_header(struct reader_tables *t, struct ior_header *h, const uint8_t *buf, size_t len)
{
	struct cbor_in cin = { buf, buf + len }, *in = &cin;
	unsigned major;
	uint64_t n, key, type;
	struct kv kv;

	if (!cbor_get_head(in, &major, &n) || major != CBOR_MAP || n == 0 ||
	    !cbor_get_u64(in, &key) || key != 0 || !cbor_get_u64(in, &type) ||
	    type != IOR_CTL_HEADER)
		return -1;
	while (--n) {
		struct cbor_in save = *in;

		if (!cbor_get_u64(in, &key))
			return -1;
		if (key == IOR_HDR_ARGV || key == IOR_HDR_SYSCALLS || key == IOR_HDR_SELECTED) {
			if ((key == IOR_HDR_ARGV ? parse_argv
			     : key == IOR_HDR_SYSCALLS ? parse_syscalls
						       : parse_selected)(t, h, in))
				return -1;
			continue;
		}
		*in = save;
		if (!get_kv(in, &kv))
			return -1;
		header_value(t, h, &kv);
	}
	static const char *const unknown = "?";

	h->tool_version = h->tool_version ? h->tool_version : unknown;
	h->hostname = h->hostname ? h->hostname : unknown;
	h->kernel = h->kernel ? h->kernel : unknown;
	h->arch = h->arch ? h->arch : unknown;
	h->clock = h->clock ? h->clock : unknown;
	h->options = h->options ? h->options : "";
	return 0;
}

/* ---- events --------------------------------------------------------------------- */

static bool get_fd(struct cbor_in *in, int32_t *fd)
{
	int64_t v;

	if (in->p < in->end && *in->p == CBOR_NULL) {
		in->p++;
		*fd = IOR_FD_NONE;
		return true;
	}
	if (!cbor_get_i64(in, &v) || v < INT32_MIN || v > INT32_MAX)
		return false;
	*fd = (int32_t)v;
	return true;
}

static bool get_u32(struct cbor_in *in, uint32_t *out)
{
	uint64_t v;

	if (!cbor_get_u64(in, &v) || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool get_start(int64_t prev, struct cbor_in *in, int64_t *start)
{
	unsigned major;
	uint64_t v;

	if (!cbor_get_head(in, &major, &v))
		return false;
	/* modular arithmetic: the writer's delta may not fit an int64 */
	if (major == CBOR_UINT)
		*start = (int64_t)((uint64_t)prev + v);
	else if (major == CBOR_NINT)
		*start = (int64_t)((uint64_t)prev - v - 1);
	else
		return false;
	return true;
}

/* A string id an event refers to must be defined (in this chunk, by the writer's rule). */
static bool valid_str_id(struct ior_parser *r, uint32_t id)
{
	return id == IOR_STR_NONE || tables_has_string(&r->t, id);
}

static bool get_str_id(struct ior_parser *r, struct cbor_in *in, uint32_t *id)
{
	return get_u32(in, id) && valid_str_id(r, *id);
}

/* bytes: a count, or null for "equal to the (positive) return value" */
static bool get_bytes(struct cbor_in *in, struct ior_event *ev)
{
	if (in->p < in->end && *in->p == CBOR_NULL) {
		if (ev->ret <= 0)
			return false;
		in->p++;
		ev->bytes = (uint64_t)ev->ret;
		return true;
	}
	return cbor_get_u64(in, &ev->bytes);
}

/* The common case of an unsigned field: one byte, a value below 24. */
static inline bool get_uint(struct cbor_in *in, uint64_t *v)
{
	if (in->p < in->end && *in->p < 24) {
		*v = *in->p++;
		return true;
	}
	return cbor_get_u64(in, v);
}

/* Fields 5 and up, in order; n is the array length. Unknown trailing fields are skipped. */
static bool get_optional(struct ior_parser *r, struct cbor_in *in, uint64_t n,
			 struct ior_event *ev)
{
	if (n > IOR_EV_FD && !get_fd(in, &ev->fd))
		return false;
	if (n > IOR_EV_BYTES && !get_bytes(in, ev))
		return false;
	if (n > IOR_EV_AUX && !get_uint(in, &ev->aux))
		return false;
	if (n > IOR_EV_FLAGS && !get_uint(in, &ev->flags))
		return false;
	if (n <= IOR_EV_PATH)
		return true;
	if (!get_str_id(r, in, &ev->path))
		return false;
	if (n > IOR_EV_PATH2 && !get_str_id(r, in, &ev->path2))
		return false;
	if (n > IOR_EV_FD2 && !get_fd(in, &ev->fd2))
		return false;
	if (n > IOR_EV_STRFLAGS && !get_u32(in, &ev->str_flags))
		return false;
	for (uint64_t i = IOR_EV_NFIELDS; i < n; i++)
		if (!cbor_skip(in, MAX_DEPTH)) /* a field appended by a later minor version */
			return false;
	return true;
}

/* A 1.x event's fields the caller skips, set to their defaults as blocks leave them. */
static void skip_fields(struct ior_event *ev, unsigned skip)
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

static bool parse_event(struct ior_parser *r, uint64_t n, struct ior_event *ev)
{
	struct cbor_in in = r->cur; /* a local cursor stays in registers */
	uint64_t thread, nr;

	if (n < IOR_EV_MANDATORY || n > (uint64_t)(in.end - in.p) || !r->chunk_has_base)
		return false;
	*ev = (struct ior_event){ .fd = IOR_FD_NONE, .fd2 = IOR_FD_NONE };
	if (!get_start(r->prev_start, &in, &ev->start_ns) || !cbor_get_u64(&in, &ev->dur_ns) ||
	    !get_uint(&in, &thread) || !get_uint(&in, &nr) || nr > UINT32_MAX ||
	    !cbor_get_i64(&in, &ev->ret))
		return false;
	ev->nr = (uint32_t)nr;
	if (!tables_thread(&r->t, thread, &ev->pid, &ev->tid) || !get_optional(r, &in, n, ev))
		return false;
	if (r->skip)
		skip_fields(ev, r->skip);
	r->prev_start = ev->start_ns;
	r->cur = in;
	return true;
}

/* ---- control records -------------------------------------------------------------- */

static void proc_value(struct ior_proc *p, const struct kv *kv)
{
	switch (kv->key) {
	case IOR_PK_KIND: p->kind = (enum ior_proc_kind)kv->u; break;
	case IOR_PK_TIME: p->time_ns = kv_i64(kv); break;
	case IOR_PK_PID: p->pid = (uint32_t)kv->u; break;
	case IOR_PK_TID: p->tid = (uint32_t)kv->u; break;
	case IOR_PK_PPID: p->ppid = (uint32_t)kv->u; break;
	case IOR_PK_PTID: p->ptid = (uint32_t)kv->u; break;
	case IOR_PK_CLONE: p->clone_flags = kv->u; break;
	case IOR_PK_CODE: p->code = kv_i64(kv); break;
	case IOR_PK_FLAGS: p->flags = kv->u; break;
	case IOR_PK_COMM: p->comm = (uint32_t)kv->u; break;
	case IOR_PK_PATH: p->path = (uint32_t)kv->u; break;
	case IOR_PK_PATH2: p->path2 = (uint32_t)kv->u; break;
	}
}

/* Values of a control record, by key (1..15), absent ones zero. */
struct ctl {
	struct kv v[16];
	bool has[16];
};

static bool parse_ctl(struct ior_parser *r, uint64_t n, uint64_t *type, struct ctl *c,
		      struct ior_proc *proc)
{
	struct kv kv;

	if (n == 0 || n > (uint64_t)(r->cur.end - r->cur.p) / 2 || !cbor_get_u64(&r->cur, &kv.key) ||
	    kv.key != 0 || !cbor_get_u64(&r->cur, type))
		return false;
	memset(c, 0, sizeof(*c));
	memset(proc, 0, sizeof(*proc));
	while (--n) {
		if (!get_kv(&r->cur, &kv))
			return false;
		if (kv.key < 16) {
			c->v[kv.key] = kv;
			c->has[kv.key] = true;
		}
		if (*type == IOR_CTL_PROC)
			proc_value(proc, &kv);
	}
	return true;
}

static bool define_string(struct ior_parser *r, const struct ctl *c)
{
	int err;

	if (!c->v[2].is_str)
		return false;
	err = tables_define_string(&r->t, c->v[1].u, c->v[2].s, c->v[2].slen);
	if (err == 0 && r->on_string &&
	    r->on_string(r->ctx, (uint32_t)c->v[1].u, c->v[2].s, c->v[2].slen))
		return false;
	if (err == 1)
		warnf(r, "chunk at byte %llu redefines string %llu; the first definition is kept",
		      (unsigned long long)r->chunk_offset, (unsigned long long)c->v[1].u);
	return err >= 0;
}

static bool valid_proc(struct ior_parser *r, const struct ior_proc *p)
{
	return (p->comm == 0 || tables_string(&r->t, p->comm, NULL)) &&
	       (p->path == 0 || tables_string(&r->t, p->path, NULL)) &&
	       (p->path2 == 0 || tables_string(&r->t, p->path2, NULL));
}

/* Apply a control record; returns 1 when it is a record for the caller, 0 when consumed, -1 bad. */
static int apply_ctl(struct ior_parser *r, uint64_t type, const struct ctl *c,
		     struct ior_record *rec)
{
	switch (type) {
	case IOR_CTL_CHUNK:
		r->prev_start = kv_i64(&c->v[2]);
		r->chunk_has_base = c->has[2];
		return 0;
	case IOR_CTL_STRING:
		return define_string(r, c) ? 0 : -1;
	case IOR_CTL_THREAD:
		if (c->v[2].u > UINT32_MAX || c->v[3].u > UINT32_MAX ||
		    tables_define_thread(&r->t, c->v[1].u, (uint32_t)c->v[2].u, (uint32_t)c->v[3].u))
			return -1;
		return 0;
	case IOR_CTL_EVENTS:
		if (!r->chunk_has_base || !c->v[2].is_str ||
		    !evb_decoder__open(&r->block, c->v[2].s, c->v[2].slen, c->v[1].u, r->skip))
			return -1;
		return 0;
	case IOR_CTL_SYNC:
		r->st.sync_events = c->v[1].u;
		return 0;
	case IOR_CTL_LOST:
		rec->type = IOR_REC_LOST;
		rec->lost = (struct ior_lost){ kv_i64(&c->v[1]), (uint32_t)c->v[2].u, c->v[3].u };
		r->st.lost += c->v[3].u;
		return 1;
	case IOR_CTL_PROC:
		rec->type = IOR_REC_PROC;
		return valid_proc(r, &rec->proc) ? 1 : -1;
	case IOR_CTL_END:
		rec->type = IOR_REC_END;
		rec->end = (struct ior_end){ kv_i64(&c->v[1]), c->v[2].u, c->v[3].u,
					     (enum ior_end_reason)c->v[4].u };
		r->st.clean_close = true;
		return 1;
	}
	return 0; /* a record type of a later minor version */
}

/* A malformed record at `at` ends its chunk: the records before it stand. Returns 0. */
static int skip_chunk(struct ior_parser *r, const uint8_t *at)
{
	evb_decoder__stop(&r->block);
	r->block_bad = false;
	r->cur.p = r->cur.end;
	r->st.bad_chunks++;
	warnf(r, "malformed record at byte %zu of the chunk at byte %llu; rest of that chunk "
		 "skipped", (size_t)(at - r->chunk_buf), (unsigned long long)r->chunk_offset);
	return 0;
}

/* A malformed event ends its block and its chunk. */
static int skip_block(struct ior_parser *r)
{
	return skip_chunk(r, r->block_at);
}

/* Resolve an event's thread id (in tid; 0 when skipped) and check its string ids. */
static bool resolve_event(struct ior_parser *r, struct ior_event *ev)
{
	bool thread_ok = r->block.skip >> EVB_THREAD & 1
				 ? (ev->pid = 0, true)
				 : tables_thread(&r->t, ev->tid, &ev->pid, &ev->tid);

	return thread_ok && valid_str_id(r, ev->path) && valid_str_id(r, ev->path2);
}

/*
 * The open block's next events, up to cap, into buf: 1 with a run in *rec. A malformed
 * event ends the run before it; the next call skips the rest of the chunk (returns 0).
 */
static int block_events(struct ior_parser *r, struct ior_record *rec, struct ior_event *buf,
			size_t cap)
{
	size_t want = cap < evb_decoder__pending(&r->block) ? cap : evb_decoder__pending(&r->block);
	size_t n = evb_decoder__decode(&r->block, buf, want, &r->prev_start), done = 0;
	/* threads skipped, and no string ids decoded: nothing to resolve */
	unsigned nothing = (1u << EVB_THREAD) | (1u << EVB_PATH) | (1u << EVB_EXT);

	if ((r->block.skip & nothing) == nothing) {
		for (; done < n; done++)
			buf[done].pid = 0;
	}
	while (done < n && resolve_event(r, &buf[done]))
		done++;
	if (r->skip && !r->block.skip) /* decoded whole: its skipped streams were not framed */
		for (size_t i = 0; i < done; i++)
			skip_fields(&buf[i], r->skip);
	if (done < want) { /* decoding or resolving failed at buf[done] */
		r->block_bad = true;
		evb_decoder__stop(&r->block);
		if (!done)
			return skip_block(r);
		r->prev_start = buf[done - 1].start_ns;
	}
	r->st.events += done;
	rec->type = IOR_REC_EVENTS;
	rec->events.v = buf;
	rec->events.n = done;
	return 1;
}

/* The next record of the open chunk: 1 with *rec, 0 when the chunk is done. */
int ior_parser__next(struct ior_parser *r, struct ior_record *rec, struct ior_event *buf,
		     size_t cap)
{
	if (r->block_bad)
		return skip_block(r);
	if (evb_decoder__pending(&r->block))
		return block_events(r, rec, buf, cap);
	while (r->cur.p < r->cur.end) {
		const uint8_t *at = r->cur.p;
		unsigned major;
		uint64_t n, type;
		struct ctl c;
		int res;

		if (!cbor_get_head(&r->cur, &major, &n))
			goto bad;
		if (major == CBOR_ARRAY) {
			if (!parse_event(r, n, buf))
				goto bad;
			r->st.events++;
			rec->type = IOR_REC_EVENTS;
			rec->events.v = buf;
			rec->events.n = 1;
			return 1;
		}
		if (major != CBOR_MAP) {
			r->cur.p = at;
			if (!cbor_skip(&r->cur, MAX_DEPTH))
				goto bad;
			continue;
		}
		if (!parse_ctl(r, n, &type, &c, &rec->proc))
			goto bad;
		res = apply_ctl(r, type, &c, rec);
		if (res < 0)
			goto bad;
		if (res > 0)
			return 1;
		if (evb_decoder__pending(&r->block)) { /* an event block was opened */
			r->block_at = at;
			return block_events(r, rec, buf, cap);
		}
		continue;
bad:
		return skip_chunk(r, at);
	}
	return 0;
}

void ior_parser__init(struct ior_parser *r, int64_t start_ns, struct ior_warnings *w)
{
	memset(r, 0, sizeof(*r));
	tables_init(&r->t);
	r->prev_start = start_ns;
	r->warn = w;
}

void ior_parser__free(struct ior_parser *r)
{
	tables_free(&r->t);
}

void ior_parser__open(struct ior_parser *r, const uint8_t *buf, size_t len, uint64_t offset)
{
	r->cur = (struct cbor_in){ buf, buf + len };
	r->chunk_buf = buf;
	r->chunk_offset = offset;
	r->chunk_has_base = false;
	r->block_bad = false;
	evb_decoder__stop(&r->block);
	if (r->chunk_threads)
		tables_clear_threads(&r->t);
}

void ior_parser__finish(struct ior_parser *r, const struct ior_source_stats *src)
{
	if (!r->st.clean_close) {
		r->st.truncated = true;
		warnf(r, "the recording has no end record: the recorder did not finish it "
			 "(killed or still running); everything up to its last flush was read");
	} else if (!src->has_index) {
		r->st.truncated = true;
		warnf(r, "the recording ends after its end record but before its index");
	}
	if (r->st.sync_events > r->st.events)
		warnf(r, "%llu events the recorder wrote could not be read",
		      (unsigned long long)(r->st.sync_events - r->st.events));
}

