/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ior-analyze subcommands and what they share: opening a recording ("-" is stdin),
 * reporting its damage, the common option handling and the exit codes.
 */
#ifndef IOR_ANALYZER_CMD_H
#define IOR_ANALYZER_CMD_H

#include <stdbool.h>
#include <stdio.h>

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
};

/*
 * Open name (or stdin for "-") for reading and replay. On failure prints one line
 * ("ior-analyze: 'x.ior': not an ior recording (bad magic)") and returns IOR_EXIT_FAIL.
 */
int ior_input__open(struct ior_input *in, const char *name, bool salvage);

/*
 * The next resolved event that passes f (NULL: every event). Returns 1, 0 at the end, or
 * -1 after printing a read error. Non-event records are applied to the replay; when rec
 * is non-NULL every record is also copied there (lost and end records for the caller).
 */
int ior_input__next(struct ior_input *in, const struct ior_filter *f, struct ior_revent *re,
		    struct ior_record *rec);

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

/* Seconds with microseconds, for times relative to the recording start. */
void ior_fmt_seconds(char *buf, size_t len, int64_t ns);

#endif
