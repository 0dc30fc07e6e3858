/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The replay's model of the kernel's file objects, as far as a recording shows them:
 *
 *  - an open file (struct ior_ofile) is what open() creates and dup() and fork() share:
 *    its name, kind and status flags (F_SETFL on one fd is seen through every dup);
 *  - an fd table (struct ior_fdtable) maps fd numbers to open files, each fd with its
 *    own close-on-exec bit; threads and CLONE_FILES children share one table.
 *
 * Both are reference counted; memory follows what is open, never the number of events.
 * Open files come from a pool with a free list, so opening and closing in steady state
 * does not call malloc. Functions returning int return 0 or -errno.
 */
#ifndef IOR_ANALYZER_FDTABLE_H
#define IOR_ANALYZER_FDTABLE_H

#include <stdbool.h>
#include <stdint.h>

#include "analyzer/imap.h"

struct ior_ofile {
	uint32_t refs;
	uint32_t name;	  /* id in the replay's name table: absolute path, "pipe:[?]", ... */
	uint32_t flags;	  /* access and status flags (O_CLOEXEC is per fd, not here) */
	uint32_t pid;	  /* a pidfd's process, else 0 */
	uint8_t kind;	  /* enum ior_fd_kind (analyzer/revent.h) */
	uint8_t resolved; /* name is what the fd really is, not a guess or a relative path */
	const char *name_str; /* name's bytes and length, kept here: most events need them */
	size_t name_len;
	struct ior_ofile *next_free;
};

struct ior_ofpool {
	struct ior_ofile *free;
	struct ior_ofile **blocks;
	uint32_t nblocks, cap;
	uint64_t live; /* open files handed out and not yet released */
};

/* A fresh open file with one reference, zeroed; NULL on ENOMEM. */
struct ior_ofile *ior_ofpool__get(struct ior_ofpool *pool);
void ior_ofpool__free(struct ior_ofpool *pool);

static inline struct ior_ofile *ior_ofile__ref(struct ior_ofile *f)
{
	f->refs++;
	return f;
}

/* Drop one reference; the last one returns f to the pool. */
void ior_ofile__put(struct ior_ofpool *pool, struct ior_ofile *f);

/* fds below this are also found without a hash: most programs' fds are small */
#define IOR_FD_LOW 64

struct ior_fdtable {
	uint32_t refs;
	struct ior_imap fds; /* fd -> struct ior_ofile *; tag bit 0: close-on-exec */
	struct ior_ofile *low[IOR_FD_LOW]; /* fds' values for fd < IOR_FD_LOW, else NULL */
};

#define IOR_FD_CLOEXEC_TAG 1u

/* An empty table with one reference; NULL on ENOMEM. */
struct ior_fdtable *ior_fdtable__new(void);

/* A private copy of t (what fork without CLONE_FILES gets); NULL on ENOMEM. */
struct ior_fdtable *ior_fdtable__clone(const struct ior_fdtable *t);

/* Drop one reference; the last one closes every fd. NULL is a no-op. */
void ior_fdtable__put(struct ior_fdtable *t, struct ior_ofpool *pool);

/* The open file behind fd (and its close-on-exec bit if cloexec), or NULL. Inline: most
 * events name an fd. */
static inline struct ior_ofile *ior_fdtable__lookup(const struct ior_fdtable *t, int32_t fd,
						     bool *cloexec)
{
	struct ior_imap_ent *e;

	if (!cloexec && (uint32_t)fd < IOR_FD_LOW)
		return t->low[fd];
	e = fd < 0 ? NULL : ior_imap__find(&t->fds, (uint32_t)fd);

	if (cloexec)
		*cloexec = e && (e->tag & IOR_FD_CLOEXEC_TAG);
	return e ? e->val : NULL;
}

/*
 * Make fd refer to f, replacing (and releasing) what it referred to. Takes over one
 * reference to f, also on failure (-ENOMEM, -EBADF for a negative fd).
 */
int ior_fdtable__install(struct ior_fdtable *t, int32_t fd, struct ior_ofile *f, bool cloexec,
			 struct ior_ofpool *pool);

/* Close fd: 0, or -EBADF when it is not open. */
int ior_fdtable__close(struct ior_fdtable *t, int32_t fd, struct ior_ofpool *pool);

/* Set or clear fd's close-on-exec bit: 0, or -EBADF. */
int ior_fdtable__set_cloexec(struct ior_fdtable *t, int32_t fd, bool on);

/*
 * close_range(lo, hi): close every open fd in [lo, hi] (unsigned, inclusive), or only mark
 * them close-on-exec. Costs O(open fds), whatever the width of the range.
 */
void ior_fdtable__close_range(struct ior_fdtable *t, uint32_t lo, uint32_t hi, bool cloexec_only,
			      struct ior_ofpool *pool);

/* What exec does to the table: close every close-on-exec fd. */
void ior_fdtable__exec(struct ior_fdtable *t, struct ior_ofpool *pool);

#endif /* IOR_ANALYZER_FDTABLE_H */
