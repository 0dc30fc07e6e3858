/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * tracefs: where it is mounted, mounting it when it is not, and which syscall
 * tracepoints this kernel has (a syscall's event is not always named after it:
 * stat -> newstat, sendfile -> sendfile64).
 */
#ifndef IOR_RECORDER_TRACEFS_H
#define IOR_RECORDER_TRACEFS_H

#include <stdbool.h>
#include <stddef.h>

/*
 * The tracefs directory holding events/ (static storage), mounting tracefs on
 * /sys/kernel/tracing when no mount is found. NULL with errno set when that fails.
 */
const char *ior_tracefs__dir(void);

/*
 * The event base name X of syscalls/sys_enter_X for the syscall name under dir, written
 * to buf. Returns false when the kernel has no such tracepoint.
 */
bool ior_tracefs__syscall_event(const char *dir, const char *name, char *buf, size_t len);

#endif
