// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/buf.h"
#include "analyzer/cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <time.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"

int ior_input__open(struct ior_input *in, const char *name, const struct ior_input_opts *io)
{
	struct ior_reader_opts o = { .salvage = io->salvage,
				     .threads = !io->unreplayed,
				     .skip = io->unreplayed ? io->skip : 0 };

	memset(in, 0, sizeof(*in));
	in->name = name;
	in->fd = strcmp(name, "-") == 0 ? STDIN_FILENO : open(name, O_RDONLY | O_CLOEXEC);
	if (in->fd < 0) {
		ior_err("cannot open '%s': %s", name, strerror(errno));
		return IOR_EXIT_FAIL;
	}
	in->r = ior_reader__open(in->fd, &o);
	if (!in->r) {
		const char *why = ior_reader__open_error();

		ior_err("'%s': %s", name, *why ? why : strerror(errno));
		if (in->fd != STDIN_FILENO)
			close(in->fd);
		return IOR_EXIT_FAIL;
	}
	in->rp = ior_replay__new(in->r);
	if (!in->rp) {
		ior_err("'%s': %s", name, strerror(ENOMEM));
		ior_input__close(in);
		return IOR_EXIT_FAIL;
	}
	return IOR_EXIT_OK;
}

/* The next record of the recording, events in runs; -1 after printing a read error. */
static int read_run(struct ior_input *in, struct ior_record *rec)
{
	int n = ior_reader__next_run(in->r, rec);

	if (n < 0)
		ior_err("'%s': read error: %s", in->name, strerror(-n));
	else if (n > 0 && rec->type == IOR_REC_EVENTS) {
		in->run = rec->events.v;
		in->run_n = rec->events.n;
		in->run_pos = 0;
	}
	return n < 0 ? -1 : n;
}

int ior_input__fail(const struct ior_input *in, int err)
{
	ior_err("'%s': %s", in->name, strerror(-err));
	return -1;
}

/* ior_input__next() once the current run is used up: the next run or other record. */
int ior_input__next_slow(struct ior_input *in, const struct ior_filter *f,
			 struct ior_revent *re, struct ior_record *recp)
{
	struct ior_record local, *rec = recp ? recp : &local;

	for (;;) {
		int n;

		n = ior_input__from_run(in, f, re); /* a loop, not a call back: no recursion */
		if (n)
			return n;
		n = read_run(in, rec);
		if (n <= 0)
			return n;
		if (rec->type == IOR_REC_EVENTS)
			continue;
		n = ior_replay__apply(in->rp, rec, re);
		if (n < 0)
			return ior_input__fail(in, n);
		if (n == 0 && recp && rec->type != IOR_REC_PROC)
			return 2; /* a lost or end record the caller wants to see */
	}
}

void ior_input__close(struct ior_input *in)
{
	const char *w;

	if (in->r) {
		w = ior_reader__warning(in->r);
		while (*w) {
			const char *nl = strchr(w, '\n');
			int len = nl ? (int)(nl - w) : (int)strlen(w);

			ior_warn("'%s': %.*s", in->name, len, w);
			w += len + (nl ? 1 : 0);
		}
	}
	ior_input__discard(in);
}

void ior_input__discard(struct ior_input *in)
{
	ior_replay__free(in->rp);
	ior_reader__close(in->r);
	if (in->fd > STDIN_FILENO)
		close(in->fd);
	memset(in, 0, sizeof(*in));
}

int ior_filter_bind_or_fail(struct ior_filter *f, const struct ior_input *in)
{
	if (ior_filter__bind(f, ior_reader__header(in->r)) == 0)
		return IOR_EXIT_OK;
	ior_err("%s", f->err);
	return IOR_EXIT_USAGE;
}

int ior_filter_opt_or_fail(struct ior_filter *f, int opt, const char *arg)
{
	if (ior_filter__parse_opt(f, opt, arg) == 0)
		return IOR_EXIT_OK;
	ior_err("%s", f->err);
	return IOR_EXIT_USAGE;
}

int ior_usage_hint(const char *cmd)
{
	fprintf(stderr, "Try 'ior-analyze %s --help'.\n", cmd);
	return IOR_EXIT_USAGE;
}

int ior_finish_stdout(int status)
{
	if (fflush(stdout) != 0 || ferror(stdout)) {
		if (errno != EPIPE)
			ior_err("cannot write the output: %s", strerror(errno));
		return status ? status : IOR_EXIT_FAIL;
	}
	return status;
}

void ior_fmt_seconds(char *buf, size_t len, int64_t ns)
{
	struct ior_buf b = IOR_BUF_INIT;

	ior_buf__add_seconds(&b, ns);
	snprintf(buf, len, "%s", ior_buf__str(&b));
	ior_buf__free(&b);
}

void ior_agg_cli__init(struct ior_agg_cli *c, const char *default_fields)
{
	char err[256];

	memset(c, 0, sizeof(*c));
	ior_fields__parse(&c->fields, default_fields, err, sizeof(err));
	c->weight = IOR_WEIGHT_DURATION;
	ior_filter__init(&c->filter);
}

void ior_agg_cli__free(struct ior_agg_cli *c)
{
	ior_filter__free(&c->filter);
}

int ior_agg_cli__opt(struct ior_agg_cli *c, int opt, const char *arg)
{
	char err[256];

	switch (opt) {
	case IOR_OPT_FIELDS:
		if (ior_fields__parse(&c->fields, arg, err, sizeof(err))) {
			ior_err("%s", err);
			return IOR_EXIT_USAGE;
		}
		c->fields_set = true;
		return 0;
	case IOR_OPT_WEIGHT:
		if (ior_weight_parse(arg, &c->weight)) {
			ior_err("unknown weight '%s' (valid: count, duration, bytes, gap)", arg);
			return IOR_EXIT_USAGE;
		}
		return 0;
	case IOR_OPT_PATH_FRAMES:
		c->path_frames = true;
		return 0;
	case IOR_OPT_SALVAGE:
		c->salvage = true;
		return 0;
	}
	if (ior_filter__is_opt(opt))
		return ior_filter_opt_or_fail(&c->filter, opt, arg);
	return 1;
}

/* Whether any field or filter looks at files; if not, the replay can skip fd tables. */
static bool needs_paths(const struct ior_agg_cli *c)
{
	for (unsigned i = 0; i < c->fields.n; i++)
		if (c->fields.f[i].id == IOR_FIELD_PATH || c->fields.f[i].id == IOR_FIELD_DIR)
			return true;
	return c->filter.npaths > 0;
}

/*
 * Whether events can go to the aggregation unreplayed (ior_agg__add_events()): no field,
 * filter or weight needs a process's state (comm, files, gap). Then *skip names the
 * event fields the reader need not decode.
 */
static bool direct(const struct ior_agg_cli *c, unsigned *skip)
{
	const struct ior_filter *f = &c->filter;
	unsigned s;

	if (!ior_fields__direct(&c->fields, &s) || c->weight == IOR_WEIGHT_GAP || f->ncomms ||
	    f->ncomm_globs || f->npaths)
		return false;
	*skip = f->npids || f->ntids ? s & ~IOR_SKIP_THREAD : s;
	return true;
}

/* Every matching event into a, replayed: 0, or an exit status after printing. */
static int add_all_replayed(struct ior_agg_cli *c, struct ior_input *in, struct ior_agg *a)
{
	struct ior_revent re;
	int n;

	while ((n = ior_input__next(in, &c->filter, &re, NULL)) != 0) {
		if (n < 0)
			return IOR_EXIT_FAIL;
		if (ior_agg__add(a, &re)) {
			ior_err("'%s': %s", in->name, strerror(ENOMEM));
			return IOR_EXIT_FAIL;
		}
	}
	return IOR_EXIT_OK;
}

int ior_agg_cli__run(struct ior_agg_cli *c, const char *name, const struct ior_agg_opts *ao,
		     struct ior_input *in, struct ior_agg **out)
{
	struct ior_agg_opts o = ao ? *ao : (struct ior_agg_opts){ 0 };
	unsigned skip = 0;
	bool unreplayed = direct(c, &skip);
	struct ior_agg *a;
	int status;

	o.path_frames = c->path_frames;
	if (unreplayed) {
		status = ior_agg_direct__parallel(c, name, &o, skip, in, out);
		if (status != IOR_DIRECT_AGAIN)
			return status;
	}
	status = ior_input__open(in, name,
				 &(struct ior_input_opts){ .salvage = c->salvage,
							   .unreplayed = unreplayed,
							   .skip = skip });
	if (status)
		return status;
	ior_replay__set_paths(in->rp, needs_paths(c));
	status = ior_filter_bind_or_fail(&c->filter, in);
	a = status ? NULL : ior_agg__new(&c->fields, &o);
	if (!status && !a) {
		ior_err("%s", strerror(ENOMEM));
		status = IOR_EXIT_FAIL;
	}
	if (!status)
		status = unreplayed ? ior_agg_direct__serial(c, in, a) : add_all_replayed(c, in, a);
	if (status) {
		ior_agg__free(a);
		ior_input__close(in);
		return status;
	}
	*out = a;
	return IOR_EXIT_OK;
}

void ior_describe_recording(char *buf, size_t len, struct ior_input *in)
{
	const struct ior_header *h = ior_reader__header(in->r);
	struct ior_replay_stats st;
	time_t wall = (time_t)((h->start_ns + h->wall_offset_ns) / 1000000000);
	char when[40];

	ior_replay__stats(in->rp, &st);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime(&wall));
	snprintf(buf, len, "%s: %s + %.1f s", h->hostname, when,
		 st.events ? (double)st.last_ns / 1e9 : 0.0);
}

void ior_fmt_dur(char *buf, size_t len, double ns)
{
	if (ns < 1e3)
		snprintf(buf, len, "%.0fns", ns);
	else if (ns < 1e6)
		snprintf(buf, len, "%.1fus", ns / 1e3);
	else if (ns < 1e9)
		snprintf(buf, len, "%.2fms", ns / 1e6);
	else
		snprintf(buf, len, "%.3fs", ns / 1e9);
}

void ior_fmt_bytes(char *buf, size_t len, double b)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB" };
	int u = 0;

	while (b >= 1024 && u < 5) {
		b /= 1024;
		u++;
	}
	snprintf(buf, len, u ? "%.1f%s" : "%.0f%s", b, unit[u]);
}
