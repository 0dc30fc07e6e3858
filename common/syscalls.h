/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What ior knows about each traced syscall, keyed by its plain kernel name.
 *
 * The recorder turns this table into the per-number capture plan it hands to BPF (which
 * argument is the fd, which the path, ...); the analyzer uses it to name classes and to
 * interpret fields. Numbers never appear here: a recording carries its host's
 * number -> name table, and the analyzer maps names, never build-host numbers.
 */
#ifndef IOR_COMMON_SYSCALLS_H
#define IOR_COMMON_SYSCALLS_H

#include <stddef.h>
#include <stdint.h>

enum ior_class {
	IOR_CLASS_OTHER = 0,
	IOR_CLASS_OPEN,
	IOR_CLASS_CLOSE,
	IOR_CLASS_READ,
	IOR_CLASS_WRITE,
	IOR_CLASS_TRANSFER, /* fd to fd: copy_file_range, sendfile, splice, tee */
	IOR_CLASS_SEEK,
	IOR_CLASS_SYNC,
	IOR_CLASS_STAT,     /* stat family, access, statfs, readlink */
	IOR_CLASS_META,     /* chmod, chown, truncate, fallocate, utimes, fadvise */
	IOR_CLASS_XATTR,
	IOR_CLASS_DIR,      /* mkdir, rmdir, getdents, chdir, chroot */
	IOR_CLASS_NAME,     /* rename, link, symlink, unlink, mknod */
	IOR_CLASS_DUP,      /* dup*, fcntl */
	IOR_CLASS_MMAP,
	IOR_CLASS_ASYNC,    /* io_uring, Linux AIO */
	IOR_CLASS_LOCK,
	IOR_CLASS_IOCTL,
	IOR_CLASS_FDNEW,    /* fds that are not files: pipe, socket, eventfd, ... */
	IOR_CLASS_COUNT
};

/* Argument positions are 1-based so that 0 in a designated initialiser means "none". */
enum ior_arg {
	IOR_ARG_NONE = 0,
	IOR_ARG1 = 1, IOR_ARG2, IOR_ARG3, IOR_ARG4, IOR_ARG5, IOR_ARG6,
	IOR_FROM_RET = 7, /* bytes: the non-negative return value */
};

/* What the return value means (for the analyzer's fd tables and the dump). */
enum ior_ret_kind {
	IOR_RET_STATUS = 0, /* 0 or -errno */
	IOR_RET_FD,         /* a new fd */
	IOR_RET_BYTES,      /* a byte count */
	IOR_RET_OFFSET,     /* a file offset (lseek) */
	IOR_RET_ADDR,       /* an address (mmap) */
	IOR_RET_VALUE,      /* anything else (fcntl F_GETFL, ioctl, io_uring_enter, ...) */
};

/* Capture needing more than copying an argument. */
enum ior_special {
	IOR_SPECIAL_NONE = 0,
	IOR_SPECIAL_OPEN_HOW, /* openat2: flags and mode from struct open_how at the flags arg */
	IOR_SPECIAL_FD_PAIR,  /* pipe/pipe2/socketpair: the two new fds from int[2] at fd arg */
	IOR_SPECIAL_CREAT,    /* creat: flags are O_CREAT|O_WRONLY|O_TRUNC by definition */
};

struct ior_syscall_desc {
	const char *name;
	uint8_t cls;     /* enum ior_class */
	uint8_t fd;      /* enum ior_arg: fd or dirfd -> event.fd */
	uint8_t fd2;     /* second fd or dirfd -> event.fd2 */
	uint8_t path;    /* user string -> event.path */
	uint8_t path2;   /* second user string (second path, xattr name) -> event.path2 */
	uint8_t flags;   /* -> event.flags */
	uint8_t aux;     /* -> event.aux */
	uint8_t bytes;   /* -> event.bytes (an argument or IOR_FROM_RET) */
	uint8_t ret;     /* enum ior_ret_kind */
	uint8_t special; /* enum ior_special */
};

/* All syscalls ior can trace, in a fixed order; n set to their number. */
const struct ior_syscall_desc *ior_syscalls(size_t *n);

/* The descriptor for name, or NULL when ior does not trace it. */
const struct ior_syscall_desc *ior_syscall_find(const char *name);

/* "read", "open", ...; "other" for an out-of-range value. */
const char *ior_class_name(enum ior_class cls);

/* The class named name, or -1. */
int ior_class_from_name(const char *name);

#endif /* IOR_COMMON_SYSCALLS_H */
