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
		*p = m | (uint8_t)v;
		return p + 1;
	}
	if (v <= 0xff) {
		p[0] = m | 24;
		p[1] = (uint8_t)v;
		return p + 2;
	}
	if (v <= 0xffff) {
		uint16_t be = __builtin_bswap16((uint16_t)v);

		p[0] = m | 25;
		memcpy(p + 1, &be, 2);
		return p + 3;
	}
	if (v <= 0xffffffffu) {
		uint32_t be = __builtin_bswap32((uint32_t)v);

		p[0] = m | 26;
		memcpy(p + 1, &be, 4);
		return p + 5;
	}
	uint64_t be = __builtin_bswap64(v);

	p[0] = m | 27;
	memcpy(p + 1, &be, 8);
	return p + 9;
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
 * the simple value or raw float bits. Multi-byte arguments are big-endian.
 */
static inline bool cbor_get_head(struct cbor_in *in, unsigned *major, uint64_t *v)
{
	const uint8_t *p = in->p;
	size_t left = (size_t)(in->end - p);
	unsigned ai;

	if (!left)
		return false;
	*major = *p >> 5;
	ai = *p & 31;
	if (ai < 24) {
		*v = ai;
		in->p = p + 1;
		return true;
	}
	switch (ai) {
	case 24:
		if (left < 2)
			return false;
		*v = p[1];
		in->p = p + 2;
		return true;
	case 25: {
		uint16_t x;

		if (left < 3)
			return false;
		memcpy(&x, p + 1, 2);
		*v = __builtin_bswap16(x);
		in->p = p + 3;
		return true;
	}
	case 26: {
		uint32_t x;

		if (left < 5)
			return false;
		memcpy(&x, p + 1, 4);
		*v = __builtin_bswap32(x);
		in->p = p + 5;
		return true;
	}
	case 27: {
		uint64_t x;

		if (left < 9)
			return false;
		memcpy(&x, p + 1, 8);
		*v = __builtin_bswap64(x);
		in->p = p + 9;
		return true;
	}
	}
	return false; /* indefinite lengths and reserved values are not used */
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
