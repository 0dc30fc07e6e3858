// SPDX-License-Identifier: GPL-2.0-only
/* ior-analyze flamegraph: an interactive SVG flame graph, drawn by ior itself. */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "analyzer/cmd.h"
#include "analyzer/flamegraph.h"
#include "common/log.h"
#include "common/parse.h"

#define FLAME_DEFAULT_FIELDS "comm,path,syscall"

static const char flamegraph_help[] =
	"Usage: ior-analyze flamegraph [OPTIONS] FILE\n\n"
	"Write a self-contained interactive SVG flame graph: hover for a frame's weight and\n"
	"share, click to zoom, Ctrl-F to search (a regular expression; the matched share is\n"
	"shown). Frames are coloured by syscall class. Open it in any browser.\n\n"
	"Options:\n"
	"  -o, --output FILE       the SVG file (default: standard output)\n"
	"  --fields F1,F2,...      the frames, outermost first (default " FLAME_DEFAULT_FIELDS ");\n"
	"                          --by is the same\n"
	"                          from: " IOR_FIELDS_VALID "\n"
	"  --weight W              count, duration (the default), bytes, or gap\n"
	"  --path-frames           one frame per directory level of a path\n"
	"  --inverted              icicle graph: root at the top\n"
	"  --title TEXT            the title (default \"I/O flame graph\")\n"
	"  --width PIXELS          the width (default 1200)\n"
	"  --salvage               also read a truncated last chunk (unverified)\n"
	"  -h, --help              this help\n\n" IOR_FILTER_HELP
	"\nExamples:\n"
	"  ior-analyze flamegraph db.ior -o db.svg\n"
	"  ior-analyze flamegraph --fields comm,syscall,path --path-frames -o paths.svg db.ior\n"
	"  ior-analyze flamegraph --weight bytes --class read,write -o bytes.svg db.ior\n";

enum ior_flame_unit ior_weight_unit(enum ior_weight w)
{
	return w == IOR_WEIGHT_BYTES ? IOR_FLAME_UNIT_BYTES
	       : w == IOR_WEIGHT_COUNT ? IOR_FLAME_UNIT_COUNT
				       : IOR_FLAME_UNIT_NS;
}

/*
 * Add one stack given in collapsed form (escaped frames joined by ';') with weights a
 * and b (b only for differential graphs).
 */
int ior_flame_add_frames(struct ior_flame *fg, struct ior_buf *line, const char *frames,
			 size_t len, uint64_t a, uint64_t b, bool diff)
{
	ior_buf__reset(line);
	ior_buf__add(line, frames, len);
	if (diff)
		ior_buf__addf(line, " %" PRIu64 " %" PRIu64, a, b);
	else
		ior_buf__addf(line, " %" PRIu64, a);
	if (line->oom)
		return -ENOMEM;
	return ior_flame__add_collapsed(fg, line->data, line->len, diff);
}

static int build_graph(struct ior_flame *fg, struct ior_agg *a, enum ior_weight w)
{
	struct ior_buf line = IOR_BUF_INIT;
	size_t n;
	struct ior_group *g = ior_agg__groups(a, &n);
	int err = 0;

	for (size_t i = 0; i < n && !err; i++) {
		uint64_t v = ior_group_weight(&g[i], w);

		if (v)
			err = ior_flame_add_frames(fg, &line, g[i].frames, g[i].frames_len, v, 0,
						   false);
	}
	ior_buf__free(&line);
	return err;
}

struct flame_cli {
	const char *out, *title;
	unsigned width;
	bool inverted;
};

static int flame_opt(struct flame_cli *f, int opt, const char *arg)
{
	int w;

	switch (opt) {
	case 'o':
		f->out = arg;
		return 0;
	case 't':
		f->title = arg;
		return 0;
	case 'i':
		f->inverted = true;
		return 0;
	case 'w':
		if (ior_parse_int(arg, 200, 100000, &w)) {
			ior_err("invalid --width '%s' (200 to 100000 pixels)", arg);
			return IOR_EXIT_USAGE;
		}
		f->width = (unsigned)w;
		return 0;
	}
	return 1;
}

/* Write the graph to path ("-" or NULL: stdout); prints errors, returns an exit status. */
int ior_flame_write_file(struct ior_flame *fg, const char *path, const struct ior_flame_opts *o)
{
	FILE *out = !path || !strcmp(path, "-") ? stdout : fopen(path, "w");
	int err;

	if (!out) {
		ior_err("cannot create '%s': %s", path, strerror(errno));
		return IOR_EXIT_FAIL;
	}
	err = ior_flame__write_svg(fg, out, o);
	if (out != stdout && fclose(out) && !err)
		err = -errno;
	if (err) {
		ior_err("cannot write '%s': %s", path ? path : "-",
			strerror(err == -EIO && errno ? errno : -err));
		return IOR_EXIT_FAIL;
	}
	return IOR_EXIT_OK;
}

static int render(struct ior_agg_cli *c, const struct flame_cli *f, const char *file)
{
	struct ior_input in;
	struct ior_agg *a = NULL;
	struct ior_flame *fg;
	char subtitle[512], desc[256];
	int status = ior_agg_cli__run(c, file, NULL, &in, &a);

	if (status)
		return status;
	ior_describe_recording(desc, sizeof(desc), &in);
	snprintf(subtitle, sizeof(subtitle), "%s, weight: %s", desc, ior_weight_name(c->weight));
	fg = ior_flame__new();
	if (!fg || build_graph(fg, a, c->weight)) {
		ior_err("%s", strerror(ENOMEM));
		status = IOR_EXIT_FAIL;
	} else {
		struct ior_flame_opts o = { .title = f->title, .subtitle = subtitle,
					    .unit = ior_weight_unit(c->weight),
					    .count_label = " calls", .width = f->width,
					    .inverted = f->inverted };

		status = ior_flame_write_file(fg, f->out, &o);
	}
	ior_flame__free(fg);
	ior_agg__free(a);
	ior_input__close(&in);
	return status;
}

int cmd_flamegraph(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      { "output", required_argument, NULL, 'o' },
					      { "title", required_argument, NULL, 't' },
					      { "width", required_argument, NULL, 'w' },
					      { "inverted", no_argument, NULL, 'i' },
					      IOR_AGG_LONG_OPTIONS, { 0 } };
	struct flame_cli f = { 0 };
	struct ior_agg_cli c;
	int opt, status = IOR_EXIT_OK;

	ior_agg_cli__init(&c, FLAME_DEFAULT_FIELDS);
	while (!status && (opt = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(flamegraph_help, stdout);
			ior_agg_cli__free(&c);
			return ior_finish_stdout(IOR_EXIT_OK);
		}
		status = flame_opt(&f, opt, optarg);
		if (status == 1)
			status = ior_agg_cli__opt(&c, opt, optarg) ? IOR_EXIT_USAGE : 0;
	}
	if (!status && optind != argc - 1) {
		ior_err("flamegraph takes one recording");
		status = IOR_EXIT_USAGE;
	}
	if (status) {
		ior_agg_cli__free(&c);
		return ior_usage_hint("flamegraph");
	}
	status = render(&c, &f, argv[optind]);
	ior_agg_cli__free(&c);
	return ior_finish_stdout(status);
}
