/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The FILTERS every ior-analyze command takes. An event passes when every given
 * condition holds; a repeated option, or a comma list, means any of its values.
 *
 * Use from a command:
 *	static const struct option opts[] = { { "json", no_argument, NULL, 'j' },
 *					      IOR_FILTER_LONG_OPTIONS, { 0 } };
 *	struct ior_filter f;
 *	ior_filter__init(&f);
 *	... in the getopt_long loop:
 *	default: if (ior_filter__is_opt(c)) {
 *			if (ior_filter__parse_opt(&f, c, optarg)) { ior_err("%s", f.err); exit 2 }
 *		 }
 *	... after ior_reader__open(): if (ior_filter__bind(&f, hdr)) usage error, f.err
 *	... per event: if (!ior_filter__match(&f, &re)) continue;
 *	ior_filter__free(&f);
 *
 * --from/--to select events by their start time, as a half-open window [from, to):
 * seconds from the recording start ("10", "1.5s", "250ms", "2m"), or a wall-clock time
 * in the analysing machine's local time zone (TZ), or UTC with a trailing 'Z':
 * "2026-11-26T13:05:00[.123]", "2026-11-26 13:05:00", "13:05:00", "13:05". A time of
 * day alone means its occurrence nearest to the recording start (within 12 hours);
 * give the date for longer recordings.
 * --path matches the event's path or its second path (rename, link) against a glob
 * (analyzer/glob.h); events without a path do not match. --comm is exact unless it holds
 * * ? [ or \, then a glob in which '/' is an ordinary byte. --syscall takes the plain
 * kernel names of the recording host; a name neither ior nor the recording knows is a
 * usage error, one ior knows that the recording lacks matches nothing. "syscall_N" names
 * number N. Without --syscall, a recording made with ior-record -e/-x (header.selected)
 * shows only the syscalls selected there. --min-duration needs a unit (ns, us, ms, s, m,
 * h). --failed keeps events whose return value is -4095..-1.
 */
#ifndef IOR_ANALYZER_FILTER_H
#define IOR_ANALYZER_FILTER_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/revent.h"
#include "format/ior_format.h"

struct ior_glob;

/* getopt_long values of the filter options: above every short option. */
enum ior_filter_opt {
	IOR_OPT_PID = 0x1000,
	IOR_OPT_TID,
	IOR_OPT_COMM,
	IOR_OPT_PATH,
	IOR_OPT_SYSCALL,
	IOR_OPT_CLASS,
	IOR_OPT_FROM,
	IOR_OPT_TO,
	IOR_OPT_MIN_DURATION,
	IOR_OPT_FAILED,
	IOR_OPT_FILTER_END
};

#define IOR_FILTER_LONG_OPTIONS                                                                    \
	{"pid", required_argument, NULL, IOR_OPT_PID},                                             \
	    {"tid", required_argument, NULL, IOR_OPT_TID},                                         \
	    {"comm", required_argument, NULL, IOR_OPT_COMM},                                       \
	    {"path", required_argument, NULL, IOR_OPT_PATH},                                       \
	    {"syscall", required_argument, NULL, IOR_OPT_SYSCALL},                                 \
	    {"class", required_argument, NULL, IOR_OPT_CLASS},                                     \
	    {"from", required_argument, NULL, IOR_OPT_FROM},                                       \
	    {"to", required_argument, NULL, IOR_OPT_TO},                                           \
	    {"min-duration", required_argument, NULL, IOR_OPT_MIN_DURATION},                       \
	{                                                                                          \
		"failed", no_argument, NULL, IOR_OPT_FAILED                                        \
	}

/* The FILTERS section of a command's --help. */
#define IOR_FILTER_HELP                                                                            \
	"Filters (all must hold; a repeated option or a comma list means any of):\n"               \
	"  --pid PID[,PID...]      events of these processes\n"                                    \
	"  --tid TID[,TID...]      events of these threads\n"                                      \
	"  --comm NAME             command name, exact or a glob ('kworker/*')\n"                  \
	"  --path GLOB             path matches: * within a directory, ** across\n"                \
	"                          ('/var/lib/mysql/**', '**/*.log')\n"                            \
	"  --syscall NAME[,NAME]   kernel syscall names: read,openat,newfstatat (default:\n"       \
	"                          those ior-record -e/-x selected, when it did)\n"                \
	"  --class CLASS[,CLASS]   open close read write transfer seek sync stat meta\n"           \
	"                          xattr dir name dup mmap async lock ioctl fdnew other\n"         \
	"  --from T, --to T        start times in [from, to): seconds from the recording\n"        \
	"                          start (10, 1.5s, 250ms) or wall-clock time in local\n"          \
	"                          time (13:05:00, 2026-11-26T13:05:00; append Z for UTC)\n"       \
	"  --min-duration D        syscalls taking at least D (500us, 1ms, 2s)\n"                  \
	"  --failed                failed syscalls only\n"

enum ior_time_kind { IOR_TIME_NONE, IOR_TIME_REL, IOR_TIME_WALL, IOR_TIME_OF_DAY };

struct ior_time_spec {
	enum ior_time_kind kind;
	bool utc;	     /* wall times: 'Z' given */
	int year, mon, mday; /* IOR_TIME_WALL */
	int hour, min, sec;  /* IOR_TIME_WALL, IOR_TIME_OF_DAY */
	int64_t ns;	     /* IOR_TIME_REL: ns from start; wall: fraction of a second */
};

struct ior_filter {
	/* as given */
	uint32_t *pids, *tids;
	size_t npids, ntids;
	char **comms; /* exact names */
	struct ior_glob **comm_globs;
	size_t ncomms, ncomm_globs;
	struct ior_glob **paths;
	size_t npaths;
	char **syscalls; /* names, resolved by bind */
	size_t nsyscalls;
	uint32_t classes; /* bit per enum ior_class; 0 = any */
	struct ior_time_spec from, to;
	uint64_t min_dur_ns;
	bool failed;
	/* set by ior_filter__bind() */
	uint32_t *nrs; /* sorted syscall numbers of the recording */
	size_t nnrs;
	bool by_syscall;	/* by nrs: --syscall given (nnrs may be 0: nothing matches) */
	bool by_selection;	/* ... or the recording's -e/-x selection, without --syscall */
	int64_t from_ns, to_ns; /* window relative to the recording start */
	bool active;		/* any condition at all */
	char err[256];		/* the last error, one line without newline */
};

/* Set up an empty filter (matches everything). */
void ior_filter__init(struct ior_filter *f);
/* Release what parse and bind allocated; the filter may be init'ed again. */
void ior_filter__free(struct ior_filter *f);

/* Whether opt (a getopt_long return value) is a filter option. */
bool ior_filter__is_opt(int opt);

/* Handle one filter option. 0, or -EINVAL (usage) / -ENOMEM with f->err set. */
int ior_filter__parse_opt(struct ior_filter *f, int opt, const char *arg);

/*
 * Resolve syscall names and times against a recording's header; call once, before
 * matching. 0, or -EINVAL (usage: unknown syscall, empty window) / -ENOMEM with f->err.
 */
int ior_filter__bind(struct ior_filter *f, const struct ior_header *hdr);

bool ior_filter__match_active(const struct ior_filter *f, const struct ior_revent *re);

/* Whether the event passes. The filter must be bound. Inline: no filter is the rule. */
static inline bool ior_filter__match(const struct ior_filter *f, const struct ior_revent *re)
{
	return !f->active || ior_filter__match_active(f, re);
}

/* Parse a --from/--to value (exposed for tests). 0 or -EINVAL. */
int ior_time_spec_parse(const char *s, struct ior_time_spec *ts);

/*
 * The time spec as ns relative to the recording start, given the start in ns since the
 * Unix epoch. 0 or -EINVAL (a date mktime cannot represent).
 */
int ior_time_spec_resolve(const struct ior_time_spec *ts, int64_t start_epoch_ns, int64_t *rel);

#endif /* IOR_ANALYZER_FILTER_H */
