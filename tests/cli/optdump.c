// SPDX-License-Identifier: GPL-2.0-only
/*
 * An LD_PRELOAD shim for the documentation tests (tests/cli/man.sh, completion.sh): the
 * first getopt_long() call prints the option table it was given and ends the process, so
 * a test learns every option a binary (or one ior-analyze command) really accepts without
 * running it. Output on stdout, one line each:
 *	short OPTSTRING
 *	long NAME HAS_ARG
 * Build: cc -shared -fPIC -o optdump.so tests/cli/optdump.c
 */
#include <getopt.h>
#include <stdio.h>
#include <unistd.h>

int getopt_long(int argc, char *const argv[], const char *shortopts,
		const struct option *longopts, int *longind)
{
	printf("short %s\n", shortopts ? shortopts : "");
	for (const struct option *o = longopts; o && o->name; o++)
		printf("long %s %d\n", o->name, o->has_arg);
	fflush(stdout);
	_exit(ferror(stdout) ? 1 : 0);
}
