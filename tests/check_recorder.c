// SPDX-License-Identifier: GPL-2.0-only
/*
 * recorder/ without BPF: option parsing, the capture plan, the syscall table, the
 * ring-buffer record conversion, the /proc snapshot (on a fake /proc), the status line
 * and the command launcher.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/syscalls.h"
#include "format/ior_format.h"
#include "recorder/child.h"
#include "recorder/drain.h"
#include "recorder/opts.h"
#include "recorder/plan.h"
#include "recorder/snapshot.h"
#include "recorder/status.h"
#include "recorder/sysnr.h"
#include "recorder/tracefs.h"

/* ---- options ------------------------------------------------------------------------ */
static const struct {
	const char *args; /* space-separated, after the program name */
	int err;
	const char *err_has; /* a piece of the message */
} opt_cases[] = {
	{ "", 0, NULL },
	{ "-o x.ior -d 10 -p 1 -p 2 -t 3 -c bash", 0, NULL },
	{ "--path /var/lib -e read,write -e openat -x close --ringbuf-size 64M", 0, NULL },
	{ "--flush-interval 250 --max-size 1G --force --attach tracepoint -q -v -v", 0, NULL },
	{ "-- ls -l", 0, NULL },
	{ "-p 12 -- sh -c x", 0, NULL },
	{ "-p abc", -EINVAL, "-p 'abc'" },
	{ "-p 0", -EINVAL, "-p '0'" },
	{ "-t -5", -EINVAL, "-t '-5'" },
	{ "-d 10abc", -EINVAL, "-d '10abc'" },
	{ "--ringbuf-size 1000", -EINVAL, "power of two" },
	{ "--ringbuf-size 3M", -EINVAL, "power of two" },
	{ "--ringbuf-size 2G", -EINVAL, "power of two" },
	{ "--path relative/dir", -EINVAL, "absolute" },
	{ "-c averyveryverylongcomm", -EINVAL, "-c" },
	{ "--attach kprobe", -EINVAL, "btf or tracepoint" },
	{ "--flush-interval 1", -EINVAL, "--flush-interval" },
	{ "--max-size lots", -EINVAL, "--max-size" },
	{ "--bogus", -EINVAL, "unknown option '--bogus'" },
	{ "-Z", -EINVAL, "unknown option '-Z'" },
	{ "-o", -EINVAL, "needs an argument" },
	{ "ls", -EINVAL, "put a command after --" },
	{ "--", -EINVAL, "followed by a command" },
};

static int split(char *s, char **argv, int max)
{
	int n = 0;

	argv[n++] = "ior-record";
	for (char *t = strtok(s, " "); t && n < max - 1; t = strtok(NULL, " "))
		argv[n++] = t;
	argv[n] = NULL;
	return n;
}

START_TEST(test_opts_table)
{
	char buf[256], *argv[32];
	struct ior_record_opts o;
	int argc, err;

	snprintf(buf, sizeof(buf), "%s", opt_cases[_i].args);
	argc = split(buf, argv, 32);
	err = ior_record_opts__parse(&o, argc, argv);
	ck_assert_msg(err == opt_cases[_i].err, "parse(\"%s\") = %d (%s), want %d",
		      opt_cases[_i].args, err, o.err, opt_cases[_i].err);
	if (opt_cases[_i].err_has)
		ck_assert_msg(strstr(o.err, opt_cases[_i].err_has), "parse(\"%s\"): message \"%s\"",
			      opt_cases[_i].args, o.err);
	ior_record_opts__free(&o);
}
END_TEST

START_TEST(test_opts_values)
{
	char buf[] = "-o out.ior -d 1.5 -p 7 -p 8 -t 9 -c sh --path /data -e read -e write "
		     "-x pread64 --ringbuf-size 8M --flush-interval 200 --max-size 10M "
		     "--attach tp -q -v -v -- echo hi";
	char *argv[64];
	int argc = split(buf, argv, 64);
	struct ior_record_opts o;

	ck_assert_int_eq(ior_record_opts__parse(&o, argc, argv), 0);
	ck_assert_str_eq(o.output, "out.ior");
	ck_assert_uint_eq(o.duration_ns, 1500000000ull);
	ck_assert_uint_eq(o.npids, 2);
	ck_assert_uint_eq(o.pids[1], 8);
	ck_assert_uint_eq(o.ntids, 1);
	ck_assert_str_eq(o.comm, "sh");
	ck_assert_str_eq(o.path_prefix, "/data");
	ck_assert_str_eq(o.include, "read,write");
	ck_assert_str_eq(o.exclude, "pread64");
	ck_assert_uint_eq(o.ringbuf_bytes, 8u << 20);
	ck_assert_uint_eq(o.flush_ns, 200000000ull);
	ck_assert_uint_eq(o.max_size, 10u << 20);
	ck_assert_int_eq(o.attach, IOR_ATTACH_TP);
	ck_assert(o.attach_chosen);
	ck_assert_int_eq(o.quiet, 1);
	ck_assert_int_eq(o.verbose, 2);
	ck_assert_str_eq(o.command[0], "echo");
	ck_assert_str_eq(o.command[1], "hi");
	ck_assert_ptr_null(o.command[2]);
	ior_record_opts__free(&o);
}
END_TEST

/* --version names the recording format it writes, as ior-analyze --version does. */
START_TEST(test_opts_version)
{
	char want[128];

	snprintf(want, sizeof(want), "ior-record %s (recording format %d.%d)\n", IOR_VERSION,
		 IOR_FORMAT_MAJOR, IOR_FORMAT_MINOR);
	ck_assert_str_eq(ior_record_opts__version(), want);
}
END_TEST

START_TEST(test_opts_defaults)
{
	char *argv[] = { "ior-record", NULL };
	struct ior_record_opts o;

	ck_assert_int_eq(ior_record_opts__parse(&o, 1, argv), 0);
	ck_assert_ptr_null(o.output);
	ck_assert_uint_eq(o.ringbuf_bytes, IOR_RECORD_DEFAULT_RINGBUF);
	ck_assert_uint_eq(o.flush_ns, 1000000000ull);
	ck_assert_int_eq(o.attach, IOR_RECORD_DEFAULT_ATTACH);
	ck_assert(!o.attach_chosen);
	ck_assert_ptr_null(o.command);
	ck_assert_ptr_nonnull(strstr(ior_record_opts__usage(), "--ringbuf-size"));
	ior_record_opts__free(&o);
}
END_TEST

/* ---- capture plan ---------------------------------------------------------------------- */
static struct ior_plan plan; /* large */

static bool all_but_cachestat(const char *name, char *buf, size_t len, void *ctx)
{
	if (strcmp(name, "cachestat") == 0)
		return false;
	snprintf(buf, len, "%s%s", strcmp(name, "stat") == 0 ? "new" : "", name);
	return true;
}

static const struct ior_wire_plan *plan_of(const char *name)
{
	int nr = ior_sysnr_by_name(name);

	ck_assert_msg(nr >= 0, "no number for %s", name);
	return &plan.nr[nr];
}

START_TEST(test_plan_entries)
{
	struct ior_plan_opts po = { .event = all_but_cachestat };
	char err[256] = "";
	const struct ior_wire_plan *p;

	ck_assert_int_eq(ior_plan__build(&plan, &po, err, sizeof(err)), 0);
	ck_assert_uint_eq(plan.missing, 1);
	ck_assert(!plan_of("cachestat")->on);
	ck_assert(!plan_of("getpid")->on);
	p = plan_of("openat");
	ck_assert(p->on && p->fd == 1 && p->path == 2 && p->flags == 3 && p->aux == 4);
	ck_assert_int_eq(p->role, IOR_WIRE_ROLE_NEWFD);
	ck_assert_uint_eq(plan.nargs[ior_sysnr_by_name("openat")], 4);
	ck_assert_uint_eq(plan.nargs[ior_sysnr_by_name("mmap")], 5);
	ck_assert_uint_eq(plan.nargs[ior_sysnr_by_name("sync")], 0);
	ck_assert_int_eq(plan_of("read")->bytes, IOR_WIRE_ARG_RET);
	ck_assert_int_eq(plan_of("pipe2")->special, IOR_WIRE_SPECIAL_FD_PAIR);
	ck_assert_int_eq(plan_of("openat2")->special, IOR_WIRE_SPECIAL_OPEN_HOW);
	ck_assert_int_eq(plan_of("creat")->special, IOR_WIRE_SPECIAL_CREAT);
	ck_assert_int_eq(plan_of("fcntl")->role, IOR_WIRE_ROLE_FCNTL);
	ck_assert_int_eq(plan_of("dup2")->role, IOR_WIRE_ROLE_DUP);
	ck_assert_int_eq(plan_of("close_range")->role, IOR_WIRE_ROLE_CLOSE);
	ck_assert_int_eq(plan_of("fchdir")->role, IOR_WIRE_ROLE_CWD);
	ck_assert_str_eq(plan.event[ior_sysnr_by_name("stat")], "newstat");
}
END_TEST

static const struct {
	const char *include, *exclude;
	int err;
	const char *on, *off; /* one syscall selected, one not recorded at all */
	const char *extra;    /* one recorded for attribution only; NULL: none may be */
} select_cases[] = {
	{ "read", NULL, 0, "read", "pread64", "openat" },
	{ "p?read(64)?", NULL, 0, "pread64", "readv", "close" },
	{ "open.*", "openat2", 0, "open_by_handle_at", "read", "openat2" },
	{ NULL, "read,write", 0, "pread64", "write", NULL },
	{ NULL, "close,mmap", 0, "pread64", NULL, "close" },
	{ "read,,write", NULL, 0, "write", "newfstatat", "dup2" },
	{ "f?sync", NULL, 0, "fsync", "fdatasync", "fcntl" },
	{ "statx", NULL, 0, "statx", "lseek", "chdir" },
	{ "statx", NULL, 0, "statx", "msync", "munmap" },
	{ "getdents64", NULL, 0, "getdents64", "ioctl", "pipe2" },
	{ "bogus", NULL, -EINVAL, NULL, NULL, NULL },
	{ "read,bogus", NULL, -EINVAL, NULL, NULL, NULL },
	{ "read", "nope", -EINVAL, NULL, NULL, NULL },
	{ "(", NULL, -EINVAL, NULL, NULL, NULL },
	{ "read", "read", -EINVAL, NULL, NULL, NULL }, /* nothing left */
};

static bool plan_selects(const char *name)
{
	uint32_t nr = (uint32_t)ior_sysnr_by_name(name);

	for (unsigned int i = 0; i < plan.nselected; i++)
		if (plan.selected[i] == nr)
			return true;
	return false;
}

/* -e/-x: what is selected, what is recorded anyway, and the header's selection. */
START_TEST(test_plan_select)
{
	struct ior_plan_opts po = { .include = select_cases[_i].include,
				    .exclude = select_cases[_i].exclude };
	const char *extra = select_cases[_i].extra;
	char err[256] = "";
	int ret = ior_plan__build(&plan, &po, err, sizeof(err));

	ck_assert_msg(ret == select_cases[_i].err, "-e %s -x %s: %d (%s)", select_cases[_i].include,
		      select_cases[_i].exclude, ret, err);
	if (ret) {
		ck_assert_msg(*err, "-e %s: no message", select_cases[_i].include);
		return;
	}
	ck_assert_msg(plan_of(select_cases[_i].on)->on, "%s should be on", select_cases[_i].on);
	ck_assert_msg(!select_cases[_i].off || !plan_of(select_cases[_i].off)->on,
		      "%s should be off", select_cases[_i].off);
	if (!extra) {
		ck_assert_msg(plan.nselected == 0, "case %d: a selection where all is selected", _i);
		return;
	}
	ck_assert_msg(plan_of(extra)->on && !plan_selects(extra),
		      "case %d: %s should be recorded, not selected", _i, extra);
	ck_assert_msg(plan_selects(select_cases[_i].on), "case %d: %s not in the selection", _i,
		      select_cases[_i].on);
	for (unsigned int i = 1; i < plan.nselected; i++)
		ck_assert_uint_lt(plan.selected[i - 1], plan.selected[i]);
}
END_TEST

/* ---- syscall numbers ---------------------------------------------------------------- */
START_TEST(test_sysnr)
{
	size_t n, ntraced;
	const struct ior_syscall_name *t = ior_sysnr_table(&n);
	const struct ior_syscall_desc *d = ior_syscalls(&ntraced);

	ck_assert_uint_gt(n, 300);
	for (size_t i = 1; i < n; i++)
		ck_assert_msg(t[i - 1].nr < t[i].nr, "table not sorted/unique at %s", t[i].name);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(ior_sysnr_name(t[i].nr), t[i].name);
	ck_assert_ptr_null(ior_sysnr_name(100000));
	ck_assert_int_eq(ior_sysnr_by_name("no_such_call"), -1);
#if defined(__x86_64__)
	ck_assert_int_eq(ior_sysnr_by_name("read"), 0);
	ck_assert_int_eq(ior_sysnr_by_name("openat"), 257);
	ck_assert_int_eq(ior_sysnr_by_name("cachestat"), 451);
	ck_assert_int_eq(ior_sysnr_by_name("open_tree_attr"), 467);
	/* every syscall ior traces has a number on x86_64 */
	for (size_t i = 0; i < ntraced; i++)
		ck_assert_msg(ior_sysnr_by_name(d[i].name) >= 0, "%s has no number", d[i].name);
#endif
}
END_TEST

/* ---- tracefs event names ------------------------------------------------------------ */
START_TEST(test_tracefs_names)
{
	char dir[] = "/tmp/ior-tracefs-XXXXXX", path[256], ev[32], cmd[300];
	static const char *const events[] = { "read", "newstat", "sendfile64" };

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/events/syscalls/sys_enter_%s", dir, events[i]);
		snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
		ck_assert_int_eq(system(cmd), 0);
	}
	ck_assert(ior_tracefs__syscall_event(dir, "read", ev, sizeof(ev)));
	ck_assert_str_eq(ev, "read");
	ck_assert(ior_tracefs__syscall_event(dir, "stat", ev, sizeof(ev)));
	ck_assert_str_eq(ev, "newstat");
	ck_assert(ior_tracefs__syscall_event(dir, "sendfile", ev, sizeof(ev)));
	ck_assert_str_eq(ev, "sendfile64");
	ck_assert(!ior_tracefs__syscall_event(dir, "write", ev, sizeof(ev)));
	ck_assert(!ior_tracefs__syscall_event(dir, "read", ev, 3)); /* no room */
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/* ---- status line ------------------------------------------------------------------- */
START_TEST(test_status)
{
	char buf[128];
	struct ior_status s = { .elapsed_ns = 12500000000ull, .events = 1234567, .rate = 1000,
				.lost = 3, .bytes = 5u << 20 };

	ior_status__bytes(buf, sizeof(buf), 512);
	ck_assert_str_eq(buf, "512 B");
	ior_status__bytes(buf, sizeof(buf), 1536);
	ck_assert_str_eq(buf, "1.5 KiB");
	ior_status__bytes(buf, sizeof(buf), 3ull << 30);
	ck_assert_str_eq(buf, "3.0 GiB");
	ior_status__line(buf, sizeof(buf), &s);
	ck_assert_str_eq(buf, "   12s  1234567 events  1000/s  3 lost  5.0 MiB");
	ck_assert_uint_eq(ior_status__line(buf, 8, &s), 7);
}
END_TEST

/* ---- ring-buffer records -> recording ------------------------------------------------ */
static const struct ior_syscall_name test_syscalls[] = { { 0, "read" }, { 257, "openat" } };

static struct ior_writer *test_writer(int *fd)
{
	char path[] = "/tmp/ior-check-XXXXXX";
	const char *argv[] = { "ior-record" };
	struct ior_header h = {
		.major = IOR_FORMAT_MAJOR, .minor = IOR_FORMAT_MINOR, .tool_version = "test",
		.hostname = "host", .kernel = "6.18", .arch = "x86_64", .ncpus = 2,
		.clock = "monotonic", .argv = argv, .argc = 1, .options = "",
		.syscalls = test_syscalls, .nsyscalls = 2,
	};
	struct ior_writer *w;

	*fd = mkstemp(path);
	ck_assert_int_ge(*fd, 0);
	unlink(path);
	w = ior_writer__open(*fd, &h, NULL);
	ck_assert_ptr_nonnull(w);
	return w;
}

static struct ior_reader *reopen(int fd)
{
	struct ior_reader *r;

	ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
	r = ior_reader__open(fd, NULL);
	ck_assert_msg(r != NULL, "reader: %s", ior_reader__open_error());
	return r;
}

/* A wire event with its strings appended, in buf. Returns its size. */
static size_t wire_event(void *buf, __u32 nr, __s64 ret, __u16 sf, const char *p1,
			 const char *p2)
{
	struct ior_wire_event *e = buf;
	size_t l1 = p1 ? strlen(p1) : 0, l2 = p2 ? strlen(p2) : 0;

	memset(e, 0, sizeof(*e));
	e->type = IOR_WIRE_EVENT;
	e->str_flags = sf | (p1 ? IOR_WIRE_PATH_SET : 0) | (p2 ? IOR_WIRE_PATH2_SET : 0);
	e->path_len = l1;
	e->path2_len = l2;
	e->pid = 10;
	e->tid = 11;
	e->nr = nr;
	e->fd = 3;
	e->fd2 = IOR_WIRE_FD_NONE;
	e->start_ns = 1000;
	e->dur_ns = 50;
	e->ret = ret;
	e->bytes = ret > 0 ? ret : 0;
	e->flags = 0x241;
	e->aux = 0644;
	memcpy(e + 1, p1 ? p1 : "", l1);
	memcpy((char *)(e + 1) + l1, p2 ? p2 : "", l2);
	return sizeof(*e) + l1 + l2;
}

static void feed_events(struct ior_drain *d)
{
	char buf[sizeof(struct ior_wire_event) + 64];

	/* a call in flight at the start: its flag moves to the format's bit */
	ck_assert_int_eq(ior_drain__record(d, buf, wire_event(buf, 0, 100, IOR_WIRE_ENTRY_UNSEEN,
							      NULL, NULL)), 0);
	ck_assert_int_eq(ior_drain__record(d, buf, wire_event(buf, 257, 4, 0, "a/b", NULL)), 0);
	ck_assert_int_eq(ior_drain__record(d, buf, wire_event(buf, 257, 5, 0, "", NULL)), 0);
	ck_assert_int_eq(ior_drain__record(d, buf, wire_event(buf, 257, -36, IOR_WIRE_PATH_TRUNC,
							      "zzzz", NULL)), 0);
	ck_assert_int_eq(ior_drain__record(d, buf, wire_event(buf, 257, -14, IOR_WIRE_PATH_BAD,
							      NULL, NULL)), 0);
	ck_assert_int_eq(ior_drain__record(d, buf, wire_event(buf, 82, 0, 0, "old", "new")), 0);
	/* a record shorter than its strings, and an unknown type: counted, skipped */
	wire_event(buf, 0, 0, 0, "abc", NULL);
	ck_assert_int_eq(ior_drain__record(d, buf, sizeof(struct ior_wire_event) + 1), 0);
	buf[0] = 99;
	ck_assert_int_eq(ior_drain__record(d, buf, sizeof(struct ior_wire_event)), 0);
	ck_assert_uint_eq(d->bad, 2);
}

static void feed_procs(struct ior_drain *d)
{
	static const char comps[] = { 'b', 0, 'w', 'k', 0, 't', 'm', 'p', 0 };
	char buf[sizeof(struct ior_wire_proc) + 32];
	struct ior_wire_proc *p = (struct ior_wire_proc *)buf;

	memset(buf, 0, sizeof(buf));
	*p = (struct ior_wire_proc){ .type = IOR_WIRE_PROC, .kind = IOR_WIRE_FORK, .pid = 20,
				     .tid = 20, .ppid = 10, .ptid = 11, .time_ns = 2000,
				     .clone_flags = 0x11 };
	strcpy(p->comm, "parent");
	ck_assert_int_eq(ior_drain__record(d, buf, sizeof(*p)), 0);
	p->kind = IOR_WIRE_EXEC;
	p->code = 21; /* the old tid */
	p->path_len = 8;
	memcpy(p + 1, "/bin/cat", 8);
	strcpy(p->comm, "cat");
	ck_assert_int_eq(ior_drain__record(d, buf, sizeof(*p) + 8), 0);
	p->kind = IOR_WIRE_EXIT;
	p->path_len = 0;
	p->code = 256;
	p->clone_flags = 1; /* group dead */
	ck_assert_int_eq(ior_drain__record(d, buf, sizeof(*p)), 0);
	/* the cwd walk sends components leaf first */
	p->kind = IOR_WIRE_CWD;
	p->code = 0;
	p->clone_flags = 0;
	p->path_len = sizeof(comps);
	memcpy(p + 1, comps, sizeof(comps));
	ck_assert_int_eq(ior_drain__record(d, buf, sizeof(*p) + sizeof(comps)), 0);
	p->path_len = 0; /* the root itself */
	p->code = 1;
	ck_assert_int_eq(ior_drain__record(d, buf, sizeof(*p)), 0);
}

static void check_events(struct ior_reader *r)
{
	struct ior_record rec;
	size_t len;
	const char *s;

	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	ck_assert_int_eq(rec.type, IOR_REC_EVENT);
	ck_assert(rec.event.nr == 0 && rec.event.ret == 100 && rec.event.bytes == 100 &&
		  rec.event.fd == 3 && rec.event.fd2 == IOR_FD_NONE && !rec.event.path &&
		  rec.event.start_ns == 1000 && rec.event.dur_ns == 50 && rec.event.tid == 11);
	ck_assert_uint_eq(rec.event.str_flags, IOR_EV_ENTRY_UNSEEN);
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	s = ior_reader__string(r, rec.event.path, &len);
	ck_assert(s && len == 3 && !memcmp(s, "a/b", 3) && rec.event.str_flags == 0);
	ck_assert(rec.event.flags == 0x241 && rec.event.aux == 0644);
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	s = ior_reader__string(r, rec.event.path, &len); /* "" is a string, not none */
	ck_assert(rec.event.path != IOR_STR_NONE && s && len == 0);
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	ck_assert_uint_eq(rec.event.str_flags, IOR_STR_PATH_TRUNCATED);
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	ck_assert(rec.event.str_flags == IOR_STR_PATH_UNREADABLE && !rec.event.path);
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	s = ior_reader__string(r, rec.event.path2, &len);
	ck_assert(s && len == 3 && !memcmp(s, "new", 3));
}

static void check_procs(struct ior_reader *r)
{
	struct ior_record rec;
	size_t len;

	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	ck_assert(rec.type == IOR_REC_PROC && rec.proc.kind == IOR_PROC_FORK);
	ck_assert(rec.proc.pid == 20 && rec.proc.ppid == 10 && rec.proc.ptid == 11 &&
		  rec.proc.clone_flags == 0x11);
	ck_assert_str_eq(ior_reader__string(r, rec.proc.comm, &len), "parent");
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	ck_assert(rec.proc.kind == IOR_PROC_EXEC && rec.proc.ptid == 21 && rec.proc.code == 0);
	ck_assert_str_eq(ior_reader__string(r, rec.proc.path, &len), "/bin/cat");
	ck_assert_str_eq(ior_reader__string(r, rec.proc.comm, &len), "cat");
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	ck_assert(rec.proc.kind == IOR_PROC_EXIT && rec.proc.code == 256 && rec.proc.flags == 1);
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	ck_assert(rec.proc.kind == IOR_PROC_CWD && rec.proc.code == 0);
	ck_assert_str_eq(ior_reader__string(r, rec.proc.path, &len), "/tmp/wk/b");
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	ck_assert(rec.proc.kind == IOR_PROC_CWD && rec.proc.code == 1);
	ck_assert_str_eq(ior_reader__string(r, rec.proc.path, &len), "/");
}

START_TEST(test_drain)
{
	struct ior_wire_stats cpu[2] = { { .lost_events = 5 }, { 0 } };
	struct ior_end end = { .time_ns = 9000 };
	struct ior_reader_stats st;
	struct ior_record rec;
	struct ior_drain d;
	struct ior_reader *r;
	int fd;

	ck_assert_int_eq(ior_drain__init(&d, test_writer(&fd), 2), 0);
	feed_events(&d);
	feed_procs(&d);
	ck_assert_int_eq(ior_drain__lost(&d, cpu, 3000), 0);
	cpu[0].lost_events = 7;
	cpu[1].lost_procs = 2;
	ck_assert_int_eq(ior_drain__lost(&d, cpu, 4000), 0);
	ck_assert_int_eq(ior_drain__lost(&d, cpu, 5000), 0); /* nothing new: no record */
	ck_assert(d.events == 6 && d.procs == 5 && d.lost == 9);
	ck_assert_int_eq(ior_writer__close(d.w, &end), 0);
	ior_drain__fini(&d);
	r = reopen(fd);
	check_events(r);
	check_procs(r);
	for (int i = 0; i < 3; i++) {
		static const unsigned int want[3][2] = { { 0, 5 }, { 0, 2 }, { 1, 2 } };

		ck_assert_int_eq(ior_reader__next(r, &rec), 1);
		ck_assert(rec.type == IOR_REC_LOST && rec.lost.cpu == want[i][0] &&
			  rec.lost.count == want[i][1]);
	}
	ck_assert_int_eq(ior_reader__next(r, &rec), 1);
	ck_assert(rec.type == IOR_REC_END && rec.end.events == 6 && rec.end.lost == 9);
	ior_reader__stats(r, &st);
	ck_assert(st.clean_close);
	ior_reader__close(r);
	close(fd);
}
END_TEST

/* ---- /proc snapshot on a fake /proc -------------------------------------------------- */
static char fake_proc[64];

static void put_file(const char *rel, const char *text)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", fake_proc, rel);
	for (char *slash = strchr(path + strlen(fake_proc) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		mkdir(path, 0755);
		*slash = '/';
	}
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

static void put_link(const char *rel, const char *target)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/%s", fake_proc, rel);
	ck_assert_int_eq(symlink(target, path), 0);
}

/* pid 100 (a thread 105, fds 0 and 3), child 101, kernel thread 102, stranger 200. */
static void fake_procfs(void)
{
	snprintf(fake_proc, sizeof(fake_proc), "/tmp/ior-proc-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(fake_proc));
	put_file("100/stat", "100 (a b) S 1 100 100 0");
	put_file("100/task/100/comm", "a b\n");
	put_file("100/task/105/comm", "worker\n");
	put_file("100/fdinfo/0", "pos:\t0\nflags:\t02\nmnt_id:\t1\n");
	put_file("100/fdinfo/3", "pos:\t0\nflags:\t02100000\nmnt_id:\t1\n");
	mkdir(strcat(strcpy((char[256]){ 0 }, fake_proc), "/100/fd"), 0755);
	put_link("100/fd/0", "/dev/pts/0");
	put_link("100/fd/3", "/data/x.db");
	put_link("100/cwd", "/home/a");
	put_link("100/root", "/");
	/* libc's segments (one record), a gap, a deleted file, memory that is no file */
	put_file("100/maps",
		 "55d0000000-55d0001000 r--p 00000000 fe:01 11 /usr/bin/a b\n"
		 "7f0000000000-7f0000028000 r--p 00000000 fe:01 12 /usr/lib/libc.so.6\n"
		 "7f0000028000-7f000019d000 r-xp 00028000 fe:01 12 /usr/lib/libc.so.6\n"
		 "7f000019d000-7f00001f5000 r--p 0019d000 fe:01 12 /usr/lib/libc.so.6\n"
		 "7f00001f9000-7f00001fb000 rw-p 001f8000 fe:01 12 /usr/lib/libc.so.6\n"
		 "7f00001fb000-7f0000208000 rw-p 00000000 00:00 0 \n"
		 "7f0000300000-7f0000301000 rw-s 00000000 00:01 3 /dev/shm/x (deleted)\n"
		 "7f0000400000-7f0000401000 r--p 00000000 fe:01 13 /odd\\012name\n"
		 "7ffd00000000-7ffd00021000 rw-p 00000000 00:00 0                          [stack]\n"
		 "7ffd00100000-7ffd00102000 r-xp 00000000 00:00 0                          [vdso]\n");
	mkdir(strcat(strcpy((char[256]){ 0 }, fake_proc), "/100/map_files"), 0755);
	put_link("100/map_files/7f0000400000-7f0000401000", "/odd\\012name (exact)");
	put_file("105/status", "Name:\tworker\nTgid:\t100\n"); /* a thread: no stat here */
	put_file("101/stat", "101 (child) S 100 100 100 0");
	put_file("101/task/101/comm", "child\n");
	put_link("101/cwd", "/data");
	put_file("102/stat", "102 (kworker/0:1) I 2 0 0 0");
	put_file("102/task/102/comm", "kworker/0:1\n");
	put_file("200/stat", "200 (other) S 1 200 200 0");
	put_file("200/task/200/comm", "other\n");
}

struct snap_seen {
	unsigned int snap, fd, maps, cwd_marks;
	uint32_t pids[8];
	unsigned int npids;
};

static int seen_proc(uint32_t pid, void *ctx)
{
	struct snap_seen *s = ctx;

	s->pids[s->npids++] = pid;
	return 0;
}

static int seen_cwd(uint32_t pid, const char *cwd, void *ctx)
{
	struct snap_seen *s = ctx;

	s->cwd_marks += strcmp(cwd, "/data") == 0;
	return 0;
}

static void snapshot_into(struct ior_snapshot_opts *o, struct snap_seen *seen, int *fd)
{
	struct ior_writer *w = test_writer(fd);
	struct ior_snapshot_stats st;

	o->proc = fake_proc;
	o->on_proc = seen_proc;
	o->on_cwd = seen_cwd;
	o->ctx = seen;
	ck_assert_int_eq(ior_snapshot__write(w, o, 777, &st), 0);
	ck_assert_int_eq(ior_writer__close(w, &(struct ior_end){ 0 }), 0);
	seen->snap = st.tasks;
	seen->fd = st.fds;
	seen->maps = st.maps;
}

/* The mapping records of fake pid 100, in the order of its maps file. */
static void check_map(struct ior_reader *r, const struct ior_proc *p, int i)
{
	static const struct {
		uint64_t start, end, off;
		const char *path;
	} want[] = {
		{ 0x55d0000000, 0x55d0001000, 0, "/usr/bin/a b" },
		{ 0x7f0000000000, 0x7f00001f5000, 0, "/usr/lib/libc.so.6" },
		{ 0x7f00001f9000, 0x7f00001fb000, 0x1f8000, "/usr/lib/libc.so.6" },
		{ 0x7f0000300000, 0x7f0000301000, 0, "/dev/shm/x (deleted)" },
		{ 0x7f0000400000, 0x7f0000401000, 0, "/odd\\012name (exact)" },
	};
	size_t len;

	ck_assert_int_lt(i, 5);
	ck_assert(p->pid == 100 && p->tid == 100);
	ck_assert_msg(p->clone_flags == want[i].start && p->flags == want[i].end &&
			      (uint64_t)p->code == want[i].off,
		      "map %d: %#llx-%#llx at %#llx", i, (unsigned long long)p->clone_flags,
		      (unsigned long long)p->flags, (unsigned long long)p->code);
	ck_assert_str_eq(ior_reader__string(r, p->path, &len), want[i].path);
}

START_TEST(test_snapshot_records)
{
	uint32_t root = 100;
	struct ior_snapshot_opts o = { .pids = &root, .npids = 1 };
	struct snap_seen seen = { 0 };
	struct ior_record rec;
	struct ior_reader *r;
	size_t len;
	int fd, nsnap = 0, nfd = 0, nmap = 0;

	fake_procfs();
	snapshot_into(&o, &seen, &fd);
	ck_assert_uint_eq(seen.npids, 2); /* 100 and its child 101 */
	ck_assert(seen.snap == 3 && seen.fd == 2 && seen.cwd_marks == 1);
	r = reopen(fd);
	while (ior_reader__next(r, &rec) == 1 && rec.type == IOR_REC_PROC) {
		const struct ior_proc *p = &rec.proc;

		ck_assert_int_eq(p->time_ns, 777);
		if (p->kind == IOR_PROC_SNAP && p->tid == 105) {
			ck_assert(p->pid == 100 && p->ppid == 1);
			ck_assert_str_eq(ior_reader__string(r, p->comm, &len), "worker");
			ck_assert_str_eq(ior_reader__string(r, p->path, &len), "/home/a");
			ck_assert_str_eq(ior_reader__string(r, p->path2, &len), "/");
		}
		if (p->kind == IOR_PROC_FD && p->code == 3) {
			ck_assert_str_eq(ior_reader__string(r, p->path, &len), "/data/x.db");
			ck_assert_uint_eq(p->flags, 02100000);
		}
		if (p->kind == IOR_PROC_MAP)
			check_map(r, p, nmap++);
		nsnap += p->kind == IOR_PROC_SNAP;
		nfd += p->kind == IOR_PROC_FD;
	}
	ck_assert(nsnap == 3 && nfd == 2 && nmap == 5 && seen.maps == 5);
	ior_reader__close(r);
	close(fd);
}
END_TEST

static const struct {
	uint32_t pid, tid, self;
	const char *comm;
	unsigned int procs;
} scope_cases[] = {
	{ 0, 0, 0, NULL, 3 },	    /* every process but the kernel thread */
	{ 0, 0, 200, NULL, 2 },	    /* not ourselves */
	{ 101, 0, 0, NULL, 1 },	    /* a leaf */
	{ 0, 105, 0, NULL, 1 },	    /* the process holding thread 105 */
	{ 0, 0, 0, "worker", 1 },   /* a thread's comm counts */
	{ 100, 0, 0, "child", 1 },  /* -p and -c together */
	{ 0, 0, 0, "nobody", 0 },
};

START_TEST(test_snapshot_scope)
{
	struct ior_snapshot_opts o = {
		.pids = &scope_cases[_i].pid, .npids = scope_cases[_i].pid ? 1 : 0,
		.tids = &scope_cases[_i].tid, .ntids = scope_cases[_i].tid ? 1 : 0,
		.self = scope_cases[_i].self, .comm = scope_cases[_i].comm,
	};
	struct snap_seen seen = { 0 };
	int fd;

	fake_procfs();
	snapshot_into(&o, &seen, &fd);
	ck_assert_msg(seen.npids == scope_cases[_i].procs, "case %d: %u processes, want %u", _i,
		      seen.npids, scope_cases[_i].procs);
	close(fd);
}
END_TEST

static void fake_cleanup(void)
{
	char cmd[128];

	if (fake_proc[0]) {
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_proc);
		ck_assert_int_eq(system(cmd), 0);
		fake_proc[0] = '\0';
	}
}

/* ---- the command launcher ----------------------------------------------------------- */
START_TEST(test_child_exit_codes)
{
	char *ok[] = { "sh", "-c", "exit 7", NULL };
	char *sig[] = { "sh", "-c", "kill -TERM $$", NULL };
	char *missing[] = { "/nonexistent/ior-test", NULL };
	struct ior_child c;

	ck_assert_int_eq(ior_child__start(&c, ok, false), 0);
	ck_assert_int_eq(ior_child__poll(&c), 0); /* held before exec */
	ck_assert_int_eq(ior_child__release(&c), 0);
	ck_assert_int_eq(ior_child__wait(&c), 0);
	ck_assert_int_eq(ior_child__exit_code(&c), 7);
	ck_assert_int_eq(ior_child__start(&c, sig, false), 0);
	ck_assert_int_eq(ior_child__release(&c), 0);
	ck_assert_int_eq(ior_child__wait(&c), 0);
	ck_assert_int_eq(ior_child__exit_code(&c), 128 + 15);
	ck_assert_int_eq(ior_child__start(&c, missing, false), 0);
	ck_assert_int_eq(ior_child__release(&c), -ENOENT);
	ck_assert_int_eq(ior_child__wait(&c), 0);
	ck_assert_int_eq(ior_child__exit_code(&c), 127);
}
END_TEST

START_TEST(test_child_abort)
{
	char *argv[] = { "sleep", "10", NULL };
	struct ior_child c;

	ck_assert_int_eq(ior_child__start(&c, argv, false), 0);
	ior_child__abort(&c); /* never released: killed and reaped */
	ck_assert(c.reaped);
	ck_assert_int_eq(ior_child__exit_code(&c), 128 + 9);
}
END_TEST

Suite *recorder_suite(void)
{
	Suite *s = suite_create("recorder");
	TCase *tc = tcase_create("opts");

	tcase_add_loop_test(tc, test_opts_table, 0, sizeof(opt_cases) / sizeof(opt_cases[0]));
	tcase_add_test(tc, test_opts_values);
	tcase_add_test(tc, test_opts_defaults);
	tcase_add_test(tc, test_opts_version);
	suite_add_tcase(s, tc);
	tc = tcase_create("plan");
	tcase_add_test(tc, test_plan_entries);
	tcase_add_loop_test(tc, test_plan_select, 0, sizeof(select_cases) / sizeof(select_cases[0]));
	tcase_add_test(tc, test_sysnr);
	tcase_add_test(tc, test_status);
	tcase_add_test(tc, test_tracefs_names);
	suite_add_tcase(s, tc);
	tc = tcase_create("drain");
	tcase_add_test(tc, test_drain);
	suite_add_tcase(s, tc);
	tc = tcase_create("snapshot");
	tcase_add_checked_fixture(tc, NULL, fake_cleanup);
	tcase_add_test(tc, test_snapshot_records);
	tcase_add_loop_test(tc, test_snapshot_scope, 0, sizeof(scope_cases) / sizeof(scope_cases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("child");
	tcase_add_test(tc, test_child_exit_codes);
	tcase_add_test(tc, test_child_abort);
	suite_add_tcase(s, tc);
	return s;
}
