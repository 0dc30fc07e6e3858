// SPDX-License-Identifier: GPL-2.0-only
/*
 * record_bench: the recorder's benchmark pieces, driven by scripts/bench-record.sh.
 *
 *   record_bench loop OP N       time N calls of OP, print the median ns per call of
 *                                9 blocks (thread CPU time, or wall-clock time with
 *                                IOR_BENCH_WALL set): pread (4 KiB from the page cache), openclose
 *                                (openat + close), writesync (64 B write + fdatasync on
 *                                tmpfs), getppid (a syscall ior does not record),
 *                                mostlyother (1 pread, 9 getppid), smallfile (openat,
 *                                fstat, pread, close)
 *   record_bench baseline MODE   attach the count-only programs (btf: tp_btf
 *                                sys_enter/sys_exit on every syscall; tracepoint: the
 *                                syscalls ior records), print "ready", run until SIGINT
 *   record_bench rate EPS SECS   preads paced at EPS per second for SECS seconds (two
 *                                threads); print the rate reached
 *   record_bench drain N         the consumer alone: N ring-buffer records through
 *                                ior_drain into a writer on /dev/null; ns per record
 *   record_bench cputime CMD...  run CMD (output discarded), print its CPU time in ns
 */
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "baseline.skel.h"
#include "recorder/capture.h"
#include "recorder/drain.h"
#include "recorder/plan.h"
#include "recorder/sysnr.h"
#include "recorder/tracefs.h"

#define BLOCKS 9

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/*
 * This thread's CPU time: the syscalls and the BPF programs they run are charged to it,
 * the time other work on the machine takes the CPU away is not (our machines are shared
 * and small: wall-clock loops vary by 2-5x between runs).
 */
static double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

struct op {
	const char *name;
	int calls; /* syscalls per iteration */
	void (*fn)(int fd);
	int (*setup)(void);
};

static char buf[4096];

static void op_pread(int fd)
{
	if (pread(fd, buf, sizeof(buf), 0) != sizeof(buf))
		exit(1);
}

static void op_openclose(int fd)
{
	int f = (int)syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY);

	if (f < 0)
		exit(1);
	syscall(SYS_close, f);
}

static void op_writesync(int fd)
{
	if (pwrite(fd, buf, 64, 0) != 64 || fdatasync(fd))
		exit(1);
}

static void op_getppid(int fd)
{
	syscall(SYS_getppid);
}

/* Mostly not file I/O: one recorded pread among nine unrecorded getppid. */
static void op_mostly_other(int fd)
{
	op_pread(fd);
	for (int i = 0; i < 9; i++)
		syscall(SYS_getppid);
}

/* File I/O only: open, fstat, read, close, as a program reading small files does. */
static void op_smallfile(int fd)
{
	struct stat st;
	int f = (int)syscall(SYS_openat, AT_FDCWD, "/etc/hostname", O_RDONLY);

	if (f < 0 || syscall(SYS_fstat, f, &st) || syscall(SYS_pread64, f, buf, 4096, 0) < 0)
		exit(1);
	syscall(SYS_close, f);
}

static int setup_pread(void)
{
	char path[] = "/dev/shm/record_bench-XXXXXX";
	int fd = mkstemp(path);

	unlink(path);
	if (fd < 0 || pwrite(fd, buf, sizeof(buf), 0) != sizeof(buf))
		exit(1);
	return fd;
}

static const struct op ops[] = {
	{ "pread", 1, op_pread, setup_pread },
	{ "openclose", 2, op_openclose, NULL },
	{ "writesync", 2, op_writesync, setup_pread },
	{ "getppid", 1, op_getppid, NULL },
	{ "mostlyother", 10, op_mostly_other, setup_pread },
	{ "smallfile", 4, op_smallfile, NULL },
};

static int cmd_loop(const char *name, long n)
{
	const struct op *op = NULL;
	double block[BLOCKS];
	int fd = -1;

	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		if (strcmp(ops[i].name, name) == 0)
			op = &ops[i];
	if (!op || n < BLOCKS)
		return 2;
	if (op->setup)
		fd = op->setup();
	for (long i = 0; i < n / 10; i++) /* warm up */
		op->fn(fd);
	/* wall-clock when asked: ptrace-based tracers cost waiting, not this thread's CPU */
	double (*clock_ns)(void) = getenv("IOR_BENCH_WALL") ? now_ns : cpu_ns;

	for (int b = 0; b < BLOCKS; b++) {
		double t0 = clock_ns();

		for (long i = 0; i < n / BLOCKS; i++)
			op->fn(fd);
		block[b] = (clock_ns() - t0) / (n / BLOCKS);
	}
	qsort(block, BLOCKS, sizeof(block[0]), cmp_double);
	/* per iteration; divide by op->calls for per-syscall figures */
	printf("%s %.1f %d\n", op->name, block[BLOCKS / 2], op->calls);
	return 0;
}

/* ---- the count-only baseline -------------------------------------------------------- */
static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

static bool tp_event(const char *name, char *out, size_t len, void *ctx)
{
	return ior_tracefs__syscall_event(ctx, name, out, len);
}

/* Attach the tracepoint programs to every syscall ior records (the same set). */
static int attach_tps(struct baseline_bpf *skel, struct bpf_link **links, unsigned int *n)
{
	static struct ior_plan plan;
	const char *dir = ior_tracefs__dir();
	struct ior_plan_opts po = { .event = tp_event, .ctx = (void *)dir };
	char err[256], tp[64];

	if (!dir || ior_plan__build(&plan, &po, err, sizeof(err)))
		return -1;
	for (unsigned int nr = 0; nr < IOR_WIRE_MAX_NR; nr++) {
		if (!ior_plan__on(&plan, nr))
			continue;
		snprintf(tp, sizeof(tp), "sys_enter_%s", plan.event[nr]);
		links[(*n)++] = bpf_program__attach_tracepoint(skel->progs.base_tp_enter, "syscalls", tp);
		snprintf(tp, sizeof(tp), "sys_exit_%s", plan.event[nr]);
		links[(*n)++] = bpf_program__attach_tracepoint(skel->progs.base_tp_exit, "syscalls", tp);
		if (!links[*n - 1] || !links[*n - 2])
			return -1;
	}
	return 0;
}

static int cmd_baseline(const char *mode)
{
	static struct bpf_link *links[2 * IOR_WIRE_MAX_NR];
	bool btf = strcmp(mode, "btf") == 0;
	struct baseline_bpf *skel = baseline_bpf__open();
	unsigned int n = 0;

	if (!skel)
		return 1;
	bpf_program__set_autoload(skel->progs.base_btf_enter, btf);
	bpf_program__set_autoload(skel->progs.base_btf_exit, btf);
	bpf_program__set_autoload(skel->progs.base_tp_enter, !btf);
	bpf_program__set_autoload(skel->progs.base_tp_exit, !btf);
	if (baseline_bpf__load(skel))
		return 1;
	if (btf) {
		links[n++] = bpf_program__attach(skel->progs.base_btf_enter);
		links[n++] = bpf_program__attach(skel->progs.base_btf_exit);
		if (!links[0] || !links[1])
			return 1;
	} else if (attach_tps(skel, links, &n)) {
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("ready\n");
	fflush(stdout);
	while (!stop)
		pause();
	ior_capture_release_links(links, n);
	return 0;
}

/* ---- a paced event rate -------------------------------------------------------------- */
struct pace {
	double eps;
	double seconds;
	long done;
};

static void *pace_thread(void *arg)
{
	struct pace *p = arg;
	int fd = setup_pread();
	double t0 = now_ns(), end = t0 + p->seconds * 1e9, t;

	while ((t = now_ns()) < end) {
		long due = (long)((t - t0) * p->eps / 1e9);

		while (p->done < due) {
			op_pread(fd);
			p->done++;
		}
	}
	close(fd);
	return NULL;
}

static int cmd_rate(double eps, double seconds, int threads)
{
	struct pace p[8];
	pthread_t tid[8];
	long total = 0;

	if (threads < 1 || threads > 8)
		return 2;
	for (int i = 0; i < threads; i++) {
		p[i] = (struct pace){ .eps = eps / threads, .seconds = seconds };
		pthread_create(&tid[i], NULL, pace_thread, &p[i]);
	}
	for (int i = 0; i < threads; i++) {
		pthread_join(tid[i], NULL);
		total += p[i].done;
	}
	printf("rate %.0f events/s (%ld preads in %.1f s, %d threads)\n", total / seconds, total,
	       seconds, threads);
	return 0;
}

/* ---- the consumer alone ------------------------------------------------------------- */
static int cmd_drain(long n)
{
	static const struct ior_syscall_name names[] = { { 17, "pread64" }, { 257, "openat" } };
	const char *argv[] = { "record_bench" };
	struct ior_header h = {
		.major = IOR_FORMAT_MAJOR, .minor = IOR_FORMAT_MINOR, .tool_version = "bench",
		.hostname = "h", .kernel = "k", .arch = "a", .ncpus = 1, .clock = "monotonic",
		.argv = argv, .argc = 1, .options = "", .syscalls = names, .nsyscalls = 2,
	};
	char rec[sizeof(struct ior_wire_event) + 64];
	struct ior_wire_event *e = (struct ior_wire_event *)rec;
	int fd = open("/dev/null", O_WRONLY);
	struct ior_drain d;
	double t0;

	if (ior_drain__init(&d, ior_writer__open(fd, &h, NULL), 1) || !d.w)
		return 1;
	memset(rec, 0, sizeof(rec));
	*e = (struct ior_wire_event){ .type = IOR_WIRE_EVENT, .pid = 100, .tid = 100, .nr = 17,
				      .fd = 3, .fd2 = IOR_WIRE_FD_NONE, .ret = 4096,
				      .bytes = 4096, .aux = 4096 };
	t0 = now_ns();
	for (long i = 0; i < n; i++) {
		e->start_ns += 700 + (i & 63);
		e->dur_ns = 300 + (i & 15);
		e->tid = 100 + (i & 3);
		if (ior_drain__record(&d, rec, sizeof(*e)))
			return 1;
	}
	printf("drain %.1f ns/record (%ld plain pread records into a writer on /dev/null)\n",
	       (now_ns() - t0) / n, n);
	ior_writer__close(d.w, &(struct ior_end){ 0 });
	ior_drain__fini(&d);
	return 0;
}

/* CPU time (user + system) of a command, from wait4's rusage, in ns. */
static int cmd_cputime(char **argv)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid)
		return 1;
	printf("%.0f\n", (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e9 +
				 (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1e3);
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	if (argc == 4 && strcmp(argv[1], "loop") == 0)
		return cmd_loop(argv[2], atol(argv[3]));
	if (argc == 3 && strcmp(argv[1], "baseline") == 0)
		return cmd_baseline(argv[2]);
	if (argc >= 4 && strcmp(argv[1], "rate") == 0)
		return cmd_rate(atof(argv[2]), atof(argv[3]), argc > 4 ? atoi(argv[4]) : 1);
	if (argc == 3 && strcmp(argv[1], "drain") == 0)
		return cmd_drain(atol(argv[2]));
	if (argc >= 3 && strcmp(argv[1], "cputime") == 0)
		return cmd_cputime(argv + 2);
	fprintf(stderr, "usage: record_bench loop OP N | baseline btf|tracepoint | "
			"rate EPS SECONDS [THREADS] | drain N | cputime CMD...\n");
	return 2;
}
