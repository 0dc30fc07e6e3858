// SPDX-License-Identifier: GPL-2.0-only
#include "recorder/snapshot.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct proc_ent {
	uint32_t pid, ppid;
	bool in;
};

struct scan {
	const struct ior_snapshot_opts *o;
	const char *proc;
	struct proc_ent *v;
	size_t n, cap;
};

struct emit {
	struct ior_writer *w;
	const struct ior_snapshot_opts *o;
	const char *proc;
	int64_t now;
	struct ior_snapshot_stats *st;
};

/* Read a small file into buf, NUL-terminated. Returns its length or -errno. */
static ssize_t read_small(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

/* Decimal directory names only (processes, threads, fds). */
static bool dec_name(const char *s, uint32_t *out)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (*end || errno || v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* ppid from /proc/PID/stat: the field after the state, past the comm's last ')'. */
static int read_ppid(const char *proc, uint32_t pid, uint32_t *ppid)
{
	char path[64], buf[512];
	const char *p;
	unsigned long v;

	snprintf(path, sizeof(path), "%s/%u/stat", proc, pid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return -ENOENT;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 1, " %*c %lu", &v) != 1)
		return -EINVAL;
	*ppid = (uint32_t)v;
	return 0;
}

static int scan_add(struct scan *s, uint32_t pid, uint32_t ppid)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 256;
		struct proc_ent *v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct proc_ent){ .pid = pid, .ppid = ppid };
	return 0;
}

static int scan_procs(struct scan *s)
{
	DIR *d = opendir(s->proc);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return -errno;
	while (!ret && (de = readdir(d))) {
		uint32_t pid, ppid;

		if (dec_name(de->d_name, &pid) && !read_ppid(s->proc, pid, &ppid))
			ret = scan_add(s, pid, ppid);
	}
	closedir(d);
	return ret;
}

static bool listed(const uint32_t *v, size_t n, uint32_t x)
{
	for (size_t i = 0; i < n; i++)
		if (v[i] == x)
			return true;
	return false;
}

/* The thread group of tid, from /proc/TID/status (threads are reachable by tid). */
static uint32_t tgid_of(const char *proc, uint32_t tid)
{
	char path[64], buf[2048];
	const char *p;

	snprintf(path, sizeof(path), "%s/%u/status", proc, tid);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "\nTgid:");
	return p ? (uint32_t)strtoul(p + 6, NULL, 10) : 0;
}

/* -p and its descendants (to a fixed point: /proc lists parents and children in any order). */
static void mark_pids(struct scan *s)
{
	bool grew = true;

	for (size_t i = 0; i < s->n; i++)
		s->v[i].in = listed(s->o->pids, s->o->npids, s->v[i].pid);
	while (grew) {
		grew = false;
		for (size_t i = 0; i < s->n; i++) {
			if (s->v[i].in)
				continue;
			for (size_t j = 0; j < s->n; j++) {
				if (s->v[j].in && s->v[j].pid == s->v[i].ppid) {
					s->v[i].in = grew = true;
					break;
				}
			}
		}
	}
}

static void mark_scope(struct scan *s)
{
	const struct ior_snapshot_opts *o = s->o;

	if (o->npids || o->ntids) {
		mark_pids(s);
		for (size_t t = 0; t < o->ntids; t++) {
			uint32_t tgid = tgid_of(s->proc, o->tids[t]);

			for (size_t i = 0; i < s->n; i++)
				if (s->v[i].pid == tgid)
					s->v[i].in = true;
		}
	} else {
		/* kernel threads (kthreadd, 2, and its children) make no file syscalls */
		for (size_t i = 0; i < s->n; i++)
			s->v[i].in = s->v[i].pid != 2 && s->v[i].ppid != 2;
	}
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].pid == o->self)
			s->v[i].in = false;
}

/* readlink into buf, NUL-terminated; its length, or -errno. */
static ssize_t read_link(const char *path, char *buf, size_t len)
{
	ssize_t n = readlink(path, buf, len - 1);

	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

/* Intern bytes, or IOR_STR_NONE when n < 0 (unreadable). 0 or -ENOMEM in *err. */
static uint32_t intern_or_none(struct ior_writer *w, const char *s, ssize_t n, int *err)
{
	uint32_t id;

	if (n < 0)
		return IOR_STR_NONE;
	id = ior_writer__intern(w, s, (size_t)n);
	if (!id)
		*err = -ENOMEM;
	return id;
}

/* Comm of thread tid of pid; strips the newline. */
static ssize_t read_comm(const char *proc, uint32_t pid, uint32_t tid, char *buf, size_t len)
{
	char path[96];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%u/task/%u/comm", proc, pid, tid);
	n = read_small(path, buf, len);
	if (n > 0 && buf[n - 1] == '\n')
		buf[--n] = '\0';
	return n;
}

/* Whether a thread of pid has the comm the options ask for (always, without -c). */
static bool comm_wanted(const struct emit *e, uint32_t pid)
{
	char path[64], comm[64];
	struct dirent *de;
	bool hit = false;
	DIR *d;

	if (!e->o->comm)
		return true;
	snprintf(path, sizeof(path), "%s/%u/task", e->proc, pid);
	d = opendir(path);
	if (!d)
		return false;
	while (!hit && (de = readdir(d))) {
		uint32_t tid;

		if (dec_name(de->d_name, &tid) && read_comm(e->proc, pid, tid, comm, sizeof(comm)) >= 0)
			hit = strcmp(comm, e->o->comm) == 0;
	}
	closedir(d);
	return hit;
}

/* One IOR_PROC_SNAP record per thread of pid. */
static int write_tasks(struct emit *e, uint32_t pid, uint32_t ppid, uint32_t cwd, uint32_t root)
{
	char path[64], comm[64];
	struct dirent *de;
	int err = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%u/task", e->proc, pid);
	d = opendir(path);
	if (!d)
		return 0; /* gone meanwhile */
	while (!err && (de = readdir(d))) {
		struct ior_proc p = { .kind = IOR_PROC_SNAP, .time_ns = e->now, .pid = pid,
				      .ppid = ppid, .path = cwd, .path2 = root };

		if (!dec_name(de->d_name, &p.tid))
			continue;
		p.comm = intern_or_none(e->w, comm,
					read_comm(e->proc, pid, p.tid, comm, sizeof(comm)), &err);
		if (!err)
			err = ior_writer__append_proc(e->w, &p);
		if (!err)
			e->st->tasks++;
	}
	closedir(d);
	return err;
}

/* Open flags (octal, O_CLOEXEC included) from /proc/PID/fdinfo/FD; 0 when unreadable. */
static uint64_t fd_flags(const char *proc, uint32_t pid, uint32_t fd)
{
	char path[96], buf[1024];
	const char *p;

	snprintf(path, sizeof(path), "%s/%u/fdinfo/%u", proc, pid, fd);
	if (read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "flags:");
	return p ? strtoull(p + 6, NULL, 8) : 0;
}

static int write_fd(struct emit *e, uint32_t pid, uint32_t fd)
{
	char path[96], target[PATH_MAX];
	struct ior_proc p = { .kind = IOR_PROC_FD, .time_ns = e->now, .pid = pid, .tid = pid,
			      .code = fd };
	ssize_t n;
	int err = 0;

	snprintf(path, sizeof(path), "%s/%u/fd/%u", e->proc, pid, fd);
	n = read_link(path, target, sizeof(target));
	if (n < 0)
		return 0; /* closed meanwhile */
	p.flags = fd_flags(e->proc, pid, fd);
	p.path = intern_or_none(e->w, target, n, &err);
	if (!err && e->o->on_fd)
		err = e->o->on_fd(pid, (int)fd, target, e->o->ctx);
	if (!err)
		err = ior_writer__append_proc(e->w, &p);
	if (!err)
		e->st->fds++;
	return err;
}

static int write_fds(struct emit *e, uint32_t pid)
{
	char path[64];
	struct dirent *de;
	int err = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%s/%u/fd", e->proc, pid);
	d = opendir(path);
	if (!d)
		return 0;
	while (!err && (de = readdir(d))) {
		uint32_t fd;

		if (dec_name(de->d_name, &fd))
			err = write_fd(e, pid, fd);
	}
	closedir(d);
	return err;
}

/* A line of /proc/PID/maps that maps a file: [start, end) from file offset off. */
struct map_line {
	uint64_t start, end, off;
	char *path; /* into the line, NUL-terminated */
};

/* Parse "start-end perms offset dev inode path"; false for memory that is not a file. */
static bool parse_map(char *line, struct map_line *m)
{
	unsigned long long start, end, off;
	int at = -1;
	size_t len;

	if (sscanf(line, "%llx-%llx %*s %llx %*s %*u %n", &start, &end, &off, &at) < 3 ||
	    at < 0 || line[at] != '/' || end <= start)
		return false; /* anonymous, [heap], [stack], [vdso], anon_inode:... */
	m->start = start;
	m->end = end;
	m->off = off;
	m->path = line + at;
	len = strlen(m->path);
	if (len && m->path[len - 1] == '\n')
		m->path[len - 1] = '\0';
	return true;
}

/*
 * The maps file escapes a newline in a path as "\012" but leaves backslashes alone, so a
 * path with a backslash is read exactly from /proc/PID/map_files/START-END instead.
 */
static const char *map_path(struct emit *e, uint32_t pid, const struct map_line *m, char *buf,
			    size_t len)
{
	char link[96];

	if (!strchr(m->path, '\\'))
		return m->path;
	snprintf(link, sizeof(link), "%s/%u/map_files/%llx-%llx", e->proc, pid,
		 (unsigned long long)m->start, (unsigned long long)m->end);
	return read_link(link, buf, len) >= 0 ? buf : m->path;
}

/* Whether m continues the mapping in run (of file prev): a library's next segment. */
static bool continues(const struct ior_proc *run, const char *prev, const struct map_line *m,
		      const char *file)
{
	uint64_t len = run->flags - run->clone_flags;

	return run->flags && run->flags == m->start && (uint64_t)run->code + len == m->off &&
	       !strcmp(prev, file);
}

static int write_map(struct emit *e, const struct ior_proc *run, const char *path)
{
	struct ior_proc p = *run;
	int err = 0;

	p.path = intern_or_none(e->w, path, (ssize_t)strlen(path), &err);
	if (!err)
		err = ior_writer__append_proc(e->w, &p);
	if (!err)
		e->st->maps++;
	return err;
}

/*
 * One IOR_PROC_MAP record per file mapping of pid, so that a munmap or msync of memory
 * mapped before the recording names its file. Consecutive lines continuing one file (a
 * library's segments) make one record; at most IOR_SNAPSHOT_MAPS_MAX per process, the rest
 * counted in maps_cut.
 */
static int write_maps(struct emit *e, uint32_t pid)
{
	char path[64], prev[PATH_MAX] = "", exact[PATH_MAX];
	struct ior_proc run = { .kind = IOR_PROC_MAP, .time_ns = e->now, .pid = pid, .tid = pid };
	unsigned int n = 0;
	char *line = NULL;
	size_t cap = 0;
	int err = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/maps", e->proc, pid);
	f = fopen(path, "re");
	if (!f)
		return 0; /* gone meanwhile, or a kernel thread */
	while (!err && getline(&line, &cap, f) > 0) {
		struct map_line m;
		const char *file;

		if (!parse_map(line, &m))
			continue;
		file = map_path(e, pid, &m, exact, sizeof(exact));
		if (continues(&run, prev, &m, file)) {
			run.flags = m.end;
			continue;
		}
		if (run.flags && n++ < IOR_SNAPSHOT_MAPS_MAX)
			err = write_map(e, &run, prev);
		run.clone_flags = m.start;
		run.flags = m.end;
		run.code = (int64_t)m.off;
		snprintf(prev, sizeof(prev), "%s", file);
	}
	if (!err && run.flags && n++ < IOR_SNAPSHOT_MAPS_MAX)
		err = write_map(e, &run, prev);
	if (n > IOR_SNAPSHOT_MAPS_MAX)
		e->st->maps_cut += n - IOR_SNAPSHOT_MAPS_MAX;
	free(line);
	fclose(f);
	return err;
}

static int write_proc(struct emit *e, uint32_t pid, uint32_t ppid)
{
	char path[64], cwd[PATH_MAX], root[PATH_MAX];
	ssize_t ncwd, nroot;
	uint32_t cwd_id, root_id;
	int err = 0;

	if (!comm_wanted(e, pid))
		return 0;
	if (e->o->on_proc && (err = e->o->on_proc(pid, e->o->ctx)))
		return err;
	snprintf(path, sizeof(path), "%s/%u/cwd", e->proc, pid);
	ncwd = read_link(path, cwd, sizeof(cwd));
	snprintf(path, sizeof(path), "%s/%u/root", e->proc, pid);
	nroot = read_link(path, root, sizeof(root));
	cwd_id = intern_or_none(e->w, cwd, ncwd, &err);
	root_id = intern_or_none(e->w, root, nroot, &err);
	if (!err && ncwd >= 0 && e->o->on_cwd)
		err = e->o->on_cwd(pid, cwd, e->o->ctx);
	if (!err)
		err = write_tasks(e, pid, ppid, cwd_id, root_id);
	if (!err)
		err = write_fds(e, pid);
	if (!err)
		err = write_maps(e, pid);
	if (!err)
		e->st->procs++;
	return err;
}

int ior_snapshot__write(struct ior_writer *w, const struct ior_snapshot_opts *o, int64_t now,
			struct ior_snapshot_stats *stats)
{
	struct ior_snapshot_stats dummy;
	struct scan s = { .o = o, .proc = o->proc ? o->proc : "/proc" };
	struct emit e = { .w = w, .o = o, .proc = s.proc, .now = now,
			  .st = stats ? stats : &dummy };
	int err;

	memset(e.st, 0, sizeof(*e.st));
	err = scan_procs(&s);
	if (!err)
		mark_scope(&s);
	for (size_t i = 0; !err && i < s.n; i++)
		if (s.v[i].in)
			err = write_proc(&e, s.v[i].pid, s.v[i].ppid);
	free(s.v);
	return err;
}
