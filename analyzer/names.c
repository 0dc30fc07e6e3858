// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/names.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"

/* Names live in blocks that are never reallocated; a long name gets a block of its own. */
#define NAMES_BLOCK (64u << 10)

struct name_ent {
	const char *s;
	uint32_t len;
	uint32_t hash;
};

struct ior_names {
	struct name_ent *ents; /* by id; ents[0] unused */
	uint32_t count, ents_cap;
	uint32_t *slots; /* open addressing over ids, 0 = empty */
	uint32_t nslots;
	char **blocks;
	uint32_t nblocks, blocks_cap;
	char *cur; /* free space in the newest shared block */
	size_t cur_left;
	size_t bytes;
};

struct ior_names *ior_names__new(void)
{
	struct ior_names *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->nslots = 1024;
	n->slots = calloc(n->nslots, sizeof(*n->slots));
	if (!n->slots) {
		free(n);
		errno = ENOMEM;
		return NULL;
	}
	return n;
}

void ior_names__free(struct ior_names *n)
{
	if (!n)
		return;
	for (uint32_t i = 0; i < n->nblocks; i++)
		free(n->blocks[i]);
	free(n->blocks);
	free(n->ents);
	free(n->slots);
	free(n);
}

static char *new_block(struct ior_names *n, size_t size)
{
	char *b;

	if (n->nblocks == n->blocks_cap) {
		uint32_t cap = n->blocks_cap ? n->blocks_cap * 2 : 16;
		char **v = realloc(n->blocks, cap * sizeof(*v));

		if (!v)
			return NULL;
		n->blocks = v;
		n->blocks_cap = cap;
	}
	b = malloc(size);
	if (b)
		n->blocks[n->nblocks++] = b;
	return b;
}

/* Room for len bytes and a NUL that will never move. */
static char *store(struct ior_names *n, size_t len)
{
	char *p;

	if (len + 1 > NAMES_BLOCK / 4)
		return new_block(n, len + 1);
	if (n->cur_left < len + 1) {
		n->cur = new_block(n, NAMES_BLOCK);
		n->cur_left = n->cur ? NAMES_BLOCK : 0;
		if (!n->cur)
			return NULL;
	}
	p = n->cur;
	n->cur += len + 1;
	n->cur_left -= len + 1;
	return p;
}

static int grow_slots(struct ior_names *n)
{
	uint32_t ns = n->nslots * 2, *slots = calloc(ns, sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (uint32_t id = 1; id <= n->count; id++) {
		uint32_t i = n->ents[id].hash & (ns - 1);

		while (slots[i])
			i = (i + 1) & (ns - 1);
		slots[i] = id;
	}
	free(n->slots);
	n->slots = slots;
	n->nslots = ns;
	return 0;
}

static int reserve(struct ior_names *n)
{
	if (n->count + 2 > n->ents_cap) {
		uint32_t cap = n->ents_cap ? n->ents_cap * 2 : 256;
		struct name_ent *v = realloc(n->ents, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		n->ents = v;
		n->ents_cap = cap;
	}
	if ((n->count + 1) * 2 > n->nslots)
		return grow_slots(n);
	return 0;
}

uint32_t ior_names__get(struct ior_names *n, const void *bytes, size_t len)
{
	uint32_t h = (uint32_t)ior_hash_bytes(bytes, len), i, id;
	char *p;

	for (i = h & (n->nslots - 1); (id = n->slots[i]); i = (i + 1) & (n->nslots - 1))
		if (n->ents[id].hash == h && n->ents[id].len == len &&
		    memcmp(n->ents[id].s, bytes, len) == 0)
			return id;
	if (len >= UINT32_MAX || n->count + 1 >= UINT32_MAX || reserve(n) || !(p = store(n, len))) {
		errno = ENOMEM;
		return 0;
	}
	memcpy(p, bytes, len);
	p[len] = '\0';
	id = ++n->count;
	n->ents[id] = (struct name_ent){.s = p, .len = (uint32_t)len, .hash = h};
	for (i = h & (n->nslots - 1); n->slots[i]; i = (i + 1) & (n->nslots - 1))
		;
	n->slots[i] = id;
	n->bytes += len + 1;
	return id;
}

const char *ior_names__str(const struct ior_names *n, uint32_t id, size_t *len)
{
	if (!id || id > n->count)
		return NULL;
	if (len)
		*len = n->ents[id].len;
	return n->ents[id].s;
}

uint32_t ior_names__count(const struct ior_names *n)
{
	return n->count;
}

size_t ior_names__bytes(const struct ior_names *n)
{
	return n->bytes;
}
