/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Inside the flame graph module (analyzer/flamegraph*.c): the frame tree, the layout of
 * the frames to draw, name and number formatting, and the embedded CSS and script.
 * Not for use outside these files and their tests.
 */
#ifndef IOR_ANALYZER_FLAMEGRAPH_INT_H
#define IOR_ANALYZER_FLAMEGRAPH_INT_H

#include <stddef.h>
#include <stdint.h>

#include "analyzer/buf.h"
#include "analyzer/flamegraph.h"
#include "common/hash.h"

/* One frame of the tree. Index 0 is the root, so 0 also means "none" in child/next. */
struct ior_flame_node {
	uint32_t name;  /* id in ior_flame.names; 0 for the root */
	uint32_t child; /* first child */
	uint32_t next;  /* next sibling */
	uint32_t pad;
	uint64_t a, b;  /* weights of every stack through this frame */
};

struct ior_flame {
	struct ior_intern *names;
	struct ior_flame_node *nodes;
	uint32_t count, cap;
	struct ior_u64map edges; /* (parent index << 32 | name id) -> child index */
	/* reused by ior_flame__add_collapsed(): decoded frames and their pointers */
	struct ior_buf scratch;
	const char **frames;
	size_t *lens;
	size_t frames_cap;
};

/* One frame to draw: a tree node, or the merged narrow children of a node. */
struct ior_flame_item {
	uint32_t node;   /* the node, or for a merged frame its parent */
	uint32_t merged; /* 0, or how many narrow children this frame stands for */
	uint32_t depth;  /* 0 for the root */
	uint64_t start;  /* left edge, in weight units from the root's left edge */
	uint64_t w;      /* width in weight units (the shape side: A, or B in a diff) */
	uint64_t a, b;
};

/* The frames to draw, in depth-first order (a parent before its children, left to right). */
struct ior_flame_layout {
	struct ior_flame_item *items;
	size_t n, cap;
	uint32_t max_depth; /* of the drawn frames */
	uint64_t total;     /* the root's width in weight units */
	double scale;       /* pixels per weight unit */
};

/*
 * Lay out the tree for a drawing area of span pixels, sized by B when use_b, else A.
 * Frames narrower than min_width px merge as the header describes. Fills lay (zeroed by
 * the caller; free with ior_flame_layout__free()). 0 or -ENOMEM.
 */
int ior_flame_layout(const struct ior_flame *fg, double span, double min_width, bool use_b,
		     struct ior_flame_layout *lay);
void ior_flame_layout__free(struct ior_flame_layout *lay);

/* The name bytes of a node ("" for the root). */
const char *ior_flame_name(const struct ior_flame *fg, uint32_t node, size_t *len);

/* Characters (code points) the displayed form of a name takes. */
size_t ior_flame_name_chars(const char *s, size_t len);

/*
 * Append the displayed, XML-escaped form of a name; when it takes more than max_chars
 * characters, only its first max_chars - 2 (whole escapes only) and "..". 0 or -ENOMEM.
 */
int ior_flame_put_name(struct ior_buf *b, const char *s, size_t len, size_t max_chars);

/* v with decimals fixed decimals, rounded half away from zero, always '.': no locale. */
int ior_flame_put_fixed(struct ior_buf *b, double v, unsigned int decimals);

/* A weight as the unit prints it (see enum ior_flame_unit). */
int ior_flame_put_value(struct ior_buf *b, uint64_t v, enum ior_flame_unit unit,
			const char *count_label);

/* part / total as a percentage with two decimals and '%'; "0.00%" when total is 0. */
int ior_flame_put_pct(struct ior_buf *b, uint64_t part, uint64_t total);

/* The page's CSS and script, inserted verbatim in CDATA sections. */
extern const char ior_flame_css[];
extern const char ior_flame_js[];

#endif /* IOR_ANALYZER_FLAMEGRAPH_INT_H */
