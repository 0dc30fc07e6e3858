// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/buf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

void ior_buf__free(struct ior_buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = 0;
	b->cap = 0;
	b->oom = false;
}

int ior_buf__grow(struct ior_buf *b, size_t extra)
{
	size_t need, cap;
	char *p;

	if (extra > SIZE_MAX / 2 - b->len - 1)
		goto fail;
	need = b->len + extra + 1;
	if (need <= b->cap)
		return 0;
	/* double, so a line built byte by byte costs amortised O(1) per byte */
	cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap *= 2;
	p = realloc(b->data, cap);
	if (!p)
		goto fail;
	if (!b->data)
		p[0] = '\0';
	b->data = p;
	b->cap = cap;
	return 0;
fail:
	b->oom = true;
	return -ENOMEM;
}

int ior_buf__add_u64(struct ior_buf *b, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return ior_buf__add(b, tmp + i, sizeof(tmp) - i);
}

int ior_buf__add_i64(struct ior_buf *b, int64_t v)
{
	if (v >= 0)
		return ior_buf__add_u64(b, (uint64_t)v);
	if (ior_buf__addc(b, '-'))
		return -ENOMEM;
	/* negate in unsigned arithmetic: INT64_MIN has no positive int64_t */
	return ior_buf__add_u64(b, 0 - (uint64_t)v);
}

int ior_buf__add_seconds(struct ior_buf *b, int64_t ns)
{
	/* by hand: this runs for every line of a dump, where snprintf dominated */
	uint64_t a = ns < 0 ? 0 - (uint64_t)ns : (uint64_t)ns, us = a % 1000000000u / 1000u;
	char frac[8] = ".000000";

	for (int i = 6; i > 0; i--, us /= 10)
		frac[i] = (char)('0' + us % 10);
	if ((ns < 0 && ior_buf__addc(b, '-')) || ior_buf__add_u64(b, a / 1000000000u))
		return -ENOMEM;
	return ior_buf__add(b, frac, 7);
}

int ior_buf__add_hex(struct ior_buf *b, uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char tmp[18];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = digits[v & 15];
		v >>= 4;
	} while (v);
	tmp[--i] = 'x';
	tmp[--i] = '0';
	return ior_buf__add(b, tmp + i, sizeof(tmp) - i);
}

int ior_buf__vaddf(struct ior_buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0)
		return -EINVAL;
	if (ior_buf__grow(b, (size_t)n))
		return -ENOMEM;
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
	return 0;
}

int ior_buf__addf(struct ior_buf *b, const char *fmt, ...)
{
	va_list ap;
	int err;

	va_start(ap, fmt);
	err = ior_buf__vaddf(b, fmt, ap);
	va_end(ap);
	return err;
}
