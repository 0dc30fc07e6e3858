/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small growable byte buffer the analyzer's formatters append to.
 *
 * Zero-initialise (IOR_BUF_INIT) before first use; ior_buf__free() releases the memory.
 * The bytes are always NUL-terminated after len once anything was added, so data can be
 * used as a C string when it holds no NUL. Appending never truncates: on allocation
 * failure the call returns -ENOMEM, leaves the content as it was and sets the sticky
 * flag oom, so a caller may append many pieces and check once.
 */
#ifndef IOR_ANALYZER_BUF_H
#define IOR_ANALYZER_BUF_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct ior_buf {
	char *data; /* NULL until the first append */
	size_t len;
	size_t cap;
	bool oom; /* an append failed since the last ior_buf__reset() */
};

#define IOR_BUF_INIT                                                                               \
	{                                                                                          \
		0                                                                                  \
	}

void ior_buf__free(struct ior_buf *b);

/* Drop the content, keep the memory (and clear oom). */
static inline void ior_buf__reset(struct ior_buf *b)
{
	b->len = 0;
	b->oom = false;
	if (b->data)
		b->data[0] = '\0';
}

/* Make room for extra more bytes (plus the NUL). 0 or -ENOMEM. */
int ior_buf__grow(struct ior_buf *b, size_t extra);

/* The content as a C string: "" when empty, never NULL. Valid until the next append. */
static inline const char *ior_buf__str(const struct ior_buf *b)
{
	return b->data ? b->data : "";
}

static inline int ior_buf__add(struct ior_buf *b, const void *p, size_t n)
{
	if (b->cap - b->len <= n && ior_buf__grow(b, n))
		return -ENOMEM;
	memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
	return 0;
}

static inline int ior_buf__addc(struct ior_buf *b, char c)
{
	return ior_buf__add(b, &c, 1);
}

static inline int ior_buf__adds(struct ior_buf *b, const char *s)
{
	return ior_buf__add(b, s, strlen(s));
}

/* Decimal integers, the common case of the formatters, without printf. */
int ior_buf__add_u64(struct ior_buf *b, uint64_t v);
int ior_buf__add_i64(struct ior_buf *b, int64_t v);
/* "0x" and lowercase hex digits, no padding. */
int ior_buf__add_hex(struct ior_buf *b, uint64_t v);
/* ns as seconds with six decimals ("-1.000250"), truncated like ior_fmt_seconds(). */
int ior_buf__add_seconds(struct ior_buf *b, int64_t ns);

__attribute__((format(printf, 2, 3))) int ior_buf__addf(struct ior_buf *b, const char *fmt, ...);
int ior_buf__vaddf(struct ior_buf *b, const char *fmt, va_list ap);

#endif /* IOR_ANALYZER_BUF_H */
