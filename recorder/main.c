// SPDX-License-Identifier: GPL-2.0-only
/* ior-record: parse the command line, set up a session, run it, report, clean up. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/log.h"
#include "recorder/opts.h"
#include "recorder/session.h"

static struct ior_session session; /* large (the capture plan): not on the stack */

/* The live status line: rewritten in place on a terminal. */
static void print_status(const struct ior_status *s, void *ctx)
{
	char line[160];

	ior_status__line(line, sizeof(line), s);
	fprintf(stderr, "\r\033[Kior-record: %s", line);
	fflush(stderr);
}

static void print_summary(const struct ior_session *r, bool live)
{
	char size[32];

	if (live)
		fputs("\r\033[K", stderr);
	ior_status__bytes(size, sizeof(size), r->bytes_written);
	fprintf(stderr, "ior-record: %llu events, %llu process records, snapshot of %u "
			"process(es) with %u fds and %u file mappings; %s written to '%s'\n",
		(unsigned long long)r->drain.events, (unsigned long long)r->drain.procs,
		r->snap.procs, r->snap.fds, r->snap.maps, size, r->out_path);
	if (r->snap.maps_cut)
		ior_warn("%u file mappings left out of the snapshot (more than %d in a process): "
			 "munmap and msync there are not named",
			 r->snap.maps_cut, IOR_SNAPSHOT_MAPS_MAX);
}

/* Losses are always reported, with the remedy. */
static void print_losses(const struct ior_session *r)
{
	const struct ior_wire_stats *k = &r->kstats;

	if (k->lost_events || k->lost_procs)
		ior_warn("%llu events and %llu process records lost: the ring buffer was full; "
			 "try --ringbuf-size %lluM",
			 (unsigned long long)k->lost_events, (unsigned long long)k->lost_procs,
			 (unsigned long long)(r->o->ringbuf_bytes >> 20) * 4);
	if (ior_verbose())
		ior_info("kernel: %llu lost, %llu calls in flight at the start, %llu wake-ups, %llu filtered, "
			 "%llu outside --path; attach took %.1f ms",
			 (unsigned long long)(k->lost_events + k->lost_procs),
			 (unsigned long long)k->orphan_exits, (unsigned long long)k->wakeups,
			 (unsigned long long)k->filtered, (unsigned long long)k->path_filtered,
			 r->attach_ns / 1e6);
}

static int exit_code(const struct ior_session *r, int finish_err)
{
	if (r->exec_err)
		return r->exec_err == -ENOENT ? 127 : 126;
	if (finish_err)
		return 1;
	if (r->has_child)
		return ior_child__exit_code(&r->child);
	return 0;
}

static int run(struct ior_record_opts *o, int argc, char **argv)
{
	struct ior_session *r = &session;
	bool live = !o->quiet && isatty(STDERR_FILENO);
	int ret, fin, code;

	ior_session__signals();
	ret = ior_session__setup(r, o, argc, argv);
	if (ret) {
		ior_err("%s", r->err);
		ior_session__cleanup(r);
		return ret == -EINVAL ? 2 : 1;
	}
	if (r->exec_err)
		ior_err("%s", r->err);
	if (r->attach_fallback)
		ior_warn("tracefs is not available: recording with --attach=btf");
	ior_info("recording (%s mode, %u programs attached, %.1f ms to load and attach)",
		 r->attach == IOR_ATTACH_TP ? "tracepoint" : "btf", ior_capture__links(r->cap),
		 r->attach_ns / 1e6);
	if (r->plan.nselected)
		ior_info("%u syscalls selected; %u recorded, the others for file attribution "
			 "(ior-analyze hides them unless --syscall names them)",
			 r->plan.nselected, r->plan.count);
	if (live) {
		r->on_status = print_status;
		r->status_ctx = r;
	}
	ret = ior_session__run(r);
	if (ret)
		ior_err("%s", r->err);
	fin = ior_session__finish(r);
	if (fin)
		ior_err("%s", r->err);
	ret = ret ?: fin;
	if (!o->quiet)
		print_summary(r, live);
	print_losses(r);
	code = exit_code(r, ret);
	ior_session__cleanup(r);
	return code;
}

int main(int argc, char **argv)
{
	struct ior_record_opts o;
	int code;

	ior_log_init("ior-record");
	if (ior_record_opts__parse(&o, argc, argv)) {
		ior_err("%s", o.err);
		fprintf(stderr, "Try 'ior-record --help'.\n");
		ior_record_opts__free(&o);
		return 2;
	}
	if (o.help || o.version) {
		fputs(o.help ? ior_record_opts__usage() : ior_record_opts__version(), stdout);
		ior_record_opts__free(&o);
		return fflush(stdout) || ferror(stdout) ? 1 : 0;
	}
	ior_set_verbose(o.verbose);
	code = run(&o, argc, argv);
	ior_record_opts__free(&o);
	return code;
}
