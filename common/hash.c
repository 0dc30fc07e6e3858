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

struct ior_intern {
	char *arena;        /* all strings, each followed by a NUL */
	size_t arena_len, arena_cap;
	uint64_t *offs;     /* offs[id] = arena offset; offs[0] unused */
	uint32_t *lens;
	uint32_t count, ids_cap;
	uint32_t *slots;    /* hash table of ids, 0 = empty */
	uint32_t *hashes;   /* low bits of each id's hash, to skip most memcmp calls */
	size_t nslots;
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
	free(in->arena);
	free(in->offs);
	free(in->lens);
	free(in->hashes);
	free(in->slots);
	free(in);
}

static int grow_slots(struct ior_intern *in)
{
	size_t n = in->nslots * 2;
	uint32_t *slots = calloc(n, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (uint32_t id = 1; id <= in->count; id++) {
		size_t i = in->hashes[id] & (n - 1);

		while (slots[i])
			i = (i + 1) & (n - 1);
		slots[i] = id;
	}
	free(in->slots);
	in->slots = slots;
	in->nslots = n;
	return 0;
}

static int reserve(struct ior_intern *in, size_t len)
{
	if (in->count + 2 > in->ids_cap) {
		uint32_t cap = in->ids_cap ? in->ids_cap * 2 : 256;
		uint64_t *offs = realloc(in->offs, cap * sizeof(*offs));
		uint32_t *lens, *hashes;

		if (!offs)
			return -ENOMEM;
		in->offs = offs;
		lens = realloc(in->lens, cap * sizeof(*lens));
		if (!lens)
			return -ENOMEM;
		in->lens = lens;
		hashes = realloc(in->hashes, cap * sizeof(*hashes));
		if (!hashes)
			return -ENOMEM;
		in->hashes = hashes;
		in->ids_cap = cap;
	}
	if (in->arena_len + len + 1 > in->arena_cap) {
		size_t cap = in->arena_cap ? in->arena_cap : 16384;
		char *a;

		while (cap < in->arena_len + len + 1)
			cap *= 2;
		a = realloc(in->arena, cap);
		if (!a)
			return -ENOMEM;
		in->arena = a;
		in->arena_cap = cap;
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
		if (in->hashes[id] == h && in->lens[id] == len &&
		    memcmp(in->arena + in->offs[id], bytes, len) == 0)
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

	if (added)
		*added = false;
	if (in->slots[i])
		return in->slots[i];
	if (len > UINT32_MAX || reserve(in, len)) {
		errno = ENOMEM;
		return 0;
	}
	i = find_slot(in, bytes, len, h); /* the table may have grown */
	id = ++in->count;
	in->offs[id] = in->arena_len;
	in->lens[id] = (uint32_t)len;
	in->hashes[id] = h;
	if (len)
		memcpy(in->arena + in->arena_len, bytes, len);
	in->arena[in->arena_len + len] = '\0';
	in->arena_len += len + 1;
	in->slots[i] = id;
	if (added)
		*added = true;
	return id;
}

const char *ior_intern__str(const struct ior_intern *in, uint32_t id, size_t *len)
{
	if (id == 0 || id > in->count)
		return NULL;
	if (len)
		*len = in->lens[id];
	return in->arena + in->offs[id];
}

uint32_t ior_intern__count(const struct ior_intern *in)
{
	return in->count;
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
