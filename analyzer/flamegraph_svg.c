// SPDX-License-Identifier: GPL-2.0-only
/*
 * ior_flame__write_svg(): the laid-out frames as one self-contained SVG document.
 *
 * Every frame is drawn statically (a <rect> and a cut <text>, with a <title> tooltip),
 * so the picture shows in any SVG viewer; the embedded script (flamegraph_js.c) adds
 * zoom, search and the details line where scripts run. Output goes through one buffer
 * flushed in large writes; numbers are formatted by flamegraph_text.c, never printf.
 */
#include "analyzer/flamegraph.h"
#include "analyzer/flamegraph_int.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/syscalls.h"

/* Geometry in pixels. The script reads the ones it needs from data-* attributes. */
#define PAD 10
#define FRAME_H 16
#define TEXT_DY 11       /* text baseline below the top of its frame */
#define CHAR_W 7.3       /* advance of a 12px monospace character, with a little room */
#define TITLE_Y 24
#define SUBTITLE_Y 42
#define CONTROLS_Y 64    /* baseline of "Reset zoom" and the matched share */
#define LEGEND_Y 86
#define FRAMES_TOP 98
#define SEARCH_W 240
#define FLUSH_AT 65536

struct svg {
	const struct ior_flame *fg;
	struct ior_flame_opts o; /* with the defaults filled in */
	FILE *out;
	struct ior_buf b;
	struct ior_flame_layout lay;
	int8_t *cls;             /* class of each name id; -1 none, -2 not looked up yet */
	double a_scale;          /* multiplies A before comparing with B (normalize) */
	unsigned int height;
	int err;                 /* first write error */
};

/* Class colours: cool and pastel, apart from the warm colours of other frames. */
static const uint8_t class_rgb[IOR_CLASS_COUNT][3] = {
	[IOR_CLASS_OTHER] = { 200, 200, 200 },	  [IOR_CLASS_OPEN] = { 127, 201, 127 },
	[IOR_CLASS_CLOSE] = { 184, 224, 176 },	  [IOR_CLASS_READ] = { 111, 168, 220 },
	[IOR_CLASS_WRITE] = { 181, 142, 224 },	  [IOR_CLASS_TRANSFER] = { 143, 211, 224 },
	[IOR_CLASS_SEEK] = { 208, 216, 144 },	  [IOR_CLASS_SYNC] = { 240, 160, 192 },
	[IOR_CLASS_STAT] = { 159, 216, 200 },	  [IOR_CLASS_META] = { 192, 176, 232 },
	[IOR_CLASS_XATTR] = { 160, 184, 216 },	  [IOR_CLASS_DIR] = { 168, 216, 112 },
	[IOR_CLASS_NAME] = { 216, 192, 160 },	  [IOR_CLASS_DUP] = { 176, 200, 176 },
	[IOR_CLASS_MMAP] = { 128, 192, 176 },	  [IOR_CLASS_ASYNC] = { 112, 200, 232 },
	[IOR_CLASS_LOCK] = { 232, 160, 160 },	  [IOR_CLASS_IOCTL] = { 200, 200, 144 },
	[IOR_CLASS_FDNEW] = { 160, 160, 216 },
};
static const uint8_t merged_rgb[3] = { 220, 220, 220 };

static int resolve_opts(const struct ior_flame_opts *in, struct ior_flame_opts *o)
{
	static const struct ior_flame_opts none;

	*o = in ? *in : none;
	if (!o->width)
		o->width = 1200;
	if (o->min_width == 0)
		o->min_width = 0.1;
	if (o->width < 200 || o->width > 1000000 || !(o->min_width >= 0) || !isfinite(o->min_width))
		return -EINVAL;
	if (!o->title)
		o->title = o->diff ? "I/O differential flame graph" :
			   o->inverted ? "I/O icicle graph" : "I/O flame graph";
	if (!o->root_name)
		o->root_name = "all";
	if (!o->name_a)
		o->name_a = "A";
	if (!o->name_b)
		o->name_b = "B";
	/* the separating space is ours: " calls" and "calls" print alike */
	while (o->count_label && *o->count_label == ' ')
		o->count_label++;
	return 0;
}

/* Appends are checked here, once per flush: a failed one leaves ior_buf's sticky oom. */
static void flush(struct svg *s, bool force)
{
	if (s->b.oom && !s->err)
		s->err = -ENOMEM;
	if (s->b.len < (force ? 1 : FLUSH_AT))
		return;
	errno = 0;
	if (!s->err && fwrite(s->b.data, 1, s->b.len, s->out) != s->b.len)
		s->err = errno ? -errno : -EIO;
	ior_buf__reset(&s->b);
}

static void put_rgb(struct svg *s, const uint8_t rgb[3])
{
	static const char hex[] = "0123456789abcdef";
	char c[7] = { '#' };

	for (int i = 0; i < 3; i++) {
		c[1 + 2 * i] = hex[rgb[i] >> 4];
		c[2 + 2 * i] = hex[rgb[i] & 15];
	}
	ior_buf__add(&s->b, c, sizeof(c));
}

/* A user string (title, legend name) shown whole or cut to max_chars. */
static void put_str(struct svg *s, const char *str, size_t max_chars)
{
	ior_flame_put_name(&s->b, str, strlen(str), max_chars);
}

/* ---- colours ------------------------------------------------------------------------ */

/* The class a frame name stands for (a class name or a traced syscall), or -1. */
static int name_class(struct svg *s, uint32_t node)
{
	uint32_t id = s->fg->nodes[node].name;
	const struct ior_syscall_desc *d;
	const char *name;
	size_t len;

	if (s->cls[id] != -2)
		return s->cls[id];
	name = ior_flame_name(s->fg, node, &len);
	s->cls[id] = -1;
	if (len && strlen(name) == len) {
		d = ior_syscall_find(name);
		s->cls[id] = (int8_t)(d ? d->cls : ior_class_from_name(name));
	}
	return s->cls[id];
}

/*
 * Warm colours from the name's bytes. FNV-1a byte by byte: not the common hash, whose
 * result depends on the byte order and may be retuned, while colours must not change.
 */
static void warm_rgb(const char *name, size_t len, uint8_t rgb[3])
{
	uint32_t h = 2166136261u;

	for (size_t i = 0; i < len; i++)
		h = (h ^ (unsigned char)name[i]) * 16777619u;
	rgb[0] = (uint8_t)(205 + (h & 0xff) % 51);
	rgb[1] = (uint8_t)(90 + (h >> 8 & 0xff) % 140);
	rgb[2] = (uint8_t)(30 + (h >> 16 & 0xff) % 60);
}

/* r = (B - A') / max(A', B) in [-1, 1]: 0 when equal, 1 new in B, -1 gone in B. */
static double rel_change(const struct svg *s, uint64_t a, uint64_t b)
{
	double an = (double)a * s->a_scale, bd = (double)b;
	double m = an > bd ? an : bd;

	return m > 0 ? (bd - an) / m : 0;
}

/* White to red (B grew) or to blue (B shrank); sqrt makes small changes visible. */
static void diff_rgb(double r, uint8_t rgb[3])
{
	double t = sqrt(r < 0 ? -r : r);
	uint8_t v = (uint8_t)(255 - (int)(205 * t + 0.5));

	rgb[0] = r < 0 ? v : 255;
	rgb[1] = v;
	rgb[2] = r > 0 ? v : 255;
}

static void item_rgb(struct svg *s, const struct ior_flame_item *it, uint8_t rgb[3])
{
	const char *name;
	size_t len;
	int cls;

	if (s->o.diff) {
		diff_rgb(rel_change(s, it->a, it->b), rgb);
		return;
	}
	if (it->merged) {
		memcpy(rgb, merged_rgb, 3);
		return;
	}
	cls = s->o.palette == IOR_FLAME_PALETTE_CLASS && it->depth ? name_class(s, it->node) : -1;
	if (cls >= 0 && cls < IOR_CLASS_COUNT) {
		memcpy(rgb, class_rgb[cls], 3);
		return;
	}
	name = it->depth ? ior_flame_name(s->fg, it->node, &len) : s->o.root_name;
	warm_rgb(name, it->depth ? len : strlen(name), rgb);
}

/* ---- text of a frame ------------------------------------------------------------------ */

/* The name bytes of an item; tmp holds a merged frame's made-up name. */
static const char *item_name(const struct svg *s, const struct ior_flame_item *it, char tmp[48],
			     size_t *len)
{
	if (it->merged) {
		*len = (size_t)snprintf(tmp, 48, "[%u narrow frames]", (unsigned int)it->merged);
		return tmp;
	}
	if (!it->depth) {
		*len = strlen(s->o.root_name);
		return s->o.root_name;
	}
	return ior_flame_name(s->fg, it->node, len);
}

static void put_value(struct svg *s, uint64_t v)
{
	ior_flame_put_value(&s->b, v, s->o.unit, s->o.count_label);
}

/* "A: 1.20 ms, B: 1.50 ms, change +25.00%" */
static void put_change(struct svg *s, uint64_t a, uint64_t b)
{
	double an = (double)a * s->a_scale;

	put_str(s, s->o.name_a, 40);
	ior_buf__adds(&s->b, ": ");
	put_value(s, a);
	ior_buf__adds(&s->b, ", ");
	put_str(s, s->o.name_b, 40);
	ior_buf__adds(&s->b, ": ");
	put_value(s, b);
	if (!a && !b)
		ior_buf__adds(&s->b, ", no change");
	else if (!a)
		ior_buf__adds(&s->b, ", new");
	else if (!b)
		ior_buf__adds(&s->b, ", gone");
	else {
		ior_buf__adds(&s->b, b >= an ? ", change +" : ", change ");
		ior_flame_put_fixed(&s->b, (b - an) * 100.0 / an, 2);
		ior_buf__addc(&s->b, '%');
	}
}

/* The tooltip: the name, a newline, then the weight(s) and the share of the total. */
static void put_title(struct svg *s, const struct ior_flame_item *it)
{
	char tmp[48];
	size_t len;
	const char *name = item_name(s, it, tmp, &len);

	ior_buf__adds(&s->b, "<title>");
	ior_flame_put_name(&s->b, name, len, SIZE_MAX);
	ior_buf__addc(&s->b, '\n');
	if (s->o.diff) {
		put_change(s, it->a, it->b);
		ior_buf__adds(&s->b, ", ");
		ior_flame_put_pct(&s->b, it->w, s->lay.total);
		ior_buf__adds(&s->b, " of ");
		put_str(s, s->o.negate ? s->o.name_a : s->o.name_b, 40);
	} else {
		put_value(s, it->w);
		ior_buf__adds(&s->b, " (");
		ior_flame_put_pct(&s->b, it->w, s->lay.total);
		ior_buf__addc(&s->b, ')');
	}
	ior_buf__adds(&s->b, "</title>");
}

static unsigned int frame_y(const struct svg *s, uint32_t depth)
{
	uint32_t row = s->o.inverted ? depth : s->lay.max_depth - depth;

	return FRAMES_TOP + row * FRAME_H;
}

static void put_attr_u64(struct svg *s, const char *attr, uint64_t v)
{
	ior_buf__adds(&s->b, attr);
	ior_buf__add_u64(&s->b, v);
	ior_buf__addc(&s->b, '"');
}

static void put_attr_px(struct svg *s, const char *attr, double v)
{
	ior_buf__adds(&s->b, attr);
	ior_flame_put_fixed(&s->b, v, 1);
	ior_buf__addc(&s->b, '"');
}

static void put_frame(struct svg *s, const struct ior_flame_item *it)
{
	double x = PAD + (double)it->start * s->lay.scale, w = (double)it->w * s->lay.scale;
	double fit = (w - 6) / CHAR_W;
	unsigned int y = frame_y(s, it->depth);
	uint8_t rgb[3];
	char tmp[48];
	size_t len;
	const char *name;

	put_attr_u64(s, "<g data-d=\"", it->depth);
	put_attr_u64(s, " data-s=\"", it->start);
	put_attr_u64(s, " data-w=\"", it->w);
	ior_buf__addc(&s->b, '>');
	put_title(s, it);
	put_attr_px(s, "<rect x=\"", x);
	put_attr_u64(s, " y=\"", y);
	put_attr_px(s, " width=\"", w);
	put_attr_u64(s, " height=\"", FRAME_H - 1);
	ior_buf__adds(&s->b, " fill=\"");
	item_rgb(s, it, rgb);
	put_rgb(s, rgb);
	ior_buf__adds(&s->b, "\"/>");
	if (fit >= 3) {
		name = item_name(s, it, tmp, &len);
		put_attr_px(s, "<text x=\"", x + 3);
		put_attr_u64(s, " y=\"", y + TEXT_DY);
		ior_buf__addc(&s->b, '>');
		ior_flame_put_name(&s->b, name, len, (size_t)fit);
		ior_buf__adds(&s->b, "</text>");
	}
	ior_buf__adds(&s->b, "</g>\n");
}

/* ---- the page around the frames ----------------------------------------------------- */

static void put_header(struct svg *s)
{
	struct ior_buf *b = &s->b;
	unsigned int w = s->o.width;

	ior_buf__adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"no\"?>\n");
	put_attr_u64(s, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"", w);
	put_attr_u64(s, " height=\"", s->height);
	ior_buf__addf(b, " viewBox=\"0 0 %u %u\">\n", w, s->height);
	ior_buf__adds(b, "<style type=\"text/css\"><![CDATA[\n");
	ior_buf__adds(b, ior_flame_css);
	ior_buf__adds(b, "]]></style>\n<rect width=\"100%\" height=\"100%\" fill=\"#f8f8f4\"/>\n");
	ior_buf__addf(b, "<text id=\"title\" x=\"%u\" y=\"%u\">", w / 2, TITLE_Y);
	put_str(s, s->o.title, (size_t)((w - 2 * PAD) / (CHAR_W * 17 / 12)));
	ior_buf__adds(b, "</text>\n");
	if (s->o.subtitle) {
		ior_buf__addf(b, "<text id=\"subtitle\" x=\"%u\" y=\"%u\">", w / 2, SUBTITLE_Y);
		put_str(s, s->o.subtitle, (size_t)((w - 2 * PAD) / CHAR_W));
		ior_buf__adds(b, "</text>\n");
	}
	ior_buf__addf(b, "<text id=\"unzoom\" class=\"ctl h\" x=\"%u\" y=\"%u\">Reset zoom</text>\n"
			 "<text id=\"matched\" x=\"%u\" y=\"%u\"></text>\n",
		      PAD, CONTROLS_Y, w - PAD - SEARCH_W - 10, CONTROLS_Y);
	ior_buf__addf(b, "<foreignObject x=\"%u\" y=\"%u\" width=\"%u\" height=\"24\">"
			 "<input xmlns=\"http://www.w3.org/1999/xhtml\" id=\"search\" type=\"text\" "
			 "placeholder=\"Search (regex), Ctrl-F\" spellcheck=\"false\" "
			 "autocomplete=\"off\"/></foreignObject>\n",
		      w - PAD - SEARCH_W, CONTROLS_Y - 16, SEARCH_W);
}

/* A colour box and its label at x on the legend line; returns where the next one goes. */
static double put_swatch(struct svg *s, double x, const uint8_t rgb[3], const char *label)
{
	put_attr_px(s, "<rect x=\"", x);
	put_attr_u64(s, " y=\"", LEGEND_Y - 10);
	ior_buf__adds(&s->b, " width=\"12\" height=\"12\" fill=\"");
	put_rgb(s, rgb);
	put_attr_px(s, "\"/><text x=\"", x + 16);
	put_attr_u64(s, " y=\"", LEGEND_Y);
	ior_buf__addc(&s->b, '>');
	put_str(s, label, SIZE_MAX);
	ior_buf__adds(&s->b, "</text>\n");
	return x + 16 + (double)ior_flame_name_chars(label, strlen(label)) * CHAR_W + 14;
}

/* Plain graphs: one swatch per syscall class that colours at least one drawn frame. */
static void put_class_legend(struct svg *s)
{
	bool used[IOR_CLASS_COUNT] = { false };
	double x = PAD;
	int cls;

	for (size_t i = 0; i < s->lay.n; i++) {
		const struct ior_flame_item *it = &s->lay.items[i];

		cls = it->depth && !it->merged ? name_class(s, it->node) : -1;
		if (cls >= 0 && cls < IOR_CLASS_COUNT)
			used[cls] = true;
	}
	for (cls = 0; cls < IOR_CLASS_COUNT; cls++) {
		const char *label = ior_class_name((enum ior_class)cls);

		if (!used[cls])
			continue;
		if (x + 30 + strlen(label) * CHAR_W > s->o.width - PAD)
			break;
		x = put_swatch(s, x, class_rgb[cls], label);
	}
}

/* Differential graphs: what the width means, and the colour of some changes from A to B. */
static void put_diff_legend(struct svg *s)
{
	static const struct {
		double change; /* B / A - 1 */
		const char *label;
	} marks[] = { { -1, "gone" }, { -0.5, "-50%" }, { -0.1, "-10%" }, { 0, "equal" },
		      { 0.1, "+10%" }, { 1, "+100%" }, { INFINITY, "new" } };
	struct ior_buf text = IOR_BUF_INIT;
	double x;
	uint8_t rgb[3];

	/* built raw first: its width decides where the swatches can start */
	ior_buf__addf(&text, "Width: %.40s. Colour: change from %.40s to %.40s%s:",
		      s->o.negate ? s->o.name_a : s->o.name_b, s->o.name_a, s->o.name_b,
		      s->o.normalize ? " (normalised to equal totals)" : "");
	ior_buf__addf(&s->b, "<text x=\"%u\" y=\"%u\">", PAD, LEGEND_Y);
	ior_flame_put_name(&s->b, ior_buf__str(&text), text.len, SIZE_MAX);
	ior_buf__adds(&s->b, "</text>\n");
	x = PAD + (double)ior_flame_name_chars(ior_buf__str(&text), text.len) * CHAR_W + 20;
	if (x < (double)s->o.width - PAD - 7 * 70)
		x = (double)s->o.width - PAD - 7 * 70;
	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
		double c = marks[i].change;

		/* r of a change c: c / (1 + c) when B grew, c when it shrank */
		diff_rgb(isinf(c) ? 1 : c > 0 ? c / (1 + c) : c, rgb);
		put_swatch(s, x, rgb, marks[i].label);
		x += 70;
	}
	if (text.oom)
		s->b.oom = true;
	ior_buf__free(&text);
}

static void put_frames(struct svg *s)
{
	static const char *const units[] = { "count", "ns", "bytes" };
	unsigned int u = (unsigned int)s->o.unit < 3 ? (unsigned int)s->o.unit : 0;

	ior_buf__addf(&s->b, "<g id=\"frames\" data-span=\"%u\" data-pad=\"%u\" data-cw=\"",
		      s->o.width - 2 * PAD, PAD);
	ior_flame_put_fixed(&s->b, CHAR_W, 1);
	put_attr_u64(s, "\" data-ty=\"", TEXT_DY);
	put_attr_u64(s, " data-total=\"", s->lay.total);
	ior_buf__addf(&s->b, " data-unit=\"%s\" data-label=\"", units[u]);
	if (s->o.count_label)
		put_str(s, s->o.count_label, SIZE_MAX);
	ior_buf__adds(&s->b, "\">\n");
	for (size_t i = 0; i < s->lay.n; i++) {
		put_frame(s, &s->lay.items[i]);
		flush(s, false);
	}
	ior_buf__adds(&s->b, "</g>\n");
	if (!s->lay.n)
		ior_buf__addf(&s->b, "<text x=\"%u\" y=\"%u\">no data</text>\n", PAD,
			      FRAMES_TOP + TEXT_DY);
}

static void put_footer(struct svg *s)
{
	ior_buf__addf(&s->b, "<text id=\"details\" x=\"%u\" y=\"%u\">", PAD, s->height - 12);
	ior_buf__adds(&s->b, "Hover a frame for details, click to zoom, Ctrl-F to search, "
			     "Esc to reset.</text>\n<script type=\"text/ecmascript\"><![CDATA[\n");
	ior_buf__adds(&s->b, ior_flame_js);
	ior_buf__adds(&s->b, "]]></script>\n</svg>\n");
}

static void write_page(struct svg *s)
{
	uint64_t ta = s->fg->nodes[0].a, tb = s->fg->nodes[0].b;

	s->a_scale = s->o.normalize && ta ? (double)tb / (double)ta : 1;
	s->height = FRAMES_TOP + (s->lay.max_depth + 1) * FRAME_H + 30;
	put_header(s);
	if (s->o.diff)
		put_diff_legend(s);
	else if (s->o.palette == IOR_FLAME_PALETTE_CLASS)
		put_class_legend(s);
	put_frames(s);
	put_footer(s);
	flush(s, true);
	if (!s->err && fflush(s->out))
		s->err = errno ? -errno : -EIO;
}

int ior_flame__write_svg(const struct ior_flame *fg, FILE *out, const struct ior_flame_opts *opts)
{
	struct svg s = { .fg = fg, .out = out };
	uint32_t names = ior_intern__count(fg->names);
	int err = resolve_opts(opts, &s.o);

	if (err)
		return err;
	s.cls = malloc((size_t)names + 1);
	if (!s.cls)
		return -ENOMEM;
	memset(s.cls, -2, (size_t)names + 1);
	err = ior_flame_layout(fg, s.o.width - 2 * PAD, s.o.min_width, s.o.diff && !s.o.negate,
			       &s.lay);
	if (!err) {
		write_page(&s);
		err = s.err;
	}
	ior_flame_layout__free(&s.lay);
	ior_buf__free(&s.b);
	free(s.cls);
	return err;
}
