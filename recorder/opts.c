// SPDX-License-Identifier: GPL-2.0-only
#include "recorder/opts.h"

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/parse.h"
#include "format/ior_format.h"

enum {
	OPT_PATH = 256,
	OPT_RINGBUF,
	OPT_FLUSH,
	OPT_MAX_SIZE,
	OPT_FORCE,
	OPT_ATTACH,
};

static const struct option long_opts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "duration", required_argument, NULL, 'd' },
	{ "pid", required_argument, NULL, 'p' },
	{ "tid", required_argument, NULL, 't' },
	{ "comm", required_argument, NULL, 'c' },
	{ "path", required_argument, NULL, OPT_PATH },
	{ "syscalls", required_argument, NULL, 'e' },
	{ "exclude", required_argument, NULL, 'x' },
	{ "ringbuf-size", required_argument, NULL, OPT_RINGBUF },
	{ "flush-interval", required_argument, NULL, OPT_FLUSH },
	{ "max-size", required_argument, NULL, OPT_MAX_SIZE },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "attach", required_argument, NULL, OPT_ATTACH },
	{ "quiet", no_argument, NULL, 'q' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'V' },
	{ 0 },
};

static const char usage[] =
	"usage: ior-record [OPTIONS] [-- COMMAND [ARG...]]\n"
	"Record synchronous file I/O syscalls (BPF; needs root) into an .ior file.\n"
	"\n"
	"  -o, --output FILE       recording to write (default HOSTNAME-YYYYmmddTHHMMSS.ior;\n"
	"                          '-' = stdout); never overwritten without --force\n"
	"  -d, --duration SECONDS  stop after this long (units ms, s, m, h accepted)\n"
	"  -p, --pid PID           only this process and its descendants (repeatable)\n"
	"  -t, --tid TID           only this thread (repeatable)\n"
	"  -c, --comm COMM         only tasks named COMM\n"
	"      --path PREFIX       only events on files under the absolute PREFIX\n"
	"  -e, --syscalls RE[,RE]  only syscalls whose name matches a regex (repeatable)\n"
	"  -x, --exclude RE[,RE]   not these syscalls (repeatable); opens, closes, dups,\n"
	"                          fcntl, chdir, mmap, ... are recorded whatever -e/-x\n"
	"                          say, so that paths resolve; reports hide them\n"
	"      --ringbuf-size SIZE kernel ring buffer, a power of two (default 32M)\n"
	"      --flush-interval MS make the file durable this often (default 1000)\n"
	"      --max-size SIZE     stop once the file reaches SIZE\n"
	"      --attach MODE       tracepoint (per syscall; the default) or btf\n"
	"                          (sys_enter/sys_exit): see BENCHMARKS.md\n"
	"      --force             overwrite an existing output file\n"
	"  -q, --quiet             no status line and no summary\n"
	"  -v, --verbose           more diagnostics (repeat for libbpf's)\n"
	"  -h, --help              this help;  -V, --version  the version\n"
	"\n"
	"With -- COMMAND, records COMMAND and its descendants, stops when it exits and\n"
	"exits with its status. SIGINT/SIGTERM end a recording cleanly.\n";

const char *ior_record_opts__usage(void)
{
	return usage;
}

/* The format's version numbers as string literals, joined at compile time. */
#define STR_(x) #x
#define STR(x) STR_(x)

static const char version[] = "ior-record " IOR_VERSION " (recording format "
			      STR(IOR_FORMAT_MAJOR) "." STR(IOR_FORMAT_MINOR) ")\n";

const char *ior_record_opts__version(void)
{
	return version;
}

__attribute__((format(printf, 2, 3))) static int bad(struct ior_record_opts *o,
						     const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->err, sizeof(o->err), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int add_id(struct ior_record_opts *o, uint32_t **v, size_t *n, const char *opt,
		  const char *arg)
{
	int id;
	uint32_t *nv;

	if (ior_parse_int(arg, 1, 0x3fffffff, &id))
		return bad(o, "%s '%s': not a process or thread id", opt, arg);
	nv = realloc(*v, (*n + 1) * sizeof(**v));
	if (!nv)
		return bad(o, "out of memory");
	nv[(*n)++] = (uint32_t)id;
	*v = nv;
	return 0;
}

/* -e/-x repeat: "a" then "b" gives "a,b". */
static int join(struct ior_record_opts *o, char **dst, const char *arg)
{
	size_t old = *dst ? strlen(*dst) : 0;
	char *s = realloc(*dst, old + strlen(arg) + 2);

	if (!s)
		return bad(o, "out of memory");
	if (old)
		s[old++] = ',';
	strcpy(s + old, arg);
	*dst = s;
	return 0;
}

static int set_ringbuf(struct ior_record_opts *o, const char *arg)
{
	uint64_t v;

	if (ior_parse_size(arg, &v))
		return bad(o, "--ringbuf-size '%s': not a size", arg);
	if (v < 4096 || (v & (v - 1)) || v > (1ull << 30))
		return bad(o, "--ringbuf-size '%s': must be a power of two from 4K to 1G", arg);
	o->ringbuf_bytes = v;
	return 0;
}

static int set_path(struct ior_record_opts *o, const char *arg)
{
	if (arg[0] != '/')
		return bad(o, "--path '%s': must be an absolute path", arg);
	if (strlen(arg) >= IOR_WIRE_PREFIX_MAX)
		return bad(o, "--path '%s': longer than %d bytes", arg, IOR_WIRE_PREFIX_MAX - 1);
	o->path_prefix = arg;
	return 0;
}

static int set_attach(struct ior_record_opts *o, const char *arg)
{
	if (strcmp(arg, "btf") == 0)
		o->attach = IOR_ATTACH_BTF;
	else if (strcmp(arg, "tracepoint") == 0 || strcmp(arg, "tp") == 0)
		o->attach = IOR_ATTACH_TP;
	else
		return bad(o, "--attach '%s': expected btf or tracepoint", arg);
	o->attach_chosen = true;
	return 0;
}

static int set_comm(struct ior_record_opts *o, const char *arg)
{
	if (!*arg || strlen(arg) >= IOR_WIRE_COMM_LEN)
		return bad(o, "-c '%s': a comm has 1 to %d bytes", arg, IOR_WIRE_COMM_LEN - 1);
	o->comm = arg;
	return 0;
}

static int set_duration(struct ior_record_opts *o, const char *opt, const char *arg,
			uint64_t unit, uint64_t min, uint64_t *out)
{
	uint64_t v;

	if (ior_parse_duration(arg, unit, &v) || v < min)
		return bad(o, "%s '%s': not a duration (or too short)", opt, arg);
	*out = v;
	return 0;
}

static int set_max_size(struct ior_record_opts *o, const char *arg)
{
	if (ior_parse_size(arg, &o->max_size) || !o->max_size)
		return bad(o, "--max-size '%s': not a size", arg);
	return 0;
}

static int set_flag(int *counter, bool *flag)
{
	if (counter)
		(*counter)++;
	if (flag)
		*flag = true;
	return 0;
}

static int one_opt(struct ior_record_opts *o, int c, const char *arg)
{
	switch (c) {
	case 'o':
		o->output = arg;
		return 0;
	case 'd':
		return set_duration(o, "-d", arg, 1000000000ull, 1, &o->duration_ns);
	case 'p':
		return add_id(o, &o->pids, &o->npids, "-p", arg);
	case 't':
		return add_id(o, &o->tids, &o->ntids, "-t", arg);
	case 'c':
		return set_comm(o, arg);
	case 'e':
		return join(o, &o->include, arg);
	case 'x':
		return join(o, &o->exclude, arg);
	case 'q':
		return set_flag(&o->quiet, NULL);
	case 'v':
		return set_flag(&o->verbose, NULL);
	case 'h':
		return set_flag(NULL, &o->help);
	case 'V':
		return set_flag(NULL, &o->version);
	case OPT_PATH:
		return set_path(o, arg);
	case OPT_RINGBUF:
		return set_ringbuf(o, arg);
	case OPT_FLUSH:
		return set_duration(o, "--flush-interval", arg, 1000000ull, 10000000ull,
				    &o->flush_ns);
	case OPT_MAX_SIZE:
		return set_max_size(o, arg);
	case OPT_FORCE:
		return set_flag(NULL, &o->force);
	case OPT_ATTACH:
		return set_attach(o, arg);
	}
	return bad(o, "internal: option %d", c);
}

int ior_record_opts__parse(struct ior_record_opts *o, int argc, char **argv)
{
	int c, ret = 0;

	memset(o, 0, sizeof(*o));
	o->ringbuf_bytes = IOR_RECORD_DEFAULT_RINGBUF;
	o->flush_ns = IOR_RECORD_DEFAULT_FLUSH_NS;
	o->attach = IOR_RECORD_DEFAULT_ATTACH;
	optind = 0; /* a full re-initialisation of getopt (tests parse many times) */
	opterr = 0;
	while (!ret && (c = getopt_long(argc, argv, "+:o:d:p:t:c:e:x:qvhV", long_opts, NULL)) != -1) {
		if (c == '?')
			ret = optopt ? bad(o, "unknown option '-%c'", optopt)
				     : bad(o, "unknown option '%s'", argv[optind - 1]);
		else if (c == ':')
			ret = bad(o, "option '%s' needs an argument", argv[optind - 1]);
		else
			ret = one_opt(o, c, optarg);
	}
	if (ret || o->help || o->version)
		return ret;
	if (optind < argc) {
		if (strcmp(argv[optind - 1], "--") != 0)
			return bad(o, "unexpected argument '%s' (put a command after --)", argv[optind]);
		o->command = &argv[optind];
	} else if (optind > 1 && strcmp(argv[optind - 1], "--") == 0) {
		return bad(o, "-- must be followed by a command");
	}
	return 0;
}

void ior_record_opts__free(struct ior_record_opts *o)
{
	free(o->pids);
	free(o->tids);
	free(o->include);
	free(o->exclude);
	o->pids = o->tids = NULL;
	o->include = o->exclude = NULL;
}

void ior_record_opts__describe(const struct ior_record_opts *o, enum ior_attach attach,
			       char *buf, size_t len)
{
	snprintf(buf, len, "attach=%s ringbuf=%llu flush_ms=%llu max_size=%llu pids=%zu tids=%zu "
			   "comm=%s path=%s include=%s exclude=%s command=%s",
		 attach == IOR_ATTACH_TP ? "tracepoint" : "btf",
		 (unsigned long long)o->ringbuf_bytes,
		 (unsigned long long)(o->flush_ns / 1000000), (unsigned long long)o->max_size,
		 o->npids, o->ntids, o->comm ? o->comm : "-", o->path_prefix ? o->path_prefix : "-",
		 o->include ? o->include : "-", o->exclude ? o->exclude : "-",
		 o->command ? o->command[0] : "-");
}
