// SPDX-License-Identifier: GPL-2.0-only
#include "common/log.h"

#include <stdarg.h>
#include <stdio.h>

static const char *progname = "ior";
static int verbose;

void ior_log_init(const char *name)
{
	progname = name;
}

const char *ior_progname(void)
{
	return progname;
}

void ior_set_verbose(int level)
{
	verbose = level;
}

int ior_verbose(void)
{
	return verbose;
}

static void vlog(const char *prefix, const char *fmt, va_list ap)
{
	fprintf(stderr, "%s: %s", progname, prefix);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void ior_err(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}

void ior_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog("warning: ", fmt, ap);
	va_end(ap);
}

void ior_info(const char *fmt, ...)
{
	va_list ap;

	if (!verbose)
		return;
	va_start(ap, fmt);
	vlog("", fmt, ap);
	va_end(ap);
}
