// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target: the replay (analyzer/replay.c and the state under it) on hostile
 * record streams. The input is read as a program of records - lifecycle, snapshot and
 * event records with few pids, fds, syscalls and paths, so that processes, fds and
 * mappings collide often - written with the real writer and replayed from the real
 * reader. The replay must never crash, leak or hang, and what it hands out must hold:
 * paths NUL-terminated at their length, resolved file paths absolute.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer/replay.h"

static const char *const syscalls[] = {
    "openat",	"open",	     "creat", "close",	    "close_range",  "dup",	     "dup2",
    "dup3",	"fcntl",     "read",  "newfstatat", "chdir",	    "fchdir",	     "chroot",
    "renameat", "symlinkat", "pipe2", "socketpair", "memfd_create", "pidfd_open",    "pidfd_getfd",
    "mmap",	"munmap",    "msync", "sendfile",   "signalfd4",    "fanotify_mark", "openat2",
};
#define NSC (sizeof(syscalls) / sizeof(syscalls[0]))

/*
 * No "": a batch of string definitions that are all empty makes format/reader.c compute
 * NULL + 0 (UBSan), reported to the format's owner; empty paths reach the replay here as
 * absent ones (id 0), which take the same dirfd branch, and check_replay covers "".
 */
static const char *const paths[] = {
    ".", "..", "/", "a", "a/../b", "/etc/x", "../../..", "//x//", "d/./e/", "\xff/\n",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))

struct input {
	const uint8_t *p;
	size_t n;
};

static uint64_t take(struct input *in, unsigned bytes)
{
	uint64_t v = 0;

	while (bytes--) {
		v = v << 8 | (in->n ? *in->p : 0);
		if (in->n) {
			in->p++;
			in->n--;
		}
	}
	return v;
}

static int32_t small_fd(struct input *in)
{
	uint8_t b = (uint8_t)take(in, 1);

	return b == 0xff ? -100 : b == 0xfe ? INT32_MAX : b == 0xfd ? -1 : b % 12;
}

static uint32_t some_path(struct ior_writer *w, struct input *in)
{
	const char *s = paths[take(in, 1) % NPATHS];

	return take(in, 1) % 5 ? ior_writer__intern(w, s, strlen(s)) : 0;
}

static void one_event(struct ior_writer *w, struct input *in, int64_t t)
{
	struct ior_event ev = {.start_ns = t, .dur_ns = 10};

	ev.pid = 1 + (uint32_t)take(in, 1) % 4;
	ev.tid = ev.pid + (uint32_t)take(in, 1) % 2 * 100;
	ev.nr = (uint32_t)take(in, 1) % NSC;
	ev.fd = small_fd(in);
	ev.fd2 = small_fd(in);
	ev.ret = (int64_t)(int8_t)take(in, 1);
	ev.flags = take(in, 4);
	ev.aux = take(in, 1) % 3 ? take(in, 2) : take(in, 8);
	ev.bytes = take(in, 1) % 3 ? take(in, 2) : take(in, 8);
	ev.str_flags = (uint32_t)take(in, 1) & 0xf;
	ev.path = some_path(w, in);
	ev.path2 = some_path(w, in);
	if (ev.nr == 21 && take(in, 1) & 1) /* mmap: a mapping address */
		ev.ret = (int64_t)(take(in, 2) << 12);
	ior_writer__append_event(w, &ev);
}

static void one_proc(struct ior_writer *w, struct input *in, int64_t t)
{
	struct ior_proc p = {.time_ns = t};

	p.kind = (enum ior_proc_kind)(1 + take(in, 1) % 8);
	p.pid = 1 + (uint32_t)take(in, 1) % 4;
	p.tid = p.pid + (uint32_t)take(in, 1) % 2 * 100;
	p.ppid = 1 + (uint32_t)take(in, 1) % 4;
	p.ptid = p.ppid + (uint32_t)take(in, 1) % 2 * 100;
	p.clone_flags = take(in, 4);
	p.code = (int64_t)(int8_t)take(in, 1);
	p.flags = take(in, 4);
	p.comm = some_path(w, in);
	p.path = some_path(w, in);
	p.path2 = some_path(w, in);
	if (take(in, 1) % 4 == 0)
		p.time_ns = 0; /* older than any snapshot */
	ior_writer__append_proc(w, &p);
}

static void check(const struct ior_revent *re)
{
	if (re->path && re->path[re->path_len] != '\0')
		abort();
	if (re->path2 && re->path2[re->path2_len] != '\0')
		abort();
	if (re->resolved && re->kind == IOR_FD_KIND_FILE && (!re->path || re->path[0] != '/'))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ior_syscall_name table[NSC];
	struct ior_header h = {.major = IOR_FORMAT_MAJOR,
			       .tool_version = "fuzz",
			       .hostname = "f",
			       .kernel = "k",
			       .arch = "x86_64",
			       .ncpus = 1,
			       .clock = "monotonic",
			       .start_ns = 1,
			       .options = "",
			       .syscalls = table,
			       .nsyscalls = NSC};
	struct input in = {data, size};
	int fd = memfd_create("fuzz", 0);
	struct ior_writer *w;
	struct ior_reader *r;
	struct ior_replay *rp;
	struct ior_record rec;
	struct ior_revent re;
	int64_t t = 2;

	for (size_t i = 0; i < NSC; i++)
		table[i] = (struct ior_syscall_name){.nr = (uint32_t)i, .name = syscalls[i]};
	w = fd >= 0 ? ior_writer__open(fd, &h, NULL) : NULL;
	if (!w)
		abort();
	while (in.n)
		(take(&in, 1) % 3 ? one_event : one_proc)(w, &in, t++);
	ior_writer__close(w, &(struct ior_end){.time_ns = t});
	lseek(fd, 0, SEEK_SET);
	r = ior_reader__open(fd, NULL);
	rp = r ? ior_replay__new(r) : NULL;
	if (!rp)
		abort();
	while (ior_reader__next(r, &rec) > 0)
		if (ior_replay__apply(rp, &rec, &re) == 1)
			check(&re);
	ior_replay__free(rp);
	ior_reader__close(r);
	close(fd);
	return 0;
}
