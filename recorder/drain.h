/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Ring-buffer records (bpf/ior_wire.h) -> recording (format/ior_format.h). This is the
 * consumer's hot path: one call per record, no allocation once the writer is warm.
 */
#ifndef IOR_RECORDER_DRAIN_H
#define IOR_RECORDER_DRAIN_H

#include <stddef.h>
#include <stdint.h>

#include "bpf/ior_wire.h"
#include "format/ior_format.h"

struct ior_drain {
	struct ior_writer *w;
	uint64_t events;     /* events appended */
	uint64_t procs;      /* lifecycle records appended */
	uint64_t bad;        /* records too short for their type (never expected) */
	uint64_t lost;       /* lost events and records reported so far */
	int err;             /* the writer's first error: -EFBIG (max size), -ENOSPC, ... */
	uint64_t *lost_seen; /* per CPU: kernel counter value already reported */
	unsigned int ncpus;
};

/* Start draining into w; ncpus sizes the lost-event bookkeeping. 0 or -ENOMEM. */
int ior_drain__init(struct ior_drain *d, struct ior_writer *w, unsigned int ncpus);
void ior_drain__fini(struct ior_drain *d);

/*
 * Append one ring-buffer record. Returns 0, or the writer's error (also kept in d->err;
 * libbpf stops consuming on a negative return).
 */
int ior_drain__record(struct ior_drain *d, const void *data, size_t size);

/* The same with libbpf's ring_buffer_sample_fn signature (ctx is the drain). */
int ior_drain__sample(void *ctx, void *data, size_t size);

/*
 * Report losses: one lost record per CPU whose counters (lost_events + lost_procs) grew
 * since the last call, stamped now. percpu has d->ncpus entries. Returns 0 or -errno.
 */
int ior_drain__lost(struct ior_drain *d, const struct ior_wire_stats *percpu, int64_t now);

#endif
