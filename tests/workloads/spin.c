// SPDX-License-Identifier: GPL-2.0-only
/*
 * spin: a steady stream of small preads, for the recorder's filter, signal, loss and
 * snapshot tests. Opens each FILE (kept open: a recording started later finds them in
 * its /proc snapshot), prints "ready" on stdout, then preads 4 KiB from each in turn
 * until SECONDS have passed or COUNT calls were made.
 *
 * Usage: spin [-n COMM] [-f] [-s SECONDS] [-c COUNT] FILE...
 *   -n COMM  rename itself first (prctl PR_SET_NAME)
 *   -f       fork a child doing the same (the parent waits for it)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_FILES 8

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void spin(const int *fds, int nfds, double seconds, long count)
{
	static char buf[4096];
	double end = now_s() + seconds;

	for (long i = 0; count ? i < count : 1; i++) {
		if (pread(fds[i % nfds], buf, sizeof(buf), 0) < 0)
			exit(1);
		/* reading the clock every call would double the cost of a loop turn */
		if (seconds > 0 && i % 1024 == 0 && now_s() >= end)
			break;
	}
}

int main(int argc, char **argv)
{
	double seconds = 0;
	long count = 0;
	int fds[MAX_FILES], nfds = 0, c, forked = 0;
	pid_t child = 0;

	while ((c = getopt(argc, argv, "n:fs:c:")) != -1) {
		if (c == 'n')
			prctl(PR_SET_NAME, optarg);
		else if (c == 'f')
			forked = 1;
		else if (c == 's')
			seconds = atof(optarg);
		else if (c == 'c')
			count = atol(optarg);
		else
			return 2;
	}
	for (; optind < argc && nfds < MAX_FILES; optind++)
		if ((fds[nfds++] = open(argv[optind], O_RDONLY)) < 0)
			return perror(argv[optind]), 1;
	if (!nfds || (!seconds && !count))
		return fprintf(stderr, "usage: spin [-n COMM] [-f] [-s SECONDS] [-c COUNT] FILE...\n"), 2;
	if (forked && (child = fork()) < 0)
		return perror("fork"), 1;
	if (child > 0 || !forked) {
		printf("ready\n");
		fflush(stdout);
	}
	spin(fds, nfds, seconds, count);
	if (child > 0)
		waitpid(child, NULL, 0);
	return 0;
}
