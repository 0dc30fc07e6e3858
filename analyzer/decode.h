/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Human names for the numbers a recording holds: errno values, open/AT/mmap/... flags,
 * fcntl commands, lseek whence, clone flags. Values are Linux's (x86_64 and the
 * asm-generic ABI, which agree for everything here); they are written as constants so
 * the analyzer builds anywhere, a Mac included.
 *
 * Bit sets are written NAME|NAME in a fixed order (ascending bit value; for open flags
 * the access mode first), with bits no name covers appended as one hex number
 * ("O_RDONLY|0x40000000"). A value with no set bit is "0" unless the kind has a name for
 * it (O_RDONLY, PROT_NONE). Enumerations print their name or the decimal number.
 * All ior_decode_* functions append to b and return 0 or -ENOMEM.
 */
#ifndef IOR_ANALYZER_DECODE_H
#define IOR_ANALYZER_DECODE_H

#include <stdint.h>

#include "analyzer/buf.h"

/* Linux's AT_FDCWD: the dirfd value meaning "the current directory". */
#define IOR_AT_FDCWD (-100)

/* "ENOENT" for 2, also the kernel-internal 512..531 (ERESTARTSYS, ...); NULL if unknown. */
const char *ior_errno_name(int64_t err);

/* The errno value named name ("ENOENT", also "EWOULDBLOCK", "EDEADLOCK"), or -1. */
int ior_errno_from_name(const char *name);

/* err (positive or negative) as its name, or "E<N>" for a number with none. */
int ior_decode_errno(struct ior_buf *b, int64_t err);

int ior_decode_open_flags(struct ior_buf *b, uint64_t flags);
/* AT_* flags; 0x200 as AT_REMOVEDIR (see ior_decode_flags() for AT_EACCESS). */
int ior_decode_at_flags(struct ior_buf *b, uint64_t flags);
/* A dirfd or fd argument: "AT_FDCWD" for -100, else the number. */
int ior_decode_dirfd(struct ior_buf *b, int64_t fd);
int ior_decode_fcntl_cmd(struct ior_buf *b, uint64_t cmd);
int ior_decode_mmap_prot(struct ior_buf *b, uint64_t prot);
int ior_decode_mmap_flags(struct ior_buf *b, uint64_t flags);
int ior_decode_whence(struct ior_buf *b, uint64_t whence);
/* clone/clone3 flags; the low byte (exit signal) as "SIGCHLD" or "SIG<n>". */
int ior_decode_clone_flags(struct ior_buf *b, uint64_t flags);
int ior_decode_close_range_flags(struct ior_buf *b, uint64_t flags);

/* What the flags value (struct ior_event.flags) of a syscall means. */
enum ior_flags_kind {
	IOR_FLAGS_HEX = 0, /* unknown meaning: hex */
	IOR_FLAGS_DEC,	   /* a number (ioctl-like opcodes, uids): decimal */
	IOR_FLAGS_OPEN,
	IOR_FLAGS_AT,
	IOR_FLAGS_AT_ACCESS, /* faccessat2: 0x200 is AT_EACCESS */
	IOR_FLAGS_AT_HANDLE, /* name_to_handle_at: 0x200 is AT_HANDLE_FID */
	IOR_FLAGS_OPEN_TREE,
	IOR_FLAGS_FCNTL,
	IOR_FLAGS_MMAP,
	IOR_FLAGS_WHENCE,
	IOR_FLAGS_CLOSE_RANGE,
	IOR_FLAGS_FLOCK,
	IOR_FLAGS_RENAME,
	IOR_FLAGS_FALLOC,
	IOR_FLAGS_FADVISE,
	IOR_FLAGS_RWF,
	IOR_FLAGS_XATTR,
	IOR_FLAGS_SYNC_FILE_RANGE,
	IOR_FLAGS_MSYNC,
	IOR_FLAGS_SPLICE,
	IOR_FLAGS_NEWFD, /* pipe2, dup3, eventfd2, accept4, ...: O_CLOEXEC, O_NONBLOCK */
	IOR_FLAGS_IORING_ENTER,
	IOR_FLAGS_KIND_COUNT
};

/*
 * The kind for a syscall name (the recording's plain kernel name). A linear scan of a
 * small table: callers decoding many events cache it per syscall number.
 */
enum ior_flags_kind ior_flags_kind(const char *syscall);

int ior_decode_flags_kind(struct ior_buf *b, enum ior_flags_kind kind, uint64_t flags);

/* ior_decode_flags_kind(b, ior_flags_kind(syscall), flags). */
int ior_decode_flags(struct ior_buf *b, const char *syscall, uint64_t flags);

#endif /* IOR_ANALYZER_DECODE_H */
