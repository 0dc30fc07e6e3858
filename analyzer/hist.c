// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/hist.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

uint64_t ior_hist_bucket_low(unsigned idx)
{
	unsigned q = idx >> IOR_HIST_SUB_BITS;

	if (q == 0)
		return idx;
	return (uint64_t)(IOR_HIST_SUB + (idx & (IOR_HIST_SUB - 1))) << (q - 1);
}

uint64_t ior_hist_bucket_high(unsigned idx)
{
	unsigned q = idx >> IOR_HIST_SUB_BITS;

	if (q == 0)
		return idx;
	return ior_hist_bucket_low(idx) + ((1ull << (q - 1)) - 1);
}

/* Resize the window to [first, first + n), keeping the counts. */
static int resize(struct ior_hist *h, uint32_t first, uint32_t n)
{
	uint32_t *lo = calloc(n, sizeof(*lo)), *hi = NULL;

	if (!lo)
		return -ENOMEM;
	if (h->hi && !(hi = calloc(n, sizeof(*hi)))) {
		free(lo);
		return -ENOMEM;
	}
	if (h->n) {
		memcpy(lo + (h->first - first), h->lo, h->n * sizeof(*lo));
		if (hi)
			memcpy(hi + (h->first - first), h->hi, h->n * sizeof(*hi));
	}
	free(h->lo);
	free(h->hi);
	h->lo = lo;
	h->hi = hi;
	h->first = first;
	h->n = n;
	return 0;
}

/*
 * Cover bucket range [a, b): whole octaves, one spare octave on the side that grew, so
 * a drifting distribution reallocates once per octave at most.
 */
static int cover(struct ior_hist *h, unsigned a, unsigned b)
{
	uint32_t lo_oct = a / IOR_HIST_SUB, hi_oct = (b - 1) / IOR_HIST_SUB + 1;
	uint32_t noct = IOR_HIST_BUCKETS / IOR_HIST_SUB;

	if (h->n) {
		uint32_t cur_lo = h->first / IOR_HIST_SUB,
			 cur_hi = (h->first + h->n) / IOR_HIST_SUB;

		if (lo_oct >= cur_lo && hi_oct <= cur_hi)
			return 0;
		if (lo_oct < cur_lo && lo_oct > 0)
			lo_oct--;
		if (hi_oct > cur_hi && hi_oct < noct)
			hi_oct++;
		lo_oct = lo_oct < cur_lo ? lo_oct : cur_lo;
		hi_oct = hi_oct > cur_hi ? hi_oct : cur_hi;
	} else {
		lo_oct = lo_oct > 0 ? lo_oct - 1 : 0;
		hi_oct = hi_oct < noct ? hi_oct + 1 : noct;
	}
	return resize(h, lo_oct * IOR_HIST_SUB, (hi_oct - lo_oct) * IOR_HIST_SUB);
}

int ior_hist__grow(struct ior_hist *h, unsigned idx)
{
	return cover(h, idx, idx + 1);
}

int ior_hist__carry(struct ior_hist *h, uint32_t off)
{
	if (!h->hi && !(h->hi = calloc(h->n, sizeof(*h->hi)))) {
		h->lo[off]--; /* undo the wrap: the record did not happen */
		return -ENOMEM;
	}
	h->hi[off]++;
	return 0;
}

static inline uint64_t bucket_count(const struct ior_hist *h, uint32_t off)
{
	return (h->hi ? (uint64_t)h->hi[off] << 32 : 0) | h->lo[off];
}

int ior_hist__merge(struct ior_hist *dst, const struct ior_hist *src)
{
	if (!src->count)
		return 0;
	if (cover(dst, src->first, src->first + src->n))
		return -ENOMEM;
	/* high words are needed when src has them or a sum may pass 2^32 - 1 */
	if (!dst->hi && (src->hi || dst->count + src->count > UINT32_MAX) &&
	    !(dst->hi = calloc(dst->n, sizeof(*dst->hi))))
		return -ENOMEM;
	for (uint32_t i = 0; i < src->n; i++) {
		uint32_t off = src->first + i - dst->first;
		uint64_t c = bucket_count(dst, off) + bucket_count(src, i);

		dst->lo[off] = (uint32_t)c;
		if (dst->hi)
			dst->hi[off] = (uint32_t)(c >> 32);
	}
	if (src->not_min > dst->not_min)
		dst->not_min = src->not_min;
	if (src->max > dst->max)
		dst->max = src->max;
	dst->count += src->count;
	dst->sum_lo += src->sum_lo;
	dst->sum_hi += src->sum_hi + (dst->sum_lo < src->sum_lo);
	return 0;
}

void ior_hist__free(struct ior_hist *h)
{
	if (!h)
		return;
	free(h->lo);
	free(h->hi);
	memset(h, 0, sizeof(*h));
}

uint64_t ior_hist__sum(const struct ior_hist *h)
{
	return h->sum_hi ? UINT64_MAX : h->sum_lo;
}

double ior_hist__mean(const struct ior_hist *h)
{
	if (!h->count)
		return 0;
	return ((double)h->sum_hi * 18446744073709551616.0 + (double)h->sum_lo) / (double)h->count;
}

uint64_t ior_hist_rank(uint64_t count, double p)
{
	double x = p / 100.0 * (double)count;
	uint64_t r;

	if (x <= 1)
		return 1;
	if (x >= (double)count)
		return count;
	/* tolerate binary rounding just above an integer: 99.9 / 100 * 1000 is 999 */
	r = (uint64_t)x;
	if ((double)r < x - x * 1e-12)
		r++;
	return r;
}

/* The reported value of bucket i of the window: its midpoint, clamped to [min, max]. */
static uint64_t bucket_value(const struct ior_hist *h, uint32_t i)
{
	uint64_t v = ior_hist_bucket_low(h->first + i);

	v += (ior_hist_bucket_high(h->first + i) - v) / 2;
	if (v < ior_hist__min(h))
		return ior_hist__min(h);
	return v > h->max ? h->max : v;
}

/* Walk the buckets once, answering p[0..n) (ascending) on the way. */
static void walk(const struct ior_hist *h, const double *p, uint64_t *out, size_t n)
{
	uint64_t seen = 0;
	uint32_t i = 0;

	for (size_t k = 0; k < n; k++) {
		uint64_t rank;

		if (!h->count || p[k] <= 0 || p[k] >= 100) {
			out[k] = !h->count ? 0 : p[k] <= 0 ? ior_hist__min(h) : h->max;
			continue;
		}
		rank = ior_hist_rank(h->count, p[k]);
		while (i < h->n && seen + bucket_count(h, i) < rank)
			seen += bucket_count(h, i++);
		/* the counts add up to count, so i < n here */
		out[k] = i < h->n ? bucket_value(h, i) : h->max;
	}
}

uint64_t ior_hist__percentile(const struct ior_hist *h, double p)
{
	uint64_t v;

	walk(h, &p, &v, 1);
	return v;
}

void ior_hist__percentiles(const struct ior_hist *h, const double *p, uint64_t *out, size_t n)
{
	for (size_t k = 1; k < n; k++) {
		if (p[k] < p[k - 1]) {
			for (k = 0; k < n; k++)
				walk(h, &p[k], &out[k], 1);
			return;
		}
	}
	walk(h, p, out, n);
}

size_t ior_hist__heap_bytes(const struct ior_hist *h)
{
	return (size_t)h->n * sizeof(uint32_t) * (h->hi ? 2 : 1);
}
