// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyzer/decode: names of errno values and flags. The portable table states the
 * expected text; on Linux the values are also checked against the C library's headers,
 * which the analyzer itself must not use.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "analyzer/buf.h"
#include "analyzer/decode.h"

#ifdef __linux__
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <unistd.h>
#endif

enum what { ERRNO, OPEN, AT, FCNTL, PROT, MAP, WHENCE, CLONE, CLOSE_RANGE, BY_SYSCALL };

static const struct {
	enum what what;
	uint64_t v;
	const char *syscall; /* BY_SYSCALL */
	const char *want;
} cases[] = {
    {ERRNO, 2, NULL, "ENOENT"},
    {ERRNO, (uint64_t)-13, NULL, "EACCES"},
    {ERRNO, 133, NULL, "EHWPOISON"},
    {ERRNO, 41, NULL, "E41"},
    {ERRNO, 512, NULL, "ERESTARTSYS"},
    {ERRNO, 524, NULL, "ENOTSUPP"},
    {ERRNO, 9999, NULL, "E9999"},
    {OPEN, 0, NULL, "O_RDONLY"},
    {OPEN, 02000000 | 0100, NULL, "O_RDONLY|O_CREAT|O_CLOEXEC"},
    {OPEN, 01 | 01000 | 0100, NULL, "O_WRONLY|O_CREAT|O_TRUNC"},
    {OPEN, 02 | 04010000, NULL, "O_RDWR|O_SYNC"},
    {OPEN, 010000, NULL, "O_RDONLY|O_DSYNC"},
    {OPEN, 02 | 020200000, NULL, "O_RDWR|O_TMPFILE"},
    {OPEN, 0200000 | 0400000, NULL, "O_RDONLY|O_DIRECTORY|O_NOFOLLOW"},
    {OPEN, 010000000 | 02000000, NULL, "O_RDONLY|O_CLOEXEC|O_PATH"},
    {OPEN, 3 | 0x40000000, NULL, "O_ACCMODE|0x40000000"},
    {AT, 0, NULL, "0"},
    {AT, 0x100, NULL, "AT_SYMLINK_NOFOLLOW"},
    {AT, 0x1000 | 0x100, NULL, "AT_SYMLINK_NOFOLLOW|AT_EMPTY_PATH"},
    {AT, 0x200, NULL, "AT_REMOVEDIR"},
    {AT, 0x200 | 0x80000000, NULL, "AT_REMOVEDIR|0x80000000"},
    {FCNTL, 1030, NULL, "F_DUPFD_CLOEXEC"},
    {FCNTL, 4, NULL, "F_SETFL"},
    {FCNTL, 999, NULL, "999"},
    {PROT, 0, NULL, "PROT_NONE"},
    {PROT, 3, NULL, "PROT_READ|PROT_WRITE"},
    {MAP, 0x22, NULL, "MAP_PRIVATE|MAP_ANONYMOUS"},
    {MAP, 0x1 | 0x8000, NULL, "MAP_SHARED|MAP_POPULATE"},
    {MAP, 0x3, NULL, "MAP_SHARED_VALIDATE"},
    {WHENCE, 2, NULL, "SEEK_END"},
    {WHENCE, 4, NULL, "SEEK_HOLE"},
    {WHENCE, 7, NULL, "7"},
    {CLONE, 0x01200000 | 17, NULL, "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD"},
    {CLONE, 0x3d0f00, NULL,
     "CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|"
     "CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID"},
    {CLONE, 0, NULL, "0"},
    {CLONE, 17, NULL, "SIGCHLD"},
    {CLONE, 0x100 | 70, NULL, "CLONE_VM|SIG70"},
    {CLOSE_RANGE, 4, NULL, "CLOSE_RANGE_CLOEXEC"},
    {CLOSE_RANGE, 6, NULL, "CLOSE_RANGE_UNSHARE|CLOSE_RANGE_CLOEXEC"},
    {BY_SYSCALL, 0100 | 02000000, "openat", "O_RDONLY|O_CREAT|O_CLOEXEC"},
    {BY_SYSCALL, 0x200, "unlinkat", "AT_REMOVEDIR"},
    {BY_SYSCALL, 0x200, "faccessat2", "AT_EACCESS"},
    {BY_SYSCALL, 0x200, "name_to_handle_at", "AT_HANDLE_FID"},
    {BY_SYSCALL, 0x1 | 02000000, "open_tree", "OPEN_TREE_CLONE|OPEN_TREE_CLOEXEC"},
    {BY_SYSCALL, 1, "lseek", "SEEK_CUR"},
    {BY_SYSCALL, 0x22, "mmap", "MAP_PRIVATE|MAP_ANONYMOUS"},
    {BY_SYSCALL, 0, "fcntl", "F_DUPFD"},
    {BY_SYSCALL, 2 | 4, "flock", "LOCK_EX|LOCK_NB"},
    {BY_SYSCALL, 1, "renameat2", "RENAME_NOREPLACE"},
    {BY_SYSCALL, 3, "fallocate", "FALLOC_FL_KEEP_SIZE|FALLOC_FL_PUNCH_HOLE"},
    {BY_SYSCALL, 4, "fadvise64", "POSIX_FADV_DONTNEED"},
    {BY_SYSCALL, 0x8, "preadv2", "RWF_NOWAIT"},
    {BY_SYSCALL, 02000000, "dup3", "O_CLOEXEC"},
    {BY_SYSCALL, 2, "setxattr", "XATTR_REPLACE"},
    {BY_SYSCALL, 4, "msync", "MS_SYNC"},
    {BY_SYSCALL, 1000, "chown", "1000"},
    {BY_SYSCALL, 0x5401, "ioctl", "0x5401"},
    {BY_SYSCALL, 0, "ioctl", "0"},
    {BY_SYSCALL, 0x10, "unknown_syscall", "0x10"},
};

static int decode(struct ior_buf *b, enum what w, uint64_t v, const char *sc)
{
	switch (w) {
	case ERRNO:
		return ior_decode_errno(b, (int64_t)v);
	case OPEN:
		return ior_decode_open_flags(b, v);
	case AT:
		return ior_decode_at_flags(b, v);
	case FCNTL:
		return ior_decode_fcntl_cmd(b, v);
	case PROT:
		return ior_decode_mmap_prot(b, v);
	case MAP:
		return ior_decode_mmap_flags(b, v);
	case WHENCE:
		return ior_decode_whence(b, v);
	case CLONE:
		return ior_decode_clone_flags(b, v);
	case CLOSE_RANGE:
		return ior_decode_close_range_flags(b, v);
	default:
		return ior_decode_flags(b, sc, v);
	}
}

START_TEST(test_decode_table)
{
	struct ior_buf b = IOR_BUF_INIT;

	ck_assert_int_eq(decode(&b, cases[_i].what, cases[_i].v, cases[_i].syscall), 0);
	ck_assert_msg(strcmp(ior_buf__str(&b), cases[_i].want) == 0,
		      "decode(kind %d, %s, %#llx) = \"%s\", want \"%s\"", cases[_i].what,
		      cases[_i].syscall ? cases[_i].syscall : "-", (unsigned long long)cases[_i].v,
		      ior_buf__str(&b), cases[_i].want);
	ior_buf__free(&b);
}
END_TEST

START_TEST(test_decode_dirfd_errno_names)
{
	struct ior_buf b = IOR_BUF_INIT;

	ior_decode_dirfd(&b, -100);
	ior_buf__addc(&b, ' ');
	ior_decode_dirfd(&b, 3);
	ior_buf__addc(&b, ' ');
	ior_decode_dirfd(&b, -1);
	ck_assert_str_eq(ior_buf__str(&b), "AT_FDCWD 3 -1");
	ior_buf__free(&b);
	ck_assert_int_eq(ior_errno_from_name("ENOENT"), 2);
	ck_assert_int_eq(ior_errno_from_name("EWOULDBLOCK"), 11);
	ck_assert_int_eq(ior_errno_from_name("ENOGRACE"), 531);
	ck_assert_int_eq(ior_errno_from_name("ENOPE"), -1);
	ck_assert_ptr_null(ior_errno_name(0));
	for (int e = 1; e < 600; e++) {
		const char *n = ior_errno_name(e);

		if (n)
			ck_assert_msg(ior_errno_from_name(n) == e, "%s round trip", n);
	}
}
END_TEST

#ifdef __linux__
/* The analyzer's constants against the C library's, name by name. */
#define V(w, x)                                                                                    \
	{                                                                                          \
		w, (uint64_t)(x), #x                                                               \
	}
static const struct {
	enum what what;
	uint64_t v;
	const char *name;
} libc[] = {
    V(ERRNO, EPERM),	       V(ERRNO, ENOENT),	 V(ERRNO, EINTR),
    V(ERRNO, EAGAIN),	       V(ERRNO, ENAMETOOLONG),	 V(ERRNO, ENOTEMPTY),
    V(ERRNO, ELOOP),	       V(ERRNO, ENODATA),	 V(ERRNO, EOVERFLOW),
    V(ERRNO, EILSEQ),	       V(ERRNO, EOPNOTSUPP),	 V(ERRNO, ECONNRESET),
    V(ERRNO, ETIMEDOUT),       V(ERRNO, ESTALE),	 V(ERRNO, EDQUOT),
    V(ERRNO, ECANCELED),       V(ERRNO, EOWNERDEAD),	 V(ERRNO, EHWPOISON),
    V(OPEN, O_WRONLY),	       V(OPEN, O_RDWR),		 V(OPEN, O_CREAT),
    V(OPEN, O_EXCL),	       V(OPEN, O_NOCTTY),	 V(OPEN, O_TRUNC),
    V(OPEN, O_APPEND),	       V(OPEN, O_NONBLOCK),	 V(OPEN, O_DSYNC),
    V(OPEN, O_SYNC),	       V(OPEN, O_DIRECT),	 V(OPEN, O_DIRECTORY),
    V(OPEN, O_NOFOLLOW),       V(OPEN, O_NOATIME),	 V(OPEN, O_CLOEXEC),
    V(OPEN, O_PATH),	       V(OPEN, O_TMPFILE),	 V(AT, AT_SYMLINK_NOFOLLOW),
    V(AT, AT_REMOVEDIR),       V(AT, AT_SYMLINK_FOLLOW), V(AT, AT_NO_AUTOMOUNT),
    V(AT, AT_EMPTY_PATH),      V(FCNTL, F_DUPFD),	 V(FCNTL, F_GETFL),
    V(FCNTL, F_SETLKW),	       V(FCNTL, F_OFD_SETLK),	 V(FCNTL, F_SETLEASE),
    V(FCNTL, F_DUPFD_CLOEXEC), V(FCNTL, F_SETPIPE_SZ),	 V(FCNTL, F_ADD_SEALS),
    V(PROT, PROT_READ),	       V(PROT, PROT_WRITE),	 V(PROT, PROT_EXEC),
    V(MAP, MAP_SHARED),	       V(MAP, MAP_PRIVATE),	 V(MAP, MAP_SHARED_VALIDATE),
    V(WHENCE, SEEK_SET),       V(WHENCE, SEEK_END),	 V(WHENCE, SEEK_DATA),
    V(WHENCE, SEEK_HOLE),      V(CLONE, CLONE_VM),	 V(CLONE, CLONE_FILES),
    V(CLONE, CLONE_THREAD),    V(CLONE, CLONE_NEWUSER),	 V(CLONE, CLONE_IO),
    V(CLONE, CLONE_PIDFD),     V(CLONE, SIGCHLD),
};

START_TEST(test_decode_matches_libc)
{
	struct ior_buf b = IOR_BUF_INIT;
	const char *name = libc[_i].name;
	uint64_t v = libc[_i].v;

	if (libc[_i].what == OPEN && v > 3)
		v |= O_RDWR; /* show a bit next to an access mode */
	ck_assert_int_eq(decode(&b, libc[_i].what, v, NULL), 0);
	ck_assert_msg(strstr(ior_buf__str(&b), name) != NULL, "%s (%#llx) decodes as \"%s\"", name,
		      (unsigned long long)libc[_i].v, ior_buf__str(&b));
	ior_buf__free(&b);
}
END_TEST

#ifdef __GLIBC__
START_TEST(test_decode_errno_vs_glibc)
{
	for (int e = 1; e < 134; e++) {
		const char *ours = ior_errno_name(e), *theirs = strerrorname_np(e);

		if (!theirs)
			continue;
		ck_assert_msg(ours && strcmp(ours, theirs) == 0, "errno %d: ours %s, glibc %s", e,
			      ours ? ours : "(none)", theirs);
	}
}
END_TEST
#endif
#endif

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *tc = tcase_create("decode");

	tcase_add_loop_test(tc, test_decode_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(tc, test_decode_dirfd_errno_names);
#ifdef __linux__
	tcase_add_loop_test(tc, test_decode_matches_libc, 0, sizeof(libc) / sizeof(libc[0]));
#ifdef __GLIBC__
	tcase_add_test(tc, test_decode_errno_vs_glibc);
#endif
#endif
	suite_add_tcase(s, tc);
	return s;
}
