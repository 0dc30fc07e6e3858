// SPDX-License-Identifier: GPL-2.0-only
/*
 * Micro-benchmark of the analyzer's per-event building blocks: histogram record,
 * percentile and merge, glob match, frame escaping, filter match, collapsed-line
 * building. Prints ns per operation, the median of 7 interleaved runs; no assertions.
 * Usage: analyzer_blocks [runs]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer/buf.h"
#include "analyzer/escape.h"
#include "analyzer/fields.h"
#include "analyzer/filter.h"
#include "analyzer/glob.h"
#include "analyzer/hist.h"

#define NVALUES (1 << 20)
#define MAXRUNS 15

static volatile uint64_t sink;

static const char *const paths[] = {
    "/var/lib/mysql/ibdata1",
    "/var/lib/mysql/db/table_0001.ibd",
    "/usr/lib/x86_64-linux-gnu/libc.so.6",
    "/home/user/src/project/build/obj/module/file.o",
    "/var/log/nginx/access.log",
    "/proc/self/status",
    "/etc/ld.so.cache",
    "/tmp/a b;c\n\xff",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint64_t *values;

/* Syscall-like latencies: mostly 200 ns .. 20 us, a tail to 100 ms. */
static void make_values(void)
{
	values = malloc(NVALUES * sizeof(*values));
	for (size_t i = 0; i < NVALUES; i++)
		values[i] = 200 + (rnd() % 100 ? rnd() % 20000 : rnd() % 100000000);
}

static double bench_hist_record(void)
{
	struct ior_hist h = IOR_HIST_INIT;
	double t = now_ns();

	for (size_t i = 0; i < NVALUES; i++)
		ior_hist__record(&h, values[i]);
	t = (now_ns() - t) / NVALUES;
	sink += h.count;
	ior_hist__free(&h);
	return t;
}

static double bench_hist_percentiles(void)
{
	static const double p[] = {50, 90, 99, 99.9};
	struct ior_hist h = IOR_HIST_INIT;
	int n = 20000;
	double t;

	for (size_t i = 0; i < NVALUES; i++)
		ior_hist__record(&h, values[i]);
	t = now_ns();
	for (int i = 0; i < n; i++) {
		uint64_t out[4];

		ior_hist__percentiles(&h, p, out, 4);
		sink += out[3];
	}
	t = (now_ns() - t) / n;
	ior_hist__free(&h);
	return t;
}

static double bench_hist_merge(void)
{
	struct ior_hist a = IOR_HIST_INIT, b = IOR_HIST_INIT;
	int n = 20000;
	double t;

	for (size_t i = 0; i < NVALUES / 2; i++)
		ior_hist__record(i & 1 ? &a : &b, values[i]);
	t = now_ns();
	for (int i = 0; i < n; i++)
		ior_hist__merge(&a, &b);
	t = (now_ns() - t) / n;
	sink += a.count;
	ior_hist__free(&a);
	ior_hist__free(&b);
	return t;
}

static const char *const patterns[] = {"/var/lib/mysql/**", "**/*.log", "/var/**/db/*.ibd",
				       "*a*a*a*a*b", "/etc/ld.so.cache"};
#define NPATTERNS (sizeof(patterns) / sizeof(patterns[0]))
static struct ior_glob *globs[NPATTERNS];
static size_t path_lens[NPATHS];

static double bench_glob(size_t k)
{
	int n = 200000;
	double t = now_ns();

	for (int i = 0; i < n; i++)
		sink += ior_glob__match(globs[k], paths[i % NPATHS], path_lens[i % NPATHS]);
	return (now_ns() - t) / n;
}

static double bench_escape(void)
{
	struct ior_buf b = IOR_BUF_INIT;
	int n = 500000;
	double t = now_ns();

	for (int i = 0; i < n; i++) {
		ior_buf__reset(&b);
		ior_escape_frame(&b, paths[i % NPATHS], path_lens[i % NPATHS]);
		sink += b.len;
	}
	t = (now_ns() - t) / n;
	ior_buf__free(&b);
	return t;
}

static struct ior_revent events[NPATHS];

static double bench_filter(const struct ior_filter *f)
{
	int n = 500000;
	double t = now_ns();

	for (int i = 0; i < n; i++)
		sink += ior_filter__match(f, &events[i % NPATHS]);
	return (now_ns() - t) / n;
}

static double bench_collapse(const struct ior_fields *fs)
{
	struct ior_buf out = IOR_BUF_INIT, tmp = IOR_BUF_INIT;
	int n = 500000;
	double t = now_ns();

	for (int i = 0; i < n; i++) {
		ior_buf__reset(&out);
		ior_fields__collapse(&out, &tmp, fs, &events[i % NPATHS], false);
		sink += out.len;
	}
	t = (now_ns() - t) / n;
	ior_buf__free(&out);
	ior_buf__free(&tmp);
	return t;
}

enum { B_REC, B_PCT, B_MERGE, B_ESC, B_FILT_PID, B_FILT_PATH, B_COLLAPSE, B_GLOB0 };
#define NBENCH (B_GLOB0 + NPATTERNS)

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void setup(struct ior_filter *fpid, struct ior_filter *fpath, struct ior_fields *fs)
{
	static const struct ior_header hdr = {0};
	char err[256];

	make_values();
	for (size_t i = 0; i < NPATHS; i++) {
		path_lens[i] = strlen(paths[i]);
		events[i] = (struct ior_revent){
		    .ev = {.pid = (uint32_t)(100 + i),
			   .tid = (uint32_t)(100 + i),
			   .fd = 3,
			   .ret = 4096,
			   .dur_ns = 1000},
		    .syscall = "pread64",
		    .desc = ior_syscall_find("pread64"),
		    .cls = IOR_CLASS_READ,
		    .comm = "mysqld",
		    .path = paths[i],
		    .path_len = path_lens[i],
		};
	}
	for (size_t k = 0; k < NPATTERNS; k++)
		ior_glob__compile(&globs[k], patterns[k], strlen(patterns[k]), 0, err, sizeof(err));
	ior_filter__init(fpid);
	ior_filter__parse_opt(fpid, IOR_OPT_PID, "103,105");
	ior_filter__bind(fpid, &hdr);
	ior_filter__init(fpath);
	ior_filter__parse_opt(fpath, IOR_OPT_PATH, "/var/lib/mysql/**");
	ior_filter__bind(fpath, &hdr);
	ior_fields__parse(fs, "comm,syscall,path,errno", err, sizeof(err));
}

int main(int argc, char **argv)
{
	static double res[NBENCH][MAXRUNS];
	struct ior_filter fpid, fpath;
	struct ior_fields fs;
	int runs = argc > 1 ? atoi(argv[1]) : 7;

	if (runs < 1 || runs > MAXRUNS)
		runs = 7;
	setup(&fpid, &fpath, &fs);
	/* interleaved: each run measures every block once, so drift hits all alike */
	for (int r = 0; r < runs; r++) {
		res[B_REC][r] = bench_hist_record();
		res[B_PCT][r] = bench_hist_percentiles();
		res[B_MERGE][r] = bench_hist_merge();
		res[B_ESC][r] = bench_escape();
		res[B_FILT_PID][r] = bench_filter(&fpid);
		res[B_FILT_PATH][r] = bench_filter(&fpath);
		res[B_COLLAPSE][r] = bench_collapse(&fs);
		for (size_t k = 0; k < NPATTERNS; k++)
			res[B_GLOB0 + k][r] = bench_glob(k);
	}
	printf("analyzer building blocks, median of %d runs (ns per operation)\n", runs);
	for (int b = 0; b < (int)NBENCH; b++) {
		static const char *const what[] = {
		    "hist record (syscall-like latencies)",
		    "hist p50,p90,p99,p99.9 (one pass)",
		    "hist merge (two ~1 us..100 ms histograms)",
		    "escape one frame (paths avg 30 B)",
		    "filter match --pid 103,105",
		    "filter match --path '/var/lib/mysql/**'",
		    "collapse comm,syscall,path,errno",
		};
		char label[96];

		qsort(res[b], (size_t)runs, sizeof(double), cmp_double);
		if (b < B_GLOB0)
			snprintf(label, sizeof(label), "%s", what[b]);
		else
			snprintf(label, sizeof(label), "glob match '%s'", patterns[b - B_GLOB0]);
		printf("  %-46s %8.1f\n", label, res[b][runs / 2]);
	}
	ior_filter__free(&fpid);
	ior_filter__free(&fpath);
	for (size_t k = 0; k < NPATTERNS; k++)
		ior_glob__free(globs[k]);
	free(values);
	return sink == 42; /* keep sink alive */
}
