// SPDX-License-Identifier: GPL-2.0-only
/*
 * The reader on a recording of your choice (format_bench.c has only its synthetic
 * stream): events/s on one core, reading the whole file with ior_reader__next_run()
 * (runs of events, what the analyzer uses) and with ior_reader__next() (one record per
 * call), in interleaved rounds, without the decoding thread. Prints the median and the
 * best round of each: on a shared machine the best round is the one least disturbed.
 *
 * Usage: read_bench FILE.ior [ROUNDS]
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "format/ior_format.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* ns per event of one whole read; the event count in *n. -1 on failure. */
static double read_once(const char *path, bool runs, size_t *n)
{
	int fd = open(path, O_RDONLY);
	struct ior_reader *r = fd < 0 ? NULL : ior_reader__open(fd, NULL);
	struct ior_record rec;
	uint64_t sum = 0;
	double t0 = now(), dt;

	*n = 0;
	if (!r)
		return -1;
	while ((runs ? ior_reader__next_run(r, &rec) : ior_reader__next(r, &rec)) > 0) {
		if (rec.type == IOR_REC_EVENTS) {
			for (size_t i = 0; i < rec.events.n; i++)
				sum += rec.events.v[i].dur_ns; /* use the data */
			*n += rec.events.n;
		} else if (rec.type == IOR_REC_EVENT) {
			sum += rec.event.dur_ns;
			(*n)++;
		}
	}
	dt = now() - t0;
	ior_reader__close(r);
	close(fd);
	return *n && sum ? dt * 1e9 / (double)*n : -1;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	int rounds = argc > 2 ? atoi(argv[2]) : 9;
	double ns[2][64];
	size_t n = 0;

	if (argc < 2 || rounds < 1 || rounds > 64) {
		fprintf(stderr, "usage: read_bench FILE.ior [ROUNDS (1-64)]\n");
		return 2;
	}
	for (int i = 0; i < rounds; i++) {
		for (int runs = 1; runs >= 0; runs--) {
			ns[runs][i] = read_once(argv[1], runs, &n);
			if (ns[runs][i] < 0) {
				fprintf(stderr, "read_bench: cannot read '%s'\n", argv[1]);
				return 1;
			}
		}
	}
	printf("%zu events, %d rounds\n", n, rounds);
	for (int runs = 1; runs >= 0; runs--) {
		qsort(ns[runs], (size_t)rounds, sizeof(double), cmp);
		printf("%-22s median %5.1f ns/event (%4.1f M events/s), best %5.1f (%4.1f M/s)\n",
		       runs ? "runs (next_run):" : "one record (next):", ns[runs][rounds / 2],
		       1e3 / ns[runs][rounds / 2], ns[runs][0], 1e3 / ns[runs][0]);
	}
	return 0;
}
