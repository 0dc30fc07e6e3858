// SPDX-License-Identifier: GPL-2.0-only
/*
 * Aggregations whose fields, filters and weight need no replay (ior_fields__direct()):
 * the reader decodes only the fields they use, and events go to ior_agg__add_events()
 * in runs. A recording in a regular file is read on every core: the reader and its
 * forks (ior_reader__fork) take its chunks in turns, each thread adds to its own
 * aggregation, and the aggregations are merged. Only a recording read whole and clean
 * is merged; any doubt and it is read again on one thread, which warns as usual.
 */
#include "analyzer/cmd.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/log.h"

#define WORKERS_MAX 4

/* Events at a time: counted, then added while they are still in the L1 cache. */
#define DIRECT_SLICE 64

/* The events of a run that pass f, added in stretches that pass; 0 or -ENOMEM. */
static int add_run(const struct ior_filter *f, struct ior_replay *rp, struct ior_agg *a,
		   const struct ior_event *ev, size_t n)
{
	struct ior_revent re;
	size_t from = 0;

	if (!f->active) {
		for (size_t i = 0; i < n; i += DIRECT_SLICE) {
			size_t m = n - i < DIRECT_SLICE ? n - i : DIRECT_SLICE;

			ior_replay__skim(rp, ev + i, m);
			if (ior_agg__add_events(a, rp, ev + i, m))
				return -ENOMEM;
		}
		return 0;
	}
	ior_replay__skim(rp, ev, n);
	for (size_t i = 0; i < n; i++) {
		ior_replay__stateless(rp, &ev[i], &re);
		if (ior_filter__match_active(f, &re))
			continue;
		if (ior_agg__add_events(a, rp, ev + from, i - from))
			return -ENOMEM;
		from = i + 1;
	}
	return ior_agg__add_events(a, rp, ev + from, n - from);
}

/*
 * Every record of r into a (other records to rp): 0 at the end, or -errno, with
 * *read_failed (when non-NULL) telling a read error of the input from one of the
 * aggregation.
 */
static int add_records(const struct ior_filter *f, struct ior_reader *r,
		       struct ior_replay *rp, struct ior_agg *a, bool *read_failed)
{
	struct ior_revent re;
	struct ior_record rec;
	int n, err = 0;

	while (!err && (n = ior_reader__next_run(r, &rec)) > 0) {
		if (rec.type == IOR_REC_EVENTS)
			err = add_run(f, rp, a, rec.events.v, rec.events.n);
		else
			err = ior_replay__apply(rp, &rec, &re);
	}
	if (read_failed)
		*read_failed = !err && n < 0;
	return err < 0 ? err : n < 0 ? n : 0;
}

int ior_agg_direct__serial(struct ior_agg_cli *c, struct ior_input *in, struct ior_agg *a)
{
	bool read_failed;
	int err = add_records(&c->filter, in->r, in->rp, a, &read_failed);

	if (err && read_failed)
		ior_err("'%s': read error: %s", in->name, strerror(-err));
	else if (err)
		ior_input__fail(in, err);
	return err ? IOR_EXIT_FAIL : IOR_EXIT_OK;
}

/* ---- on every core ------------------------------------------------------------------ */

struct worker {
	const struct ior_filter *f;
	struct ior_reader *r; /* the input's reader, or a fork of it */
	struct ior_replay *rp;
	struct ior_agg *a;
	int err;
	pthread_t thread;
	bool started;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;

	w->err = add_records(w->f, w->r, w->rp, w->a, NULL); /* any error: read on one thread */
	return NULL;
}

/* Threads to read with: one per core (at most WORKERS_MAX), or IOR_ANALYZE_THREADS. */
static int workers_wanted(void)
{
	const char *e = getenv("IOR_ANALYZE_THREADS");
	long n = e && *e ? strtol(e, NULL, 10) : sysconf(_SC_NPROCESSORS_ONLN);

	return n < 1 ? 1 : n > WORKERS_MAX ? WORKERS_MAX : (int)n;
}

/*
 * n workers, each with an aggregation of its own: worker 0 reads with in's reader and
 * replay, the others with a fork of it and a replay each. 0 or -ENOMEM.
 */
static int workers_init(struct worker *w, int n, struct ior_agg_cli *c, struct ior_input *in,
			const struct ior_agg_opts *o)
{
	for (int i = 0; i < n; i++) {
		w[i].f = &c->filter;
		w[i].r = i ? ior_reader__fork(in->r) : in->r;
		w[i].rp = i ? (w[i].r ? ior_replay__new(w[i].r) : NULL) : in->rp;
		w[i].a = ior_agg__new(&c->fields, o);
		if (!w[i].r || !w[i].rp || !w[i].a)
			return -ENOMEM;
		ior_replay__set_paths(w[i].rp, false);
	}
	return 0;
}

static void workers_free(struct worker *w, int n)
{
	for (int i = 0; i < n; i++) {
		ior_agg__free(w[i].a);
		if (i) { /* worker 0's reader and replay are the input's */
			ior_replay__free(w[i].rp);
			ior_reader__close(w[i].r);
		}
	}
}

/* Run worker 0 on this thread and the others on their own; false if one could not start. */
static bool workers_run(struct worker *w, int n)
{
	bool all = true;

	for (int i = 1; i < n; i++)
		w[i].started = all && !pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
	for (int i = 1; i < n; i++)
		all = all && w[i].started;
	worker_main(&w[0]);
	for (int i = 1; i < n; i++)
		if (w[i].started)
			pthread_join(w[i].thread, NULL);
	return all;
}

/*
 * Whether the readers together read the whole recording with nothing to warn about:
 * no error, damage or truncation, the end record and the index found, every event the
 * recorder counted read, and no string defined two ways.
 */
static bool read_cleanly(const struct worker *w, int n)
{
	struct ior_reader_stats st;
	uint64_t events = 0, sync = 0;
	bool end = false;

	if (*ior_reader__warning(w[0].r)) /* the forks warn into it too */
		return false;
	for (int i = 0; i < n; i++) {
		ior_reader__stats(w[i].r, &st);
		if (w[i].err || st.bad_chunks || st.truncated || !st.has_index)
			return false;
		events += st.events;
		sync = st.sync_events > sync ? st.sync_events : sync;
		end = end || st.clean_close;
		for (int j = 0; j < i; j++)
			if (!ior_reader__strings_agree(w[j].r, w[i].r))
				return false;
	}
	return end && sync <= events;
}

/* Everything of workers 1..n-1 into worker 0. 0 or -ENOMEM. */
static int workers_merge(struct worker *w, int n)
{
	for (int i = 1; i < n; i++) {
		int err = ior_agg__merge(w[0].a, w[i].a);

		if (err)
			return err;
		ior_replay__merge_skimmed(w[0].rp, w[i].rp);
	}
	return 0;
}

int ior_agg_direct__parallel(struct ior_agg_cli *c, const char *name,
			     const struct ior_agg_opts *o, unsigned skip, struct ior_input *in,
			     struct ior_agg **out)
{
	struct worker w[WORKERS_MAX];
	int n = workers_wanted(), status;
	struct stat sb;
	bool ok;

	/* a pipe cannot be read again; --salvage keeps what a clean read would not */
	if (n < 2 || c->salvage || !strcmp(name, "-") || stat(name, &sb) || !S_ISREG(sb.st_mode))
		return IOR_DIRECT_AGAIN;
	status = ior_input__open(in, name,
				 &(struct ior_input_opts){ .unreplayed = true, .skip = skip });
	if (status)
		return status;
	if (!ior_file_ends_with_index(in->fd)) { /* unfinished: it could not be read clean */
		ior_input__discard(in);
		return IOR_DIRECT_AGAIN;
	}
	status = ior_filter_bind_or_fail(&c->filter, in);
	if (status) {
		ior_input__close(in);
		return status;
	}
	memset(w, 0, sizeof(w));
	ok = !workers_init(w, n, c, in, o) && workers_run(w, n) && read_cleanly(w, n) &&
	     !workers_merge(w, n);
	if (ok) {
		*out = w[0].a;
		w[0].a = NULL;
	}
	workers_free(w, n);
	if (!ok)
		ior_input__discard(in); /* its warnings come again from the read on one thread */
	return ok ? IOR_EXIT_OK : IOR_DIRECT_AGAIN;
}
