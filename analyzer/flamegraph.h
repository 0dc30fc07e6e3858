/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Flame graphs drawn by ior itself: a tree of frames built from stacks, written as one
 * self-contained interactive SVG (inline CSS and script, no external resources), plain or
 * differential.
 *
 * Build: ior_flame__new(), then ior_flame__add() (or __add_collapsed()) once per stack, in
 * any order: equal frame paths merge, weights add (saturating at UINT64_MAX). Frames are
 * arbitrary byte strings: any byte, invalid UTF-8 included, is accepted and drawn visibly.
 * Write: ior_flame__write_svg(). The output depends only on the stacks added and the
 * options, never on the order of the adds, the locale, the time or the machine (same
 * input, same bytes), so it can be diffed and kept as a golden file.
 *
 * Typical use (errors checked in real code):
 *
 *	struct ior_flame *fg = ior_flame__new();
 *	for each group:
 *		ior_flame__add(fg, frames, lens, depth, weight, 0);
 *	ior_flame__write_svg(fg, out, &(struct ior_flame_opts){
 *		.subtitle = "db1, 2026-11-26 10:00:00 + 60 s, weight: duration",
 *		.unit = IOR_FLAME_UNIT_NS });
 *	ior_flame__free(fg);
 *
 * Weights: weight_a is the weight of a plain graph. A differential graph compares two
 * recordings: weight_a is the weight in A (before), weight_b in B (after); see
 * struct ior_flame_opts.diff. A plain graph ignores weight_b.
 *
 * Drawing (the rules a reader of the SVG can rely on):
 *  - Children sit on their parent in byte order of their names (memcmp), left to right.
 *  - A frame narrower than opts.min_width pixels is not drawn on its own: all such
 *    children of one parent become one merged frame "[N narrow frames]" at the right end
 *    of the parent, with their summed weight and no children drawn above it. A merged
 *    frame itself narrower than min_width is not drawn (its weight stays visible as the
 *    parent's free space). So the number of frames drawn per level is at most about
 *    width / min_width, whatever the number of stacks.
 *  - Names are shown as in `ior-analyze collapse` (analyzer/escape.h): a backslash, bytes
 *    of invalid UTF-8, control characters (C0, DEL, C1) and invisible or bidirectional
 *    format characters (U+200B-U+200F, U+202A-U+202E, U+2060-U+2069, U+FEFF, U+FFFE,
 *    U+FFFF) appear as "\xNN" per byte; the rest is UTF-8, XML-escaped. Labels are cut to
 *    the frame's width with "..".
 *  - Colours (plain graph): a frame named after a syscall class ("read") or a traced
 *    syscall ("pread64") takes its class colour; "[N narrow frames]" is grey; any other
 *    frame a warm colour chosen by a hash of its bytes, the same on every run and machine.
 *  - Interactive in a browser: hover shows name, weight and share of the total; click
 *    zooms into a frame (click the bottom frame or "Reset zoom" to go back); the search
 *    box (Ctrl-F) takes a JavaScript regular expression, highlights the frames whose name
 *    matches and shows the matched share of the total (nested matches counted once; the
 *    weight hidden in merged or undrawn frames is not searchable, so it is a lower bound).
 */
#ifndef IOR_ANALYZER_FLAMEGRAPH_H
#define IOR_ANALYZER_FLAMEGRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct ior_flame;

/* How weights print on hover and in the search share. */
enum ior_flame_unit {
	IOR_FLAME_UNIT_COUNT = 0, /* 1,234,567 (with opts.count_label appended when set) */
	IOR_FLAME_UNIT_NS,        /* 850 ns, 12.30 us, 4.56 ms, 7.89 s */
	IOR_FLAME_UNIT_BYTES,     /* 512 B, 4.00 KiB, 1.50 MiB, 2.00 GiB, 1.00 TiB */
};

enum ior_flame_palette {
	IOR_FLAME_PALETTE_CLASS = 0, /* syscall and class frames by class, others warm */
	IOR_FLAME_PALETTE_HASH,      /* every frame warm by hash of its name */
};

/* Zero means the default for every field, so { 0 } (or NULL) is a valid set of options. */
struct ior_flame_opts {
	const char *title;       /* default "I/O flame graph" or "I/O differential flame graph" */
	const char *subtitle;    /* e.g. host, time span, weight; NULL for none */
	const char *root_name;   /* the bottom frame; default "all" */
	const char *count_label; /* UNIT_COUNT: "calls" prints "12 calls"; NULL: "12" */
	enum ior_flame_unit unit;
	enum ior_flame_palette palette;
	unsigned int width;      /* pixels; default 1200, at least 200 */
	double min_width;        /* pixels; default 0.1 (see "Drawing" above); to draw every
				  * frame pass a tiny positive value (1e-9) */
	bool inverted;           /* icicle: root at the top, stacks grow down */
	/*
	 * Differential: frames are sized by weight_b (B, "after") and coloured by the
	 * relative change r = (B - A') / max(A', B), A' = A (scaled by total B / total A when
	 * normalize is set): red where B grew, blue where B shrank, white where equal; the
	 * intensity grows with |r| (sqrt, so a 10 % change is visible); frames new in B are
	 * full red. A legend says so.
	 */
	bool diff;
	/*
	 * With diff: sized by A instead (so stacks that vanished in B are seen), colours keep
	 * their meaning (red: B grew, blue: B shrank). The other direction of the same diff.
	 */
	bool negate;
	bool normalize;          /* with diff: compare A scaled to B's total */
	const char *name_a;      /* with diff: legend names of the two sides, default "A" */
	const char *name_b;      /* and "B" */
};

/* An empty graph, or NULL with errno ENOMEM. Free with ior_flame__free(). */
struct ior_flame *ior_flame__new(void);
void ior_flame__free(struct ior_flame *fg);

/*
 * Add one stack, outermost frame first: frames[i] is lens[i] bytes (lens NULL: each is a
 * NUL-terminated string). depth 0 adds to the root only. 0, or -ENOMEM, or -E2BIG when
 * the tree would exceed 2^32 - 2 frames or a name 2^32 - 1 bytes; on error the tree may
 * hold part of the stack's weight and must not be written.
 */
int ior_flame__add(struct ior_flame *fg, const char *const *frames, const size_t *lens,
		   size_t depth, uint64_t weight_a, uint64_t weight_b);

/*
 * Add one collapsed line: "frame;frame;frame WEIGHT", or with two_weights
 * "frame;frame A B" (the difffolded format). Frames are split at every ';' and
 * "\xNN" escapes (as `ior-analyze collapse` writes them) decoded; a frame holding
 * another backslash is taken as it is. A trailing "\n" or "\r\n" is ignored; an empty
 * line (or one holding only spaces) adds nothing. 0; -EINVAL on a line that has no
 * decimal weight(s) after its last space(s); -ERANGE on a weight above UINT64_MAX; or an
 * error of ior_flame__add().
 */
int ior_flame__add_collapsed(struct ior_flame *fg, const char *line, size_t len,
			     bool two_weights);

/* The total weights added (the root's). */
void ior_flame__totals(const struct ior_flame *fg, uint64_t *a, uint64_t *b);

/*
 * The weights of the frame reached by this path from the root (summed over every stack
 * through it): 0, or -ENOENT when no stack added passes through it. depth 0 is the root,
 * which always exists (0 and 0 in an empty graph).
 */
int ior_flame__get(const struct ior_flame *fg, const char *const *frames, const size_t *lens,
		   size_t depth, uint64_t *a, uint64_t *b);

/*
 * Write the SVG to out (opts may be NULL). 0; -EINVAL on bad options (width < 200,
 * min_width < 0 or not finite); -ENOMEM; or -EIO (errno of the failed write when known)
 * when writing to out failed. An empty graph writes a valid SVG saying "no data".
 */
int ior_flame__write_svg(const struct ior_flame *fg, FILE *out,
			 const struct ior_flame_opts *opts);

#endif /* IOR_ANALYZER_FLAMEGRAPH_H */
