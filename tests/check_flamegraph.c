// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyzer/flamegraph: the frame tree (merging, weights, collapsed lines), names shown
 * safely, narrow frames merged, differential colours, byte-identical output.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "analyzer/flamegraph.h"
#include "analyzer/flamegraph_int.h"

/* The SVG of fg as a NUL-terminated string (caller frees), or NULL with *err set. */
static char *render(const struct ior_flame *fg, const struct ior_flame_opts *o, int *err)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f = open_memstream(&s, &n);

	ck_assert_ptr_nonnull(f);
	*err = ior_flame__write_svg(fg, f, o);
	fclose(f);
	if (*err) {
		free(s);
		return NULL;
	}
	return s;
}

static char *render_ok(const struct ior_flame *fg, const struct ior_flame_opts *o)
{
	int err;
	char *s = render(fg, o, &err);

	ck_assert_msg(s, "ior_flame__write_svg failed: %s", strerror(-err));
	return s;
}

static size_t count(const char *hay, const char *needle)
{
	size_t n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

/* The fill of the frame whose name (as displayed) is name, or "" when not drawn. */
static const char *fill_of(const char *svg, const char *name, char out[8])
{
	char key[256];
	const char *p;

	snprintf(key, sizeof(key), "<title>%s\n", name);
	p = strstr(svg, key);
	out[0] = '\0';
	if (p && (p = strstr(p, "fill=\"")))
		snprintf(out, 8, "%.7s", p + 6);
	return out;
}

/* Add "a;b;c" with weights. */
static void add(struct ior_flame *fg, const char *stack, uint64_t a, uint64_t b)
{
	char line[512];

	snprintf(line, sizeof(line), "%s %llu %llu", stack, (unsigned long long)a,
		 (unsigned long long)b);
	ck_assert_int_eq(ior_flame__add_collapsed(fg, line, strlen(line), true), 0);
}

static void expect(const struct ior_flame *fg, const char *const *frames, size_t depth,
		   uint64_t a, uint64_t b)
{
	uint64_t ga = 0, gb = 0;

	ck_assert_int_eq(ior_flame__get(fg, frames, NULL, depth, &ga, &gb), 0);
	ck_assert_msg(ga == a && gb == b, "path of depth %zu starting '%s': %llu/%llu, want %llu/%llu",
		      depth, depth ? frames[0] : "", (unsigned long long)ga,
		      (unsigned long long)gb, (unsigned long long)a, (unsigned long long)b);
}

START_TEST(test_tree_merges_paths)
{
	static const char *const abc[] = { "a", "b", "c" }, *const abd[] = { "a", "b", "d" };
	static const char *const ae[] = { "a", "e" }, *const x[] = { "x" };
	struct ior_flame *fg = ior_flame__new();
	uint64_t ta, tb;

	ck_assert_ptr_nonnull(fg);
	ck_assert_int_eq(ior_flame__add(fg, abc, NULL, 3, 1, 10), 0);
	ck_assert_int_eq(ior_flame__add(fg, abd, NULL, 3, 2, 20), 0);
	ck_assert_int_eq(ior_flame__add(fg, abc, NULL, 3, 4, 40), 0);
	ck_assert_int_eq(ior_flame__add(fg, ae, NULL, 2, 8, 80), 0);
	ck_assert_int_eq(ior_flame__add(fg, abc, NULL, 0, 16, 160), 0);
	ior_flame__totals(fg, &ta, &tb);
	ck_assert_uint_eq(ta, 31);
	ck_assert_uint_eq(tb, 310);
	expect(fg, abc, 0, 31, 310);
	expect(fg, abc, 1, 15, 150);
	expect(fg, abc, 2, 7, 70);
	expect(fg, abc, 3, 5, 50);
	expect(fg, abd, 3, 2, 20);
	expect(fg, ae, 2, 8, 80);
	ck_assert_int_eq(ior_flame__get(fg, x, NULL, 1, &ta, &tb), -ENOENT);
	ck_assert_int_eq(ior_flame__get(fg, ae + 1, NULL, 1, &ta, &tb), -ENOENT);
	ior_flame__free(fg);
	ior_flame__free(NULL);
}
END_TEST

START_TEST(test_weights_saturate_and_bytes_frames)
{
	static const char *const frames[] = { "a\0b", "a" };
	static const size_t lens[] = { 3, 1 };
	struct ior_flame *fg = ior_flame__new();
	uint64_t a, b;

	ck_assert_int_eq(ior_flame__add(fg, frames, lens, 2, UINT64_MAX - 1, 0), 0);
	ck_assert_int_eq(ior_flame__add(fg, frames, lens, 2, 5, 0), 0);
	ck_assert_int_eq(ior_flame__get(fg, frames, lens, 2, &a, &b), 0);
	ck_assert_uint_eq(a, UINT64_MAX);
	/* "a\0b" and "a" are different frames although equal as C strings */
	ck_assert_int_eq(ior_flame__get(fg, frames + 1, lens + 1, 1, &a, &b), -ENOENT);
	ior_flame__free(fg);
}
END_TEST

static const struct {
	const char *line;
	bool two;
	int err;
	size_t depth;             /* of the stack added */
	const char *frames[3];
	uint64_t a, b;
} collapsed_cases[] = {
	{ "a;b;c 5\n", false, 0, 3, { "a", "b", "c" }, 5, 0 },
	{ "a;b 3 4\r\n", true, 0, 2, { "a", "b" }, 3, 4 },
	{ "with space;x y  7", false, 0, 2, { "with space", "x y" }, 7, 0 },
	{ "semi\\x3bcolon;nl\\x0a 2", false, 0, 2, { "semi;colon", "nl\n" }, 2, 0 },
	{ "C:\\dir;f 1", false, 0, 2, { "C:\\dir", "f" }, 1, 0 },
	{ "a;;b 1", false, 0, 3, { "a", "", "b" }, 1, 0 },
	{ " 9", false, 0, 0, { NULL }, 9, 0 },
	{ "9", false, -EINVAL, 0, { NULL }, 0, 0 },
	{ "", false, 0, 0, { NULL }, 0, 0 },
	{ "   \n", false, 0, 0, { NULL }, 0, 0 },
	{ "a;b", false, -EINVAL, 0, { NULL }, 0, 0 },
	{ "a;b 12x", false, -EINVAL, 0, { NULL }, 0, 0 },
	{ "a;b -3", false, -EINVAL, 0, { NULL }, 0, 0 },
	{ "a;b 5", true, -EINVAL, 0, { NULL }, 0, 0 },
	{ "a;b 18446744073709551616", false, -ERANGE, 0, { NULL }, 0, 0 },
	{ "a;b 18446744073709551615", false, 0, 2, { "a", "b" }, UINT64_MAX, 0 },
};

START_TEST(test_collapsed_lines)
{
	struct ior_flame *fg = ior_flame__new();
	const char *line = collapsed_cases[_i].line;
	int err = ior_flame__add_collapsed(fg, line, strlen(line), collapsed_cases[_i].two);
	uint64_t a = 0, b = 0;

	ck_assert_msg(err == collapsed_cases[_i].err, "\"%s\": %d, want %d", line, err,
		      collapsed_cases[_i].err);
	if (!err) {
		ck_assert_int_eq(ior_flame__get(fg, collapsed_cases[_i].frames, NULL,
						collapsed_cases[_i].depth, &a, &b), 0);
		ck_assert_msg(a == collapsed_cases[_i].a && b == collapsed_cases[_i].b,
			      "\"%s\": weights %llu %llu", line, (unsigned long long)a,
			      (unsigned long long)b);
	}
	ior_flame__free(fg);
}
END_TEST

static const struct {
	const char *in;
	size_t len; /* 0: strlen */
	size_t max;
	const char *want;
} name_cases[] = {
	{ "<script>alert(1)</script>", 0, SIZE_MAX, "&lt;script&gt;alert(1)&lt;/script&gt;" },
	{ "a&b\"c'd]]>", 0, SIZE_MAX, "a&amp;b&quot;c'd]]&gt;" },
	{ "\xff\xfe", 0, SIZE_MAX, "\\xff\\xfe" },
	{ "tab\there\x7f", 0, SIZE_MAX, "tab\\x09here\\x7f" },
	{ "a\0b", 3, SIZE_MAX, "a\\x00b" },
	{ "back\\slash", 0, SIZE_MAX, "back\\x5cslash" },
	{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x81", 0, SIZE_MAX,
	  "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x93\x81" },
	{ "rtl\xe2\x80\xaeoverride", 0, SIZE_MAX, "rtl\\xe2\\x80\\xaeoverride" },
	{ "c1\xc2\x85", 0, SIZE_MAX, "c1\\xc2\\x85" },
	{ "overlong\xc0\xaf", 0, SIZE_MAX, "overlong\\xc0\\xaf" },
	{ "surrogate\xed\xa0\x80", 0, SIZE_MAX, "surrogate\\xed\\xa0\\x80" },
	{ "cut\xe2\x82", 0, SIZE_MAX, "cut\\xe2\\x82" },
	{ "abcdefgh", 0, 8, "abcdefgh" },
	{ "abcdefgh", 0, 7, "abcde.." },
	{ "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 0, 3, "\xc3\xa9.." },
	{ "\xff\xff" "abc", 0, 9, "\\xff.." },
	{ "<<<<", 0, 3, "&lt;.." },
};

START_TEST(test_names_shown_safely)
{
	struct ior_buf b = IOR_BUF_INIT;
	const char *in = name_cases[_i].in;
	size_t len = name_cases[_i].len ? name_cases[_i].len : strlen(in);

	ck_assert_int_eq(ior_flame_put_name(&b, in, len, name_cases[_i].max), 0);
	ck_assert_msg(strcmp(ior_buf__str(&b), name_cases[_i].want) == 0,
		      "case %d (max %zu): got \"%s\", want \"%s\"", _i, name_cases[_i].max,
		      ior_buf__str(&b), name_cases[_i].want);
	ior_buf__free(&b);
}
END_TEST

static const struct {
	uint64_t v;
	enum ior_flame_unit unit;
	const char *label;
	const char *want;
} value_cases[] = {
	{ 999, IOR_FLAME_UNIT_NS, NULL, "999 ns" },
	{ 1500, IOR_FLAME_UNIT_NS, NULL, "1.50 \xc2\xb5s" },
	{ 2505000, IOR_FLAME_UNIT_NS, NULL, "2.51 ms" },
	{ 61000000000ull, IOR_FLAME_UNIT_NS, NULL, "61.00 s" },
	{ 1023, IOR_FLAME_UNIT_BYTES, NULL, "1023 B" },
	{ 1536, IOR_FLAME_UNIT_BYTES, NULL, "1.50 KiB" },
	{ 5ull << 20, IOR_FLAME_UNIT_BYTES, NULL, "5.00 MiB" },
	{ UINT64_MAX, IOR_FLAME_UNIT_BYTES, NULL, "16.00 EiB" },
	{ 0, IOR_FLAME_UNIT_COUNT, NULL, "0" },
	{ 1234567, IOR_FLAME_UNIT_COUNT, NULL, "1,234,567" },
	{ 123, IOR_FLAME_UNIT_COUNT, "calls", "123 calls" },
};

START_TEST(test_values_formatted)
{
	struct ior_buf b = IOR_BUF_INIT;

	ck_assert_int_eq(ior_flame_put_value(&b, value_cases[_i].v, value_cases[_i].unit,
					     value_cases[_i].label), 0);
	ck_assert_msg(strcmp(ior_buf__str(&b), value_cases[_i].want) == 0,
		      "%llu: got \"%s\", want \"%s\"", (unsigned long long)value_cases[_i].v,
		      ior_buf__str(&b), value_cases[_i].want);
	ior_buf__reset(&b);
	ck_assert_int_eq(ior_flame_put_pct(&b, 1, 3), 0);
	ck_assert_str_eq(ior_buf__str(&b), "33.33%");
	ior_buf__reset(&b);
	ck_assert_int_eq(ior_flame_put_fixed(&b, -0.001, 2), 0);
	ck_assert_int_eq(ior_flame_put_fixed(&b, -2.345, 1), 0);
	ck_assert_str_eq(ior_buf__str(&b), "0.00-2.3");
	ior_buf__free(&b);
}
END_TEST

/* When xmllint is there (scripts/install-deps.sh installs it), it must accept svg. */
static void assert_well_formed(const char *svg)
{
	char path[] = "/tmp/ior-check-flame-XXXXXX";
	char cmd[128];
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;

	ck_assert_ptr_nonnull(f);
	fputs(svg, f);
	fclose(f);
	if (system("command -v xmllint >/dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof(cmd), "xmllint --noout %s", path);
		ck_assert_msg(system(cmd) == 0, "xmllint rejects the SVG (kept in %s)", path);
	}
	unlink(path);
}

START_TEST(test_hostile_names_well_formed)
{
	static const char *const lines[] = {
		"<script>alert(1)</script>;x 5", "a&b;\"q\";'s' 3", "]]>;<![CDATA[ 2",
		"\\xff\\xfe\\x00\\x01;\\x1b[31mred 4", "\\xe2\\x80\\xaertl;ok 1",
		"--><!--;<?xml?> 1",
	};
	struct ior_flame *fg = ior_flame__new();
	struct ior_flame_opts o = { .title = "t<i>tle & \"co\"", .subtitle = "host \xff]]>",
				    .root_name = "<root>", .count_label = "<calls>" };
	char *svg;

	for (size_t i = 0; i < sizeof(lines) / sizeof(lines[0]); i++)
		ck_assert_int_eq(ior_flame__add_collapsed(fg, lines[i], strlen(lines[i]), false),
				 0);
	svg = render_ok(fg, &o);
	ck_assert_ptr_null(strstr(svg, "<script>alert"));
	ck_assert_ptr_nonnull(strstr(svg, "<title>&lt;script&gt;alert(1)&lt;/script&gt;\n"));
	ck_assert_ptr_nonnull(strstr(svg, "<title>\\xff\\xfe\\x00\\x01\n"));
	ck_assert_ptr_nonnull(strstr(svg, "<title>\\x1b[31mred\n"));
	ck_assert_uint_eq(count(svg, "<script"), 1);
	ck_assert_uint_eq(count(svg, "]]>"), 2); /* the ends of the CSS and script sections */
	assert_well_formed(svg);
	free(svg);
	ior_flame__free(fg);
}
END_TEST

START_TEST(test_embedded_code_fits_cdata)
{
	ck_assert_ptr_null(strstr(ior_flame_js, "]]>"));
	ck_assert_ptr_null(strstr(ior_flame_css, "]]>"));
	ck_assert_ptr_nonnull(strstr(ior_flame_js, "data-ready"));
}
END_TEST

/* One wide stack and n stacks of weight 1: how many frames are drawn. */
static size_t frames_drawn(unsigned int n, char **svg_out)
{
	struct ior_flame *fg = ior_flame__new();
	char line[64];
	char *svg;
	size_t frames;

	add(fg, "big;x", 1000000, 0);
	for (unsigned int i = 0; i < n; i++) {
		snprintf(line, sizeof(line), "small;s%u", i);
		add(fg, line, 1, 0);
	}
	svg = render_ok(fg, NULL);
	frames = count(svg, "<g data-d=");
	ior_flame__free(fg);
	if (svg_out)
		*svg_out = svg;
	else
		free(svg);
	return frames;
}

START_TEST(test_narrow_frames_merged)
{
	char *svg;

	/* 1000 x 1/1001000 of 1180 px: each 0.001 px, together 1.2 px, merged */
	ck_assert_uint_eq(frames_drawn(1000, &svg), 5);
	ck_assert_ptr_nonnull(strstr(svg, "<title>[1000 narrow frames]\n1,000 (0.10%)</title>"));
	free(svg);
	/* 50: "small" itself is 0.06 px wide, so neither it nor anything above is drawn */
	ck_assert_uint_eq(frames_drawn(50, NULL), 3);
	/* the number drawn is bounded whatever the number of stacks */
	ck_assert_uint_eq(frames_drawn(20000, NULL), 5);
}
END_TEST

START_TEST(test_min_width_zero_draws_all)
{
	struct ior_flame *fg = ior_flame__new();
	struct ior_flame_opts o = { .min_width = 1e-300 };
	char line[32];
	char *svg;

	for (int i = 0; i < 50; i++) {
		snprintf(line, sizeof(line), "s;f%d", i);
		add(fg, line, 1, 0);
	}
	add(fg, "big", 1000000000, 0);
	o.count_label = "  calls";
	svg = render_ok(fg, &o);
	ck_assert_ptr_nonnull(strstr(svg, "<title>big\n1,000,000,000 calls ("));
	ck_assert_ptr_nonnull(strstr(svg, "data-label=\"calls\""));
	ck_assert_uint_eq(count(svg, "<g data-d="), 53);
	ck_assert_ptr_null(strstr(svg, "narrow frames"));
	free(svg);
	ior_flame__free(fg);
}
END_TEST

START_TEST(test_diff_colours)
{
	struct ior_flame *fg = ior_flame__new();
	struct ior_flame_opts o = { .diff = true };
	char c[8];
	char *svg;

	add(fg, "p;grew", 10, 20);
	add(fg, "p;shrank", 20, 10);
	add(fg, "p;same", 10, 10);
	add(fg, "p;new", 0, 10);
	add(fg, "p;gone", 10, 0);
	svg = render_ok(fg, &o);
	/* r = 0.5 -> sqrt 0.707 -> 255 - 145 = 110 = 0x6e */
	ck_assert_str_eq(fill_of(svg, "grew", c), "#ff6e6e");
	ck_assert_str_eq(fill_of(svg, "shrank", c), "#6e6eff");
	ck_assert_str_eq(fill_of(svg, "same", c), "#ffffff");
	ck_assert_str_eq(fill_of(svg, "new", c), "#ff3232");
	ck_assert_str_eq(fill_of(svg, "gone", c), ""); /* sized by B: not there */
	ck_assert_ptr_nonnull(strstr(svg, "<title>grew\nA: 10, B: 20, change +100.00%, 40.00% of B"));
	ck_assert_ptr_nonnull(strstr(svg, "Width: B. Colour: change from A to B:"));
	free(svg);

	o.negate = true; /* sized by A, same colours */
	svg = render_ok(fg, &o);
	ck_assert_str_eq(fill_of(svg, "gone", c), "#3232ff");
	ck_assert_str_eq(fill_of(svg, "new", c), "");
	ck_assert_str_eq(fill_of(svg, "grew", c), "#ff6e6e");
	ck_assert_ptr_nonnull(strstr(svg, "Width: A. "));
	free(svg);

	o.negate = false; /* A total 50, B total 50: normalising changes nothing here */
	o.normalize = true;
	add(fg, "q;more", 0, 50); /* now B = 100: A counts double */
	svg = render_ok(fg, &o);
	ck_assert_str_eq(fill_of(svg, "grew", c), "#ffffff");
	ck_assert_str_eq(fill_of(svg, "same", c), "#6e6eff");
	free(svg);
	ior_flame__free(fg);
}
END_TEST

START_TEST(test_class_and_stable_colours)
{
	struct ior_flame *fg = ior_flame__new();
	struct ior_flame_opts o = { 0 };
	char c[8];
	char *svg;

	add(fg, "app;pread64;/data", 3, 0);
	add(fg, "app;read", 2, 0);
	add(fg, "app;write", 2, 0);
	svg = render_ok(fg, &o);
	ck_assert_str_eq(fill_of(svg, "pread64", c), "#6fa8dc");
	ck_assert_str_eq(fill_of(svg, "read", c), "#6fa8dc");
	ck_assert_str_eq(fill_of(svg, "write", c), "#b58ee0");
	/* pinned: a warm colour must never change between runs, machines or versions */
	ck_assert_str_eq(fill_of(svg, "app", c), "#f9dd4c");
	ck_assert_str_eq(fill_of(svg, "/data", c), "#ffad24");
	ck_assert_ptr_nonnull(strstr(svg, ">read</text>"));
	free(svg);
	o.palette = IOR_FLAME_PALETTE_HASH;
	svg = render_ok(fg, &o);
	ck_assert_str_ne(fill_of(svg, "pread64", c), "#6fa8dc");
	free(svg);
	ior_flame__free(fg);
}
END_TEST

START_TEST(test_output_deterministic)
{
	static const char *const stacks[] = { "z;b;c", "a;b", "m;\xff", "a;c;d", "a;b;e", "z" };
	struct ior_flame *f1 = ior_flame__new(), *f2 = ior_flame__new();
	struct ior_flame_opts o = { .diff = true, .unit = IOR_FLAME_UNIT_NS, .subtitle = "s" };
	size_t n = sizeof(stacks) / sizeof(stacks[0]);
	char *s1, *s2, *s3;

	for (size_t i = 0; i < n; i++) {
		add(f1, stacks[i], i * 1000 + 7, i * 333 + 1);
		add(f2, stacks[n - 1 - i], (n - 1 - i) * 1000 + 7, (n - 1 - i) * 333 + 1);
	}
	s1 = render_ok(f1, &o);
	s2 = render_ok(f2, &o);
	s3 = render_ok(f1, &o);
	ck_assert_msg(strcmp(s1, s2) == 0, "the order of the adds changed the output");
	ck_assert_msg(strcmp(s1, s3) == 0, "two writes of one graph differ");
	free(s1);
	free(s2);
	free(s3);
	ior_flame__free(f1);
	ior_flame__free(f2);
}
END_TEST

START_TEST(test_layout_order_and_inverted)
{
	struct ior_flame *fg = ior_flame__new();
	struct ior_flame_opts o = { 0 };
	char *svg;

	add(fg, "r;b", 1, 0);
	add(fg, "r;a", 1, 0);
	add(fg, "r;B", 1, 0);
	svg = render_ok(fg, &o);
	/* byte order left to right: "B" < "a" < "b" */
	ck_assert_ptr_nonnull(strstr(svg, "<g data-d=\"2\" data-s=\"0\" data-w=\"1\"><title>B\n"));
	ck_assert_ptr_nonnull(strstr(svg, "<g data-d=\"2\" data-s=\"2\" data-w=\"1\"><title>b\n"));
	/* flame: the root at the bottom row (y 130 of rows 98, 114, 130) */
	ck_assert_ptr_nonnull(strstr(svg, "<rect x=\"10.0\" y=\"130\" width=\"1180.0\""));
	free(svg);
	o.inverted = true;
	svg = render_ok(fg, &o);
	ck_assert_ptr_nonnull(strstr(svg, "<rect x=\"10.0\" y=\"98\" width=\"1180.0\""));
	ck_assert_ptr_nonnull(strstr(svg, "I/O icicle graph"));
	free(svg);
	ior_flame__free(fg);
}
END_TEST

START_TEST(test_empty_graph_and_bad_options)
{
	struct ior_flame *fg = ior_flame__new();
	struct ior_flame_opts o = { .width = 100 };
	int err;
	char *svg = render_ok(fg, NULL);

	ck_assert_ptr_nonnull(strstr(svg, ">no data</text>"));
	assert_well_formed(svg);
	free(svg);
	ck_assert_ptr_null(render(fg, &o, &err));
	ck_assert_int_eq(err, -EINVAL);
	o = (struct ior_flame_opts){ .min_width = -1 };
	ck_assert_ptr_null(render(fg, &o, &err));
	ck_assert_int_eq(err, -EINVAL);
	o.min_width = __builtin_nan("");
	ck_assert_ptr_null(render(fg, &o, &err));
	ck_assert_int_eq(err, -EINVAL);
	ior_flame__free(fg);
}
END_TEST

START_TEST(test_write_error_reported)
{
	struct ior_flame *fg = ior_flame__new();
	FILE *f = fopen("/dev/full", "w");

	if (!f)
		return; /* no /dev/full here: nothing to check */
	add(fg, "a;b", 1, 0);
	ck_assert_int_eq(ior_flame__write_svg(fg, f, NULL), -ENOSPC);
	fclose(f);
	ior_flame__free(fg);
}
END_TEST

START_TEST(test_deep_stack)
{
	enum { DEPTH = 20000 };
	struct ior_flame *fg = ior_flame__new();
	const char **frames = malloc(DEPTH * sizeof(*frames));
	char *svg;

	for (int i = 0; i < DEPTH; i++)
		frames[i] = (i & 1) ? "odd" : "even";
	ck_assert_int_eq(ior_flame__add(fg, frames, NULL, DEPTH, 1, 0), 0);
	svg = render_ok(fg, NULL);
	ck_assert_uint_eq(count(svg, "<g data-d="), DEPTH + 1);
	free(svg);
	free(frames);
	ior_flame__free(fg);
}
END_TEST

Suite *flamegraph_suite(void)
{
	Suite *s = suite_create("flamegraph");
	TCase *tc = tcase_create("flamegraph");

	tcase_add_test(tc, test_tree_merges_paths);
	tcase_add_test(tc, test_weights_saturate_and_bytes_frames);
	tcase_add_loop_test(tc, test_collapsed_lines, 0,
			    sizeof(collapsed_cases) / sizeof(collapsed_cases[0]));
	tcase_add_loop_test(tc, test_names_shown_safely, 0,
			    sizeof(name_cases) / sizeof(name_cases[0]));
	tcase_add_loop_test(tc, test_values_formatted, 0,
			    sizeof(value_cases) / sizeof(value_cases[0]));
	tcase_add_test(tc, test_hostile_names_well_formed);
	tcase_add_test(tc, test_embedded_code_fits_cdata);
	tcase_add_test(tc, test_narrow_frames_merged);
	tcase_add_test(tc, test_min_width_zero_draws_all);
	tcase_add_test(tc, test_diff_colours);
	tcase_add_test(tc, test_class_and_stable_colours);
	tcase_add_test(tc, test_output_deterministic);
	tcase_add_test(tc, test_layout_order_and_inverted);
	tcase_add_test(tc, test_empty_graph_and_bad_options);
	tcase_add_test(tc, test_write_error_reported);
	tcase_add_test(tc, test_deep_stack);
	suite_add_tcase(s, tc);
	return s;
}
