// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyzer/filter: option parsing and its messages, binding to a recording header
 * (syscall names, wall-clock times), and matching a hand-built event stream.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer/filter.h"

#define NS 1000000000ll

static const struct ior_syscall_name names[] = {
    {0, "read"}, {1, "write"}, {2, "open"}, {257, "openat"}, {262, "newfstatat"},
};

/* The recording started at 2026-11-26T13:00:00Z (monotonic 1000 s). */
static struct ior_header header(void)
{
	struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 26, .tm_hour = 13};
	struct ior_header h = {.start_ns = 1000 * NS, .syscalls = names, .nsyscalls = 5};

	h.wall_offset_ns = (int64_t)timegm(&tm) * NS - h.start_ns;
	return h;
}

static const struct {
	double rel_s;
	uint64_t dur_ns;
	uint32_t pid, tid, nr;
	int64_t ret;
	const char *comm, *path, *path2;
	enum ior_class cls;
} events[] = {
    /* 0 */ {0.5, 1000, 10, 10, 0, 100, "mysqld", "/var/lib/mysql/ibdata1", NULL, IOR_CLASS_READ},
    /* 1 */ {2, 5000000, 10, 11, 257, -2, "mysqld", "/var/lib/mysql/x.frm", NULL, IOR_CLASS_OPEN},
    /* 2 */ {12, 2000, 20, 20, 1, 10, "kworker/0:1", "/var/log/syslog", NULL, IOR_CLASS_WRITE},
    /* 3 */ {15, 200000000, 20, 21, 262, 0, "bash", NULL, NULL, IOR_CLASS_STAT},
    /* 4 */ {59, 1000000, 30, 30, 257, 3, "nginx", "/etc/nginx/nginx.conf", NULL, IOR_CLASS_OPEN},
    /* 5 */ {30, 10000000, 30, 31, 82, 0, "nginx", "/tmp/a", "/var/log/b.log", IOR_CLASS_NAME},
};

#define NEV (sizeof(events) / sizeof(events[0]))
#define ALL ((1u << NEV) - 1)

static struct ior_revent revent(size_t i)
{
	struct ior_revent re = {
	    .ev = {.dur_ns = events[i].dur_ns,
		   .pid = events[i].pid,
		   .tid = events[i].tid,
		   .nr = events[i].nr,
		   .ret = events[i].ret},
	    .comm = events[i].comm,
	    .path = events[i].path,
	    .path_len = events[i].path ? strlen(events[i].path) : 0,
	    .path2 = events[i].path2,
	    .path2_len = events[i].path2 ? strlen(events[i].path2) : 0,
	    .cls = events[i].cls,
	    .rel_ns = (int64_t)(events[i].rel_s * NS),
	};

	return re;
}

struct arg {
	int opt;
	const char *val;
};

static const struct {
	struct arg args[4];
	unsigned want; /* bit i: event i passes */
} match_cases[] = {
    {{{0}}, ALL},
    {{{IOR_OPT_PID, "10"}}, 0x03},
    {{{IOR_OPT_PID, "10,30"}}, 0x33},
    {{{IOR_OPT_PID, "10"}, {IOR_OPT_PID, "20"}}, 0x0f},
    {{{IOR_OPT_TID, "11"}}, 0x02},
    {{{IOR_OPT_COMM, "mysqld"}}, 0x03},
    {{{IOR_OPT_COMM, "mysql"}}, 0x00},
    {{{IOR_OPT_COMM, "kworker/*"}}, 0x04},
    {{{IOR_OPT_COMM, "m*"}, {IOR_OPT_COMM, "bash"}}, 0x0b},
    {{{IOR_OPT_PATH, "/var/**"}}, 0x27},
    {{{IOR_OPT_PATH, "/var/lib/mysql/*.frm"}}, 0x02},
    {{{IOR_OPT_PATH, "**/*.log"}}, 0x20},
    {{{IOR_OPT_PATH, "/etc/**"}, {IOR_OPT_PATH, "/tmp/*"}}, 0x30},
    {{{IOR_OPT_SYSCALL, "openat"}}, 0x12},
    {{{IOR_OPT_SYSCALL, "read,write"}}, 0x05},
    {{{IOR_OPT_SYSCALL, "open"}}, 0x00},
    {{{IOR_OPT_SYSCALL, "syscall_257"}}, 0x12},
    {{{IOR_OPT_SYSCALL, "renameat2"}}, 0x00}, /* ior knows it, the recording not */
    {{{IOR_OPT_CLASS, "open,stat"}}, 0x1a},
    {{{IOR_OPT_FROM, "10"}}, 0x3c},
    {{{IOR_OPT_TO, "10"}}, 0x03},
    {{{IOR_OPT_FROM, "1.5s"}, {IOR_OPT_TO, "15s"}}, 0x06},
    {{{IOR_OPT_FROM, "250ms"}, {IOR_OPT_TO, "2s"}}, 0x01},
    {{{IOR_OPT_FROM, "13:00:12"}}, 0x3c},
    {{{IOR_OPT_FROM, "2026-11-26T13:00:12Z"}}, 0x3c},
    {{{IOR_OPT_FROM, "2026-11-26 13:00:00.4"}, {IOR_OPT_TO, "13:00:02.5Z"}}, 0x03},
    {{{IOR_OPT_TO, "13:00"}}, 0x00},
    {{{IOR_OPT_MIN_DURATION, "1ms"}}, 0x3a},
    {{{IOR_OPT_MIN_DURATION, "0"}}, ALL},
    {{{IOR_OPT_FAILED, NULL}}, 0x02},
    {{{IOR_OPT_PID, "20"}, {IOR_OPT_FAILED, NULL}}, 0x00},
    {{{IOR_OPT_PID, "10"}, {IOR_OPT_CLASS, "open"}, {IOR_OPT_FROM, "1"}}, 0x02},
};

static void setup_utc(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
}

START_TEST(test_filter_match)
{
	struct ior_header h = header();
	struct ior_filter f;
	unsigned got = 0;
	char desc[256] = "";

	ior_filter__init(&f);
	for (int k = 0; k < 4 && match_cases[_i].args[k].opt; k++) {
		const struct arg *a = &match_cases[_i].args[k];

		snprintf(desc + strlen(desc), sizeof(desc) - strlen(desc), " opt %#x=%s", a->opt,
			 a->val ? a->val : "");
		ck_assert_msg(ior_filter__parse_opt(&f, a->opt, a->val) == 0, "%s: %s", desc,
			      f.err);
	}
	ck_assert_msg(ior_filter__bind(&f, &h) == 0, "%s: bind: %s", desc, f.err);
	for (size_t i = 0; i < NEV; i++) {
		struct ior_revent re = revent(i);

		got |= (unsigned)ior_filter__match(&f, &re) << i;
	}
	ck_assert_msg(got == match_cases[_i].want, "filter%s: events %#x pass, want %#x", desc, got,
		      match_cases[_i].want);
	ior_filter__free(&f);
}
END_TEST

static const struct {
	int opt;
	const char *val;
	const char *msg; /* NULL: parses, must fail at bind with bind_msg */
	const char *bind_msg;
} error_cases[] = {
    {IOR_OPT_PID, "abc", "--pid: 'abc' is not a number", NULL},
    {IOR_OPT_PID, "1,,2", "--pid: '' is not a number", NULL},
    {IOR_OPT_PID, "1,", "--pid: '' is not a number", NULL},
    {IOR_OPT_TID, "99999999999", "--tid: '99999999999' is not a number", NULL},
    {IOR_OPT_PID, "-1", "--pid: '-1' is not a number", NULL},
    {IOR_OPT_CLASS, "nope", "--class: unknown class 'nope' (valid: other, open, close,", NULL},
    {IOR_OPT_FROM, "13:61", "--from: '13:61' is neither seconds from the start", NULL},
    {IOR_OPT_FROM, "10abc", "--from: '10abc' is neither", NULL},
    {IOR_OPT_TO, "25:00", "--to: '25:00' is neither", NULL},
    {IOR_OPT_TO, "2026-02-30T10:00:00", "--to: '2026-02-30T10:00:00' is neither", NULL},
    {IOR_OPT_TO, "2026-11-26T10:00:00X", "--to: '2026-11-26T10:00:00X' is neither", NULL},
    {IOR_OPT_MIN_DURATION, "5", "--min-duration: '5' needs a unit (ns, us, ms, s)", NULL},
    {IOR_OPT_MIN_DURATION, "5parsecs", "--min-duration: '5parsecs' is not a duration", NULL},
    {IOR_OPT_PATH, "/var/[abc", "--path: bad pattern '/var/[abc': unterminated '['", NULL},
    {IOR_OPT_COMM, "x\\", "--comm: bad pattern 'x\\': trailing '\\'", NULL},
    {IOR_OPT_SYSCALL, "read,,write", "--syscall: bad syscall name ''", NULL},
    {IOR_OPT_SYSCALL, "nosuch", NULL, "--syscall: unknown syscall 'nosuch'"},
    {IOR_OPT_SYSCALL, "enter_openat", NULL, "--syscall: unknown syscall 'enter_openat'"},
};

START_TEST(test_filter_errors)
{
	struct ior_header h = header();
	struct ior_filter f;
	int ret;

	ior_filter__init(&f);
	ret = ior_filter__parse_opt(&f, error_cases[_i].opt, error_cases[_i].val);
	if (error_cases[_i].msg) {
		ck_assert_msg(ret == -EINVAL, "'%s' parsed", error_cases[_i].val);
		ck_assert_msg(strncmp(f.err, error_cases[_i].msg, strlen(error_cases[_i].msg)) == 0,
			      "'%s' said \"%s\"", error_cases[_i].val, f.err);
	} else {
		ck_assert_msg(ret == 0, "'%s': %s", error_cases[_i].val, f.err);
		ck_assert_int_eq(ior_filter__bind(&f, &h), -EINVAL);
		ck_assert_msg(strcmp(f.err, error_cases[_i].bind_msg) == 0, "'%s' said \"%s\"",
			      error_cases[_i].val, f.err);
	}
	ck_assert(strchr(f.err, '\n') == NULL);
	ior_filter__free(&f);
}
END_TEST

START_TEST(test_filter_empty_window)
{
	struct ior_header h = header();
	struct ior_filter f;

	ior_filter__init(&f);
	ck_assert_int_eq(ior_filter__parse_opt(&f, IOR_OPT_FROM, "10"), 0);
	ck_assert_int_eq(ior_filter__parse_opt(&f, IOR_OPT_TO, "5"), 0);
	ck_assert_int_eq(ior_filter__bind(&f, &h), -EINVAL);
	ck_assert_str_eq(f.err, "--from (10.000 s after the start) is not before --to (5.000 s)");
	ior_filter__free(&f);
	ck_assert(ior_filter__is_opt(IOR_OPT_FAILED));
	ck_assert(!ior_filter__is_opt('n'));
	ck_assert(strstr(IOR_FILTER_HELP, "--min-duration") != NULL);
}
END_TEST

static const struct {
	const char *in;
	enum ior_time_kind kind;
	int64_t ns;
	int hour, min, sec;
	bool utc;
} spec_cases[] = {
    {"10", IOR_TIME_REL, 10 * NS, 0, 0, 0, false},
    {"1.5s", IOR_TIME_REL, 1500000000, 0, 0, 0, false},
    {"250ms", IOR_TIME_REL, 250000000, 0, 0, 0, false},
    {"0", IOR_TIME_REL, 0, 0, 0, 0, false},
    {"13:05", IOR_TIME_OF_DAY, 0, 13, 5, 0, false},
    {"9:05:07", IOR_TIME_OF_DAY, 0, 9, 5, 7, false},
    {"13:05:00.25", IOR_TIME_OF_DAY, 250000000, 13, 5, 0, false},
    {"13:05:00.1234567891", IOR_TIME_OF_DAY, 123456789, 13, 5, 0, false},
    {"2026-11-26T13:05:00Z", IOR_TIME_WALL, 0, 13, 5, 0, true},
    {"2028-02-29 00:00:00", IOR_TIME_WALL, 0, 0, 0, 0, false},
};

START_TEST(test_time_spec_parse)
{
	struct ior_time_spec ts;

	ck_assert_msg(ior_time_spec_parse(spec_cases[_i].in, &ts) == 0, "'%s' rejected",
		      spec_cases[_i].in);
	ck_assert_msg(ts.kind == spec_cases[_i].kind && ts.ns == spec_cases[_i].ns &&
			  ts.hour == spec_cases[_i].hour && ts.min == spec_cases[_i].min &&
			  ts.sec == spec_cases[_i].sec && ts.utc == spec_cases[_i].utc,
		      "'%s' parsed as kind %d ns %lld %02d:%02d:%02d utc %d", spec_cases[_i].in,
		      ts.kind, (long long)ts.ns, ts.hour, ts.min, ts.sec, ts.utc);
}
END_TEST

static const char *const bad_specs[] = {
    "",		  "-5",		 "13:5",       "1:05:00x",
    "24:00",	  "13:05:61",	 "13:05:00.",  "2027-02-29 00:00:00",
    "2026-11-26", "2026-11-26T", "13:05:00ZZ", "nan"};

START_TEST(test_time_spec_bad)
{
	struct ior_time_spec ts;

	ck_assert_msg(ior_time_spec_parse(bad_specs[_i], &ts) == -EINVAL, "'%s' accepted",
		      bad_specs[_i]);
}
END_TEST

/* A time of day is its occurrence nearest the start, across midnight too. */
START_TEST(test_time_of_day_nearest)
{
	struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 26, .tm_hour = 23, .tm_min = 59};
	int64_t start = (int64_t)timegm(&tm) * NS, rel;
	struct ior_time_spec ts;

	ck_assert_int_eq(ior_time_spec_parse("00:01:00Z", &ts), 0);
	ck_assert_int_eq(ior_time_spec_resolve(&ts, start, &rel), 0);
	ck_assert_int_eq(rel, 120 * NS);
	ck_assert_int_eq(ior_time_spec_parse("23:58:00Z", &ts), 0);
	ck_assert_int_eq(ior_time_spec_resolve(&ts, start, &rel), 0);
	ck_assert_int_eq(rel, -60 * NS);
	ck_assert_int_eq(ior_time_spec_parse("2026-11-27T00:00:30Z", &ts), 0);
	ck_assert_int_eq(ior_time_spec_resolve(&ts, start, &rel), 0);
	ck_assert_int_eq(rel, 90 * NS);
}
END_TEST

/* Local wall-clock times follow TZ, daylight saving included. */
START_TEST(test_time_local_zone)
{
	struct tm tm = {.tm_year = 126, .tm_mon = 10, .tm_mday = 26, .tm_hour = 13};
	struct tm summer = {.tm_year = 126, .tm_mon = 6, .tm_mday = 1, .tm_hour = 13};
	int64_t start = (int64_t)timegm(&tm) * NS, rel;
	struct ior_time_spec ts;

	setenv("TZ", "CET-1CEST,M3.5.0,M10.5.0/3", 1);
	tzset();
	ck_assert_int_eq(ior_time_spec_parse("14:00:12", &ts), 0); /* CET: UTC+1 */
	ck_assert_int_eq(ior_time_spec_resolve(&ts, start, &rel), 0);
	ck_assert_int_eq(rel, 12 * NS);
	start = (int64_t)timegm(&summer) * NS;
	ck_assert_int_eq(ior_time_spec_parse("2026-07-01T15:00:00", &ts), 0); /* CEST: UTC+2 */
	ck_assert_int_eq(ior_time_spec_resolve(&ts, start, &rel), 0);
	ck_assert_int_eq(rel, 0);
	setup_utc();
}
END_TEST

/* The documented use: the option table inside a command's getopt_long loop. */
START_TEST(test_filter_getopt)
{
	static const struct option opts[] = {
	    {"json", no_argument, NULL, 'j'}, IOR_FILTER_LONG_OPTIONS, {NULL, 0, NULL, 0}};
	char *argv[] = {"top",	"--pid", "10", "--json", "--failed", "--syscall=openat",
			"FILE", NULL};
	int argc = 7, c, json = 0;
	struct ior_header h = header();
	struct ior_filter f;
	struct ior_revent re = revent(1);

	ior_filter__init(&f);
	optind = 0;
	while ((c = getopt_long(argc, argv, "j", opts, NULL)) != -1) {
		if (c == 'j')
			json = 1;
		else
			ck_assert_msg(ior_filter__is_opt(c) &&
					  ior_filter__parse_opt(&f, c, optarg) == 0,
				      "option %d: %s", c, f.err);
	}
	ck_assert_int_eq(json, 1);
	ck_assert_str_eq(argv[optind], "FILE");
	ck_assert_int_eq(ior_filter__bind(&f, &h), 0);
	ck_assert(ior_filter__match(&f, &re));
	re = revent(4);
	ck_assert(!ior_filter__match(&f, &re));
	ior_filter__free(&f);
}
END_TEST

/*
 * A recording made with ior-record -e read,write (header.selected): without --syscall
 * only those pass; --syscall overrides; other conditions still apply on top.
 */
static const struct {
	struct arg args[2];
	unsigned want;
} selected_cases[] = {
    {{{0}}, 0x05},
    {{{IOR_OPT_SYSCALL, "openat"}}, 0x12},
    {{{IOR_OPT_PID, "20"}}, 0x04},
    {{{IOR_OPT_CLASS, "read,open"}}, 0x01},
};

START_TEST(test_filter_selected)
{
	static const uint32_t selected[] = {1, 0}; /* unsorted in the header is fine */
	struct ior_header h = header();
	struct ior_filter f;
	unsigned got = 0;

	h.selected = selected;
	h.nselected = 2;
	ior_filter__init(&f);
	for (int k = 0; k < 2 && selected_cases[_i].args[k].opt; k++)
		ck_assert_int_eq(ior_filter__parse_opt(&f, selected_cases[_i].args[k].opt,
						       selected_cases[_i].args[k].val),
				 0);
	ck_assert_int_eq(ior_filter__bind(&f, &h), 0);
	ck_assert(f.by_selection == !f.nsyscalls);
	for (size_t i = 0; i < NEV; i++) {
		struct ior_revent re = revent(i);

		got |= (unsigned)ior_filter__match(&f, &re) << i;
	}
	ck_assert_msg(got == selected_cases[_i].want, "case %d: events %#x pass, want %#x", _i,
		      got, selected_cases[_i].want);
	ior_filter__free(&f);
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");

	tcase_add_unchecked_fixture(tc, setup_utc, NULL);
	tcase_add_loop_test(tc, test_filter_match, 0, sizeof(match_cases) / sizeof(match_cases[0]));
	tcase_add_loop_test(tc, test_filter_errors, 0,
			    sizeof(error_cases) / sizeof(error_cases[0]));
	tcase_add_loop_test(tc, test_filter_selected, 0,
			    sizeof(selected_cases) / sizeof(selected_cases[0]));
	tcase_add_test(tc, test_filter_empty_window);
	tcase_add_test(tc, test_filter_getopt);
	tcase_add_loop_test(tc, test_time_spec_parse, 0,
			    sizeof(spec_cases) / sizeof(spec_cases[0]));
	tcase_add_loop_test(tc, test_time_spec_bad, 0, sizeof(bad_specs) / sizeof(bad_specs[0]));
	tcase_add_test(tc, test_time_of_day_nearest);
	tcase_add_test(tc, test_time_local_zone);
	suite_add_tcase(s, tc);
	return s;
}
