// SPDX-License-Identifier: GPL-2.0-only
/*
 * ior-analyze: offline reports over .ior recordings. Subcommands dispatch from one
 * table; each lives in analyzer/cmd_<name>.c with its own --help.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "analyzer/cmd.h"
#include "common/log.h"
#include "format/ior_format.h"

static const struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} commands[] = {
	{ "info", cmd_info, "what a recording holds: host, span, counts, losses, damage" },
	{ "dump", cmd_dump, "every event, strace-like or as NDJSON" },
	{ "top", cmd_top, "top-N groups with counts, bytes and latency percentiles" },
	{ "collapse", cmd_collapse, "collapsed stacks for flamegraph.pl and Inferno" },
	{ "flamegraph", cmd_flamegraph, "an interactive SVG flame graph" },
	{ "diff", cmd_diff, "compare two recordings: table, folded or differential SVG" },
};

static void usage(FILE *out)
{
	fprintf(out, "Usage: ior-analyze COMMAND [OPTIONS] FILE...\n\n"
		     "Reports over recordings made by ior-record; runs anywhere, no root needed.\n\n"
		     "Commands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(out, "  %-11s %s\n", commands[i].name, commands[i].summary);
	fprintf(out, "\n'ior-analyze COMMAND --help' describes a command. A FILE of '-' is "
		     "standard input.\nExit status: 0 ok, 1 failure, 2 usage error.\n");
}

int main(int argc, char **argv)
{
	ior_log_init("ior-analyze");
	/* a closed pipe (| head) ends the output quietly, with an error status */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		usage(stderr);
		return IOR_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return ior_finish_stdout(IOR_EXIT_OK);
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		printf("ior-analyze %s (recording format %d.%d)\n", IOR_VERSION, IOR_FORMAT_MAJOR,
		       IOR_FORMAT_MINOR);
		return ior_finish_stdout(IOR_EXIT_OK);
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].run(argc - 1, argv + 1);
	ior_err("unknown command '%s'", argv[1]);
	usage(stderr);
	return IOR_EXIT_USAGE;
}
