// SPDX-License-Identifier: GPL-2.0-only
#include "recorder/session.h"

#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "recorder/sysnr.h"
#include "recorder/tracefs.h"

#define POLL_MS 50
#define STATUS_NS 1000000000ll

static volatile sig_atomic_t stop_signal;
static volatile sig_atomic_t child_signal;

static void on_stop(int sig)
{
	stop_signal = sig;
}

static void on_child(int sig)
{
	child_signal = sig;
}

void ior_session__signals(void)
{
	struct sigaction sa = { .sa_handler = on_stop };

	/* no SA_RESTART: the poll in the run loop returns at once */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sa.sa_handler = on_child;
	sigaction(SIGCHLD, &sa, NULL);
	/* a closed stdout (-o - | head) is a write error that ends the recording cleanly */
	signal(SIGPIPE, SIG_IGN);
}

int64_t ior_session__now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000ll + ts.tv_nsec;
}

__attribute__((format(printf, 3, 4))) static int fail(struct ior_session *r, int err,
						      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	return err;
}

/* Root, or CAP_BPF and CAP_PERFMON (the minimum for tracing programs and ring buffers). */
static bool privileged(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2] = {};
	const int bpf = 39, perfmon = 38; /* CAP_BPF, CAP_PERFMON: newer than some headers */

	if (geteuid() == 0)
		return true;
	if (syscall(SYS_capget, &hdr, data))
		return false;
	return (data[bpf / 32].effective & (1u << (bpf % 32))) &&
	       (data[perfmon / 32].effective & (1u << (perfmon % 32)));
}

/* -p and -t name tasks that exist (threads are reachable as /proc/TID too). */
static int check_targets(struct ior_session *r)
{
	char path[32];

	for (size_t i = 0; i < r->o->npids + r->o->ntids; i++) {
		bool pid = i < r->o->npids;
		uint32_t id = pid ? r->o->pids[i] : r->o->tids[i - r->o->npids];

		snprintf(path, sizeof(path), "/proc/%u", id);
		if (access(path, F_OK))
			return fail(r, -ESRCH, "%s %u: no such %s", pid ? "-p" : "-t", id,
				    pid ? "process" : "thread");
	}
	return 0;
}

static bool tracefs_event(const char *name, char *buf, size_t len, void *ctx)
{
	return ior_tracefs__syscall_event(ctx, name, buf, len);
}

/*
 * The capture plan. The tracepoint mode attaches through tracefs and needs it; the BTF
 * mode only uses it to leave out syscalls this kernel lacks.
 */
static int setup_plan(struct ior_session *r)
{
	const char *dir = ior_tracefs__dir();
	struct ior_plan_opts po = {
		.include = r->o->include,
		.exclude = r->o->exclude,
		.event = dir ? tracefs_event : NULL,
		.ctx = (void *)dir,
	};
	int ret;

	if (!dir && r->attach == IOR_ATTACH_TP && !r->o->attach_chosen) {
		r->attach = IOR_ATTACH_BTF; /* the default mode needs tracefs; btf does not */
		r->attach_fallback = true;
	} else if (!dir && r->attach == IOR_ATTACH_TP) {
		return fail(r, -errno, "tracefs is not mounted and mounting it failed (%s); run "
				       "'mount -t tracefs tracefs /sys/kernel/tracing'",
			    strerror(errno));
	}
	ret = ior_plan__build(&r->plan, &po, r->err, sizeof(r->err));
	return ret == -EINVAL ? -EINVAL : ret ? fail(r, ret, "%s", strerror(-ret)) : 0;
}

static int setup_capture(struct ior_session *r)
{
	struct ior_capture_opts co = {
		.attach = r->attach,
		.plan = &r->plan,
		.ringbuf_bytes = r->o->ringbuf_bytes,
		.wakeup_bytes = r->o->ringbuf_bytes / 4,
		.self_tgid = (uint32_t)getpid(),
		.filter_pid = r->o->npids || r->o->command,
		.filter_tid = r->o->ntids > 0,
		.comm = r->o->comm,
		.path_prefix = r->o->path_prefix,
	};
	int ret;

	ior_capture__set_verbose(r->o->verbose > 1);
	r->cap = ior_capture__open(&co, r->err, sizeof(r->err));
	if (!r->cap)
		return errno ? -errno : -EINVAL;
	r->percpu = calloc(ior_capture__ncpus(r->cap), sizeof(*r->percpu));
	if (!r->percpu)
		return fail(r, -ENOMEM, "out of memory");
	ret = r->has_child ? ior_capture__add_pid(r->cap, (uint32_t)r->child.pid) : 0;
	if (ret)
		return fail(r, ret, "cannot follow pid %d: %s", r->child.pid, strerror(-ret));
	for (size_t i = 0; i < r->o->npids; i++)
		ior_capture__add_pid(r->cap, r->o->pids[i]);
	for (size_t i = 0; i < r->o->ntids; i++)
		ior_capture__add_tid(r->cap, r->o->tids[i]);
	return 0;
}

static void default_name(char *buf, size_t len)
{
	char host[256] = "localhost", stamp[32];
	time_t now = time(NULL);
	struct tm tm;

	gethostname(host, sizeof(host) - 1);
	localtime_r(&now, &tm);
	strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%S", &tm);
	snprintf(buf, len, "%s-%s.ior", host, stamp);
}

/* Created exclusively, never through a symlink, readable by the owner only. */
static int setup_output(struct ior_session *r)
{
	int flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;

	if (r->o->output && strcmp(r->o->output, "-") == 0) {
		snprintf(r->out_path, sizeof(r->out_path), "-");
		if (isatty(STDOUT_FILENO))
			return fail(r, -EINVAL, "refusing to write a recording to a terminal; "
						"redirect stdout or use -o FILE");
		r->out_fd = STDOUT_FILENO;
		return 0;
	}
	if (r->o->output)
		snprintf(r->out_path, sizeof(r->out_path), "%s", r->o->output);
	else
		default_name(r->out_path, sizeof(r->out_path));
	flags |= r->o->force ? O_TRUNC : O_EXCL;
	r->out_fd = open(r->out_path, flags, 0600);
	if (r->out_fd < 0)
		return fail(r, -errno, "cannot open '%s': %s%s", r->out_path, strerror(errno),
			    errno == EEXIST ? " (use --force to overwrite)" : "");
	r->out_created = !r->o->force;
	return 0;
}

/* Offset from the recording clock to wall-clock time, from the closest pair of reads. */
static int64_t wall_offset(void)
{
	int64_t best = 0, best_gap = INT64_MAX;

	for (int i = 0; i < 5; i++) {
		struct timespec rt;
		int64_t a = ior_session__now(), b, wall;

		clock_gettime(CLOCK_REALTIME, &rt);
		b = ior_session__now();
		wall = (int64_t)rt.tv_sec * 1000000000ll + rt.tv_nsec;
		if (b - a < best_gap) {
			best_gap = b - a;
			best = wall - (a + (b - a) / 2);
		}
	}
	return best;
}

static int setup_writer(struct ior_session *r, int argc, char **argv)
{
	struct utsname u;
	char host[256] = "", options[1024];
	size_t nsys;
	struct ior_header h = {
		.major = IOR_FORMAT_MAJOR,
		.minor = IOR_FORMAT_MINOR,
		.tool_version = IOR_VERSION,
		.hostname = host,
		.clock = "monotonic",
		.argv = (const char *const *)argv,
		.argc = (uint32_t)argc,
		.options = options,
	};
	struct ior_writer_opts wo = { .max_bytes = r->o->max_size };

	uname(&u);
	gethostname(host, sizeof(host) - 1);
	h.kernel = u.release;
	h.arch = u.machine;
	h.ncpus = ior_capture__ncpus(r->cap);
	h.syscalls = ior_sysnr_table(&nsys);
	h.nsyscalls = (uint32_t)nsys;
	h.selected = r->plan.selected;
	h.nselected = r->plan.nselected;
	ior_record_opts__describe(r->o, r->attach, options, sizeof(options));
	h.wall_offset_ns = wall_offset();
	h.start_ns = ior_session__now();
	r->w = ior_writer__open(r->out_fd, &h, &wo);
	if (!r->w)
		return fail(r, -errno, "cannot write '%s': %s", r->out_path, strerror(errno));
	if (ior_drain__init(&r->drain, r->w, ior_capture__ncpus(r->cap)))
		return fail(r, -ENOMEM, "out of memory");
	return 0;
}

/*
 * Forked before anything else is opened, so that its fd table is what it inherits from
 * our caller; it waits before exec until the recording is ready.
 */
static int setup_child(struct ior_session *r)
{
	bool to_err = r->o->output && strcmp(r->o->output, "-") == 0;
	int ret;

	if (!r->o->command)
		return 0;
	ret = ior_child__start(&r->child, r->o->command, to_err);
	if (ret)
		return fail(r, ret, "cannot start '%s': %s", r->o->command[0], strerror(-ret));
	r->has_child = true;
	return 0;
}

/* Snapshot callbacks: descendants of -p join the kernel filter; --path seeds. */
static int snap_proc(uint32_t pid, void *ctx)
{
	struct ior_session *r = ctx;

	if (r->o->npids || r->o->command)
		return ior_capture__add_pid(r->cap, pid);
	return 0;
}

static bool under_prefix(const char *path, const char *prefix)
{
	return strncmp(path, prefix, strlen(prefix)) == 0;
}

static int snap_fd(uint32_t pid, int fd, const char *path, void *ctx)
{
	struct ior_session *r = ctx;

	return under_prefix(path, r->o->path_prefix) ? ior_capture__mark_fd(r->cap, pid, fd) : 0;
}

static int snap_cwd(uint32_t pid, const char *cwd, void *ctx)
{
	struct ior_session *r = ctx;

	return under_prefix(cwd, r->o->path_prefix) ? ior_capture__mark_cwd(r->cap, pid) : 0;
}

static int setup_snapshot(struct ior_session *r)
{
	uint32_t *pids = calloc(r->o->npids + 1, sizeof(*pids));
	struct ior_snapshot_opts so = {
		.self = (uint32_t)getpid(),
		.pids = pids,
		.npids = r->o->npids,
		.tids = r->o->tids,
		.ntids = r->o->ntids,
		.comm = r->o->comm,
		.on_proc = snap_proc,
		.on_fd = r->o->path_prefix ? snap_fd : NULL,
		.on_cwd = r->o->path_prefix ? snap_cwd : NULL,
		.ctx = r,
	};
	int ret;

	if (!pids)
		return fail(r, -ENOMEM, "out of memory");
	memcpy(pids, r->o->pids, r->o->npids * sizeof(*pids));
	if (r->has_child)
		pids[so.npids++] = (uint32_t)r->child.pid;
	ret = ior_snapshot__write(r->w, &so, ior_session__now(), &r->snap);
	free(pids);
	if (ret)
		return fail(r, ret, "cannot write the /proc snapshot to '%s': %s", r->out_path,
			    strerror(-ret));
	return 0;
}

static int setup_run(struct ior_session *r)
{
	int64_t t;
	int ret;

	t = ior_session__now();
	ret = ior_capture__attach(r->cap, r->err, sizeof(r->err));
	if (ret)
		return ret;
	r->attach_ns += ior_session__now() - t;
	r->t0 = ior_session__now();
	ior_capture__set_start(r->cap, (uint64_t)r->t0);
	ret = setup_snapshot(r);
	if (ret)
		return ret;
	r->rb = ring_buffer__new(ior_capture__ringbuf_fd(r->cap), ior_drain__sample, &r->drain,
				 NULL);
	if (!r->rb)
		return fail(r, -errno, "cannot map the ring buffer: %s", strerror(errno));
	if (r->has_child) {
		r->exec_err = ior_child__release(&r->child);
		if (r->exec_err)
			snprintf(r->err, sizeof(r->err), "cannot run '%s': %s", r->o->command[0],
				 strerror(-r->exec_err));
	}
	return 0;
}

int ior_session__setup(struct ior_session *r, const struct ior_record_opts *o, int argc,
		      char **argv)
{
	int64_t t;
	int ret;

	memset(r, 0, sizeof(*r));
	r->o = o;
	r->attach = o->attach;
	r->out_fd = -1;
	r->child.pid = -1;
	if (!privileged())
		return fail(r, -EPERM, "needs root (or CAP_BPF and CAP_PERFMON) to load BPF "
				       "programs");
	ret = check_targets(r);
	if (!ret)
		ret = setup_plan(r);
	if (!ret)
		ret = setup_child(r);
	if (ret)
		return ret;
	t = ior_session__now();
	ret = setup_capture(r);
	if (ret)
		return ret;
	r->attach_ns = ior_session__now() - t;
	ret = setup_output(r);
	if (!ret)
		ret = setup_writer(r, argc, argv);
	if (!ret)
		ret = setup_run(r);
	return ret;
}

/* Lost-event records for what the kernel counted since the last report. */
static void report_lost(struct ior_session *r)
{
	unsigned int n = ior_capture__ncpus(r->cap);

	if (!ior_capture__stats(r->cap, &r->kstats, r->percpu, &n) && !r->drain.err)
		ior_drain__lost(&r->drain, r->percpu, ior_session__now());
}

static bool should_stop(struct ior_session *r, int64_t now)
{
	if (stop_signal) {
		r->reason = IOR_END_SIGNAL;
		return true;
	}
	if (r->drain.err) {
		r->reason = r->drain.err == -EFBIG ? IOR_END_MAX_SIZE : IOR_END_ERROR;
		return true;
	}
	r->reason = IOR_END_NORMAL;
	if (r->o->duration_ns && now - r->t0 >= (int64_t)r->o->duration_ns)
		return true;
	if (r->exec_err)
		return true;
	return r->has_child && ior_child__poll(&r->child) == 1;
}

static void status_tick(struct ior_session *r, int64_t now, uint64_t *last_events,
			int64_t *last_t)
{
	struct ior_status s = {
		.elapsed_ns = (uint64_t)(now - r->t0),
		.events = r->drain.events,
		.lost = r->drain.lost,
		.bytes = ior_writer__bytes_written(r->w),
	};

	if (now > *last_t)
		s.rate = (r->drain.events - *last_events) * 1000000000ull / (uint64_t)(now - *last_t);
	*last_events = r->drain.events;
	*last_t = now;
	r->on_status(&s, r->status_ctx);
}

int ior_session__run(struct ior_session *r)
{
	int64_t now = ior_session__now(), next_flush = now + (int64_t)r->o->flush_ns;
	int64_t next_status = now + STATUS_NS, last_t = now;
	uint64_t last_events = 0;

	for (;;) {
		/* records come without wake-ups: poll only waits, consume always reads */
		int n = ring_buffer__poll(r->rb, POLL_MS);

		if (n >= 0 || n == -EINTR)
			n = ring_buffer__consume(r->rb);

		if (n < 0 && n != -EINTR && !r->drain.err)
			return fail(r, n, "cannot read the ring buffer: %s", strerror(-n));
		now = ior_session__now();
		if (should_stop(r, now))
			return 0;
		if (now >= next_flush) {
			int err;

			report_lost(r);
			err = ior_writer__flush(r->w);
			if (err && !r->drain.err)
				r->drain.err = err;
			next_flush = now + (int64_t)r->o->flush_ns;
		}
		if (r->on_status && now >= next_status) {
			status_tick(r, now, &last_events, &last_t);
			next_status = now + STATUS_NS;
		}
	}
}

int ior_session__finish(struct ior_session *r)
{
	struct ior_end end = { .reason = r->reason };
	struct stat st;
	int ret;

	ior_capture__stop(r->cap);
	/* a program still running on another CPU may submit after the flag is set */
	if (!r->drain.err) {
		usleep(10000);
		ring_buffer__consume(r->rb);
	}
	report_lost(r);
	end.time_ns = ior_session__now();
	r->bytes_written = ior_writer__bytes_written(r->w);
	ret = ior_writer__close(r->w, &end);
	r->w = NULL;
	if (!fstat(r->out_fd, &st) && S_ISREG(st.st_mode))
		r->bytes_written = (uint64_t)st.st_size;
	if (r->drain.err && r->drain.err != -EFBIG)
		ret = r->drain.err;
	if (ret)
		fail(r, ret, "cannot write '%s': %s; it keeps what was written before",
		     r->out_path, strerror(-ret));
	if (r->has_child) {
		if (stop_signal && !r->child.reaped)
			kill(r->child.pid, stop_signal);
		ior_child__wait(&r->child);
	}
	return ret;
}

void ior_session__cleanup(struct ior_session *r)
{
	bool failed = r->w != NULL; /* a writer still open: setup did not complete */

	ring_buffer__free(r->rb);
	r->rb = NULL;
	ior_writer__abandon(r->w);
	r->w = NULL;
	ior_capture__free(r->cap);
	r->cap = NULL;
	ior_drain__fini(&r->drain);
	free(r->percpu);
	r->percpu = NULL;
	if (r->has_child && !r->child.reaped)
		ior_child__abort(&r->child);
	if (r->out_fd > STDERR_FILENO)
		close(r->out_fd);
	if (failed && r->out_created)
		unlink(r->out_path);
	r->out_fd = -1;
}
