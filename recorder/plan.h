/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The capture plan: common/syscalls.c's declarative table turned into what the BPF side
 * reads per syscall number (which argument is the fd, the path, ...), restricted to the
 * syscalls this kernel has and to the -e/-x selection plus the syscalls that name what an
 * fd, the cwd or a mapping is (opens and other fd makers, close, dup, fcntl, chdir,
 * chroot, mmap, munmap): without them every selected event's file would be "fd:N".
 */
#ifndef IOR_RECORDER_PLAN_H
#define IOR_RECORDER_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/ior_wire.h"

#define IOR_PLAN_EVENT_LEN 32

struct ior_plan {
	struct ior_wire_plan nr[IOR_WIRE_MAX_NR];
	/* tracepoint base name per number: syscalls/sys_enter_<event> */
	char event[IOR_WIRE_MAX_NR][IOR_PLAN_EVENT_LEN];
	/* highest argument position the plan reads (the tracepoint record must hold it) */
	unsigned char nargs[IOR_WIRE_MAX_NR];
	unsigned int count;   /* numbers switched on */
	unsigned int missing; /* selected syscalls this kernel does not have */
	/*
	 * The numbers -e/-x selected, when the plan records more than that (the syscalls
	 * that attributing files needs are always on): the header's selection. Ascending;
	 * nselected 0 when every recorded syscall was selected.
	 */
	uint32_t selected[IOR_WIRE_MAX_NR];
	unsigned int nselected;
};

struct ior_plan_opts {
	const char *include; /* -e: comma-separated extended regexes; NULL = every syscall */
	const char *exclude; /* -x: the same, removed from the selection */
	/*
	 * Writes the tracepoint base name of syscall name to buf; returns false when this
	 * kernel has no tracepoint for it. NULL: every syscall is taken as present.
	 */
	bool (*event)(const char *name, char *buf, size_t len, void *ctx);
	void *ctx;
};

/*
 * Fill plan. Each -e/-x regex must match (the whole name) at least one syscall ior
 * traces. Returns 0, or -EINVAL with a one-line reason in err (a bad or unmatched regex,
 * nothing left to trace).
 */
int ior_plan__build(struct ior_plan *plan, const struct ior_plan_opts *opts, char *err,
		    size_t errlen);

/* Whether the plan records syscall number nr. */
static inline bool ior_plan__on(const struct ior_plan *plan, unsigned int nr)
{
	return nr < IOR_WIRE_MAX_NR && plan->nr[nr].on;
}

#endif
