// SPDX-License-Identifier: GPL-2.0-only
/* analyzer/fields: FIELDS parsing, rendering of each field, dirs, path frames, collapse. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "analyzer/buf.h"
#include "analyzer/fields.h"

static const struct {
	const char *list;
	int err;
	unsigned n;
	const char *msg; /* start of the message on error */
} parse_cases[] = {
    {"comm", 0, 1, NULL},
    {"comm,pid,tid,path,dir,syscall,class,fd,flags,errno", 0, 10, NULL},
    {"dir:2,path", 0, 2, NULL},
    {"path,path", 0, 2, NULL},
    {"paht", -EINVAL, 0, "unknown field 'paht' (valid: comm, pid, tid, path, dir, dir:N,"},
    {"", -EINVAL, 0, "empty field in ''"},
    {"comm,", -EINVAL, 0, "empty field in 'comm,'"},
    {"comm,,pid", -EINVAL, 0, "empty field"},
    {"dir:0", -EINVAL, 0, "bad field 'dir:0' (want dir:N with N from 1 to 255)"},
    {"dir:256", -EINVAL, 0, "bad field 'dir:256'"},
    {"dir:x", -EINVAL, 0, "bad field 'dir:x'"},
    {"dir:99999999999", -EINVAL, 0, "bad field"},
    {"Comm", -EINVAL, 0, "unknown field 'Comm'"},
    {"pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid,pid", -EINVAL, 0,
     "more than 16 fields"},
};

START_TEST(test_fields_parse)
{
	struct ior_fields fs;
	char err[256] = "";
	int ret = ior_fields__parse(&fs, parse_cases[_i].list, err, sizeof(err));

	ck_assert_msg(ret == parse_cases[_i].err, "parse(\"%s\") = %d (%s)", parse_cases[_i].list,
		      ret, err);
	if (!ret)
		ck_assert_msg(fs.n == parse_cases[_i].n, "parse(\"%s\") gave %u fields",
			      parse_cases[_i].list, fs.n);
	else
		ck_assert_msg(strncmp(err, parse_cases[_i].msg, strlen(parse_cases[_i].msg)) == 0,
			      "parse(\"%s\") said \"%s\"", parse_cases[_i].list, err);
}
END_TEST

START_TEST(test_fields_dir_depth)
{
	struct ior_fields fs;
	char err[256];

	ck_assert_int_eq(ior_fields__parse(&fs, "dir:3,dir,comm", err, sizeof(err)), 0);
	ck_assert_int_eq(fs.f[0].id, IOR_FIELD_DIR);
	ck_assert_uint_eq(fs.f[0].depth, 3);
	ck_assert_uint_eq(fs.f[1].depth, 0);
	ck_assert_int_eq(fs.f[2].id, IOR_FIELD_COMM);
	ck_assert_str_eq(ior_field_name(IOR_FIELD_ERRNO), "errno");
}
END_TEST

static struct ior_revent make_event(const char *syscall, const char *path)
{
	struct ior_revent re = {
	    .ev =
		{.pid = 42, .tid = 43, .fd = -100, .fd2 = IOR_FD_NONE, .ret = 3, .flags = 02000000},
	    .syscall = syscall,
	    .desc = ior_syscall_find(syscall),
	    .comm = "mysqld",
	    .path = path,
	    .path_len = path ? strlen(path) : 0,
	};

	re.cls = re.desc ? (enum ior_class)re.desc->cls : IOR_CLASS_OTHER;
	return re;
}

static const struct {
	const char *field;
	const char *syscall, *path;
	int64_t ret;
	int32_t fd;
	const char *want;
} render_cases[] = {
    {"comm", "openat", "/var/lib/mysql/ibdata1", 3, -100, "mysqld"},
    {"pid", "openat", "/x", 3, -100, "42"},
    {"tid", "openat", "/x", 3, -100, "43"},
    {"path", "openat", "/var/lib/mysql/ibdata1", 3, -100, "/var/lib/mysql/ibdata1"},
    {"path", "read", NULL, 3, 3, "[no path]"},
    {"path", "newfstatat", "", 0, 3, "[empty path]"},
    {"dir", "openat", "/var/lib/mysql/ibdata1", 3, -100, "/var/lib/mysql"},
    {"dir:1", "openat", "/var/lib/mysql/ibdata1", 3, -100, "/var"},
    {"dir:2", "openat", "/var/lib/mysql/ibdata1", 3, -100, "/var/lib"},
    {"dir:9", "openat", "/var/lib/mysql/ibdata1", 3, -100, "/var/lib/mysql"},
    {"dir", "read", "pipe:[1234]", 3, 3, "pipe:[1234]"},
    {"dir", "read", NULL, 3, 3, "[no path]"},
    {"syscall", "openat", "/x", 3, -100, "openat"},
    {"class", "openat", "/x", 3, -100, "open"},
    {"class", "pread64", "/x", 3, 4, "read"},
    {"fd", "openat", "/x", 3, -100, "AT_FDCWD"},
    {"fd", "read", "/x", 3, 7, "7"},
    {"fd", "sync", NULL, 0, IOR_FD_NONE, "-"},
    {"flags", "openat", "/x", 3, -100, "O_RDONLY|O_CLOEXEC"},
    {"flags", "read", "/x", 3, 3, "-"},
    {"flags", "dup3", NULL, 3, 3, "O_CLOEXEC"},
    {"errno", "openat", "/x", 3, -100, "ok"},
    {"errno", "openat", "/x", -2, -100, "ENOENT"},
    {"errno", "read", "/x", -4096, 3, "ok"}, /* not in the errno range */
    {"errno", "read", "/x", -512, 3, "ERESTARTSYS"},
};

START_TEST(test_fields_render)
{
	struct ior_revent re = make_event(render_cases[_i].syscall, render_cases[_i].path);
	struct ior_fields fs;
	struct ior_buf b = IOR_BUF_INIT;
	char err[256];

	re.ev.ret = render_cases[_i].ret;
	re.ev.fd = render_cases[_i].fd;
	ck_assert_int_eq(ior_fields__parse(&fs, render_cases[_i].field, err, sizeof(err)), 0);
	ck_assert_int_eq(ior_field__render(&b, &fs.f[0], &re), 0);
	ck_assert_msg(strcmp(ior_buf__str(&b), render_cases[_i].want) == 0,
		      "%s of %s(\"%s\") ret %lld = \"%s\", want \"%s\"", render_cases[_i].field,
		      render_cases[_i].syscall,
		      render_cases[_i].path ? render_cases[_i].path : "(null)",
		      (long long)render_cases[_i].ret, ior_buf__str(&b), render_cases[_i].want);
	ior_buf__free(&b);
}
END_TEST

static const struct {
	const char *path;
	unsigned depth;
	const char *want;
} dir_cases[] = {
    {"/var/lib/x", 0, "/var/lib"},
    {"/x", 0, "/"},
    {"/", 0, "/"},
    {"pipe:[12]", 0, "pipe:[12]"},
    {"a/b", 0, "a"},
    {"/var/lib/", 0, "/var"},
    {"//x", 0, "/"},
    {"/a//b", 0, "/a"},
    {"a/b/c", 1, "a"},
    {"/a/b/c/d", 2, "/a/b"},
    {"/a/b/c/d", 3, "/a/b/c"},
    {"/a/b/c/d", 4, "/a/b/c"},
    {"//a//b//c", 1, "//a"},
    {"/x", 1, "/"},
    {"", 0, ""},
};

START_TEST(test_fields_dir_len)
{
	const char *p = dir_cases[_i].path;
	size_t n = ior_path_dir_len(p, strlen(p), dir_cases[_i].depth);

	ck_assert_msg(n == strlen(dir_cases[_i].want) && memcmp(p, dir_cases[_i].want, n) == 0,
		      "dir(\"%s\", depth %u) = \"%.*s\", want \"%s\"", p, dir_cases[_i].depth,
		      (int)n, p, dir_cases[_i].want);
}
END_TEST

static const struct {
	const char *path;
	const char *want; /* frames joined by '|' */
} frame_cases[] = {
    {"/var/lib/x", "/|var/|lib/|x"},
    {"a//b/", "a/|b/"},
    {"pipe:[1]", "pipe:[1]"},
    {"/", "/"},
    {"", ""},
    {"//a", "/|a"},
    {"/a b/c;d", "/|a b/|c;d"},
};

START_TEST(test_fields_path_frames)
{
	const char *p = frame_cases[_i].path, *frame;
	size_t pos = 0, flen;
	char got[256] = "";

	while (ior_path_next_frame(p, strlen(p), &pos, &frame, &flen))
		snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%.*s", *got ? "|" : "",
			 (int)flen, frame);
	ck_assert_msg(strcmp(got, frame_cases[_i].want) == 0,
		      "frames(\"%s\") = \"%s\", want \"%s\"", p, got, frame_cases[_i].want);
}
END_TEST

static const struct {
	const char *fields, *path;
	bool path_frames;
	const char *want;
} collapse_cases[] = {
    {"comm,syscall,path", "/var/lib/mysql/ibdata1", false, "mysqld;openat;/var/lib/mysql/ibdata1"},
    {"comm,path", "/var/lib/mysql/ibdata1", true, "mysqld;/;var/;lib/;mysql/;ibdata1"},
    {"comm,dir:2", "/var/lib/mysql/ibdata1", true, "mysqld;/;var/;lib"},
    {"path,errno", "/tmp/a;b\nc", false, "/tmp/a\\x3bb\\x0ac;ok"},
    {"path", "/tmp/a;b/\xff", true, "/;tmp/;a\\x3bb/;\\xff"},
    {"comm,path", NULL, true, "mysqld;[no path]"},
    {"path,comm", "/with space/f", false, "/with space/f;mysqld"},
};

START_TEST(test_fields_collapse)
{
	struct ior_revent re = make_event("openat", collapse_cases[_i].path);
	struct ior_buf out = IOR_BUF_INIT, tmp = IOR_BUF_INIT;
	struct ior_fields fs;
	char err[256];

	ck_assert_int_eq(ior_fields__parse(&fs, collapse_cases[_i].fields, err, sizeof(err)), 0);
	ck_assert_int_eq(ior_fields__collapse(&out, &tmp, &fs, &re, collapse_cases[_i].path_frames),
			 0);
	ck_assert_msg(strcmp(ior_buf__str(&out), collapse_cases[_i].want) == 0,
		      "collapse(%s, frames %d) = \"%s\", want \"%s\"", collapse_cases[_i].fields,
		      collapse_cases[_i].path_frames, ior_buf__str(&out), collapse_cases[_i].want);
	ior_buf__free(&out);
	ior_buf__free(&tmp);
}
END_TEST

Suite *fields_suite(void)
{
	Suite *s = suite_create("fields");
	TCase *tc = tcase_create("fields");

	tcase_add_loop_test(tc, test_fields_parse, 0, sizeof(parse_cases) / sizeof(parse_cases[0]));
	tcase_add_test(tc, test_fields_dir_depth);
	tcase_add_loop_test(tc, test_fields_render, 0,
			    sizeof(render_cases) / sizeof(render_cases[0]));
	tcase_add_loop_test(tc, test_fields_dir_len, 0, sizeof(dir_cases) / sizeof(dir_cases[0]));
	tcase_add_loop_test(tc, test_fields_path_frames, 0,
			    sizeof(frame_cases) / sizeof(frame_cases[0]));
	tcase_add_loop_test(tc, test_fields_collapse, 0,
			    sizeof(collapse_cases) / sizeof(collapse_cases[0]));
	suite_add_tcase(s, tc);
	return s;
}
