/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Records shared by the BPF programs (bpf/ior.bpf.c) and the recorder (recorder/).
 *
 * Everything here crosses the kernel/user boundary through a ring buffer or a map, so
 * every field is fixed-width, padding is explicit and there are no pointers. Both sides
 * include this file; a change to a layout needs both rebuilt (they always are: the BPF
 * object is embedded in ior-record).
 */
#ifndef IOR_BPF_WIRE_H
#define IOR_BPF_WIRE_H

#ifndef __VMLINUX_H__
#include <linux/types.h>
#endif

/* Syscall numbers the capture plan covers: x86_64 and arm64 stay below 512. */
#define IOR_WIRE_MAX_NR 512

/*
 * Longest string kept per path argument. The kernel refuses names of PATH_MAX (4096)
 * bytes or more, so a longer string can only belong to a failed call; it is cut here and
 * flagged truncated. The BPF side reads one byte more than this to notice.
 */
#define IOR_WIRE_PATH_MAX 4096

#define IOR_WIRE_COMM_LEN 16

/* --path PREFIX longest prefix accepted. */
#define IOR_WIRE_PREFIX_MAX 256

/* Record types: the first __u16 of every ring-buffer record. */
enum ior_wire_type {
	IOR_WIRE_EVENT = 1,
	IOR_WIRE_PROC = 2,
};

/*
 * str_flags bits. The low four have the values of format/ior_format.h's IOR_STR_*; the
 * SET bits tell a string that was read (possibly "") from a NULL pointer. ENTRY_UNSEEN:
 * the call was in flight when its task came into scope (IOR_EV_ENTRY_UNSEEN).
 */
enum ior_wire_str {
	IOR_WIRE_PATH_TRUNC = 1u << 0,
	IOR_WIRE_PATH_BAD = 1u << 1,
	IOR_WIRE_PATH2_TRUNC = 1u << 2,
	IOR_WIRE_PATH2_BAD = 1u << 3,
	IOR_WIRE_PATH_SET = 1u << 4,
	IOR_WIRE_PATH2_SET = 1u << 5,
	IOR_WIRE_ENTRY_UNSEEN = 1u << 6,
};

#define IOR_WIRE_STR_MASK 0xfu

/*
 * One completed syscall. path_len bytes of path (no NUL) follow the struct, then
 * path2_len bytes of path2. Fixed-size records (no strings) are reserved in place.
 */
struct ior_wire_event {
	__u16 type;       /* IOR_WIRE_EVENT */
	__u16 str_flags;  /* enum ior_wire_str */
	__u16 path_len;
	__u16 path2_len;
	__u32 pid;        /* thread-group id */
	__u32 tid;
	__u32 nr;         /* syscall number */
	__s32 fd;         /* IOR_WIRE_FD_NONE when the plan has none */
	__s32 fd2;
	__u32 pad;
	__u64 start_ns;   /* bpf_ktime_get_ns() at entry (CLOCK_MONOTONIC) */
	__u64 dur_ns;
	__s64 ret;
	__u64 bytes;
	__u64 flags;
	__u64 aux;
};

/* fd/fd2 value for "no such argument" (format's IOR_FD_NONE). */
#define IOR_WIRE_FD_NONE ((__s32)0x80000000)

/* Lifecycle kinds: the same values as format/ior_format.h's enum ior_proc_kind. */
enum ior_wire_proc_kind {
	IOR_WIRE_FORK = 1,
	IOR_WIRE_EXEC = 2,
	IOR_WIRE_EXIT = 3,
	IOR_WIRE_COMM = 4,
	IOR_WIRE_CWD = 7,
};

/*
 * A lifecycle record. path_len bytes follow: the exec filename, or the new cwd/root of
 * IOR_WIRE_CWD (code 0 = cwd, 1 = root).
 */
struct ior_wire_proc {
	__u16 type;       /* IOR_WIRE_PROC */
	__u16 kind;       /* enum ior_wire_proc_kind */
	__u16 path_len;
	__u16 str_flags;  /* IOR_WIRE_PATH_TRUNC / IOR_WIRE_PATH_BAD */
	__u32 pid, tid;   /* the task the record is about */
	__u32 ppid, ptid; /* FORK: the parent */
	__u64 time_ns;
	__u64 clone_flags;
	__s64 code;       /* EXIT: exit_code (wait status); EXEC: old tid; CWD: 0 cwd, 1 root */
	char comm[IOR_WIRE_COMM_LEN];
};

/* What to capture for one syscall number. Argument positions as in common/syscalls.h. */
enum ior_wire_special {
	IOR_WIRE_SPECIAL_NONE = 0,
	IOR_WIRE_SPECIAL_OPEN_HOW = 1, /* flags and mode from struct open_how */
	IOR_WIRE_SPECIAL_FD_PAIR = 2,  /* fd and fd2 from the int[2] the call filled */
	IOR_WIRE_SPECIAL_CREAT = 3,    /* flags are O_CREAT|O_WRONLY|O_TRUNC */
};

/* Roles a syscall plays for the in-kernel --path filter's fd set. */
enum ior_wire_role {
	IOR_WIRE_ROLE_NONE = 0,
	IOR_WIRE_ROLE_NEWFD = 1, /* returns a new fd (open-like, socket, ...) */
	IOR_WIRE_ROLE_CLOSE = 2, /* closes fd */
	IOR_WIRE_ROLE_DUP = 3,   /* the return value is a copy of fd (dup*, fcntl F_DUPFD*) */
	IOR_WIRE_ROLE_CWD = 4,   /* chdir/fchdir: report the new cwd */
	IOR_WIRE_ROLE_ROOT = 5,  /* chroot: report the new root */
	IOR_WIRE_ROLE_FCNTL = 6, /* like DUP when the command is F_DUPFD or F_DUPFD_CLOEXEC */
};

#define IOR_WIRE_ARG_RET 7

struct ior_wire_plan {
	__u8 on;          /* record this syscall */
	__u8 special;     /* enum ior_wire_special */
	__u8 role;        /* enum ior_wire_role */
	__u8 fd, fd2;     /* 1-based argument positions, 0 = none */
	__u8 path, path2;
	__u8 flags, aux;
	__u8 bytes;       /* argument position or IOR_WIRE_ARG_RET */
	__u8 pad[6];
};

/* Per-CPU counters, summed by the recorder. */
struct ior_wire_stats {
	__u64 lost_events;   /* ring buffer full: events dropped */
	__u64 lost_procs;    /* ring buffer full: lifecycle records dropped */
	__u64 orphan_exits;  /* exits whose entry was not seen: recorded from the start */
	__u64 wakeups;       /* forced consumer wake-ups (fill threshold crossed) */
	__u64 filtered;      /* entries dropped by the pid/tid/comm filters */
	__u64 path_filtered; /* exits dropped by the --path filter */
	__u64 wake_ns;       /* BPF-internal: time of this CPU's last forced wake-up */
	__u64 pad;
};

/* Key of the --path filter's set of fds known to name a matching file. */
struct ior_wire_fdkey {
	__u32 tgid;
	__s32 fd;
};

#endif /* IOR_BPF_WIRE_H */
