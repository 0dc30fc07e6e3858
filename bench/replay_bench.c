// SPDX-License-Identifier: GPL-2.0-only
/*
 * Replay cost per event: the state machine of analyzer/replay.c alone (the records are
 * decoded beforehand), on a synthetic stream shaped like a busy host: 200 processes from
 * a snapshot with cwds and open fds, doing reads and writes on their fds, fstat through
 * newfstatat(fd, ""), opens of relative and absolute paths, dirfd-relative opens, stats,
 * closes, mmaps, and forks, execs and exits now and then.
 * Prints ns per event and events per second, the median of interleaved runs, and the
 * replay's live state at the end; no assertions.
 * Usage: replay_bench [events [runs]]
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "analyzer/replay.h"

#define NPROCS 200
#define MAXFD 24
#define MAXRUNS 15
#define AT_FDCWD_ (-100)

static const char *const names[] = {"read",	  "write", "pread64", "openat", "close",
				    "newfstatat", "mmap",  "munmap",  "fcntl",	"dup2"};
enum { READ, WRITE, PREAD, OPENAT, CLOSE, FSTATAT, MMAP, MUNMAP, FCNTL, DUP2, NNAMES };

static struct ior_syscall_name table[NNAMES];
static struct ior_writer *w;
static int64_t now = 1000000000;
static uint64_t rng = 88172645463325252ull;
static uint32_t procs[NPROCS];
static uint8_t open_fd[NPROCS][MAXFD];
static uint32_t next_pid = 10000;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static uint32_t str(const char *s)
{
	return ior_writer__intern(w, s, strlen(s));
}

static void event(int p, int sc, int32_t fd, const char *path, int64_t ret)
{
	struct ior_event ev = {.start_ns = now,
			       .dur_ns = 500 + rnd() % 5000,
			       .pid = procs[p],
			       .tid = procs[p],
			       .nr = (uint32_t)sc,
			       .ret = ret,
			       .fd = fd,
			       .fd2 = IOR_FD_NONE,
			       .path = path ? str(path) : 0,
			       .bytes = 4096};

	now += 700;
	if (sc == MMAP || sc == MUNMAP)
		ev.aux = 0x7f0000000000ull + (uint64_t)fd * 0x100000;
	ior_writer__append_event(w, &ev);
}

static void proc_rec(struct ior_proc p)
{
	p.time_ns = now;
	now += 100;
	ior_writer__append_proc(w, &p);
}

static void snapshot(void)
{
	char buf[64];

	for (int p = 0; p < NPROCS; p++) {
		procs[p] = 1000 + (uint32_t)p;
		snprintf(buf, sizeof(buf), "/srv/app/w%d", p % 20);
		proc_rec((struct ior_proc){.kind = IOR_PROC_SNAP,
					   .pid = procs[p],
					   .tid = procs[p],
					   .comm = str("worker"),
					   .path = str(buf),
					   .path2 = str("/")});
		for (int fd = 0; fd < 8; fd++) {
			snprintf(buf, sizeof(buf), "/var/lib/db/t%d.ibd", (p + fd) % 64);
			proc_rec((struct ior_proc){.kind = IOR_PROC_FD,
						   .pid = procs[p],
						   .tid = procs[p],
						   .code = fd,
						   .path = str(buf)});
			open_fd[p][fd] = 1;
		}
	}
}

/* A random open fd of process p (>= 3 when it has one), or -1. */
static int some_fd(int p)
{
	for (int tries = 0; tries < 8; tries++) {
		int fd = 3 + (int)(rnd() % (MAXFD - 3));

		if (open_fd[p][fd])
			return fd;
	}
	return -1;
}

static void lifecycle(int p)
{
	uint32_t child = next_pid++;

	proc_rec((struct ior_proc){.kind = IOR_PROC_FORK,
				   .pid = child,
				   .tid = child,
				   .ppid = procs[p],
				   .ptid = procs[p],
				   .clone_flags = 0x11});
	proc_rec((struct ior_proc){.kind = IOR_PROC_EXEC,
				   .pid = child,
				   .tid = child,
				   .ptid = child,
				   .comm = str("helper"),
				   .path = str("/bin/h")});
	proc_rec((struct ior_proc){.kind = IOR_PROC_EXIT, .pid = child, .tid = child, .flags = 1});
}

static void one(void)
{
	int p = (int)(rnd() % NPROCS), fd = some_fd(p), r = (int)(rnd() % 100);
	char path[96];

	if (r < 45 && fd >= 0) {
		event(p, r % 3 == 0 ? WRITE : r % 3 == 1 ? PREAD : READ, fd, NULL, 4096);
	} else if (r < 60 && fd >= 0) {
		event(p, FSTATAT, fd, "", 0);
	} else if (r < 72) {
		fd = 3 + (int)(rnd() % (MAXFD - 3));
		snprintf(path, sizeof(path),
			 r % 2 ? "data/./f%d.dat" : "/var/log/app/%d/../x%d.log",
			 (int)(rnd() % 1000), (int)(rnd() % 50));
		event(p, OPENAT, AT_FDCWD_, path, open_fd[p][fd] ? -24 : fd);
		if (!open_fd[p][fd])
			open_fd[p][fd] = 1;
	} else if (r < 82 && fd >= 0) {
		event(p, CLOSE, fd, NULL, 0);
		open_fd[p][fd] = 0;
	} else if (r < 92) {
		snprintf(path, sizeof(path), "cache/%d/entry", (int)(rnd() % 500));
		event(p, FSTATAT, AT_FDCWD_, path, -2);
	} else if (r < 96 && fd >= 0) {
		event(p, r % 2 ? MMAP : MUNMAP, fd, NULL, 0x7f0000000000ll + fd * 0x100000ll);
	} else if (r < 98 && fd >= 0) {
		event(p, FCNTL, fd, NULL, 0);
	} else if (r == 98) {
		lifecycle(p);
	} else {
		event(p, READ, 999, NULL, -9); /* EBADF */
	}
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* One pass over the recording in fd: decoding only, or decoding and replay. ns per event. */
static double pass(int fd, bool replay, struct ior_replay_stats *st, size_t *nev)
{
	struct ior_reader *r;
	struct ior_replay *rp = NULL;
	struct ior_record rec;
	struct ior_revent re;
	double t0;

	lseek(fd, 0, SEEK_SET);
	r = ior_reader__open(fd, NULL);
	if (!r || (replay && !(rp = ior_replay__new(r))))
		exit(1);
	*nev = 0;
	t0 = now_ns();
	while (ior_reader__next(r, &rec) > 0) {
		*nev += rec.type == IOR_REC_EVENT;
		if (replay)
			ior_replay__apply(rp, &rec, &re);
	}
	t0 = (now_ns() - t0) / (double)*nev;
	if (replay)
		ior_replay__stats(rp, st);
	ior_replay__free(rp);
	ior_reader__close(r);
	return t0;
}

int main(int argc, char **argv)
{
	size_t nevents = argc > 1 ? strtoul(argv[1], NULL, 10) : 2000000;
	int runs = argc > 2 ? atoi(argv[2]) : 7, fd = memfd_create("replay-bench", 0);
	struct ior_header h = {.major = IOR_FORMAT_MAJOR,
			       .tool_version = "bench",
			       .hostname = "b",
			       .kernel = "6.18",
			       .arch = "x86_64",
			       .ncpus = 2,
			       .clock = "monotonic",
			       .start_ns = now,
			       .options = "",
			       .syscalls = table,
			       .nsyscalls = NNAMES};
	struct ior_replay_stats st = {0};
	double t[MAXRUNS], d[MAXRUNS];
	size_t nev = 0;

	if (runs < 1 || runs > MAXRUNS)
		runs = 7;
	for (int i = 0; i < NNAMES; i++)
		table[i] = (struct ior_syscall_name){.nr = (uint32_t)i, .name = names[i]};
	w = ior_writer__open(fd, &h, NULL);
	if (fd < 0 || !w)
		return 1;
	snapshot();
	for (size_t i = 0; i < nevents; i++)
		one();
	ior_writer__close(w, &(struct ior_end){.time_ns = now});
	/* interleaved: decoding alone, then decoding and replay; the difference is the replay */
	for (int k = 0; k < runs; k++) {
		d[k] = pass(fd, false, &st, &nev);
		t[k] = pass(fd, true, &st, &nev) - d[k];
	}
	qsort(d, (size_t)runs, sizeof(d[0]), cmp_double);
	qsort(t, (size_t)runs, sizeof(t[0]), cmp_double);
	printf("replay: %zu events: %.1f ns/event on top of decoding (%.1f ns/event), "
	       "%.1f M events/s (medians of %d)\n",
	       nev, t[runs / 2], d[runs / 2], 1e3 / t[runs / 2], runs);
	printf("        fd events %.2f %% resolved, path arguments %.2f %% absolute, "
	       "%llu open files at the end\n",
	       100.0 * (double)st.fd_resolved / (double)(st.fd_events ? st.fd_events : 1),
	       100.0 * (double)st.path_absolute / (double)(st.path_events ? st.path_events : 1),
	       (unsigned long long)st.open_files);
	close(fd);
	return 0;
}
