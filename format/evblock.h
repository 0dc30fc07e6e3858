/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Event blocks (format 2.0, SPEC.md "Event blocks"): up to EVB_MAX_EVENTS events packed
 * field by field into streams of variable-length integers, carried as one CBOR byte
 * string. Why not one CBOR array per event as in 1.x: zstd is most of the writer's cost,
 * and it scales with the bytes it is given. On bench/format_bench.c's stream a block
 * is 14.3 raw bytes per event instead of 19.8, the same size on disk, and zstd needs
 * ~35 % fewer instructions to compress it. Decoding a stream at a time, several events
 * per call, costs fewer instructions than decoding 1.x arrays did (BENCHMARKS.md).
 */
#ifndef IOR_FORMAT_EVBLOCK_H
#define IOR_FORMAT_EVBLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/ior_format.h"

/*
 * 2048 rather than 1024: zstd finds a little more in longer streams (writer -1.7 %
 * instructions on a real recording, -1.9 % on format_bench's, files 0.3-0.9 % smaller),
 * while a block's streams (~30 KiB) still fit the L1 cache.
 */
#define EVB_MAX_EVENTS 2048u
/* Events decoded at a time: their records (10 KiB) stay in the L1 cache between streams. */
#define EVB_STEP 128u
/*
 * Most packed bytes one event can take: the shape byte, ten bytes for each 64-bit value
 * (dt, dur, ret, bytes, aux, flags), five for each 32-bit one (thread, nr, fd, path, and
 * the ext stream's path2, fd2, str_flags).
 */
#define EVB_EVENT_MAX (1 + 6 * 10 + 4 * 5 + 3 * 5)

/* The streams of a block, in payload order. */
enum evb_stream {
	EVB_SHAPE,  /* one byte per event: enum evb_shape bits */
	EVB_DT,     /* start time minus the previous event's, zigzag */
	EVB_DUR,
	EVB_THREAD, /* thread id, defined in this chunk */
	EVB_NR,
	EVB_RET,    /* zigzag */
	EVB_FD,     /* zigzag; events with EVB_HAS_FD only */
	EVB_BYTES,  /* events with EVB_HAS_BYTES only */
	EVB_AUX,
	EVB_FLAGS,
	EVB_PATH,
	EVB_EXT,    /* path2, fd2 (zigzag), str_flags; events with EVB_HAS_EXT only */
	EVB_NSTREAMS,
};

/* Shape bits: which optional values an event has (absent ones take their defaults). */
enum evb_shape {
	EVB_HAS_FD = 1u << 0,
	EVB_BYTES_RET = 1u << 1, /* bytes equal the (positive) return value */
	EVB_HAS_BYTES = 1u << 2,
	EVB_HAS_AUX = 1u << 3,
	EVB_HAS_FLAGS = 1u << 4,
	EVB_HAS_PATH = 1u << 5,
	EVB_HAS_EXT = 1u << 6,
	/* bit 7: reserved for a later minor version, ignored by this one */
	EVB_OPTIONAL = (1u << 7) - 1,
};

/* ---- encoding -------------------------------------------------------------------- */

struct evb_encoder {
	uint8_t *buf[EVB_NSTREAMS];
	uint8_t *end[EVB_NSTREAMS];
	uint32_t n;       /* events in the pending block */
	bool branch_free; /* the pending block is encoded without branches on values */
};

/* 0 or -ENOMEM; the buffers are sized once for a full block. */
int evb_encoder__init(struct evb_encoder *e);
void evb_encoder__free(struct evb_encoder *e);

/* Add one event; thread is its id, prev_start the previous event's start time. */
void evb_encoder__add(struct evb_encoder *e, const struct ior_event *ev, uint32_t thread,
		      int64_t prev_start);

/* The packed size of the pending block's streams. */
size_t evb_encoder__bytes(const struct evb_encoder *e);

/* Upper bound of the bytes evb_encoder__emit() writes for the pending block. */
size_t evb_encoder__bound(const struct evb_encoder *e);

/* Write the pending block as one CBOR record at p; returns the new end. Empties e. */
uint8_t *evb_encoder__emit(struct evb_encoder *e, uint8_t *p);

/* ---- decoding (every read bounded by its stream) --------------------------------- */

struct evb_cursor {
	const uint8_t *p, *end;
};

/*
 * How the mandatory streams are walked. The walks decode the same values; tests set
 * d->walk after evb_decoder__open() to compare them.
 */
enum evb_walk {
	EVB_WALK_STREAMS, /* one stream after the other */
	EVB_WALK_PEXT,    /* side by side, lengths without branches, BMI2's pext (x86-64) */
};

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#define EVB_HAVE_PEXT 1
#else
#define EVB_HAVE_PEXT 0
#endif

/* The fastest walk this processor has: pext where pext is fast, else stream by stream. */
enum evb_walk evb_walk_best(void);

struct evb_decoder {
	struct evb_cursor s[EVB_NSTREAMS]; /* s[EVB_SHAPE] counts the events left */
	unsigned skip;                     /* streams not decoded: bit 1 << enum evb_stream */
	unsigned shape_keep;               /* shape bits of the optional values decoded */
	enum evb_walk walk;                /* evb_walk_best() */
};

/* Events of the open block not yet returned (0 when none is open). */
static inline size_t evb_decoder__pending(const struct evb_decoder *d)
{
	return (size_t)(d->s[EVB_SHAPE].end - d->s[EVB_SHAPE].p);
}

/* Drop the rest of the open block. */
static inline void evb_decoder__stop(struct evb_decoder *d)
{
	d->s[EVB_SHAPE].p = d->s[EVB_SHAPE].end;
}

/*
 * Start on a block's payload of n events. false when its layout is malformed. skip
 * (enum ior_event_skip bits) names fields the caller does not want: their streams are
 * not decoded, only checked to hold as many values as the events need. When one does
 * not, the block is decoded whole, so the events returned are those a full decode
 * returns (those before the first bad value).
 */
bool evb_decoder__open(struct evb_decoder *d, const uint8_t *payload, size_t len, uint64_t n,
		       unsigned skip);

/*
 * Decode up to max of the open block's next events into ev[0..max): every field but
 * pid and the skipped ones (left at their defaults, tid 0), with the event's thread id
 * in tid (the caller resolves it); start times follow
 * *prev_start, which is left at the last returned event's. Returns how many were
 * decoded. Fewer than min(max, pending) means the next event is malformed (a value out
 * of range, a stream cut short, or at the last event a stream with bytes left): the
 * decoder has then stopped, and the events returned before it stand.
 */
size_t evb_decoder__decode(struct evb_decoder *d, struct ior_event *ev, size_t max,
			   int64_t *prev_start);

#endif /* IOR_FORMAT_EVBLOCK_H */
