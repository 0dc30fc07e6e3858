/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ior-analyze subcommands and what they share: opening a recording ("-" is stdin),
 * reporting its damage, the common option handling and the exit codes.
 */
#ifndef IOR_ANALYZER_CMD_H
#define IOR_ANALYZER_CMD_H

#include <stdbool.h>
#include <stdio.h>

#include "analyzer/agg.h"
#include "analyzer/flamegraph.h"
#include "analyzer/filter.h"
#include "analyzer/replay.h"
#include "format/ior_format.h"

enum { IOR_EXIT_OK = 0, IOR_EXIT_FAIL = 1, IOR_EXIT_USAGE = 2 };

int cmd_info(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_top(int argc, char **argv);
int cmd_collapse(int argc, char **argv);
int cmd_flamegraph(int argc, char **argv);
int cmd_diff(int argc, char **argv);

/* An open recording with its replay. */
struct ior_input {
	const char *name; /* as given; "-" for stdin */
	int fd;
	struct ior_reader *r;
	struct ior_replay *rp;
	const struct ior_event *run; /* events read, not yet replayed */
	size_t run_n, run_pos;
};

struct ior_input_opts {
	bool salvage; /* as ior_reader_opts.salvage */
	/*
	 * The events will not be replayed (ior_agg__add_events()): read only the fields
	 * not in skip (ior_reader_opts.skip), and decode on this thread. Replayed, events
	 * are decoded ahead on the second core (1.4-1.5x faster); unreplayed, decoding is
	 * the whole job and handing events over between cores only costs (BENCHMARKS.md:
	 * the same wall time, ~27 % more CPU): ior_agg_direct__parallel() gives each core
	 * chunks of its own instead.
	 */
	bool unreplayed;
	unsigned skip;
};

/*
 * Open name (or stdin for "-") for reading and replay. On failure prints one line
 * ("ior-analyze: 'x.ior': not an ior recording (bad magic)") and returns IOR_EXIT_FAIL.
 */
int ior_input__open(struct ior_input *in, const char *name, const struct ior_input_opts *o);

/* Close without printing the reader's warnings (a read to be done again). */
void ior_input__discard(struct ior_input *in);

/* Print a replay error ("'x.ior': Cannot allocate memory"); returns -1. */
int ior_input__fail(const struct ior_input *in, int err);

/*
 * The next event of the current run that passes f: 1 with *re, 0 when the run is used
 * up, -1 after printing a replay error.
 */
static inline int ior_input__from_run(struct ior_input *in, const struct ior_filter *f,
				      struct ior_revent *re)
{
	while (in->run_pos < in->run_n) {
		int n = ior_replay__event(in->rp, &in->run[in->run_pos++], re);

		if (n < 0)
			return ior_input__fail(in, n);
		if (!f || ior_filter__match(f, re))
			return 1;
	}
	return 0;
}

/* ior_input__next() once the current run of events is used up. */
int ior_input__next_slow(struct ior_input *in, const struct ior_filter *f,
			 struct ior_revent *re, struct ior_record *rec);

/*
 * The next resolved event that passes f (NULL: every event). Returns 1, 0 at the end, or
 * -1 after printing a read or replay error. Other records are applied to the replay;
 * when rec is non-NULL, a lost or end record is also returned there, with 2. Inline: an
 * event of the current run that passes is the common case.
 */
static inline int ior_input__next(struct ior_input *in, const struct ior_filter *f,
				  struct ior_revent *re, struct ior_record *rec)
{
	int n = ior_input__from_run(in, f, re);

	return n ? n : ior_input__next_slow(in, f, re, rec);
}

/* Print the reader's warnings (damage, truncation) to stderr, each prefixed; close. */
void ior_input__close(struct ior_input *in);

/* Bind the filter to the recording; prints the usage error and returns IOR_EXIT_USAGE. */
int ior_filter_bind_or_fail(struct ior_filter *f, const struct ior_input *in);

/* Handle a filter option in a getopt loop: 0, or IOR_EXIT_USAGE after printing. */
int ior_filter_opt_or_fail(struct ior_filter *f, int opt, const char *arg);

/* "Try 'ior-analyze CMD --help'." after a usage error; returns IOR_EXIT_USAGE. */
int ior_usage_hint(const char *cmd);

/* Flush and check stdout: a write error (full disk, closed pipe) is a failure. */
int ior_finish_stdout(int status);

/*
 * Options shared by the commands that aggregate (collapse, flamegraph, top, diff):
 * --fields/--by, --weight, --path-frames, --salvage and the FILTERS.
 */
struct ior_agg_cli {
	struct ior_fields fields;
	bool fields_set;
	enum ior_weight weight;
	bool path_frames;
	bool salvage;
	struct ior_filter filter;
};

enum {
	IOR_OPT_FIELDS = 0x2000,
	IOR_OPT_WEIGHT,
	IOR_OPT_PATH_FRAMES,
	IOR_OPT_SALVAGE,
};

#define IOR_AGG_LONG_OPTIONS                                                                       \
	{ "fields", required_argument, NULL, IOR_OPT_FIELDS },                                     \
	{ "by", required_argument, NULL, IOR_OPT_FIELDS },                                         \
	{ "weight", required_argument, NULL, IOR_OPT_WEIGHT },                                     \
	{ "path-frames", no_argument, NULL, IOR_OPT_PATH_FRAMES },                                 \
	{ "salvage", no_argument, NULL, IOR_OPT_SALVAGE }, IOR_FILTER_LONG_OPTIONS

/* Defaults: fields (a comma list), weight duration. */
void ior_agg_cli__init(struct ior_agg_cli *c, const char *default_fields);
void ior_agg_cli__free(struct ior_agg_cli *c);

/*
 * Handle opt if it is one of IOR_AGG_LONG_OPTIONS: 0 when handled, 1 when not ours,
 * IOR_EXIT_USAGE after printing the error.
 */
int ior_agg_cli__opt(struct ior_agg_cli *c, int opt, const char *arg);

/*
 * Open name, bind the filter, and add every matching event to a new aggregation over
 * c's fields. On success *in stays open (header, stats) and *out is the aggregation
 * (free with ior_agg__free); else an exit status after printing the error.
 */
int ior_agg_cli__run(struct ior_agg_cli *c, const char *name, const struct ior_agg_opts *ao,
		     struct ior_input *in, struct ior_agg **out);

/*
 * ior_agg_cli__run() for fields, filters and weight that need no replay (its direct()),
 * in analyzer/agg_direct.c. ior_agg_direct__parallel() reads a recording in a regular
 * file on every core (IOR_ANALYZE_THREADS threads, default one per core) and returns
 * as ior_agg_cli__run() does; or IOR_DIRECT_AGAIN, with nothing printed or kept, when
 * it cannot (a pipe, --salvage, one core) or the recording was not read whole and
 * clean. The caller then reads it on one thread: ior_agg_direct__serial() adds every
 * matching event of the open input to a, and returns 0 or an exit status after
 * printing.
 */
#define IOR_DIRECT_AGAIN (-1)
int ior_agg_direct__parallel(struct ior_agg_cli *c, const char *name,
			     const struct ior_agg_opts *o, unsigned skip, struct ior_input *in,
			     struct ior_agg **out);
int ior_agg_direct__serial(struct ior_agg_cli *c, struct ior_input *in, struct ior_agg *a);

/* Flame graph helpers shared by flamegraph and diff (analyzer/cmd_flamegraph.c). */
struct ior_flame;
struct ior_flame_opts;
struct ior_buf;
enum ior_flame_unit ior_weight_unit(enum ior_weight w);
int ior_flame_add_frames(struct ior_flame *fg, struct ior_buf *line, const char *frames,
			 size_t len, uint64_t a, uint64_t b, bool diff);
int ior_flame_write_file(struct ior_flame *fg, const char *path, const struct ior_flame_opts *o);

/* "db1: 2026-11-26 13:05:00 + 60.0 s" for titles. */
void ior_describe_recording(char *buf, size_t len, struct ior_input *in);

/* Human units for tables: "850ns", "12.3us", "4.56ms", "7.890s"; "512B", "4.0KiB". */
void ior_fmt_dur(char *buf, size_t len, double ns);
void ior_fmt_bytes(char *buf, size_t len, double bytes);

/* Seconds with microseconds, for times relative to the recording start. */
void ior_fmt_seconds(char *buf, size_t len, int64_t ns);

#endif
