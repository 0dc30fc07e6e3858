/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Aggregation of resolved events into groups keyed by FIELDS (analyzer/fields.h), with
 * per-group count, errors, bytes, duration and gap sums and, when asked, a latency
 * histogram. Memory grows with the number of distinct groups, never with events.
 *
 * Per event only numbers are compared (string fields are interned to ids); a group's
 * text (its collapsed frames, escaped and joined by ';') is rendered once, when the group
 * is first seen.
 */
#ifndef IOR_ANALYZER_AGG_H
#define IOR_ANALYZER_AGG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analyzer/fields.h"
#include "analyzer/hist.h"
#include "analyzer/revent.h"

struct ior_group {
	uint64_t count;
	uint64_t errors;
	uint64_t bytes;
	uint64_t dur_sum;
	uint64_t gap_sum;
	struct ior_hist hist;  /* durations; empty unless the aggregation keeps histograms */
	const char *frames;    /* escaped fields joined by ';' (collapsed-stack form) */
	size_t frames_len;
	const char *const *values; /* each field's raw text (NUL after vlens[i] bytes) */
	const size_t *vlens;
};

struct ior_agg;

struct ior_agg_opts {
	bool histograms;  /* keep a duration histogram per group (top, diff) */
	bool path_frames; /* render path fields as directory chains (collapse --path-frames) */
};

/* NULL with errno ENOMEM. fs is copied. */
struct ior_agg *ior_agg__new(const struct ior_fields *fs, const struct ior_agg_opts *opts);
void ior_agg__free(struct ior_agg *a);

/*
 * Account one event. 0 or -ENOMEM. Events from different replays may be mixed, but the
 * replays must all stay alive until the aggregation is freed (see revent.h, id_src).
 */
int ior_agg__add(struct ior_agg *a, const struct ior_revent *re);

/*
 * Whether every field is a number of the event itself (pid, tid, syscall, class, fd,
 * flags, errno): then events can go straight from the reader to ior_agg__add_events(),
 * unreplayed, and *skip gets the reader's IOR_SKIP_* bits for the fields none of them
 * uses.
 */
bool ior_fields__direct(const struct ior_fields *fs, unsigned *skip);

/*
 * Add n events of rp's recording without replaying them (fields as ior_fields__direct()
 * allows): the same groups and sums as ior_agg__add() of their replayed events, but
 * for gap_sum, which stays 0. 0 or -ENOMEM.
 */
struct ior_replay;
int ior_agg__add_events(struct ior_agg *a, struct ior_replay *rp, const struct ior_event *ev,
			size_t n);

/*
 * Add every group of src to dst, as if src's events had been added to dst: both made
 * with the same fields and options, all of them numbers (ior_fields__direct()), whose
 * keys mean the same in any aggregation. src is left as it was. 0, -EINVAL (other
 * fields) or -ENOMEM (dst then holds part of src).
 */
int ior_agg__merge(struct ior_agg *dst, const struct ior_agg *src);

/* The groups, in no particular order; valid until the next add or free. */
struct ior_group *ior_agg__groups(struct ior_agg *a, size_t *n);

/* Totals over every event added (the histogram merged from the groups'); NULL on ENOMEM. */
const struct ior_group *ior_agg__total(struct ior_agg *a);

/* Group weights for collapse and flame graphs. */
enum ior_weight { IOR_WEIGHT_COUNT, IOR_WEIGHT_DURATION, IOR_WEIGHT_BYTES, IOR_WEIGHT_GAP };

/* Parse "count", "duration", "bytes", "gap"; -EINVAL otherwise. */
int ior_weight_parse(const char *s, enum ior_weight *w);
const char *ior_weight_name(enum ior_weight w);
uint64_t ior_group_weight(const struct ior_group *g, enum ior_weight w);

/*
 * The machine formats of a group's key, shared by top and diff. Each item ends in ',':
 * JSON members ("comm":"x","dir:2":"/a",), CSV cells, and the CSV header's cells.
 */
void ior_group__json_fields(struct ior_buf *b, const struct ior_fields *fs,
			    const struct ior_group *g);
void ior_group__csv_fields(struct ior_buf *b, const struct ior_fields *fs,
			   const struct ior_group *g);
void ior_fields__csv_header(struct ior_buf *b, const struct ior_fields *fs);

/* Order of two groups by their frames, bytewise (a prefix first): <0, 0, >0. */
int ior_group_cmp_frames(const struct ior_group *a, const struct ior_group *b);

/* Sort groups by frames (byte order), for deterministic output. */
void ior_groups_sort_by_frames(struct ior_group *g, size_t n);

#endif /* IOR_ANALYZER_AGG_H */
