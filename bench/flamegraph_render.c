// SPDX-License-Identifier: GPL-2.0-only
/*
 * flamegraph_render: how long ior takes to draw 100 000 distinct stacks as an SVG flame
 * graph, and how large the file is (issue 6: under a second on our 2-vCPU machines).
 *
 * Two sets of stacks, like `collapse --fields comm,syscall --path-frames` output:
 *  - realistic: a comm, a syscall, then 2 to 6 directory and file frames (depth 4 to 8)
 *    from skewed pseudo-random pools (a fixed seed: the same stacks on every run), weights
 *    skewed like durations;
 *  - wide: the worst case for the width rule, equal weights over 10 000 directories, so
 *    thousands of frames sit just above a tenth of a pixel.
 * Prints the time to build each tree and, for several min widths, the median of 5
 * interleaved renders to a file, its size and the frames drawn.
 *
 *   build/bench/flamegraph_render [STACKS] [OUT.svg]
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer/flamegraph.h"

#define RUNS 5

static const double widths[] = { 0.1, 0.5, 1.0 };
#define NWIDTHS (sizeof(widths) / sizeof(widths[0]))

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rng(void)
{
	/* xorshift64*: fixed seed, so every run draws the same stacks */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

/* Skewed towards small values: a few names take most stacks, as in real recordings. */
static unsigned int skewed(unsigned int n)
{
	uint64_t r = rng() % n;

	return (unsigned int)(r * r / n);
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* One stack i of depth 4..8 into frames (storage in buf, 8 x 48 bytes). */
static size_t make_stack(unsigned int i, char buf[8][48], const char *frames[8])
{
	static const char *const comms[] = { "mysqld", "postgres", "java", "nginx", "rsync",
					     "python3", "node", "backup", "sshd", "systemd" };
	static const char *const calls[] = { "read", "pread64", "write", "pwrite64", "openat",
					     "close", "fsync", "newfstatat", "lseek", "getdents64",
					     "fdatasync", "statx", "unlinkat", "renameat2" };
	static const char *const tops[] = { "/var", "/srv", "/home", "/usr", "/tmp", "/data" };
	size_t depth = 4 + rng() % 5;

	snprintf(buf[0], 48, "%s", comms[skewed(10)]);
	snprintf(buf[1], 48, "%s", calls[skewed(14)]);
	snprintf(buf[2], 48, "%s", tops[skewed(6)]);
	for (size_t d = 3; d + 1 < depth; d++)
		snprintf(buf[d], 48, "dir%02zu_%u", d, skewed(40));
	/* the file: unique per stack, so all stacks are distinct */
	snprintf(buf[depth - 1], 48, "file_%u.dat", i);
	for (size_t d = 0; d < depth; d++)
		frames[d] = buf[d];
	return depth;
}

/* Wide stack i: comm;read;/data/dN;subM;file_i, all of the same weight. */
static size_t make_wide_stack(unsigned int i, char buf[8][48], const char *frames[8])
{
	snprintf(buf[0], 48, "comm%u", i % 10);
	snprintf(buf[1], 48, "read");
	snprintf(buf[2], 48, "/data/d%u", i % 10000);
	snprintf(buf[3], 48, "sub%u", i % 7);
	snprintf(buf[4], 48, "file_%u.dat", i);
	for (size_t d = 0; d < 5; d++)
		frames[d] = buf[d];
	return 5;
}

static int build(struct ior_flame *fg, unsigned int n, bool wide)
{
	char buf[8][48];
	const char *frames[8];

	for (unsigned int i = 0; i < n; i++) {
		size_t depth = wide ? make_wide_stack(i, buf, frames) : make_stack(i, buf, frames);
		uint64_t w = wide ? 1000 : 1000 + (uint64_t)skewed(1000) * skewed(1000) * 50;

		if (ior_flame__add(fg, frames, NULL, depth, w, 0))
			return -1;
	}
	return 0;
}

/* Render once into path; seconds, or a negative value on failure. */
static double render(const struct ior_flame *fg, const char *path, double min_width)
{
	struct ior_flame_opts o = { .unit = IOR_FLAME_UNIT_NS, .min_width = min_width,
				    .subtitle = "bench: synthetic stacks, weight: duration" };
	FILE *f = fopen(path, "w");
	double t0 = now(), t;
	int err;

	if (!f)
		return -1;
	err = ior_flame__write_svg(fg, f, &o);
	t = now() - t0; /* until the last byte reached the kernel: write_svg flushes */
	if (fclose(f) || err)
		return -1;
	return t;
}

/* Size of the file and the frames it draws (lines starting "<g data-d"). */
static long file_stats(const char *path, long *frames)
{
	FILE *f = fopen(path, "r");
	char line[8192];
	long size;

	*frames = 0;
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		*frames += strncmp(line, "<g data-d=", 10) == 0;
	size = ftell(f);
	fclose(f);
	return size;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int bench(unsigned int n, bool wide, const char *path)
{
	double t[NWIDTHS][RUNS], t0 = now();
	struct ior_flame *fg = ior_flame__new();

	if (!fg || build(fg, n, wide)) {
		fprintf(stderr, "flamegraph_render: cannot build the tree\n");
		return 1;
	}
	printf("%s: %u distinct stacks, tree built in %.3f s\n",
	       wide ? "wide (worst case)" : "realistic", n, now() - t0);
	/* interleaved: run r of every width before run r + 1 of any, against drift */
	for (int r = 0; r < RUNS; r++) {
		for (size_t k = 0; k < NWIDTHS; k++) {
			t[k][r] = render(fg, path, widths[k]);
			if (t[k][r] < 0) {
				fprintf(stderr, "flamegraph_render: cannot write '%s'\n", path);
				return 1;
			}
		}
	}
	for (size_t k = 0; k < NWIDTHS; k++) {
		long frames, size;

		render(fg, path, widths[k]);
		size = file_stats(path, &frames);
		qsort(t[k], RUNS, sizeof(double), cmp_double);
		printf("  min width %.1f px: render %.3f s (median of %d), %.2f MiB, %ld frames\n",
		       widths[k], t[k][RUNS / 2], RUNS, (double)size / (1 << 20), frames);
	}
	ior_flame__free(fg);
	return 0;
}

int main(int argc, char **argv)
{
	unsigned int n = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 10) : 100000;
	const char *path = argc > 2 ? argv[2] : "/tmp/ior-bench-flamegraph.svg";

	if (bench(n, false, path) || bench(n, true, path))
		return 1;
	printf("the file of the last render is kept in %s\n", path);
	return 0;
}
