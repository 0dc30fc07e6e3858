// SPDX-License-Identifier: GPL-2.0-only
#include "recorder/capture.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ior.skel.h"

#define MAX_LINKS (2 * IOR_WIRE_MAX_NR + 8)

struct ior_capture {
	struct ior_bpf *skel;
	enum ior_attach attach;
	const struct ior_plan *plan;
	struct bpf_link *links[MAX_LINKS];
	unsigned int nlinks;
	unsigned int ncpus;
};

static bool libbpf_verbose;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!libbpf_verbose || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void ior_capture__set_verbose(bool on)
{
	libbpf_verbose = on;
}

/* The sys_enter_X program reading the first n arguments. */
static struct bpf_program *tp_enter_prog(struct ior_bpf *skel, unsigned int n)
{
	struct bpf_program *by_n[] = {
		skel->progs.ior_tp_enter0, skel->progs.ior_tp_enter1, skel->progs.ior_tp_enter2,
		skel->progs.ior_tp_enter3, skel->progs.ior_tp_enter4, skel->progs.ior_tp_enter5,
		skel->progs.ior_tp_enter6,
	};

	return by_n[n < 7 ? n : 6];
}

static void configure(struct ior_bpf *skel, const struct ior_capture_opts *o)
{
	struct ior_bpf__rodata *ro = skel->rodata;

	ro->self_tgid = o->self_tgid;
	ro->filter_pid = o->filter_pid;
	ro->filter_tid = o->filter_tid;
	if (o->comm) {
		ro->filter_comm = true;
		strncpy((char *)ro->comm_want, o->comm, sizeof(ro->comm_want) - 1);
	}
	if (o->path_prefix) {
		ro->filter_path = true;
		ro->prefix_len = strlen(o->path_prefix);
		memcpy((char *)ro->prefix, o->path_prefix, ro->prefix_len);
	}
	ro->wakeup_bytes = o->wakeup_bytes;
	memcpy((void *)ro->plan, o->plan->nr, sizeof(ro->plan));
	bpf_map__set_max_entries(skel->maps.events, o->ringbuf_bytes);
	/* the other mode's programs are never loaded */
	bpf_program__set_autoload(skel->progs.ior_btf_enter, o->attach == IOR_ATTACH_BTF);
	bpf_program__set_autoload(skel->progs.ior_btf_exit, o->attach == IOR_ATTACH_BTF);
	for (int i = 0; i <= 6; i++)
		bpf_program__set_autoload(tp_enter_prog(skel, i), o->attach == IOR_ATTACH_TP);
	bpf_program__set_autoload(skel->progs.ior_tp_exit, o->attach == IOR_ATTACH_TP);
}

/* Why a load failed, in words an operator can act on. */
static void explain_load(int err, char *buf, size_t len)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		snprintf(buf, len, "this kernel has no BTF (/sys/kernel/btf/vmlinux); "
				   "ior-record needs a kernel built with CONFIG_DEBUG_INFO_BTF");
	else if (err == -EPERM || err == -EACCES)
		snprintf(buf, len, "cannot load BPF programs: %s; run as root (or with "
				   "CAP_BPF, CAP_PERFMON and CAP_SYS_RESOURCE)", strerror(-err));
	else
		snprintf(buf, len, "cannot load BPF programs: %s (run with -v for the "
				   "verifier's log)", strerror(-err));
}

struct ior_capture *ior_capture__open(const struct ior_capture_opts *o, char *err,
				      size_t errlen)
{
	struct ior_capture *c = calloc(1, sizeof(*c));
	int ret;

	if (!c)
		return NULL;
	libbpf_set_print(print_libbpf);
	c->attach = o->attach;
	c->plan = o->plan;
	c->skel = ior_bpf__open();
	if (!c->skel) {
		ret = -errno;
		explain_load(ret, err, errlen);
		goto fail;
	}
	configure(c->skel, o);
	ret = ior_bpf__load(c->skel);
	if (ret) {
		explain_load(ret, err, errlen);
		goto fail;
	}
	ret = libbpf_num_possible_cpus();
	c->ncpus = ret > 0 ? ret : 1;
	return c;
fail:
	ior_capture__free(c);
	errno = -ret;
	return NULL;
}

static int link_add(struct ior_capture *c, struct bpf_link *l, const char *what, char *err,
		    size_t errlen)
{
	if (!l) {
		int ret = -errno;

		snprintf(err, errlen, "cannot attach to '%s': %s", what, strerror(errno));
		return ret;
	}
	if (c->nlinks >= MAX_LINKS) {
		bpf_link__destroy(l);
		snprintf(err, errlen, "too many attach points");
		return -E2BIG;
	}
	c->links[c->nlinks++] = l;
	return 0;
}

static int attach_syscall_tps(struct ior_capture *c, char *err, size_t errlen)
{
	struct bpf_program *prog;
	char tp[64];
	int ret = 0;

	for (unsigned int nr = 0; nr < IOR_WIRE_MAX_NR && !ret; nr++) {
		if (!ior_plan__on(c->plan, nr))
			continue;
		snprintf(tp, sizeof(tp), "sys_enter_%s", c->plan->event[nr]);
		prog = tp_enter_prog(c->skel, c->plan->nargs[nr]);
		ret = link_add(c, bpf_program__attach_tracepoint(prog, "syscalls", tp), tp, err,
			       errlen);
		if (ret)
			break;
		snprintf(tp, sizeof(tp), "sys_exit_%s", c->plan->event[nr]);
		ret = link_add(c, bpf_program__attach_tracepoint(c->skel->progs.ior_tp_exit,
								 "syscalls", tp),
			       tp, err, errlen);
	}
	return ret;
}

/*
 * Paths the BPF side reports (cwd and root after chdir/chroot) are walked up to our own
 * root, like everything else a recording holds: renaming ourselves to our own name runs
 * ior_rename in our task, which notes our fs->root. Needs ior_rename attached.
 */
static int learn_root(struct ior_capture *c, char *err, size_t errlen)
{
	char comm[IOR_WIRE_COMM_LEN + 1] = "";

	if (prctl(PR_GET_NAME, comm) || prctl(PR_SET_NAME, comm)) {
		int ret = -errno;

		snprintf(err, errlen, "cannot rename ior-record: %s", strerror(-ret));
		return ret;
	}
	if (!__atomic_load_n(&c->skel->bss->root_dentry, __ATOMIC_ACQUIRE)) {
		snprintf(err, errlen, "the BPF programs did not see ior-record's root directory");
		return -EIO;
	}
	return 0;
}

int ior_capture__attach(struct ior_capture *c, char *err, size_t errlen)
{
	struct ior_bpf *s = c->skel;
	struct bpf_program *auto_progs[] = {
		/* lifecycle first: a fork during the attach is not missed */
		s->progs.ior_newtask, s->progs.ior_exec, s->progs.ior_exit, s->progs.ior_rename,
		c->attach == IOR_ATTACH_BTF ? s->progs.ior_btf_enter : NULL,
		c->attach == IOR_ATTACH_BTF ? s->progs.ior_btf_exit : NULL,
	};
	int ret = 0;

	for (size_t i = 0; i < sizeof(auto_progs) / sizeof(auto_progs[0]) && !ret; i++) {
		if (auto_progs[i])
			ret = link_add(c, bpf_program__attach(auto_progs[i]),
				       bpf_program__section_name(auto_progs[i]), err, errlen);
		/* before any syscall is recorded: no cwd record walks past our root */
		if (!ret && auto_progs[i] == s->progs.ior_rename)
			ret = learn_root(c, err, errlen);
	}
	if (!ret && c->attach == IOR_ATTACH_TP)
		ret = attach_syscall_tps(c, err, errlen);
	if (ret)
		ior_capture__detach(c);
	return ret;
}

void ior_capture__set_start(struct ior_capture *c, uint64_t t0_ns)
{
	__atomic_store_n(&c->skel->bss->t0_ns, t0_ns, __ATOMIC_RELEASE);
}

void ior_capture__stop(struct ior_capture *c)
{
	__atomic_store_n(&c->skel->bss->stopped, 1, __ATOMIC_RELEASE);
}

/*
 * The last detach from a syscall tracepoint waits for RCU grace periods under a global
 * mutex: ~65 ms each on a kernel with faultable syscall tracepoints, 18 s for the
 * tracepoint mode's ~280. A child process inherits the links and releases them after
 * we let go of ours (the release happens where the last reference goes).
 */
static int by_value(const void *a, const void *b)
{
	return *(const int *)a - *(const int *)b;
}

/*
 * In the releasing child: close every fd but the links' and keep_fd, so that it holds
 * no output file (a mount stays unmountable), pipe (a reader waits for EOF) or terminal.
 */
static void keep_only_links(struct bpf_link **links, unsigned int n, int keep_fd)
{
	int *fds = calloc(n + 1, sizeof(*fds)), next = 0;

	if (!fds)
		return;
	for (unsigned int i = 0; i < n; i++)
		fds[i] = bpf_link__fd(links[i]);
	fds[n] = keep_fd;
	qsort(fds, n + 1, sizeof(*fds), by_value);
	for (unsigned int i = 0; i <= n; i++) {
		if (fds[i] > next)
			syscall(SYS_close_range, next, fds[i] - 1, 0);
		next = fds[i] + 1;
	}
	syscall(SYS_close_range, next, ~0u, 0);
	free(fds);
}

int ior_capture_release_links(struct bpf_link **links, unsigned int n)
{
	int go[2];
	char one;
	pid_t pid;

	if (pipe2(go, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(go[0]);
		close(go[1]);
		return -errno;
	}
	if (pid == 0) {
		setsid();
		prctl(PR_SET_NAME, "ior-release"); /* what ps shows while it waits */
		keep_only_links(links, n, go[0]);
		/* wait until the parent's references are gone, then release */
		while (read(go[0], &one, 1) < 0 && errno == EINTR)
			;
		for (unsigned int i = 0; i < n; i++)
			bpf_link__destroy(links[i]);
		_exit(0);
	}
	close(go[0]);
	for (unsigned int i = 0; i < n; i++)
		bpf_link__destroy(links[i]);
	close(go[1]); /* EOF: the child's turn */
	return 0;
}

void ior_capture__detach(struct ior_capture *c)
{
	ior_capture__stop(c);
	/* the programs are stopped: their staying attached a while costs next to nothing */
	if (c->nlinks > 16 && !ior_capture_release_links(c->links, c->nlinks)) {
		c->nlinks = 0;
		return;
	}
	while (c->nlinks)
		bpf_link__destroy(c->links[--c->nlinks]);
}

unsigned int ior_capture__links(const struct ior_capture *c)
{
	return c->nlinks;
}

static int set_u8(struct bpf_map *map, const void *key)
{
	__u8 one = 1;

	return bpf_map__update_elem(map, key, bpf_map__key_size(map), &one, sizeof(one),
				    BPF_ANY) ? -errno : 0;
}

int ior_capture__add_pid(struct ior_capture *c, uint32_t pid)
{
	return set_u8(c->skel->maps.pids, &pid);
}

int ior_capture__add_tid(struct ior_capture *c, uint32_t tid)
{
	return set_u8(c->skel->maps.tids, &tid);
}

int ior_capture__mark_fd(struct ior_capture *c, uint32_t pid, int32_t fd)
{
	struct ior_wire_fdkey k = { .tgid = pid, .fd = fd };

	return set_u8(c->skel->maps.pfds, &k);
}

int ior_capture__mark_cwd(struct ior_capture *c, uint32_t pid)
{
	return set_u8(c->skel->maps.pcwd, &pid);
}

int ior_capture__ringbuf_fd(const struct ior_capture *c)
{
	return bpf_map__fd(c->skel->maps.events);
}

unsigned int ior_capture__ncpus(const struct ior_capture *c)
{
	return c->ncpus;
}

int ior_capture__stats(const struct ior_capture *c, struct ior_wire_stats *sum,
		       struct ior_wire_stats *percpu, unsigned int *ncpu)
{
	struct ior_wire_stats *v = calloc(c->ncpus, sizeof(*v));
	__u32 zero = 0;
	int ret = 0;

	if (!v)
		return -ENOMEM;
	if (bpf_map__lookup_elem(c->skel->maps.stats, &zero, sizeof(zero), v,
				 c->ncpus * sizeof(*v), 0)) {
		ret = -errno;
		goto out;
	}
	memset(sum, 0, sizeof(*sum));
	for (unsigned int i = 0; i < c->ncpus; i++) {
		sum->lost_events += v[i].lost_events;
		sum->lost_procs += v[i].lost_procs;
		sum->orphan_exits += v[i].orphan_exits;
		sum->wakeups += v[i].wakeups;
		sum->filtered += v[i].filtered;
		sum->path_filtered += v[i].path_filtered;
	}
	if (percpu && ncpu) {
		*ncpu = *ncpu < c->ncpus ? *ncpu : c->ncpus;
		memcpy(percpu, v, *ncpu * sizeof(*v));
	}
out:
	free(v);
	return ret;
}

void ior_capture__free(struct ior_capture *c)
{
	if (!c)
		return;
	ior_capture__detach(c);
	ior_bpf__destroy(c->skel);
	free(c);
}
