// SPDX-License-Identifier: GPL-2.0-only
/* ior-analyze info: what a recording holds, and whether it is whole. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analyzer/cmd.h"
#include "common/hash.h"
#include "common/log.h"

static const char info_help[] =
	"Usage: ior-analyze info [OPTIONS] FILE\n\n"
	"Show a recording's header (host, kernel, recorder command line), its time span,\n"
	"event counts per syscall, lost events, how much of it resolved to paths, and\n"
	"whether it was closed cleanly or where it was cut or damaged.\n\n"
	"Options:\n"
	"  --salvage               also read a truncated last chunk (unverified)\n"
	"  -h, --help              this help\n\n" IOR_FILTER_HELP
	"\nExamples:\n"
	"  ior-analyze info db.ior\n"
	"  ior-analyze info --comm mysqld --from 10 --to 20 db.ior\n";

struct info_counts {
	struct ior_u64map by_nr; /* nr -> count */
	uint64_t events, failed, bytes, lost_reports;
	uint64_t dur_total;
	struct ior_end end;
	bool have_end;
};

static void print_header(const struct ior_input *in)
{
	const struct ior_header *h = ior_reader__header(in->r);
	time_t wall = (time_t)((h->start_ns + h->wall_offset_ns) / 1000000000);
	char when[64];

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S %Z", localtime(&wall));
	printf("file:       %s\n", in->name);
	printf("format:     %u.%u, written by ior-record %s\n", h->major, h->minor,
	       h->tool_version);
	printf("host:       %s (%s, Linux %s, %u CPUs)\n", h->hostname, h->arch, h->kernel,
	       h->ncpus);
	printf("started:    %s\n", when);
	printf("command:   ");
	for (uint32_t i = 0; i < h->argc; i++)
		printf(" %s", h->argv[i]);
	printf("\noptions:    %s\n", *h->options ? h->options : "-");
	if (h->nselected) {
		printf("selected:  ");
		for (uint32_t i = 0; i < h->nselected; i++)
			printf(" %s", ior_replay__syscall_name(in->rp, h->selected[i]));
		printf(" (the others were recorded to resolve files; --syscall shows them)\n");
	}
}

static int count_all(struct ior_input *in, const struct ior_filter *f, struct info_counts *c)
{
	struct ior_revent re;
	struct ior_record rec;
	int n;

	while ((n = ior_input__next(in, f, &re, &rec)) > 0) {
		if (n == 2) {
			if (rec.type == IOR_REC_END) {
				c->end = rec.end;
				c->have_end = true;
			} else if (rec.type == IOR_REC_LOST) {
				c->lost_reports++;
			}
			continue;
		}
		uint64_t *slot = ior_u64map__slot(&c->by_nr, re.ev.nr);

		if (!slot)
			return -1;
		(*slot)++;
		c->events++;
		c->failed += re.ev.ret < 0 && re.ev.ret >= -4095;
		c->bytes += re.ev.bytes;
		c->dur_total += re.ev.dur_ns;
	}
	return n;
}

static int cmp_count(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b; /* pairs: count, nr */

	if (x[0] != y[0])
		return x[0] < y[0] ? 1 : -1;
	return x[1] < y[1] ? -1 : x[1] > y[1];
}

static void print_syscalls(struct ior_input *in, const struct info_counts *c)
{
	uint64_t *pairs = calloc(c->by_nr.count + 1, 2 * sizeof(uint64_t));
	size_t n = 0;

	if (!pairs)
		return;
	for (size_t i = 0; i < c->by_nr.cap; i++)
		if (c->by_nr.used[i]) {
			pairs[2 * n] = c->by_nr.vals[i];
			pairs[2 * n + 1] = c->by_nr.keys[i];
			n++;
		}
	qsort(pairs, n, 2 * sizeof(uint64_t), cmp_count);
	printf("\nevents per syscall:\n");
	for (size_t i = 0; i < n; i++)
		printf("  %-20s %12" PRIu64 "  %5.1f%%\n",
		       ior_replay__syscall_name(in->rp, (uint32_t)pairs[2 * i + 1]), pairs[2 * i],
		       100.0 * (double)pairs[2 * i] / (double)(c->events ? c->events : 1));
	free(pairs);
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 100.0;
}

static void print_summary(struct ior_input *in, const struct info_counts *c)
{
	struct ior_reader_stats st;
	struct ior_replay_stats rs;
	char from[32], to[32];

	ior_reader__stats(in->r, &st);
	ior_replay__stats(in->rp, &rs);
	ior_fmt_seconds(from, sizeof(from), rs.events ? rs.first_ns : 0);
	ior_fmt_seconds(to, sizeof(to), rs.events ? rs.last_ns : 0);
	printf("span:       %s s .. %s s\n", from, to);
	printf("events:     %" PRIu64 " (%" PRIu64 " failed), %" PRIu64 " bytes, %.6f s in syscalls\n",
	       c->events, c->failed, c->bytes, (double)c->dur_total / 1e9);
	printf("lost:       %" PRIu64 " events%s\n", st.lost,
	       st.lost ? " (the recorder's ring buffer overflowed; record with a larger "
			 "--ringbuf-size)" : "");
	printf("paths:      %.1f%% of fd events resolved to a file (%" PRIu64 " of %" PRIu64
	       "), %.1f%% of path arguments absolute\n", share(rs.fd_resolved, rs.fd_events),
	       rs.fd_resolved, rs.fd_events, share(rs.path_absolute, rs.path_events));
	if (rs.addr_events)
		printf("mappings:   %.1f%% of munmap/msync calls named their file\n",
		       share(rs.addr_resolved, rs.addr_events));
	if (rs.procs_unseen)
		printf("processes:  %" PRIu64 " seen only by their events (no snapshot or fork "
		       "record: their fds opened earlier show as fd:N)\n", rs.procs_unseen);
	printf("file:       %" PRIu64 " bytes, %" PRIu64 " chunks", st.file_bytes, st.chunks);
	if (st.bad_chunks || st.skipped_bytes)
		printf(", %" PRIu64 " damaged, %" PRIu64 " bytes skipped", st.bad_chunks,
		       st.skipped_bytes);
	printf("\nstatus:     %s\n",
	       st.clean_close && !st.truncated ? "closed cleanly"
	       : st.clean_close ? "closed, but the index at its end is missing or cut"
				: "not closed: the recorder was killed or is still running; "
				  "read up to its last flush");
	if (c->have_end && c->end.events != st.events && !st.truncated && !st.bad_chunks)
		printf("warning:    the end record counts %" PRIu64 " events, %" PRIu64 " read\n",
		       c->end.events, st.events);
}

int cmd_info(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      { "salvage", no_argument, NULL, 's' },
					      IOR_FILTER_LONG_OPTIONS, { 0 } };
	struct info_counts c = { 0 };
	struct ior_filter f;
	struct ior_input in;
	bool salvage = false;
	int opt, status;

	ior_filter__init(&f);
	while ((opt = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(info_help, stdout);
			return ior_finish_stdout(IOR_EXIT_OK);
		} else if (opt == 's') {
			salvage = true;
		} else if (!ior_filter__is_opt(opt) ||
			   ior_filter_opt_or_fail(&f, opt, optarg)) {
			ior_filter__free(&f);
			return ior_usage_hint("info");
		}
	}
	if (optind != argc - 1) {
		ior_err("info takes one recording");
		ior_filter__free(&f);
		return ior_usage_hint("info");
	}
	status = ior_input__open(&in, argv[optind], &(struct ior_input_opts){ .salvage = salvage });
	if (!status)
		status = ior_filter_bind_or_fail(&f, &in);
	if (!status) {
		print_header(&in);
		status = count_all(&in, &f, &c) < 0 ? IOR_EXIT_FAIL : IOR_EXIT_OK;
		print_summary(&in, &c);
		print_syscalls(&in, &c);
	}
	if (in.r)
		ior_input__close(&in);
	ior_u64map__free(&c.by_nr);
	ior_filter__free(&f);
	return ior_finish_stdout(status);
}
