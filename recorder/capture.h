/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The BPF side of a recording: open the embedded object, configure it (capture plan,
 * filters, ring-buffer size), load, attach in one of two modes, and read its counters.
 */
#ifndef IOR_RECORDER_CAPTURE_H
#define IOR_RECORDER_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpf/ior_wire.h"
#include "recorder/plan.h"

enum ior_attach {
	IOR_ATTACH_BTF = 0, /* tp_btf sys_enter/sys_exit, plan checked in the program */
	IOR_ATTACH_TP = 1,  /* syscalls/sys_enter_X + sys_exit_X per recorded syscall */
};

struct ior_capture_opts {
	enum ior_attach attach;
	const struct ior_plan *plan;
	uint64_t ringbuf_bytes;  /* a power of two, at least a page */
	uint64_t wakeup_bytes;   /* wake the consumer early past this much unread data */
	uint32_t self_tgid;      /* never recorded */
	bool filter_pid;         /* only pids added with __add_pid() and their descendants */
	bool filter_tid;         /* or tids added with __add_tid() */
	const char *comm;        /* only tasks with this comm; NULL = any */
	const char *path_prefix; /* only events under this prefix; NULL = any */
};

struct ior_capture;

/*
 * Open, configure and load. Returns NULL with errno set and a one-line reason in err
 * (EPERM: not root or without CAP_BPF/CAP_PERFMON; ENOENT: no kernel BTF, ...).
 * Free with ior_capture__free().
 */
struct ior_capture *ior_capture__open(const struct ior_capture_opts *opts, char *err,
				      size_t errlen);

/* Attach every program. Returns 0 or -errno with err filled. Takes ~ms to ~100 ms. */
int ior_capture__attach(struct ior_capture *c, char *err, size_t errlen);

/*
 * The recording's start (CLOCK_MONOTONIC ns), after the attach: calls in flight then
 * are recorded at their exit as starting at t0_ns.
 */
void ior_capture__set_start(struct ior_capture *c, uint64_t t0_ns);

/* Stop recording at once: the programs record nothing more, even while attached. */
void ior_capture__stop(struct ior_capture *c);

/*
 * Stop and detach every program (records already in the ring buffer stay). Many
 * syscall tracepoints are released by a short-lived child process, as their release is
 * slow (see capture.c).
 */
void ior_capture__detach(struct ior_capture *c);

/* Programs attached by the last __attach(). */
unsigned int ior_capture__links(const struct ior_capture *c);

/* Filters (after open). Return 0 or -errno. */
int ior_capture__add_pid(struct ior_capture *c, uint32_t pid);
int ior_capture__add_tid(struct ior_capture *c, uint32_t tid);
/* --path seeds from the /proc snapshot: fd of pid names a file under the prefix; its cwd. */
int ior_capture__mark_fd(struct ior_capture *c, uint32_t pid, int32_t fd);
int ior_capture__mark_cwd(struct ior_capture *c, uint32_t pid);

/* The ring buffer's map fd. */
int ior_capture__ringbuf_fd(const struct ior_capture *c);

/*
 * Counters: per-CPU values into percpu[0..ncpu) when non-NULL (*ncpu in: room, out: CPUs),
 * the sum into *sum. Returns 0 or -errno.
 */
int ior_capture__stats(const struct ior_capture *c, struct ior_wire_stats *sum,
		       struct ior_wire_stats *percpu, unsigned int *ncpu);

/* Number of possible CPUs (the per-CPU counters' length). */
unsigned int ior_capture__ncpus(const struct ior_capture *c);

void ior_capture__free(struct ior_capture *c);

struct bpf_link;

/*
 * Destroy links without waiting for their release: a short-lived child process inherits
 * them and releases them once ours are closed. For the many syscall tracepoint links,
 * whose release takes ~65 ms each here. Returns 0 (the links are gone) or -errno (the
 * links are untouched).
 */
int ior_capture_release_links(struct bpf_link **links, unsigned int n);

/* Show libbpf's warnings and errors (the verifier log on a failed load) on stderr. */
void ior_capture__set_verbose(bool on);

#endif
