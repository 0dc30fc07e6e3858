// SPDX-License-Identifier: GPL-2.0-only
/*
 * The traced syscalls, one declarative line each: which argument goes where in an event.
 * Argument positions follow the kernel's prototypes (include/linux/syscalls.h).
 * fd/fd2 and path/path2 are positional: the first fd-like (or dirfd) argument, then the
 * second; the first string argument, then the second.
 */
#include "common/syscalls.h"

#include <string.h>

#define A1 IOR_ARG1
#define A2 IOR_ARG2
#define A3 IOR_ARG3
#define A4 IOR_ARG4
#define A5 IOR_ARG5
#define A6 IOR_ARG6
#define RET IOR_FROM_RET

#define SC(nm, c, ...) { .name = nm, .cls = IOR_CLASS_##c, __VA_ARGS__ }

static const struct ior_syscall_desc table[] = {
	/* open-like */
	SC("open", OPEN, .path = A1, .flags = A2, .aux = A3, .ret = IOR_RET_FD),
	SC("openat", OPEN, .fd = A1, .path = A2, .flags = A3, .aux = A4, .ret = IOR_RET_FD),
	SC("openat2", OPEN, .fd = A1, .path = A2, .flags = A3, .ret = IOR_RET_FD,
	   .special = IOR_SPECIAL_OPEN_HOW),
	SC("creat", OPEN, .path = A1, .aux = A2, .ret = IOR_RET_FD, .special = IOR_SPECIAL_CREAT),
	SC("open_by_handle_at", OPEN, .fd = A1, .flags = A3, .ret = IOR_RET_FD),
	SC("name_to_handle_at", STAT, .fd = A1, .path = A2, .flags = A5),
	SC("open_tree", OPEN, .fd = A1, .path = A2, .flags = A3, .ret = IOR_RET_FD),
	SC("open_tree_attr", OPEN, .fd = A1, .path = A2, .flags = A3, .ret = IOR_RET_FD),

	/* fd I/O */
	SC("read", READ, .fd = A1, .bytes = RET, .aux = A3, .ret = IOR_RET_BYTES),
	SC("write", WRITE, .fd = A1, .bytes = RET, .aux = A3, .ret = IOR_RET_BYTES),
	SC("pread64", READ, .fd = A1, .bytes = RET, .aux = A4, .ret = IOR_RET_BYTES),
	SC("pwrite64", WRITE, .fd = A1, .bytes = RET, .aux = A4, .ret = IOR_RET_BYTES),
	SC("readv", READ, .fd = A1, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("writev", WRITE, .fd = A1, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("preadv", READ, .fd = A1, .bytes = RET, .aux = A4, .ret = IOR_RET_BYTES),
	SC("pwritev", WRITE, .fd = A1, .bytes = RET, .aux = A4, .ret = IOR_RET_BYTES),
	SC("preadv2", READ, .fd = A1, .bytes = RET, .aux = A4, .flags = A6, .ret = IOR_RET_BYTES),
	SC("pwritev2", WRITE, .fd = A1, .bytes = RET, .aux = A4, .flags = A6, .ret = IOR_RET_BYTES),
	SC("lseek", SEEK, .fd = A1, .aux = A2, .flags = A3, .ret = IOR_RET_OFFSET),
	SC("fsync", SYNC, .fd = A1),
	SC("fdatasync", SYNC, .fd = A1),
	SC("syncfs", SYNC, .fd = A1),
	SC("sync", SYNC),
	SC("sync_file_range", SYNC, .fd = A1, .aux = A2, .bytes = A3, .flags = A4),
	SC("ftruncate", META, .fd = A1, .aux = A2),
	SC("fallocate", META, .fd = A1, .flags = A2, .aux = A3, .bytes = A4),
	SC("fadvise64", META, .fd = A1, .aux = A2, .bytes = A3, .flags = A4),
	SC("readahead", READ, .fd = A1, .aux = A2, .bytes = A3),
	SC("cachestat", STAT, .fd = A1),
	SC("getdents", READ, .fd = A1, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("getdents64", READ, .fd = A1, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("ioctl", IOCTL, .fd = A1, .flags = A2, .aux = A3, .ret = IOR_RET_VALUE),
	SC("flock", LOCK, .fd = A1, .flags = A2),
	SC("fstat", STAT, .fd = A1),
	SC("fstatfs", STAT, .fd = A1),
	SC("fchmod", META, .fd = A1, .aux = A2),
	SC("fchown", META, .fd = A1, .flags = A2, .aux = A3),
	SC("fchdir", DIR, .fd = A1),
	SC("fgetxattr", XATTR, .fd = A1, .path2 = A2, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("fsetxattr", XATTR, .fd = A1, .path2 = A2, .bytes = A4, .flags = A5),
	SC("flistxattr", XATTR, .fd = A1, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("fremovexattr", XATTR, .fd = A1, .path2 = A2),

	/* path only */
	SC("stat", STAT, .path = A1),
	SC("lstat", STAT, .path = A1),
	SC("newfstatat", STAT, .fd = A1, .path = A2, .flags = A4),
	SC("statx", STAT, .fd = A1, .path = A2, .flags = A3, .aux = A4),
	SC("statfs", STAT, .path = A1),
	SC("access", STAT, .path = A1, .aux = A2),
	SC("faccessat", STAT, .fd = A1, .path = A2, .aux = A3),
	SC("faccessat2", STAT, .fd = A1, .path = A2, .aux = A3, .flags = A4),
	SC("readlink", STAT, .path = A1, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("readlinkat", STAT, .fd = A1, .path = A2, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("mkdir", DIR, .path = A1, .aux = A2),
	SC("mkdirat", DIR, .fd = A1, .path = A2, .aux = A3),
	SC("rmdir", DIR, .path = A1),
	SC("chdir", DIR, .path = A1),
	SC("chroot", DIR, .path = A1),
	SC("getcwd", DIR, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("unlink", NAME, .path = A1),
	SC("unlinkat", NAME, .fd = A1, .path = A2, .flags = A3),
	SC("mknod", NAME, .path = A1, .aux = A2),
	SC("mknodat", NAME, .fd = A1, .path = A2, .aux = A3),
	SC("chmod", META, .path = A1, .aux = A2),
	SC("fchmodat", META, .fd = A1, .path = A2, .aux = A3),
	SC("fchmodat2", META, .fd = A1, .path = A2, .aux = A3, .flags = A4),
	SC("chown", META, .path = A1, .flags = A2, .aux = A3),
	SC("lchown", META, .path = A1, .flags = A2, .aux = A3),
	SC("fchownat", META, .fd = A1, .path = A2, .aux = A3, .flags = A5),
	SC("truncate", META, .path = A1, .aux = A2),
	SC("utime", META, .path = A1),
	SC("utimes", META, .path = A1),
	SC("futimesat", META, .fd = A1, .path = A2),
	SC("utimensat", META, .fd = A1, .path = A2, .flags = A4),
	SC("getxattr", XATTR, .path = A1, .path2 = A2, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("lgetxattr", XATTR, .path = A1, .path2 = A2, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("setxattr", XATTR, .path = A1, .path2 = A2, .bytes = A4, .flags = A5),
	SC("lsetxattr", XATTR, .path = A1, .path2 = A2, .bytes = A4, .flags = A5),
	SC("listxattr", XATTR, .path = A1, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("llistxattr", XATTR, .path = A1, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("removexattr", XATTR, .path = A1, .path2 = A2),
	SC("lremovexattr", XATTR, .path = A1, .path2 = A2),
	SC("getxattrat", XATTR, .fd = A1, .path = A2, .flags = A3, .path2 = A4, .bytes = RET,
	   .ret = IOR_RET_BYTES),
	SC("setxattrat", XATTR, .fd = A1, .path = A2, .flags = A3, .path2 = A4),
	SC("listxattrat", XATTR, .fd = A1, .path = A2, .flags = A3, .bytes = RET,
	   .ret = IOR_RET_BYTES),
	SC("removexattrat", XATTR, .fd = A1, .path = A2, .flags = A3, .path2 = A4),

	/* two names */
	SC("rename", NAME, .path = A1, .path2 = A2),
	SC("renameat", NAME, .fd = A1, .path = A2, .fd2 = A3, .path2 = A4),
	SC("renameat2", NAME, .fd = A1, .path = A2, .fd2 = A3, .path2 = A4, .flags = A5),
	SC("link", NAME, .path = A1, .path2 = A2),
	SC("linkat", NAME, .fd = A1, .path = A2, .fd2 = A3, .path2 = A4, .flags = A5),
	SC("symlink", NAME, .path = A1, .path2 = A2),
	SC("symlinkat", NAME, .path = A1, .fd2 = A2, .path2 = A3),

	/* fd lifecycle */
	SC("close", CLOSE, .fd = A1),
	SC("close_range", CLOSE, .fd = A1, .aux = A2, .flags = A3),
	SC("dup", DUP, .fd = A1, .ret = IOR_RET_FD),
	SC("dup2", DUP, .fd = A1, .fd2 = A2, .ret = IOR_RET_FD),
	SC("dup3", DUP, .fd = A1, .fd2 = A2, .flags = A3, .ret = IOR_RET_FD),
	SC("fcntl", DUP, .fd = A1, .flags = A2, .aux = A3, .ret = IOR_RET_VALUE),

	/* memory-mapped files */
	SC("mmap", MMAP, .fd = A5, .bytes = A2, .aux = A3, .flags = A4, .ret = IOR_RET_ADDR),
	SC("munmap", MMAP, .aux = A1, .bytes = A2),
	SC("msync", SYNC, .aux = A1, .bytes = A2, .flags = A3),

	/* fd to fd */
	SC("copy_file_range", TRANSFER, .fd = A1, .fd2 = A3, .bytes = RET, .flags = A6,
	   .ret = IOR_RET_BYTES),
	SC("sendfile", TRANSFER, .fd = A1, .fd2 = A2, .bytes = RET, .ret = IOR_RET_BYTES),
	SC("splice", TRANSFER, .fd = A1, .fd2 = A3, .bytes = RET, .flags = A6,
	   .ret = IOR_RET_BYTES),
	SC("tee", TRANSFER, .fd = A1, .fd2 = A2, .bytes = RET, .flags = A4, .ret = IOR_RET_BYTES),
	SC("vmsplice", TRANSFER, .fd = A1, .bytes = RET, .flags = A4, .ret = IOR_RET_BYTES),

	/* asynchronous I/O: count and latency of the submission calls */
	SC("io_uring_setup", ASYNC, .aux = A1, .ret = IOR_RET_FD),
	SC("io_uring_enter", ASYNC, .fd = A1, .aux = A2, .flags = A4, .ret = IOR_RET_VALUE),
	SC("io_uring_register", ASYNC, .fd = A1, .flags = A2, .ret = IOR_RET_VALUE),
	SC("io_setup", ASYNC, .aux = A1),
	SC("io_submit", ASYNC, .aux = A2, .ret = IOR_RET_VALUE),
	SC("io_getevents", ASYNC, .aux = A3, .ret = IOR_RET_VALUE),
	SC("io_pgetevents", ASYNC, .aux = A3, .ret = IOR_RET_VALUE),
	SC("io_cancel", ASYNC),
	SC("io_destroy", ASYNC),

	/* fds that are not files, named so that later events on them are not "unknown" */
	SC("pipe", FDNEW, .fd = A1, .special = IOR_SPECIAL_FD_PAIR),
	SC("pipe2", FDNEW, .fd = A1, .flags = A2, .special = IOR_SPECIAL_FD_PAIR),
	SC("socket", FDNEW, .aux = A1, .flags = A2, .ret = IOR_RET_FD),
	SC("socketpair", FDNEW, .aux = A1, .flags = A2, .fd = A4, .special = IOR_SPECIAL_FD_PAIR),
	SC("accept", FDNEW, .fd = A1, .ret = IOR_RET_FD),
	SC("accept4", FDNEW, .fd = A1, .flags = A4, .ret = IOR_RET_FD),
	SC("eventfd", FDNEW, .aux = A1, .ret = IOR_RET_FD),
	SC("eventfd2", FDNEW, .aux = A1, .flags = A2, .ret = IOR_RET_FD),
	SC("memfd_create", FDNEW, .path = A1, .flags = A2, .ret = IOR_RET_FD),
	SC("epoll_create", FDNEW, .ret = IOR_RET_FD),
	SC("epoll_create1", FDNEW, .flags = A1, .ret = IOR_RET_FD),
	SC("timerfd_create", FDNEW, .aux = A1, .flags = A2, .ret = IOR_RET_FD),
	SC("signalfd", FDNEW, .fd = A1, .ret = IOR_RET_FD),
	SC("signalfd4", FDNEW, .fd = A1, .flags = A4, .ret = IOR_RET_FD),
	SC("inotify_init", FDNEW, .ret = IOR_RET_FD),
	SC("inotify_init1", FDNEW, .flags = A1, .ret = IOR_RET_FD),
	SC("pidfd_open", FDNEW, .aux = A1, .flags = A2, .ret = IOR_RET_FD),
	SC("pidfd_getfd", FDNEW, .fd = A1, .aux = A2, .ret = IOR_RET_FD),
	SC("userfaultfd", FDNEW, .flags = A1, .ret = IOR_RET_FD),
	SC("fanotify_init", FDNEW, .flags = A1, .ret = IOR_RET_FD),
	SC("inotify_add_watch", STAT, .fd = A1, .path = A2, .aux = A3, .ret = IOR_RET_VALUE),
	SC("fanotify_mark", STAT, .fd = A1, .flags = A2, .fd2 = A4, .path = A5),
};

static const char *const class_names[IOR_CLASS_COUNT] = {
	[IOR_CLASS_OTHER] = "other",	   [IOR_CLASS_OPEN] = "open",
	[IOR_CLASS_CLOSE] = "close",	   [IOR_CLASS_READ] = "read",
	[IOR_CLASS_WRITE] = "write",	   [IOR_CLASS_TRANSFER] = "transfer",
	[IOR_CLASS_SEEK] = "seek",	   [IOR_CLASS_SYNC] = "sync",
	[IOR_CLASS_STAT] = "stat",	   [IOR_CLASS_META] = "meta",
	[IOR_CLASS_XATTR] = "xattr",	   [IOR_CLASS_DIR] = "dir",
	[IOR_CLASS_NAME] = "name",	   [IOR_CLASS_DUP] = "dup",
	[IOR_CLASS_MMAP] = "mmap",	   [IOR_CLASS_ASYNC] = "async",
	[IOR_CLASS_LOCK] = "lock",	   [IOR_CLASS_IOCTL] = "ioctl",
	[IOR_CLASS_FDNEW] = "fdnew",
};

const struct ior_syscall_desc *ior_syscalls(size_t *n)
{
	*n = sizeof(table) / sizeof(table[0]);
	return table;
}

const struct ior_syscall_desc *ior_syscall_find(const char *name)
{
	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)
		if (strcmp(table[i].name, name) == 0)
			return &table[i];
	return NULL;
}

const char *ior_class_name(enum ior_class cls)
{
	if ((unsigned)cls >= IOR_CLASS_COUNT)
		return "other";
	return class_names[cls];
}

int ior_class_from_name(const char *name)
{
	for (int i = 0; i < IOR_CLASS_COUNT; i++)
		if (strcmp(class_names[i], name) == 0)
			return i;
	return -1;
}
