// SPDX-License-Identifier: GPL-2.0-only
/*
 * The glob is compiled to a Thompson NFA run bit-parallel (shift-and): state bit j
 * means "tokens 0..j-1 matched", bit ntok is acceptance. A consuming token j moves bit j
 * to j+1 on the bytes it accepts; a star token keeps bit j on the bytes it accepts and
 * has an epsilon edge j -> j+1. "**" followed by '/' as a whole component is compiled as
 * (GATE, DSTAR, '/') where the non-consuming GATE has epsilon edges to the DSTAR and
 * past the '/' (j -> j+3): that is how it matches zero components, and only there,
 * since no byte ever leads back into the GATE.
 */
#include "analyzer/glob.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum tok_kind { T_LIT, T_ANY, T_SET, T_GATE, T_STAR, T_DSTAR };

struct tok {
	uint8_t kind;
	uint8_t c;    /* T_LIT */
	uint32_t set; /* T_SET: index into sets */
};

struct byteset {
	uint64_t w[4];
};

struct ior_glob {
	char *pattern;
	uint32_t ntok, nw;
	uint32_t nprefix, nsuffix; /* literal tokens at the start and the end */
	bool literal;		   /* all tokens literal: a plain comparison */
	bool has_eps;
	unsigned char *lits;   /* lits[j]: the byte of literal token j */
	uint64_t *accept;      /* [256][nw]: consuming tokens accepting byte c */
	uint64_t *loop;	       /* [256][nw]: star tokens accepting byte c */
	uint64_t *eps1, *eps3; /* [nw]: epsilon edges to j+1, j+3 */
};

#define MAX_WORDS ((IOR_GLOB_MAX_PATTERN + 1 + 63) / 64)

struct parser {
	const unsigned char *p;
	size_t len, i;
	unsigned flags;
	struct tok *toks;
	uint32_t ntok;
	struct byteset *sets;
	uint32_t nsets;
	char *err;
	size_t errlen;
};

static int parse_error(struct parser *ps, const char *what, size_t at)
{
	if (ps->err && ps->errlen)
		snprintf(ps->err, ps->errlen, "%s at offset %zu", what, at);
	return -EINVAL;
}

static inline void set_add(struct byteset *s, unsigned char c)
{
	s->w[c >> 6] |= 1ull << (c & 63);
}

static inline bool set_has(const struct byteset *s, unsigned char c)
{
	return s->w[c >> 6] >> (c & 63) & 1;
}

/* One set member (a byte, possibly escaped); advances ps->i. */
static int set_byte(struct parser *ps, size_t open, unsigned char *c)
{
	if (ps->i < ps->len && ps->p[ps->i] == '\\')
		ps->i++;
	if (ps->i >= ps->len)
		return parse_error(ps, "unterminated '['", open);
	*c = ps->p[ps->i++];
	return 0;
}

/* "[...]" starting at ps->i (on the '['). */
static int parse_set(struct parser *ps, struct byteset *set)
{
	size_t open = ps->i++;
	bool neg = false, first = true;
	unsigned char lo, hi;

	memset(set, 0, sizeof(*set));
	if (ps->i < ps->len && (ps->p[ps->i] == '!' || ps->p[ps->i] == '^')) {
		neg = true;
		ps->i++;
	}
	for (;;) {
		if (ps->i >= ps->len)
			return parse_error(ps, "unterminated '['", open);
		if (ps->p[ps->i] == ']' && !first)
			break;
		first = false;
		if (set_byte(ps, open, &lo))
			return -EINVAL;
		hi = lo;
		if (ps->i + 1 < ps->len && ps->p[ps->i] == '-' && ps->p[ps->i + 1] != ']') {
			ps->i++;
			if (set_byte(ps, open, &hi))
				return -EINVAL;
			if (hi < lo)
				return parse_error(ps, "reversed range in '[...]'", open);
		}
		for (unsigned c = lo; c <= hi; c++)
			set_add(set, (unsigned char)c);
	}
	ps->i++;
	if (neg)
		for (int k = 0; k < 4; k++)
			set->w[k] = ~set->w[k];
	if (!(ps->flags & IOR_GLOB_PLAIN))
		set->w['/' >> 6] &= ~(1ull << ('/' & 63));
	return 0;
}

static void add_tok(struct parser *ps, uint8_t kind, uint8_t c)
{
	ps->toks[ps->ntok++] = (struct tok){.kind = kind, .c = c, .set = ps->nsets};
}

/* A run of stars at ps->i. */
static void parse_stars(struct parser *ps)
{
	size_t start = ps->i;
	const struct tok *t = ps->toks;
	uint32_t n = ps->ntok;
	bool comp_start, comp_end;

	while (ps->i < ps->len && ps->p[ps->i] == '*')
		ps->i++;
	if (ps->i - start == 1 && !(ps->flags & IOR_GLOB_PLAIN)) {
		add_tok(ps, T_STAR, 0);
		return;
	}
	comp_start = start == 0 || ps->p[start - 1] == '/';
	comp_end = ps->i < ps->len && ps->p[ps->i] == '/';
	if (ps->flags & IOR_GLOB_PLAIN || !comp_start || !comp_end) {
		add_tok(ps, T_DSTAR, 0);
		return;
	}
	/* "**" "/" right after another "**" "/" adds nothing: drop both */
	if (n >= 3 && t[n - 3].kind == T_GATE) {
		ps->i++;
		return;
	}
	add_tok(ps, T_GATE, 0);
	add_tok(ps, T_DSTAR, 0);
}

static int parse(struct parser *ps)
{
	while (ps->i < ps->len) {
		unsigned char c = ps->p[ps->i];

		if (c == '*') {
			parse_stars(ps);
		} else if (c == '?') {
			add_tok(ps, T_ANY, 0);
			ps->i++;
		} else if (c == '[') {
			if (parse_set(ps, &ps->sets[ps->nsets]))
				return -EINVAL;
			add_tok(ps, T_SET, 0);
			ps->nsets++;
		} else if (c == '\\') {
			if (ps->i + 1 >= ps->len)
				return parse_error(ps, "trailing '\\'", ps->i);
			add_tok(ps, T_LIT, ps->p[ps->i + 1]);
			ps->i += 2;
		} else {
			add_tok(ps, T_LIT, c);
			ps->i++;
		}
	}
	return 0;
}

static inline void bit_set(uint64_t *w, uint32_t j)
{
	w[j >> 6] |= 1ull << (j & 63);
}

/* Fill the per-byte tables from the tokens. */
static void build_tables(struct ior_glob *g, const struct tok *toks, const struct byteset *sets,
			 unsigned flags)
{
	for (uint32_t j = 0; j < g->ntok; j++) {
		const struct tok *t = &toks[j];

		if (t->kind == T_LIT) {
			bit_set(g->accept + (size_t)t->c * g->nw, j);
			g->lits[j] = t->c;
			continue;
		}
		for (unsigned c = 0; c < 256; c++) {
			bool slash_ok = c != '/' || (flags & IOR_GLOB_PLAIN);
			uint64_t *acc = g->accept + (size_t)c * g->nw;
			uint64_t *loop = g->loop + (size_t)c * g->nw;

			if (t->kind == T_ANY && slash_ok)
				bit_set(acc, j);
			else if (t->kind == T_SET && set_has(&sets[t->set], (unsigned char)c))
				bit_set(acc, j);
			else if (t->kind == T_STAR && slash_ok)
				bit_set(loop, j);
			else if (t->kind == T_DSTAR)
				bit_set(loop, j);
		}
		if (t->kind >= T_GATE) {
			bit_set(g->eps1, j);
			g->has_eps = true;
		}
		if (t->kind == T_GATE)
			bit_set(g->eps3, j);
	}
}

/* Literal prefix and suffix, checked with memcmp before the NFA runs. */
static void find_literals(struct ior_glob *g, const struct tok *toks)
{
	uint32_t j = 0, k = g->ntok;

	while (j < g->ntok && toks[j].kind == T_LIT)
		j++;
	g->nprefix = j;
	g->literal = j == g->ntok;
	if (g->literal)
		return;
	while (k > j && toks[k - 1].kind == T_LIT)
		k--;
	/* the '/' after a gated "**" may be skipped, so it cannot be required */
	if (k < g->ntok && k >= 2 && toks[k - 2].kind == T_GATE)
		k++;
	g->nsuffix = g->ntok - k;
}

static int glob_alloc(struct ior_glob *g)
{
	g->nw = (g->ntok + 1 + 63) / 64;
	g->lits = calloc(g->ntok + 1, 1);
	g->accept = calloc((size_t)256 * g->nw, sizeof(uint64_t));
	g->loop = calloc((size_t)256 * g->nw, sizeof(uint64_t));
	g->eps1 = calloc(g->nw, sizeof(uint64_t));
	g->eps3 = calloc(g->nw, sizeof(uint64_t));
	if (!g->lits || !g->accept || !g->loop || !g->eps1 || !g->eps3)
		return -ENOMEM;
	return 0;
}

int ior_glob__compile(struct ior_glob **out, const char *pattern, size_t len, unsigned flags,
		      char *err, size_t errlen)
{
	struct parser ps = {.p = (const unsigned char *)pattern,
			    .len = len,
			    .flags = flags,
			    .err = err,
			    .errlen = errlen};
	struct ior_glob *g = NULL;
	int ret = -ENOMEM;

	*out = NULL;
	if (len > IOR_GLOB_MAX_PATTERN)
		return parse_error(&ps, "pattern longer than 4096 bytes", IOR_GLOB_MAX_PATTERN);
	/* at most one token per pattern byte and one set per '[' */
	ps.toks = calloc(len + 1, sizeof(*ps.toks));
	ps.sets = calloc(len / 2 + 1, sizeof(*ps.sets));
	g = calloc(1, sizeof(*g));
	if (!ps.toks || !ps.sets || !g)
		goto cleanup;
	ret = parse(&ps);
	if (ret)
		goto cleanup;
	g->ntok = ps.ntok;
	g->pattern = strndup(pattern, len);
	ret = -ENOMEM;
	if (!g->pattern || glob_alloc(g))
		goto cleanup;
	build_tables(g, ps.toks, ps.sets, flags);
	find_literals(g, ps.toks);
	*out = g;
	g = NULL;
	ret = 0;
cleanup:
	ior_glob__free(g);
	free(ps.toks);
	free(ps.sets);
	return ret;
}

void ior_glob__free(struct ior_glob *g)
{
	if (!g)
		return;
	free(g->pattern);
	free(g->lits);
	free(g->accept);
	free(g->loop);
	free(g->eps1);
	free(g->eps3);
	free(g);
}

const char *ior_glob__pattern(const struct ior_glob *g)
{
	return g->pattern;
}

bool ior_glob_has_magic(const char *pattern, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (pattern[i] == '*' || pattern[i] == '?' || pattern[i] == '[' ||
		    pattern[i] == '\\')
			return true;
	return false;
}

static inline uint64_t close1(uint64_t d, uint64_t e1, uint64_t e3)
{
	for (;;) {
		uint64_t x = d | (d & e1) << 1 | (d & e3) << 3;

		if (x == d)
			return d;
		d = x;
	}
}

/* The NFA in one word (patterns of up to 63 tokens): from state bit from to bit to. */
static bool run1(const struct ior_glob *g, const unsigned char *s, size_t n, uint32_t from,
		 uint32_t to)
{
	uint64_t e1 = g->eps1[0], e3 = g->eps3[0];
	uint64_t d = close1(1ull << from, e1, e3);

	for (size_t i = 0; i < n; i++) {
		unsigned c = s[i];

		d = (d & g->accept[c]) << 1 | (d & g->loop[c]);
		if (g->has_eps)
			d = close1(d, e1, e3);
		if (!d)
			return false;
	}
	return d >> to & 1;
}

static void closen(const struct ior_glob *g, uint64_t *d)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (uint32_t w = 0; w < g->nw; w++) {
			uint64_t a = d[w] & g->eps1[w], b = d[w] & g->eps3[w], x;

			x = a << 1 | b << 3;
			if (w)
				x |= (d[w - 1] & g->eps1[w - 1]) >> 63 |
				     (d[w - 1] & g->eps3[w - 1]) >> 61;
			if (x & ~d[w]) {
				d[w] |= x;
				changed = true;
			}
		}
	}
}

/* The same over several words, for long patterns. */
static bool runn(const struct ior_glob *g, const unsigned char *s, size_t n, uint32_t from,
		 uint32_t to)
{
	uint64_t d[MAX_WORDS] = {0};
	uint32_t nw = g->nw;

	d[from >> 6] = 1ull << (from & 63);
	closen(g, d);
	for (size_t i = 0; i < n; i++) {
		const uint64_t *acc = g->accept + (size_t)s[i] * nw;
		const uint64_t *loop = g->loop + (size_t)s[i] * nw;
		uint64_t carry = 0, any = 0;

		/* ascending, so d[w] still holds the old state when word w+1 needs its carry */
		for (uint32_t w = 0; w < nw; w++) {
			uint64_t moved = d[w] & acc[w];

			d[w] = moved << 1 | carry | (d[w] & loop[w]);
			carry = moved >> 63;
			any |= d[w];
		}
		if (!any)
			return false;
		closen(g, d);
	}
	return d[to >> 6] >> (to & 63) & 1;
}

bool ior_glob__match(const struct ior_glob *g, const void *str, size_t len)
{
	const unsigned char *s = str;
	uint32_t np = g->nprefix, ns = g->nsuffix;

	if (g->literal)
		return len == g->ntok && memcmp(s, g->lits, len) == 0;
	if (len < (size_t)np + ns || memcmp(s, g->lits, np) ||
	    memcmp(s + len - ns, g->lits + g->ntok - ns, ns))
		return false;
	/* the literal suffix is matched already: stop in the state just before it */
	if (g->nw == 1)
		return run1(g, s + np, len - np - ns, np, g->ntok - ns);
	return runn(g, s + np, len - np - ns, np, g->ntok - ns);
}
