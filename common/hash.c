// SPDX-License-Identifier: GPL-2.0-only
#include "common/hash.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

uint64_t ior_hash_bytes(const void *p, size_t len)
{
	/* FNV-1a over 8-byte words, then mixed: fast on short paths, no alignment needs. */
	const unsigned char *s = p;
	uint64_t h = 0xcbf29ce484222325ULL ^ len;

	while (len >= 8) {
		uint64_t w;

		memcpy(&w, s, 8);
		h = (h ^ w) * 0x100000001b3ULL;
		h ^= h >> 29;
		s += 8;
		len -= 8;
	}
	while (len--)
		h = (h ^ *s++) * 0x100000001b3ULL;
	return ior_hash_u64(h);
}

/* Strings live in blocks that are never reallocated; a long one gets a block of its own. */
#define INTERN_BLOCK (64u << 10)

struct intern_ent {
	const char *s;
	uint32_t len;
	uint32_t hash; /* low bits of the string's hash, to skip most memcmp calls */
};

struct ior_intern {
	struct intern_ent *ents; /* by id; ents[0] unused */
	uint32_t count, ents_cap;
	uint32_t *slots;         /* hash table of ids, 0 = empty */
	size_t nslots;
	char **blocks;
	size_t nblocks, blocks_cap;
	char *cur;               /* free space in the newest shared block */
	size_t cur_left;
	size_t bytes;
};

struct ior_intern *ior_intern__new(void)
{
	struct ior_intern *in = calloc(1, sizeof(*in));

	if (!in)
		return NULL;
	in->nslots = 1024;
	in->slots = calloc(in->nslots, sizeof(*in->slots));
	if (!in->slots) {
		free(in);
		errno = ENOMEM;
		return NULL;
	}
	return in;
}

void ior_intern__free(struct ior_intern *in)
{
	if (!in)
		return;
	for (size_t i = 0; i < in->nblocks; i++)
		free(in->blocks[i]);
	free(in->blocks);
	free(in->ents);
	free(in->slots);
	free(in);
}

static char *new_block(struct ior_intern *in, size_t size)
{
	char *b;

	if (in->nblocks == in->blocks_cap) {
		size_t cap = in->blocks_cap ? in->blocks_cap * 2 : 16;
		char **v = realloc(in->blocks, cap * sizeof(*v));

		if (!v)
			return NULL;
		in->blocks = v;
		in->blocks_cap = cap;
	}
	b = malloc(size);
	if (b)
		in->blocks[in->nblocks++] = b;
	return b;
}

/* Room for len bytes and a NUL, which will never move. */
static char *store(struct ior_intern *in, size_t len)
{
	char *p;

	if (len + 1 > INTERN_BLOCK / 4)
		return new_block(in, len + 1);
	if (in->cur_left < len + 1) {
		in->cur = new_block(in, INTERN_BLOCK);
		in->cur_left = in->cur ? INTERN_BLOCK : 0;
		if (!in->cur)
			return NULL;
	}
	p = in->cur;
	in->cur += len + 1;
	in->cur_left -= len + 1;
	return p;
}

static int grow_slots(struct ior_intern *in)
{
	size_t n = in->nslots * 2;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (uint32_t id = 1; id <= in->count; id++) {
		size_t i = in->ents[id].hash & (n - 1);

		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = id;
	}
	free(in->slots);
	in->slots = slots;
	in->nslots = n;
	return 0;
}

static int reserve(struct ior_intern *in)
{
	if (in->count + 2 > in->ents_cap) {
		uint32_t cap = in->ents_cap ? in->ents_cap * 2 : 256;
		struct intern_ent *v = realloc(in->ents, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		in->ents = v;
		in->ents_cap = cap;
	}
	if ((in->count + 1) * 2 > in->nslots)
		return grow_slots(in);
	return 0;
}

static size_t find_slot(const struct ior_intern *in, const void *bytes, size_t len, uint32_t h)
{
	size_t i = h & (in->nslots - 1);

	for (;; i = (i + 1) & (in->nslots - 1)) {
		uint32_t id = in->slots[i];

		if (!id)
			return i;
		if (in->ents[id].hash == h && in->ents[id].len == len &&
		    memcmp(in->ents[id].s, bytes, len) == 0)
			return i;
	}
}

uint32_t ior_intern__lookup(const struct ior_intern *in, const void *bytes, size_t len)
{
	uint32_t h = (uint32_t)ior_hash_bytes(bytes, len);

	return in->slots[find_slot(in, bytes, len, h)];
}

uint32_t ior_intern__get(struct ior_intern *in, const void *bytes, size_t len, bool *added)
{
	uint32_t h = (uint32_t)ior_hash_bytes(bytes, len);
	size_t i = find_slot(in, bytes, len, h);
	uint32_t id;
	char *p;

	if (added)
		*added = false;
	if (in->slots[i])
		return in->slots[i];
	if (len >= UINT32_MAX || reserve(in) || !(p = store(in, len))) {
		errno = ENOMEM;
		return 0;
	}
	if (len)
		memcpy(p, bytes, len);
	p[len] = '\0';
	i = find_slot(in, bytes, len, h); /* the table may have grown */
	id = ++in->count;
	in->ents[id] = (struct intern_ent){ p, (uint32_t)len, h };
	in->slots[i] = id;
	in->bytes += len;
	if (added)
		*added = true;
	return id;
}

const char *ior_intern__str(const struct ior_intern *in, uint32_t id, size_t *len)
{
	if (id == 0 || id > in->count)
		return NULL;
	if (len)
		*len = in->ents[id].len;
	return in->ents[id].s;
}

uint32_t ior_intern__count(const struct ior_intern *in)
{
	return in->count;
}

size_t ior_intern__bytes(const struct ior_intern *in)
{
	return in->bytes;
}

void ior_u64map__free(struct ior_u64map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

static int u64map_grow(struct ior_u64map *m)
{
	size_t cap = m->cap ? m->cap * 2 : 64;
	struct ior_u64map n = { .cap = cap, .count = m->count };

	n.keys = malloc(cap * sizeof(*n.keys));
	n.vals = malloc(cap * sizeof(*n.vals));
	n.used = calloc(cap, 1);
	if (!n.keys || !n.vals || !n.used) {
		free(n.keys);
		free(n.vals);
		free(n.used);
		return -ENOMEM;
	}
	for (size_t i = 0; i < m->cap; i++) {
		size_t j;

		if (!m->used[i])
			continue;
		j = ior_hash_u64(m->keys[i]) & (cap - 1);
		while (n.used[j])
			j = (j + 1) & (cap - 1);
		n.used[j] = 1;
		n.keys[j] = m->keys[i];
		n.vals[j] = m->vals[i];
	}
	ior_u64map__free(m);
	*m = n;
	return 0;
}

uint64_t *ior_u64map__find(const struct ior_u64map *m, uint64_t key)
{
	size_t i;

	if (!m->cap)
		return NULL;
	for (i = ior_hash_u64(key) & (m->cap - 1); m->used[i]; i = (i + 1) & (m->cap - 1))
		if (m->keys[i] == key)
			return &m->vals[i];
	return NULL;
}

uint64_t *ior_u64map__slot(struct ior_u64map *m, uint64_t key)
{
	uint64_t *v = ior_u64map__find(m, key);
	size_t i;

	if (v)
		return v;
	if ((m->count + 1) * 4 > m->cap * 3 && u64map_grow(m))
		return NULL;
	for (i = ior_hash_u64(key) & (m->cap - 1); m->used[i]; i = (i + 1) & (m->cap - 1))
		;
	m->used[i] = 1;
	m->keys[i] = key;
	m->vals[i] = 0;
	m->count++;
	return &m->vals[i];
}
