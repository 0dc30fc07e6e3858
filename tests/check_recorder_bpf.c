// SPDX-License-Identifier: GPL-2.0-only
/*
 * The privileged tier: run the real ior-record (real BPF, real kernel) on the workloads
 * in tests/workloads/ and check the recordings it writes. Runs when IOR_BPF_TESTS=1
 * (scripts/run-tests.sh sets it); as root on a kernel with BTF it must pass, elsewhere
 * it says why it cannot run and adds no test.
 *
 * Binaries come from $IOR_BUILD (default build/): ior-record, workloads/iomix,
 * workloads/spin.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <grp.h>
#include <limits.h>
#include <regex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "analyzer/replay.h"
#include "common/syscalls.h"
#include "format/ior_format.h"
#include "recorder/sysnr.h"

#define MAX_ARGS 32

/* ---- processes ------------------------------------------------------------------------ */
static char bin_dir[PATH_MAX];
static char scratch[64]; /* a fresh directory per test */

static const char *bin(const char *name)
{
	static char buf[4][PATH_MAX + 64];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", bin_dir, name);
	return buf[i];
}

static const char *tmp(const char *name)
{
	static char buf[8][600];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", scratch, name);
	return buf[i];
}

/*
 * Start argv with stdout to a pipe (*out) or /dev/null (out NULL), and stderr to
 * err_file (when non-NULL). Returns the pid.
 */
static pid_t spawn(char *const argv[], int *out, const char *err_file)
{
	int p[2] = { -1, -1 };
	pid_t pid;

	if (out)
		ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(out ? p[1] : null, STDOUT_FILENO);
		if (err_file) {
			int fd = open(err_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);

			dup2(fd, STDERR_FILENO);
		}
		execv(argv[0], argv);
		_exit(126);
	}
	if (out) {
		close(p[1]);
		*out = p[0];
	}
	return pid;
}

/* Wait for the "ready" line a workload prints once its files are open. */
static void wait_ready(int fd)
{
	char buf[16] = "";
	ssize_t n = read(fd, buf, sizeof(buf) - 1);

	ck_assert_msg(n > 0 && strncmp(buf, "ready", 5) == 0, "workload not ready: '%s'", buf);
}

static int exit_code_of(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return WIFSIGNALED(status) ? 128 + WTERMSIG(status) : -1;
}

static int reap(pid_t pid)
{
	int status;

	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	return exit_code_of(status);
}

/* End a workload that is no longer needed. */
static void stop(pid_t pid)
{
	kill(pid, SIGTERM);
	reap(pid);
}

static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? 0 : read(fd, buf, len - 1);

	buf[n > 0 ? n : 0] = '\0';
	if (fd >= 0)
		close(fd);
}

/* Run argv to completion; its stderr into err (when non-NULL). Returns the exit code. */
static int run(char *const argv[], char *err, size_t errlen)
{
	const char *err_file = tmp("stderr");
	int code = reap(spawn(argv, NULL, err_file));

	if (err)
		slurp(err_file, err, errlen);
	return code;
}

static void make_file(const char *path, size_t size)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, (off_t)size), 0);
	close(fd);
}

/* Run argv; its stdout into buf (NUL-terminated). Returns the exit code. */
static int run_output(char *const argv[], char *buf, size_t len)
{
	size_t n = 0;
	ssize_t got;
	int out;
	pid_t pid = spawn(argv, &out, NULL);

	while (n + 1 < len && (got = read(out, buf + n, len - 1 - n)) > 0)
		n += (size_t)got;
	buf[n] = '\0';
	close(out);
	return reap(pid);
}

/* argv for ior-record: "-q -o OUT" then the given words (NULL-terminated). */
static int record(const char *out, char *err, size_t errlen, char *const words[])
{
	char *argv[MAX_ARGS] = { (char *)bin("ior-record"), "-q", "-o", (char *)out };
	int n = 4;

	for (int i = 0; words[i] && n < MAX_ARGS - 1; i++)
		argv[n++] = words[i];
	argv[n] = NULL;
	return run(argv, err, errlen);
}

#define RECORD(out, err, errlen, ...) record(out, err, errlen, (char *const[]){ __VA_ARGS__, NULL })

static pid_t start_recorder(const char *out, pid_t target, const char *extra, const char *err);

/* ---- a recording, loaded whole ----------------------------------------------------------- */
struct ev {
	struct ior_event e;
	const char *name;
	const char *path, *path2; /* NULL when none; valid while the reader is open */
	size_t path_len, path2_len;
};

struct proc {
	struct ior_proc p;
	const char *comm, *path;
	size_t index; /* position among all records */
};

struct rec {
	struct ior_reader *rd;
	int fd;
	const struct ior_header *hdr;
	struct ev *ev;
	size_t nev;
	struct proc *proc;
	size_t nproc;
	uint64_t lost; /* sum of lost records */
	bool has_end;
	struct ior_end end;
	size_t first_event; /* index of the first event among all records */
	struct ior_reader_stats st;
};

/* Room for element n: the capacity doubles at 16, 32, 64, ... */
static void *grow(void *v, size_t n, size_t size)
{
	if (n && (n < 16 || (n & (n - 1))))
		return v;
	v = realloc(v, (n < 16 ? 16 : 2 * n) * size);
	ck_assert_ptr_nonnull(v);
	return v;
}

static void rec_add(struct rec *r, const struct ior_record *x, size_t index)
{
	size_t l;

	if (x->type == IOR_REC_EVENT) {
		struct ev *e;

		r->ev = grow(r->ev, r->nev, sizeof(*r->ev));
		e = &r->ev[r->nev++];
		e->e = x->event;
		e->name = ior_reader__syscall_name(r->rd, x->event.nr);
		e->path = ior_reader__string(r->rd, x->event.path, &e->path_len);
		e->path2 = ior_reader__string(r->rd, x->event.path2, &e->path2_len);
		if (r->nev == 1)
			r->first_event = index;
	} else if (x->type == IOR_REC_PROC) {
		struct proc *p;

		r->proc = grow(r->proc, r->nproc, sizeof(*r->proc));
		p = &r->proc[r->nproc++];
		p->p = x->proc;
		p->comm = ior_reader__string(r->rd, x->proc.comm, &l);
		p->path = ior_reader__string(r->rd, x->proc.path, &l);
		p->index = index;
	} else if (x->type == IOR_REC_LOST) {
		r->lost += x->lost.count;
	} else if (x->type == IOR_REC_END) {
		r->has_end = true;
		r->end = x->end;
	}
}

static void rec_load(struct rec *r, const char *path, bool salvage)
{
	struct ior_reader_opts ro = { .salvage = salvage };
	struct ior_record x;
	size_t index = 0;

	memset(r, 0, sizeof(*r));
	r->fd = open(path, O_RDONLY);
	ck_assert_msg(r->fd >= 0, "cannot open '%s': %s", path, strerror(errno));
	r->rd = ior_reader__open(r->fd, &ro);
	ck_assert_msg(r->rd != NULL, "'%s': %s", path, ior_reader__open_error());
	r->hdr = ior_reader__header(r->rd);
	while (ior_reader__next(r->rd, &x) == 1)
		rec_add(r, &x, index++);
	ior_reader__stats(r->rd, &r->st);
}

static void rec_free(struct rec *r)
{
	free(r->ev);
	free(r->proc);
	ior_reader__close(r->rd);
	close(r->fd);
}

static size_t count_name(const struct rec *r, const char *name)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nev; i++)
		n += r->ev[i].name && strcmp(r->ev[i].name, name) == 0;
	return n;
}

static size_t count_pid(const struct rec *r, uint32_t pid)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nev; i++)
		n += r->ev[i].e.pid == pid;
	return n;
}

/* ---- the iomix manifest, matched call by call ----------------------------------------------- */

/* Whether event e satisfies one "key=value" of a manifest line. */
static bool field_ok(const struct ev *e, const char *kv)
{
	const char *v = strchr(kv, '=') + 1;
	size_t klen = (size_t)(v - 1 - kv);
	long long n = strtoll(v, NULL, 0);

#define KEY(k) (klen == strlen(k) && strncmp(kv, k, klen) == 0)
	if (KEY("path"))
		return e->path && e->path_len == strlen(v) && !memcmp(e->path, v, e->path_len);
	if (KEY("path2"))
		return e->path2 && e->path2_len == strlen(v) && !memcmp(e->path2, v, e->path2_len);
	if (KEY("fd"))
		return e->e.fd == n;
	if (KEY("fd2"))
		return e->e.fd2 == n;
	if (KEY("bytes"))
		return e->e.bytes == (uint64_t)n;
	if (KEY("flags"))
		return e->e.flags == (uint64_t)n;
	if (KEY("aux"))
		return e->e.aux == (uint64_t)n;
	if (KEY("sf"))
		return e->e.str_flags == (uint32_t)n;
#undef KEY
	ck_abort_msg("manifest: unknown field '%s'", kv);
	return false;
}

/* Whether event e is the call of manifest line fields[] (tid, name, ret, key=value...). */
static bool line_ok(const struct ev *e, char **f, int nf)
{
	if (e->e.tid != strtoul(f[0], NULL, 10) || !e->name || strcmp(e->name, f[1]) ||
	    e->e.ret != strtoll(f[2], NULL, 10))
		return false;
	for (int i = 3; i < nf; i++)
		if (*f[i] && !field_ok(e, f[i]))
			return false;
	return true;
}

static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	for (char *save, *t = strtok_r(line, "\t\n", &save); t && n < max;
	     t = strtok_r(NULL, "\t\n", &save))
		f[n++] = t;
	return n;
}

/*
 * Every manifest line is matched, in order per thread, by a distinct event: the
 * manifest's calls form a subsequence of each thread's recorded calls (the loader and
 * libc make calls the manifest does not list). Returns the number of lines.
 */
static size_t match_manifest(const struct rec *r, const char *manifest)
{
	FILE *f = fopen(manifest, "r");
	size_t *next = calloc(r->nev + 1, sizeof(*next)), lines = 0;
	char line[8192];

	ck_assert_ptr_nonnull(f);
	/* next[tid slot]: where the search for a thread resumes; slots by first event */
	while (fgets(line, sizeof(line), f)) {
		char copy[8192], *fields[16] = { NULL };
		int nf = split_tabs(strcpy(copy, line), fields, 16);
		uint32_t tid = strtoul(fields[0], NULL, 10);
		size_t slot = 0, i;

		ck_assert_int_ge(nf, 3);
		while (slot < r->nev && r->ev[slot].e.tid != tid)
			slot++;
		for (i = next[slot] > slot ? next[slot] : slot; i < r->nev; i++)
			if (line_ok(&r->ev[i], fields, nf))
				break;
		ck_assert_msg(i < r->nev, "manifest line %zu not recorded (in order): %.300s",
			      lines + 1, line);
		next[slot] = i + 1;
		lines++;
	}
	fclose(f);
	free(next);
	return lines;
}

/* ---- tests: one workload, checked call by call ------------------------------------------ */
static const char *const modes[] = { "btf", "tracepoint" };

/* ior-record --attach=MODE [extra...] -- iomix DIR MANIFEST, in scratch/work. */
static void record_iomix(struct rec *r, const char *mode, char *const extra[])
{
	char err[4096], attach[64];
	char *words[MAX_ARGS];
	const char *out = tmp("iomix.ior"), *dir = tmp("work");
	int code, n = 0;

	ck_assert_int_eq(mkdir(dir, 0700), 0);
	snprintf(attach, sizeof(attach), "--attach=%s", mode);
	words[n++] = attach;
	for (int i = 0; extra && extra[i]; i++)
		words[n++] = extra[i];
	words[n++] = "--";
	words[n++] = (char *)bin("workloads/iomix");
	words[n++] = (char *)dir;
	words[n++] = (char *)tmp("manifest");
	words[n] = NULL;
	code = record(out, err, sizeof(err), words);
	ck_assert_msg(code == 0, "ior-record -- iomix: exit %d: %s", code, err);
	rec_load(r, out, false);
}

static void check_plausible(const struct rec *r)
{
	ck_assert(r->st.clean_close && r->has_end && !r->st.truncated && !r->st.bad_chunks);
	ck_assert_uint_eq(r->lost, 0);
	ck_assert_uint_eq(r->end.events, r->nev);
	ck_assert_str_eq(r->hdr->clock, "monotonic");
	ck_assert_uint_gt(r->hdr->nsyscalls, 300);
	for (size_t i = 0; i < r->nev; i++) {
		const struct ior_event *e = &r->ev[i].e;

		ck_assert_msg(r->ev[i].name, "event %zu: syscall %u unnamed", i, e->nr);
		ck_assert_msg(e->dur_ns > 0 && e->dur_ns < 30000000000ull, "%s: duration %llu",
			      r->ev[i].name, (unsigned long long)e->dur_ns);
		ck_assert_msg(e->start_ns >= r->hdr->start_ns, "%s starts before the recording",
			      r->ev[i].name);
	}
}

START_TEST(test_iomix_manifest)
{
	struct rec r;
	size_t lines;

	record_iomix(&r, modes[_i], NULL);
	check_plausible(&r);
	lines = match_manifest(&r, tmp("manifest"));
	ck_assert_uint_gt(lines, 450);
	rec_free(&r);
}
END_TEST

static const struct proc *find_proc(const struct rec *r, enum ior_proc_kind kind,
				    const char *comm, size_t from)
{
	for (size_t i = from; i < r->nproc; i++)
		if (r->proc[i].p.kind == kind && (!comm || (r->proc[i].comm &&
							    !strcmp(r->proc[i].comm, comm))))
			return &r->proc[i];
	return NULL;
}

/* chdir DIR, chdir sub, fchdir back, then chroot "." in a child: absolute paths. */
static void check_cwd_records(const struct rec *r)
{
	char dir[PATH_MAX], want[4][PATH_MAX + 8];
	const int64_t code[4] = { 0, 0, 0, 1 };
	int n = 0;

	ck_assert_ptr_nonnull(realpath(tmp("work"), dir));
	snprintf(want[0], sizeof(want[0]), "%s", dir);
	snprintf(want[1], sizeof(want[1]), "%s/sub", dir);
	snprintf(want[2], sizeof(want[2]), "%s", dir);
	snprintf(want[3], sizeof(want[3]), "%s", dir);
	for (size_t i = 0; i < r->nproc; i++) {
		if (r->proc[i].p.kind != IOR_PROC_CWD)
			continue;
		ck_assert_int_lt(n, 4);
		ck_assert_msg(r->proc[i].path && !strcmp(r->proc[i].path, want[n]) &&
				      r->proc[i].p.code == code[n],
			      "cwd record %d: %s (code %lld), want %s", n, r->proc[i].path,
			      (long long)r->proc[i].p.code, want[n]);
		n++;
	}
	ck_assert_int_eq(n, 4);
}

START_TEST(test_iomix_lifecycle)
{
	const uint64_t shared = IOR_CLONE_THREAD | IOR_CLONE_FILES | IOR_CLONE_FS;
	const struct proc *p, *snap;
	unsigned int threads = 0, forks = 0;
	struct rec r;

	record_iomix(&r, modes[_i], NULL);
	/* the command is in the snapshot, written before the first event */
	snap = find_proc(&r, IOR_PROC_SNAP, NULL, 0);
	ck_assert_ptr_nonnull(snap);
	ck_assert_uint_lt(snap->index, r.first_event);
	ck_assert_ptr_nonnull(find_proc(&r, IOR_PROC_FD, NULL, 0));
	for (size_t i = 0; i < r.nproc; i++) {
		if (r.proc[i].p.kind != IOR_PROC_FORK)
			continue;
		threads += (r.proc[i].p.clone_flags & shared) == shared;
		forks += (r.proc[i].p.clone_flags & shared) == 0;
	}
	ck_assert_uint_eq(threads, 3);
	ck_assert_uint_eq(forks, 2); /* the chroot child and the exec child */
	for (int t = 0; t < 3; t++) {
		char comm[16];

		snprintf(comm, sizeof(comm), "iomix-t%d", t);
		ck_assert_msg(find_proc(&r, IOR_PROC_COMM, comm, 0), "no comm record %s", comm);
	}
	p = find_proc(&r, IOR_PROC_EXEC, "iomix", 0);
	ck_assert_ptr_nonnull(p); /* the command itself */
	p = find_proc(&r, IOR_PROC_EXEC, "iomix", (size_t)(p - r.proc) + 1);
	ck_assert_ptr_nonnull(p); /* the --exec image */
	ck_assert_ptr_nonnull(strstr(p->path, "workloads/iomix"));
	ck_assert_ptr_nonnull(find_proc(&r, IOR_PROC_EXIT, NULL, 0));
	check_cwd_records(&r);
	rec_free(&r);
}
END_TEST

/* ---- paths under a chroot -------------------------------------------------------------- */

/*
 * The path the replay (ior-analyze) gives the first event of syscall name whose path
 * argument is raw (NULL: any), in process pid (0: any), copied into out; false when
 * there is none.
 */
static bool replayed_path(const char *file, const char *name, const char *raw, uint32_t pid,
			  char *out, size_t len)
{
	int fd = open(file, O_RDONLY);
	struct ior_reader *r = ior_reader__open(fd, NULL);
	struct ior_replay *rp = r ? ior_replay__new(r) : NULL;
	struct ior_record x;
	struct ior_revent re;
	bool found = false;

	ck_assert_ptr_nonnull(rp);
	while (!found && ior_reader__next(r, &x) == 1) {
		const char *s;

		if (ior_replay__apply(rp, &x, &re) != 1 || strcmp(re.syscall, name) ||
		    (pid && re.ev.pid != pid))
			continue;
		s = ior_reader__string(r, re.ev.path, NULL);
		if ((!raw || (s && !strcmp(s, raw))) && re.path) {
			snprintf(out, len, "%.*s", (int)re.path_len, re.path);
			found = true;
		}
	}
	ior_replay__free(rp);
	ior_reader__close(r);
	close(fd);
	return found;
}

/* In a child: a private mount namespace where / is bind-mounted on dir, and chroot there. */
static void enter_chroot(const char *dir)
{
	if (unshare(CLONE_NEWNS) || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) ||
	    mount("/", dir, NULL, MS_BIND | MS_REC, NULL) || chroot(dir) || chdir(scratch)) {
		perror("ior test: entering the chroot");
		_exit(125);
	}
}

/*
 * ior-record inside a chroot, as in a container or ../shared/tools/fresh-debian: every
 * absolute path of the recording reads from its root. The root is / bind-mounted on
 * scratch/root (in a private mount namespace that vanishes with the test), so the same
 * paths name the same files inside and out; a cwd walk that went past the recorder's root
 * would report .../root/tmp/ior-bpf-X/work. iomix's chroot'ed child's "/a.txt" is then
 * work/a.txt.
 */
START_TEST(test_chroot_recorder)
{
	char err[4096] = "", dir[PATH_MAX], want[PATH_MAX + 16], got[PATH_MAX];
	char attach[64];
	char *argv[] = { (char *)bin("ior-record"), "-q", "-o", (char *)tmp("iomix.ior"), attach,
			 "--", (char *)bin("workloads/iomix"), (char *)tmp("work"),
			 (char *)tmp("manifest"), NULL };
	struct rec r;
	pid_t pid;
	int code;

	snprintf(attach, sizeof(attach), "--attach=%s", modes[_i]);
	ck_assert_int_eq(mkdir(tmp("root"), 0700), 0);
	ck_assert_int_eq(mkdir(tmp("work"), 0700), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int fd = open(tmp("stderr"), O_WRONLY | O_CREAT | O_TRUNC, 0644);

		dup2(fd, STDERR_FILENO);
		enter_chroot(tmp("root"));
		execv(argv[0], argv);
		_exit(126);
	}
	code = reap(pid);
	slurp(tmp("stderr"), err, sizeof(err));
	ck_assert_msg(code == 0, "ior-record in a chroot: exit %d: %s", code, err);
	rec_load(&r, tmp("iomix.ior"), false);
	check_cwd_records(&r);
	rec_free(&r);
	ck_assert_ptr_nonnull(realpath(tmp("work"), dir));
	snprintf(want, sizeof(want), "%s/a.txt", dir);
	ck_assert(replayed_path(tmp("iomix.ior"), "stat", "/a.txt", 0, got, sizeof(got)));
	ck_assert_str_eq(got, want);
}
END_TEST

/*
 * A process already in a chroot of its own when the recording starts: the snapshot gives
 * its root, and the replay joins its absolute arguments to it.
 */
START_TEST(test_chroot_snapshot)
{
	char err[2048], pid_arg[16], dir[PATH_MAX], want[PATH_MAX + 16], got[PATH_MAX];
	int ready[2];
	pid_t jailed;

	ck_assert_int_eq(mkdir(tmp("jail"), 0755), 0);
	make_file(tmp("jail/f"), 4096);
	ck_assert_int_eq(pipe(ready), 0);
	jailed = fork();
	ck_assert_int_ge(jailed, 0);
	if (jailed == 0) {
		char buf[64];

		signal(SIGTERM, SIG_DFL); /* not the test runner's handler: stop() ends it */
		if (chroot(tmp("jail")) || chdir("/"))
			_exit(125);
		ck_assert_int_eq(write(ready[1], "ready", 5), 5);
		for (int i = 0; i < 3000; i++) {
			int fd = open("/f", O_RDONLY);

			if (fd >= 0 && pread(fd, buf, sizeof(buf), 0) < 0)
				_exit(1);
			close(fd);
			usleep(1000);
		}
		_exit(0);
	}
	close(ready[1]);
	wait_ready(ready[0]);
	close(ready[0]);
	snprintf(pid_arg, sizeof(pid_arg), "%d", jailed);
	ck_assert_int_eq(RECORD(tmp("jail.ior"), err, sizeof(err), "-p", pid_arg, "-d", "1"), 0);
	stop(jailed);
	ck_assert_ptr_nonnull(realpath(tmp("jail"), dir));
	snprintf(want, sizeof(want), "%s/f", dir);
	ck_assert(replayed_path(tmp("jail.ior"), "openat", "/f", (uint32_t)jailed, got,
				sizeof(got)));
	ck_assert_str_eq(got, want);
}
END_TEST

/*
 * Memory a process mapped before the recording (its fd long closed): the snapshot's
 * mapping records name the file its msync and munmap work on.
 */
START_TEST(test_snapshot_maps)
{
	char err[2048], pid_arg[16], dir[PATH_MAX], want[PATH_MAX + 16], got[PATH_MAX];
	const struct proc *map = NULL;
	struct rec r;
	int ready[2];
	pid_t child, rec;

	make_file(tmp("mapped"), 3 * 4096);
	ck_assert_int_eq(pipe(ready), 0);
	child = fork();
	ck_assert_int_ge(child, 0);
	if (child == 0) {
		int fd = open(tmp("mapped"), O_RDWR);
		char *m = fd < 0 ? MAP_FAILED
				 : mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

		if (m == MAP_FAILED || close(fd) || write(ready[1], "ready", 5) != 5)
			_exit(1);
		sleep(1); /* the recorder attaches meanwhile */
		m[4096] = 'x';
		if (msync(m + 4096, 4096, MS_SYNC) || munmap(m, 3 * 4096))
			_exit(1);
		_exit(0);
	}
	close(ready[1]);
	wait_ready(ready[0]);
	close(ready[0]);
	rec = start_recorder(tmp("maps.ior"), child, "-d2", tmp("err"));
	ck_assert_int_eq(reap(child), 0);
	ck_assert_int_eq(reap(rec), 0);
	slurp(tmp("err"), err, sizeof(err));
	ck_assert_ptr_nonnull(realpath(tmp("mapped"), dir));
	rec_load(&r, tmp("maps.ior"), false);
	for (size_t i = 0; i < r.nproc && !map; i++)
		if (r.proc[i].p.kind == IOR_PROC_MAP && r.proc[i].p.pid == (uint32_t)child &&
		    r.proc[i].path && !strcmp(r.proc[i].path, dir))
			map = &r.proc[i];
	ck_assert_msg(map, "no mapping record of %s: %s", dir, err);
	ck_assert_uint_eq(map->p.flags - map->p.clone_flags, 3 * 4096);
	ck_assert_int_eq(map->p.code, 0);
	ck_assert_uint_lt(map->index, r.first_event);
	rec_free(&r);
	snprintf(want, sizeof(want), "%s", dir);
	snprintf(pid_arg, sizeof(pid_arg), "%d", child);
	ck_assert(replayed_path(tmp("maps.ior"), "msync", NULL, (uint32_t)child, got, sizeof(got)));
	ck_assert_str_eq(got, want);
	ck_assert(replayed_path(tmp("maps.ior"), "munmap", NULL, (uint32_t)child, got, sizeof(got)));
	ck_assert_str_eq(got, want);
}
END_TEST

/* The calls column of `strace -c` for name, or 0. */
static unsigned long strace_calls(const char *table, const char *name)
{
	FILE *f = fopen(table, "r");
	char line[512], sys[64];
	unsigned long calls = 0, n;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		/* "% time seconds usecs/call calls [errors] syscall" */
		double pct, secs;
		unsigned long usecs, errs;

		if (sscanf(line, "%lf %lf %lu %lu %lu %63s", &pct, &secs, &usecs, &n, &errs, sys) == 6 ||
		    sscanf(line, "%lf %lf %lu %lu %63s", &pct, &secs, &usecs, &n, sys) == 5)
			if (strcmp(sys, name) == 0)
				calls = n;
	}
	fclose(f);
	return calls;
}

/*
 * The same workload under strace -f -c makes the same calls: each traced syscall's
 * count matches. (strace 6.1 does not know syscalls numbered 451 and up.)
 */
START_TEST(test_iomix_vs_strace)
{
	char *argv[] = { "/usr/bin/strace", "-f", "-c", "-o", (char *)tmp("strace.txt"),
			 (char *)bin("workloads/iomix"), (char *)tmp("work2"),
			 (char *)tmp("manifest2"), NULL };
	size_t n, compared = 0;
	const struct ior_syscall_desc *d = ior_syscalls(&n);
	struct rec r;

	ck_assert_msg(access(argv[0], X_OK) == 0, "strace is missing: run scripts/install-deps.sh");
	ck_assert_int_eq(mkdir(tmp("work2"), 0700), 0);
	ck_assert_int_eq(run(argv, NULL, 0), 0);
	record_iomix(&r, "btf", NULL);
	for (size_t i = 0; i < n; i++) {
		int nr = ior_sysnr_by_name(d[i].name);

		if (nr < 0 || nr >= 451)
			continue;
		ck_assert_msg(count_name(&r, d[i].name) == strace_calls(tmp("strace.txt"), d[i].name),
			      "%s: ior recorded %zu, strace counted %lu", d[i].name,
			      count_name(&r, d[i].name), strace_calls(tmp("strace.txt"), d[i].name));
		compared++;
	}
	ck_assert_uint_gt(compared, 100);
	rec_free(&r);
}
END_TEST

/* ---- the command's exit status ---------------------------------------------------------- */
START_TEST(test_exit_status)
{
	char err[1024], want[128];
	char *version[] = { (char *)bin("ior-record"), "--version", NULL };

	ck_assert_int_eq(RECORD(tmp("a.ior"), err, sizeof(err), "--", "/bin/sh", "-c", "exit 7"), 7);
	ck_assert_int_eq(RECORD(tmp("b.ior"), err, sizeof(err), "--", "/bin/sh", "-c",
				"kill -TERM $$"), 143);
	ck_assert_int_eq(RECORD(tmp("c.ior"), err, sizeof(err), "--", "/nonexistent/cmd"), 127);
	ck_assert_msg(strstr(err, "cannot run '/nonexistent/cmd': No such file"), "stderr: %s", err);
	/* usage errors: exit 2 before anything is created */
	ck_assert_int_eq(RECORD(tmp("d.ior"), err, sizeof(err), "-e", "no_such_call", "--", "/bin/true"), 2);
	ck_assert_msg(strstr(err, "matches no syscall"), "stderr: %s", err);
	ck_assert_int_ne(access(tmp("d.ior"), F_OK), 0);
	ck_assert_int_eq(RECORD(tmp("e.ior"), err, sizeof(err), "-p", "1073741823", "-d", "1"), 1);
	ck_assert_msg(strstr(err, "-p 1073741823: no such process"), "stderr: %s", err);
	/* the binary's --version, with the format it writes */
	snprintf(want, sizeof(want), "ior-record %s (recording format %d.%d)\n", IOR_VERSION,
		 IOR_FORMAT_MAJOR, IOR_FORMAT_MINOR);
	ck_assert_int_eq(run_output(version, err, sizeof(err)), 0);
	ck_assert_str_eq(err, want);
}
END_TEST

/* ---- filters ------------------------------------------------------------------------------ */
/* spin -s SECONDS [extra] FILE...; returns its pid once it has its files open. */
static pid_t start_spin(const char *seconds, char *const extra[], const char *file,
			const char *file2)
{
	char *argv[MAX_ARGS] = { (char *)bin("workloads/spin"), "-s", (char *)seconds };
	int n = 3, out;
	pid_t pid;

	for (int i = 0; extra && extra[i]; i++)
		argv[n++] = extra[i];
	argv[n++] = (char *)file;
	if (file2)
		argv[n++] = (char *)file2;
	argv[n] = NULL;
	pid = spawn(argv, &out, NULL);
	wait_ready(out);
	close(out);
	return pid;
}

START_TEST(test_filter_pid)
{
	char err[2048], pid_arg[16];
	pid_t a, b;
	struct rec r;
	size_t from_a = 0, others = 0;

	make_file(tmp("f"), 4096);
	a = start_spin("4", (char *[]){ "-f", NULL }, tmp("f"), NULL); /* a and its child */
	b = start_spin("4", NULL, tmp("f"), NULL);
	snprintf(pid_arg, sizeof(pid_arg), "%d", a);
	ck_assert_int_eq(RECORD(tmp("p.ior"), err, sizeof(err), "-p", pid_arg, "-d", "1"), 0);
	rec_load(&r, tmp("p.ior"), false);
	for (size_t i = 0; i < r.nev; i++) {
		from_a += r.ev[i].e.pid == (uint32_t)a;
		others += r.ev[i].e.pid != (uint32_t)a;
	}
	ck_assert_uint_gt(from_a, 1000);
	ck_assert_uint_gt(others, 1000); /* a's child, found in /proc as a descendant */
	ck_assert_uint_eq(count_pid(&r, (uint32_t)b), 0);
	for (size_t i = 0; i < r.nproc; i++)
		ck_assert_msg(r.proc[i].p.pid != (uint32_t)b, "snapshot of the wrong process");
	rec_free(&r);
	stop(a);
	stop(b);
}
END_TEST

/* A process born during the recording is followed from its fork. */
START_TEST(test_filter_pid_follows_fork)
{
	char err[2048], pid_arg[16], cmd[1024];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	struct rec r;
	pid_t sh;
	int out;

	make_file(tmp("f"), 4096);
	snprintf(cmd, sizeof(cmd), "echo ready; sleep 0.5; %s -c 5000 %s; true",
		 bin("workloads/spin"), tmp("f"));
	sh = spawn(argv, &out, NULL);
	wait_ready(out);
	snprintf(pid_arg, sizeof(pid_arg), "%d", sh);
	ck_assert_int_eq(RECORD(tmp("p.ior"), err, sizeof(err), "-p", pid_arg, "-d", "2"), 0);
	close(out);
	rec_load(&r, tmp("p.ior"), false);
	ck_assert_uint_ge(count_name(&r, "pread64"), 5000);
	ck_assert_ptr_nonnull(find_proc(&r, IOR_PROC_FORK, NULL, 0));
	ck_assert_ptr_nonnull(find_proc(&r, IOR_PROC_EXEC, "spin", 0));
	rec_free(&r);
	reap(sh);
}
END_TEST

/* A call in flight when the recording starts is recorded at its exit, from the start. */
START_TEST(test_in_flight_call)
{
	char err[2048], cmd[1024], out[4096], pid_arg[16], file[PATH_MAX];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	char *dump[] = { (char *)bin("ior-analyze"), "dump", "--syscall=openat", "--pid", pid_arg,
			 file, NULL };
	const struct ev *open_ev = NULL;
	struct rec r;
	pid_t sh, rec;
	int fd;

	ck_assert_int_eq(mkfifo(tmp("fifo"), 0600), 0);
	snprintf(cmd, sizeof(cmd), "exec 3<'%s'; cat <&3 >/dev/null", tmp("fifo"));
	sh = spawn(argv, NULL, NULL);
	usleep(300000); /* blocked in openat of the fifo */
	rec = start_recorder(tmp("fl.ior"), sh, "-d2", tmp("err"));
	usleep(800000);
	fd = open(tmp("fifo"), O_WRONLY);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(reap(rec), 0);
	slurp(tmp("err"), err, sizeof(err));
	rec_load(&r, tmp("fl.ior"), false);
	for (size_t i = 0; i < r.nev && !open_ev; i++)
		if (!strcmp(r.ev[i].name, "openat") && r.ev[i].e.pid == (uint32_t)sh)
			open_ev = &r.ev[i];
	ck_assert_msg(open_ev, "the openat in flight was not recorded: %s", err);
	ck_assert_str_eq(open_ev->path, tmp("fifo"));
	ck_assert_int_ge(open_ev->e.ret, 0);
	ck_assert_uint_gt(open_ev->e.dur_ns, 300000000ull); /* from the start to its exit */
	/* marked, and only it: its duration is a lower bound */
	for (size_t i = 0; i < r.nev; i++)
		ck_assert_msg(!(r.ev[i].e.str_flags & IOR_EV_ENTRY_UNSEEN) == (&r.ev[i] != open_ev),
			      "%s: entry-unseen flag %#x", r.ev[i].name, r.ev[i].e.str_flags);
	snprintf(pid_arg, sizeof(pid_arg), "%d", sh);
	snprintf(file, sizeof(file), "%s", tmp("fl.ior")); /* tmp()'s buffers rotate */
	ck_assert_int_eq(run_output(dump, out, sizeof(out)), 0);
	ck_assert_msg(strstr(out, "<>=0.") && strstr(out, tmp("fifo")), "dump: %s", out);
	rec_free(&r);
	reap(sh);
}
END_TEST

START_TEST(test_filter_comm)
{
	char err[2048];
	pid_t a, b;
	struct rec r;

	make_file(tmp("f"), 4096);
	a = start_spin("3", (char *[]){ "-n", "ior-comm-a", NULL }, tmp("f"), NULL);
	b = start_spin("3", (char *[]){ "-n", "ior-comm-b", NULL }, tmp("f"), NULL);
	ck_assert_int_eq(RECORD(tmp("c.ior"), err, sizeof(err), "-c", "ior-comm-a", "-d", "1"), 0);
	rec_load(&r, tmp("c.ior"), false);
	ck_assert_uint_gt(count_pid(&r, (uint32_t)a), 1000);
	ck_assert_uint_eq(count_pid(&r, (uint32_t)a), r.nev);
	ck_assert_uint_eq(count_pid(&r, (uint32_t)b), 0);
	rec_free(&r);
	stop(a);
	stop(b);
}
END_TEST

/* --path: an fd opened by a parent before a fork stays in scope in the child. */
static void check_path_inherited(void)
{
	char err[2048], cmd[1024];
	struct rec r;
	size_t on_stdin = 0;

	snprintf(cmd, sizeof(cmd), "exec 3<'%s'; cat <&3 >/dev/null; cat /etc/hostname >/dev/null",
		 tmp("in/f"));
	ck_assert_int_eq(RECORD(tmp("inh.ior"), err, sizeof(err), "--path", (char *)tmp("in"), "--",
				"/bin/sh", "-c", cmd), 0);
	rec_load(&r, tmp("inh.ior"), false);
	for (size_t i = 0; i < r.nev; i++) {
		on_stdin += r.ev[i].e.fd == 0 && r.ev[i].e.pid != r.ev[0].e.pid;
		ck_assert_msg(!r.ev[i].path || strcmp(r.ev[i].path, "/etc/hostname"),
			      "/etc/hostname is outside --path");
	}
	ck_assert_uint_ge(on_stdin, 2); /* the first cat reads the file as its stdin */
	rec_free(&r);
}

/* The fd pid had open on path when the recording started, from the snapshot. */
static int snapshot_fd(const struct rec *r, pid_t pid, const char *path)
{
	for (size_t i = 0; i < r->nproc; i++)
		if (r->proc[i].p.kind == IOR_PROC_FD && r->proc[i].p.pid == (uint32_t)pid &&
		    r->proc[i].path && strcmp(r->proc[i].path, path) == 0)
			return (int)r->proc[i].p.code;
	ck_abort_msg("no snapshot record of %d's fd on %s", pid, path);
	return -1;
}

/* --path: fds opened before the recording (from the snapshot) and after it. */
START_TEST(test_filter_path)
{
	char err[4096];
	pid_t a;
	struct rec r;
	size_t outside = 0, on_in = 0, on_out = 0;
	int fd_in, fd_out;

	ck_assert_int_eq(mkdir(tmp("in"), 0700), 0);
	ck_assert_int_eq(mkdir(tmp("out"), 0700), 0);
	make_file(tmp("in/f"), 4096);
	make_file(tmp("out/f"), 4096);
	a = start_spin("3", NULL, tmp("in/f"), tmp("out/f"));
	ck_assert_int_eq(RECORD(tmp("path.ior"), err, sizeof(err), "--path", (char *)tmp("in"),
				"-d", "1"), 0);
	rec_load(&r, tmp("path.ior"), false);
	fd_in = snapshot_fd(&r, a, tmp("in/f"));
	fd_out = snapshot_fd(&r, a, tmp("out/f"));
	for (size_t i = 0; i < r.nev; i++) {
		if (r.ev[i].e.pid == (uint32_t)a) {
			on_in += r.ev[i].e.fd == fd_in;
			on_out += r.ev[i].e.fd == fd_out;
		}
		outside += r.ev[i].path && r.ev[i].path[0] == '/' &&
			   strncmp(r.ev[i].path, tmp("in"), strlen(tmp("in")));
	}
	ck_assert_uint_gt(on_in, 1000);
	ck_assert_uint_eq(on_out, 0);
	ck_assert_uint_eq(outside, 0);
	rec_free(&r);
	stop(a);
	/* after the start: iomix's files under its work dir, by relative paths and fds */
	record_iomix(&r, "btf", (char *[]){ "--path", (char *)tmp("work"), NULL });
	ck_assert_uint_eq(count_name(&r, "pread64"), 3 * 50 + 2);
	ck_assert_uint_eq(count_name(&r, "chdir"), 2);
	for (size_t i = 0; i < r.nev; i++)
		ck_assert_msg(!r.ev[i].path || r.ev[i].path[0] != '/' ||
				      !strncmp(r.ev[i].path, tmp("work"), strlen(tmp("work"))),
			      "%s '%s' is outside --path", r.ev[i].name, r.ev[i].path);
	rec_free(&r);
	check_path_inherited();
}
END_TEST

/* Whether the recorder must record d whatever -e/-x say (recorder/plan.c). */
static bool for_attribution(const struct ior_syscall_desc *d)
{
	return d->ret == IOR_RET_FD || d->special == IOR_SPECIAL_FD_PAIR ||
	       d->cls == IOR_CLASS_CLOSE || d->cls == IOR_CLASS_DUP || d->cls == IOR_CLASS_MMAP ||
	       !strcmp(d->name, "chdir") || !strcmp(d->name, "fchdir") ||
	       !strcmp(d->name, "chroot");
}

/* Successful events of syscall name in a recording, and how many the replay named. */
static void replay_count(const char *file, const char *name, size_t *ok, size_t *named)
{
	int fd = open(file, O_RDONLY);
	struct ior_reader *r = ior_reader__open(fd, NULL);
	struct ior_replay *rp = r ? ior_replay__new(r) : NULL;
	struct ior_record x;
	struct ior_revent re;

	ck_assert_ptr_nonnull(rp);
	*ok = *named = 0;
	while (ior_reader__next(r, &x) == 1) {
		if (ior_replay__apply(rp, &x, &re) != 1 || strcmp(re.syscall, name) || re.ev.ret < 0)
			continue;
		(*ok)++;
		*named += re.resolved && re.path && strncmp(re.path, "fd:", 3);
	}
	ior_replay__free(rp);
	ior_reader__close(r);
	close(fd);
}


/* The first column of each line but the header of `ior-analyze top --csv --by syscall`. */
static void top_syscalls(const char *file, const char *extra, char *names, size_t len)
{
	char out[8192];
	char *argv[] = { (char *)bin("ior-analyze"), "top", "--csv", "--by", "syscall",
			 (char *)file, (char *)extra, NULL };
	char *save, *line;

	ck_assert_int_eq(run_output(argv, out, sizeof(out)), 0);
	names[0] = '\0';
	line = strtok_r(out, "\n", &save); /* the header */
	while ((line = strtok_r(NULL, "\n", &save)))
		snprintf(names + strlen(names), len - strlen(names), "%.*s ",
			 (int)strcspn(line, ","), line);
}

/*
 * -e: the selected syscalls, plus the calls that say what their fds are (opens, dups,
 * close, chdir, mmap, ...), so that each selected event still names its file; the header
 * holds the selection, and the reports show only it unless --syscall says otherwise.
 */
START_TEST(test_filter_syscalls)
{
	char names[1024];
	size_t ok, named;
	struct rec r;

	record_iomix(&r, "btf", (char *[]){ "-e", "p?read(64)?", NULL });
	ck_assert_uint_eq(r.hdr->nselected, 2);
	ck_assert_uint_eq(r.hdr->selected[0], (uint32_t)ior_sysnr_by_name("read"));
	ck_assert_uint_eq(r.hdr->selected[1], (uint32_t)ior_sysnr_by_name("pread64"));
	for (size_t i = 0; i < r.nev; i++) {
		const struct ior_syscall_desc *d = ior_syscall_find(r.ev[i].name);

		ck_assert_msg(!strcmp(r.ev[i].name, "read") || !strcmp(r.ev[i].name, "pread64") ||
				      (d && for_attribution(d)),
			      "%s recorded", r.ev[i].name);
	}
	ck_assert(count_name(&r, "openat") && count_name(&r, "close") && count_name(&r, "dup2"));
	ck_assert(count_name(&r, "mmap") && count_name(&r, "chdir") && count_name(&r, "fcntl"));
	ck_assert_uint_eq(count_name(&r, "pwrite64") + count_name(&r, "readv"), 0);
	rec_free(&r);
	replay_count(tmp("iomix.ior"), "pread64", &ok, &named);
	ck_assert_uint_ge(ok, 3 * 50 + 1);
	ck_assert_uint_eq(named, ok);
	replay_count(tmp("iomix.ior"), "read", &ok, &named);
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_eq(named, ok);
	top_syscalls(tmp("iomix.ior"), NULL, names, sizeof(names));
	ck_assert_msg(!strcmp(names, "pread64 read ") || !strcmp(names, "read pread64 "),
		      "top shows %s", names);
	top_syscalls(tmp("iomix.ior"), "--syscall=close", names, sizeof(names));
	ck_assert_str_eq(names, "close ");
}
END_TEST

/* ---- ending a recording ------------------------------------------------------------------ */

/* ior-record running in the background on a spin workload: its pid. */
static pid_t start_recorder(const char *out, pid_t target, const char *extra, const char *err)
{
	char pid_arg[16];
	char *argv[] = { (char *)bin("ior-record"), "-q", "-o", (char *)out, "-p", pid_arg,
			 (char *)(extra ? extra : "-v"), NULL };

	snprintf(pid_arg, sizeof(pid_arg), "%d", target);
	return spawn(argv, NULL, err);
}

static const int end_signals[] = { SIGINT, SIGTERM };

START_TEST(test_signal_ends_cleanly)
{
	char err[2048];
	struct rec r;
	pid_t a, rec;

	make_file(tmp("f"), 4096);
	a = start_spin("3", NULL, tmp("f"), NULL);
	rec = start_recorder(tmp("s.ior"), a, NULL, tmp("err"));
	usleep(1000000);
	kill(rec, end_signals[_i]);
	ck_assert_int_eq(reap(rec), 0);
	slurp(tmp("err"), err, sizeof(err));
	rec_load(&r, tmp("s.ior"), false);
	ck_assert_msg(r.st.clean_close && r.has_end, "not closed cleanly: %s", err);
	ck_assert_int_eq(r.end.reason, IOR_END_SIGNAL);
	ck_assert_uint_gt(r.nev, 1000);
	ck_assert_uint_eq(r.end.events, r.nev);
	rec_free(&r);
	stop(a);
}
END_TEST

/* SIGKILL: nothing is closed, but every flushed chunk stays readable. */
START_TEST(test_sigkill_keeps_flushed)
{
	struct rec r;
	pid_t a, rec;

	make_file(tmp("f"), 4096);
	a = start_spin("4", NULL, tmp("f"), NULL);
	rec = start_recorder(tmp("k.ior"), a, "--flush-interval=100", NULL);
	usleep(1500000);
	kill(rec, SIGKILL);
	ck_assert_int_eq(reap(rec), 128 + SIGKILL);
	rec_load(&r, tmp("k.ior"), false);
	ck_assert(!r.st.clean_close && !r.has_end);
	ck_assert_uint_gt(r.nev, 1000);
	ck_assert_uint_gt(r.st.chunks, 3);
	ck_assert_uint_eq(r.st.bad_chunks, 0);
	rec_free(&r);
	stop(a);
}
END_TEST

/* A ring buffer far too small for the load: losses counted, recorded and reported. */
START_TEST(test_losses_reported)
{
	char err[4096];
	struct rec r;
	int code;

	make_file(tmp("f"), 4096);
	code = RECORD(tmp("l.ior"), err, sizeof(err), "--ringbuf-size", "4096", "--", (char *)bin("workloads/spin"),
		      "-c", "300000", (char *)tmp("f"));
	ck_assert_int_eq(code, 0);
	ck_assert_msg(strstr(err, "lost") && strstr(err, "--ringbuf-size"), "stderr: %s", err);
	rec_load(&r, tmp("l.ior"), false);
	ck_assert_uint_gt(r.lost, 0);
	ck_assert_uint_eq(r.end.lost, r.lost);
	/* nothing vanished: every pread is either recorded or counted lost */
	ck_assert_uint_ge(count_name(&r, "pread64") + r.lost, 300000);
	rec_free(&r);
}
END_TEST

START_TEST(test_max_size)
{
	char err[2048];
	struct rec r;
	struct stat st;

	make_file(tmp("f"), 4096);
	ck_assert_int_eq(RECORD(tmp("m.ior"), err, sizeof(err), "--max-size", "256K",
				"--flush-interval", "50", "--", (char *)bin("workloads/spin"), "-c",
				"3000000", (char *)tmp("f")), 0);
	rec_load(&r, tmp("m.ior"), false);
	ck_assert(r.has_end && r.end.reason == IOR_END_MAX_SIZE);
	ck_assert_int_eq(stat(tmp("m.ior"), &st), 0);
	ck_assert_int_lt(st.st_size, 2 << 20);
	rec_free(&r);
}
END_TEST

/* ---- the output file ------------------------------------------------------------------- */
/* Without -o: HOSTNAME-YYYYmmddTHHMMSS.ior in the current directory. */
static void check_default_name(void)
{
	char cmd[1024], host[256] = "", pattern[300];
	char *argv[] = { "/bin/sh", "-c", cmd, NULL };
	glob_t g;

	snprintf(cmd, sizeof(cmd), "cd '%s' && exec '%s' -q -- /bin/true", scratch, bin("ior-record"));
	ck_assert_int_eq(run(argv, NULL, 0), 0);
	gethostname(host, sizeof(host) - 1);
	snprintf(pattern, sizeof(pattern), "%s/%s-2[0-9][0-9][0-9][01][0-9][0-3][0-9]T[0-9][0-9][0-9][0-9][0-9][0-9].ior",
		 scratch, host);
	ck_assert_int_eq(glob(pattern, 0, NULL, &g), 0);
	ck_assert_uint_eq(g.gl_pathc, 1);
	globfree(&g);
}

START_TEST(test_output_rules)
{
	char err[2048];
	struct stat st;
	struct rec r;
	int fd;

	ck_assert_int_eq(RECORD(tmp("o.ior"), err, sizeof(err), "--", "/bin/true"), 0);
	ck_assert_int_eq(stat(tmp("o.ior"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0600);
	ck_assert_int_eq(RECORD(tmp("o.ior"), err, sizeof(err), "--", "/bin/true"), 1);
	ck_assert_msg(strstr(err, "File exists") && strstr(err, "--force"), "stderr: %s", err);
	ck_assert_int_eq(RECORD(tmp("o.ior"), err, sizeof(err), "--force", "--", "/bin/true"), 0);
	ck_assert_int_eq(symlink(tmp("o.ior"), tmp("link.ior")), 0);
	ck_assert_int_eq(RECORD(tmp("link.ior"), err, sizeof(err), "--force", "--", "/bin/true"), 1);
	ck_assert_int_eq(RECORD(tmp("nodir/x.ior"), err, sizeof(err), "--", "/bin/true"), 1);
	check_default_name();
	ck_assert_msg(strstr(err, "cannot open '") && strstr(err, "No such file"), "stderr: %s", err);
	/* "-": the recording on stdout, the command's stdout moved to stderr */
	fd = open(tmp("stdout.ior"), O_WRONLY | O_CREAT, 0600);
	ck_assert_int_ge(fd, 0);
	{
		char *argv[] = { (char *)bin("ior-record"), "-q", "-o", "-", "--", "/bin/echo",
				 "hello", NULL };
		pid_t pid = fork();

		if (pid == 0) {
			dup2(fd, STDOUT_FILENO);
			dup2(open(tmp("echo.err"), O_WRONLY | O_CREAT, 0600), STDERR_FILENO);
			execv(argv[0], argv);
			_exit(126);
		}
		ck_assert_int_eq(reap(pid), 0);
	}
	close(fd);
	slurp(tmp("echo.err"), err, sizeof(err));
	ck_assert_str_eq(err, "hello\n"); /* the command's stdout went to stderr */
	rec_load(&r, tmp("stdout.ior"), false);
	ck_assert(r.st.clean_close && count_name(&r, "write") >= 1);
	rec_free(&r);
}
END_TEST

/* path into dir (created 0755): a copy of src anyone may execute. */
static void copy_exec(const char *src, const char *dir, const char *path)
{
	char buf[65536];
	int in = open(src, O_RDONLY), out;
	ssize_t n;

	ck_assert_int_ge(in, 0);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL, 0755);
	ck_assert_int_ge(out, 0);
	while ((n = read(in, buf, sizeof(buf))) > 0)
		ck_assert_int_eq(write(out, buf, (size_t)n), n);
	ck_assert_int_eq(n, 0);
	close(in);
	ck_assert_int_eq(close(out), 0);
}

/*
 * Without privileges: a clear message, exit 1, no file. The binary runs from a copy in
 * a fresh world-readable directory: the tree may live where nobody cannot reach
 * (/root/project, mode 0700, in CI and ../shared/tools/fresh-debian).
 */
START_TEST(test_not_root)
{
	char err[1024], dir[] = "/tmp/ior-nobody-XXXXXX", exe[64];
	pid_t pid;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(exe, sizeof(exe), "%s/ior-record", dir);
	copy_exec(bin("ior-record"), dir, exe);
	pid = fork();
	if (pid == 0) {
		int fd = open(tmp("err"), O_WRONLY | O_CREAT | O_TRUNC, 0666);

		dup2(fd, STDERR_FILENO);
		/* no supplementary group of root's (disk, adm, ...) may grant anything */
		if (setgroups(0, NULL) || setgid(65534) || setuid(65534))
			_exit(125);
		execl(exe, "ior-record", "-o", "/tmp/ior-never.ior", "--", "/bin/true",
		      (char *)NULL);
		_exit(126);
	}
	ck_assert_int_eq(reap(pid), 1);
	unlink(exe);
	rmdir(dir);
	slurp(tmp("err"), err, sizeof(err));
	ck_assert_msg(strstr(err, "ior-record: needs root"), "stderr: %s", err);
	ck_assert_int_ne(access("/tmp/ior-never.ior", F_OK), 0);
}
END_TEST

/* The disk fills up: stop, say so, exit 1, keep what was written. */
START_TEST(test_disk_full)
{
	char err[2048], small[600];
	struct rec r;
	int code;

	snprintf(small, sizeof(small), "%s", tmp("small"));
	ck_assert_int_eq(mkdir(small, 0700), 0);
	ck_assert_int_eq(mount("tmpfs", small, "tmpfs", 0, "size=1m"), 0);
	make_file(tmp("f"), 4096);
	code = RECORD(tmp("small/full.ior"), err, sizeof(err), "--flush-interval", "20", "--",
		      (char *)bin("workloads/spin"), "-c", "3000000", (char *)tmp("f"));
	ck_assert_int_eq(code, 1);
	ck_assert_msg(strstr(err, "No space left on device"), "stderr: %s", err);
	rec_load(&r, tmp("small/full.ior"), false);
	ck_assert_uint_gt(r.nev, 1000);
	ck_assert_uint_eq(r.st.bad_chunks, 0);
	rec_free(&r);
	ck_assert_int_eq(umount(small), 0);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------ */
static void scratch_setup(void)
{
	const char *b = getenv("IOR_BUILD");

	/* absolute: some tests run ior-record from another directory */
	ck_assert_msg(realpath(b && *b ? b : "build", bin_dir), "no build directory '%s'",
		      b && *b ? b : "build");
	snprintf(scratch, sizeof(scratch), "/tmp/ior-bpf-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
}

static void scratch_teardown(void)
{
	char cmd[128];

	umount2(tmp("small"), MNT_DETACH); /* left mounted when test_disk_full failed */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "recorder_bpf: could not remove %s\n", scratch);
}

/* Why the BPF tier cannot run here, or NULL when it can (and so must pass). */
static const char *unavailable(void)
{
	const char *b = getenv("IOR_BUILD");
	char path[600];

	if (!getenv("IOR_BPF_TESTS"))
		return "IOR_BPF_TESTS is not set (scripts/run-tests.sh runs this tier)";
	if (geteuid() != 0)
		return "not root: loading BPF programs needs root";
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return "this kernel has no BTF (/sys/kernel/btf/vmlinux)";
	snprintf(path, sizeof(path), "%s/ior-record", b && *b ? b : "build");
	if (access(path, X_OK))
		return "ior-record is not built (make all)";
	return NULL;
}

static TCase *bpf_case(const char *name, int timeout)
{
	TCase *tc = tcase_create(name);

	tcase_add_checked_fixture(tc, scratch_setup, scratch_teardown);
	tcase_set_timeout(tc, timeout);
	return tc;
}

Suite *recorder_bpf_suite(void)
{
	Suite *s = suite_create("recorder_bpf");
	const char *why = unavailable();
	TCase *tc;

	if (why) {
		fprintf(stderr, "recorder_bpf: skipped: %s\n", why);
		return s;
	}
	tc = bpf_case("workload", 120);
	tcase_add_loop_test(tc, test_iomix_manifest, 0, 2);
	tcase_add_loop_test(tc, test_iomix_lifecycle, 0, 2);
	tcase_add_loop_test(tc, test_chroot_recorder, 0, 2);
	tcase_add_test(tc, test_chroot_snapshot);
	tcase_add_test(tc, test_iomix_vs_strace);
	tcase_add_test(tc, test_exit_status);
	suite_add_tcase(s, tc);
	tc = bpf_case("filters", 60);
	tcase_add_test(tc, test_filter_pid);
	tcase_add_test(tc, test_filter_pid_follows_fork);
	tcase_add_test(tc, test_filter_comm);
	tcase_add_test(tc, test_in_flight_call);
	tcase_add_test(tc, test_snapshot_maps);
	tcase_add_test(tc, test_filter_path);
	tcase_add_test(tc, test_filter_syscalls);
	suite_add_tcase(s, tc);
	tc = bpf_case("ending", 60);
	tcase_add_loop_test(tc, test_signal_ends_cleanly, 0, 2);
	tcase_add_test(tc, test_sigkill_keeps_flushed);
	tcase_add_test(tc, test_losses_reported);
	tcase_add_test(tc, test_max_size);
	tcase_add_test(tc, test_output_rules);
	tcase_add_test(tc, test_not_root);
	tcase_add_test(tc, test_disk_full);
	suite_add_tcase(s, tc);
	return s;
}
