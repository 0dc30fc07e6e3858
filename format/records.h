/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The record decoder: header and chunk records (format/SPEC.md sections 3-6) into
 * ior_header / ior_record values. It keeps its own id tables to validate references and
 * resolve thread ids, and reports every string definition through on_string so that a
 * reader on another thread can keep its own copy.
 */
#ifndef IOR_FORMAT_RECORDS_H
#define IOR_FORMAT_RECORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/cbor.h"
#include "format/evblock.h"
#include "format/ior_format.h"
#include "format/source.h"
#include "format/tables.h"

struct ior_parser {
	struct cbor_in cur;
	struct evb_decoder block; /* the event block being returned, if any */
	const uint8_t *block_at;  /* where its record starts, for warnings */
	bool block_bad;           /* its next event is malformed */
	const uint8_t *chunk_buf;
	uint64_t chunk_offset;
	bool chunk_has_base;
	int64_t prev_start;
	unsigned skip;            /* enum ior_event_skip: fields read as defaults */
	bool chunk_threads;       /* thread definitions hold only in their chunk (forks) */
	struct reader_tables t;
	struct ior_reader_stats st; /* record-level counts (events, lost, sync, end, bad) */
	struct ior_warnings *warn;
	/* every new string definition, in file order; non-zero return: out of memory */
	int (*on_string)(void *ctx, uint32_t id, const void *s, size_t len);
	void *ctx;
};

void ior_parser__init(struct ior_parser *r, int64_t start_ns, struct ior_warnings *w);
void ior_parser__free(struct ior_parser *r);

/* Start on a verified chunk's bytes (which must stay valid while it is parsed). */
void ior_parser__open(struct ior_parser *r, const uint8_t *buf, size_t len, uint64_t offset);

/*
 * The next record of the open chunk: 1, or 0 when the chunk is done (or malformed).
 * Events come as runs (IOR_REC_EVENTS) of up to cap (>= 1) decoded into buf.
 */
int ior_parser__next(struct ior_parser *r, struct ior_record *rec, struct ior_event *buf,
		     size_t cap);

/* At the end of the input: the warnings about an unfinished or cut recording. */
void ior_parser__finish(struct ior_parser *r, const struct ior_source_stats *src);

/*
 * Decode the header record of buf[0..len) into *h, its strings in t's arena.
 * 0, or -1 when malformed (errno ENOMEM when out of memory).
 */
int ior_parse_header(struct reader_tables *t, struct ior_header *h, const uint8_t *buf,
		     size_t len);

#endif /* IOR_FORMAT_RECORDS_H */
