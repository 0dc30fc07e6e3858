// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer target for analyzer/glob. Input: one flags byte, then the pattern up to the
 * first NUL byte, then the subject string. Besides crashes and sanitizer reports it
 * checks two properties: a pattern with no magic matches itself, and the pattern made
 * by backslash-escaping every byte of the subject matches the subject and only it.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/glob.h"

static void check_escaped_literal(const uint8_t *s, size_t len, unsigned flags)
{
	char *pat = malloc(2 * len + 1);
	struct ior_glob *g;

	if (!pat || len > IOR_GLOB_MAX_PATTERN / 2) {
		free(pat);
		return;
	}
	for (size_t i = 0; i < len; i++) {
		pat[2 * i] = '\\';
		pat[2 * i + 1] = (char)s[i];
	}
	if (ior_glob__compile(&g, pat, 2 * len, flags, NULL, 0))
		__builtin_trap(); /* every escaped byte is a valid pattern */
	if (!ior_glob__match(g, s, len))
		__builtin_trap();
	if (len && ior_glob__match(g, s, len - 1))
		__builtin_trap();
	ior_glob__free(g);
	free(pat);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const uint8_t *pat, *nul, *subj;
	size_t plen, slen;
	unsigned flags;
	struct ior_glob *g;
	char err[128];

	if (size < 1)
		return 0;
	flags = data[0] & 1 ? IOR_GLOB_PLAIN : IOR_GLOB_PATH;
	pat = data + 1;
	nul = memchr(pat, 0, size - 1);
	plen = nul ? (size_t)(nul - pat) : size - 1;
	subj = nul ? nul + 1 : pat + plen;
	slen = size - 1 - plen - (nul ? 1 : 0);
	if (ior_glob__compile(&g, (const char *)pat, plen, flags, err, sizeof(err)) == 0) {
		bool m = ior_glob__match(g, subj, slen);

		(void)m;
		if (!ior_glob_has_magic((const char *)pat, plen) && !ior_glob__match(g, pat, plen))
			__builtin_trap();
		ior_glob__free(g);
	} else if (!err[0]) {
		__builtin_trap(); /* every rejection explains itself */
	}
	check_escaped_literal(subj, slen, flags);
	return 0;
}
