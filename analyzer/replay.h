/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Replay: turns a recording's records, in file order, into resolved events. It keeps
 * per-process state (comm, cwd, fd tables) from the lifecycle, snapshot and fd events,
 * so that every event can name its process and its file by absolute path.
 *
 * The state machine (analyzer/procs.h for processes, analyzer/fdtable.h for fds):
 *  - fds: open-likes, dup/dup2/dup3, fcntl F_DUPFD/F_DUPFD_CLOEXEC/F_SETFD/F_SETFL,
 *    close (which frees the fd even when it fails with anything but EBADF), close_range
 *    (CLOSE_RANGE_CLOEXEC, CLOSE_RANGE_UNSHARE), pipe/socket/eventfd/... (named as
 *    /proc shows them, with "?" for what a recording cannot know: "pipe:[?]"), memfd
 *    ("/memfd:NAME (deleted)"), pidfd_getfd, and the /proc snapshot's fds;
 *  - cwd and root: chdir/fchdir/chroot, cwd records, the snapshot; fork shares or copies
 *    them (CLONE_FS), exec keeps them;
 *  - mmap, and the snapshot's mappings, remember which file an address range maps, so
 *    munmap and msync name it.
 * Only successful calls change the state. Paths are resolved lexically against the cwd,
 * the dirfd or the root at that moment (analyzer/pathnorm.h; symlinks not followed).
 *
 * What an event gets in struct ior_revent:
 *  - path: the file the event is about: the path argument resolved to an absolute path;
 *    for an fd argument (or a dirfd with an empty or NULL path, as fstat through
 *    newfstatat(fd, "", AT_EMPTY_PATH) does), the fd's file; for munmap/msync the mapped
 *    file; for calls making a pipe, socket, ... the new object. Unresolvable: the path as
 *    recorded (relative, cut) or "fd:N" for an fd of unknown origin. NULL when none.
 *  - path2: the second path resolved the same way (rename, link: against fd2; symlink's
 *    linkpath), the file of fd2 for fd-to-fd transfers, or an xattr name as recorded.
 *    symlink's target (path) is content and stays as recorded.
 *  - resolved: path is exactly what the kernel would name: an absolute path, or the
 *    known kind of a non-file ("pipe:[?]", "socket:[?]", "anon_inode:[eventfd]").
 *  - kind: what path names (IOR_FD_KIND_NONE when path is NULL).
 *
 * Cost: a few hash lookups per event and no allocation in steady state. Memory follows the
 * live processes, fds and mappings, plus one copy of each distinct resolved name.
 */
#ifndef IOR_ANALYZER_REPLAY_H
#define IOR_ANALYZER_REPLAY_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzer/revent.h"
#include "format/ior_format.h"

struct ior_replay;

struct ior_replay_stats {
	uint64_t events;
	uint64_t fd_events;	   /* events whose file comes from an fd */
	uint64_t fd_resolved;	   /* ... of which the fd's path was known */
	uint64_t path_events;	   /* events with a path argument */
	uint64_t path_absolute;	   /* ... of which the path could be made absolute */
	int64_t first_ns, last_ns; /* start of the first, end of the last event (rel. to start) */
	uint64_t addr_events;	   /* munmap/msync events (they name a file by address) */
	uint64_t addr_resolved;	   /* ... whose address lies in a known file mapping */
	uint64_t procs_unseen;	   /* processes met first in an event: no fork, no snapshot */
	uint64_t open_files;	   /* open files alive at this point */
};

/* State for one recording read through r (borrowed; must outlive the replay). */
struct ior_replay *ior_replay__new(struct ior_reader *r);
void ior_replay__free(struct ior_replay *rp);

/*
 * Apply one record. For an event, fills *out (valid until the next call) and returns 1;
 * other records update the state and return 0. -ENOMEM on allocation failure (the state
 * may then miss that one record; the replay stays usable).
 */
int ior_replay__apply(struct ior_replay *rp, const struct ior_record *rec, struct ior_revent *out);

/* Apply one event, as ior_replay__apply() does a record of type IOR_REC_EVENT. */
int ior_replay__event(struct ior_replay *rp, const struct ior_event *ev, struct ior_revent *out);

void ior_replay__stats(const struct ior_replay *rp, struct ior_replay_stats *st);

/*
 * Whether events get their files (the default). Off, the replay keeps only processes,
 * comms, syscalls and times: reports that group by neither path nor dir and filter on
 * no path run several times faster. Events then have no path and fd stats stay 0.
 */
void ior_replay__set_paths(struct ior_replay *rp, bool on);

/* What the replay knows about one fd of a process at this point of the recording. */
struct ior_replay_fd {
	const char *name; /* NULL when the fd is open but its file is unknown */
	size_t name_len;
	enum ior_fd_kind kind;
	uint32_t flags; /* access and status flags (F_SETFL applied), without O_CLOEXEC */
	bool cloexec;
	bool resolved;
};

/*
 * Look up fd of process pid: 0 with *out filled (strings valid until ior_replay__free()),
 * -ESRCH when the process is not alive in the replay, -EBADF when fd is not open.
 */
int ior_replay__fd(const struct ior_replay *rp, uint32_t pid, int32_t fd,
		   struct ior_replay_fd *out);

/* The cwd (which 0) or root (which 1) of process pid, or NULL when unknown. */
const char *ior_replay__dir(const struct ior_replay *rp, uint32_t pid, int which);

/* Syscall name for nr from the recording, or "syscall_<nr>" (valid until the next call). */
const char *ior_replay__syscall_name(struct ior_replay *rp, uint32_t nr);

/*
 * For reports that need no process state (analyzer/agg.h, ior_fields__direct()): events
 * can skip the replay. ior_replay__skim() counts n events in the stats as replaying them
 * would. ior_replay__stateless() fills re with what needs no state (syscall, class,
 * times; comm "?", no file, gap 0); strings valid until the next call. The class of
 * syscall nr on the recording host.
 */
void ior_replay__skim(struct ior_replay *rp, const struct ior_event *ev, size_t n);
void ior_replay__stateless(struct ior_replay *rp, const struct ior_event *ev,
			   struct ior_revent *re);
enum ior_class ior_replay__class(const struct ior_replay *rp, uint32_t nr);

/* Add to rp's stats what ior_replay__skim() counted in other's (events and span). */
void ior_replay__merge_skimmed(struct ior_replay *rp, const struct ior_replay *other);

#endif /* IOR_ANALYZER_REPLAY_H */
