// SPDX-License-Identifier: GPL-2.0-only
#include "format/tables.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BLOCK_SIZE (64u << 10)

struct arena_block {
	struct arena_block *next;
	size_t used, size;
	_Alignas(16) char data[];
};

int tables_init(struct reader_tables *t)
{
	memset(t, 0, sizeof(*t));
	return 0;
}

void tables_free(struct reader_tables *t)
{
	struct arena_block *b = t->blocks;

	while (b) {
		struct arena_block *next = b->next;

		free(b);
		b = next;
	}
	ior_u64map__free(&t->strings);
	ior_u64map__free(&t->threads);
	free(t->str_small);
	free(t->thr_small);
	free(t->thr_small_set);
	free(t->str_ptr);
	free(t->str_len);
	free(t->syscalls);
	memset(t, 0, sizeof(*t));
}

/* size bytes from the arena, aligned for any object; lives until tables_free(). */
void *tables_alloc(struct reader_tables *t, size_t size)
{
	struct arena_block *b = t->blocks;
	size_t at;

	if (b)
		b->used = (b->used + 15) & ~(size_t)15;
	if (!b || b->used > b->size || b->size - b->used < size) {
		size_t bsize = size > BLOCK_SIZE / 4 ? size : BLOCK_SIZE;

		b = malloc(sizeof(*b) + bsize);
		if (!b)
			return NULL;
		b->size = bsize;
		b->used = 0;
		/* a big allocation gets its own block behind the current one, which stays open */
		if (bsize > BLOCK_SIZE && t->blocks) {
			b->next = t->blocks->next;
			t->blocks->next = b;
		} else {
			b->next = t->blocks;
			t->blocks = b;
		}
	}
	at = b->used;
	b->used += size;
	return b->data + at;
}

char *tables_strdup(struct reader_tables *t, const void *s, size_t len)
{
	char *p = tables_alloc(t, len + 1);

	if (!p)
		return NULL;
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

/* Grow a small-id array to hold index id; elem bytes each, zero-filled. */
static int grow_small(void *pp, uint32_t *n, uint64_t id, size_t elem)
{
	void **p = pp;
	uint32_t cap = *n ? *n : 256;
	void *q;

	while (cap <= id)
		cap *= 2;
	q = realloc(*p, (size_t)cap * elem);
	if (!q)
		return -ENOMEM;
	memset((char *)q + (size_t)*n * elem, 0, (size_t)(cap - *n) * elem);
	*p = q;
	*n = cap;
	return 0;
}

/* The index slot of string id (allocated when absent); NULL on ENOMEM. */
static uint64_t *string_slot(struct reader_tables *t, uint64_t id, uint64_t *tmp)
{
	if (id < TABLES_SMALL_IDS) {
		if (id >= t->str_small_n &&
		    grow_small(&t->str_small, &t->str_small_n, id, sizeof(uint32_t)))
			return NULL;
		*tmp = t->str_small[id];
		return tmp;
	}
	return ior_u64map__slot(&t->strings, id);
}

int tables_define_string(struct reader_tables *t, uint64_t id, const void *s, size_t len)
{
	uint64_t *slot, tmp;
	char *copy;

	if (id == 0 || id > UINT32_MAX || len > UINT32_MAX)
		return -EINVAL;
	slot = string_slot(t, id, &tmp);
	if (!slot)
		return -ENOMEM;
	if (*slot) {
		size_t i = *slot - 1;

		return t->str_len[i] == len && memcmp(t->str_ptr[i], s, len) == 0 ? 0 : 1;
	}
	if (t->nstr == t->str_cap) {
		size_t cap = t->str_cap ? t->str_cap * 2 : 1024;
		const char **p = realloc(t->str_ptr, cap * sizeof(*p));
		uint32_t *l;

		if (!p)
			return -ENOMEM;
		t->str_ptr = p;
		l = realloc(t->str_len, cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		t->str_len = l;
		t->str_cap = cap;
	}
	copy = tables_strdup(t, s, len);
	if (!copy)
		return -ENOMEM;
	t->str_ptr[t->nstr] = copy;
	t->str_len[t->nstr] = (uint32_t)len;
	*slot = ++t->nstr;
	if (slot == &tmp)
		t->str_small[id] = (uint32_t)*slot;
	return 0;
}

const char *tables_string(const struct reader_tables *t, uint32_t id, size_t *len)
{
	uint64_t i;

	if (id < t->str_small_n) {
		i = t->str_small[id];
	} else {
		uint64_t *slot = id >= TABLES_SMALL_IDS ? ior_u64map__find(&t->strings, id) : NULL;

		i = slot ? *slot : 0;
	}
	if (!i)
		return NULL;
	if (len)
		*len = t->str_len[i - 1];
	return t->str_ptr[i - 1];
}

int tables_define_thread(struct reader_tables *t, uint64_t id, uint32_t pid, uint32_t tid)
{
	uint64_t *slot;

	if (id == 0)
		return -EINVAL;
	if (id < TABLES_SMALL_IDS) {
		uint32_t n = t->thr_small_n;

		if (id >= n) {
			if (grow_small(&t->thr_small, &t->thr_small_n, id, sizeof(*t->thr_small)) ||
			    grow_small(&t->thr_small_set, &n, id, 1))
				return -ENOMEM;
		}
		t->thr_small[id] = (struct reader_thread){ pid, tid };
		t->thr_small_set[id] = 1;
		return 0;
	}
	slot = ior_u64map__slot(&t->threads, id);
	if (!slot)
		return -ENOMEM;
	*slot = (uint64_t)pid << 32 | tid;
	return 0;
}

void tables_clear_threads(struct reader_tables *t)
{
	if (t->thr_small_set)
		memset(t->thr_small_set, 0, t->thr_small_n);
	ior_u64map__free(&t->threads); /* and zeroed: ready for use again */
}

/* Whether string id of a is absent from b or has the same bytes there. */
static bool string_agrees(const struct reader_tables *a, const struct reader_tables *b,
			  uint32_t id)
{
	size_t la = 0, lb = 0;
	const char *sa = tables_string(a, id, &la), *sb = tables_string(b, id, &lb);

	return !sa || !sb || (la == lb && memcmp(sa, sb, la) == 0);
}

bool tables_strings_agree(const struct reader_tables *a, const struct reader_tables *b)
{
	for (uint32_t id = 1; id < a->str_small_n; id++)
		if (a->str_small[id] && !string_agrees(a, b, id))
			return false;
	for (size_t i = 0; i < a->strings.cap; i++)
		if (a->strings.used[i] && !string_agrees(a, b, (uint32_t)a->strings.keys[i]))
			return false;
	return true;
}

/* Ids beyond the small array: a hostile id cannot force a huge one. */
bool tables_thread_large(struct reader_tables *t, uint64_t id, uint32_t *pid, uint32_t *tid)
{
	uint64_t *slot = id >= TABLES_SMALL_IDS ? ior_u64map__find(&t->threads, id) : NULL;

	if (!slot)
		return false;
	*pid = (uint32_t)(*slot >> 32);
	*tid = (uint32_t)*slot;
	return true;
}

int tables_set_syscall(struct reader_tables *t, uint64_t nr, const char *name)
{
	if (nr >= IOR_SYSCALL_NR_MAX)
		return -ERANGE;
	if (nr >= t->nsyscalls) {
		uint32_t n = (uint32_t)nr + 1;
		const char **p = realloc(t->syscalls, n * sizeof(*p));

		if (!p)
			return -ENOMEM;
		memset(p + t->nsyscalls, 0, (n - t->nsyscalls) * sizeof(*p));
		t->syscalls = p;
		t->nsyscalls = n;
	}
	t->syscalls[nr] = name;
	return 0;
}

const char *tables_syscall(const struct reader_tables *t, uint32_t nr)
{
	return nr < t->nsyscalls ? t->syscalls[nr] : NULL;
}
