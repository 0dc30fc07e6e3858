// SPDX-License-Identifier: GPL-2.0-only
/*
 * The .ior format's figures: writer ns/event (encode + compress + write), reader
 * events/s on one core, bytes per event on disk, on a synthetic stream shaped like a
 * real trace: a few hundred threads each reading its files mostly sequentially in
 * fixed-size requests, 500 paths, exit-ordered events from two CPUs, durations with
 * long tails. Events are generated before the clock starts.
 *
 * Usage: format_bench [EVENTS] [ROUNDS] [LEVEL] [KEEP.ior]. Rounds interleave writing
 * and reading; medians are printed. LEVEL 0, the default, is the writer's default
 * compression (format/zparams.c); others are zstd levels. KEEP.ior receives a copy of
 * the last round's recording. Targets (issue 2): writer <= 100 ns/event, reader >= 20 M
 * events/s, <= 10 bytes/event at the default level.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <zstd.h>

#include "format/internal.h"
#include "format/ior_format.h"
#include "format/zparams.h"

static const struct ior_syscall_name names[] = {
	{ 0, "read" },	     { 1, "write" },	 { 3, "close" },   { 5, "fstat" },
	{ 8, "lseek" },	     { 17, "pread64" },	 { 18, "pwrite64" }, { 74, "fsync" },
	{ 257, "openat" },   { 262, "newfstatat" },
};

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/*
 * Per-thread state, so that the stream has the structure of a real trace: each thread
 * works on its own files, reads them mostly sequentially in fixed-size requests, and
 * runs of events come from one thread at a time on each of two CPUs.
 */
struct thread_state {
	int32_t fd;
	uint64_t offset;
	uint32_t size;
};

#define NTHREADS 300

static struct thread_state threads[NTHREADS];

static uint64_t duration(uint64_t *s, uint64_t base)
{
	uint64_t r = rnd(s);

	/* mostly near base, sometimes ten or a thousand times longer (cache misses, disk) */
	if (r % 100 == 0)
		return base * 1000 + r % 100000;
	if (r % 10 == 0)
		return base * 10 + r % 5000;
	return base + r % (base / 2);
}

static void fd_event(struct ior_event *ev, uint64_t *s, struct thread_state *th, uint64_t kind)
{
	ev->fd = th->fd;
	if (kind < 45) { /* sequential pread64 */
		ev->nr = 17;
		ev->ret = th->size;
		ev->aux = th->offset;
		th->offset += th->size;
		ev->dur_ns = duration(s, 400);
	} else if (kind < 70) { /* read/write of the request size */
		ev->nr = kind < 60 ? 0 : 1;
		ev->ret = th->size;
		ev->aux = th->size;
		ev->dur_ns = duration(s, kind < 60 ? 350 : 900);
	} else if (kind < 80) {
		ev->nr = 8; /* lseek */
		ev->aux = th->offset = (rnd(s) % 4096) * th->size;
		ev->ret = (int64_t)th->offset;
		ev->dur_ns = duration(s, 120);
	} else {
		ev->nr = kind < 88 ? 5 : kind < 96 ? 3 : 74; /* fstat, close, fsync */
		ev->dur_ns = duration(s, ev->nr == 74 ? 200000 : 250);
	}
	if (ev->nr <= 17 && ev->nr != 8)
		ev->bytes = (uint64_t)ev->ret;
}

static void path_event(struct ior_event *ev, uint64_t *s, struct thread_state *th,
		       const uint32_t *paths, uint64_t r)
{
	ev->fd = -100;
	ev->path = paths[(r >> 20) % 500];
	if ((r >> 40) % 2) {
		ev->nr = 257; /* openat */
		ev->flags = 0x80000;
		ev->ret = (r >> 50) % 10 ? th->fd : -2;
		ev->dur_ns = duration(s, 1500);
		th->offset = 0;
	} else {
		ev->nr = 262; /* newfstatat */
		ev->ret = (r >> 50) % 20 ? 0 : -2;
		ev->dur_ns = duration(s, 700);
	}
}

static void make_event(struct ior_event *ev, uint64_t *s, int64_t *t, const uint32_t *paths)
{
	static uint32_t current[2];
	uint64_t r = rnd(s), cpu = r & 1, kind = (r >> 9) % 100;
	struct thread_state *th;

	if ((r >> 1) % 8 == 0) /* a CPU switches to another thread */
		current[cpu] = (uint32_t)((r >> 30) % NTHREADS);
	th = &threads[current[cpu]];
	if (!th->size) {
		th->fd = 3 + (int32_t)((r >> 20) % 60);
		th->size = 4096u << ((r >> 24) % 3);
	}
	*t += 200 + (int64_t)(rnd(s) % 800);
	*ev = (struct ior_event){ .start_ns = *t,
				  .pid = 2000 + current[cpu] / 8,
				  .tid = 2000 + current[cpu],
				  .fd = IOR_FD_NONE,
				  .fd2 = IOR_FD_NONE };
	if (kind < 85)
		fd_event(ev, s, th, kind);
	else
		path_event(ev, s, th, paths, r);
	ev->start_ns -= (int64_t)ev->dur_ns; /* events arrive in exit order */
}

struct result {
	double write_ns, read_meps, bytes_per_event;
};

/* Events are generated once, before timing, and replayed shifted in time. */
#define BLOCK (1u << 20)

static struct ior_event *make_block(const uint32_t *paths, int64_t *span)
{
	struct ior_event *evs = malloc(BLOCK * sizeof(*evs));
	uint64_t s = 88172645463325252ULL;
	int64_t t = 0;

	if (!evs)
		return NULL;
	for (size_t i = 0; i < BLOCK; i++)
		make_event(&evs[i], &s, &t, paths);
	*span = t;
	return evs;
}

static int write_round(int fd, size_t n, int level, double *ns)
{
	const char *argv[] = { "format_bench" };
	struct ior_header h = { .tool_version = IOR_VERSION, .hostname = "bench",
				.kernel = "6.18", .arch = "x86_64", .ncpus = 2,
				.clock = "monotonic", .argv = argv, .argc = 1,
				.syscalls = names, .nsyscalls = 10 };
	struct ior_writer_opts o = { .level = level };
	struct ior_writer *w = ior_writer__open(fd, &h, &o);
	static struct ior_event *evs;
	static uint32_t paths[500];
	static int64_t span;
	char buf[128];
	double t0;

	if (!w)
		return -1;
	for (int i = 0; i < 500; i++) /* the same ids every round: interned first */
		paths[i] = ior_writer__intern(w, buf,
					      (size_t)snprintf(buf, sizeof(buf),
							       "/var/lib/mysql/db%d/table_%d.ibd",
							       i % 7, i));
	if (!evs && !(evs = make_block(paths, &span)))
		return -1;
	t0 = now();
	for (size_t i = 0; i < n; i++) {
		struct ior_event ev = evs[i % BLOCK];

		ev.start_ns += (int64_t)(i / BLOCK) * span;
		if (ior_writer__append_event(w, &ev))
			return -1;
	}
	if (ior_writer__close(w, NULL))
		return -1;
	*ns = (now() - t0) * 1e9 / (double)n;
	return 0;
}

/*
 * Read the recording back, with runs of events (ior_reader__next_run, what the analyzer
 * uses) or one record per call (ior_reader__next).
 */
static int read_round(int fd, size_t n, bool runs, double *meps)
{
	struct ior_reader *r;
	struct ior_record rec;
	size_t got = 0;
	uint64_t sum = 0;
	double t0 = now();

	lseek(fd, 0, SEEK_SET);
	r = ior_reader__open(fd, NULL);
	if (!r)
		return -1;
	while ((runs ? ior_reader__next_run(r, &rec) : ior_reader__next(r, &rec)) > 0) {
		if (rec.type == IOR_REC_EVENTS) {
			for (size_t i = 0; i < rec.events.n; i++)
				sum += rec.events.v[i].bytes; /* use the data */
			got += rec.events.n;
		} else if (rec.type == IOR_REC_EVENT) {
			got++;
			sum += rec.event.bytes;
		}
	}
	ior_reader__close(r);
	*meps = (double)got / (now() - t0) / 1e6;
	if (got != n || !sum)
		return -1;
	return 0;
}

/*
 * The recording's zstd frames decompressed one after the other into raw; their sizes
 * in len[], *nframes of them (skippable frames skipped). Returns raw's length or 0.
 */
static size_t frames_raw(const uint8_t *file, size_t size, uint8_t *raw, size_t raw_cap,
			 size_t *len, size_t max_frames, size_t *nframes)
{
	size_t pos = IOR_MAGIC_LEN, raw_len = 0;

	*nframes = 0;
	while (pos < size && *nframes < max_frames) {
		size_t fsize = ZSTD_findFrameCompressedSize(file + pos, size - pos), n;

		if (ZSTD_isError(fsize))
			return 0;
		if ((ior_get_le32(file + pos) & 0xfffffff0u) != IOR_SKIP_MAGIC_MIN) {
			n = ZSTD_decompress(raw + raw_len, raw_cap - raw_len, file + pos, fsize);
			if (ZSTD_isError(n))
				return 0;
			len[(*nframes)++] = n;
			raw_len += n;
		}
		pos += fsize;
	}
	return raw_len;
}

/*
 * The floor in the same run: zstd alone compressing and decompressing the very bytes
 * the writer produced, frame by frame as the writer framed them, fed in 128 KiB steps
 * (the writer's staging buffer), with the same parameters.
 */
static int zstd_floor(int fd, size_t n, int level, double *c_ns, double *d_ns)
{
	enum { MAX_FRAMES = 4096, STEP = 128 << 10 };
	off_t size = lseek(fd, 0, SEEK_END);
	uint8_t *file = malloc((size_t)size), *raw, *z;
	size_t raw_cap = (size_t)size * 8 + (1 << 20), raw_len, zlen, nframes;
	static size_t len[MAX_FRAMES];
	ZSTD_CCtx *cc = ZSTD_createCCtx();
	double t0;

	raw = malloc(raw_cap);
	if (!file || !raw || pread(fd, file, (size_t)size, 0) != size)
		return -1;
	raw_len = frames_raw(file, (size_t)size, raw, raw_cap, len, MAX_FRAMES, &nframes);
	if (!raw_len || nframes == MAX_FRAMES)
		return -1;
	z = malloc(ZSTD_compressBound(raw_len) + nframes * 64);
	if (ior_zstd_params(cc, level, IOR_CHUNK_DEFAULT))
		return -1;
	t0 = now();
	ZSTD_outBuffer out = { z, ZSTD_compressBound(raw_len) + nframes * 64, 0 };
	const uint8_t *frame = raw;

	for (size_t f = 0; f < nframes; frame += len[f++]) {
		for (size_t pos = 0; pos < len[f]; pos += STEP) {
			ZSTD_inBuffer in = { frame + pos, len[f] - pos < STEP ? len[f] - pos : STEP,
					     0 };

			while (in.pos < in.size)
				ZSTD_compressStream2(cc, &out, &in, ZSTD_e_continue);
		}
		ZSTD_inBuffer end = { NULL, 0, 0 };

		while (ZSTD_compressStream2(cc, &out, &end, ZSTD_e_end))
			;
	}
	*c_ns = (now() - t0) * 1e9 / (double)n;
	zlen = out.pos;
	t0 = now();
	if (ZSTD_isError(ZSTD_decompress(raw, raw_cap, z, zlen)))
		return -1;
	*d_ns = (now() - t0) * 1e9 / (double)n;
	ZSTD_freeCCtx(cc);
	free(file);
	free(raw);
	free(z);
	return 0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* A copy of the recording in fd (size bytes) at path, for read_bench and profilers. */
static int keep_copy(int fd, off_t size, const char *path)
{
	char *buf = malloc((size_t)size);
	FILE *f = buf ? fopen(path, "wb") : NULL;
	int err = !f || pread(fd, buf, (size_t)size, 0) != size ||
		  fwrite(buf, 1, (size_t)size, f) != (size_t)size;

	if (f && fclose(f))
		err = 1;
	free(buf);
	return err ? -1 : 0;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;
	int rounds = argc > 2 ? atoi(argv[2]) : 5;
	int level = argc > 3 ? atoi(argv[3]) : IOR_LEVEL_DEFAULT;
	const char *keep = argc > 4 ? argv[4] : NULL;
	double wr[32], rd[32], rr[32], zc[32], zd[32];
	off_t size = 0;

	if (rounds < 1 || rounds > 32)
		rounds = 5;
	for (int i = 0; i < rounds; i++) {
		int fd = memfd_create("bench", 0);

		if (fd < 0 || write_round(fd, n, level, &wr[i]) ||
		    read_round(fd, n, true, &rr[i]) || read_round(fd, n, false, &rd[i]) ||
		    zstd_floor(fd, n, level, &zc[i], &zd[i])) {
			fprintf(stderr, "format_bench: round %d failed\n", i);
			return 1;
		}
		size = lseek(fd, 0, SEEK_END);
		if (keep && i == rounds - 1 && keep_copy(fd, size, keep)) {
			fprintf(stderr, "format_bench: cannot write '%s'\n", keep);
			return 1;
		}
		close(fd);
	}
	qsort(wr, (size_t)rounds, sizeof(double), cmp);
	qsort(rd, (size_t)rounds, sizeof(double), cmp);
	qsort(rr, (size_t)rounds, sizeof(double), cmp);
	qsort(zc, (size_t)rounds, sizeof(double), cmp);
	qsort(zd, (size_t)rounds, sizeof(double), cmp);
	printf("events %zu, zstd level %d%s, %d rounds (medians)\n", n, level,
	       level == IOR_LEVEL_DEFAULT ? " (the writer's default)" : "", rounds);
	printf("writer: %.1f ns/event (encode + compress + write to memfd)\n", wr[rounds / 2]);
	printf("reader: %.1f M events/s on one core (%.1f ns/event) in runs of events\n",
	       rr[rounds / 2], 1e3 / rr[rounds / 2]);
	printf("        %.1f M events/s (%.1f ns/event) one record per call\n", rd[rounds / 2],
	       1e3 / rd[rounds / 2]);
	printf("size:   %.2f bytes/event (%lld bytes)\n", (double)size / (double)n,
	       (long long)size);
	printf("floor:  zstd alone on the same bytes: compress %.1f ns/event, decompress %.1f "
	       "ns/event\n", zc[rounds / 2], zd[rounds / 2]);
	printf("ours:   writer %.1f ns/event above zstd, reader %.1f ns/event above zstd\n",
	       wr[rounds / 2] - zc[rounds / 2], 1e3 / rr[rounds / 2] - zd[rounds / 2]);
	return 0;
}
