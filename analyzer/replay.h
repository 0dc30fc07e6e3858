/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Replay: turns a recording's records, in file order, into resolved events. It keeps
 * per-process state (comm, cwd, fd tables) from the lifecycle, snapshot and fd events,
 * so that every event can name its process and its file by absolute path.
 */
#ifndef IOR_ANALYZER_REPLAY_H
#define IOR_ANALYZER_REPLAY_H

#include <stdint.h>

#include "analyzer/revent.h"
#include "format/ior_format.h"

struct ior_replay;

struct ior_replay_stats {
	uint64_t events;
	uint64_t fd_events;       /* events whose file comes from an fd */
	uint64_t fd_resolved;     /* ... of which the fd's path was known */
	uint64_t path_events;     /* events with a path argument */
	uint64_t path_absolute;   /* ... of which the path could be made absolute */
	int64_t first_ns, last_ns; /* start of the first, end of the last event (rel. to start) */
};

/* State for one recording read through r (borrowed; must outlive the replay). */
struct ior_replay *ior_replay__new(struct ior_reader *r);
void ior_replay__free(struct ior_replay *rp);

/*
 * Apply one record. For an event, fills *out (valid until the next call) and returns 1;
 * other records update the state and return 0. -ENOMEM on allocation failure.
 */
int ior_replay__apply(struct ior_replay *rp, const struct ior_record *rec, struct ior_revent *out);

void ior_replay__stats(const struct ior_replay *rp, struct ior_replay_stats *st);

/* Syscall name for nr from the recording, or "syscall_<nr>" (valid until the next call). */
const char *ior_replay__syscall_name(struct ior_replay *rp, uint32_t nr);

#endif /* IOR_ANALYZER_REPLAY_H */
