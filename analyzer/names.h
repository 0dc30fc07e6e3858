/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The replay's table of file names (resolved absolute paths, "pipe:[?]", ...): each
 * distinct byte string stored once and named by a small id, so that open files, cwds and
 * mappings hold 4-byte ids and comparing names is comparing ids.
 *
 * Unlike common/hash.h's ior_intern, the bytes never move: a pointer returned by
 * ior_names__str() stays valid until ior_names__free(), across later insertions. Memory
 * grows with the number of distinct names (the reader holds every recorded string for
 * the whole read anyway), never with the number of events.
 */
#ifndef IOR_ANALYZER_NAMES_H
#define IOR_ANALYZER_NAMES_H

#include <stddef.h>
#include <stdint.h>

struct ior_names;

/* NULL with errno ENOMEM on failure. */
struct ior_names *ior_names__new(void);
void ior_names__free(struct ior_names *n); /* NULL is a no-op */

/* The id (>= 1) of bytes[0..len), added when new; 0 with errno ENOMEM on failure. */
uint32_t ior_names__get(struct ior_names *n, const void *bytes, size_t len);

/* The bytes of id, NUL-terminated after *len; NULL for 0 or an unknown id. */
const char *ior_names__str(const struct ior_names *n, uint32_t id, size_t *len);

/* Number of names and bytes held (for tests and statistics). */
uint32_t ior_names__count(const struct ior_names *n);
size_t ior_names__bytes(const struct ior_names *n);

#endif /* IOR_ANALYZER_NAMES_H */
