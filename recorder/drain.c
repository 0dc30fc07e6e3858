// SPDX-License-Identifier: GPL-2.0-only
#include "recorder/drain.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* The wire mirrors the format's values so that they pass through unchanged. */
_Static_assert((int)IOR_WIRE_PATH_TRUNC == (int)IOR_STR_PATH_TRUNCATED &&
		       (int)IOR_WIRE_PATH_BAD == (int)IOR_STR_PATH_UNREADABLE &&
		       (int)IOR_WIRE_PATH2_TRUNC == (int)IOR_STR_PATH2_TRUNCATED &&
		       (int)IOR_WIRE_PATH2_BAD == (int)IOR_STR_PATH2_UNREADABLE,
	       "wire string flags differ from the format's");
_Static_assert(IOR_WIRE_FD_NONE == IOR_FD_NONE, "wire fd none differs from the format's");
_Static_assert((int)IOR_WIRE_FORK == IOR_PROC_FORK && (int)IOR_WIRE_EXEC == IOR_PROC_EXEC &&
		       (int)IOR_WIRE_EXIT == IOR_PROC_EXIT && (int)IOR_WIRE_COMM == IOR_PROC_COMM &&
		       (int)IOR_WIRE_CWD == IOR_PROC_CWD,
	       "wire lifecycle kinds differ from the format's");

int ior_drain__init(struct ior_drain *d, struct ior_writer *w, unsigned int ncpus)
{
	memset(d, 0, sizeof(*d));
	d->w = w;
	d->ncpus = ncpus;
	d->lost_seen = calloc(ncpus ? ncpus : 1, sizeof(*d->lost_seen));
	return d->lost_seen ? 0 : -ENOMEM;
}

void ior_drain__fini(struct ior_drain *d)
{
	free(d->lost_seen);
	d->lost_seen = NULL;
}

static int failed(struct ior_drain *d, int err)
{
	if (!d->err)
		d->err = err;
	return err;
}

/* Intern a string of the record, or IOR_STR_NONE when there is none. */
static uint32_t str_id(struct ior_drain *d, const char *s, size_t len, bool present)
{
	if (!present)
		return IOR_STR_NONE;
	return ior_writer__intern(d->w, s, len);
}

static int drain_event(struct ior_drain *d, const struct ior_wire_event *e, size_t size)
{
	const char *s = (const char *)(e + 1);
	struct ior_event ev;
	int err;

	if (size < sizeof(*e) + e->path_len + e->path2_len) {
		d->bad++;
		return 0;
	}
	ev.start_ns = (int64_t)e->start_ns;
	ev.dur_ns = e->dur_ns;
	ev.pid = e->pid;
	ev.tid = e->tid;
	ev.nr = e->nr;
	ev.str_flags = e->str_flags & IOR_WIRE_STR_MASK;
	if (e->str_flags & IOR_WIRE_ENTRY_UNSEEN)
		ev.str_flags |= IOR_EV_ENTRY_UNSEEN; /* a different bit on the wire (SET bits) */
	ev.ret = e->ret;
	ev.fd = e->fd;
	ev.fd2 = e->fd2;
	ev.bytes = e->bytes;
	ev.flags = e->flags;
	ev.aux = e->aux;
	ev.path = str_id(d, s, e->path_len, e->str_flags & IOR_WIRE_PATH_SET);
	ev.path2 = str_id(d, s + e->path_len, e->path2_len, e->str_flags & IOR_WIRE_PATH2_SET);
	if ((e->str_flags & IOR_WIRE_PATH_SET && !ev.path) ||
	    (e->str_flags & IOR_WIRE_PATH2_SET && !ev.path2))
		return failed(d, -ENOMEM);
	err = ior_writer__append_event(d->w, &ev);
	if (err)
		return failed(d, err);
	d->events++;
	return 0;
}

/*
 * The cwd walk's components, leaf first and each NUL-terminated, as an absolute path
 * into out (room for IOR_WIRE_PATH_MAX + 2). Returns its length.
 */
static size_t cwd_path(const char *comps, size_t len, char *out)
{
	size_t n = 0, end = len;

	while (end > 0) {
		size_t start = end - 1; /* at the NUL ending the last component */

		while (start > 0 && comps[start - 1])
			start--;
		if (n + 1 + (end - 1 - start) > IOR_WIRE_PATH_MAX + 1)
			break;
		out[n++] = '/';
		memcpy(out + n, comps + start, end - 1 - start);
		n += end - 1 - start;
		end = start;
	}
	if (!n)
		out[n++] = '/';
	return n;
}

/* comm and path of a lifecycle record as string ids; false on ENOMEM. */
static bool proc_strings(struct ior_drain *d, const struct ior_wire_proc *p, struct ior_proc *pr)
{
	size_t clen = strnlen(p->comm, sizeof(p->comm));
	bool want_path = p->path_len || p->kind == IOR_WIRE_EXEC || p->kind == IOR_WIRE_CWD;

	if (clen && !(pr->comm = ior_writer__intern(d->w, p->comm, clen)))
		return false;
	if (p->kind == IOR_WIRE_CWD) {
		char path[IOR_WIRE_PATH_MAX + 2];

		pr->path = ior_writer__intern(d->w, path,
					      cwd_path((const char *)(p + 1), p->path_len, path));
	} else if (want_path) {
		pr->path = ior_writer__intern(d->w, p + 1, p->path_len);
	}
	return !want_path || pr->path;
}

static int drain_proc(struct ior_drain *d, const struct ior_wire_proc *p, size_t size)
{
	struct ior_proc pr = {
		.kind = (enum ior_proc_kind)p->kind,
		.time_ns = (int64_t)p->time_ns,
		.pid = p->pid,
		.tid = p->tid,
		.ppid = p->ppid,
		.ptid = p->ptid,
		.clone_flags = p->clone_flags,
		.code = p->code,
	};
	int err;

	if (size < sizeof(*p) + p->path_len) {
		d->bad++;
		return 0;
	}
	if (p->kind == IOR_WIRE_EXIT) {
		pr.flags = p->clone_flags; /* 1 when the whole thread group is gone */
		pr.clone_flags = 0;
	} else if (p->kind == IOR_WIRE_EXEC) {
		pr.ptid = (uint32_t)p->code; /* the thread that called exec (its tid changes) */
		pr.code = 0;
	}
	if (!proc_strings(d, p, &pr))
		return failed(d, -ENOMEM);
	err = ior_writer__append_proc(d->w, &pr);
	if (err)
		return failed(d, err);
	d->procs++;
	return 0;
}

int ior_drain__record(struct ior_drain *d, const void *data, size_t size)
{
	__u16 type;

	if (d->err)
		return d->err;
	if (size < sizeof(type)) {
		d->bad++;
		return 0;
	}
	memcpy(&type, data, sizeof(type));
	if (type == IOR_WIRE_EVENT && size >= sizeof(struct ior_wire_event))
		return drain_event(d, data, size);
	if (type == IOR_WIRE_PROC && size >= sizeof(struct ior_wire_proc))
		return drain_proc(d, data, size);
	d->bad++;
	return 0;
}

int ior_drain__sample(void *ctx, void *data, size_t size)
{
	return ior_drain__record(ctx, data, size);
}

int ior_drain__lost(struct ior_drain *d, const struct ior_wire_stats *percpu, int64_t now)
{
	for (unsigned int cpu = 0; cpu < d->ncpus; cpu++) {
		uint64_t total = percpu[cpu].lost_events + percpu[cpu].lost_procs;
		struct ior_lost l = { .time_ns = now, .cpu = cpu };
		int err;

		if (total <= d->lost_seen[cpu])
			continue;
		l.count = total - d->lost_seen[cpu];
		err = ior_writer__append_lost(d->w, &l);
		if (err)
			return failed(d, err);
		d->lost_seen[cpu] = total;
		d->lost += l.count;
	}
	return 0;
}
