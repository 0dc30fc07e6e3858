// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/imap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define IMAP_MIN_CAP 16u

void ior_imap__free(struct ior_imap *m)
{
	free(m->ents);
	memset(m, 0, sizeof(*m));
}

/* Place an entry known to be absent into a table with room. */
static void place(struct ior_imap_ent *ents, uint32_t cap, uint32_t h,
		  const struct ior_imap_ent *src)
{
	uint32_t i = h;

	while (ents[i].val)
		i = (i + 1) & (cap - 1);
	ents[i] = *src;
}

static int resize(struct ior_imap *m, uint32_t cap)
{
	struct ior_imap_ent *ents = calloc(cap, sizeof(*ents));
	struct ior_imap n = {.ents = ents, .cap = cap, .count = m->count};

	if (!ents)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->cap; i++)
		if (m->ents[i].val)
			place(ents, cap, ior_imap__home(&n, m->ents[i].key), &m->ents[i]);
	free(m->ents);
	*m = n;
	return 0;
}

int ior_imap__put(struct ior_imap *m, uint32_t key, void *val, uint32_t tag, void **old)
{
	struct ior_imap_ent *e = ior_imap__find(m, key);
	struct ior_imap_ent n = {.key = key, .tag = tag, .val = val};

	if (old)
		*old = e ? e->val : NULL;
	if (e) {
		*e = n;
		return 0;
	}
	if ((m->count + 1) * 2 > m->cap) {
		if (m->cap > UINT32_MAX / 4)
			return -ENOMEM;
		if (resize(m, m->cap ? m->cap * 2 : IMAP_MIN_CAP))
			return -ENOMEM;
	}
	place(m->ents, m->cap, ior_imap__home(m, key), &n);
	m->count++;
	return 0;
}

/* Whether slot i lies cyclically in (hole, j]: then an entry at j homed at i may not move. */
static inline int between(uint32_t hole, uint32_t i, uint32_t j)
{
	return hole <= j ? hole < i && i <= j : hole < i || i <= j;
}

/* Empty slot i and pull later entries of its run back so that no lookup is cut short. */
static void remove_at(struct ior_imap *m, uint32_t i)
{
	uint32_t mask = m->cap - 1, hole = i, j = i;

	for (;;) {
		j = (j + 1) & mask;
		if (!m->ents[j].val)
			break;
		if (between(hole, ior_imap__home(m, m->ents[j].key), j))
			continue;
		m->ents[hole] = m->ents[j];
		hole = j;
	}
	memset(&m->ents[hole], 0, sizeof(m->ents[hole]));
	m->count--;
}

static void maybe_shrink(struct ior_imap *m)
{
	if (m->cap > IMAP_MIN_CAP && m->count * 8 < m->cap)
		resize(m, m->cap / 2); /* on failure the bigger table simply stays */
}

void *ior_imap__del(struct ior_imap *m, uint32_t key)
{
	struct ior_imap_ent *e = ior_imap__find(m, key);
	void *val;

	if (!e)
		return NULL;
	val = e->val;
	remove_at(m, (uint32_t)(e - m->ents));
	maybe_shrink(m);
	return val;
}

void ior_imap__filter(struct ior_imap *m, int (*drop)(struct ior_imap_ent *e, void *ctx), void *ctx)
{
	uint32_t mask = m->cap - 1, start = 0, i;

	if (!m->count)
		return;
	/*
	 * Start just after an empty slot: entries then only move back into the slot being
	 * visited, from slots not yet visited, so each is offered exactly once.
	 */
	while (m->ents[start].val)
		start++;
	i = (start + 1) & mask;
	while (i != start) {
		if (m->ents[i].val && drop(&m->ents[i], ctx))
			remove_at(m, i); /* look at slot i again: a later entry may be there now */
		else
			i = (i + 1) & mask;
	}
	maybe_shrink(m);
}

int ior_imap__copy(struct ior_imap *dst, const struct ior_imap *src)
{
	memset(dst, 0, sizeof(*dst));
	if (!src->cap)
		return 0;
	dst->ents = malloc(src->cap * sizeof(*dst->ents));
	if (!dst->ents)
		return -ENOMEM;
	memcpy(dst->ents, src->ents, src->cap * sizeof(*dst->ents));
	dst->cap = src->cap;
	dst->count = src->count;
	return 0;
}
