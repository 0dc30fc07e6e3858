/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The /proc snapshot written at the start of a recording, before its first event: every
 * process in scope with its threads (comm), cwd, root, open fds (path as /proc shows
 * it, open flags with O_CLOEXEC) and file mappings, so that files opened or mapped before
 * the recording have names.
 * Run after the BPF programs are attached: a process born meanwhile is then seen by both
 * (its fork record follows the snapshot), never by neither.
 */
#ifndef IOR_RECORDER_SNAPSHOT_H
#define IOR_RECORDER_SNAPSHOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/ior_format.h"

struct ior_snapshot_opts {
	const char *proc;      /* procfs mount; NULL = "/proc" */
	uint32_t self;         /* never in scope */
	const uint32_t *pids;  /* -p: these processes and their descendants ... */
	size_t npids;
	const uint32_t *tids;  /* ... and -t: the processes holding these threads; */
	size_t ntids;          /* neither: every process (kernel threads left out) */
	const char *comm;      /* -c: only processes with a thread of this comm */
	/* Each process in scope, before its records are written (kernel filter seeding). */
	int (*on_proc)(uint32_t pid, void *ctx);
	/* --path seeding: each fd and cwd seen; NULL to skip. */
	int (*on_fd)(uint32_t pid, int fd, const char *path, void *ctx);
	int (*on_cwd)(uint32_t pid, const char *cwd, void *ctx);
	void *ctx;
};

/* File mappings written per process at most (a process may have 65530). */
#define IOR_SNAPSHOT_MAPS_MAX 8192

struct ior_snapshot_stats {
	unsigned int procs;    /* processes written */
	unsigned int tasks;    /* threads written */
	unsigned int fds;      /* fds written */
	unsigned int maps;     /* file mappings written */
	unsigned int maps_cut; /* file mappings left out past IOR_SNAPSHOT_MAPS_MAX */
};

/*
 * Write the snapshot records (IOR_PROC_SNAP per thread, IOR_PROC_FD per fd, IOR_PROC_MAP
 * per file mapping, consecutive segments of one file merged) stamped now.
 * A process that vanishes while being read is skipped. Returns 0 or -errno (a writer
 * or callback error, or /proc unreadable).
 */
int ior_snapshot__write(struct ior_writer *w, const struct ior_snapshot_opts *opts,
			int64_t now, struct ior_snapshot_stats *stats);

#endif
