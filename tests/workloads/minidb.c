// SPDX-License-Identifier: GPL-2.0-only
/*
 * minidb: the demo's workload, a toy database with the I/O shape of a real one. Reader
 * threads pread random pages of table files, a writer thread appends to a write-ahead
 * log and syncs it every --sync-every commits, a checkpointer pwrites dirty pages and
 * fsyncs the tables, and lookups of a missing file fail with ENOENT. Running it with
 * a different --sync-every gives the "before" and "after" the demo compares.
 *
 * Usage: minidb [-d DIR] [-t SECONDS] [-s SYNC_EVERY] [-r READERS] [-p PAUSE_US]
 * (-p: readers pause between reads, for small recordings)
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define TABLES 6
#define PAGE 8192
#define PAGES 256

static const char *dir = "minidb-data";
static double seconds = 2.0;
static int sync_every = 16, readers = 2, pause_us;
static volatile int stop;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(const char *what)
{
	fprintf(stderr, "minidb: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int open_table(int i, int flags)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/base/table_%d.dat", dir, i);
	return open(path, flags | O_CLOEXEC, 0644);
}

static void create_tables(void)
{
	static char page[PAGE];
	char path[4096];

	snprintf(path, sizeof(path), "%s/base", dir);
	if ((mkdir(dir, 0755) && errno != EEXIST) || (mkdir(path, 0755) && errno != EEXIST))
		die(path);
	for (int t = 0; t < TABLES; t++) {
		int fd = open_table(t, O_RDWR | O_CREAT | O_TRUNC);

		if (fd < 0)
			die("table");
		for (int p = 0; p < PAGES; p++) {
			memset(page, 'a' + (p + t) % 26, sizeof(page));
			if (write(fd, page, PAGE) != PAGE)
				die("write");
		}
		close(fd);
	}
}

static void *reader(void *arg)
{
	unsigned seed = (unsigned)(uintptr_t)arg;
	char page[PAGE], name[16];
	int fds[TABLES];

	snprintf(name, sizeof(name), "reader-%u", seed);
	prctl(PR_SET_NAME, name);
	for (int t = 0; t < TABLES; t++)
		if ((fds[t] = open_table(t, O_RDONLY)) < 0)
			die("open");
	while (!stop) {
		int t = rand_r(&seed) % 3 ? 0 : rand_r(&seed) % TABLES; /* table 0 is hot */
		off_t off = (off_t)(rand_r(&seed) % PAGES) * PAGE;
		struct stat st;

		if (pread(fds[t], page, PAGE, off) != PAGE)
			die("pread");
		if (rand_r(&seed) % 64 == 0 && fstat(fds[t], &st))
			die("fstat");
		if (rand_r(&seed) % 128 == 0) { /* a lookup that fails, as config probes do */
			char path[4096];

			snprintf(path, sizeof(path), "%s/base/table_%d.idx", dir, t);
			if (access(path, R_OK) == 0 || errno != ENOENT)
				die("access");
		}
		if (pause_us)
			usleep((useconds_t)pause_us);
	}
	for (int t = 0; t < TABLES; t++)
		close(fds[t]);
	return NULL;
}

static void *wal_writer(void *arg)
{
	char rec[512], path[4096];
	int fd, n = 0;

	(void)arg;
	prctl(PR_SET_NAME, "wal-writer");
	snprintf(path, sizeof(path), "%s/wal.log", dir);
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die("wal");
	memset(rec, 'w', sizeof(rec));
	while (!stop) {
		if (write(fd, rec, sizeof(rec)) != (ssize_t)sizeof(rec))
			die("wal write");
		if (++n % sync_every == 0 && fdatasync(fd))
			die("fdatasync");
		usleep(200);
	}
	close(fd);
	return NULL;
}

static void *checkpointer(void *arg)
{
	char page[PAGE];
	unsigned seed = 7;

	(void)arg;
	prctl(PR_SET_NAME, "checkpointer");
	memset(page, 'c', sizeof(page));
	while (!stop) {
		for (int t = 0; t < TABLES && !stop; t++) {
			int fd = open_table(t, O_WRONLY);

			if (fd < 0)
				die("open");
			for (int i = 0; i < 8; i++)
				if (pwrite(fd, page, PAGE, (off_t)(rand_r(&seed) % PAGES) * PAGE) != PAGE)
					die("pwrite");
			if (fsync(fd))
				die("fsync");
			close(fd);
		}
		usleep(50000);
	}
	return NULL;
}

int main(int argc, char **argv)
{
	pthread_t th[2 + 16];
	int opt, n = 0;
	double end;

	while ((opt = getopt(argc, argv, "d:t:s:r:p:")) != -1) {
		if (opt == 'd')
			dir = optarg;
		else if (opt == 't')
			seconds = atof(optarg);
		else if (opt == 's')
			sync_every = atoi(optarg) > 0 ? atoi(optarg) : 1;
		else if (opt == 'r')
			readers = atoi(optarg) > 0 && atoi(optarg) <= 16 ? atoi(optarg) : 2;
		else if (opt == 'p')
			pause_us = atoi(optarg) > 0 ? atoi(optarg) : 0;
		else
			return fprintf(stderr, "usage: minidb [-d DIR] [-t SECONDS] [-s SYNC_EVERY] "
					       "[-r READERS] [-p PAUSE_US]\n"), 2;
	}
	create_tables();
	pthread_create(&th[n++], NULL, wal_writer, NULL);
	pthread_create(&th[n++], NULL, checkpointer, NULL);
	for (int r = 0; r < readers; r++)
		pthread_create(&th[n++], NULL, reader, (void *)(uintptr_t)(r + 1));
	end = now() + seconds;
	while (now() < end)
		usleep(10000);
	stop = 1;
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
	return 0;
}
