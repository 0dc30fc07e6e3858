// SPDX-License-Identifier: GPL-2.0-only
/* analyzer/glob: path globs on byte strings, checked against a tiny reference matcher. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/glob.h"

static int glob_match(const char *pat, const char *s, size_t slen, unsigned flags)
{
	struct ior_glob *g;
	char err[128];
	int m;

	if (ior_glob__compile(&g, pat, strlen(pat), flags, err, sizeof(err)))
		return -1;
	m = ior_glob__match(g, s, slen);
	ior_glob__free(g);
	return m;
}

static const struct {
	const char *pat, *s;
	int want; /* 1 match, 0 no match */
	unsigned flags;
} cases[] = {
    {"/var/**/x", "/var/x", 1, 0},
    {"/var/**/x", "/var/a/x", 1, 0},
    {"/var/**/x", "/var/a/b/c/x", 1, 0},
    {"/var/**/x", "/varx", 0, 0},
    {"/var/**/x", "/var/ax", 0, 0},
    {"/var/**/x", "/var/a/xy", 0, 0},
    {"/var/**", "/var", 0, 0},
    {"/var/**", "/var/", 1, 0},
    {"/var/**", "/var/lib/mysql/ibdata1", 1, 0},
    {"**", "", 1, 0},
    {"**", "/a/b/c", 1, 0},
    {"*", "", 1, 0},
    {"*", "abc", 1, 0},
    {"*", "a/b", 0, 0},
    {"/etc/*.conf", "/etc/a.conf", 1, 0},
    {"/etc/*.conf", "/etc/.conf", 1, 0},
    {"/etc/*.conf", "/etc/sub/a.conf", 0, 0},
    {"/etc/*.conf", "/etc/a.conf.bak", 0, 0},
    {"**/*.log", "/var/log/syslog.log", 1, 0},
    {"**/*.log", "x.log", 1, 0},
    {"**/*.log", "/x.log", 1, 0},
    {"**/*.log", "/var/log/x.log/y", 0, 0},
    {"/a/**/b/**/c", "/a/b/c", 1, 0},
    {"/a/**/b/**/c", "/a/x/b/y/z/c", 1, 0},
    {"/a/**/b/**/c", "/a/bc", 0, 0},
    {"/a/**/**/b", "/a/b", 1, 0},
    {"/a/**/**/b", "/a/x/y/b", 1, 0},
    {"/a/***/b", "/a/b", 1, 0},
    {"/a/***/b", "/a/x/y/b", 1, 0},
    {"/var/log**", "/var/log/x/y", 1, 0},
    {"/var/log**", "/var/logrotate", 1, 0},
    {"/a/x**/b", "/a/x/b", 1, 0},
    {"/a/x**/b", "/a/b", 0, 0},
    {"/a/**x/b", "/a/q/x/b", 1, 0},
    {"/**/x", "/x", 1, 0},
    {"/**/x", "/a/x", 1, 0},
    {"/**/", "/", 1, 0},
    {"/**/", "/a/", 1, 0},
    {"?", "a", 1, 0},
    {"?", "/", 0, 0},
    {"?", "", 0, 0},
    {"?", "ab", 0, 0},
    {"a?c", "abc", 1, 0},
    {"[abc]", "b", 1, 0},
    {"[abc]", "d", 0, 0},
    {"[a-z]x", "qx", 1, 0},
    {"[!a-z]", "A", 1, 0},
    {"[!a-z]", "q", 0, 0},
    {"[^a-z]", "Q", 1, 0},
    {"[!a]", "/", 0, 0},
    {"[/]", "/", 0, 0},
    {"[]]", "]", 1, 0},
    {"[!]]", "a", 1, 0},
    {"[!]]", "]", 0, 0},
    {"[a-]", "-", 1, 0},
    {"[\\]]", "]", 1, 0},
    {"[\\!a]", "!", 1, 0},
    {"\\*", "*", 1, 0},
    {"\\*", "a", 0, 0},
    {"\\[x]", "[x]", 1, 0},
    {"a\\\\b", "a\\b", 1, 0},
    {"", "", 1, 0},
    {"", "a", 0, 0},
    {"/exact/path", "/exact/path", 1, 0},
    {"/exact/path", "/exact/pat", 0, 0},
    {"/exact/path", "/exact/paths", 0, 0},
    {"/tmp/\xff*", "/tmp/\xff\xfe", 1, 0},
    {"/tmp/[\x80-\xff]", "/tmp/\xc3", 1, 0},
    {"/tmp/?", "/tmp/\xc3\xa9", 0, 0}, /* '?' is one byte */
    {"/tmp/??", "/tmp/\xc3\xa9", 1, 0},
    {"*a*a*a*a*b", "aaaaaaaaaab", 1, 0},
    {"*a*a*a*a*b", "aaaaaaaaaaa", 0, 0},
    /* IOR_GLOB_PLAIN: '/' is an ordinary byte (comms such as kworker/0:1) */
    {"kworker/*", "kworker/0:1", 1, IOR_GLOB_PLAIN},
    {"*", "a/b", 1, IOR_GLOB_PLAIN},
    {"a?b", "a/b", 1, IOR_GLOB_PLAIN},
    {"[!x]", "/", 1, IOR_GLOB_PLAIN},
    {"k*1", "kworker/0:1", 1, IOR_GLOB_PLAIN},
};

START_TEST(test_glob_table)
{
	int m = glob_match(cases[_i].pat, cases[_i].s, strlen(cases[_i].s), cases[_i].flags);

	ck_assert_msg(m == cases[_i].want, "glob \"%s\" on \"%s\" (flags %u) = %d, want %d",
		      cases[_i].pat, cases[_i].s, cases[_i].flags, m, cases[_i].want);
}
END_TEST

static const struct {
	const char *pat;
	const char *msg;
} bad[] = {
    {"a\\", "trailing '\\' at offset 1"},     {"/x/[abc", "unterminated '[' at offset 3"},
    {"[]", "unterminated '[' at offset 0"},   {"[z-a]", "reversed range in '[...]' at offset 0"},
    {"[a\\", "unterminated '[' at offset 0"},
};

START_TEST(test_glob_bad)
{
	struct ior_glob *g = (void *)1;
	char err[128] = "";
	int ret = ior_glob__compile(&g, bad[_i].pat, strlen(bad[_i].pat), 0, err, sizeof(err));

	ck_assert_msg(ret == -EINVAL, "compile(\"%s\") = %d", bad[_i].pat, ret);
	ck_assert_ptr_null(g);
	ck_assert_msg(strcmp(err, bad[_i].msg) == 0, "compile(\"%s\") said \"%s\"", bad[_i].pat,
		      err);
}
END_TEST

/*
 * The reference: the syntax's definition as a plain backtracking matcher, fine for
 * the short strings of the randomised comparison.
 */
static int ref_set(const char **pp, unsigned char c)
{
	const char *p = *pp + 1;
	int neg = 0, in = 0, first = 1;

	if (*p == '!' || *p == '^') {
		neg = 1;
		p++;
	}
	while (*p != ']' || first) {
		unsigned char lo = (unsigned char)*p++, hi = lo;

		first = 0;
		if (*p == '-' && p[1] != ']') {
			hi = (unsigned char)p[1];
			p += 2;
		}
		if (c >= lo && c <= hi)
			in = 1;
	}
	*pp = p + 1;
	return c != '/' && in != neg;
}

static int ref(const char *pat, const char *p, const char *s, const char *end)
{
	if (!*p)
		return s == end;
	if (*p == '*') {
		size_t k = strspn(p, "*");
		int comp = (p == pat || p[-1] == '/') && p[k] == '/';

		if (k >= 2 && comp && ref(pat, p + k + 1, s, end))
			return 1;
		for (const char *t = s;; t++) {
			if (ref(pat, p + k, t, end))
				return 1;
			if (t == end || (k == 1 && *t == '/'))
				return 0;
		}
	}
	if (s == end)
		return 0;
	if (*p == '?')
		return *s != '/' && ref(pat, p + 1, s + 1, end);
	if (*p == '[') {
		const char *q = p;

		return ref_set(&q, (unsigned char)*s) && ref(pat, q, s + 1, end);
	}
	return *p == *s && ref(pat, p + 1, s + 1, end);
}

/* Random patterns and strings over a small alphabet; pad makes the NFA use several words. */
static void random_compare(size_t pad, unsigned int seed)
{
	static const char *ptok[] = {"a", "b", "/", "*", "**", "?", "[!a]", "[ab]", "**/"};
	static const char stok[] = "ab/";
	char pat[256], s[128];

	for (int round = 0; round < 20000; round++) {
		size_t np = 0, ns = 0, n = (size_t)(rand_r(&seed) % 7), m;

		for (size_t i = 0; i < pad; i++)
			pat[np++] = '?';
		for (size_t i = 0; i < n; i++) {
			const char *t = ptok[rand_r(&seed) % 9];

			memcpy(pat + np, t, strlen(t));
			np += strlen(t);
		}
		pat[np] = '\0';
		m = (size_t)(rand_r(&seed) % 8);
		for (size_t i = 0; i < pad; i++)
			s[ns++] = 'x';
		for (size_t i = 0; i < m; i++)
			s[ns++] = stok[rand_r(&seed) % 3];
		s[ns] = '\0';
		ck_assert_msg(glob_match(pat, s, ns, 0) == ref(pat, pat, s, s + ns),
			      "glob \"%s\" on \"%s\": %d, reference says %d", pat, s,
			      glob_match(pat, s, ns, 0), ref(pat, pat, s, s + ns));
	}
}

START_TEST(test_glob_random_vs_reference)
{
	random_compare(0, 1);
}
END_TEST

START_TEST(test_glob_random_multiword)
{
	random_compare(70, 2);
	random_compare(130, 3);
}
END_TEST

/*
 * Hostile patterns against long inputs: a backtracking matcher takes exponential or
 * high-polynomial time here; ours is linear and finishes well inside Check's timeout.
 */
START_TEST(test_glob_hostile)
{
	static const char *pats[] = {"*a*a*a*a*a*a*a*a*a*a*b", "**a**a**a**a**a**a**b",
				     "/**/a/**/a/**/a/**/a/**/b", "*?*?*?*?*?*?*?*?*?*?b",
				     "[a]*[a]*[a]*[a]*[a]*[a]*[a]*b"};
	size_t len = 1 << 20;
	char *s = malloc(len);

	ck_assert_ptr_nonnull(s);
	for (size_t p = 0; p < sizeof(pats) / sizeof(pats[0]); p++) {
		memset(s, 'a', len);
		if (p == 2)
			for (size_t i = 0; i < len; i += 2)
				s[i] = '/';
		ck_assert_msg(glob_match(pats[p], s, len, 0) == 0, "\"%s\" on 1 MiB of a", pats[p]);
		s[len - 1] = 'b';
		ck_assert_msg(glob_match(pats[p], s, len, 0) == 1, "\"%s\" on a...b", pats[p]);
	}
	free(s);
}
END_TEST

START_TEST(test_glob_long_pattern)
{
	char pat[IOR_GLOB_MAX_PATTERN + 2], err[128];
	struct ior_glob *g;

	memset(pat, '*', sizeof(pat));
	ck_assert_int_eq(ior_glob__compile(&g, pat, sizeof(pat), 0, err, sizeof(err)), -EINVAL);
	/* the longest accepted pattern: 2048 one-byte stars separated by '/' */
	for (size_t i = 0; i < IOR_GLOB_MAX_PATTERN; i++)
		pat[i] = i & 1 ? '/' : '*';
	ck_assert_int_eq(ior_glob__compile(&g, pat, IOR_GLOB_MAX_PATTERN, 0, err, sizeof(err)), 0);
	ck_assert(ior_glob__match(g, pat, IOR_GLOB_MAX_PATTERN));
	ck_assert(!ior_glob__match(g, "/", 1));
	ior_glob__free(g);
	ck_assert(!ior_glob_has_magic("/plain/path", 11));
	ck_assert(ior_glob_has_magic("/a/*", 4));
}
END_TEST

Suite *glob_suite(void)
{
	Suite *s = suite_create("glob");
	TCase *tc = tcase_create("glob");

	tcase_add_loop_test(tc, test_glob_table, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_loop_test(tc, test_glob_bad, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_glob_random_vs_reference);
	tcase_add_test(tc, test_glob_random_multiword);
	tcase_add_test(tc, test_glob_hostile);
	tcase_add_test(tc, test_glob_long_pattern);
	suite_add_tcase(s, tc);
	return s;
}
