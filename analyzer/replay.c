// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/replay.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/buf.h"
#include "analyzer/fields.h"
#include "analyzer/pathnorm.h"
#include "analyzer/procs.h"
#include "common/hash.h"

/*
 * Kernel ABI values the replay interprets. The analyzer may build on a Mac, so no Linux
 * header supplies them; where an architecture differs, the recording's header says
 * which one applies (rp->o_direct).
 */
#define K_AT_FDCWD (-100)
#define K_EBADF 9
#define K_O_CLOEXEC 02000000u
#define K_O_CREATE_ONLY 03700u /* O_CREAT|O_EXCL|O_NOCTTY|O_TRUNC: not kept in f_flags */
#define K_O_APPEND 02000u
#define K_O_NONBLOCK 04000u
#define K_O_ASYNC 020000u
#define K_O_NOATIME 01000000u
#define K_O_DIRECT_X86 040000u
#define K_O_DIRECT_ARM64 0200000u
#define K_F_DUPFD 0
#define K_F_SETFD 2
#define K_F_SETFL 4
#define K_F_DUPFD_CLOEXEC 1030
#define K_FD_CLOEXEC 1u
#define K_CLOSE_RANGE_UNSHARE 2u
#define K_CLOSE_RANGE_CLOEXEC 4u
#define K_MAP_ANONYMOUS 0x20u
#define K_FLAG1 1u		  /* FAN_CLOEXEC, MFD_CLOEXEC */
#define CLOEXEC_ALWAYS UINT32_MAX /* pidfds and io_uring fds are always close-on-exec */
#define ROOT_UNKNOWN UINT32_MAX	  /* a chroot to a path that could not be resolved */

/* What a syscall does to the state. */
enum rp_op {
	OP_NONE = 0,
	OP_OPEN,	/* ret = new fd for the path argument */
	OP_OPEN_HANDLE, /* ret = new fd for a file the recording cannot name */
	OP_CLOSE,
	OP_CLOSE_RANGE,
	OP_DUP,	 /* ret = copy of fd */
	OP_DUP2, /* ret = fd2 = copy of fd, close-on-exec from flags (dup3) */
	OP_FCNTL,
	OP_CHDIR,
	OP_FCHDIR,
	OP_CHROOT,
	OP_PAIR,     /* fd and fd2 are two new objects */
	OP_NEWOBJ,   /* ret = a new object (pipe, socket, eventfd, ...) */
	OP_SIGNALFD, /* a new object when fd is -1, else fd changed */
	OP_MEMFD,
	OP_PIDFD_OPEN,
	OP_PIDFD_GETFD,
	OP_MMAP,
	OP_MUNMAP,
	OP_MSYNC,
};

/* What a string argument is relative to. */
enum rp_base {
	BASE_NONE = 0,
	BASE_CWD, /* a path relative to the cwd */
	BASE_FD,  /* a path relative to the dirfd in ev.fd */
	BASE_FD2, /* a path relative to the dirfd in ev.fd2 */
	BASE_RAW, /* not a path to resolve: symlink's target, memfd's name, an xattr name */
};

/* Per syscall of the recording: its descriptor and what the replay does with it. */
struct rp_sc {
	const struct ior_syscall_desc *desc;
	const char *name; /* the recording's name for it; NULL: none, "syscall_<nr>" */
	uint8_t cls;	  /* enum ior_class, IOR_CLASS_OTHER when desc is NULL */
	uint8_t op;
	uint8_t path_base, path2_base;
	uint8_t fd_file;  /* ev.fd names the event's file when no path does */
	uint8_t fd2_file; /* path2 is the file of ev.fd2 */
	uint8_t kind;	  /* of a new object */
	uint8_t fd_only;  /* the file is ev.fd's and the call changes no state: most events */
	uint32_t cloexec; /* the flags bit that asks for close-on-exec */
	uint32_t obj;	  /* name id of a new object */
};

struct rp_special {
	const char *name;
	uint8_t op, kind, path_base;
	uint32_t cloexec;
	const char *obj;
};

#define FILE_KIND IOR_FD_KIND_FILE
static const struct rp_special specials[] = {
    {"open", OP_OPEN, FILE_KIND, 0, K_O_CLOEXEC, NULL},
    {"openat", OP_OPEN, FILE_KIND, 0, K_O_CLOEXEC, NULL},
    {"openat2", OP_OPEN, FILE_KIND, 0, K_O_CLOEXEC, NULL},
    {"creat", OP_OPEN, FILE_KIND, 0, 0, NULL},
    {"open_tree", OP_OPEN, FILE_KIND, 0, K_O_CLOEXEC, NULL},
    {"open_tree_attr", OP_OPEN, FILE_KIND, 0, K_O_CLOEXEC, NULL},
    {"open_by_handle_at", OP_OPEN_HANDLE, FILE_KIND, 0, K_O_CLOEXEC, NULL},
    {"close", OP_CLOSE, 0, 0, 0, NULL},
    {"close_range", OP_CLOSE_RANGE, 0, 0, 0, NULL},
    {"dup", OP_DUP, 0, 0, 0, NULL},
    {"dup2", OP_DUP2, 0, 0, 0, NULL},
    {"dup3", OP_DUP2, 0, 0, K_O_CLOEXEC, NULL},
    {"fcntl", OP_FCNTL, 0, 0, 0, NULL},
    {"chdir", OP_CHDIR, 0, 0, 0, NULL},
    {"fchdir", OP_FCHDIR, 0, 0, 0, NULL},
    {"chroot", OP_CHROOT, 0, 0, 0, NULL},
    {"pipe", OP_PAIR, IOR_FD_KIND_PIPE, 0, 0, "pipe:[?]"},
    {"pipe2", OP_PAIR, IOR_FD_KIND_PIPE, 0, K_O_CLOEXEC, "pipe:[?]"},
    {"socketpair", OP_PAIR, IOR_FD_KIND_SOCKET, 0, K_O_CLOEXEC, "socket:[?]"},
    {"socket", OP_NEWOBJ, IOR_FD_KIND_SOCKET, 0, K_O_CLOEXEC, "socket:[?]"},
    {"accept", OP_NEWOBJ, IOR_FD_KIND_SOCKET, 0, 0, "socket:[?]"},
    {"accept4", OP_NEWOBJ, IOR_FD_KIND_SOCKET, 0, K_O_CLOEXEC, "socket:[?]"},
    {"eventfd", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, 0, "anon_inode:[eventfd]"},
    {"eventfd2", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, K_O_CLOEXEC, "anon_inode:[eventfd]"},
    {"epoll_create", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, 0, "anon_inode:[eventpoll]"},
    {"epoll_create1", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, K_O_CLOEXEC, "anon_inode:[eventpoll]"},
    {"timerfd_create", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, K_O_CLOEXEC, "anon_inode:[timerfd]"},
    {"signalfd", OP_SIGNALFD, IOR_FD_KIND_ANON, 0, 0, "anon_inode:[signalfd]"},
    {"signalfd4", OP_SIGNALFD, IOR_FD_KIND_ANON, 0, K_O_CLOEXEC, "anon_inode:[signalfd]"},
    {"inotify_init", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, 0, "anon_inode:inotify"},
    {"inotify_init1", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, K_O_CLOEXEC, "anon_inode:inotify"},
    {"fanotify_init", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, K_FLAG1, "anon_inode:[fanotify]"},
    {"userfaultfd", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, K_O_CLOEXEC, "anon_inode:[userfaultfd]"},
    {"io_uring_setup", OP_NEWOBJ, IOR_FD_KIND_ANON, 0, CLOEXEC_ALWAYS, "anon_inode:[io_uring]"},
    {"pidfd_open", OP_PIDFD_OPEN, IOR_FD_KIND_ANON, 0, CLOEXEC_ALWAYS, "anon_inode:[pidfd]"},
    {"pidfd_getfd", OP_PIDFD_GETFD, 0, 0, CLOEXEC_ALWAYS, NULL},
    {"memfd_create", OP_MEMFD, IOR_FD_KIND_MEMFD, BASE_RAW, K_FLAG1, NULL},
    {"mmap", OP_MMAP, 0, 0, 0, NULL},
    {"munmap", OP_MUNMAP, 0, 0, 0, NULL},
    {"msync", OP_MSYNC, 0, 0, 0, NULL},
    /* a path argument not relative to ev.fd */
    {"inotify_add_watch", OP_NONE, 0, BASE_CWD, 0, NULL}, /* fd: the inotify instance */
    {"fanotify_mark", OP_NONE, 0, BASE_FD2, 0, NULL},	  /* its dirfd is the 4th arg */
    {"symlink", OP_NONE, 0, BASE_RAW, 0, NULL},
    {"symlinkat", OP_NONE, 0, BASE_RAW, 0, NULL},
};

/* What an event names, until it becomes a pointer in the revent. */
struct rp_file {
	const char *s; /* NULL: nothing */
	size_t len;
	uint32_t id;   /* s is name id of the replay's table nt; 0: s is elsewhere */
	uint8_t kind, resolved;
};

struct ior_replay {
	struct ior_reader *r;
	const struct ior_header *hdr;
	/* per syscall number of the recording: name and what the replay does with it */
	struct rp_sc *sc;
	const char **names;
	uint32_t nnames;
	struct ior_procs ps;
	struct ior_intern *nt;	    /* file names: resolved paths, object names */
	struct ior_buf pbuf, p2buf; /* resolved path and path2 of the current event */
	char fdname[32], fd2name[32], nrname[32];
	uint32_t setfl_mask; /* status flags F_SETFL may change, on the recording's arch */
	bool paths;          /* resolve files (off: only processes, syscalls and times) */
	struct ior_replay_stats st;
};

static const struct rp_special *find_special(const char *name)
{
	for (size_t i = 0; i < sizeof(specials) / sizeof(specials[0]); i++)
		if (strcmp(specials[i].name, name) == 0)
			return &specials[i];
	return NULL;
}

/* The exceptions to what a syscall's descriptor says; 0 or -ENOMEM. */
static int classify_special(struct ior_replay *rp, struct rp_sc *sc, const struct rp_special *sp)
{
	sc->op = sp->op;
	sc->kind = sp->kind;
	sc->cloexec = sp->cloexec;
	if (sp->path_base)
		sc->path_base = sp->path_base;
	if (sp->op == OP_CLOSE_RANGE)
		sc->fd_file = 0; /* its fd is a bound, not a file */
	if (sp->obj && !(sc->obj = ior_intern__get(rp->nt, sp->obj, strlen(sp->obj), NULL)))
		return -ENOMEM;
	return 0;
}

/* What the replay does with syscall name: from its descriptor, then the exceptions. */
static int classify(struct ior_replay *rp, struct rp_sc *sc, const char *name)
{
	const struct ior_syscall_desc *d = ior_syscall_find(name);
	const struct rp_special *sp = find_special(name);

	memset(sc, 0, sizeof(*sc));
	sc->desc = d;
	sc->name = name;
	if (!d)
		return 0;
	sc->cls = d->cls;
	sc->path_base = d->path ? (d->fd ? BASE_FD : BASE_CWD) : BASE_NONE;
	if (d->path2)
		sc->path2_base = d->cls == IOR_CLASS_XATTR ? BASE_RAW
				 : d->fd2		   ? BASE_FD2
							   : BASE_CWD;
	sc->fd_file = d->fd && d->special != IOR_SPECIAL_FD_PAIR;
	sc->fd2_file = d->cls == IOR_CLASS_TRANSFER && d->fd2;
	if (sp && classify_special(rp, sc, sp))
		return -ENOMEM;
	sc->fd_only = sc->fd_file && sc->op == OP_NONE && !sc->path_base && !sc->path2_base &&
		      !sc->fd2_file;
	return 0;
}

static int index_syscalls(struct ior_replay *rp)
{
	uint32_t max = 0;

	for (uint32_t i = 0; i < rp->hdr->nsyscalls; i++)
		if (rp->hdr->syscalls[i].nr >= max)
			max = rp->hdr->syscalls[i].nr + 1;
	if (max > 65536)
		max = 65536;
	rp->sc = calloc(max + 1, sizeof(*rp->sc)); /* sc[max]: any number the header lacks */
	rp->names = calloc(max ? max : 1, sizeof(*rp->names));
	if (!rp->sc || !rp->names)
		return -ENOMEM;
	rp->nnames = max;
	for (uint32_t i = 0; i < rp->hdr->nsyscalls; i++) {
		const struct ior_syscall_name *s = &rp->hdr->syscalls[i];

		if (s->nr >= max)
			continue;
		rp->names[s->nr] = s->name;
		if (classify(rp, &rp->sc[s->nr], s->name))
			return -ENOMEM;
	}
	return 0;
}

/* F_SETFL changes only these; O_DIRECT's value depends on the recording's architecture. */
static uint32_t setfl_mask(const char *arch)
{
	bool arm = arch && (strcmp(arch, "aarch64") == 0 || strcmp(arch, "arm64") == 0 ||
			    strncmp(arch, "arm", 3) == 0);

	return K_O_APPEND | K_O_NONBLOCK | K_O_ASYNC | K_O_NOATIME |
	       (arm ? K_O_DIRECT_ARM64 : K_O_DIRECT_X86);
}

struct ior_replay *ior_replay__new(struct ior_reader *r)
{
	struct ior_replay *rp = calloc(1, sizeof(*rp));

	if (!rp)
		return NULL;
	rp->r = r;
	rp->paths = true;
	rp->hdr = ior_reader__header(r);
	rp->st.first_ns = INT64_MAX;
	rp->st.last_ns = INT64_MIN;
	rp->setfl_mask = setfl_mask(rp->hdr->arch);
	ior_procs__init(&rp->ps);
	rp->nt = ior_intern__new();
	if (!rp->nt || index_syscalls(rp)) {
		ior_replay__free(rp);
		errno = ENOMEM;
		return NULL;
	}
	return rp;
}

void ior_replay__free(struct ior_replay *rp)
{
	if (!rp)
		return;
	free(rp->sc);
	free(rp->names);
	ior_procs__fini(&rp->ps);
	ior_intern__free(rp->nt);
	ior_buf__free(&rp->pbuf);
	ior_buf__free(&rp->p2buf);
	free(rp);
}

const char *ior_replay__syscall_name(struct ior_replay *rp, uint32_t nr)
{
	if (nr < rp->nnames && rp->names[nr])
		return rp->names[nr];
	snprintf(rp->nrname, sizeof(rp->nrname), "syscall_%u", nr);
	return rp->nrname;
}

static const struct rp_sc *sc_of(const struct ior_replay *rp, uint32_t nr)
{
	return &rp->sc[nr < rp->nnames ? nr : rp->nnames];
}

/* ---- naming what an event is about ------------------------------------------------ */

static void name_file(const struct ior_replay *rp, uint32_t name, struct rp_file *out)
{
	out->s = ior_intern__str(rp->nt, name, &out->len);
	out->id = name;
}

/*
 * The event's file counts in the fd statistics. A branch, not an add of the test: with
 * the add GCC pairs the two counts in a vector register, at more instructions.
 */
static inline void count_fd_file(struct ior_replay *rp, bool resolved)
{
	rp->st.fd_events++;
	if (resolved)
		rp->st.fd_resolved++;
}

/*
 * The file behind fd, whose open file f (NULL: unknown) is looked up: its name, or
 * "fd:N" (in buf) when the replay does not know the fd. count: this is the event's
 * file, so it counts in the fd statistics (an fd the kernel rejected with EBADF names
 * nothing and does not count against the replay).
 */
static void name_fd_file(struct ior_replay *rp, const struct ior_ofile *f, int32_t fd,
			 int64_t ret, char *buf, struct rp_file *out, bool count)
{
	memset(out, 0, sizeof(*out));
	if (fd < 0)
		return;
	if (f && f->name) {
		out->s = f->name_str;
		out->len = f->name_len;
		out->id = f->name;
		out->kind = f->kind;
		out->resolved = f->resolved;
	} else {
		out->len = (size_t)snprintf(buf, 32, "fd:%d", fd);
		out->s = buf;
		out->kind = f ? f->kind : IOR_FD_KIND_UNKNOWN;
	}
	if (count && (f || ret != -K_EBADF))
		count_fd_file(rp, out->resolved);
}

/* name_fd_file() of fd in pr. */
static void file_of_fd(struct ior_replay *rp, struct ior_rproc *pr, int32_t fd, int64_t ret,
		       char *buf, struct rp_file *out, bool count)
{
	name_fd_file(rp, ior_fdtable__lookup(pr->files, fd, NULL), fd, ret, buf, out, count);
}

/* The directory a relative path starts from (cwd or dirfd), or NULL when unknown. */
static const char *base_dir(const struct ior_replay *rp, const struct ior_rproc *pr, int32_t dirfd,
			    size_t *len)
{
	const struct ior_ofile *f;

	if (dirfd == IOR_FD_NONE || dirfd == K_AT_FDCWD)
		return ior_intern__str(rp->nt, pr->fs->cwd, len);
	f = ior_fdtable__lookup(pr->files, dirfd, NULL);
	if (!f || !f->resolved || f->kind != IOR_FD_KIND_FILE)
		return NULL;
	return ior_intern__str(rp->nt, f->name, len);
}

/* The root absolute paths start from: "/" unless a chroot or the snapshot said else. */
static const char *root_dir(const struct ior_replay *rp, const struct ior_rproc *pr, size_t *len)
{
	const char *root;

	if (pr->fs->root == ROOT_UNKNOWN)
		return NULL;
	if (!pr->fs->root) {
		*len = 1;
		return "/";
	}
	root = ior_intern__str(rp->nt, pr->fs->root, len);
	return root && root[0] == '/' ? root : NULL; /* a hostile record's "root" */
}

/* Resolve s (a relative or absolute path) against dirfd into buf; 0, 1 (not possible), -ENOMEM. */
static int resolve_into(struct ior_replay *rp, struct ior_rproc *pr, int32_t dirfd, const char *s,
			size_t len, struct ior_buf *buf)
{
	const char *root, *base = NULL;
	size_t rlen = 0, blen = 0;

	root = root_dir(rp, pr, &rlen);
	if (!root)
		return 1;
	if (!(len && s[0] == '/')) {
		base = base_dir(rp, pr, dirfd, &blen);
		if (!base || base[0] != '/')
			return 1;
	}
	return ior_path_resolve(buf, root, rlen, base ? base : root, base ? blen : rlen, s, len);
}

/*
 * The file a string argument (string id, cut when truncated) names, relative to what base
 * says. An empty or unreadable path with a dirfd names the dirfd's file (fstat through
 * newfstatat(fd, "", AT_EMPTY_PATH), utimensat(fd, NULL, ...)). count: this is the
 * event's own file, so it counts in the statistics.
 */
static int file_of_path(struct ior_replay *rp, struct ior_rproc *pr, const struct ior_event *ev,
			uint8_t base, uint32_t id, bool truncated, struct ior_buf *buf, char *fdbuf,
			struct rp_file *out, bool count)
{
	int32_t dirfd = base == BASE_FD ? ev->fd : base == BASE_FD2 ? ev->fd2 : IOR_FD_NONE;
	size_t len = 0;
	const char *s = ior_reader__string(rp->r, id, &len);
	int err;

	memset(out, 0, sizeof(*out));
	if ((!s || !len) && dirfd >= 0) {
		file_of_fd(rp, pr, dirfd, ev->ret, fdbuf, out, count);
		return 0;
	}
	if (!s)
		return 0;
	out->s = s;
	out->len = len;
	if (base == BASE_RAW)
		return 0;
	out->kind = IOR_FD_KIND_FILE;
	rp->st.path_events += count;
	err = truncated ? 1 : resolve_into(rp, pr, dirfd, s, len, buf);
	if (err)
		return err < 0 ? err : 0;
	out->s = buf->data;
	out->len = buf->len;
	out->resolved = 1;
	rp->st.path_absolute += count;
	return 0;
}

/* munmap/msync: the file mapped at the address argument, if any. */
static void file_of_addr(struct ior_replay *rp, struct ior_rproc *pr, uint64_t addr,
			 struct rp_file *out)
{
	const struct ior_vmap *m = ior_vmaps__find(pr->mm, addr);

	memset(out, 0, sizeof(*out));
	rp->st.addr_events++;
	if (!m)
		return;
	name_file(rp, m->name, out);
	out->kind = m->kind;
	out->resolved = m->resolved;
	rp->st.addr_resolved += m->resolved;
}

/* The event's file (*f) and second file (*f2), from the state before the call. */
static int resolve_event(struct ior_replay *rp, struct ior_rproc *pr, const struct rp_sc *sc,
			 const struct ior_event *ev, struct rp_file *f, struct rp_file *f2)
{
	int err = 0;

	memset(f, 0, sizeof(*f));
	memset(f2, 0, sizeof(*f2));
	if (sc->op == OP_MUNMAP || sc->op == OP_MSYNC) {
		file_of_addr(rp, pr, ev->aux, f);
	} else if (sc->op == OP_MMAP) {
		if (!(ev->flags & K_MAP_ANONYMOUS))
			file_of_fd(rp, pr, ev->fd, ev->ret, rp->fdname, f, true);
	} else if (sc->path_base) {
		err = file_of_path(rp, pr, ev, sc->path_base, ev->path,
				   ev->str_flags & IOR_STR_PATH_TRUNCATED, &rp->pbuf, rp->fdname, f,
				   sc->path_base != BASE_RAW);
	} else if (sc->fd_file) {
		file_of_fd(rp, pr, ev->fd, ev->ret, rp->fdname, f, true);
	}
	if (!err && sc->path2_base)
		err = file_of_path(rp, pr, ev, sc->path2_base, ev->path2,
				   ev->str_flags & IOR_STR_PATH2_TRUNCATED, &rp->p2buf, rp->fd2name,
				   f2, false);
	else if (sc->fd2_file)
		file_of_fd(rp, pr, ev->fd2, ev->ret, rp->fd2name, f2, false);
	return err;
}

/* ---- state changes ------------------------------------------------------------------ */

static bool wants_cloexec(const struct rp_sc *sc, uint64_t flags)
{
	return sc->cloexec == CLOEXEC_ALWAYS || (flags & sc->cloexec);
}

/* fd now refers to a new open file named name. 0 or -ENOMEM. */
static int install_new(struct ior_replay *rp, struct ior_rproc *pr, int64_t fd, uint32_t name,
		       uint8_t kind, uint8_t resolved, uint32_t flags, bool cloexec,
		       struct ior_ofile **made)
{
	struct ior_ofile *f;

	if (fd < 0 || fd > INT32_MAX)
		return 0;
	f = ior_ofpool__get(&rp->ps.pool);
	if (!f)
		return -ENOMEM;
	f->name = name;
	f->name_str = ior_intern__str(rp->nt, name, &f->name_len);
	f->kind = kind;
	f->resolved = resolved;
	f->flags = flags;
	if (made)
		*made = f;
	return ior_fdtable__install(pr->files, (int32_t)fd, f, cloexec, &rp->ps.pool);
}

/* The name id of what f describes (0 for nothing); 0 with *err = -ENOMEM on failure. */
static uint32_t name_id(struct ior_replay *rp, const struct rp_file *f, int *err)
{
	uint32_t id;

	if (!f->s)
		return 0;
	id = ior_intern__get(rp->nt, f->s, f->len, NULL);
	if (!id)
		*err = -ENOMEM;
	return id;
}

static int op_open(struct ior_replay *rp, struct ior_rproc *pr, const struct rp_sc *sc,
		   const struct ior_event *ev, const struct rp_file *f)
{
	int err = 0;
	uint32_t name = sc->op == OP_OPEN ? name_id(rp, f, &err) : 0;
	uint32_t flags = (uint32_t)ev->flags & ~(K_O_CLOEXEC | K_O_CREATE_ONLY);

	if (err)
		return err;
	/* open_tree(fd, "", AT_EMPTY_PATH) and the like reopen what fd is, a file or not */
	return install_new(rp, pr, ev->ret, name, f->kind ? f->kind : IOR_FD_KIND_FILE,
			   name && f->resolved, flags, wants_cloexec(sc, ev->flags), NULL);
}

/* newfd becomes a copy of oldfd; of an fd the replay does not know, an unknown fd. */
static int op_dup(struct ior_replay *rp, struct ior_rproc *pr, int32_t oldfd, int64_t newfd,
		  bool cloexec)
{
	struct ior_ofile *f = ior_fdtable__lookup(pr->files, oldfd, NULL);

	if (newfd < 0 || newfd > INT32_MAX || newfd == oldfd)
		return 0;
	if (!f) {
		ior_fdtable__close(pr->files, (int32_t)newfd, &rp->ps.pool);
		return 0;
	}
	return ior_fdtable__install(pr->files, (int32_t)newfd, ior_ofile__ref(f), cloexec,
				    &rp->ps.pool);
}

static int op_fcntl(struct ior_replay *rp, struct ior_rproc *pr, const struct ior_event *ev)
{
	struct ior_ofile *f;

	switch (ev->flags) {
	case K_F_DUPFD:
	case K_F_DUPFD_CLOEXEC:
		return op_dup(rp, pr, ev->fd, ev->ret, ev->flags == K_F_DUPFD_CLOEXEC);
	case K_F_SETFD:
		ior_fdtable__set_cloexec(pr->files, ev->fd, ev->aux & K_FD_CLOEXEC);
		return 0;
	case K_F_SETFL:
		f = ior_fdtable__lookup(pr->files, ev->fd, NULL);
		if (f)
			f->flags =
			    (f->flags & ~rp->setfl_mask) | ((uint32_t)ev->aux & rp->setfl_mask);
		return 0;
	default:
		return 0;
	}
}

static int op_close_range(struct ior_replay *rp, struct ior_rproc *pr, const struct ior_event *ev)
{
	int err = 0;

	if (ev->flags & K_CLOSE_RANGE_UNSHARE)
		err = ior_procs__unshare_files(&rp->ps, pr);
	ior_fdtable__close_range(pr->files, (uint32_t)ev->fd, (uint32_t)ev->aux,
				 ev->flags & K_CLOSE_RANGE_CLOEXEC, &rp->ps.pool);
	return err;
}

/* chdir/chroot to what f names; fchdir to the directory behind fd. */
static int op_dir(struct ior_replay *rp, struct ior_rproc *pr, const struct rp_sc *sc,
		  const struct ior_event *ev, const struct rp_file *f)
{
	const struct ior_ofile *d;
	uint32_t name = 0;
	int err = 0;

	if (sc->op == OP_FCHDIR) {
		d = ior_fdtable__lookup(pr->files, ev->fd, NULL);
		name = d && d->resolved && d->kind == IOR_FD_KIND_FILE ? d->name : 0;
	} else if (f->resolved) {
		name = name_id(rp, f, &err);
	}
	if (sc->op == OP_CHROOT)
		ior_procs__set_dir(pr, 1, name ? name : ROOT_UNKNOWN);
	else
		ior_procs__set_dir(pr, 0, name);
	return err;
}

/* "/memfd:NAME (deleted)", as /proc shows a memfd; its name id (0 and *err on ENOMEM). */
static uint32_t memfd_name(struct ior_replay *rp, const struct rp_file *f, int *err)
{
	struct ior_buf *b = &rp->pbuf;
	uint32_t id;

	ior_buf__reset(b);
	ior_buf__adds(b, "/memfd:");
	if (f->s)
		ior_buf__add(b, f->s, f->len);
	ior_buf__adds(b, " (deleted)");
	id = b->oom ? 0 : ior_intern__get(rp->nt, b->data, b->len, NULL);
	if (!id)
		*err = -ENOMEM;
	return id;
}

/*
 * Calls that make fds which are not paths: pipe, socket, eventfd, memfd, pidfd, ...
 * The event's file becomes the new object unless an fd argument already named one.
 */
static int op_newobj(struct ior_replay *rp, struct ior_rproc *pr, const struct rp_sc *sc,
		     const struct ior_event *ev, struct rp_file *f)
{
	bool cloexec = wants_cloexec(sc, ev->flags);
	struct ior_ofile *made = NULL;
	uint32_t name = sc->obj;
	int err = 0;

	if (sc->op == OP_PAIR) {
		err = install_new(rp, pr, ev->fd, name, sc->kind, 1, 0, cloexec, NULL);
		if (!err)
			err = install_new(rp, pr, ev->fd2, name, sc->kind, 1, 0, cloexec, NULL);
	} else if (sc->op != OP_SIGNALFD || ev->fd == -1) {
		if (sc->op == OP_MEMFD)
			name = memfd_name(rp, f, &err);
		if (!err)
			err = install_new(rp, pr, ev->ret, name, sc->kind, 1, 0, cloexec, &made);
		if (!err && made && sc->op == OP_PIDFD_OPEN)
			made->pid = (uint32_t)ev->aux;
	}
	if (!err && name && (!f->s || sc->op == OP_MEMFD)) {
		name_file(rp, name, f);
		f->kind = sc->kind;
		f->resolved = 1;
	}
	return err;
}

/* pidfd_getfd(pidfd, targetfd): a copy of another process's fd, close-on-exec. */
static int op_pidfd_getfd(struct ior_replay *rp, struct ior_rproc *pr, const struct ior_event *ev)
{
	const struct ior_ofile *pidfd = ior_fdtable__lookup(pr->files, ev->fd, NULL);
	struct ior_rproc *target =
	    pidfd && pidfd->pid ? ior_procs__proc(&rp->ps, pidfd->pid) : NULL;
	struct ior_ofile *f =
	    target ? ior_fdtable__lookup(target->files, (int32_t)ev->aux, NULL) : NULL;

	if (ev->ret < 0 || ev->ret > INT32_MAX)
		return 0;
	if (!f)
		return ior_fdtable__close(pr->files, (int32_t)ev->ret, &rp->ps.pool), 0;
	return ior_fdtable__install(pr->files, (int32_t)ev->ret, ior_ofile__ref(f), true,
				    &rp->ps.pool);
}

/* mmap of a file remembers the range; anonymous memory placed there forgets it. */
static int op_mmap(struct ior_replay *rp, struct ior_rproc *pr, const struct ior_event *ev,
		   const struct rp_file *f)
{
	uint64_t addr = (uint64_t)ev->ret;
	uint32_t name;
	int err = 0;

	if (!f->s)
		return ior_vmaps__unmap(pr->mm, addr, ev->bytes);
	name = name_id(rp, f, &err);
	return err ? err : ior_vmaps__map(pr->mm, addr, ev->bytes, name, f->resolved, f->kind);
}

static int apply_op(struct ior_replay *rp, struct ior_rproc *pr, const struct rp_sc *sc,
		    const struct ior_event *ev, struct rp_file *f)
{
	/* close releases the fd before anything can fail, unless there was none (EBADF) */
	if (sc->op == OP_CLOSE && ev->ret != -K_EBADF)
		ior_fdtable__close(pr->files, ev->fd, &rp->ps.pool);
	if (ior_event_failed(ev))
		return 0;
	switch (sc->op) {
	case OP_OPEN:
	case OP_OPEN_HANDLE:
		return op_open(rp, pr, sc, ev, f);
	case OP_DUP:
		return op_dup(rp, pr, ev->fd, ev->ret, false);
	case OP_DUP2:
		return op_dup(rp, pr, ev->fd, ev->ret, wants_cloexec(sc, ev->flags));
	case OP_FCNTL:
		return op_fcntl(rp, pr, ev);
	case OP_CLOSE_RANGE:
		return op_close_range(rp, pr, ev);
	case OP_CHDIR:
	case OP_FCHDIR:
	case OP_CHROOT:
		return op_dir(rp, pr, sc, ev, f);
	case OP_PAIR:
	case OP_NEWOBJ:
	case OP_SIGNALFD:
	case OP_MEMFD:
	case OP_PIDFD_OPEN:
		return op_newobj(rp, pr, sc, ev, f);
	case OP_PIDFD_GETFD:
		return op_pidfd_getfd(rp, pr, ev);
	case OP_MMAP:
		return op_mmap(rp, pr, ev, f);
	case OP_MUNMAP:
		return ior_vmaps__unmap(pr->mm, ev->aux, ev->bytes);
	default:
		return 0;
	}
}

/* ---- records ------------------------------------------------------------------------ */

/* The name id of a recorded string (0 for none); 0 with *err = -ENOMEM on failure. */
static uint32_t reader_name(struct ior_replay *rp, uint32_t id, int *err)
{
	struct rp_file f = {0};

	f.s = ior_reader__string(rp->r, id, &f.len);
	return name_id(rp, &f, err);
}

/* What a /proc fd link names: "/path", "/memfd:x (deleted)", "pipe:[1]", "socket:[2]", ... */
static uint8_t kind_of_link(const char *s, size_t len)
{
	if (len && s[0] == '/')
		return len >= 7 && memcmp(s, "/memfd:", 7) == 0 ? IOR_FD_KIND_MEMFD
								: IOR_FD_KIND_FILE;
	if (len >= 5 && memcmp(s, "pipe:", 5) == 0)
		return IOR_FD_KIND_PIPE;
	if (len >= 7 && memcmp(s, "socket:", 7) == 0)
		return IOR_FD_KIND_SOCKET;
	return IOR_FD_KIND_ANON;
}

/*
 * What a snapshot record of pid is about: its process (*pr) and what /proc showed for it
 * (*name, and its bytes in *f; f->s is NULL when /proc could not be read). 0 or -ENOMEM.
 */
static int snap_subject(struct ior_replay *rp, const struct ior_proc *p, struct ior_rproc **pr,
			uint32_t *name, struct rp_file *f)
{
	struct ior_rtask *t = ior_procs__task(&rp->ps, p->pid, p->pid);
	int err = 0;

	*name = reader_name(rp, p->path, &err);
	if (!t || err)
		return -ENOMEM;
	*pr = t->proc;
	memset(f, 0, sizeof(*f));
	name_file(rp, *name, f);
	return 0;
}

/* A snapshot fd: code is the fd, path what /proc showed, flags its open flags. */
static int apply_snap_fd(struct ior_replay *rp, const struct ior_proc *p)
{
	struct ior_rproc *pr;
	struct rp_file f;
	uint32_t name;
	int err = snap_subject(rp, p, &pr, &name, &f);

	if (err || p->code < 0 || p->code > INT32_MAX)
		return err;
	return install_new(rp, pr, p->code, name,
			   f.s ? kind_of_link(f.s, f.len) : IOR_FD_KIND_UNKNOWN, f.s != NULL,
			   (uint32_t)p->flags & ~K_O_CLOEXEC, p->flags & K_O_CLOEXEC, NULL);
}

/*
 * A snapshot mapping: pid maps path (as /proc shows it) at [clone_flags, flags), so that
 * a munmap or msync of memory mapped before the recording names its file.
 */
static int apply_snap_map(struct ior_replay *rp, const struct ior_proc *p)
{
	struct ior_rproc *pr;
	struct rp_file f;
	uint32_t name;
	int err = snap_subject(rp, p, &pr, &name, &f);

	if (err || !f.s || p->flags <= p->clone_flags)
		return err;
	return ior_vmaps__map(pr->mm, p->clone_flags, p->flags - p->clone_flags, name,
			      f.len && f.s[0] == '/', kind_of_link(f.s, f.len));
}

static int apply_snap(struct ior_replay *rp, const struct ior_proc *p)
{
	int err = 0;
	uint32_t cwd = reader_name(rp, p->path, &err), root = reader_name(rp, p->path2, &err);

	return err ? err : ior_procs__snap(&rp->ps, p, cwd, root);
}

static int apply_cwd(struct ior_replay *rp, const struct ior_proc *p)
{
	struct ior_rtask *t = ior_procs__task(&rp->ps, p->pid, p->tid ? p->tid : p->pid);
	int err = 0;
	uint32_t name = reader_name(rp, p->path, &err);

	if (!t || err)
		return -ENOMEM;
	if (p->code == 1)
		ior_procs__set_dir(t->proc, 1, name ? name : ROOT_UNKNOWN);
	else
		ior_procs__set_dir(t->proc, 0, name);
	return 0;
}

static int apply_proc(struct ior_replay *rp, const struct ior_proc *p)
{
	switch (p->kind) {
	case IOR_PROC_FORK:
		return ior_procs__fork(&rp->ps, p);
	case IOR_PROC_EXEC:
		return ior_procs__exec(&rp->ps, p);
	case IOR_PROC_EXIT:
		return ior_procs__exit(&rp->ps, p);
	case IOR_PROC_COMM:
		return ior_procs__comm(&rp->ps, p);
	case IOR_PROC_SNAP:
		return apply_snap(rp, p);
	case IOR_PROC_FD:
		return apply_snap_fd(rp, p);
	case IOR_PROC_CWD:
		return apply_cwd(rp, p);
	case IOR_PROC_MAP:
		return apply_snap_map(rp, p);
	default:
		return 0; /* a kind from a newer recorder: nothing this replay can use */
	}
}

/*
 * What needs no process state: the event, its syscall and time; no comm, file or gap.
 * Member by member, not memset and fill (or a compound literal, built aside and copied):
 * this runs for every event.
 */
static inline void fill_stateless(struct ior_replay *rp, const struct rp_sc *sc,
				  const struct ior_event *ev, struct ior_revent *re)
{
	re->ev = *ev;
	re->syscall = sc->name ? sc->name : ior_replay__syscall_name(rp, ev->nr);
	re->desc = sc->desc;
	re->cls = (enum ior_class)sc->cls;
	re->id_src = rp;
	re->rel_ns = (int64_t)((uint64_t)ev->start_ns - (uint64_t)rp->hdr->start_ns);
}

/* The files of an event: f and f2 (s NULL: none). */
static inline void set_files(struct ior_revent *re, const struct rp_file *f,
			     const struct rp_file *f2)
{
	re->path = f->s;
	re->path_len = f->len;
	re->path_id = f->id;
	re->kind = f->s ? (enum ior_fd_kind)f->kind : IOR_FD_KIND_NONE;
	re->resolved = f->resolved;
	re->path2 = f2->s;
	re->path2_len = f2->len;
}

static const struct rp_file no_file;

/* Widen the stats' span to take in [first, last]. */
static inline void widen_span(struct ior_replay_stats *st, int64_t first, int64_t last)
{
	if (first < st->first_ns)
		st->first_ns = first;
	if (last > st->last_ns)
		st->last_ns = last;
}

/* The end of an event relative to the recording start (wrapping, as times do). */
static inline int64_t rel_end(int64_t rel_ns, uint64_t dur_ns)
{
	return (int64_t)((uint64_t)rel_ns + dur_ns);
}

/* Count an event in the stats: how many, and the span they cover. */
static inline void count_event(struct ior_replay *rp, int64_t rel_ns, uint64_t dur_ns)
{
	rp->st.events++;
	widen_span(&rp->st, rel_ns, rel_end(rel_ns, dur_ns));
}

/* Everything but the file: syscall, comm, gap, time. */
static void fill_basics(struct ior_replay *rp, struct ior_rtask *t, const struct rp_sc *sc,
			const struct ior_event *ev, struct ior_revent *re)
{
	if (t->comm != t->comm_seen) {
		t->comm_str = t->comm ? ior_reader__string(rp->r, t->comm, NULL) : NULL;
		t->comm_seen = t->comm;
	}
	fill_stateless(rp, sc, ev, re);
	re->comm = t->comm_str ? t->comm_str : "?";
	re->comm_id = t->comm_str ? t->comm : 0;
	re->gap_ns = ev->start_ns > t->last_end ? (uint64_t)(ev->start_ns - t->last_end) : 0;
	t->last_end = (int64_t)((uint64_t)ev->start_ns + ev->dur_ns);
	count_event(rp, re->rel_ns, ev->dur_ns);
}

void ior_replay__stateless(struct ior_replay *rp, const struct ior_event *ev,
			   struct ior_revent *re)
{
	fill_stateless(rp, sc_of(rp, ev->nr), ev, re);
	set_files(re, &no_file, &no_file);
	re->comm = "?";
	re->comm_id = 0;
	re->gap_ns = 0;
}

void ior_replay__skim(struct ior_replay *rp, const struct ior_event *ev, size_t n)
{
	uint64_t start = (uint64_t)rp->hdr->start_ns;
	int64_t first = INT64_MAX, last = INT64_MIN; /* in registers, not memory */

	for (size_t i = 0; i < n; i++) {
		int64_t rel = (int64_t)((uint64_t)ev[i].start_ns - start);
		int64_t end = rel_end(rel, ev[i].dur_ns);

		first = rel < first ? rel : first;
		last = end > last ? end : last;
	}
	rp->st.events += n;
	widen_span(&rp->st, first, last);
}

void ior_replay__merge_skimmed(struct ior_replay *rp, const struct ior_replay *other)
{
	rp->st.events += other->st.events;
	widen_span(&rp->st, other->st.first_ns, other->st.last_ns);
}

enum ior_class ior_replay__class(const struct ior_replay *rp, uint32_t nr)
{
	return (enum ior_class)sc_of(rp, nr)->cls;
}

/*
 * The files of an event the fast path does not take, and what it changes. 1 or -errno.
 * Out of line: inlined, its frame would cost every event.
 */
static __attribute__((noinline)) int file_event(struct ior_replay *rp, struct ior_rproc *pr,
						const struct rp_sc *sc, const struct ior_event *ev,
						struct ior_revent *re)
{
	struct rp_file f, f2;
	int err = resolve_event(rp, pr, sc, ev, &f, &f2);

	if (!err)
		err = apply_op(rp, pr, sc, ev, &f);
	set_files(re, &f, &f2);
	return err ? err : 1;
}

/*
 * The fast path: the file of an event that names it by ev.fd and changes nothing, when
 * the replay knows that fd (name_fd_file() without its copies).
 */
static inline void fd_event(struct ior_replay *rp, struct ior_rproc *pr,
			    const struct ior_event *ev, struct ior_revent *re)
{
	const struct ior_ofile *o = ior_fdtable__lookup(pr->files, ev->fd, NULL);
	struct rp_file f;

	if (!o || !o->name) {
		name_fd_file(rp, o, ev->fd, ev->ret, rp->fdname, &f, true);
		set_files(re, &f, &no_file);
		return;
	}
	/* set_files() of what file_of_fd() would say, stored as loaded */
	re->path = o->name_str;
	re->path_len = o->name_len;
	re->path_id = o->name;
	re->kind = (enum ior_fd_kind)o->kind;
	re->resolved = o->resolved;
	re->path2 = NULL;
	re->path2_len = 0;
	count_fd_file(rp, o->resolved);
}

int ior_replay__event(struct ior_replay *rp, const struct ior_event *ev, struct ior_revent *re)
{
	struct ior_rtask *t = ior_procs__task(&rp->ps, ev->pid, ev->tid);
	const struct rp_sc *sc = sc_of(rp, ev->nr);

	if (!t)
		return -ENOMEM;
	fill_basics(rp, t, sc, ev, re);
	if (!rp->paths) { /* the caller needs no file: skip the fd tables altogether */
		set_files(re, &no_file, &no_file);
		return 1;
	}
	if (sc->fd_only) {
		fd_event(rp, t->proc, ev, re);
		return 1;
	}
	return file_event(rp, t->proc, sc, ev, re);
}

void ior_replay__set_paths(struct ior_replay *rp, bool on)
{
	rp->paths = on;
}

int ior_replay__apply(struct ior_replay *rp, const struct ior_record *rec, struct ior_revent *out)
{
	switch (rec->type) {
	case IOR_REC_EVENT:
		return ior_replay__event(rp, &rec->event, out);
	case IOR_REC_EVENTS:
		return -EINVAL; /* runs go event by event through ior_replay__event() */
	case IOR_REC_PROC:
		return apply_proc(rp, &rec->proc);
	default:
		return 0;
	}
}

void ior_replay__stats(const struct ior_replay *rp, struct ior_replay_stats *st)
{
	*st = rp->st;
	st->procs_unseen = rp->ps.unseen;
	st->open_files = rp->ps.pool.live;
}

int ior_replay__fd(const struct ior_replay *rp, uint32_t pid, int32_t fd, struct ior_replay_fd *out)
{
	const struct ior_rproc *pr = ior_procs__proc(&rp->ps, pid);
	const struct ior_ofile *f;
	bool cloexec;

	memset(out, 0, sizeof(*out));
	if (!pr)
		return -ESRCH;
	f = ior_fdtable__lookup(pr->files, fd, &cloexec);
	if (!f)
		return -EBADF;
	out->name = ior_intern__str(rp->nt, f->name, &out->name_len);
	out->kind = (enum ior_fd_kind)f->kind;
	out->flags = f->flags;
	out->cloexec = cloexec;
	out->resolved = f->resolved;
	return 0;
}

const char *ior_replay__dir(const struct ior_replay *rp, uint32_t pid, int which)
{
	const struct ior_rproc *pr = ior_procs__proc(&rp->ps, pid);
	uint32_t id = pr ? (which ? pr->fs->root : pr->fs->cwd) : 0;

	if (pr && which && !id)
		return "/"; /* as path resolution assumes */
	return id == ROOT_UNKNOWN ? NULL : ior_intern__str(rp->nt, id, NULL);
}
