/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A mergeable log-linear latency histogram (HDR-style) for nanosecond durations, any
 * uint64_t value (0 .. 2^64-1).
 *
 * Buckets: values below 128 each have their own bucket (exact). Above, every power of
 * two [2^e, 2^(e+1)) is cut into 64 equal buckets of width 2^(e-6). 3776 buckets cover
 * the whole uint64_t range.
 *
 * Error bound: ior_hist__percentile() returns a value within 1/128 (0.79 %) of the exact
 * nearest-rank percentile of the recorded values, relative to that exact value, and
 * always within [min, max]. Proof: the exact value v lies in the bucket the rank falls
 * into, [low, low + w - 1] with w = 1 (exact) or w <= low / 64. The reported value is
 * that bucket's midpoint low + (w - 1) / 2 (rounded down), clamped to [min, max], so
 * |reported - v| <= w / 2 <= low / 128 <= v / 128; clamping only moves it toward v.
 * count, min, max and the sum (for the mean) are exact.
 * tests/check_hist.c checks the bound against sorted exact values.
 *
 * Memory: counts are 32-bit and allocated lazily as a window of whole powers of two
 * around the values seen, growing as needed: 0 bytes until the first record, ~768 bytes
 * for a narrow distribution, ~4 KiB for one spanning 1 us .. 10 ms, 15 KiB at most
 * (values from 0 to 2^64). A bucket exceeding 2^32 - 1 events gets a second array of
 * high words (only then). The struct itself is 56 bytes.
 *
 * Usage: zero-initialise (IOR_HIST_INIT or calloc), record, read, ior_hist__free().
 * Not thread-safe: give each thread its own histogram and merge.
 */
#ifndef IOR_ANALYZER_HIST_H
#define IOR_ANALYZER_HIST_H

#include <errno.h>
#include <stddef.h>
#include <stdint.h>

#define IOR_HIST_SUB_BITS 6
#define IOR_HIST_SUB (1u << IOR_HIST_SUB_BITS)			       /* buckets per octave */
#define IOR_HIST_BUCKETS ((64 - IOR_HIST_SUB_BITS + 1) * IOR_HIST_SUB) /* 3776 */

struct ior_hist {
	uint64_t count;
	uint64_t not_min, max;	 /* ~min, so that a zeroed histogram's min is UINT64_MAX */
	uint64_t sum_lo, sum_hi; /* 128-bit sum of the values */
	uint32_t *lo;		 /* low words of the counts of buckets [first, first + n) */
	uint32_t *hi;		 /* their high words, NULL until a count passes 2^32 - 1 */
	uint32_t first, n;
};

#define IOR_HIST_INIT                                                                              \
	{                                                                                          \
		0                                                                                  \
	}

/* The bucket of value v, 0 .. IOR_HIST_BUCKETS - 1. */
static inline unsigned ior_hist_index(uint64_t v)
{
	/* shift = number of low bits dropped: 0 below 128, then one more per octave */
	unsigned shift = 57u - (unsigned)__builtin_clzll(v | 64);

	return (shift << IOR_HIST_SUB_BITS) + (unsigned)(v >> shift);
}

/* The smallest and the largest value of bucket idx. */
uint64_t ior_hist_bucket_low(unsigned idx);
uint64_t ior_hist_bucket_high(unsigned idx);

/* Slow paths of ior_hist__record(); not for direct use. */
int ior_hist__grow(struct ior_hist *h, unsigned idx);
int ior_hist__carry(struct ior_hist *h, uint32_t off);

/*
 * Add one value. Returns 0, or -ENOMEM when the count window had to grow and could not
 * (the histogram is then unchanged). Does not allocate once the window covers v.
 */
static inline int ior_hist__record(struct ior_hist *h, uint64_t v)
{
	unsigned idx = ior_hist_index(v);
	uint32_t off = idx - h->first;

	if (__builtin_expect(off >= h->n, 0)) {
		if (ior_hist__grow(h, idx))
			return -ENOMEM;
		off = idx - h->first;
	}
	if (__builtin_expect(++h->lo[off] == 0, 0) && ior_hist__carry(h, off))
		return -ENOMEM;
	if (~v > h->not_min)
		h->not_min = ~v;
	if (v > h->max)
		h->max = v;
	h->count++;
	h->sum_lo += v;
	h->sum_hi += h->sum_lo < v;
	return 0;
}

/* Add every value of src to dst (dst != src). 0 or -ENOMEM (dst then unchanged). */
int ior_hist__merge(struct ior_hist *dst, const struct ior_hist *src);

/* Free the counts and zero the histogram (ready for reuse). NULL is a no-op. */
void ior_hist__free(struct ior_hist *h);

static inline uint64_t ior_hist__count(const struct ior_hist *h)
{
	return h->count;
}

/* 0 when empty. */
static inline uint64_t ior_hist__min(const struct ior_hist *h)
{
	return h->count ? ~h->not_min : 0;
}

static inline uint64_t ior_hist__max(const struct ior_hist *h)
{
	return h->count ? h->max : 0;
}

/* Sum of the values, saturated at UINT64_MAX (584 years of nanoseconds). */
uint64_t ior_hist__sum(const struct ior_hist *h);

/* Exact arithmetic mean (as a double); 0 when empty. */
double ior_hist__mean(const struct ior_hist *h);

/*
 * The nearest-rank rank of percentile p (0 < p <= 100) among count values:
 * ceil(p / 100 * count), at least 1. Products that are an integer up to binary rounding
 * (99.9 % of 1000 = 999) count as that integer.
 */
uint64_t ior_hist_rank(uint64_t count, double p);

/*
 * The value at percentile p (e.g. 50, 90, 99, 99.9): the smallest recorded value with
 * at least ior_hist_rank(count, p) values at or below it, within the error bound above.
 * p <= 0 gives min, p >= 100 gives max (both exact); 0 when empty.
 */
uint64_t ior_hist__percentile(const struct ior_hist *h, double p);

/*
 * Several percentiles in one pass over the buckets: out[i] = ior_hist__percentile(h,
 * p[i]) for p in ascending order (an unsorted p falls back to one pass each).
 */
void ior_hist__percentiles(const struct ior_hist *h, const double *p, uint64_t *out, size_t n);

/* Bytes of heap memory the histogram holds. */
size_t ior_hist__heap_bytes(const struct ior_hist *h);

#endif /* IOR_ANALYZER_HIST_H */
