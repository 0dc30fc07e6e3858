// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyzer/hist: bucket geometry, nearest-rank percentiles within the documented 1/128
 * relative error of the exact sorted values over adversarial distributions, merging,
 * memory and the 32-bit count carry.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/hist.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rnd(void)
{
	/* xorshift64*: deterministic across libcs */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

START_TEST(test_hist_buckets_tile)
{
	ck_assert_uint_eq(ior_hist_bucket_low(0), 0);
	ck_assert_uint_eq(ior_hist_bucket_high(IOR_HIST_BUCKETS - 1), UINT64_MAX);
	ck_assert_uint_eq(ior_hist_index(UINT64_MAX), IOR_HIST_BUCKETS - 1);
	for (unsigned i = 0; i + 1 < IOR_HIST_BUCKETS; i++) {
		uint64_t lo = ior_hist_bucket_low(i), hi = ior_hist_bucket_high(i);

		ck_assert_msg(hi + 1 == ior_hist_bucket_low(i + 1), "gap after bucket %u", i);
		ck_assert_msg(ior_hist_index(lo) == i && ior_hist_index(hi) == i,
			      "bucket %u [%llu, %llu] indexes back wrong", i,
			      (unsigned long long)lo, (unsigned long long)hi);
		/* width bound behind the error bound: exact below 128, else w <= low / 64 */
		ck_assert_msg(i < 128 ? lo == hi : (hi - lo + 1) * 64 <= lo,
			      "bucket %u too wide: [%llu, %llu]", i, (unsigned long long)lo,
			      (unsigned long long)hi);
	}
}
END_TEST

static const struct {
	uint64_t count;
	double p;
	uint64_t rank;
} ranks[] = {
    {1000, 99.9, 999},
    {10, 50, 5},
    {3, 50, 2},
    {1, 99, 1},
    {7, 100, 7},
    {100, 99, 99},
    {1000000, 99.99, 999900},
    {1001, 99.9, 1000},
    {4, 25, 1},
    {5, 0.001, 1},
    {3, 66.7, 3},
};

START_TEST(test_hist_rank)
{
	uint64_t r = ior_hist_rank(ranks[_i].count, ranks[_i].p);

	ck_assert_msg(r == ranks[_i].rank, "rank(count %llu, p %g) = %llu, want %llu",
		      (unsigned long long)ranks[_i].count, ranks[_i].p, (unsigned long long)r,
		      (unsigned long long)ranks[_i].rank);
}
END_TEST

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Adversarial distributions: exact region, bucket edges, wide ranges, heavy tails. */
enum dist {
	D_SMALL,
	D_UNIFORM,
	D_LOGUNIFORM,
	D_EDGES,
	D_BIMODAL,
	D_CONST,
	D_POW2,
	D_TOP,
	D_PARETO,
	D_COUNT
};
static const char *const dist_names[] = {"small",	  "uniform",  "log-uniform",
					 "bucket-edges",  "bimodal",  "constant",
					 "powers-of-two", "near-max", "pareto"};

static uint64_t draw(enum dist d)
{
	unsigned b = (unsigned)(rnd() % IOR_HIST_BUCKETS);

	switch (d) {
	case D_SMALL:
		return rnd() % 200;
	case D_UNIFORM:
		return 1 + rnd() % 1000000000ull;
	case D_LOGUNIFORM:
		return rnd() >> (rnd() % 64);
	case D_EDGES:
		return rnd() & 1 ? ior_hist_bucket_low(b) : ior_hist_bucket_high(b);
	case D_BIMODAL:
		return rnd() % 100 ? 90 + rnd() % 40 : 1000000000ull + rnd() % 1000;
	case D_CONST:
		return 12345;
	case D_POW2: {
		uint64_t v = 1ull << (rnd() % 64);

		return rnd() & 1 ? v : v - 1;
	}
	case D_TOP:
		return UINT64_MAX - rnd() % 1000;
	default:
		/* Pareto, alpha 1.1, scale 300 ns: a long tail of slow syscalls */
		return (uint64_t)(300.0 /
				  pow((double)(rnd() >> 11) / 9007199254740992.0 + 1e-18, 1 / 1.1));
	}
}

static const double pcts[] = {0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100};

static void check_against_exact(const struct ior_hist *h, uint64_t *v, size_t n, const char *what)
{
	long double sum = 0;

	qsort(v, n, sizeof(*v), cmp_u64);
	ck_assert_uint_eq(ior_hist__count(h), n);
	ck_assert_uint_eq(ior_hist__min(h), v[0]);
	ck_assert_uint_eq(ior_hist__max(h), v[n - 1]);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	ck_assert_msg(fabsl(ior_hist__mean(h) - sum / n) <= sum / n * 1e-9L, "%s: mean %g", what,
		      ior_hist__mean(h));
	for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++) {
		uint64_t exact = pcts[k] <= 0 ? v[0] : v[ior_hist_rank(n, pcts[k]) - 1];
		uint64_t got = ior_hist__percentile(h, pcts[k]);
		uint64_t diff = got > exact ? got - exact : exact - got;

		/* |got - exact| <= exact / 128, in integers: no rounding in the check itself */
		ck_assert_msg(diff <= exact / 128,
			      "%s, n=%zu: p%g = %llu, exact %llu (error %.4f %%, bound 0.78 %%)",
			      what, n, pcts[k], (unsigned long long)got, (unsigned long long)exact,
			      exact ? 100.0 * (double)diff / exact : 0.0);
		ck_assert_msg(got >= v[0] && got <= v[n - 1], "%s: p%g outside [min, max]", what,
			      pcts[k]);
	}
}

START_TEST(test_hist_error_bound)
{
	static const size_t sizes[] = {1, 2, 3, 10, 999, 1000, 100000};

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t n = sizes[s];
		uint64_t *v = malloc(n * sizeof(*v));
		struct ior_hist h = IOR_HIST_INIT;

		ck_assert_ptr_nonnull(v);
		for (size_t i = 0; i < n; i++) {
			v[i] = draw((enum dist)_i);
			ck_assert_int_eq(ior_hist__record(&h, v[i]), 0);
		}
		check_against_exact(&h, v, n, dist_names[_i]);
		ior_hist__free(&h);
		free(v);
	}
}
END_TEST

/* Merging per-part histograms gives exactly the histogram of all values. */
START_TEST(test_hist_merge)
{
	enum { N = 50000, PARTS = 4 };
	struct ior_hist part[PARTS] = {IOR_HIST_INIT}, all = IOR_HIST_INIT, sum = IOR_HIST_INIT;
	uint64_t *v = malloc(N * sizeof(*v));

	ck_assert_ptr_nonnull(v);
	for (size_t i = 0; i < N; i++) {
		/* each part sees a different range, so windows must grow on merge */
		v[i] = draw((enum dist)(i % D_COUNT)) >> (i % PARTS * 8);
		ck_assert_int_eq(ior_hist__record(&part[i % PARTS], v[i]), 0);
		ck_assert_int_eq(ior_hist__record(&all, v[i]), 0);
	}
	for (int k = 0; k < PARTS; k++) {
		ck_assert_int_eq(ior_hist__merge(&sum, &part[k]), 0);
		ior_hist__free(&part[k]);
	}
	ck_assert_int_eq(ior_hist__merge(&sum, &part[0]), 0); /* an empty one: no-op */
	for (size_t k = 0; k < sizeof(pcts) / sizeof(pcts[0]); k++)
		ck_assert_msg(ior_hist__percentile(&sum, pcts[k]) ==
				  ior_hist__percentile(&all, pcts[k]),
			      "merged p%g differs", pcts[k]);
	ck_assert(sum.sum_lo == all.sum_lo && sum.sum_hi == all.sum_hi);
	{
		enum { NP = sizeof(pcts) / sizeof(pcts[0]) };
		static const double unsorted[] = {99, 50, 100, 0};
		uint64_t out[NP];

		ior_hist__percentiles(&sum, pcts, out, NP);
		for (size_t k = 0; k < NP; k++)
			ck_assert_msg(out[k] == ior_hist__percentile(&sum, pcts[k]),
				      "one-pass p%g differs", pcts[k]);
		ior_hist__percentiles(&sum, unsorted, out, 4);
		for (size_t k = 0; k < 4; k++)
			ck_assert_uint_eq(out[k], ior_hist__percentile(&sum, unsorted[k]));
	}
	check_against_exact(&sum, v, N, "merged");
	ior_hist__free(&sum);
	ior_hist__free(&all);
	free(v);
}
END_TEST

START_TEST(test_hist_memory)
{
	struct ior_hist h = IOR_HIST_INIT;

	ck_assert_uint_eq(ior_hist__heap_bytes(&h), 0);
	ck_assert_uint_eq(ior_hist__percentile(&h, 50), 0);
	ck_assert(ior_hist__mean(&h) == 0);
	for (uint64_t v = 4000; v < 6000; v++)
		ior_hist__record(&h, v);
	ck_assert_msg(ior_hist__heap_bytes(&h) <= 1024, "narrow: %zu bytes",
		      ior_hist__heap_bytes(&h));
	for (uint64_t v = 1000; v <= 10000000; v += v / 7)
		ior_hist__record(&h, v);
	ck_assert_msg(ior_hist__heap_bytes(&h) <= 5 * 1024, "1us..10ms: %zu bytes",
		      ior_hist__heap_bytes(&h));
	ior_hist__record(&h, 0);
	ior_hist__record(&h, UINT64_MAX);
	ck_assert_msg(ior_hist__heap_bytes(&h) <= IOR_HIST_BUCKETS * 4, "full: %zu bytes",
		      ior_hist__heap_bytes(&h));
	ck_assert_uint_eq(ior_hist__sum(&h), UINT64_MAX); /* saturated */
	ior_hist__free(&h);
	ck_assert_uint_eq(h.count, 0);
}
END_TEST

/* A bucket passing 2^32 - 1 events carries into a high word (white-box: no 4G loop). */
START_TEST(test_hist_carry)
{
	struct ior_hist h = IOR_HIST_INIT, m = IOR_HIST_INIT;
	uint32_t off;

	ior_hist__record(&h, 1000);
	off = ior_hist_index(1000) - h.first;
	h.lo[off] = UINT32_MAX;
	h.count = UINT32_MAX;
	ck_assert_int_eq(ior_hist__record(&h, 1000), 0);
	ck_assert_ptr_nonnull(h.hi);
	ck_assert_uint_eq(h.lo[off], 0);
	ck_assert_uint_eq(h.hi[off], 1);
	ior_hist__record(&h, 5); /* one value below: p50 must still be the big bucket */
	ck_assert_uint_eq(ior_hist__percentile(&h, 50), 1000);
	ck_assert_int_eq(ior_hist__merge(&m, &h), 0);
	ck_assert_int_eq(ior_hist__merge(&m, &h), 0);
	ck_assert_uint_eq(m.hi[ior_hist_index(1000) - m.first], 2);
	ck_assert_uint_eq(ior_hist__percentile(&m, 50), 1000);
	ck_assert_uint_eq(ior_hist__min(&m), 5);
	ior_hist__free(&h);
	ior_hist__free(&m);
}
END_TEST

Suite *hist_suite(void)
{
	Suite *s = suite_create("hist");
	TCase *tc = tcase_create("hist");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_hist_buckets_tile);
	tcase_add_loop_test(tc, test_hist_rank, 0, sizeof(ranks) / sizeof(ranks[0]));
	tcase_add_loop_test(tc, test_hist_error_bound, 0, D_COUNT);
	tcase_add_test(tc, test_hist_merge);
	tcase_add_test(tc, test_hist_memory);
	tcase_add_test(tc, test_hist_carry);
	suite_add_tcase(s, tc);
	return s;
}
