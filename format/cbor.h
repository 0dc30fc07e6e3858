/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The small subset of CBOR (RFC 8949) the .ior format uses, encoded and decoded by hand.
 *
 * Why not libcbor here: the writer encodes a few fixed record shapes ~2x faster inline
 * and must link statically (Debian ships no libcbor.a); the reader must decode 20 M
 * events/s and treat every byte as hostile, which is easier to guarantee in a few
 * bounded functions than through a general allocator-driven decoder. The tests check,
 * record by record, that libcbor decodes exactly what this encoder writes.
 */
#ifndef IOR_FORMAT_CBOR_H
#define IOR_FORMAT_CBOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

enum cbor_major {
	CBOR_UINT = 0,
	CBOR_NINT = 1,
	CBOR_BSTR = 2,
	CBOR_TSTR = 3,
	CBOR_ARRAY = 4,
	CBOR_MAP = 5,
	CBOR_TAG = 6,
	CBOR_SIMPLE = 7,
};

#define CBOR_NULL 0xf6
#define CBOR_FALSE 0xf4
#define CBOR_TRUE 0xf5
/* Worst-case size of one head (major type + argument). */
#define CBOR_HEAD_MAX 9

/* ---- encoding: p points into a buffer with room; returns the new end ---------- */

static inline uint8_t *cbor_put_head(uint8_t *p, unsigned major, uint64_t v)
{
	uint8_t m = (uint8_t)(major << 5);

	if (v < 24) {
		*p++ = m | (uint8_t)v;
	} else if (v <= 0xff) {
		*p++ = m | 24;
		*p++ = (uint8_t)v;
	} else if (v <= 0xffff) {
		*p++ = m | 25;
		*p++ = (uint8_t)(v >> 8);
		*p++ = (uint8_t)v;
	} else if (v <= 0xffffffffu) {
		*p++ = m | 26;
		for (int s = 24; s >= 0; s -= 8)
			*p++ = (uint8_t)(v >> s);
	} else {
		*p++ = m | 27;
		for (int s = 56; s >= 0; s -= 8)
			*p++ = (uint8_t)(v >> s);
	}
	return p;
}

static inline uint8_t *cbor_put_uint(uint8_t *p, uint64_t v)
{
	return cbor_put_head(p, CBOR_UINT, v);
}

static inline uint8_t *cbor_put_int(uint8_t *p, int64_t v)
{
	if (v >= 0)
		return cbor_put_head(p, CBOR_UINT, (uint64_t)v);
	/* -1 - n == v  <=>  n == ~v, exact for every int64 including INT64_MIN */
	return cbor_put_head(p, CBOR_NINT, ~(uint64_t)v);
}

/* The signed difference a - b of two int64 values, which may not fit an int64. */
static inline uint8_t *cbor_put_delta(uint8_t *p, int64_t a, int64_t b)
{
	if (a >= b)
		return cbor_put_head(p, CBOR_UINT, (uint64_t)a - (uint64_t)b);
	return cbor_put_head(p, CBOR_NINT, (uint64_t)b - (uint64_t)a - 1);
}

static inline uint8_t *cbor_put_bytes(uint8_t *p, unsigned major, const void *s, size_t len)
{
	p = cbor_put_head(p, major, len);
	if (len)
		memcpy(p, s, len);
	return p + len;
}

/* ---- decoding: bounded, never reads past end --------------------------------- */

struct cbor_in {
	const uint8_t *p, *end;
};

/*
 * Read one head. Returns false on truncation or on what this format never uses
 * (indefinite lengths, reserved additional info). *v is the argument; for major 7 it is
 * the simple value or raw float bits.
 */
static inline bool cbor_get_head(struct cbor_in *in, unsigned *major, uint64_t *v)
{
	const uint8_t *p = in->p;
	unsigned ai, n;
	uint64_t x = 0;

	if (p >= in->end)
		return false;
	*major = *p >> 5;
	ai = *p++ & 31;
	if (ai < 24) {
		*v = ai;
		in->p = p;
		return true;
	}
	if (ai > 27)
		return false;
	n = 1u << (ai - 24);
	if ((size_t)(in->end - p) < n)
		return false;
	for (unsigned i = 0; i < n; i++)
		x = x << 8 | p[i];
	*v = x;
	in->p = p + n;
	return true;
}

/* An integer item (major 0 or 1) as int64; false when absent, of another type or out of range. */
static inline bool cbor_get_i64(struct cbor_in *in, int64_t *out)
{
	unsigned major;
	uint64_t v;

	if (!cbor_get_head(in, &major, &v) || v > (uint64_t)INT64_MAX)
		return false;
	if (major == CBOR_UINT)
		*out = (int64_t)v;
	else if (major == CBOR_NINT)
		*out = -1 - (int64_t)v;
	else
		return false;
	return true;
}

static inline bool cbor_get_u64(struct cbor_in *in, uint64_t *out)
{
	unsigned major;

	return cbor_get_head(in, &major, out) && major == CBOR_UINT;
}

bool cbor_skip(struct cbor_in *in, int depth);

/* A byte or text string: *s points into the input, valid as long as it. */
static inline bool cbor_get_string(struct cbor_in *in, const uint8_t **s, size_t *len)
{
	unsigned major;
	uint64_t v;

	if (!cbor_get_head(in, &major, &v) || (major != CBOR_BSTR && major != CBOR_TSTR))
		return false;
	if (v > (uint64_t)(in->end - in->p))
		return false;
	*s = in->p;
	*len = (size_t)v;
	in->p += v;
	return true;
}

#endif /* IOR_FORMAT_CBOR_H */
