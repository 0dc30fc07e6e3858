/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A resolved event: one recorded syscall with everything the reports need already
 * worked out (syscall name and class, comm, absolute paths, gap). Produced by the replay
 * of a recording (analyzer/replay.h) and consumed by filters, field extraction and every
 * report. Strings point into the reader or the replay state: valid until the next event.
 */
#ifndef IOR_ANALYZER_REVENT_H
#define IOR_ANALYZER_REVENT_H

#include <stddef.h>
#include <stdint.h>

#include "common/syscalls.h"
#include "format/ior_format.h"

/* What an fd refers to, as far as the replay knows. */
enum ior_fd_kind {
	IOR_FD_KIND_NONE = 0, /* the event has no fd */
	IOR_FD_KIND_UNKNOWN,  /* opened before the recording and not in a snapshot */
	IOR_FD_KIND_FILE,     /* a path on a filesystem (also directories, devices) */
	IOR_FD_KIND_PIPE,
	IOR_FD_KIND_SOCKET,
	IOR_FD_KIND_ANON,     /* anon_inode: eventfd, epoll, timerfd, signalfd, io_uring, ... */
	IOR_FD_KIND_MEMFD,
};

struct ior_revent {
	struct ior_event ev;
	const char *syscall;                 /* recording host's name, or "syscall_<nr>" */
	const struct ior_syscall_desc *desc; /* NULL when this build does not know it */
	enum ior_class cls;
	const char *comm;                    /* NUL-terminated; "?" when unknown */
	/*
	 * The file the event is about, absolute and normalised when it could be resolved,
	 * else as recorded ("fd:3", a relative path, "pipe:[123]", ...). May contain any
	 * byte except NUL-termination is guaranteed after path_len. NULL when none.
	 */
	const char *path;
	size_t path_len;
	const char *path2;                   /* second path (rename, link), or NULL */
	size_t path2_len;
	enum ior_fd_kind kind;               /* of ev.fd (or of the mapping munmap/msync name) */
	/*
	 * 1 when path names the file for sure: an absolute normalised path, or a known
	 * non-file named as /proc shows it ("pipe:[?]", "anon_inode:[eventfd]", ...).
	 */
	int resolved;
	uint64_t gap_ns;                     /* since this thread's previous event ended */
	int64_t rel_ns;                      /* start time relative to the recording start */
	/*
	 * Ids of comm and path in the tables of id_src (the replay that made the event), so
	 * that consumers can cache what they derive from the text: an id never changes its
	 * bytes (equal bytes may have several ids). 0: no id, use the text.
	 */
	const void *id_src;
	uint32_t comm_id, path_id;
};

#endif /* IOR_ANALYZER_REVENT_H */
