/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command of `ior-record -- COMMAND`: forked early and held before exec until the
 * recorder is ready, so that everything it does after exec is recorded and nothing it
 * does before (its setup) is.
 */
#ifndef IOR_RECORDER_CHILD_H
#define IOR_RECORDER_CHILD_H

#include <stdbool.h>
#include <sys/types.h>

struct ior_child {
	pid_t pid;
	int go_fd;    /* write end: release the child */
	int ready_fd; /* read end: a byte when set up, errno bytes if exec fails, EOF on exec */
	bool reaped;
	int status;   /* wait status once reaped */
};

/*
 * Fork argv (searched in PATH). The child moves its stdout to stderr when stdout_to_err
 * (the recording goes to stdout), then waits. Returns 0 once it waits, or -errno.
 */
int ior_child__start(struct ior_child *c, char *const argv[], bool stdout_to_err);

/*
 * Let the child exec. Returns 0 when exec succeeded, or the child's -errno of a failed
 * exec (the child then exits 127).
 */
int ior_child__release(struct ior_child *c);

/* Reap without blocking: 1 when it ended, 0 while it runs, -errno. */
int ior_child__poll(struct ior_child *c);

/* Reap, waiting. 0 or -errno. */
int ior_child__wait(struct ior_child *c);

/* A shell-like exit code of the reaped child: its status, or 128 + signal. */
int ior_child__exit_code(const struct ior_child *c);

/* Kill (if not reaped) and reap; for error paths before the run. */
void ior_child__abort(struct ior_child *c);

#endif
