// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/filter.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer/fields.h"
#include "analyzer/glob.h"
#include "common/parse.h"
#include "common/syscalls.h"

#define NS_PER_S 1000000000ll

void ior_filter__init(struct ior_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->from_ns = INT64_MIN;
	f->to_ns = INT64_MAX;
}

static void free_strings(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_globs(struct ior_glob **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		ior_glob__free(v[i]);
	free(v);
}

void ior_filter__free(struct ior_filter *f)
{
	free(f->pids);
	free(f->tids);
	free_strings(f->comms, f->ncomms);
	free_globs(f->comm_globs, f->ncomm_globs);
	free_globs(f->paths, f->npaths);
	free_strings(f->syscalls, f->nsyscalls);
	free(f->nrs);
	ior_filter__init(f);
}

bool ior_filter__is_opt(int opt)
{
	return opt >= IOR_OPT_PID && opt < IOR_OPT_FILTER_END;
}

/* Append one element of size sz to the array *v of *n elements. */
static int push(void *v, size_t *n, size_t sz, const void *item)
{
	void **arr = v;
	char *p = realloc(*arr, (*n + 1) * sz);

	if (!p)
		return -ENOMEM;
	memcpy(p + *n * sz, item, sz);
	*arr = p;
	(*n)++;
	return 0;
}

static int fail(struct ior_filter *f, int err, const char *fmt, const char *opt, const char *arg)
{
	if (err == -ENOMEM)
		snprintf(f->err, sizeof(f->err), "%s: out of memory", opt);
	else
		snprintf(f->err, sizeof(f->err), fmt, opt, arg);
	return err;
}

/* The next item of a comma list at *s (NUL-terminated copy in item); false at the end. */
static bool next_item(const char **s, char *item, size_t size, bool *too_long)
{
	size_t len;

	if (!*s)
		return false;
	len = strcspn(*s, ",");
	*too_long = len >= size;
	snprintf(item, size, "%.*s", (int)len, *s);
	*s = (*s)[len] ? *s + len + 1 : NULL;
	return true;
}

static int parse_ids(struct ior_filter *f, const char *opt, const char *arg, uint32_t **ids,
		     size_t *n)
{
	char item[32];
	bool too_long;

	while (next_item(&arg, item, sizeof(item), &too_long)) {
		uint64_t v;
		uint32_t id;

		if (too_long || ior_parse_u64(item, &v) || v > UINT32_MAX)
			return fail(f, -EINVAL, "%s: '%s' is not a number", opt, item);
		id = (uint32_t)v;
		if (push(ids, n, sizeof(id), &id))
			return fail(f, -ENOMEM, "", opt, NULL);
	}
	return 0;
}

static int add_comm(struct ior_filter *f, const char *arg)
{
	char *s = strdup(arg);

	if (!s || push(&f->comms, &f->ncomms, sizeof(s), &s)) {
		free(s);
		return fail(f, -ENOMEM, "", "--comm", NULL);
	}
	return 0;
}

/* Compile arg as a glob for option opt and append it to *globs. */
static int add_glob(struct ior_filter *f, const char *opt, const char *arg, unsigned flags,
		    struct ior_glob ***globs, size_t *n)
{
	struct ior_glob *g;
	char why[128];
	int err = ior_glob__compile(&g, arg, strlen(arg), flags, why, sizeof(why));

	if (err == -EINVAL) {
		snprintf(f->err, sizeof(f->err), "%s: bad pattern '%s': %s", opt, arg, why);
		return err;
	}
	if (err || push(globs, n, sizeof(g), &g)) {
		ior_glob__free(g);
		return fail(f, -ENOMEM, "", opt, NULL);
	}
	return 0;
}

static int parse_comm(struct ior_filter *f, const char *arg)
{
	/* '/' is an ordinary byte of a comm (kworker/0:1) */
	if (ior_glob_has_magic(arg, strlen(arg)))
		return add_glob(f, "--comm", arg, IOR_GLOB_PLAIN, &f->comm_globs, &f->ncomm_globs);
	return add_comm(f, arg);
}

static int parse_syscalls(struct ior_filter *f, const char *arg)
{
	char item[64];
	bool too_long;

	while (next_item(&arg, item, sizeof(item), &too_long)) {
		char *s;

		if (!*item || too_long)
			return fail(f, -EINVAL, "%s: bad syscall name '%s'", "--syscall", item);
		s = strdup(item);
		if (!s || push(&f->syscalls, &f->nsyscalls, sizeof(s), &s)) {
			free(s);
			return fail(f, -ENOMEM, "", "--syscall", NULL);
		}
	}
	return 0;
}

static int parse_classes(struct ior_filter *f, const char *arg)
{
	char item[32], valid[200] = "";
	bool too_long;

	while (next_item(&arg, item, sizeof(item), &too_long)) {
		int c = too_long ? -1 : ior_class_from_name(item);

		if (c >= 0) {
			f->classes |= 1u << c;
			continue;
		}
		for (int i = 0; i < IOR_CLASS_COUNT; i++)
			snprintf(valid + strlen(valid), sizeof(valid) - strlen(valid), "%s%s",
				 i ? ", " : "", ior_class_name((enum ior_class)i));
		snprintf(f->err, sizeof(f->err), "--class: unknown class '%s' (valid: %s)", item,
			 valid);
		return -EINVAL;
	}
	return 0;
}

static int parse_min_duration(struct ior_filter *f, const char *arg)
{
	/* a bare number is ambiguous (ns? ms?): only 0 may go without a unit */
	if (arg[strspn(arg, "0123456789.")] == '\0' && strspn(arg, "0.") != strlen(arg))
		return fail(f, -EINVAL, "%s: '%s' needs a unit (ns, us, ms, s)", "--min-duration",
			    arg);
	if (ior_parse_duration(arg, 1, &f->min_dur_ns))
		return fail(f, -EINVAL, "%s: '%s' is not a duration (500us, 1ms, 2s)",
			    "--min-duration", arg);
	return 0;
}

int ior_filter__parse_opt(struct ior_filter *f, int opt, const char *arg)
{
	f->err[0] = '\0';
	switch (opt) {
	case IOR_OPT_PID:
		return parse_ids(f, "--pid", arg, &f->pids, &f->npids);
	case IOR_OPT_TID:
		return parse_ids(f, "--tid", arg, &f->tids, &f->ntids);
	case IOR_OPT_COMM:
		return parse_comm(f, arg);
	case IOR_OPT_PATH:
		return add_glob(f, "--path", arg, IOR_GLOB_PATH, &f->paths, &f->npaths);
	case IOR_OPT_SYSCALL:
		return parse_syscalls(f, arg);
	case IOR_OPT_CLASS:
		return parse_classes(f, arg);
	case IOR_OPT_FROM:
	case IOR_OPT_TO:
		if (ior_time_spec_parse(arg, opt == IOR_OPT_FROM ? &f->from : &f->to))
			return fail(f, -EINVAL,
				    "%s: '%s' is neither seconds from the start (10, 1.5s, 250ms) "
				    "nor a time (13:05:00, 2026-11-26T13:05:00)",
				    opt == IOR_OPT_FROM ? "--from" : "--to", arg);
		return 0;
	case IOR_OPT_MIN_DURATION:
		return parse_min_duration(f, arg);
	case IOR_OPT_FAILED:
		f->failed = true;
		return 0;
	default:
		snprintf(f->err, sizeof(f->err), "not a filter option: %d", opt);
		return -EINVAL;
	}
}

/* Between min_digits and max_digits decimal digits at *p, in [lo, hi]. */
static bool num(const char **p, int min_digits, int max_digits, int lo, int hi, int *out)
{
	int v = 0, n = 0;

	while (n < max_digits && **p >= '0' && **p <= '9') {
		v = v * 10 + (*(*p)++ - '0');
		n++;
	}
	*out = v;
	return n >= min_digits && v >= lo && v <= hi;
}

static int days_in_month(int year, int mon)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;

	return mon == 2 && leap ? 29 : days[mon - 1];
}

/* "HH:MM[:SS[.fraction]][Z]" at p, to the end of the string. */
static int parse_clock(const char *p, struct ior_time_spec *ts)
{
	if (!num(&p, 1, 2, 0, 23, &ts->hour) || *p++ != ':' || !num(&p, 2, 2, 0, 59, &ts->min))
		return -EINVAL;
	if (*p == ':') {
		p++;
		if (!num(&p, 2, 2, 0, 60, &ts->sec))
			return -EINVAL;
		if (*p == '.') {
			int64_t scale = NS_PER_S;

			p++;
			if (*p < '0' || *p > '9')
				return -EINVAL;
			for (; *p >= '0' && *p <= '9'; p++)
				if ((scale /= 10) > 0)
					ts->ns += (*p - '0') * scale;
		}
	}
	if (*p == 'Z') {
		ts->utc = true;
		p++;
	}
	return *p ? -EINVAL : 0;
}

int ior_time_spec_parse(const char *s, struct ior_time_spec *ts)
{
	const char *p = s;
	uint64_t ns;

	memset(ts, 0, sizeof(*ts));
	if (!strchr(s, ':')) {
		if (ior_parse_duration(s, NS_PER_S, &ns) || ns > INT64_MAX)
			return -EINVAL;
		ts->kind = IOR_TIME_REL;
		ts->ns = (int64_t)ns;
		return 0;
	}
	ts->kind = IOR_TIME_OF_DAY;
	if (strlen(s) > 10 && s[4] == '-') {
		if (!num(&p, 4, 4, 1900, 9999, &ts->year) || *p++ != '-' ||
		    !num(&p, 2, 2, 1, 12, &ts->mon) || *p++ != '-' ||
		    !num(&p, 2, 2, 1, 31, &ts->mday) || (*p != 'T' && *p != ' '))
			return -EINVAL;
		if (ts->mday > days_in_month(ts->year, ts->mon))
			return -EINVAL;
		p++;
		ts->kind = IOR_TIME_WALL;
	}
	return parse_clock(p, ts);
}

/* tm in local time or UTC to seconds since the epoch. */
static int to_epoch(struct tm *tm, bool utc, time_t *t)
{
	tm->tm_isdst = -1;
	*t = utc ? timegm(tm) : mktime(tm);
	/* -1 is also a valid time (1969-12-31T23:59:59Z), never one of a recording */
	if (*t == (time_t)-1 || *t > INT64_MAX / NS_PER_S - 1 || *t < 0)
		return -EINVAL;
	return 0;
}

static int resolve_time_of_day(const struct ior_time_spec *ts, int64_t start, int64_t *wall)
{
	time_t start_s = (time_t)(start / NS_PER_S), t;
	struct tm day;
	bool found = false;

	if (!(ts->utc ? gmtime_r(&start_s, &day) : localtime_r(&start_s, &day)))
		return -EINVAL;
	/* the day before, of and after the start: the candidate nearest to it wins */
	for (int d = -1; d <= 1; d++) {
		struct tm tm = day;
		int64_t cand;

		tm.tm_mday += d;
		tm.tm_hour = ts->hour;
		tm.tm_min = ts->min;
		tm.tm_sec = ts->sec;
		if (to_epoch(&tm, ts->utc, &t))
			continue;
		cand = (int64_t)t * NS_PER_S + ts->ns;
		if (!found || llabs(cand - start) < llabs(*wall - start))
			*wall = cand;
		found = true;
	}
	return found ? 0 : -EINVAL;
}

int ior_time_spec_resolve(const struct ior_time_spec *ts, int64_t start_epoch_ns, int64_t *rel)
{
	struct tm tm = {0};
	int64_t wall;
	time_t t;

	switch (ts->kind) {
	case IOR_TIME_REL:
		*rel = ts->ns;
		return 0;
	case IOR_TIME_WALL:
		tm.tm_year = ts->year - 1900;
		tm.tm_mon = ts->mon - 1;
		tm.tm_mday = ts->mday;
		tm.tm_hour = ts->hour;
		tm.tm_min = ts->min;
		tm.tm_sec = ts->sec;
		/* mktime normalises: a changed day means there was no such date (Feb 30) */
		if (to_epoch(&tm, ts->utc, &t) || tm.tm_mday != ts->mday)
			return -EINVAL;
		wall = (int64_t)t * NS_PER_S + ts->ns;
		break;
	case IOR_TIME_OF_DAY:
		if (resolve_time_of_day(ts, start_epoch_ns, &wall))
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	*rel = wall - start_epoch_ns;
	return 0;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/* The recording's number for name, "syscall_N" as N; -ENOENT when it has none. */
static int64_t syscall_nr(const struct ior_header *hdr, const char *name)
{
	uint64_t nr;

	for (uint32_t i = 0; i < hdr->nsyscalls; i++)
		if (hdr->syscalls[i].name && strcmp(hdr->syscalls[i].name, name) == 0)
			return hdr->syscalls[i].nr;
	if (strncmp(name, "syscall_", 8) == 0 && name[8] >= '0' && name[8] <= '9' &&
	    !ior_parse_u64(name + 8, &nr) && nr <= UINT32_MAX)
		return (int64_t)nr;
	return -ENOENT;
}

static int bind_syscalls(struct ior_filter *f, const struct ior_header *hdr)
{
	for (size_t i = 0; i < f->nsyscalls; i++) {
		int64_t nr = syscall_nr(hdr, f->syscalls[i]);
		uint32_t n32 = (uint32_t)nr;

		if (nr < 0 && !ior_syscall_find(f->syscalls[i]))
			return fail(f, -EINVAL, "%s: unknown syscall '%s'", "--syscall",
				    f->syscalls[i]);
		/* known to ior but not traced on that host (open on arm64): matches nothing */
		if (nr >= 0 && push(&f->nrs, &f->nnrs, sizeof(n32), &n32))
			return fail(f, -ENOMEM, "", "--syscall", NULL);
	}
	f->by_syscall = f->nsyscalls > 0;
	if (f->nnrs)
		qsort(f->nrs, f->nnrs, sizeof(*f->nrs), cmp_u32);
	return 0;
}

/*
 * Without --syscall, a recording made with ior-record -e/-x shows the syscalls its user
 * selected: the others (opens, closes, dups, ...) are in it only so that paths resolve.
 */
static int bind_selection(struct ior_filter *f, const struct ior_header *hdr)
{
	if (f->nsyscalls || !hdr->nselected)
		return 0;
	f->nrs = malloc(hdr->nselected * sizeof(*f->nrs));
	if (!f->nrs)
		return fail(f, -ENOMEM, "", "--syscall", NULL);
	memcpy(f->nrs, hdr->selected, hdr->nselected * sizeof(*f->nrs));
	f->nnrs = hdr->nselected;
	qsort(f->nrs, f->nnrs, sizeof(*f->nrs), cmp_u32);
	f->by_syscall = f->by_selection = true;
	return 0;
}

static int bind_times(struct ior_filter *f, const struct ior_header *hdr)
{
	int64_t start = hdr->start_ns + hdr->wall_offset_ns;

	if (f->from.kind != IOR_TIME_NONE && ior_time_spec_resolve(&f->from, start, &f->from_ns))
		return fail(f, -EINVAL, "%s: %s", "--from", "no such date or time here");
	if (f->to.kind != IOR_TIME_NONE && ior_time_spec_resolve(&f->to, start, &f->to_ns))
		return fail(f, -EINVAL, "%s: %s", "--to", "no such date or time here");
	if (f->from_ns >= f->to_ns) {
		snprintf(f->err, sizeof(f->err),
			 "--from (%.3f s after the start) is not before --to (%.3f s)",
			 (double)f->from_ns / NS_PER_S, (double)f->to_ns / NS_PER_S);
		return -EINVAL;
	}
	return 0;
}

int ior_filter__bind(struct ior_filter *f, const struct ior_header *hdr)
{
	int err;

	f->err[0] = '\0';
	free(f->nrs);
	f->nrs = NULL;
	f->nnrs = 0;
	f->by_selection = false;
	err = bind_syscalls(f, hdr);
	if (!err)
		err = bind_selection(f, hdr);
	if (!err)
		err = bind_times(f, hdr);
	if (err)
		return err;
	f->active = f->npids || f->ntids || f->ncomms || f->ncomm_globs || f->npaths ||
		    f->by_syscall || f->classes || f->from.kind || f->to.kind || f->min_dur_ns ||
		    f->failed;
	return 0;
}

static bool has_u32(const uint32_t *v, size_t n, uint32_t x)
{
	/* the lists are short: a scan beats sorting and searching */
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

static bool has_nr(const struct ior_filter *f, uint32_t nr)
{
	size_t lo = 0, hi = f->nnrs;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->nrs[mid] == nr)
			return true;
		if (f->nrs[mid] < nr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool comm_matches(const struct ior_filter *f, const char *comm)
{
	for (size_t i = 0; i < f->ncomms; i++)
		if (strcmp(f->comms[i], comm) == 0)
			return true;
	for (size_t i = 0; i < f->ncomm_globs; i++)
		if (ior_glob__match(f->comm_globs[i], comm, strlen(comm)))
			return true;
	return false;
}

static bool path_matches(const struct ior_filter *f, const struct ior_revent *re)
{
	for (size_t i = 0; i < f->npaths; i++)
		if ((re->path && ior_glob__match(f->paths[i], re->path, re->path_len)) ||
		    (re->path2 && ior_glob__match(f->paths[i], re->path2, re->path2_len)))
			return true;
	return false;
}

/* ior_filter__match() past its first test. */
bool ior_filter__match_active(const struct ior_filter *f, const struct ior_revent *re)
{
	const struct ior_event *ev = &re->ev;

	/* cheapest tests first; globs last */
	if (ev->dur_ns < f->min_dur_ns || (f->failed && !ior_revent_failed(re)))
		return false;
	if (re->rel_ns < f->from_ns || re->rel_ns >= f->to_ns)
		return false;
	if (f->classes && !(f->classes >> re->cls & 1))
		return false;
	if (f->by_syscall && !has_nr(f, ev->nr))
		return false;
	if ((f->npids && !has_u32(f->pids, f->npids, ev->pid)) ||
	    (f->ntids && !has_u32(f->tids, f->ntids, ev->tid)))
		return false;
	if ((f->ncomms || f->ncomm_globs) && !comm_matches(f, re->comm ? re->comm : ""))
		return false;
	return !f->npaths || path_matches(f, re);
}
