// SPDX-License-Identifier: GPL-2.0-only
/* ior-analyze collapse: collapsed stacks ("frame;frame;frame WEIGHT") for flame graphs. */
#include <getopt.h>
#include <inttypes.h>
#include <string.h>

#include "analyzer/cmd.h"
#include "common/log.h"

#define COLLAPSE_DEFAULT_FIELDS "comm,path,syscall"

static const char collapse_help[] =
	"Usage: ior-analyze collapse [OPTIONS] FILE\n\n"
	"Print collapsed stacks, one line per distinct stack: the fields joined by ';', a\n"
	"space and an integer weight, sorted, for flamegraph.pl, Inferno or speedscope.\n"
	"';', backslash, control characters and invalid UTF-8 inside a frame are written\n"
	"as \\xNN, so a line is always one stack. Stacks of weight 0 are left out.\n\n"
	"Options:\n"
	"  --fields F1,F2,...      the frames, outermost first (default " COLLAPSE_DEFAULT_FIELDS ");\n"
	"                          --by is the same\n"
	"                          from: " IOR_FIELDS_VALID "\n"
	"  --weight W              count, duration (ns, the default), bytes, or gap (ns\n"
	"                          since the same thread's previous syscall ended)\n"
	"  --path-frames           one frame per directory level of a path\n"
	"  --salvage               also read a truncated last chunk (unverified)\n"
	"  -h, --help              this help\n\n" IOR_FILTER_HELP
	"\nExamples:\n"
	"  ior-analyze collapse db.ior > db.folded && flamegraph.pl db.folded > db.svg\n"
	"  ior-analyze collapse --fields comm,syscall,dir:3 --weight bytes db.ior\n"
	"  ior-analyze collapse --fields path --path-frames --path '/var/lib/mysql/**' db.ior\n";

static int print_collapsed(struct ior_agg *a, enum ior_weight w)
{
	size_t n;
	struct ior_group *g = ior_agg__groups(a, &n);

	ior_groups_sort_by_frames(g, n);
	for (size_t i = 0; i < n; i++) {
		uint64_t v = ior_group_weight(&g[i], w);

		if (v && printf("%s %" PRIu64 "\n", g[i].frames, v) < 0)
			return IOR_EXIT_FAIL;
	}
	return IOR_EXIT_OK;
}

int cmd_collapse(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      IOR_AGG_LONG_OPTIONS, { 0 } };
	struct ior_agg_cli c;
	struct ior_input in;
	struct ior_agg *a = NULL;
	int opt, status = IOR_EXIT_OK;

	ior_agg_cli__init(&c, COLLAPSE_DEFAULT_FIELDS);
	while (!status && (opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(collapse_help, stdout);
			ior_agg_cli__free(&c);
			return ior_finish_stdout(IOR_EXIT_OK);
		}
		status = ior_agg_cli__opt(&c, opt, optarg) ? IOR_EXIT_USAGE : 0;
	}
	if (!status && optind != argc - 1) {
		ior_err("collapse takes one recording");
		status = IOR_EXIT_USAGE;
	}
	if (status) {
		ior_agg_cli__free(&c);
		return ior_usage_hint("collapse");
	}
	status = ior_agg_cli__run(&c, argv[optind], NULL, &in, &a);
	if (!status) {
		status = print_collapsed(a, c.weight);
		ior_agg__free(a);
		ior_input__close(&in);
	}
	ior_agg_cli__free(&c);
	return ior_finish_stdout(status);
}
