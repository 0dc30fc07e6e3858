// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/procs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* EXIT records: flags bit 0 set when the whole thread group is gone. */
#define EXIT_GROUP_DEAD 1u
/* The kernel's CLONE_VM: the format names only the flags it promises to carry. */
#define IOR_CLONE_VM 0x00000100u

void ior_procs__init(struct ior_procs *ps)
{
	memset(ps, 0, sizeof(*ps));
}

static void fs_put(struct ior_fsctx *fs)
{
	if (fs && !--fs->refs)
		free(fs);
}

static void proc_put(struct ior_procs *ps, struct ior_rproc *pr)
{
	if (!pr || --pr->refs)
		return;
	ior_fdtable__put(pr->files, &ps->pool);
	fs_put(pr->fs);
	ior_vmaps__put(pr->mm);
	free(pr);
}

/* The fd table of a new process: the parent's (shared), a copy, or a fresh one. */
static struct ior_fdtable *files_for(const struct ior_rproc *parent, uint64_t flags)
{
	if (!parent)
		return ior_fdtable__new();
	if (flags & IOR_CLONE_FILES) {
		parent->files->refs++;
		return parent->files;
	}
	return ior_fdtable__clone(parent->files);
}

static struct ior_fsctx *fs_for(const struct ior_rproc *parent, uint64_t flags)
{
	struct ior_fsctx *fs;

	if (parent && flags & IOR_CLONE_FS) {
		parent->fs->refs++;
		return parent->fs;
	}
	fs = calloc(1, sizeof(*fs));
	if (fs && parent)
		*fs = *parent->fs;
	if (fs)
		fs->refs = 1;
	return fs;
}

static struct ior_vmaps *mm_for(const struct ior_rproc *parent, uint64_t flags)
{
	if (!parent)
		return ior_vmaps__new();
	if (flags & IOR_CLONE_VM) {
		parent->mm->refs++;
		return parent->mm;
	}
	return ior_vmaps__clone(parent->mm);
}

/*
 * A process (no references yet) sharing or copying parent's files, fs and mm as the
 * clone flags say; with no parent, everything fresh and unknown. NULL on ENOMEM.
 */
static struct ior_rproc *proc_new(struct ior_procs *ps, uint32_t pid,
				  const struct ior_rproc *parent, uint64_t flags)
{
	struct ior_rproc *pr = calloc(1, sizeof(*pr));

	if (!pr)
		return NULL;
	pr->pid = pid;
	pr->snap_ns = INT64_MIN;
	pr->comm = parent ? parent->comm : 0;
	pr->files = files_for(parent, flags);
	pr->fs = fs_for(parent, flags);
	pr->mm = mm_for(parent, flags);
	if (pr->files && pr->fs && pr->mm)
		return pr;
	pr->refs = 1;
	proc_put(ps, pr);
	errno = ENOMEM;
	return NULL;
}

/* Make pr the live process of its pid (replacing a stale one). */
static int proc_publish(struct ior_procs *ps, struct ior_rproc *pr)
{
	void *old;

	if (ior_imap__put(&ps->procs, pr->pid, pr, 0, &old))
		return -ENOMEM;
	pr->refs++;
	proc_put(ps, old);
	return 0;
}

/* Before t goes or changes its tid: the recent lookups find it by its tid. */
static void task_forget(struct ior_procs *ps, const struct ior_rtask *t)
{
	if (ps->recent[t->tid % IOR_PROCS_RECENT] == t)
		ps->recent[t->tid % IOR_PROCS_RECENT] = NULL;
}

static void task_free(struct ior_procs *ps, struct ior_rtask *t)
{
	if (!t)
		return;
	task_forget(ps, t);
	proc_put(ps, t->proc);
	free(t);
}

/* A new task tid of pr, published (replacing a stale task of the same tid). */
static struct ior_rtask *task_add(struct ior_procs *ps, uint32_t tid, struct ior_rproc *pr,
				  uint32_t comm)
{
	struct ior_rtask *t = calloc(1, sizeof(*t));
	void *old;

	if (!t)
		return NULL;
	t->tid = tid;
	t->comm = comm ? comm : pr->comm;
	t->snap_ns = INT64_MIN;
	t->last_end = INT64_MAX; /* no event starts after it: no gap */
	t->proc = pr;
	t->pid = pr->pid;
	if (ior_imap__put(&ps->tasks, tid, t, 0, &old)) {
		free(t);
		return NULL;
	}
	pr->refs++;
	task_free(ps, old);
	return t;
}

void ior_procs__fini(struct ior_procs *ps)
{
	for (uint32_t i = 0; i < ps->tasks.cap; i++)
		task_free(ps, ps->tasks.ents[i].val);
	for (uint32_t i = 0; i < ps->procs.cap; i++)
		proc_put(ps, ps->procs.ents[i].val);
	ior_imap__free(&ps->tasks);
	ior_imap__free(&ps->procs);
	ior_ofpool__free(&ps->pool);
}

struct ior_rproc *ior_procs__proc(const struct ior_procs *ps, uint32_t pid)
{
	struct ior_imap_ent *e = ior_imap__find(&ps->procs, pid);

	return e ? e->val : NULL;
}

static struct ior_rtask *find_task(const struct ior_procs *ps, uint32_t tid)
{
	struct ior_imap_ent *e = ior_imap__find(&ps->tasks, tid);

	return e ? e->val : NULL;
}

/* The live process pid, created empty (and counted as unseen) when unknown. */
static struct ior_rproc *proc_get(struct ior_procs *ps, uint32_t pid)
{
	struct ior_rproc *pr = ior_procs__proc(ps, pid);

	if (pr)
		return pr;
	pr = proc_new(ps, pid, NULL, 0);
	if (!pr)
		return NULL;
	if (proc_publish(ps, pr)) {
		proc_put(ps, pr);
		return NULL;
	}
	ps->unseen++;
	return pr;
}

/* ior_procs__task() past the previous lookup's task. */
struct ior_rtask *ior_procs__task_lookup(struct ior_procs *ps, uint32_t pid, uint32_t tid)
{
	struct ior_rtask *t = find_task(ps, tid);
	struct ior_rproc *pr;

	/* a task whose exit record was lost belongs to a dead process: start afresh */
	if (!t || t->proc->pid != pid || t->proc->dead) {
		pr = proc_get(ps, pid);
		t = pr ? task_add(ps, tid, pr, 0) : NULL;
	}
	if (t)
		ps->recent[tid % IOR_PROCS_RECENT] = t;
	return t;
}

int ior_procs__snap(struct ior_procs *ps, const struct ior_proc *p, uint32_t cwd, uint32_t root)
{
	struct ior_rproc *pr = ior_procs__proc(ps, p->pid);
	struct ior_rtask *t;

	/* threads of one process share the record's time; anything else there is stale */
	if (!pr || pr->snap_ns != p->time_ns) {
		pr = proc_new(ps, p->pid, NULL, 0);
		if (!pr || proc_publish(ps, pr)) {
			proc_put(ps, pr);
			return -ENOMEM;
		}
		pr->snap_ns = p->time_ns;
	}
	pr->fs->cwd = cwd;
	pr->fs->root = root;
	if (p->tid == p->pid || !pr->comm)
		pr->comm = p->comm;
	t = task_add(ps, p->tid ? p->tid : p->pid, pr, p->comm);
	if (!t)
		return -ENOMEM;
	t->snap_ns = p->time_ns;
	return 0;
}

/* Whether a record at time_ns about tid is older than the snapshot that described it. */
static bool stale(const struct ior_procs *ps, uint32_t tid, uint32_t pid, int64_t time_ns)
{
	const struct ior_rtask *t = find_task(ps, tid);
	const struct ior_rproc *pr = ior_procs__proc(ps, pid);

	return (t && t->snap_ns > time_ns) || (pr && pr->snap_ns > time_ns);
}

int ior_procs__fork(struct ior_procs *ps, const struct ior_proc *p)
{
	struct ior_rtask *parent = find_task(ps, p->ptid);
	struct ior_rproc *ppr, *pr;

	ppr = parent && !parent->proc->dead ? parent->proc : ior_procs__proc(ps, p->ppid);

	if (stale(ps, p->tid, p->pid, p->time_ns))
		return 0;
	if (p->clone_flags & IOR_CLONE_THREAD) {
		pr = ppr && ppr->pid == p->pid ? ppr : proc_get(ps, p->pid);
		return pr && task_add(ps, p->tid, pr, p->comm) ? 0 : -ENOMEM;
	}
	pr = proc_new(ps, p->pid, ppr, p->clone_flags);
	if (!pr || proc_publish(ps, pr)) {
		proc_put(ps, pr);
		return -ENOMEM;
	}
	if (p->comm)
		pr->comm = p->comm;
	return task_add(ps, p->tid, pr, p->comm) ? 0 : -ENOMEM;
}

int ior_procs__unshare_files(struct ior_procs *ps, struct ior_rproc *pr)
{
	struct ior_fdtable *own;

	if (pr->files->refs == 1)
		return 0;
	own = ior_fdtable__clone(pr->files);
	if (!own)
		return -ENOMEM;
	ior_fdtable__put(pr->files, &ps->pool);
	pr->files = own;
	return 0;
}

/* The exec'ing thread (old tid) becomes the leader: it is known by the pid from now on. */
static struct ior_rtask *exec_task(struct ior_procs *ps, const struct ior_proc *p)
{
	uint32_t old = p->ptid ? p->ptid : p->tid;
	struct ior_rtask *t = find_task(ps, old);
	void *stale_leader;

	if (!t || t->proc->pid != p->pid || t->proc->dead)
		return ior_procs__task(ps, p->pid, p->tid);
	if (old == p->tid)
		return t;
	ior_imap__del(&ps->tasks, old);
	if (ior_imap__put(&ps->tasks, p->tid, t, 0, &stale_leader)) {
		task_free(ps, t);
		return NULL;
	}
	task_free(ps, stale_leader);
	task_forget(ps, t);
	t->tid = p->tid;
	return t;
}

int ior_procs__exec(struct ior_procs *ps, const struct ior_proc *p)
{
	struct ior_rtask *t;
	struct ior_rproc *pr;

	if (stale(ps, p->ptid ? p->ptid : p->tid, p->pid, p->time_ns))
		return 0;
	t = exec_task(ps, p);
	if (!t)
		return -ENOMEM;
	pr = t->proc;
	if (ior_procs__unshare_files(ps, pr))
		return -ENOMEM;
	ior_fdtable__exec(pr->files, &ps->pool);
	ior_vmaps__put(pr->mm);
	pr->mm = ior_vmaps__new();
	if (!pr->mm)
		return -ENOMEM;
	if (p->comm)
		t->comm = pr->comm = p->comm;
	return 0;
}

/* pr's last thread exited: tasks whose exit records were lost are stale from now on. */
static void proc_die(struct ior_procs *ps, struct ior_rproc *pr)
{
	pr->dead = true;
	for (unsigned i = 0; i < IOR_PROCS_RECENT; i++)
		if (ps->recent[i] && ps->recent[i]->proc == pr)
			ps->recent[i] = NULL;
}

int ior_procs__exit(struct ior_procs *ps, const struct ior_proc *p)
{
	struct ior_rproc *pr;

	if (stale(ps, p->tid, p->pid, p->time_ns))
		return 0;
	task_free(ps, ior_imap__del(&ps->tasks, p->tid));
	if (p->flags & EXIT_GROUP_DEAD) {
		pr = ior_imap__del(&ps->procs, p->pid);
		if (pr)
			proc_die(ps, pr);
		proc_put(ps, pr);
	}
	return 0;
}

int ior_procs__comm(struct ior_procs *ps, const struct ior_proc *p)
{
	struct ior_rtask *t;

	if (!p->comm || stale(ps, p->tid, p->pid, p->time_ns))
		return 0;
	t = ior_procs__task(ps, p->pid, p->tid);
	if (!t)
		return -ENOMEM;
	t->comm = p->comm;
	if (p->tid == p->pid)
		t->proc->comm = p->comm;
	return 0;
}

void ior_procs__set_dir(struct ior_rproc *pr, int which, uint32_t name)
{
	if (which)
		pr->fs->root = name;
	else
		pr->fs->cwd = name;
}
