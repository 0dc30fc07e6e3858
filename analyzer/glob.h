/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Glob matching of byte strings (paths may hold any byte and need not be UTF-8).
 *
 * Pattern syntax (IOR_GLOB_PATH, the default):
 *   *        any run of bytes within one path component (never '/')
 *   **       any run of bytes across components ('/' included). As a whole component
 *            followed by '/', it matches zero or more whole components: the pattern
 *            /var/[**]/x (written here with [] as the three bytes would end this comment)
 *            matches /var/x as well as /var/a/b/x; a trailing "/var/[**]" matches
 *            everything below /var (not /var itself)
 *   ?        any one byte except '/'
 *   [abc] [a-z] [!a-z] [^a-z]
 *            one byte in (or not in) the set; never '/'; ']' first in the set is
 *            literal; ranges are by byte value; '\' escapes inside the set
 *   \c       the byte c literally
 * Matching is by bytes: '?' matches one byte, not one UTF-8 character. A leading '.'
 * is not special. The whole string must match (anchored at both ends).
 * With IOR_GLOB_PLAIN (for comms, which may contain '/'), '/' is an ordinary byte:
 * '*' and '**' are the same and '?' and sets match '/' too.
 *
 * Cost: compiled once to a bit-parallel NFA; a match takes O(len * ceil(tokens / 64))
 * steps with no recursion and no backtracking, whatever the pattern ("*a*a*a*a*b"
 * against a long string stays linear). Literal prefix and suffix are compared first.
 */
#ifndef IOR_ANALYZER_GLOB_H
#define IOR_ANALYZER_GLOB_H

#include <stdbool.h>
#include <stddef.h>

enum ior_glob_flags {
	IOR_GLOB_PATH = 0,
	IOR_GLOB_PLAIN = 1u << 0,
};

/* Longest pattern accepted, in bytes. */
#define IOR_GLOB_MAX_PATTERN 4096

struct ior_glob;

/*
 * Compile pattern[0..len). On success *out is set and 0 returned; the caller frees it
 * with ior_glob__free(). On a malformed pattern returns -EINVAL and writes a one-line
 * reason (no trailing newline, e.g. "unterminated '[' at offset 4") to err[0..errlen)
 * when err is not NULL; -ENOMEM on allocation failure.
 */
int ior_glob__compile(struct ior_glob **out, const char *pattern, size_t len, unsigned flags,
		      char *err, size_t errlen);

/* Whether s[0..len) matches. Thread-safe on a shared compiled glob; never allocates. */
bool ior_glob__match(const struct ior_glob *g, const void *s, size_t len);

/* The pattern as given (NUL-terminated copy), for messages. */
const char *ior_glob__pattern(const struct ior_glob *g);

/* NULL is a no-op. */
void ior_glob__free(struct ior_glob *g);

/* Whether pattern has any of * ? [ \ (i.e. is not a plain literal). */
bool ior_glob_has_magic(const char *pattern, size_t len);

#endif /* IOR_ANALYZER_GLOB_H */
