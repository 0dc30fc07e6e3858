/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Strict parsing of command-line numbers: the whole string must be consumed ("10abc" is
 * an error), values are range-checked. All return 0 or -EINVAL / -ERANGE.
 */
#ifndef IOR_COMMON_PARSE_H
#define IOR_COMMON_PARSE_H

#include <stdint.h>

int ior_parse_u64(const char *s, uint64_t *out);
int ior_parse_i64(const char *s, int64_t *out);
/* An integer in [min, max]. */
int ior_parse_int(const char *s, int min, int max, int *out);
/* Bytes with an optional K, M, G or T suffix (powers of 1024), optionally followed by B/iB. */
int ior_parse_size(const char *s, uint64_t *out);
/*
 * A duration in nanoseconds: a decimal number with an optional unit ns, us, ms, s, m, h;
 * default_unit_ns applies to a bare number (1e9 for seconds).
 */
int ior_parse_duration(const char *s, uint64_t default_unit_ns, uint64_t *out_ns);

#endif
