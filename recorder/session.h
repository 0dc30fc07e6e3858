/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One recording session: set up (capture plan, BPF, output, command, snapshot), run
 * (drain the ring buffer into the writer until a stop condition), finish (drain the
 * rest, report losses, close the file). main() only parses and prints.
 */
#ifndef IOR_RECORDER_SESSION_H
#define IOR_RECORDER_SESSION_H

#include <stdbool.h>
#include <stdint.h>

#include "format/ior_format.h"
#include "recorder/capture.h"
#include "recorder/child.h"
#include "recorder/drain.h"
#include "recorder/opts.h"
#include "recorder/plan.h"
#include "recorder/snapshot.h"
#include "recorder/status.h"

struct ring_buffer;

struct ior_session {
	const struct ior_record_opts *o;
	enum ior_attach attach;   /* the mode in use: --attach, or the fallback */
	bool attach_fallback;     /* tracepoints unavailable: the btf mode instead */
	struct ior_plan plan;
	struct ior_capture *cap;
	struct ring_buffer *rb;
	struct ior_writer *w;
	struct ior_drain drain;
	struct ior_child child;
	bool has_child;
	int out_fd;
	bool out_created;         /* a file this session created (removed if setup fails) */
	char out_path[4096];      /* "-" for stdout */
	int64_t t0;               /* recording start, CLOCK_MONOTONIC ns */
	uint64_t attach_ns;       /* time to load and attach */
	struct ior_snapshot_stats snap;
	struct ior_wire_stats kstats; /* kernel counters at the end */
	uint64_t bytes_written;   /* size of the recording once finished */
	struct ior_wire_stats *percpu;
	enum ior_end_reason reason;
	int exec_err;             /* the command could not be run: -errno */
	/* called about once a second while running, when set */
	void (*on_status)(const struct ior_status *s, void *ctx);
	void *status_ctx;
	char err[512];            /* why a step failed, one line */
};

/*
 * Everything up to the first drained record. Returns 0; -EINVAL for a usage error
 * (exit 2); another -errno for a runtime one (exit 1). err says why.
 */
int ior_session__setup(struct ior_session *r, const struct ior_record_opts *o, int argc,
		      char **argv);

/* Drain until -d, --max-size, SIGINT/SIGTERM, the command's exit or a write error. */
int ior_session__run(struct ior_session *r);

/*
 * Stop capturing, drain what is left, write the losses and the end record, close the
 * file; wait for the command. Returns 0 or -errno (err says why; the file keeps what was
 * flushed).
 */
int ior_session__finish(struct ior_session *r);

/* Release everything (after a failed setup too). */
void ior_session__cleanup(struct ior_session *r);

/* Install the SIGINT/SIGTERM/SIGCHLD handlers (they only set flags). */
void ior_session__signals(void);

/* CLOCK_MONOTONIC in ns: the recording clock (bpf_ktime_get_ns). */
int64_t ior_session__now(void);

#endif
