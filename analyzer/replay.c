// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

struct ior_replay {
	struct ior_reader *r;
	const struct ior_header *hdr;
	/* per syscall number of the recording: name and ior's descriptor */
	const struct ior_syscall_desc **desc;
	const char **names;
	uint32_t nnames;
	struct ior_u64map comm;    /* tid -> comm string id */
	struct ior_u64map last_end; /* tid -> end time of its previous event */
	char fdname[32];
	char nrname[32];
	struct ior_replay_stats st;
};

static int index_syscalls(struct ior_replay *rp)
{
	uint32_t max = 0;

	for (uint32_t i = 0; i < rp->hdr->nsyscalls; i++)
		if (rp->hdr->syscalls[i].nr >= max)
			max = rp->hdr->syscalls[i].nr + 1;
	if (max > 65536)
		max = 65536;
	rp->desc = calloc(max ? max : 1, sizeof(*rp->desc));
	rp->names = calloc(max ? max : 1, sizeof(*rp->names));
	if (!rp->desc || !rp->names)
		return -ENOMEM;
	rp->nnames = max;
	for (uint32_t i = 0; i < rp->hdr->nsyscalls; i++) {
		const struct ior_syscall_name *s = &rp->hdr->syscalls[i];

		if (s->nr >= max)
			continue;
		rp->names[s->nr] = s->name;
		rp->desc[s->nr] = ior_syscall_find(s->name);
	}
	return 0;
}

struct ior_replay *ior_replay__new(struct ior_reader *r)
{
	struct ior_replay *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return NULL;
	rp->r = r;
	rp->hdr = ior_reader__header(r);
	rp->st.first_ns = INT64_MAX;
	rp->st.last_ns = INT64_MIN;
	if (index_syscalls(rp)) {
		ior_replay__free(rp);
		errno = ENOMEM;
		return NULL;
	}
	return rp;
}

void ior_replay__free(struct ior_replay *rp)
{
	if (!rp)
		return;
	free(rp->desc);
	free(rp->names);
	ior_u64map__free(&rp->comm);
	ior_u64map__free(&rp->last_end);
	free(rp);
}

const char *ior_replay__syscall_name(struct ior_replay *rp, uint32_t nr)
{
	if (nr < rp->nnames && rp->names[nr])
		return rp->names[nr];
	snprintf(rp->nrname, sizeof(rp->nrname), "syscall_%u", nr);
	return rp->nrname;
}

static int set_comm(struct ior_replay *rp, uint32_t tid, uint32_t comm)
{
	uint64_t *slot;

	if (!comm)
		return 0;
	slot = ior_u64map__slot(&rp->comm, tid);
	if (!slot)
		return -ENOMEM;
	*slot = comm;
	return 0;
}

static int apply_proc(struct ior_replay *rp, const struct ior_proc *p)
{
	uint64_t *parent;

	switch (p->kind) {
	case IOR_PROC_FORK:
		parent = ior_u64map__find(&rp->comm, p->ptid);
		return parent ? set_comm(rp, p->tid, (uint32_t)*parent) : 0;
	case IOR_PROC_EXEC:
	case IOR_PROC_COMM:
	case IOR_PROC_SNAP:
		return set_comm(rp, p->tid ? p->tid : p->pid, p->comm);
	default:
		return 0;
	}
}

static void resolve_file(struct ior_replay *rp, struct ior_revent *re)
{
	const struct ior_event *ev = &re->ev;

	re->path = ior_reader__string(rp->r, ev->path, &re->path_len);
	re->path2 = ior_reader__string(rp->r, ev->path2, &re->path2_len);
	re->kind = ev->fd == IOR_FD_NONE ? IOR_FD_KIND_NONE : IOR_FD_KIND_UNKNOWN;
	re->resolved = re->path && re->path_len && re->path[0] == '/';
	if (re->path) {
		rp->st.path_events++;
		rp->st.path_absolute += (uint64_t)re->resolved;
		return;
	}
	if (ev->fd != IOR_FD_NONE && ev->fd >= 0) {
		int n = snprintf(rp->fdname, sizeof(rp->fdname), "fd:%d", ev->fd);

		re->path = rp->fdname;
		re->path_len = (size_t)n;
		rp->st.fd_events++;
	}
}

static int apply_event(struct ior_replay *rp, const struct ior_event *ev, struct ior_revent *re)
{
	uint64_t *comm = ior_u64map__find(&rp->comm, ev->tid);
	uint64_t *last = ior_u64map__slot(&rp->last_end, ev->tid);
	const char *c;
	int64_t end = (int64_t)((uint64_t)ev->start_ns + ev->dur_ns);

	if (!last)
		return -ENOMEM;
	memset(re, 0, sizeof(*re));
	re->ev = *ev;
	re->syscall = ior_replay__syscall_name(rp, ev->nr);
	re->desc = ev->nr < rp->nnames ? rp->desc[ev->nr] : NULL;
	re->cls = re->desc ? (enum ior_class)re->desc->cls : IOR_CLASS_OTHER;
	c = comm ? ior_reader__string(rp->r, (uint32_t)*comm, NULL) : NULL;
	re->comm = c ? c : "?";
	re->gap_ns = *last && ev->start_ns > (int64_t)*last ? (uint64_t)(ev->start_ns - (int64_t)*last) : 0;
	*last = (uint64_t)end;
	re->rel_ns = (int64_t)((uint64_t)ev->start_ns - (uint64_t)rp->hdr->start_ns);
	resolve_file(rp, re);
	rp->st.events++;
	if (re->rel_ns < rp->st.first_ns)
		rp->st.first_ns = re->rel_ns;
	if (re->rel_ns + (int64_t)ev->dur_ns > rp->st.last_ns)
		rp->st.last_ns = re->rel_ns + (int64_t)ev->dur_ns;
	return 1;
}

int ior_replay__apply(struct ior_replay *rp, const struct ior_record *rec, struct ior_revent *out)
{
	switch (rec->type) {
	case IOR_REC_EVENT:
		return apply_event(rp, &rec->event, out);
	case IOR_REC_PROC:
		return apply_proc(rp, &rec->proc);
	default:
		return 0;
	}
}

void ior_replay__stats(const struct ior_replay *rp, struct ior_replay_stats *st)
{
	*st = rp->st;
}
