// SPDX-License-Identifier: GPL-2.0-only
/*
 * make_svg: collapsed stacks on stdin -> flame graph SVG on stdout, through
 * analyzer/flamegraph.h alone. The browser test uses it to draw small known inputs;
 * it is not installed.
 *
 *   make_svg [--diff] [--negate] [--normalize] [--inverted] [--hash-colours]
 *            [--unit count|ns|bytes] [--title T] [--subtitle S] [--width PX]
 *            [--min-width PX] < stacks.folded > out.svg
 *
 * With --diff each line holds two weights ("stack A B"). Exit 0, 1 on failure, 2 on usage.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/flamegraph.h"

static const struct option longopts[] = {
	{ "diff", no_argument, NULL, 'd' },	       { "negate", no_argument, NULL, 'n' },
	{ "normalize", no_argument, NULL, 'N' },     { "inverted", no_argument, NULL, 'i' },
	{ "hash-colours", no_argument, NULL, 'H' },  { "unit", required_argument, NULL, 'u' },
	{ "title", required_argument, NULL, 't' },   { "subtitle", required_argument, NULL, 's' },
	{ "width", required_argument, NULL, 'w' },   { "min-width", required_argument, NULL, 'm' },
	{ NULL, 0, NULL, 0 },
};

static int parse_unit(const char *s, enum ior_flame_unit *u)
{
	static const char *const names[] = { "count", "ns", "bytes" };

	for (int i = 0; i < 3; i++) {
		if (strcmp(s, names[i]) == 0) {
			*u = (enum ior_flame_unit)i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_args(int argc, char **argv, struct ior_flame_opts *o)
{
	char *end = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case 'd': o->diff = true; break;
		case 'n': o->negate = true; break;
		case 'N': o->normalize = true; break;
		case 'i': o->inverted = true; break;
		case 'H': o->palette = IOR_FLAME_PALETTE_HASH; break;
		case 't': o->title = optarg; break;
		case 's': o->subtitle = optarg; break;
		case 'u':
			if (parse_unit(optarg, &o->unit))
				return -EINVAL;
			break;
		case 'w': o->width = (unsigned int)strtoul(optarg, &end, 10); break;
		case 'm': o->min_width = strtod(optarg, &end); break;
		default: return -EINVAL;
		}
		if (end && *end)
			return -EINVAL;
		end = NULL;
	}
	return optind == argc ? 0 : -EINVAL;
}

static int read_stacks(struct ior_flame *fg, FILE *in, bool two)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	long lineno = 0;
	int err = 0;

	while (!err && (n = getline(&line, &cap, in)) >= 0) {
		lineno++;
		err = ior_flame__add_collapsed(fg, line, (size_t)n, two);
		if (err)
			fprintf(stderr, "make_svg: line %ld: %s\n", lineno, strerror(-err));
	}
	free(line);
	return err;
}

int main(int argc, char **argv)
{
	struct ior_flame_opts o = { 0 };
	struct ior_flame *fg;
	int err;

	if (parse_args(argc, argv, &o)) {
		fprintf(stderr, "usage: make_svg [--diff] [--negate] [--normalize] [--inverted] "
				"[--hash-colours] [--unit count|ns|bytes] [--title T] "
				"[--subtitle S] [--width PX] [--min-width PX] < in > out.svg\n");
		return 2;
	}
	fg = ior_flame__new();
	if (!fg) {
		perror("make_svg");
		return 1;
	}
	err = read_stacks(fg, stdin, o.diff);
	if (!err)
		err = ior_flame__write_svg(fg, stdout, &o);
	if (err)
		fprintf(stderr, "make_svg: cannot write the SVG: %s\n", strerror(-err));
	ior_flame__free(fg);
	return err ? 1 : 0;
}
