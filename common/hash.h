/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small hashing pieces shared by the writer (string interning) and the analyzer (groups).
 *
 * ior_intern: byte strings -> dense ids 1..n, and back. Strings are copied into blocks
 * that never move, so a pointer to one stays valid until the interner is freed.
 * ior_u64map: uint64_t key -> uint64_t value, open addressing, no deletion.
 */
#ifndef IOR_COMMON_HASH_H
#define IOR_COMMON_HASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

uint64_t ior_hash_bytes(const void *p, size_t len);

static inline uint64_t ior_hash_u64(uint64_t x)
{
	/* splitmix64 finaliser: cheap and good enough for table indexing */
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	x ^= x >> 31;
	return x;
}

struct ior_intern;

/* Returns NULL (errno ENOMEM) on failure. Free with ior_intern__free(). */
struct ior_intern *ior_intern__new(void);
void ior_intern__free(struct ior_intern *in);

/*
 * The id of bytes[0..len), adding it when new (*added set to true then, if non-NULL).
 * Returns 0 with errno ENOMEM on allocation failure.
 */
uint32_t ior_intern__get(struct ior_intern *in, const void *bytes, size_t len, bool *added);

/* The id of bytes if present, else 0. */
uint32_t ior_intern__lookup(const struct ior_intern *in, const void *bytes, size_t len);

/* Bytes of id (1..count); NUL-terminated after len. Valid until __free(); never moved. */
const char *ior_intern__str(const struct ior_intern *in, uint32_t id, size_t *len);
uint32_t ior_intern__count(const struct ior_intern *in);
/* Bytes of all the strings held (without their NULs). */
size_t ior_intern__bytes(const struct ior_intern *in);

struct ior_u64map {
	uint64_t *keys;
	uint64_t *vals;
	uint8_t *used;
	size_t cap;   /* power of two or 0 */
	size_t count;
};

/* Zero-initialise the struct before first use; __free() releases it. */
void ior_u64map__free(struct ior_u64map *m);
/* Pointer to the value slot of key, inserting 0 when absent; NULL on ENOMEM. */
uint64_t *ior_u64map__slot(struct ior_u64map *m, uint64_t key);
/* Pointer to the value of key, or NULL. */
uint64_t *ior_u64map__find(const struct ior_u64map *m, uint64_t key);

#endif
