// SPDX-License-Identifier: GPL-2.0-only
/*
 * The frame tree of a flame graph and its layout: which frames are drawn where.
 * The SVG itself is written by flamegraph_svg.c.
 */
#include "analyzer/flamegraph.h"
#include "analyzer/flamegraph_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/escape.h"

#define MAX_NODES (UINT32_MAX - 1)

struct ior_flame *ior_flame__new(void)
{
	struct ior_flame *fg = calloc(1, sizeof(*fg));

	if (!fg)
		goto fail;
	fg->names = ior_intern__new();
	fg->nodes = calloc(256, sizeof(*fg->nodes));
	if (!fg->names || !fg->nodes)
		goto fail;
	fg->cap = 256;
	fg->count = 1; /* the root */
	return fg;
fail:
	ior_flame__free(fg);
	errno = ENOMEM;
	return NULL;
}

void ior_flame__free(struct ior_flame *fg)
{
	if (!fg)
		return;
	ior_intern__free(fg->names);
	free(fg->nodes);
	ior_u64map__free(&fg->edges);
	ior_buf__free(&fg->scratch);
	free(fg->frames);
	free(fg->lens);
	free(fg);
}

static uint64_t sat_add(uint64_t x, uint64_t y)
{
	return x > UINT64_MAX - y ? UINT64_MAX : x + y;
}

static uint32_t new_node(struct ior_flame *fg, uint32_t parent, uint32_t name)
{
	struct ior_flame_node *n;

	if (fg->count == fg->cap) {
		uint32_t cap = fg->cap > MAX_NODES / 2 ? MAX_NODES : fg->cap * 2;

		n = realloc(fg->nodes, (size_t)cap * sizeof(*n));
		if (!n)
			return 0;
		fg->nodes = n;
		fg->cap = cap;
	}
	n = &fg->nodes[fg->count];
	memset(n, 0, sizeof(*n));
	n->name = name;
	n->next = fg->nodes[parent].child;
	fg->nodes[parent].child = fg->count;
	return fg->count++;
}

/* The child of parent named s[0..len), created when new; 0 (and *err) on failure. */
static uint32_t child_of(struct ior_flame *fg, uint32_t parent, const char *s, size_t len,
			 int *err)
{
	uint64_t *slot;
	uint32_t name;

	if (len >= UINT32_MAX || fg->count >= MAX_NODES) {
		*err = -E2BIG;
		return 0;
	}
	name = ior_intern__get(fg->names, s, len, NULL);
	slot = name ? ior_u64map__slot(&fg->edges, (uint64_t)parent << 32 | name) : NULL;
	if (!slot) {
		*err = -ENOMEM;
		return 0;
	}
	/* the root is nobody's child, so 0 in a slot means "not created yet" */
	if (!*slot)
		*slot = new_node(fg, parent, name);
	if (!*slot)
		*err = -ENOMEM;
	return (uint32_t)*slot;
}

int ior_flame__add(struct ior_flame *fg, const char *const *frames, const size_t *lens,
		   size_t depth, uint64_t weight_a, uint64_t weight_b)
{
	uint32_t cur = 0;
	int err = 0;

	for (size_t i = 0;; i++) {
		struct ior_flame_node *n = &fg->nodes[cur];

		n->a = sat_add(n->a, weight_a);
		n->b = sat_add(n->b, weight_b);
		if (i == depth)
			return 0;
		cur = child_of(fg, cur, frames[i], lens ? lens[i] : strlen(frames[i]), &err);
		if (!cur)
			return err;
	}
}

/* The last space-separated decimal of s[0..*len), removed with its spaces; -errno. */
static int take_weight(const char *s, size_t *len, uint64_t *w)
{
	size_t end = *len, i;

	while (end && s[end - 1] == ' ')
		end--;
	for (i = end; i && s[i - 1] >= '0' && s[i - 1] <= '9'; i--)
		;
	if (i == end || !i || s[i - 1] != ' ')
		return -EINVAL;
	*w = 0;
	for (size_t k = i; k < end; k++) {
		unsigned int d = (unsigned int)(s[k] - '0');

		if (*w > (UINT64_MAX - d) / 10)
			return -ERANGE;
		*w = *w * 10 + d;
	}
	while (i && s[i - 1] == ' ')
		i--;
	*len = i;
	return 0;
}

/* Decode one frame's escapes into the scratch buffer; a stray backslash keeps it raw. */
static int scratch_frame(struct ior_buf *b, const char *s, size_t len)
{
	size_t mark = b->len;
	int err;

	if (!memchr(s, '\\', len))
		return ior_buf__add(b, s, len);
	err = ior_unescape(b, s, len);
	if (err != -EINVAL)
		return err;
	b->len = mark;
	return ior_buf__add(b, s, len);
}

/* Room for n frames in the reused pointer and length arrays. */
static int reserve_frames(struct ior_flame *fg, size_t n)
{
	const char **f;
	size_t *l;

	if (n <= fg->frames_cap)
		return 0;
	f = realloc(fg->frames, n * sizeof(*f));
	if (f)
		fg->frames = f;
	l = realloc(fg->lens, n * sizeof(*l));
	if (l)
		fg->lens = l;
	if (!f || !l)
		return -ENOMEM;
	fg->frames_cap = n;
	return 0;
}

/* Split stack at ';' into fg->frames/lens (decoded in fg->scratch); the depth or -errno. */
static long split_stack(struct ior_flame *fg, const char *s, size_t len)
{
	size_t depth = 0, start = 0;
	int err;

	ior_buf__reset(&fg->scratch);
	for (size_t i = 0; i <= len; i++) {
		if (i < len && s[i] != ';')
			continue;
		err = reserve_frames(fg, depth + 1);
		if (!err)
			err = scratch_frame(&fg->scratch, s + start, i - start);
		if (err)
			return err;
		/* offsets for now: the scratch buffer may still move */
		fg->lens[depth++] = fg->scratch.len;
		start = i + 1;
	}
	for (size_t k = 0, off = 0; k < depth; k++) {
		fg->frames[k] = fg->scratch.data + off;
		fg->lens[k] -= off;
		off += fg->lens[k];
	}
	return (long)depth;
}

static bool is_blank(const char *s, size_t len)
{
	while (len && s[len - 1] == ' ')
		len--;
	return len == 0;
}

int ior_flame__add_collapsed(struct ior_flame *fg, const char *line, size_t len,
			     bool two_weights)
{
	uint64_t wa = 0, wb = 0;
	long depth;
	int err;

	while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
		len--;
	if (is_blank(line, len))
		return 0;
	err = take_weight(line, &len, two_weights ? &wb : &wa);
	if (!err && two_weights)
		err = take_weight(line, &len, &wa);
	if (err)
		return err;
	depth = len ? split_stack(fg, line, len) : 0;
	if (depth < 0)
		return (int)depth;
	return ior_flame__add(fg, fg->frames, fg->lens, (size_t)depth, wa, wb);
}

void ior_flame__totals(const struct ior_flame *fg, uint64_t *a, uint64_t *b)
{
	if (a)
		*a = fg->nodes[0].a;
	if (b)
		*b = fg->nodes[0].b;
}

int ior_flame__get(const struct ior_flame *fg, const char *const *frames, const size_t *lens,
		   size_t depth, uint64_t *a, uint64_t *b)
{
	uint64_t cur = 0;

	for (size_t i = 0; i < depth; i++) {
		size_t len = lens ? lens[i] : strlen(frames[i]);
		uint32_t name = ior_intern__lookup(fg->names, frames[i], len);
		uint64_t *child = name ? ior_u64map__find(&fg->edges, cur << 32 | name) : NULL;

		if (!child || !*child)
			return -ENOENT;
		cur = *child;
	}
	if (a)
		*a = fg->nodes[cur].a;
	if (b)
		*b = fg->nodes[cur].b;
	return 0;
}

const char *ior_flame_name(const struct ior_flame *fg, uint32_t node, size_t *len)
{
	const char *s = ior_intern__str(fg->names, fg->nodes[node].name, len);

	if (!s) {
		*len = 0;
		return "";
	}
	return s;
}

/* ---- layout ----------------------------------------------------------------------- */

struct name_ref {
	const char *s;
	size_t len;
	uint32_t id;
};

static int cmp_name_ref(const void *x, const void *y)
{
	const struct name_ref *p = x, *q = y;
	int c = memcmp(p->s, q->s, p->len < q->len ? p->len : q->len);

	if (c)
		return c;
	return p->len < q->len ? -1 : p->len > q->len;
}

/* rank[name id] := the position of the name in byte order (the sibling order); NULL: ENOMEM */
static uint32_t *rank_names(const struct ior_flame *fg)
{
	uint32_t n = ior_intern__count(fg->names);
	struct name_ref *refs = malloc(((size_t)n + 1) * sizeof(*refs));
	uint32_t *rank = malloc(((size_t)n + 1) * sizeof(*rank));

	if (!refs || !rank) {
		free(refs);
		free(rank);
		return NULL;
	}
	for (uint32_t id = 1; id <= n; id++) {
		refs[id - 1].s = ior_intern__str(fg->names, id, &refs[id - 1].len);
		refs[id - 1].id = id;
	}
	qsort(refs, n, sizeof(*refs), cmp_name_ref);
	rank[0] = 0;
	for (uint32_t i = 0; i < n; i++)
		rank[refs[i].id] = i;
	free(refs);
	return rank;
}

static int cmp_u64(const void *x, const void *y)
{
	uint64_t p = *(const uint64_t *)x, q = *(const uint64_t *)y;

	return p < q ? -1 : p > q;
}

/* Growable arrays of items: the output, and the stack of frames still to visit. */
static int push_item(struct ior_flame_item **v, size_t *n, size_t *cap,
		     const struct ior_flame_item *it)
{
	if (*n == *cap) {
		size_t c = *cap ? *cap * 2 : 1024;
		struct ior_flame_item *p = realloc(*v, c * sizeof(*p));

		if (!p)
			return -ENOMEM;
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = *it;
	return 0;
}

struct walk {
	const struct ior_flame *fg;
	struct ior_flame_layout *lay;
	struct ior_flame_item *stack;
	size_t depth, cap;
	uint64_t *kids; /* rank << 32 | node of the children being placed */
	size_t kids_cap;
	uint32_t *rank; /* by name id */
	double min_width;
	bool use_b;
};

static uint64_t shape(const struct walk *w, const struct ior_flame_node *n)
{
	return w->use_b ? n->b : n->a;
}

/* The children of node with a non-zero width into w->kids, in sibling order; the count. */
static long sorted_kids(struct walk *w, uint32_t node)
{
	const struct ior_flame_node *nodes = w->fg->nodes;
	size_t n = 0;

	for (uint32_t k = nodes[node].child; k; k = nodes[k].next) {
		if (!shape(w, &nodes[k]))
			continue;
		if (n == w->kids_cap) {
			size_t c = w->kids_cap ? w->kids_cap * 2 : 64;
			uint64_t *p = realloc(w->kids, c * sizeof(*p));

			if (!p)
				return -ENOMEM;
			w->kids = p;
			w->kids_cap = c;
		}
		w->kids[n++] = (uint64_t)w->rank[nodes[k].name] << 32 | k;
	}
	if (n > 1) /* kids is NULL until a first child is seen */
		qsort(w->kids, n, sizeof(*w->kids), cmp_u64);
	return (long)n;
}

/*
 * Queue the children of a drawn frame: the wide ones in sibling order from the parent's
 * left edge, then one merged frame for all the narrow ones. Pushed right to left, so
 * they come off the stack left to right.
 */
static int queue_children(struct walk *w, const struct ior_flame_item *parent)
{
	struct ior_flame_item m = { .node = parent->node, .depth = parent->depth + 1 };
	const struct ior_flame_node *nodes = w->fg->nodes;
	long n = sorted_kids(w, parent->node);
	uint64_t end = parent->start;

	if (n < 0)
		return (int)n;
	for (long i = 0; i < n; i++) {
		const struct ior_flame_node *k = &nodes[(uint32_t)w->kids[i]];

		if ((double)shape(w, k) * w->lay->scale >= w->min_width) {
			end += shape(w, k);
			continue;
		}
		m.merged++;
		m.w = sat_add(m.w, shape(w, k));
		m.a = sat_add(m.a, k->a);
		m.b = sat_add(m.b, k->b);
		w->kids[i] = 0; /* the root is nobody's child: 0 marks "merged" */
	}
	m.start = end;
	if (m.merged && (double)m.w * w->lay->scale >= w->min_width &&
	    push_item(&w->stack, &w->depth, &w->cap, &m))
		return -ENOMEM;
	for (long i = n - 1; i >= 0; i--) {
		uint32_t idx = (uint32_t)w->kids[i];
		const struct ior_flame_node *k = &nodes[idx];
		struct ior_flame_item it = { .node = idx, .depth = parent->depth + 1,
					     .w = shape(w, k), .a = k->a, .b = k->b };

		if (!idx)
			continue;
		end -= it.w;
		it.start = end;
		if (push_item(&w->stack, &w->depth, &w->cap, &it))
			return -ENOMEM;
	}
	return 0;
}

static int walk_tree(struct walk *w)
{
	const struct ior_flame_node *root = &w->fg->nodes[0];
	struct ior_flame_item it = { .w = shape(w, root), .a = root->a, .b = root->b };
	struct ior_flame_layout *lay = w->lay;
	int err;

	if (push_item(&w->stack, &w->depth, &w->cap, &it))
		return -ENOMEM;
	while (w->depth) {
		it = w->stack[--w->depth];
		if (push_item(&lay->items, &lay->n, &lay->cap, &it))
			return -ENOMEM;
		if (it.depth > lay->max_depth)
			lay->max_depth = it.depth;
		if (it.merged)
			continue;
		err = queue_children(w, &it);
		if (err)
			return err;
	}
	return 0;
}

int ior_flame_layout(const struct ior_flame *fg, double span, double min_width, bool use_b,
		     struct ior_flame_layout *lay)
{
	struct walk w = { .fg = fg, .lay = lay, .min_width = min_width, .use_b = use_b };
	int err;

	lay->total = use_b ? fg->nodes[0].b : fg->nodes[0].a;
	if (!lay->total)
		return 0;
	lay->scale = span / (double)lay->total;
	w.rank = rank_names(fg);
	err = w.rank ? walk_tree(&w) : -ENOMEM;
	free(w.rank);
	free(w.stack);
	free(w.kids);
	return err;
}

void ior_flame_layout__free(struct ior_flame_layout *lay)
{
	free(lay->items);
	memset(lay, 0, sizeof(*lay));
}
