/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ior-record's command line (DESIGN.md's contract): parsed into options a recording
 * session reads. Parsing never prints or exits; a usage error comes back as -EINVAL
 * with a one-line reason in opts->err.
 */
#ifndef IOR_RECORDER_OPTS_H
#define IOR_RECORDER_OPTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "recorder/capture.h"

#define IOR_RECORD_DEFAULT_RINGBUF (32ull << 20)
#define IOR_RECORD_DEFAULT_FLUSH_NS 1000000000ull
/* By measurement (BENCHMARKS.md, "Recorder"): see the mode comparison there. */
#define IOR_RECORD_DEFAULT_ATTACH IOR_ATTACH_TP

struct ior_record_opts {
	const char *output;      /* -o; NULL = <hostname>-<time>.ior; "-" = stdout */
	uint64_t duration_ns;    /* -d; 0 = until stopped */
	uint32_t *pids;          /* -p, repeatable */
	size_t npids;
	uint32_t *tids;          /* -t, repeatable */
	size_t ntids;
	const char *comm;        /* -c */
	const char *path_prefix; /* --path */
	char *include;           /* -e, comma-joined over repeats; NULL = all */
	char *exclude;           /* -x */
	uint64_t ringbuf_bytes;  /* --ringbuf-size, a power of two */
	uint64_t flush_ns;       /* --flush-interval */
	uint64_t max_size;       /* --max-size; 0 = none */
	bool force;              /* --force: overwrite the output */
	enum ior_attach attach;  /* --attach */
	bool attach_chosen;      /* given on the command line (else a fallback is allowed) */
	int quiet;               /* -q */
	int verbose;             /* -v, repeatable */
	char **command;          /* after --, NULL-terminated; NULL = none */
	bool help, version;
	char err[256];           /* the reason of a usage error */
};

/*
 * Parse argv (argv[0] is the program). Returns 0, or -EINVAL with o->err set.
 * Allocated members are released by ior_record_opts__free(); command points into argv.
 */
int ior_record_opts__parse(struct ior_record_opts *o, int argc, char **argv);
void ior_record_opts__free(struct ior_record_opts *o);

/* The --help text (static). */
const char *ior_record_opts__usage(void);

/* The --version line: "ior-record 0.1.0 (recording format 1.1)\n" (static). */
const char *ior_record_opts__version(void);

/* A short "key=value ..." description of the options for the recording header. */
void ior_record_opts__describe(const struct ior_record_opts *o, enum ior_attach attach,
			       char *buf, size_t len);

#endif
