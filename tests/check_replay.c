// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyzer/replay and the state it keeps (analyzer/procs, fdtable, vmaps, pathnorm, imap,
 * names): hand-built record streams written with the real writer, read back with the
 * real reader and replayed; each case checks the path every event gets.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer/fdtable.h"
#include "analyzer/imap.h"
#include "analyzer/pathnorm.h"
#include "analyzer/replay.h"
#include "analyzer/vmaps.h"
#include "common/syscalls.h"
#include "t_recording.h"

#define AT_CWD (-100)
#define T_START 5000000000LL
#define O_RDONLY_ 0
#define O_WRONLY_ 01
#define O_CREAT_ 0100
#define O_APPEND_ 02000
#define O_NONBLOCK_ 04000
#define O_DIRECTORY_ 0200000
#define O_CLOEXEC_ 02000000
#define CL_VM 0x100
#define CL_FS 0x200
#define CL_FILES 0x400
#define CL_THREAD 0x10000
#define CL_PTHREAD (CL_VM | CL_FS | CL_FILES | CL_THREAD | 0x800 /* SIGHAND */)

/* The recording host's table: numbers unlike any real ABI, so only names can match. */
static const char *const sc_names[] = {
    "open",
    "openat",
    "openat2",
    "creat",
    "close",
    "close_range",
    "dup",
    "dup2",
    "dup3",
    "fcntl",
    "read",
    "write",
    "pread64",
    "newfstatat",
    "statx",
    "chdir",
    "fchdir",
    "chroot",
    "rename",
    "renameat",
    "renameat2",
    "link",
    "linkat",
    "symlink",
    "symlinkat",
    "unlink",
    "unlinkat",
    "mkdir",
    "pipe",
    "pipe2",
    "socket",
    "socketpair",
    "accept4",
    "eventfd2",
    "memfd_create",
    "pidfd_open",
    "pidfd_getfd",
    "mmap",
    "munmap",
    "msync",
    "sendfile",
    "getxattr",
    "fgetxattr",
    "inotify_init1",
    "inotify_add_watch",
    "utimensat",
    "open_by_handle_at",
    "signalfd4",
    "io_uring_setup",
    "epoll_create1",
    "fsync",
};
#define NSC (sizeof(sc_names) / sizeof(sc_names[0]))

struct got {
	char *path, *path2, *comm;
	int resolved;
	enum ior_fd_kind kind;
};

static struct {
	int fd;
	struct ior_writer *w;
	int64_t now;
	struct ior_reader *r;
	struct ior_replay *rp;
	struct got *got;
	size_t ngot, nev;
	struct ior_replay_stats st;
	struct ior_syscall_name names[NSC];
} T;

static const struct ior_header *header(void)
{
	static struct ior_header h = {
	    .major = IOR_FORMAT_MAJOR,
	    .minor = IOR_FORMAT_MINOR,
	    .tool_version = "test",
	    .hostname = "h",
	    .kernel = "6.18",
	    .arch = "x86_64",
	    .ncpus = 2,
	    .clock = "monotonic",
	    .start_ns = T_START,
	    .options = "",
	};

	for (size_t i = 0; i < NSC; i++)
		T.names[i] =
		    (struct ior_syscall_name){.nr = 700 + (uint32_t)i, .name = sc_names[i]};
	h.syscalls = T.names;
	h.nsyscalls = NSC;
	return &h;
}

static uint32_t nr_of(const char *name)
{
	for (size_t i = 0; i < NSC; i++)
		if (strcmp(sc_names[i], name) == 0)
			return 700 + (uint32_t)i;
	ck_abort_msg("test uses syscall '%s' missing from its table", name);
	return 0;
}

static void setup(void)
{
	memset(&T, 0, sizeof(T));
	T.fd = memfd_create("replay", 0);
	ck_assert_int_ge(T.fd, 0);
	T.w = ior_writer__open(T.fd, header(), NULL);
	ck_assert_ptr_nonnull(T.w);
	T.now = T_START + 1000;
}

static void teardown(void)
{
	for (size_t i = 0; i < T.ngot; i++) {
		free(T.got[i].path);
		free(T.got[i].path2);
		free(T.got[i].comm);
	}
	free(T.got);
	ior_replay__free(T.rp);
	ior_reader__close(T.r);
	ior_writer__abandon(T.w);
	close(T.fd);
}

static uint32_t str(const char *s)
{
	return s ? ior_writer__intern(T.w, s, strlen(s)) : IOR_STR_NONE;
}

struct tev {
	const char *sc;
	uint32_t pid, tid;
	int64_t ret;
	int32_t fd, fd2;
	const char *path, *path2;
	uint64_t flags, aux, bytes;
	uint32_t str_flags;
};

/* Append one event; returns its index among the events. Fields the syscall lacks stay empty. */
static size_t t_ev(const struct tev *e)
{
	const struct ior_syscall_desc *d = ior_syscall_find(e->sc);
	bool pair = d && d->special == IOR_SPECIAL_FD_PAIR;
	struct ior_event ev = {
	    .start_ns = T.now,
	    .dur_ns = 100,
	    .pid = e->pid ? e->pid : 100,
	    .nr = nr_of(e->sc),
	    .ret = e->ret,
	    .flags = e->flags,
	    .aux = e->aux,
	    .bytes = e->bytes,
	    .str_flags = e->str_flags,
	};

	ck_assert_ptr_nonnull(d);
	ev.tid = e->tid ? e->tid : ev.pid;
	ev.fd = d->fd || pair ? e->fd : IOR_FD_NONE;
	ev.fd2 = d->fd2 || pair ? e->fd2 : IOR_FD_NONE;
	ev.path = str(e->path);
	ev.path2 = str(e->path2);
	T.now += 1000;
	ck_assert_int_eq(ior_writer__append_event(T.w, &ev), 0);
	return T.nev++;
}

#define EV(...) t_ev(&(struct tev){__VA_ARGS__})

static void t_proc(struct ior_proc p)
{
	p.time_ns = T.now;
	T.now += 1000;
	ck_assert_int_eq(ior_writer__append_proc(T.w, &p), 0);
}

static void SNAP(uint32_t pid, uint32_t tid, const char *comm, const char *cwd, const char *root)
{
	t_proc((struct ior_proc){.kind = IOR_PROC_SNAP,
				 .pid = pid,
				 .tid = tid,
				 .ppid = 1,
				 .comm = str(comm),
				 .path = str(cwd),
				 .path2 = str(root)});
}

/* Snapshot records share one time stamp: write them without advancing the clock. */
static void SNAP_AT(int64_t t, uint32_t pid, uint32_t tid, const char *cwd)
{
	struct ior_proc p = {.kind = IOR_PROC_SNAP,
			     .time_ns = t,
			     .pid = pid,
			     .tid = tid,
			     .comm = str("snap"),
			     .path = str(cwd),
			     .path2 = str("/")};

	ck_assert_int_eq(ior_writer__append_proc(T.w, &p), 0);
}

static void FDREC_AT(int64_t t, uint32_t pid, int fd, const char *path, uint64_t flags)
{
	struct ior_proc p = {.kind = IOR_PROC_FD,
			     .time_ns = t,
			     .pid = pid,
			     .tid = pid,
			     .code = fd,
			     .flags = flags,
			     .path = str(path)};

	ck_assert_int_eq(ior_writer__append_proc(T.w, &p), 0);
}

static void FORK_AT(int64_t t, uint32_t ppid, uint32_t ptid, uint32_t pid, uint32_t tid,
		    uint64_t flags)
{
	struct ior_proc p = {.kind = IOR_PROC_FORK,
			     .time_ns = t,
			     .pid = pid,
			     .tid = tid,
			     .ppid = ppid,
			     .ptid = ptid,
			     .clone_flags = flags};

	ck_assert_int_eq(ior_writer__append_proc(T.w, &p), 0);
}

static void FORK(uint32_t ppid, uint32_t ptid, uint32_t pid, uint32_t tid, uint64_t flags)
{
	t_proc((struct ior_proc){.kind = IOR_PROC_FORK,
				 .pid = pid,
				 .tid = tid,
				 .ppid = ppid,
				 .ptid = ptid,
				 .clone_flags = flags,
				 .comm = str("child")});
}

static void EXEC(uint32_t pid, uint32_t oldtid, const char *comm)
{
	t_proc((struct ior_proc){.kind = IOR_PROC_EXEC,
				 .pid = pid,
				 .tid = pid,
				 .ptid = oldtid,
				 .comm = str(comm),
				 .path = str("/bin/x")});
}

static void EXIT(uint32_t pid, uint32_t tid, bool group_dead)
{
	t_proc(
	    (struct ior_proc){.kind = IOR_PROC_EXIT, .pid = pid, .tid = tid, .flags = group_dead});
}

static void COMM(uint32_t pid, uint32_t tid, const char *comm)
{
	t_proc((struct ior_proc){.kind = IOR_PROC_COMM, .pid = pid, .tid = tid, .comm = str(comm)});
}

static void CWDREC(uint32_t pid, int which, const char *path)
{
	t_proc((struct ior_proc){
	    .kind = IOR_PROC_CWD, .pid = pid, .tid = pid, .code = which, .path = str(path)});
}

static char *dup_or_null(const char *s, size_t len)
{
	char *d;

	if (!s)
		return NULL;
	d = malloc(len + 1);
	ck_assert_ptr_nonnull(d);
	memcpy(d, s, len);
	d[len] = '\0';
	return d;
}

/* Close the recording, read it back and replay every record. */
static void play(void)
{
	struct ior_record rec;
	struct ior_revent re;
	int n;

	ck_assert_int_eq(ior_writer__close(T.w, &(struct ior_end){.time_ns = T.now}), 0);
	T.w = NULL;
	lseek(T.fd, 0, SEEK_SET);
	T.r = ior_reader__open(T.fd, NULL);
	ck_assert_ptr_nonnull(T.r);
	T.rp = ior_replay__new(T.r);
	ck_assert_ptr_nonnull(T.rp);
	T.got = calloc(T.nev + 1, sizeof(*T.got));
	while ((n = ior_reader__next(T.r, &rec)) > 0) {
		n = ior_replay__apply(T.rp, &rec, &re);
		ck_assert_int_ge(n, 0);
		if (n == 0)
			continue;
		ck_assert_uint_lt(T.ngot, T.nev);
		T.got[T.ngot++] = (struct got){
		    .path = dup_or_null(re.path, re.path_len),
		    .path2 = dup_or_null(re.path2, re.path2_len),
		    .comm = dup_or_null(re.comm, strlen(re.comm)),
		    .resolved = re.resolved,
		    .kind = re.kind,
		};
	}
	ck_assert_int_eq(n, 0);
	ck_assert_uint_eq(T.ngot, T.nev);
	ior_replay__stats(T.rp, &T.st);
}

static const char *show(const char *s)
{
	return s ? s : "(null)";
}

/* Event i names want (NULL: nothing) and resolved says whether it is exact. */
static void expect(size_t i, const char *want, int resolved)
{
	const struct got *g = &T.got[i];

	ck_assert_msg((!want && !g->path) || (want && g->path && strcmp(want, g->path) == 0),
		      "event %zu: path '%s', want '%s'", i, show(g->path), show(want));
	ck_assert_msg(g->resolved == resolved, "event %zu (%s): resolved %d, want %d", i,
		      show(g->path), g->resolved, resolved);
}

#define RES(i, want) expect((i), (want), 1)
#define RAW(i, want) expect((i), (want), 0)

static void expect2(size_t i, const char *want)
{
	const struct got *g = &T.got[i];

	ck_assert_msg((!want && !g->path2) || (want && g->path2 && strcmp(want, g->path2) == 0),
		      "event %zu: path2 '%s', want '%s'", i, show(g->path2), show(want));
}

/* A process 100 in the snapshot with cwd /home/u, and its first fds. */
static void base_proc(void)
{
	SNAP(100, 100, "app", "/home/u", "/");
}

/* ---- fds: open, read, close, reuse ------------------------------------------------------ */

START_TEST(test_open_read_close)
{
	size_t o, r, c, r2, o2, r3, bad;

	base_proc();
	o = EV("openat", .fd = AT_CWD, .path = "/etc/passwd", .ret = 3);
	r = EV("read", .fd = 3, .ret = 10, .bytes = 10);
	c = EV("close", .fd = 3);
	r2 = EV("read", .fd = 3, .ret = -EBADF);
	o2 = EV("open", .path = "/etc/group", .ret = 3); /* fd reuse after close */
	r3 = EV("pread64", .fd = 3, .ret = 5);
	bad = EV("read", .fd = 9, .ret = 5); /* an fd never seen, used successfully */
	play();
	RES(o, "/etc/passwd");
	RES(r, "/etc/passwd");
	RES(c, "/etc/passwd");
	RAW(r2, "fd:3");
	RES(o2, "/etc/group");
	RES(r3, "/etc/group");
	RAW(bad, "fd:9");
	ck_assert_int_eq(T.got[r].kind, IOR_FD_KIND_FILE);
	ck_assert_int_eq(T.got[bad].kind, IOR_FD_KIND_UNKNOWN);
	/* read, close, pread64, read(9) count; read(3) = EBADF names nothing and does not */
	ck_assert_uint_eq(T.st.fd_events, 4);
	ck_assert_uint_eq(T.st.fd_resolved, 3);
	ck_assert_uint_eq(T.st.path_events, 2);
	ck_assert_uint_eq(T.st.path_absolute, 2);
	ck_assert_uint_eq(T.st.open_files, 1);
}
END_TEST

START_TEST(test_failed_open_keeps_path)
{
	size_t o, r, c;

	base_proc();
	o = EV("openat", .fd = AT_CWD, .path = "missing/../x", .ret = -ENOENT);
	r = EV("read", .fd = 3, .ret = -EBADF);
	c = EV("creat", .path = "/ro/file", .ret = -EACCES);
	play();
	RES(o, "/home/u/x");
	RAW(r, "fd:3");
	RES(c, "/ro/file");
	ck_assert_int_eq(ior_replay__fd(T.rp, 100, 3, &(struct ior_replay_fd){0}), -EBADF);
}
END_TEST

START_TEST(test_close_always_frees)
{
	size_t r1, r2, r3;

	base_proc();
	EV("open", .path = "/a", .ret = 3);
	EV("open", .path = "/b", .ret = 4);
	EV("open", .path = "/c", .ret = 5);
	EV("close", .fd = 3, .ret = -EIO);   /* the fd is gone even so */
	EV("close", .fd = 4, .ret = -EINTR); /* likewise */
	EV("close", .fd = 5, .ret = -EBADF); /* nothing was closed: the replay keeps its view */
	r1 = EV("read", .fd = 3, .ret = -EBADF);
	r2 = EV("read", .fd = 4, .ret = -EBADF);
	r3 = EV("read", .fd = 5, .ret = 1);
	play();
	RAW(r1, "fd:3");
	RAW(r2, "fd:4");
	RES(r3, "/c");
}
END_TEST

/* ---- paths --------------------------------------------------------------------------- */

START_TEST(test_relative_and_dirfd)
{
	size_t a, b, c, d, e, f, g, h, i, j;

	base_proc();
	a = EV("openat", .fd = AT_CWD, .path = "a/./b/../c//d/", .ret = 3);
	b = EV("open", .path = "//x//y/.", .ret = 4);
	c = EV("openat", .fd = AT_CWD, .path = "/srv/data", .flags = O_DIRECTORY_, .ret = 5);
	d = EV("openat", .fd = 5, .path = "sub/../f.db", .ret = 6);
	e = EV("newfstatat", .fd = 5, .path = "", .flags = 0x1000 /* AT_EMPTY_PATH */);
	f = EV("statx", .fd = 6, .path = "");
	g = EV("openat", .fd = 42, .path = "rel", .ret = -ENOENT); /* dirfd of unknown origin */
	h = EV("openat", .fd = 42, .path = "/abs", .ret = 7);	   /* dirfd ignored */
	i = EV("newfstatat", .fd = AT_CWD, .path = "../../../../..");
	j = EV("utimensat", .fd = 6, .path = NULL); /* futimens: the fd itself */
	play();
	RES(a, "/home/u/a/c/d");
	RES(b, "/x/y");
	RES(d, "/srv/data/f.db");
	RES(e, "/srv/data");
	RES(f, "/srv/data/f.db");
	RAW(g, "rel");
	RES(h, "/abs");
	RES(i, "/");
	RES(j, "/srv/data/f.db");
	ck_assert_int_eq(T.got[c].kind, IOR_FD_KIND_FILE);
}
END_TEST

START_TEST(test_unknown_cwd_and_truncated)
{
	size_t a, b, c, d;

	/* pid 555: no snapshot, no fork: nothing known but that it exists */
	a = EV("openat", .pid = 555, .fd = AT_CWD, .path = "rel/x", .ret = 3);
	b = EV("read", .pid = 555, .fd = 3, .ret = 1);
	c = EV("openat", .pid = 555, .fd = AT_CWD, .path = "/abs/./x", .ret = 4);
	d = EV("open", .pid = 555, .path = "/cut/pa", .str_flags = IOR_STR_PATH_TRUNCATED,
	       .ret = -ENAMETOOLONG);
	play();
	RAW(a, "rel/x");
	RAW(b, "rel/x"); /* what it was opened as, marked unresolved */
	RES(c, "/abs/x");
	RAW(d, "/cut/pa");
	ck_assert_uint_eq(T.st.procs_unseen, 1);
	ck_assert_uint_eq(T.st.fd_events, 1);
	ck_assert_uint_eq(T.st.fd_resolved, 0);
}
END_TEST

START_TEST(test_chdir_fchdir_chroot)
{
	size_t a, b, c, d, e, f, g;

	base_proc();
	EV("chdir", .path = "proj/../work", .ret = 0);
	a = EV("open", .path = "f1", .ret = 3);
	EV("chdir", .path = "/nonexistent", .ret = -ENOENT); /* failed: cwd unchanged */
	b = EV("open", .path = "f2", .ret = 4);
	EV("openat", .fd = AT_CWD, .path = "/var/lib", .flags = O_DIRECTORY_, .ret = 5);
	EV("fchdir", .fd = 5, .ret = 0);
	c = EV("open", .path = "../log/x", .ret = 6);
	EV("chroot", .path = "/srv/jail", .ret = 0);
	d = EV("open", .path = "/etc/passwd", .ret = 7); /* inside the new root */
	e = EV("open", .path = "rel", .ret = 8);	 /* cwd stays outside the root */
	EV("chdir", .path = "/", .ret = 0);
	f = EV("open", .path = "../../../x", .ret = 9); /* .. stops at the root */
	g = EV("open", .path = "/../y", .ret = 10);
	play();
	RES(a, "/home/u/work/f1");
	RES(b, "/home/u/work/f2");
	RES(c, "/var/log/x");
	RES(d, "/srv/jail/etc/passwd");
	RES(e, "/var/lib/rel");
	RES(f, "/srv/jail/x");
	RES(g, "/srv/jail/y");
	ck_assert_str_eq(ior_replay__dir(T.rp, 100, 0), "/srv/jail");
	ck_assert_str_eq(ior_replay__dir(T.rp, 100, 1), "/srv/jail");
}
END_TEST

START_TEST(test_cwd_records)
{
	size_t a, b;

	EV("read", .pid = 300, .fd = 0, .ret = 1); /* met first here: cwd unknown */
	CWDREC(300, 0, "/opt/app");
	a = EV("open", .pid = 300, .path = "conf", .ret = 3);
	CWDREC(300, 1, "/jail");
	b = EV("open", .pid = 300, .path = "/etc/x", .ret = 4);
	play();
	RES(a, "/opt/app/conf");
	RES(b, "/jail/etc/x");
}
END_TEST

START_TEST(test_rename_link_symlink)
{
	size_t a, b, c, d, e, f, g;

	base_proc();
	EV("openat", .fd = AT_CWD, .path = "/srv/d", .flags = O_DIRECTORY_, .ret = 3);
	a = EV("renameat", .fd = 3, .path = "old", .fd2 = AT_CWD, .path2 = "new", .ret = 0);
	b = EV("rename", .path = "x", .path2 = "/tmp/../y", .ret = -EXDEV);
	c = EV("linkat", .fd = AT_CWD, .path = "a", .fd2 = 3, .path2 = "sub/b", .ret = 0);
	d = EV("symlink", .path = "../target/./x", .path2 = "lnk", .ret = 0);
	e = EV("symlinkat", .path = "/abs/t", .fd2 = 3, .path2 = "l2", .ret = 0);
	f = EV("getxattr", .path = "file", .path2 = "user.name");
	g = EV("renameat2", .fd = 3, .path = "p", .fd2 = 77, .path2 = "q", .ret = 0);
	play();
	RES(a, "/srv/d/old");
	expect2(a, "/home/u/new");
	RES(b, "/home/u/x");
	expect2(b, "/y");
	RES(c, "/home/u/a");
	expect2(c, "/srv/d/sub/b");
	RAW(d, "../target/./x"); /* a symlink's target is content, never resolved */
	expect2(d, "/home/u/lnk");
	RAW(e, "/abs/t");
	expect2(e, "/srv/d/l2");
	RES(f, "/home/u/file");
	expect2(f, "user.name");
	expect2(g, "q"); /* newdirfd of unknown origin */
}
END_TEST

/* ---- dup, fcntl, close_range, exec ----------------------------------------------------- */

static void expect_fd(uint32_t pid, int fd, const char *name, bool cloexec)
{
	struct ior_replay_fd info;
	int err = ior_replay__fd(T.rp, pid, fd, &info);

	if (!name) {
		ck_assert_msg(err == -EBADF, "pid %u fd %d: open (%s), want closed", pid, fd,
			      show(info.name));
		return;
	}
	ck_assert_msg(err == 0, "pid %u fd %d: %d, want open as %s", pid, fd, err, name);
	ck_assert_msg(info.name && strcmp(info.name, name) == 0, "pid %u fd %d: '%s', want '%s'",
		      pid, fd, show(info.name), name);
	ck_assert_msg(info.cloexec == cloexec, "pid %u fd %d: cloexec %d, want %d", pid, fd,
		      info.cloexec, cloexec);
}

START_TEST(test_dup_family)
{
	size_t r[6];

	base_proc();
	EV("open", .path = "/f", .ret = 3);
	EV("dup", .fd = 3, .ret = 4);
	EV("dup2", .fd = 3, .fd2 = 7, .ret = 7);
	EV("dup3", .fd = 3, .fd2 = 8, .flags = O_CLOEXEC_, .ret = 8);
	EV("fcntl", .fd = 3, .flags = 0 /* F_DUPFD */, .aux = 10, .ret = 10);
	EV("fcntl", .fd = 3, .flags = 1030 /* F_DUPFD_CLOEXEC */, .aux = 10, .ret = 11);
	EV("open", .path = "/g", .ret = 12);
	EV("dup2", .fd = 12, .fd2 = 4, .ret = 4);      /* replaces what 4 was */
	EV("dup2", .fd = 99, .fd2 = 7, .ret = -EBADF); /* failed: 7 untouched */
	EV("dup2", .fd = 7, .fd2 = 7, .ret = 7);
	EV("close", .fd = 3);
	r[0] = EV("read", .fd = 4, .ret = 1);
	r[1] = EV("read", .fd = 7, .ret = 1);
	r[2] = EV("read", .fd = 8, .ret = 1);
	r[3] = EV("read", .fd = 10, .ret = 1);
	r[4] = EV("read", .fd = 11, .ret = 1);
	r[5] = EV("dup", .fd = 55, .ret = 13); /* a copy of an unknown fd is unknown */
	play();
	RES(r[0], "/g");
	RES(r[1], "/f");
	RES(r[2], "/f");
	RES(r[3], "/f");
	RES(r[4], "/f");
	RAW(r[5], "fd:55");
	expect_fd(100, 3, NULL, false);
	expect_fd(100, 7, "/f", false);
	expect_fd(100, 8, "/f", true);
	expect_fd(100, 10, "/f", false);
	expect_fd(100, 11, "/f", true);
	ck_assert_int_eq(ior_replay__fd(T.rp, 100, 13, &(struct ior_replay_fd){0}), -EBADF);
}
END_TEST

START_TEST(test_fcntl_flags)
{
	struct ior_replay_fd a, b;

	base_proc();
	EV("openat", .fd = AT_CWD, .path = "/log", .flags = O_WRONLY_ | O_CREAT_ | O_CLOEXEC_,
	   .ret = 3);
	EV("dup", .fd = 3, .ret = 4);
	/* F_SETFL changes the status flags only, and of the open file both fds share */
	EV("fcntl", .fd = 3, .flags = 4, .aux = O_APPEND_ | O_NONBLOCK_ | O_RDONLY_ | O_CREAT_,
	   .ret = 0);
	EV("fcntl", .fd = 4, .flags = 2 /* F_SETFD */, .aux = 1, .ret = 0);
	EV("fcntl", .fd = 3, .flags = 2, .aux = 0, .ret = 0);
	play();
	ck_assert_int_eq(ior_replay__fd(T.rp, 100, 3, &a), 0);
	ck_assert_int_eq(ior_replay__fd(T.rp, 100, 4, &b), 0);
	ck_assert_uint_eq(a.flags, O_WRONLY_ | O_APPEND_ | O_NONBLOCK_);
	ck_assert_uint_eq(b.flags, a.flags);
	ck_assert(!a.cloexec);
	ck_assert(b.cloexec);
}
END_TEST

START_TEST(test_close_range_holes)
{
	base_proc();
	for (int fd = 3; fd <= 9; fd++)
		if (fd != 6 && fd != 8)
			EV("open", .path = fd % 2 ? "/odd" : "/even", .ret = fd);
	EV("open", .path = "/high", .ret = 1000000);
	EV("close_range", .fd = 4, .aux = 8, .ret = 0);
	play();
	expect_fd(100, 3, "/odd", false);
	for (int fd = 4; fd <= 8; fd++)
		expect_fd(100, fd, NULL, false);
	expect_fd(100, 9, "/odd", false);
	expect_fd(100, 1000000, "/high", false);
}
END_TEST

START_TEST(test_close_range_cloexec)
{
	base_proc();
	EV("open", .path = "/a", .ret = 3);
	EV("open", .path = "/b", .ret = 5);
	EV("open", .path = "/c", .ret = 70000);
	EV("close_range", .fd = 5, .aux = 0xffffffffu, .flags = 4 /* CLOEXEC */, .ret = 0);
	EV("close_range", .fd = 3, .aux = 2, .ret = 0); /* empty range: nothing */
	play();
	expect_fd(100, 3, "/a", false);
	expect_fd(100, 5, "/b", true);
	expect_fd(100, 70000, "/c", true);
}
END_TEST

START_TEST(test_close_range_all)
{
	base_proc();
	EV("open", .path = "/a", .ret = 3);
	EV("open", .path = "/c", .ret = 70000);
	EV("close_range", .fd = 3, .aux = 0xffffffffu, .ret = 0);
	play();
	expect_fd(100, 3, NULL, false);
	expect_fd(100, 70000, NULL, false);
	ck_assert_uint_eq(T.st.open_files, 0);
}
END_TEST

START_TEST(test_exec_cloexec)
{
	size_t r1, r2, r3, r4;

	base_proc();
	EV("openat", .fd = AT_CWD, .path = "/keep", .ret = 3);
	EV("openat", .fd = AT_CWD, .path = "/drop", .flags = O_CLOEXEC_, .ret = 4);
	EV("pipe2", .fd = 5, .fd2 = 6, .flags = O_CLOEXEC_, .ret = 0);
	EXEC(100, 100, "newprog");
	r1 = EV("read", .fd = 3, .ret = 1);
	r2 = EV("read", .fd = 4, .ret = -EBADF);
	r3 = EV("read", .fd = 5, .ret = -EBADF);
	EV("chdir", .path = "sub", .ret = 0); /* exec keeps the cwd */
	r4 = EV("open", .path = "f", .ret = 4);
	play();
	RES(r1, "/keep");
	RAW(r2, "fd:4");
	RAW(r3, "fd:5");
	RES(r4, "/home/u/sub/f");
	ck_assert_str_eq(T.got[r1].comm, "newprog");
}
END_TEST

START_TEST(test_exec_multithreaded)
{
	size_t a, b, c;

	base_proc();
	FORK(100, 100, 100, 101, CL_PTHREAD);
	EV("open", .tid = 101, .path = "/thr", .ret = 3);
	EV("open", .tid = 100, .path = "/ce", .flags = O_CLOEXEC_, .ret = 4);
	/* 101 execs: the leader dies first, then 101 becomes the leader, tid 100 */
	EXIT(100, 100, false);
	EXEC(100, 101, "img");
	a = EV("read", .tid = 100, .fd = 3, .ret = 1);
	b = EV("read", .tid = 100, .fd = 4, .ret = -EBADF);
	COMM(100, 100, "renamed");
	c = EV("read", .fd = 3, .ret = 1);
	play();
	RES(a, "/thr");
	RAW(b, "fd:4");
	ck_assert_str_eq(T.got[a].comm, "img");
	ck_assert_str_eq(T.got[c].comm, "renamed");
}
END_TEST

/*
 * The replay finds the tasks of recent events by their tid: a task that execs (and so
 * changes its tid) and then exits must not be found under its old tid afterwards.
 */
START_TEST(test_exec_then_exit_forgets_task)
{
	size_t a, b;

	base_proc();
	FORK(100, 100, 100, 101, CL_PTHREAD);
	EV("open", .tid = 101, .path = "/thr", .ret = 3);
	EXIT(100, 100, false);
	EXEC(100, 101, "img");
	a = EV("read", .tid = 100, .fd = 3, .ret = 1);
	EXIT(100, 100, true);
	b = EV("read", .pid = 109, .tid = 109, .fd = 3, .ret = 1); /* 101's slot, if any */
	EV("read", .pid = 101, .tid = 101, .fd = 3, .ret = 1);
	play();
	RES(a, "/thr");
	RAW(b, "fd:3");
	ck_assert_str_eq(T.got[a].comm, "img");
	ck_assert_uint_eq(T.st.procs_unseen, 2);
}
END_TEST

/* ---- fork, threads, CLONE_FILES, pid reuse --------------------------------------------- */

START_TEST(test_fork_copies)
{
	size_t a, b, c, d, e;

	base_proc();
	EV("open", .path = "/shared", .ret = 3);
	FORK(100, 100, 200, 200, 0x11 /* SIGCHLD */);
	EV("open", .path = "/parent-only", .ret = 4);
	EV("close", .pid = 200, .fd = 3);
	a = EV("read", .fd = 3, .ret = 1);
	b = EV("read", .pid = 200, .fd = 3, .ret = -EBADF);
	c = EV("read", .pid = 200, .fd = 4, .ret = -EBADF);
	EV("chdir", .pid = 200, .path = "/child", .ret = 0); /* own cwd without CLONE_FS */
	d = EV("open", .pid = 200, .path = "x", .ret = 5);
	e = EV("open", .path = "x", .ret = 6);
	play();
	RES(a, "/shared");
	RAW(b, "fd:3");
	RAW(c, "fd:4");
	RES(d, "/child/x");
	RES(e, "/home/u/x");
	ck_assert_str_eq(T.got[d].comm, "child");
}
END_TEST

START_TEST(test_clone_files_fs_shared)
{
	size_t a, b, c, d;

	base_proc();
	EV("open", .path = "/one", .ret = 3);
	FORK(100, 100, 200, 200, CL_FILES | CL_FS);
	EV("open", .pid = 200, .path = "/two", .ret = 4);
	EV("close", .fd = 3);
	EV("chdir", .pid = 200, .path = "/elsewhere", .ret = 0);
	a = EV("read", .fd = 4, .ret = 1);
	b = EV("read", .pid = 200, .fd = 3, .ret = -EBADF);
	c = EV("open", .path = "rel", .ret = 5);
	/* exec unshares the table: the parent keeps its close-on-exec fds */
	EV("openat", .pid = 200, .fd = AT_CWD, .path = "/ce", .flags = O_CLOEXEC_, .ret = 6);
	EXEC(200, 200, "other");
	d = EV("read", .fd = 6, .ret = 1);
	EV("open", .pid = 200, .path = "/after", .ret = 7);
	play();
	RES(a, "/two");
	RAW(b, "fd:3");
	RES(c, "/elsewhere/rel");
	RES(d, "/ce");
	expect_fd(200, 6, NULL, false);
	expect_fd(100, 7, NULL, false);
	expect_fd(200, 7, "/after", false);
}
END_TEST

START_TEST(test_close_range_unshare)
{
	base_proc();
	EV("open", .path = "/one", .ret = 3);
	FORK(100, 100, 200, 200, CL_FILES);
	EV("close_range", .pid = 200, .fd = 3, .aux = 0xffffffffu, .flags = 2 /* UNSHARE */,
	   .ret = 0);
	EV("open", .pid = 200, .path = "/two", .ret = 4);
	play();
	expect_fd(100, 3, "/one", false);
	expect_fd(200, 3, NULL, false);
	expect_fd(100, 4, NULL, false);
	expect_fd(200, 4, "/two", false);
}
END_TEST

START_TEST(test_threads_share)
{
	size_t a, b, c, d;

	base_proc();
	FORK(100, 100, 100, 101, CL_PTHREAD);
	FORK(100, 101, 100, 102, CL_PTHREAD); /* made by a thread */
	EV("open", .tid = 102, .path = "/by-thread", .ret = 3);
	EV("chdir", .tid = 101, .path = "/t", .ret = 0);
	a = EV("read", .tid = 100, .fd = 3, .ret = 1);
	b = EV("open", .tid = 100, .path = "rel", .ret = 4);
	EXIT(100, 101, false);
	c = EV("read", .tid = 102, .fd = 4, .ret = 1);
	d = EV("read", .tid = 103, .fd = 4, .ret = 1); /* a thread whose clone was not seen */
	play();
	RES(a, "/by-thread");
	RES(b, "/t/rel");
	RES(c, "/t/rel");
	RES(d, "/t/rel");
	ck_assert_str_eq(T.got[d].comm, "app");
	ck_assert_uint_eq(T.st.procs_unseen, 0);
}
END_TEST

START_TEST(test_pid_reuse)
{
	size_t a, b, c, d;

	base_proc();
	FORK(100, 100, 200, 200, 0x11);
	EV("open", .pid = 200, .path = "/old", .ret = 3);
	EV("chdir", .pid = 200, .path = "/oldcwd", .ret = 0);
	EXIT(200, 200, true);
	/* pid 200 again, a child of 100 this time too */
	FORK(100, 100, 200, 200, 0x11);
	a = EV("read", .pid = 200, .fd = 3, .ret = -EBADF);
	b = EV("open", .pid = 200, .path = "x", .ret = 4);
	EXIT(200, 200, true);
	/* and once more, without a fork record (lost): nothing stale either */
	c = EV("read", .pid = 200, .fd = 4, .ret = 1);
	/* a thread whose exit record was lost does not keep its dead process alive */
	FORK(100, 100, 300, 300, 0x11);
	FORK(300, 300, 300, 301, CL_PTHREAD);
	EV("open", .pid = 300, .path = "/gone", .ret = 5);
	EV("read", .pid = 300, .tid = 301, .fd = 5, .ret = 1); /* 301 is a recent task */
	EXIT(300, 300, true); /* 301's own exit record was lost */
	d = EV("read", .pid = 300, .tid = 301, .fd = 5, .ret = 1);
	play();
	RAW(a, "fd:3");
	RES(b, "/home/u/x");
	RAW(c, "fd:4");
	RAW(d, "fd:5");
	ck_assert_uint_eq(T.st.procs_unseen, 2);
}
END_TEST

/* A lifecycle record older than the snapshot describing the task is stale. */
START_TEST(test_snapshot_wins_over_older_records)
{
	int64_t t0 = T.now + 5000;
	size_t a, b;

	SNAP_AT(t0, 100, 100, "/home/u");
	SNAP_AT(t0, 400, 400, "/srv");
	SNAP_AT(t0, 400, 401, "/srv");
	FDREC_AT(t0, 400, 3, "/srv/db", 02);
	FDREC_AT(t0, 400, 4, "pipe:[77]", O_CLOEXEC_);
	FDREC_AT(t0, 400, 5, "/tmp/x (deleted)", 0);
	FDREC_AT(t0, 400, 6, "socket:[12]", 0);
	FDREC_AT(t0, 400, 7, "anon_inode:[eventfd]", 0);
	FDREC_AT(t0, 400, 8, "/memfd:m (deleted)", 0);
	T.now = t0 + 1000;
	/* records of what happened before the snapshot, drained after it */
	FORK_AT(t0 - 500, 100, 100, 400, 400, 0x11);
	FORK_AT(t0 - 400, 400, 400, 400, 402, CL_PTHREAD);
	t_proc((struct ior_proc){.kind = IOR_PROC_EXIT, .pid = 400, .tid = 401, .flags = 0});
	a = EV("read", .pid = 400, .fd = 3, .ret = 1);
	b = EV("read", .pid = 400, .tid = 401, .fd = 4, .ret = 1);
	play();
	RES(a, "/srv/db");
	RES(b, "pipe:[77]");
	ck_assert_int_eq(T.got[b].kind, IOR_FD_KIND_PIPE);
	expect_fd(400, 4, "pipe:[77]", true);
	expect_fd(400, 5, "/tmp/x (deleted)", false);
	ck_assert_str_eq(ior_replay__dir(T.rp, 400, 0), "/srv");
}
END_TEST

/* ---- objects that are not paths, mmap ---------------------------------------------------- */

START_TEST(test_new_objects)
{
	size_t p, w, s, sp, m, mr, ev, pg, pr, sg, io, ep, ac, ino, inw;

	base_proc();
	FORK(100, 100, 500, 500, 0x11);
	EV("open", .pid = 500, .path = "/target/file", .ret = 9);
	p = EV("pipe2", .fd = 3, .fd2 = 4, .ret = 0);
	w = EV("write", .fd = 4, .ret = 1);
	s = EV("socket", .aux = 2, .flags = 1, .ret = 5);
	sp = EV("socketpair", .fd = 6, .fd2 = 7, .ret = 0);
	m = EV("memfd_create", .path = "buf", .flags = 1 /* MFD_CLOEXEC */, .ret = 8);
	mr = EV("write", .fd = 8, .ret = 1);
	ev = EV("eventfd2", .ret = 10);
	EV("pidfd_open", .aux = 500, .ret = 11);
	pg = EV("pidfd_getfd", .fd = 11, .aux = 9, .ret = 12);
	pr = EV("read", .fd = 12, .ret = 1);
	sg = EV("signalfd4", .fd = -1, .ret = 13);
	io = EV("io_uring_setup", .aux = 8, .ret = 14);
	ep = EV("epoll_create1", .flags = O_CLOEXEC_, .ret = 15);
	ac = EV("accept4", .fd = 5, .ret = 16);
	ino = EV("inotify_init1", .ret = 17);
	inw = EV("inotify_add_watch", .fd = 17, .path = "watched", .ret = 1);
	EV("pipe", .fd = IOR_FD_NONE, .fd2 = IOR_FD_NONE, .ret = -EMFILE);
	play();
	RES(p, "pipe:[?]");
	ck_assert_int_eq(T.got[p].kind, IOR_FD_KIND_PIPE);
	RES(w, "pipe:[?]");
	RES(s, "socket:[?]");
	ck_assert_int_eq(T.got[s].kind, IOR_FD_KIND_SOCKET);
	RES(sp, "socket:[?]");
	RES(m, "/memfd:buf (deleted)");
	RES(mr, "/memfd:buf (deleted)");
	ck_assert_int_eq(T.got[mr].kind, IOR_FD_KIND_MEMFD);
	RES(ev, "anon_inode:[eventfd]");
	ck_assert_int_eq(T.got[ev].kind, IOR_FD_KIND_ANON);
	RES(pg, "anon_inode:[pidfd]");
	RES(pr, "/target/file");
	RES(sg, "anon_inode:[signalfd]");
	RES(io, "anon_inode:[io_uring]");
	RES(ep, "anon_inode:[eventpoll]");
	RES(ac, "socket:[?]");
	RES(ino, "anon_inode:inotify");
	RES(inw, "/home/u/watched"); /* relative to the cwd, not to the inotify fd */
	expect_fd(100, 8, "/memfd:buf (deleted)", true);
	expect_fd(100, 12, "/target/file", true);
	expect_fd(100, 14, "anon_inode:[io_uring]", true);
	expect_fd(100, 15, "anon_inode:[eventpoll]", true);
	expect_fd(100, 7, "socket:[?]", false);
}
END_TEST

START_TEST(test_mmap_names_ranges)
{
	size_t m, a, b, c, d, e, f, g;

	base_proc();
	EV("open", .path = "/lib.so", .ret = 3);
	m = EV("mmap", .fd = 3, .bytes = 0x5000, .flags = 0x2, .ret = 0x10000);
	EV("close", .fd = 3);
	a = EV("msync", .aux = 0x12000, .bytes = 0x1000);
	EV("munmap", .aux = 0x11000, .bytes = 0x1000, .ret = 0); /* a hole in the middle */
	b = EV("munmap", .aux = 0x11000, .bytes = 0x1000);
	c = EV("msync", .aux = 0x13fff, .bytes = 1);
	/* anonymous memory placed over the tail forgets the file there */
	d = EV("mmap", .fd = -1, .bytes = 0x1000, .flags = 0x32, .ret = 0x14000);
	e = EV("msync", .aux = 0x14000, .bytes = 1);
	f = EV("msync", .aux = 0x10000, .bytes = 1);
	FORK(100, 100, 600, 600, 0x11); /* a copy of the address space */
	EV("munmap", .aux = 0x10000, .bytes = 0x10000, .ret = 0);
	g = EV("msync", .pid = 600, .aux = 0x10000, .bytes = 1);
	play();
	RES(m, "/lib.so");
	RES(a, "/lib.so");
	ck_assert_ptr_null(T.got[b].path);
	RES(c, "/lib.so");
	ck_assert_ptr_null(T.got[d].path);
	ck_assert_int_eq(T.got[d].kind, IOR_FD_KIND_NONE);
	ck_assert_ptr_null(T.got[e].path);
	RES(f, "/lib.so");
	RES(g, "/lib.so");
	/* 6 msync/munmap above plus the two munmaps that changed the ranges */
	ck_assert_uint_eq(T.st.addr_events, 8);
	ck_assert_uint_eq(T.st.addr_resolved, 6);
}
END_TEST

START_TEST(test_mmap_after_exec_and_shared_vm)
{
	size_t a, b, c;

	base_proc();
	EV("open", .path = "/data", .ret = 3);
	EV("mmap", .fd = 3, .bytes = 0x1000, .flags = 0x1, .ret = 0x20000);
	FORK(100, 100, 700, 700, CL_VM | 0x4000 /* VFORK */);
	EV("munmap", .pid = 700, .aux = 0x20000, .bytes = 0x1000, .ret = 0); /* shared mm */
	a = EV("msync", .aux = 0x20000, .bytes = 1);
	EV("mmap", .fd = 3, .bytes = 0x1000, .flags = 0x1, .ret = 0x30000);
	EV("memfd_create", .path = "shm", .ret = 4);
	EV("mmap", .fd = 4, .bytes = 0x1000, .flags = 0x1, .ret = 0x40000);
	c = EV("msync", .aux = 0x40000, .bytes = 1);
	EXEC(100, 100, "x");
	b = EV("msync", .aux = 0x30000, .bytes = 1);
	play();
	ck_assert_ptr_null(T.got[a].path);
	ck_assert_ptr_null(T.got[b].path);
	RES(c, "/memfd:shm (deleted)");
	ck_assert_int_eq(T.got[c].kind, IOR_FD_KIND_MEMFD);
}
END_TEST

static void MAPREC_AT(int64_t t, uint32_t pid, uint64_t start, uint64_t end, uint64_t off,
		      const char *path)
{
	struct ior_proc p = {.kind = IOR_PROC_MAP,
			     .time_ns = t,
			     .pid = pid,
			     .tid = pid,
			     .clone_flags = start,
			     .flags = end,
			     .code = (int64_t)off,
			     .path = str(path)};

	ck_assert_int_eq(ior_writer__append_proc(T.w, &p), 0);
}

/* Memory mapped before the recording: the snapshot's mappings name it. */
START_TEST(test_snapshot_maps)
{
	int64_t t0 = T.now;
	size_t a, b, c, d, e, f;

	SNAP_AT(t0, 100, 100, "/home/u");
	SNAP_AT(t0, 100, 101, "/home/u");
	MAPREC_AT(t0, 100, 0x10000, 0x13000, 0, "/usr/lib/libc.so.6");
	MAPREC_AT(t0, 100, 0x20000, 0x21000, 0x4000, "/dev/shm/x (deleted)");
	MAPREC_AT(t0, 100, 0x30000, 0x31000, 0, "/memfd:ring (deleted)");
	MAPREC_AT(t0, 100, 0x40000, 0x40000, 0, "/empty"); /* nothing: end not past start */
	T.now = t0 + 1000;
	a = EV("msync", .tid = 101, .aux = 0x12000, .bytes = 0x1000);
	b = EV("munmap", .aux = 0x20000, .bytes = 0x1000);
	c = EV("msync", .aux = 0x20000, .bytes = 1); /* unmapped just before */
	d = EV("msync", .aux = 0x30000, .bytes = 1);
	e = EV("msync", .aux = 0x40000, .bytes = 1);
	f = EV("msync", .aux = 0x13000, .bytes = 1);
	play();
	RES(a, "/usr/lib/libc.so.6");
	RES(b, "/dev/shm/x (deleted)");
	ck_assert_ptr_null(T.got[c].path);
	RES(d, "/memfd:ring (deleted)");
	ck_assert_int_eq(T.got[d].kind, IOR_FD_KIND_MEMFD);
	ck_assert_ptr_null(T.got[e].path);
	ck_assert_ptr_null(T.got[f].path);
	ck_assert_uint_eq(T.st.addr_resolved, 3);
}
END_TEST

/* ---- memory follows live state ---------------------------------------------------------- */

START_TEST(test_memory_bounded)
{
	char path[32];

	base_proc();
	for (int i = 0; i < 3000; i++) {
		snprintf(path, sizeof(path), "/f%d", i % 10);
		EV("open", .path = path, .ret = 3 + i % 7);
		EV("read", .fd = 3 + i % 7, .ret = 1);
		if (i % 7 == 6)
			EV("close_range", .fd = 3, .aux = 9, .ret = 0);
		FORK(100, 100, 1000 + i % 50, 1000 + i % 50, 0x11);
		EXIT(1000 + i % 50, 1000 + i % 50, true);
	}
	play();
	ck_assert_uint_le(T.st.open_files, 7);
	ck_assert_uint_eq(T.st.fd_resolved, T.st.fd_events);
}
END_TEST

/* ---- the building blocks ------------------------------------------------------------------ */

static const struct {
	const char *root, *base, *path, *want;
} norm_cases[] = {
    {"/", "/home/u", "x", "/home/u/x"},
    {"/", "/home/u", "./x/", "/home/u/x"},
    {"/", "/home/u", "..", "/home"},
    {"/", "/home/u", "../../..", "/"},
    {"/", "/", "..", "/"},
    {"/", "/home/u", "", "/home/u"},
    {"/", "/home/u", ".", "/home/u"},
    {"/", "/home/u", "a//b///c", "/home/u/a/b/c"},
    {"/", "/home/u", "/", "/"},
    {"/", "/home/u", "//", "/"},
    {"/", "/home/u", "/a/./b/../../c", "/c"},
    {"/", "/home/u", "...", "/home/u/..."},
    {"/", "/home/u", "..a/.b/..", "/home/u/..a"},
    {"/", "/home/u", "a/b/../../../../etc", "/etc"},
    {"/jail", "/jail/w", "../../../x", "/jail/x"},
    {"/jail", "/jail", "/../../etc", "/jail/etc"},
    {"/jail", "/jail", "/", "/jail"},
    {"/jail", "/jailbreak", "..", "/"}, /* cwd outside the root: "/" stops it */
    {"/jail", "/outside/dir", "../../..", "/"},
    {"/jail", "/outside/dir", "/etc", "/jail/etc"},
    {"/", "/x", "a\xff/../\n/b", "/x/\n/b"}, /* any bytes */
    {"/", "/x", "..\n", "/x/..\n"},
};

START_TEST(test_pathnorm)
{
	struct ior_buf b = IOR_BUF_INIT;
	const char *root = norm_cases[_i].root, *base = norm_cases[_i].base;
	const char *path = norm_cases[_i].path;

	ck_assert_int_eq(
	    ior_path_resolve(&b, root, strlen(root), base, strlen(base), path, strlen(path)), 0);
	ck_assert_msg(strcmp(b.data, norm_cases[_i].want) == 0 && b.len == strlen(b.data),
		      "root '%s' base '%s' path '%s': got '%s', want '%s'", root, base, path,
		      b.data, norm_cases[_i].want);
	ck_assert(ior_path_is_norm(b.data, b.len));
	ior_buf__free(&b);
}
END_TEST

START_TEST(test_path_is_norm)
{
	ck_assert(ior_path_is_norm("/", 1));
	ck_assert(ior_path_is_norm("/a/.b/..c", 9));
	ck_assert(!ior_path_is_norm("", 0));
	ck_assert(!ior_path_is_norm("a", 1));
	ck_assert(!ior_path_is_norm("/a/", 3));
	ck_assert(!ior_path_is_norm("/a//b", 5));
	ck_assert(!ior_path_is_norm("/a/./b", 6));
	ck_assert(!ior_path_is_norm("/a/..", 5));
}
END_TEST

static int drop_odd(struct ior_imap_ent *e, void *ctx)
{
	(void)ctx;
	return e->key & 1;
}

/* Random puts and deletes against a plain array, through growth and shrinking. */
START_TEST(test_imap_model)
{
	enum { N = 4096 };
	static uintptr_t model[N];
	struct ior_imap m = IOR_IMAP_INIT;
	uint64_t st = 0x9e3779b97f4a7c15ull;

	memset(model, 0, sizeof(model));
	for (int i = 0; i < 200000; i++) {
		uint32_t k;
		void *old;

		st ^= st << 13, st ^= st >> 7, st ^= st << 17;
		k = (uint32_t)(st >> 8) % N;
		if (st & 1) {
			ck_assert_int_eq(
			    ior_imap__put(&m, k * 1024u, (void *)(uintptr_t)(i + 1), 0, &old), 0);
			ck_assert_ptr_eq(old, (void *)model[k]);
			model[k] = (uintptr_t)(i + 1);
		} else {
			ck_assert_ptr_eq(ior_imap__del(&m, k * 1024u), (void *)model[k]);
			model[k] = 0;
		}
	}
	for (uint32_t k = 0; k < N; k++) {
		struct ior_imap_ent *e = ior_imap__find(&m, k * 1024u);

		ck_assert_ptr_eq(e ? e->val : NULL, (void *)model[k]);
	}
	for (uint32_t k = 64; k < N; k++)
		ck_assert_ptr_eq(ior_imap__del(&m, k * 1024u), (void *)model[k]);
	for (uint32_t k = 0; k < 64; k++) {
		struct ior_imap_ent *e = ior_imap__find(&m, k * 1024u);

		ck_assert_ptr_eq(e ? e->val : NULL, (void *)model[k]);
	}
	ck_assert_uint_le(m.cap, 512); /* memory followed the live entries down */
	ior_imap__free(&m);
}
END_TEST

/* An fd table answers the same below IOR_FD_LOW, where it needs no hash, as above it. */
static void expect_same_fds(const struct ior_fdtable *t)
{
	for (int32_t fd = -1; fd < 2 * IOR_FD_LOW; fd++) {
		bool cloexec;
		struct ior_ofile *f = ior_fdtable__lookup(t, fd, &cloexec);

		ck_assert_msg(ior_fdtable__lookup(t, fd, NULL) == f, "fd %d", fd);
	}
}

START_TEST(test_fdtable_low_fds)
{
	struct ior_ofpool pool = {0};
	struct ior_fdtable *t = ior_fdtable__new(), *c = NULL;
	uint64_t st = 1;

	ck_assert_ptr_nonnull(t);
	for (int i = 0; i < 20000; i++) {
		uint64_t r = t_rand(&st);
		int32_t fd = (int32_t)((r >> 8) % (2 * IOR_FD_LOW));

		switch (r % 8) {
		case 0:
		case 1:
		case 2:
			ck_assert_int_eq(ior_fdtable__install(t, fd, ior_ofpool__get(&pool), r & 64,
							      &pool),
					 0);
			break;
		case 3:
		case 4: ior_fdtable__close(t, fd, &pool); break;
		case 5: ior_fdtable__set_cloexec(t, fd, r & 64); break;
		case 6:
			ior_fdtable__close_range(t, (uint32_t)fd, (uint32_t)fd + (r >> 40) % 16,
						 r & 64, &pool);
			break;
		default: /* a fork, then an exec of the parent */
			ior_fdtable__put(c, &pool);
			c = ior_fdtable__clone(t);
			ck_assert_ptr_nonnull(c);
			ior_fdtable__exec(t, &pool);
			expect_same_fds(c);
			break;
		}
		expect_same_fds(t);
	}
	ior_fdtable__put(c, &pool);
	ior_fdtable__put(t, &pool);
	ck_assert_uint_eq(pool.live, 0);
	ior_ofpool__free(&pool);
}
END_TEST

START_TEST(test_imap_filter_each_once)
{
	struct ior_imap m = IOR_IMAP_INIT;
	uint32_t n = 0;

	for (uint32_t k = 0; k < 1000; k++)
		ck_assert_int_eq(ior_imap__put(&m, k, (void *)(uintptr_t)(k + 1), 0, NULL), 0);
	ior_imap__filter(&m, drop_odd, NULL);
	ck_assert_uint_eq(m.count, 500);
	for (uint32_t k = 0; k < 1000; k++) {
		struct ior_imap_ent *e = ior_imap__find(&m, k);

		ck_assert((e == NULL) == ((k & 1) != 0));
		n += e != NULL;
	}
	ck_assert_uint_eq(n, 500);
	ior_imap__free(&m);
}
END_TEST

START_TEST(test_vmaps_cuts)
{
	struct ior_vmaps *m = ior_vmaps__new();
	const uint8_t F = IOR_FD_KIND_FILE;

	ck_assert_int_eq(ior_vmaps__map(m, 0x1000, 0x8000, 1, 1, F), 0); /* [1000, 9000) */
	ck_assert_int_eq(ior_vmaps__map(m, 0x20000, 1, 2, 1, F), 0);	 /* one page */
	ck_assert_int_eq(ior_vmaps__map(m, 0x3000, 0x1000, 3, 1, F), 0); /* splits the first */
	ck_assert_uint_eq(m->n, 4);
	ck_assert_uint_eq(ior_vmaps__find(m, 0x2fff)->name, 1);
	ck_assert_uint_eq(ior_vmaps__find(m, 0x3000)->name, 3);
	ck_assert_uint_eq(ior_vmaps__find(m, 0x4000)->name, 1);
	ck_assert_uint_eq(ior_vmaps__find(m, 0x20fff)->name, 2);
	ck_assert_ptr_null(ior_vmaps__find(m, 0x21000));
	ck_assert_ptr_null(ior_vmaps__find(m, 0x9000));
	ck_assert_int_eq(ior_vmaps__unmap(m, 0x2000, 0x1f000), 0); /* [2000, 21000) */
	ck_assert_uint_eq(m->n, 1);
	ck_assert_uint_eq(ior_vmaps__find(m, 0x1fff)->name, 1);
	/* a range reaching past the top of the address space is clamped */
	ck_assert_int_eq(ior_vmaps__map(m, UINT64_MAX - 0x1fff, 0x10000, 4, 1, F), 0);
	ck_assert_uint_eq(ior_vmaps__find(m, UINT64_MAX - 1)->name, 4);
	ck_assert_int_eq(ior_vmaps__unmap(m, 0, UINT64_MAX), 0);
	ck_assert_ptr_null(ior_vmaps__find(m, UINT64_MAX - 1));
	ck_assert_int_eq(ior_vmaps__unmap(m, 0, 1), 0); /* nothing left to cut */
	ior_vmaps__put(m);
}
END_TEST


Suite *replay_suite(void)
{
	Suite *s = suite_create("replay");
	TCase *tc = tcase_create("events");
	TCase *blocks = tcase_create("blocks");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_open_read_close);
	tcase_add_test(tc, test_failed_open_keeps_path);
	tcase_add_test(tc, test_close_always_frees);
	tcase_add_test(tc, test_relative_and_dirfd);
	tcase_add_test(tc, test_unknown_cwd_and_truncated);
	tcase_add_test(tc, test_chdir_fchdir_chroot);
	tcase_add_test(tc, test_cwd_records);
	tcase_add_test(tc, test_rename_link_symlink);
	tcase_add_test(tc, test_dup_family);
	tcase_add_test(tc, test_fcntl_flags);
	tcase_add_test(tc, test_close_range_holes);
	tcase_add_test(tc, test_close_range_cloexec);
	tcase_add_test(tc, test_close_range_all);
	tcase_add_test(tc, test_exec_cloexec);
	tcase_add_test(tc, test_exec_multithreaded);
	tcase_add_test(tc, test_exec_then_exit_forgets_task);
	tcase_add_test(tc, test_fork_copies);
	tcase_add_test(tc, test_clone_files_fs_shared);
	tcase_add_test(tc, test_close_range_unshare);
	tcase_add_test(tc, test_threads_share);
	tcase_add_test(tc, test_pid_reuse);
	tcase_add_test(tc, test_snapshot_wins_over_older_records);
	tcase_add_test(tc, test_new_objects);
	tcase_add_test(tc, test_mmap_names_ranges);
	tcase_add_test(tc, test_mmap_after_exec_and_shared_vm);
	tcase_add_test(tc, test_snapshot_maps);
	tcase_add_test(tc, test_memory_bounded);
	suite_add_tcase(s, tc);
	tcase_add_loop_test(blocks, test_pathnorm, 0, sizeof(norm_cases) / sizeof(norm_cases[0]));
	tcase_add_test(blocks, test_path_is_norm);
	tcase_add_test(blocks, test_imap_model);
	tcase_add_test(blocks, test_imap_filter_each_once);
	tcase_add_test(blocks, test_fdtable_low_fds);
	tcase_add_test(blocks, test_vmaps_cuts);
	suite_add_tcase(s, blocks);
	return s;
}
