/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The replay's processes and threads, rebuilt from a recording's lifecycle records
 * (fork/clone, exec, exit, comm changes) and its /proc snapshot, as the kernel keeps them:
 *
 *  - a task (thread, by tid) belongs to a process (thread group, by pid);
 *  - a process holds an fd table (shared with CLONE_FILES relatives), a filesystem
 *    context, cwd and root (shared with CLONE_FS relatives), and an address space's file
 *    mappings (shared with CLONE_VM relatives); its threads share all three.
 *
 * Lifecycle rules: fork copies what it does not share; exec unshares the fd table, closes
 * close-on-exec fds, starts an empty address space, and makes the thread that called it
 * the thread-group leader (its tid becomes the pid); exit drops a task, and the exit of
 * the last thread drops the process, so a reused pid or tid never inherits stale state.
 * Tasks and processes that appear in events without a fork or snapshot record (the
 * recording started late, or records were lost) are created on first use, with nothing
 * known about their fds or cwd.
 *
 * The /proc snapshot is written before events that were already in flight when it was
 * taken, so a lifecycle record older than the snapshot of the task it is about is stale
 * and ignored (the snapshot already shows its effect).
 *
 * Names (cwd, root, fd names) are ids of the replay's name table (an ior_intern,
 * common/hash.h); comm ids are the reader's string ids. Functions returning int return
 * 0 or -errno. Limitation: a thread made with CLONE_THREAD but without CLONE_FILES or
 * CLONE_FS (glibc never does this) shares its process's table and cwd here.
 */
#ifndef IOR_ANALYZER_PROCS_H
#define IOR_ANALYZER_PROCS_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzer/fdtable.h"
#include "analyzer/imap.h"
#include "analyzer/vmaps.h"
#include "format/ior_format.h"

/* Filesystem context: 0 = unknown. */
struct ior_fsctx {
	uint32_t refs;
	uint32_t cwd, root;
};

struct ior_rproc {
	uint32_t refs; /* its tasks, and the pid map while the process lives */
	uint32_t pid;
	uint32_t comm;	 /* the leader's comm (for threads first seen in an event) */
	int64_t snap_ns; /* time of the snapshot that described it, INT64_MIN when none */
	bool dead;	 /* its last thread exited: tasks still pointing here are stale */
	struct ior_fdtable *files;
	struct ior_fsctx *fs;
	struct ior_vmaps *mm;
};

struct ior_rtask {
	uint32_t tid;
	uint32_t comm;	  /* reader string id, 0 = unknown */
	int64_t last_end; /* end of this thread's previous event, INT64_MAX = none yet */
	int64_t snap_ns;
	struct ior_rproc *proc;
	uint32_t pid;	    /* proc's, here for ior_procs__task() */
	uint32_t comm_seen; /* for the replay: the comm id comm_str was looked up for */
	const char *comm_str;
};

/*
 * Tasks of recent lookups, by the low bits of the tid: a few threads take turns. Never
 * a task of a dead process (its exit forgets them): a new one takes its tid.
 */
#define IOR_PROCS_RECENT 8

struct ior_procs {
	struct ior_imap tasks; /* tid -> struct ior_rtask * */
	struct ior_imap procs; /* pid -> struct ior_rproc * (live thread groups) */
	struct ior_ofpool pool;
	uint64_t unseen;	/* processes first met in an event */
	struct ior_rtask *recent[IOR_PROCS_RECENT];
};

void ior_procs__init(struct ior_procs *ps);
void ior_procs__fini(struct ior_procs *ps);

struct ior_rtask *ior_procs__task_lookup(struct ior_procs *ps, uint32_t pid, uint32_t tid);

/*
 * The task tid of process pid, created (with its process) when unknown; NULL on ENOMEM.
 * Inline: the task of a recent lookup is the answer most of the time.
 */
static inline struct ior_rtask *ior_procs__task(struct ior_procs *ps, uint32_t pid,
						 uint32_t tid)
{
	struct ior_rtask *t = ps->recent[tid % IOR_PROCS_RECENT];

	if (t && t->tid == tid && t->pid == pid)
		return t;
	return ior_procs__task_lookup(ps, pid, tid);
}

/* The live process pid, or NULL. */
struct ior_rproc *ior_procs__proc(const struct ior_procs *ps, uint32_t pid);

/* Lifecycle records. cwd and root of a SNAP record are name ids (0 = unreadable). */
int ior_procs__snap(struct ior_procs *ps, const struct ior_proc *p, uint32_t cwd, uint32_t root);
int ior_procs__fork(struct ior_procs *ps, const struct ior_proc *p);
int ior_procs__exec(struct ior_procs *ps, const struct ior_proc *p);
int ior_procs__exit(struct ior_procs *ps, const struct ior_proc *p);
int ior_procs__comm(struct ior_procs *ps, const struct ior_proc *p);

/* Give the process its own fd table when it shares one (exec, CLOSE_RANGE_UNSHARE). */
int ior_procs__unshare_files(struct ior_procs *ps, struct ior_rproc *pr);

/* Set the cwd (which 0) or root (which 1) of pr to name id. */
void ior_procs__set_dir(struct ior_rproc *pr, int which, uint32_t name);

#endif /* IOR_ANALYZER_PROCS_H */
