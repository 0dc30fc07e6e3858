/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small hash map from a 32-bit key (an fd, a pid, a tid) to a pointer plus a few bits,
 * with deletion. The replay's fd tables and process tables are made of these.
 *
 * Open addressing with linear probing and backward-shift deletion (no tombstones), so a
 * map's memory follows its live entries: it grows past half full and shrinks below an
 * eighth. Keys are spread with a multiplicative hash, so dense small keys (fds) and
 * hostile ones alike keep short probe runs.
 *
 * Zero-initialise before use (IOR_IMAP_INIT); ior_imap__free() releases the memory (not
 * the values: their owner frees those). Pointers to entries stay valid only until the
 * next insertion or deletion.
 */
#ifndef IOR_ANALYZER_IMAP_H
#define IOR_ANALYZER_IMAP_H

#include <stddef.h>
#include <stdint.h>

struct ior_imap_ent {
	uint32_t key;
	uint32_t tag; /* the user's bits (an fd's close-on-exec flag, ...) */
	void *val;    /* NULL marks an empty slot: values are never NULL */
};

struct ior_imap {
	struct ior_imap_ent *ents;
	uint32_t cap; /* power of two, or 0 */
	uint32_t count;
};

#define IOR_IMAP_INIT                                                                              \
	{                                                                                          \
		0                                                                                  \
	}

void ior_imap__free(struct ior_imap *m);

/* The slot where key's probe run starts. */
static inline uint32_t ior_imap__home(const struct ior_imap *m, uint32_t key)
{
	/* Fibonacci hashing: the top bits of key * 2^32/phi */
	return (uint32_t)(((uint64_t)(key * 0x9e3779b1u) * m->cap) >> 32);
}

/* The entry of key, or NULL. Inline: the replay looks up an fd for most events. */
static inline struct ior_imap_ent *ior_imap__find(const struct ior_imap *m, uint32_t key)
{
	uint32_t mask = m->cap - 1, i;

	if (!m->count)
		return NULL;
	for (i = ior_imap__home(m, key);; i = (i + 1) & mask) {
		struct ior_imap_ent *e = &m->ents[i];

		if (!e->val)
			return NULL;
		if (e->key == key)
			return e;
	}
}

/*
 * Set key to val (non-NULL) and tag. When key was present, *old (if non-NULL) receives
 * the value it replaced, else NULL. Returns 0 or -ENOMEM (the map is unchanged then).
 */
int ior_imap__put(struct ior_imap *m, uint32_t key, void *val, uint32_t tag, void **old);

/* Remove key; returns its value, or NULL when absent. */
void *ior_imap__del(struct ior_imap *m, uint32_t key);

/*
 * Remove every entry for which drop(ent, ctx) returns nonzero; drop may also change the
 * entry's tag (it must not touch the map). Each entry is offered once.
 */
void ior_imap__filter(struct ior_imap *m, int (*drop)(struct ior_imap_ent *e, void *ctx),
		      void *ctx);

/* A copy of src in dst (zero-initialised or freed before). 0 or -ENOMEM. */
int ior_imap__copy(struct ior_imap *dst, const struct ior_imap *src);

#endif /* IOR_ANALYZER_IMAP_H */
