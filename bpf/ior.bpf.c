// SPDX-License-Identifier: GPL-2.0-only
/*
 * ior-record's kernel side: pair each traced syscall's entry and exit in the kernel and
 * send one record per completed call through a ring buffer, plus process lifecycle
 * records.
 *
 * Two ways to hook syscalls, chosen by the recorder before load (the other pair of
 * programs is not loaded):
 *  - tp_btf sys_enter/sys_exit: every syscall of the system enters these programs, which
 *    drop unrecorded numbers through the capture plan;
 *  - generic programs attached to each recorded syscall's sys_enter_X/sys_exit_X
 *    tracepoints (they share the context layout): unrecorded syscalls never get here.
 * Both share the code below; pairing lives in task storage (cheaper than a hash map
 * keyed by tid and freed with the task).
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>

#include "bpf/ior_wire.h"

char LICENSE[] SEC("license") = "GPL";

/* ---- configuration: written by the recorder between open and load ---------- */
const volatile __u32 self_tgid;
const volatile bool filter_pid;   /* tgid in pids (descendants are added at fork) */
const volatile bool filter_tid;   /* or tid in tids */
const volatile bool filter_comm;
const volatile __u64 comm_want[2]; /* 16 NUL-padded bytes */
const volatile bool filter_path;
const volatile __u32 prefix_len;
const volatile char prefix[IOR_WIRE_PREFIX_MAX];
const volatile __u64 wakeup_bytes; /* wake the consumer past this much unread data */
const volatile struct ior_wire_plan plan[IOR_WIRE_MAX_NR];

/* Set by the recorder when it stops: the programs may stay attached a while longer. */
volatile __u32 stopped;
/* Set by the recorder once attached: the start given to calls in flight at that time. */
volatile __u64 t0_ns;
/*
 * ior-record's own root (fs->root), learnt from its own task_rename (ior_rename): the
 * cwd walk stops there, so that a path the walk reports reads as the /proc snapshot's
 * readlinks and the programs' own absolute arguments do, from the recorder's root.
 */
volatile __u64 root_dentry, root_mnt;

/* ---- maps --------------------------------------------------------------------- */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20); /* resized by --ringbuf-size */
} events SEC(".maps");

/* What the entry saw, until the exit of the same syscall reads it. */
struct slot {
	__u64 start_ns;
	__u64 args[8]; /* 6 used; 8 so that a masked index always stays inside */
	__u32 nr;
	__u32 live;
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct slot);
} slots SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} pids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, __u8);
} tids SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct ior_wire_stats);
} stats SEC(".maps");

/* Room for a record with both strings; one per CPU (programs do not nest per CPU). */
struct scratch {
	struct ior_wire_event ev;
	char str[2 * IOR_WIRE_PATH_MAX + 16];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

struct proc_scratch {
	struct ior_wire_proc p;
	char str[IOR_WIRE_PATH_MAX + 256 + 16]; /* the cwd walk reads a name past its limit */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct proc_scratch);
} proc_scratch SEC(".maps");

/* --path: fds (per process) known to name a file under the prefix. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, struct ior_wire_fdkey);
	__type(value, __u8);
} pfds SEC(".maps");

/* --path: processes whose cwd is under the prefix. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u8);
} pcwd SEC(".maps");

/* ---- counters and ring-buffer submission ----------------------------------------- */
static __always_inline struct ior_wire_stats *cpu_stats(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&stats, &zero);
}

#define COUNT(field)                                                                       \
	do {                                                                               \
		struct ior_wire_stats *st__ = cpu_stats();                                 \
		if (st__)                                                                  \
			st__->field++;                                                     \
	} while (0)

/*
 * Records are submitted without a wake-up (a wake-up per record costs microseconds);
 * the consumer polls on a timer and is woken early only when the unread data passes
 * wakeup_bytes, at most once per millisecond per CPU.
 */
static __always_inline __u64 wake_flags(__u64 now)
{
	struct ior_wire_stats *st;

	if (bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) < wakeup_bytes)
		return BPF_RB_NO_WAKEUP;
	st = cpu_stats();
	if (!st || now - st->wake_ns < 1000000)
		return BPF_RB_NO_WAKEUP;
	st->wake_ns = now;
	st->wakeups++;
	return BPF_RB_FORCE_WAKEUP;
}

/* ---- which tasks are in scope ------------------------------------------------------ */
static __always_inline bool comm_matches(void)
{
	__u64 c[2] = {};

	bpf_get_current_comm(c, sizeof(c));
	return c[0] == comm_want[0] && c[1] == comm_want[1];
}

static __always_inline bool task_wanted(__u64 pid_tgid)
{
	__u32 tgid = pid_tgid >> 32, tid = (__u32)pid_tgid;

	if (tgid == self_tgid || stopped)
		return false;
	if (filter_pid || filter_tid) {
		bool hit = false;

		if (filter_pid && bpf_map_lookup_elem(&pids, &tgid))
			hit = true;
		if (!hit && filter_tid && bpf_map_lookup_elem(&tids, &tid))
			hit = true;
		if (!hit)
			return false;
	}
	if (filter_comm && !comm_matches())
		return false;
	return true;
}

/* ---- entry ------------------------------------------------------------------------- */

/* The slot to fill for this entry, or NULL when the task is out of scope. */
static __always_inline struct slot *enter_slot(void)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	if (!task_wanted(pid_tgid)) {
		if (filter_pid || filter_tid || filter_comm)
			COUNT(filtered);
		return NULL;
	}
	return bpf_task_storage_get(&slots, bpf_get_current_task_btf(), 0,
				    BPF_LOCAL_STORAGE_GET_F_CREATE);
}

static __always_inline void enter_done(struct slot *s, __u32 nr)
{
	s->nr = nr;
	s->live = 1;
	/* last, so that the time spent above is not charged to the syscall */
	s->start_ns = bpf_ktime_get_ns();
}

/* ---- exit: building the record ------------------------------------------------------ */
static __always_inline __u64 arg(const struct slot *s, __u8 pos)
{
	return pos ? s->args[(pos - 1) & 7] : 0;
}

static __always_inline __s32 fd_arg(const struct slot *s, __u8 pos)
{
	return pos ? (__s32)s->args[(pos - 1) & 7] : IOR_WIRE_FD_NONE;
}

static __always_inline void fill_event(struct ior_wire_event *e, const struct slot *s,
				       const volatile struct ior_wire_plan *p, __u32 nr, long ret,
				       __u64 now)
{
	__u64 pid_tgid = bpf_get_current_pid_tgid();

	e->type = IOR_WIRE_EVENT;
	e->str_flags = 0;
	e->path_len = 0;
	e->path2_len = 0;
	e->pid = pid_tgid >> 32;
	e->tid = (__u32)pid_tgid;
	e->nr = nr;
	e->fd = fd_arg(s, p->fd);
	e->fd2 = fd_arg(s, p->fd2);
	e->pad = 0;
	e->start_ns = s->start_ns;
	e->dur_ns = now - s->start_ns;
	e->ret = ret;
	if (p->bytes == IOR_WIRE_ARG_RET)
		e->bytes = ret > 0 ? ret : 0;
	else
		e->bytes = arg(s, p->bytes);
	e->flags = arg(s, p->flags);
	e->aux = arg(s, p->aux);
}

/* Arguments that need a read from user memory, done at exit when the kernel has them. */
static __always_inline void fill_special(struct ior_wire_event *e, const struct slot *s,
					 const volatile struct ior_wire_plan *p, long ret)
{
	if (p->special == IOR_WIRE_SPECIAL_OPEN_HOW) {
		struct open_how how = {};

		bpf_probe_read_user(&how, sizeof(how), (void *)arg(s, p->flags));
		e->flags = how.flags;
		e->aux = how.mode;
	} else if (p->special == IOR_WIRE_SPECIAL_FD_PAIR) {
		int fds[2] = { IOR_WIRE_FD_NONE, IOR_WIRE_FD_NONE };

		if (ret == 0)
			bpf_probe_read_user(fds, sizeof(fds), (void *)arg(s, p->fd));
		e->fd = fds[0];
		e->fd2 = fds[1];
	} else if (p->special == IOR_WIRE_SPECIAL_CREAT) {
		e->flags = 01101; /* O_CREAT | O_WRONLY | O_TRUNC */
	}
}

/*
 * Copy a user string into dst (room for IOR_WIRE_PATH_MAX + 1 bytes); returns its length
 * without the NUL. One byte more than kept is read so that a cut is noticed.
 */
static __always_inline __u32 read_str(char *dst, __u64 uptr, __u16 *flags, __u16 trunc,
				      __u16 bad, __u16 set)
{
	long n;

	if (!uptr)
		return 0;
	n = bpf_probe_read_user_str(dst, IOR_WIRE_PATH_MAX + 1, (const void *)uptr);
	if (n <= 0) {
		*flags |= bad;
		return 0;
	}
	*flags |= set;
	if (n > IOR_WIRE_PATH_MAX) {
		*flags |= trunc;
		return IOR_WIRE_PATH_MAX;
	}
	return n - 1;
}

/* ---- the --path filter ------------------------------------------------------------ */
static __always_inline bool prefix_match(const char *str, __u32 len)
{
	if (len < prefix_len)
		return false;
	for (__u32 i = 0; i < IOR_WIRE_PREFIX_MAX; i++) {
		if (i >= prefix_len)
			break;
		if (str[i] != prefix[i])
			return false;
	}
	return true;
}

static __always_inline bool fd_matches(__u32 tgid, __s32 fd)
{
	struct ior_wire_fdkey k = { .tgid = tgid, .fd = fd };

	if (fd == -100) /* AT_FDCWD */
		return bpf_map_lookup_elem(&pcwd, &tgid) != NULL;
	return bpf_map_lookup_elem(&pfds, &k) != NULL;
}

static __always_inline void fd_mark(__u32 tgid, __s32 fd, bool on)
{
	struct ior_wire_fdkey k = { .tgid = tgid, .fd = fd };
	__u8 one = 1;

	if (on)
		bpf_map_update_elem(&pfds, &k, &one, BPF_ANY);
	else
		bpf_map_delete_elem(&pfds, &k);
}

/*
 * A path names a file under the prefix when it starts with it, or when it is relative
 * to a directory (dirfd or cwd) that does.
 */
static __always_inline bool path_hit(__u32 tgid, const char *str, __u32 len, __s32 dirfd)
{
	if (len && str[0] == '/')
		return prefix_match(str, len);
	if (dirfd == IOR_WIRE_FD_NONE)
		dirfd = -100;
	return fd_matches(tgid, dirfd);
}

/* After a successful call: keep the set of matching fds and the cwd mark current. */
static __always_inline void path_track(__u32 tgid, const volatile struct ior_wire_plan *p,
				       __s32 fd, __u64 cmd, long ret, bool hit)
{
	__u8 one = 1;

	if (ret < 0)
		return;
	switch (p->role) {
	case IOR_WIRE_ROLE_FCNTL:
		if (cmd != 0 && cmd != 1030) /* F_DUPFD, F_DUPFD_CLOEXEC */
			break;
		/* fall through */
	case IOR_WIRE_ROLE_NEWFD:
	case IOR_WIRE_ROLE_DUP:
		fd_mark(tgid, ret, hit);
		break;
	case IOR_WIRE_ROLE_CLOSE:
		fd_mark(tgid, fd, false);
		break;
	case IOR_WIRE_ROLE_CWD:
		if (hit)
			bpf_map_update_elem(&pcwd, &tgid, &one, BPF_ANY);
		else
			bpf_map_delete_elem(&pcwd, &tgid);
		break;
	}
}

/* Whether an event with strings is under --path: one of its paths is. */
static __always_inline bool path_filter(const struct ior_wire_event *e, const char *str,
					const volatile struct ior_wire_plan *p)
{
	__u32 len1 = e->path_len & 0x1fff;
	bool hit = false;

	if (p->path)
		hit = path_hit(e->pid, str, len1, e->fd);
	if (!hit && p->path2)
		hit = path_hit(e->pid, str + len1, e->path2_len, e->fd2);
	path_track(e->pid, p, e->fd, e->flags, e->ret, hit);
	return hit;
}

/* Whether an event without strings is under --path: its fd names such a file. */
static __always_inline bool fd_filter(const struct ior_wire_event *e,
				      const volatile struct ior_wire_plan *p)
{
	bool hit = e->fd != IOR_WIRE_FD_NONE && fd_matches(e->pid, e->fd);

	path_track(e->pid, p, e->fd, e->flags, e->ret, hit);
	return hit;
}

/* This CPU's room for a lifecycle record with a path, its header filled for task t. */
static __always_inline struct proc_scratch *proc_scratch_begin(__u16 kind, struct task_struct *t)
{
	__u32 zero = 0;
	struct proc_scratch *ps = bpf_map_lookup_elem(&proc_scratch, &zero);

	if (!ps)
		return NULL;
	__builtin_memset(&ps->p, 0, sizeof(ps->p));
	ps->p.type = IOR_WIRE_PROC;
	ps->p.kind = kind;
	ps->p.pid = t->tgid;
	ps->p.tid = t->pid;
	ps->p.time_ns = bpf_ktime_get_ns();
	return ps;
}

/* ---- cwd and root after chdir, fchdir, chroot -------------------------------------- */
#define CWD_DEPTH 64

struct cwd_walk {
	struct dentry *dentry;
	struct vfsmount *vfsmnt;
	struct mount *mnt;
	__u64 stop_dentry, stop_mnt; /* the recorder's root */
	char *buf;
	__u32 off;
	__u32 cut;
};

/*
 * One step towards the recorder's root: a name into the buffer, or a mount crossed. A
 * directory outside that root ends at the global root instead, as d_path() (and so
 * /proc) shows it.
 */
static long cwd_step(__u32 index, void *ctx)
{
	struct cwd_walk *w = ctx;
	struct dentry *d = w->dentry, *parent;
	struct vfsmount *vm = w->vfsmnt;
	struct mount *m = w->mnt;
	const unsigned char *name;
	long n;

	if ((__u64)d == w->stop_dentry && (__u64)vm == w->stop_mnt)
		return 1;
	if (d == BPF_CORE_READ(vm, mnt_root)) {
		struct mount *up = BPF_CORE_READ(m, mnt_parent);

		if (up == m)
			return 1; /* the root of everything */
		w->dentry = BPF_CORE_READ(m, mnt_mountpoint);
		w->mnt = up;
		w->vfsmnt = &up->mnt;
		return 0;
	}
	parent = BPF_CORE_READ(d, d_parent);
	if (parent == d)
		return 1;
	if (w->off > IOR_WIRE_PATH_MAX - 256) {
		w->cut = 1;
		return 1;
	}
	name = BPF_CORE_READ(d, d_name.name);
	n = bpf_probe_read_kernel_str(w->buf + (w->off & (IOR_WIRE_PATH_MAX - 1)), 256, name);
	if (n > 0)
		w->off += n;
	w->dentry = parent;
	return 0;
}

/*
 * Report the new cwd (which 0) or root (1) of the current process as a path from the
 * recorder's root: its components leaf first, each NUL-terminated (the recorder reverses
 * them). A global function: verified once, called only after a successful chdir, fchdir
 * or chroot.
 */
__noinline int emit_cwd(__u32 which)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct proc_scratch *ps = proc_scratch_begin(IOR_WIRE_CWD, t);
	struct cwd_walk w = {};
	struct path *path;

	if (!ps)
		return 0;
	path = which ? &t->fs->root : &t->fs->pwd;
	w.dentry = BPF_CORE_READ(path, dentry);
	w.vfsmnt = BPF_CORE_READ(path, mnt);
	w.mnt = container_of(w.vfsmnt, struct mount, mnt);
	w.stop_dentry = root_dentry;
	w.stop_mnt = root_mnt;
	w.buf = ps->str;
	bpf_loop(CWD_DEPTH, cwd_step, &w, 0);
	ps->p.code = which;
	ps->p.str_flags = w.cut ? IOR_WIRE_PATH_TRUNC : 0;
	ps->p.path_len = w.off & (IOR_WIRE_PATH_MAX - 1);
	if (bpf_ringbuf_output(&events, ps, sizeof(ps->p) + ps->p.path_len,
			       wake_flags(ps->p.time_ns)))
		COUNT(lost_procs);
	return 0;
}

/* ---- exit ------------------------------------------------------------------------- */

/* An event with no string argument: reserved and filled in place. */
static __always_inline int emit_plain(const struct slot *s, const volatile struct ior_wire_plan *p,
				      __u32 nr, long ret, __u64 now, bool unseen)
{
	struct ior_wire_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e) {
		COUNT(lost_events);
		return 0;
	}
	fill_event(e, s, p, nr, ret, now);
	if (unseen)
		e->str_flags = IOR_WIRE_ENTRY_UNSEEN;
	if (p->special)
		fill_special(e, s, p, ret);
	if (filter_path && !fd_filter(e, p)) {
		bpf_ringbuf_discard(e, BPF_RB_NO_WAKEUP);
		COUNT(path_filtered);
		return 0;
	}
	bpf_ringbuf_submit(e, wake_flags(now));
	return 0;
}

/* An event with strings: built in per-CPU scratch, then copied at its real length. */
static __always_inline int emit_strings(const struct slot *s,
					const volatile struct ior_wire_plan *p, __u32 nr, long ret,
					__u64 now, bool unseen)
{
	__u32 zero = 0, len1 = 0, len2 = 0, size;
	struct scratch *sc = bpf_map_lookup_elem(&scratch, &zero);
	struct ior_wire_event *e;

	if (!sc)
		return 0;
	e = &sc->ev;
	fill_event(e, s, p, nr, ret, now);
	if (unseen)
		e->str_flags = IOR_WIRE_ENTRY_UNSEEN;
	if (p->special)
		fill_special(e, s, p, ret);
	if (p->path)
		len1 = read_str(sc->str, arg(s, p->path), &e->str_flags, IOR_WIRE_PATH_TRUNC,
				IOR_WIRE_PATH_BAD, IOR_WIRE_PATH_SET);
	len1 &= 0x1fff; /* already <= IOR_WIRE_PATH_MAX; tells the verifier */
	if (p->path2)
		len2 = read_str(sc->str + len1, arg(s, p->path2), &e->str_flags,
				IOR_WIRE_PATH2_TRUNC, IOR_WIRE_PATH2_BAD, IOR_WIRE_PATH2_SET);
	e->path_len = len1;
	e->path2_len = len2;
	if (filter_path && !path_filter(e, sc->str, p)) {
		COUNT(path_filtered);
		return 0;
	}
	size = sizeof(*e) + len1 + (len2 & 0x1fff);
	if (size > sizeof(*sc))
		return 0;
	if (bpf_ringbuf_output(&events, sc, size, wake_flags(now)))
		COUNT(lost_events);
	return 0;
}

/* ---- the syscall's number and arguments in the saved user registers ------------------- */
#if defined(__TARGET_ARCH_x86)
#define SC_NR(r) ((r)->orig_ax)
#define SC_ARGS(r, a)                                                                      \
	do {                                                                               \
		(a)[0] = (r)->di;                                                          \
		(a)[1] = (r)->si;                                                          \
		(a)[2] = (r)->dx;                                                          \
		(a)[3] = (r)->r10;                                                         \
		(a)[4] = (r)->r8;                                                          \
		(a)[5] = (r)->r9;                                                          \
	} while (0)
#elif defined(__TARGET_ARCH_arm64)
#define SC_NR(r) ((r)->syscallno)
#define SC_ARGS(r, a)                                                                      \
	do {                                                                               \
		(a)[0] = (r)->orig_x0;                                                     \
		for (int i__ = 1; i__ < 6; i__++)                                          \
			(a)[i__] = (r)->regs[i__];                                         \
	} while (0)
#else
#error "ior: syscall argument registers unknown for this architecture"
#endif

/*
 * The exit of a call whose entry was not seen: it was in flight when the recording
 * started (or when its task came into scope). It is recorded with the recording's start
 * as its own (what it spent inside the recording) and its arguments from the saved user
 * registers, which the syscalls ior traces leave as they found them. regs NULL: look
 * them up (the tracepoint mode's exit does not carry them).
 */
static __always_inline struct slot *orphan_slot(__u32 nr, struct pt_regs *regs)
{
	struct task_struct *t = bpf_get_current_task_btf();
	__u64 now = bpf_ktime_get_ns(), t0 = t0_ns;
	struct slot *s;

	if (!task_wanted(bpf_get_current_pid_tgid()))
		return NULL;
	COUNT(orphan_exits);
	s = bpf_task_storage_get(&slots, t, 0, BPF_LOCAL_STORAGE_GET_F_CREATE);
	if (!s)
		return NULL;
	if (!regs)
		regs = (struct pt_regs *)bpf_task_pt_regs(t);
	SC_ARGS(regs, s->args);
	s->nr = nr;
	s->start_ns = t0 && t0 < now ? t0 : now;
	return s;
}

static __always_inline int on_exit(__u32 nr, long ret, struct pt_regs *regs)
{
	const volatile struct ior_wire_plan *p;
	bool unseen = false;
	struct slot *s;
	__u64 now;

	s = bpf_task_storage_get(&slots, bpf_get_current_task_btf(), 0, 0);
	if (!s || !s->live || s->nr != nr) {
		s = orphan_slot(nr, regs);
		if (!s)
			return 0;
		unseen = true;
	}
	now = bpf_ktime_get_ns();
	s->live = 0;
	p = &plan[nr & (IOR_WIRE_MAX_NR - 1)];
	if (p->path || p->path2)
		emit_strings(s, p, nr, ret, now, unseen);
	else
		emit_plain(s, p, nr, ret, now, unseen);
	if (ret == 0 && (p->role == IOR_WIRE_ROLE_CWD || p->role == IOR_WIRE_ROLE_ROOT))
		emit_cwd(p->role == IOR_WIRE_ROLE_ROOT);
	return 0;
}

/* ---- attach mode 1: tp_btf sys_enter / sys_exit ---------------------------------------- */
SEC("tp_btf/sys_enter")
int BPF_PROG(ior_btf_enter, struct pt_regs *regs, long id)
{
	struct slot *s;

	if ((__u64)id >= IOR_WIRE_MAX_NR || !plan[id].on || stopped)
		return 0;
	s = enter_slot();
	if (!s)
		return 0;
	SC_ARGS(regs, s->args);
	enter_done(s, id);
	return 0;
}

SEC("tp_btf/sys_exit")
int BPF_PROG(ior_btf_exit, struct pt_regs *regs, long ret)
{
	__u64 nr = SC_NR(regs);

	if (nr >= IOR_WIRE_MAX_NR || !plan[nr].on || stopped)
		return 0;
	return on_exit(nr, ret, regs);
}

/* ---- attach mode 2: generic programs on syscalls/sys_{enter,exit}_X ------------------- */

/* The layout every syscalls/sys_enter_X and sys_exit_X tracepoint shares (see format). */
struct sc_enter_ctx {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__u64 args[6];
};

struct sc_exit_ctx {
	__u64 common;
	__s32 nr;
	__u32 pad;
	__s64 ret;
};

static __always_inline struct slot *tp_enter_slot(__u32 nr)
{
	if (nr >= IOR_WIRE_MAX_NR || !plan[nr].on || stopped)
		return NULL;
	return enter_slot();
}

/*
 * The kernel refuses to attach a program that reads past the end of a tracepoint's
 * record, and sys_enter_X records hold only X's arguments; so there is one entry program
 * per number of arguments read, and each syscall gets the one its plan needs.
 */
#define TP_ENTER(n)                                                                        \
	SEC("tracepoint")                                                                  \
	int ior_tp_enter##n(struct sc_enter_ctx *ctx)                                      \
	{                                                                                  \
		__u32 nr = ctx->nr;                                                        \
		struct slot *s = tp_enter_slot(nr);                                        \
                                                                                           \
		if (!s)                                                                    \
			return 0;                                                          \
		for (int i = 0; i < (n); i++)                                              \
			s->args[i] = ctx->args[i];                                         \
		enter_done(s, nr);                                                         \
		return 0;                                                                  \
	}

TP_ENTER(0)
TP_ENTER(1)
TP_ENTER(2)
TP_ENTER(3)
TP_ENTER(4)
TP_ENTER(5)
TP_ENTER(6)

SEC("tracepoint")
int ior_tp_exit(struct sc_exit_ctx *ctx)
{
	__u32 nr = ctx->nr;

	if (nr >= IOR_WIRE_MAX_NR || !plan[nr].on || stopped)
		return 0;
	return on_exit(nr, ctx->ret, NULL);
}

/* ---- process lifecycle ----------------------------------------------------------------- */
static __always_inline struct ior_wire_proc *proc_begin(__u16 kind, struct task_struct *t)
{
	struct ior_wire_proc *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);

	if (!r) {
		COUNT(lost_procs);
		return NULL;
	}
	r->type = IOR_WIRE_PROC;
	r->kind = kind;
	r->path_len = 0;
	r->str_flags = 0;
	r->pid = t->tgid;
	r->tid = t->pid;
	r->ppid = 0;
	r->ptid = 0;
	r->time_ns = bpf_ktime_get_ns();
	r->clone_flags = 0;
	r->code = 0;
	__builtin_memset(r->comm, 0, sizeof(r->comm));
	return r;
}

static __always_inline void proc_end(struct ior_wire_proc *r)
{
	bpf_ringbuf_submit(r, wake_flags(r->time_ns));
}

struct fd_copy {
	__u32 parent, child;
};

static long copy_fd(struct bpf_map *map, struct ior_wire_fdkey *key, __u8 *val,
		    struct fd_copy *c)
{
	struct ior_wire_fdkey k = { .tgid = c->child, .fd = key->fd };
	__u8 one = 1;

	if (key->tgid == c->parent)
		bpf_map_update_elem(&pfds, &k, &one, BPF_ANY);
	return 0;
}

/* --path: a new process inherits its parent's cwd mark and fds under the prefix. */
static __always_inline void path_fork(__u32 parent, __u32 child)
{
	struct fd_copy c = { .parent = parent, .child = child };
	__u8 one = 1;

	if (bpf_map_lookup_elem(&pcwd, &parent))
		bpf_map_update_elem(&pcwd, &child, &one, BPF_ANY);
	bpf_for_each_map_elem(&pfds, copy_fd, &c, 0);
}

/* A new task. The parent is current; clone_flags are the real ones (CLONE_FILES, ...). */
SEC("tp_btf/task_newtask")
int BPF_PROG(ior_newtask, struct task_struct *task, __u64 clone_flags)
{
	__u64 parent = bpf_get_current_pid_tgid();
	__u32 ptgid = parent >> 32, child = task->tgid;
	struct ior_wire_proc *r;
	__u8 one = 1;

	if (!task_wanted(parent))
		return 0;
	if (filter_pid && child != ptgid && bpf_map_lookup_elem(&pids, &ptgid))
		bpf_map_update_elem(&pids, &child, &one, BPF_ANY);
	if (filter_path && child != ptgid)
		path_fork(ptgid, child);
	r = proc_begin(IOR_WIRE_FORK, task);
	if (!r)
		return 0;
	r->ppid = ptgid;
	r->ptid = (__u32)parent;
	r->clone_flags = clone_flags;
	bpf_probe_read_kernel(r->comm, sizeof(r->comm), task->comm);
	proc_end(r);
	return 0;
}

static __always_inline bool in_scope(struct task_struct *t)
{
	return task_wanted((__u64)t->tgid << 32 | (__u32)t->pid);
}

SEC("tp_btf/sched_process_exec")
int BPF_PROG(ior_exec, struct task_struct *p, pid_t old_pid, struct linux_binprm *bprm)
{
	struct proc_scratch *ps;
	long n;

	if (!in_scope(p))
		return 0;
	ps = proc_scratch_begin(IOR_WIRE_EXEC, p);
	if (!ps)
		return 0;
	ps->p.code = old_pid;
	bpf_probe_read_kernel(ps->p.comm, sizeof(ps->p.comm), p->comm);
	n = bpf_probe_read_kernel_str(ps->str, IOR_WIRE_PATH_MAX + 1, bprm->filename);
	if (n <= 0)
		ps->p.str_flags = IOR_WIRE_PATH_BAD;
	else if (n > IOR_WIRE_PATH_MAX)
		ps->p.str_flags = IOR_WIRE_PATH_TRUNC;
	ps->p.path_len = n <= 0 ? 0 : n > IOR_WIRE_PATH_MAX ? IOR_WIRE_PATH_MAX : n - 1;
	if (bpf_ringbuf_output(&events, ps, sizeof(ps->p) + (ps->p.path_len & 0x1fff),
			       wake_flags(ps->p.time_ns)))
		COUNT(lost_procs);
	return 0;
}

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ior_exit, struct task_struct *p, bool group_dead)
{
	__u32 tgid = p->tgid;
	struct ior_wire_proc *r;

	if (!in_scope(p))
		return 0;
	r = proc_begin(IOR_WIRE_EXIT, p);
	if (r) {
		r->code = p->exit_code;
		r->clone_flags = group_dead;
		bpf_probe_read_kernel(r->comm, sizeof(r->comm), p->comm);
		proc_end(r);
	}
	/* a tgid can be reused: drop it from the filters once the whole process is gone */
	if (group_dead && filter_pid)
		bpf_map_delete_elem(&pids, &tgid);
	if (group_dead && filter_path)
		bpf_map_delete_elem(&pcwd, &tgid);
	return 0;
}

SEC("tp_btf/task_rename")
int BPF_PROG(ior_rename, struct task_struct *task, const char *comm)
{
	struct ior_wire_proc *r;

	if (task->tgid == self_tgid) {
		/* the recorder names itself once attached (ior_capture__attach) */
		root_mnt = (__u64)BPF_CORE_READ(task, fs, root.mnt);
		root_dentry = (__u64)BPF_CORE_READ(task, fs, root.dentry);
		return 0;
	}
	if (!in_scope(task))
		return 0;
	r = proc_begin(IOR_WIRE_COMM, task);
	if (!r)
		return 0;
	bpf_probe_read_kernel_str(r->comm, sizeof(r->comm), comm);
	proc_end(r);
	return 0;
}
