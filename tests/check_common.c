// SPDX-License-Identifier: GPL-2.0-only
/* common/: number parsing, the syscall table, interning and the u64 map. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/hash.h"
#include "common/parse.h"
#include "common/syscalls.h"

static const struct {
	const char *in;
	int err;
	uint64_t want;
} size_cases[] = {
	{ "0", 0, 0 },	       { "4096", 0, 4096 },	{ "64K", 0, 65536 },
	{ "64M", 0, 64ull << 20 }, { "1G", 0, 1ull << 30 }, { "2GiB", 0, 2ull << 30 },
	{ "1kb", 0, 1024 },    { "10abc", -EINVAL, 0 }, { "", -EINVAL, 0 },
	{ "-1", -EINVAL, 0 },  { "M", -EINVAL, 0 },	{ "99999999999T", -ERANGE, 0 },
	{ " 5", -EINVAL, 0 },  { "5 ", -EINVAL, 0 },
};

START_TEST(test_parse_size)
{
	uint64_t v = 12345;
	int err = ior_parse_size(size_cases[_i].in, &v);

	ck_assert_msg(err == size_cases[_i].err, "ior_parse_size(\"%s\") = %d, want %d",
		      size_cases[_i].in, err, size_cases[_i].err);
	if (!err)
		ck_assert_msg(v == size_cases[_i].want, "ior_parse_size(\"%s\") gave %llu",
			      size_cases[_i].in, (unsigned long long)v);
}
END_TEST

static const struct {
	const char *in;
	uint64_t unit;
	int err;
	uint64_t want;
} dur_cases[] = {
	{ "10", 1000000000ull, 0, 10000000000ull }, { "1.5", 1000000000ull, 0, 1500000000ull },
	{ "250ms", 1, 0, 250000000ull },	      { "3us", 1, 0, 3000 },
	{ "7ns", 1000, 0, 7 },			      { "2m", 1, 0, 120000000000ull },
	{ "1h", 1, 0, 3600000000000ull },	      { "10abc", 1, -EINVAL, 0 },
	{ "-1", 1, -EINVAL, 0 },		      { "", 1, -EINVAL, 0 },
	{ "1e30", 1000000000ull, -ERANGE, 0 },	      { "nan", 1, -EINVAL, 0 },
};

START_TEST(test_parse_duration)
{
	uint64_t v = 0;
	int err = ior_parse_duration(dur_cases[_i].in, dur_cases[_i].unit, &v);

	ck_assert_msg(err == dur_cases[_i].err, "ior_parse_duration(\"%s\") = %d, want %d",
		      dur_cases[_i].in, err, dur_cases[_i].err);
	if (!err)
		ck_assert_msg(v == dur_cases[_i].want, "ior_parse_duration(\"%s\") gave %llu",
			      dur_cases[_i].in, (unsigned long long)v);
}
END_TEST

START_TEST(test_parse_int)
{
	int v;

	ck_assert_int_eq(ior_parse_int("42", 0, 100, &v), 0);
	ck_assert_int_eq(v, 42);
	ck_assert_int_eq(ior_parse_int("101", 0, 100, &v), -ERANGE);
	ck_assert_int_eq(ior_parse_int("4x", 0, 100, &v), -EINVAL);
	ck_assert_int_eq(ior_parse_int("-5", -10, 10, &v), 0);
	ck_assert_int_eq(v, -5);
}
END_TEST

START_TEST(test_syscall_table)
{
	size_t n;
	const struct ior_syscall_desc *t = ior_syscalls(&n);
	/* The minimum coverage; each must be in the table. */
	static const char *const must[] = {
		"open", "openat", "openat2", "creat", "open_by_handle_at", "name_to_handle_at",
		"read", "write", "pread64", "pwrite64", "readv", "writev", "preadv", "pwritev",
		"preadv2", "pwritev2", "lseek", "fsync", "fdatasync", "syncfs", "sync_file_range",
		"ftruncate", "fallocate", "fadvise64", "readahead", "getdents64", "ioctl", "flock",
		"fstat", "fstatfs", "fchmod", "fchown", "fchdir", "fgetxattr", "fsetxattr",
		"flistxattr", "fremovexattr", "stat", "lstat", "newfstatat", "statx", "access",
		"faccessat", "faccessat2", "mkdir", "mkdirat", "rmdir", "unlink", "unlinkat",
		"chmod", "fchmodat", "chown", "lchown", "fchownat", "truncate", "readlink",
		"readlinkat", "utimensat", "chdir", "chroot", "mknod", "mknodat", "setxattr",
		"getxattr", "listxattr", "removexattr", "lsetxattr", "lgetxattr", "llistxattr",
		"lremovexattr", "rename", "renameat", "renameat2", "link", "linkat", "symlink",
		"symlinkat", "close", "close_range", "dup", "dup2", "dup3", "fcntl", "mmap",
		"munmap", "msync", "copy_file_range", "sendfile", "splice", "tee",
		"io_uring_setup", "io_uring_enter", "io_uring_register", "io_setup", "io_submit",
		"io_getevents", "io_cancel", "io_destroy", "sync", "pipe", "pipe2", "socket",
		"accept", "accept4", "socketpair", "eventfd2", "memfd_create", "epoll_create1",
		"timerfd_create", "signalfd4",
	};

	for (size_t i = 0; i < sizeof(must) / sizeof(must[0]); i++)
		ck_assert_msg(ior_syscall_find(must[i]), "syscall '%s' missing from the table",
			      must[i]);
	for (size_t i = 0; i < n; i++) {
		ck_assert_msg(t[i].cls < IOR_CLASS_COUNT, "%s: bad class", t[i].name);
		ck_assert_msg(t[i].fd <= IOR_ARG6 && t[i].fd2 <= IOR_ARG6 &&
				      t[i].path <= IOR_ARG6 && t[i].path2 <= IOR_ARG6,
			      "%s: bad argument position", t[i].name);
		ck_assert_msg(ior_syscall_find(t[i].name) == &t[i], "%s listed twice", t[i].name);
	}
	ck_assert_str_eq(ior_class_name(IOR_CLASS_READ), "read");
	ck_assert_int_eq(ior_class_from_name("sync"), IOR_CLASS_SYNC);
	ck_assert_int_eq(ior_class_from_name("nope"), -1);
}
END_TEST

START_TEST(test_intern)
{
	struct ior_intern *in = ior_intern__new();
	char buf[32];
	size_t len;
	bool added;

	ck_assert_ptr_nonnull(in);
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(buf, sizeof(buf), "/p/%d", i);

		ck_assert_uint_eq(ior_intern__get(in, buf, (size_t)n, &added), (unsigned)i + 1);
		ck_assert(added);
	}
	ck_assert_uint_eq(ior_intern__get(in, "/p/77", 5, &added), 78);
	ck_assert(!added);
	ck_assert_uint_eq(ior_intern__lookup(in, "/p/nope", 7), 0);
	/* empty and binary strings are strings too */
	uint32_t e = ior_intern__get(in, "", 0, NULL);
	uint32_t b = ior_intern__get(in, "a\0b\xff", 4, NULL);

	ck_assert_uint_ne(e, b);
	ck_assert_uint_eq(ior_intern__get(in, "a\0b\xff", 4, NULL), b);
	ck_assert_int_eq(memcmp(ior_intern__str(in, b, &len), "a\0b\xff", 4), 0);
	ck_assert_uint_eq(len, 4);
	/* strings never move: a pointer handed out survives later growth */
	const char *p77 = ior_intern__str(in, 78, NULL);
	static char big[70000];

	memset(big, 'x', sizeof(big));
	ck_assert_uint_ne(ior_intern__get(in, big, sizeof(big), NULL), 0);
	for (int i = 0; i < 20000; i++) {
		int n = snprintf(buf, sizeof(buf), "/q/%d", i);

		ck_assert_uint_ne(ior_intern__get(in, buf, (size_t)n, NULL), 0);
	}
	ck_assert_ptr_eq(ior_intern__str(in, 78, NULL), p77);
	ck_assert_str_eq(p77, "/p/77");
	ck_assert_uint_ge(ior_intern__bytes(in), sizeof(big));
	ck_assert_ptr_null(ior_intern__str(in, 0, &len));
	ck_assert_ptr_null(ior_intern__str(in, ior_intern__count(in) + 1, &len));
	ior_intern__free(in);
	ior_intern__free(NULL);
}
END_TEST

START_TEST(test_u64map)
{
	struct ior_u64map m = { 0 };

	for (uint64_t k = 0; k < 50000; k++)
		*ior_u64map__slot(&m, k * 7919) += k;
	for (uint64_t k = 0; k < 50000; k++) {
		uint64_t *v = ior_u64map__find(&m, k * 7919);

		ck_assert_ptr_nonnull(v);
		ck_assert_uint_eq(*v, k);
	}
	ck_assert_ptr_null(ior_u64map__find(&m, 3));
	ck_assert_uint_eq(m.count, 50000);
	ior_u64map__free(&m);
}
END_TEST

Suite *common_suite(void)
{
	Suite *s = suite_create("common");
	TCase *tc = tcase_create("common");

	tcase_add_loop_test(tc, test_parse_size, 0, sizeof(size_cases) / sizeof(size_cases[0]));
	tcase_add_loop_test(tc, test_parse_duration, 0, sizeof(dur_cases) / sizeof(dur_cases[0]));
	tcase_add_test(tc, test_parse_int);
	tcase_add_test(tc, test_syscall_table);
	tcase_add_test(tc, test_intern);
	tcase_add_test(tc, test_u64map);
	suite_add_tcase(s, tc);
	return s;
}
