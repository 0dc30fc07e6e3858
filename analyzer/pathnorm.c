// SPDX-License-Identifier: GPL-2.0-only
#include "analyzer/pathnorm.h"

#include <string.h>

/*
 * Whether p (normalised, plen bytes) is dir or lies below it. "/" has no components and
 * contains everything.
 */
static bool is_under(const char *p, size_t plen, const char *dir, size_t dlen)
{
	if (dlen == 1)
		return true;
	return plen >= dlen && memcmp(p, dir, dlen) == 0 && (plen == dlen || p[dlen] == '/');
}

/*
 * The result is built without its leading "/" special case: "" stands for "/" and every
 * component is appended as "/name", so ".." is "cut at the last '/'" and floor (the
 * length of the root prefix) is always at a component boundary.
 */
static void walk(struct ior_buf *out, size_t floor, const char *path, size_t len)
{
	size_t i = 0;

	while (i < len) {
		size_t s, n;

		while (i < len && path[i] == '/')
			i++;
		s = i;
		while (i < len && path[i] != '/')
			i++;
		n = i - s;
		if (n == 0 || (n == 1 && path[s] == '.'))
			continue;
		if (n == 2 && path[s] == '.' && path[s + 1] == '.') {
			while (out->len > floor && out->data[out->len - 1] != '/')
				out->len--;
			if (out->len > floor)
				out->len--;
			continue;
		}
		out->data[out->len++] = '/';
		memcpy(out->data + out->len, path + s, n);
		out->len += n;
	}
}

int ior_path_resolve(struct ior_buf *out, const char *root, size_t rlen, const char *base,
		     size_t blen, const char *path, size_t len)
{
	bool abs = len && path[0] == '/';
	const char *start = abs ? root : base;
	size_t slen = abs ? rlen : blen, floor;

	ior_buf__reset(out);
	/* room for the start, every byte of path and a '/' before each component, NUL */
	if (ior_buf__grow(out, slen + 2 * len + 2))
		return -ENOMEM;
	floor = rlen > 1 && is_under(start, slen, root, rlen) ? rlen : 0;
	if (slen == 1 && start[0] == '/')
		slen = 0;
	memcpy(out->data, start, slen);
	out->len = slen;
	walk(out, floor, path, len);
	if (!out->len)
		out->data[out->len++] = '/';
	out->data[out->len] = '\0';
	return 0;
}

bool ior_path_is_norm(const char *s, size_t len)
{
	if (!len || s[0] != '/')
		return false;
	if (len == 1)
		return true;
	if (s[len - 1] == '/')
		return false;
	for (size_t i = 0; i < len; i++) {
		size_t j;

		if (s[i] != '/')
			continue;
		j = i + 1;
		if (j == len || s[j] == '/')
			return false;
		if (s[j] == '.' && (j + 1 == len || s[j + 1] == '/'))
			return false;
		if (s[j] == '.' && s[j + 1] == '.' && (j + 2 == len || s[j + 2] == '/'))
			return false;
	}
	return true;
}
