// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/fdtable.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define OFPOOL_BLOCK 256u

static int ofpool_grow(struct ior_ofpool *pool)
{
	struct ior_ofile *b;

	if (pool->nblocks == pool->cap) {
		uint32_t cap = pool->cap ? pool->cap * 2 : 16;
		struct ior_ofile **v = realloc(pool->blocks, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		pool->blocks = v;
		pool->cap = cap;
	}
	b = calloc(OFPOOL_BLOCK, sizeof(*b));
	if (!b)
		return -ENOMEM;
	pool->blocks[pool->nblocks++] = b;
	for (uint32_t i = 0; i < OFPOOL_BLOCK; i++) {
		b[i].next_free = pool->free;
		pool->free = &b[i];
	}
	return 0;
}

struct ior_ofile *ior_ofpool__get(struct ior_ofpool *pool)
{
	struct ior_ofile *f;

	if (!pool->free && ofpool_grow(pool)) {
		errno = ENOMEM;
		return NULL;
	}
	f = pool->free;
	pool->free = f->next_free;
	memset(f, 0, sizeof(*f));
	f->refs = 1;
	pool->live++;
	return f;
}

void ior_ofpool__free(struct ior_ofpool *pool)
{
	for (uint32_t i = 0; i < pool->nblocks; i++)
		free(pool->blocks[i]);
	free(pool->blocks);
	memset(pool, 0, sizeof(*pool));
}

void ior_ofile__put(struct ior_ofpool *pool, struct ior_ofile *f)
{
	if (--f->refs)
		return;
	f->next_free = pool->free;
	pool->free = f;
	pool->live--;
}

struct ior_fdtable *ior_fdtable__new(void)
{
	struct ior_fdtable *t = calloc(1, sizeof(*t));

	if (t)
		t->refs = 1;
	return t;
}

struct ior_fdtable *ior_fdtable__clone(const struct ior_fdtable *t)
{
	struct ior_fdtable *c = ior_fdtable__new();

	if (!c)
		return NULL;
	if (ior_imap__copy(&c->fds, &t->fds)) {
		free(c);
		errno = ENOMEM;
		return NULL;
	}
	memcpy(c->low, t->low, sizeof(c->low));
	for (uint32_t i = 0; i < c->fds.cap; i++)
		if (c->fds.ents[i].val)
			ior_ofile__ref(c->fds.ents[i].val);
	return c;
}

void ior_fdtable__put(struct ior_fdtable *t, struct ior_ofpool *pool)
{
	if (!t || --t->refs)
		return;
	for (uint32_t i = 0; i < t->fds.cap; i++)
		if (t->fds.ents[i].val)
			ior_ofile__put(pool, t->fds.ents[i].val);
	ior_imap__free(&t->fds);
	free(t);
}

int ior_fdtable__install(struct ior_fdtable *t, int32_t fd, struct ior_ofile *f, bool cloexec,
			 struct ior_ofpool *pool)
{
	void *old = NULL;
	int err = fd < 0 ? -EBADF : 0;

	if (!err)
		err =
		    ior_imap__put(&t->fds, (uint32_t)fd, f, cloexec ? IOR_FD_CLOEXEC_TAG : 0, &old);
	if (!err && fd < IOR_FD_LOW)
		t->low[fd] = f;
	if (err)
		ior_ofile__put(pool, f);
	else if (old)
		ior_ofile__put(pool, old);
	return err;
}

int ior_fdtable__close(struct ior_fdtable *t, int32_t fd, struct ior_ofpool *pool)
{
	struct ior_ofile *f = fd < 0 ? NULL : ior_imap__del(&t->fds, (uint32_t)fd);

	if (!f)
		return -EBADF;
	if (fd < IOR_FD_LOW)
		t->low[fd] = NULL;
	ior_ofile__put(pool, f);
	return 0;
}

int ior_fdtable__set_cloexec(struct ior_fdtable *t, int32_t fd, bool on)
{
	struct ior_imap_ent *e = fd < 0 ? NULL : ior_imap__find(&t->fds, (uint32_t)fd);

	if (!e)
		return -EBADF;
	e->tag = on ? e->tag | IOR_FD_CLOEXEC_TAG : e->tag & ~IOR_FD_CLOEXEC_TAG;
	return 0;
}

struct range_ctx {
	uint32_t lo, hi;
	bool cloexec_only, exec;
	struct ior_fdtable *t;
	struct ior_ofpool *pool;
};

static int range_drop(struct ior_imap_ent *e, void *arg)
{
	struct range_ctx *c = arg;

	if (c->exec) {
		if (!(e->tag & IOR_FD_CLOEXEC_TAG))
			return 0;
	} else if (e->key < c->lo || e->key > c->hi) {
		return 0;
	} else if (c->cloexec_only) {
		e->tag |= IOR_FD_CLOEXEC_TAG;
		return 0;
	}
	ior_ofile__put(c->pool, e->val);
	if (e->key < IOR_FD_LOW)
		c->t->low[e->key] = NULL;
	return 1;
}

void ior_fdtable__close_range(struct ior_fdtable *t, uint32_t lo, uint32_t hi, bool cloexec_only,
			      struct ior_ofpool *pool)
{
	struct range_ctx c = {
	    .lo = lo, .hi = hi, .cloexec_only = cloexec_only, .t = t, .pool = pool};

	if (lo > hi)
		return;
	ior_imap__filter(&t->fds, range_drop, &c);
}

void ior_fdtable__exec(struct ior_fdtable *t, struct ior_ofpool *pool)
{
	struct range_ctx c = {.exec = true, .t = t, .pool = pool};

	ior_imap__filter(&t->fds, range_drop, &c);
}
