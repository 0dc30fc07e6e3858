/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test helpers: synthetic recordings held in memory. A "script" is the list of records
 * a test wrote, kept so that what the reader returns can be compared field by field.
 */
#ifndef IOR_TESTS_T_RECORDING_H
#define IOR_TESTS_T_RECORDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format/ior_format.h"

struct t_string {
	char *bytes;
	size_t len;
};

struct t_script {
	struct ior_record *recs; /* in write order; events carry writer string ids */
	size_t n, cap;
	struct t_string *strings; /* by writer id */
	size_t nstrings;
	size_t nevents;
};

/* A deterministic generator (xorshift), so that failures reproduce. */
uint64_t t_rand(uint64_t *state);

/* The header every synthetic recording uses. */
const struct ior_header *t_header(void);

/*
 * Write a synthetic recording of nevents (with process and lost records mixed in) to
 * fd through a writer with opts, and remember it in *s. extreme selects edge values
 * (INT64_MIN/MAX times, huge counts, odd strings). Returns 0 or -errno.
 */
int t_write_synthetic(int fd, struct t_script *s, size_t nevents, bool extreme,
		      const struct ior_writer_opts *opts, uint64_t seed);

/* Longest odd string extreme recordings use (tests of every byte offset lower it). */
extern size_t t_extreme_string_max;

/* Compare a record the reader returned with the one written; NULL or a description. */
const char *t_record_diff(const struct ior_reader *r, const struct t_script *s,
			  const struct ior_record *got, const struct ior_record *want);

void t_script_free(struct t_script *s);

/*
 * Rewrite the recording in fd so that no chunk repeats a thread definition an earlier
 * chunk made, which SPEC.md 4.3 asks of a writer: a reader of every chunk in order still
 * resolves every thread, a reader of some of the chunks cannot. 0 or -errno.
 */
int t_drop_repeated_threads(int fd);

/* An anonymous in-memory file holding len bytes of buf, positioned at 0. */
int t_memfd(const void *buf, size_t len);

/* The whole content of fd (from offset 0) in a malloc'd buffer; *len set. */
uint8_t *t_slurp(int fd, size_t *len);

#endif
