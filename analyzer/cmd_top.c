// SPDX-License-Identifier: GPL-2.0-only
/* ior-analyze top: the top-N groups by a metric, with latency percentiles. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/buf.h"
#include "analyzer/cmd.h"
#include "analyzer/escape.h"
#include "common/log.h"
#include "common/parse.h"

#define TOP_DEFAULT_FIELDS "syscall"

static const char top_help[] =
	"Usage: ior-analyze top [OPTIONS] FILE\n\n"
	"Group the recorded syscalls by FIELDS and show the top N groups with count,\n"
	"errors, bytes, total and mean time, and the p50, p90, p99, p99.9 and max latency.\n"
	"Percentiles come from a log-linear histogram: within 0.8 % of the exact value.\n\n"
	"Options:\n"
	"  --by F1,F2,...          group by these fields (default " TOP_DEFAULT_FIELDS ");\n"
	"                          --fields is the same\n"
	"                          from: " IOR_FIELDS_VALID "\n"
	"  --sort METRIC           count, errors, bytes, total (default), mean, p50, p90,\n"
	"                          p99, p99.9 or max; largest first\n"
	"  -n N                    show N groups (default 20; 0 = all)\n"
	"  --json                  one JSON document (times in ns)\n"
	"  --csv                   CSV with a header row (times in ns)\n"
	"  --salvage               also read a truncated last chunk (unverified)\n"
	"  -h, --help              this help\n\n" IOR_FILTER_HELP
	"\nExamples:\n"
	"  ior-analyze top db.ior\n"
	"  ior-analyze top --by path --sort p99 -n 10 --class read,write db.ior\n"
	"  ior-analyze top --by comm,syscall --json db.ior | jq .\n";

enum metric { M_COUNT, M_ERRORS, M_BYTES, M_TOTAL, M_MEAN, M_P50, M_P90, M_P99, M_P999, M_MAX,
	      M_N };

static const char *const metric_names[M_N] = { "count", "errors", "bytes", "total", "mean",
						"p50",	 "p90",	   "p99",   "p99.9", "max" };

struct row {
	const struct ior_group *g;
	uint64_t m[M_N];
};

static void row_stats(struct row *r, const struct ior_group *g)
{
	static const double ps[] = { 50, 90, 99, 99.9 };
	uint64_t pv[4];

	r->g = g;
	ior_hist__percentiles(&g->hist, ps, pv, 4);
	r->m[M_COUNT] = g->count;
	r->m[M_ERRORS] = g->errors;
	r->m[M_BYTES] = g->bytes;
	r->m[M_TOTAL] = g->dur_sum;
	r->m[M_MEAN] = g->count ? g->dur_sum / g->count : 0;
	memcpy(&r->m[M_P50], pv, sizeof(pv));
	r->m[M_MAX] = ior_hist__max(&g->hist);
}

static enum metric sort_metric;

static int cmp_rows(const void *x, const void *y)
{
	const struct row *a = x, *b = y;

	if (a->m[sort_metric] != b->m[sort_metric])
		return a->m[sort_metric] < b->m[sort_metric] ? 1 : -1;
	return ior_group_cmp_frames(a->g, b->g);
}

struct top_cli {
	enum metric sort;
	size_t n;
	bool json, csv;
};

/* ---- text table ------------------------------------------------------------------ */

/* A field value as shown in a table: escaped like a frame, so one cell is one line. */
static const char *cell(struct ior_buf *b, const char *s, size_t len)
{
	ior_buf__reset(b);
	ior_escape_frame(b, s, len);
	return ior_buf__str(b);
}

static void print_text_row(const struct ior_fields *fs, const int *w, const char *const *vals,
			   const uint64_t *m)
{
	char d[M_N][24];

	for (unsigned i = 0; i < fs->n; i++)
		printf("%-*s  ", w[i], vals[i]);
	ior_fmt_bytes(d[M_BYTES], sizeof(d[0]), (double)m[M_BYTES]);
	for (int k = M_TOTAL; k < M_N; k++)
		ior_fmt_dur(d[k], sizeof(d[0]), (double)m[k]);
	printf("%10" PRIu64 " %7" PRIu64 " %9s %10s %9s %9s %9s %9s %9s %9s\n", m[M_COUNT],
	       m[M_ERRORS], d[M_BYTES], d[M_TOTAL], d[M_MEAN], d[M_P50], d[M_P90], d[M_P99],
	       d[M_P999], d[M_MAX]);
}

static void print_text(const struct ior_fields *fs, const struct row *rows, size_t n,
		       const struct row *total)
{
	struct ior_buf b = IOR_BUF_INIT;
	int w[IOR_FIELDS_MAX];
	const char *vals[IOR_FIELDS_MAX];

	for (unsigned i = 0; i < fs->n; i++) {
		w[i] = (int)strlen(ior_field_name(fs->f[i].id));
		for (size_t r = 0; r < n; r++) {
			int len = (int)strlen(cell(&b, rows[r].g->values[i], rows[r].g->vlens[i]));

			w[i] = len > w[i] ? len : w[i];
		}
		w[i] = w[i] > 5 ? w[i] : 5; /* room for TOTAL */
		printf("%-*s  ", w[i], ior_field_name(fs->f[i].id));
	}
	printf("%10s %7s %9s %10s %9s %9s %9s %9s %9s %9s\n", "COUNT", "ERRORS", "BYTES",
	       "TOTAL", "MEAN", "P50", "P90", "P99", "P99.9", "MAX");
	for (size_t r = 0; r < n; r++) {
		struct ior_buf cells[IOR_FIELDS_MAX];

		for (unsigned i = 0; i < fs->n; i++) {
			cells[i] = (struct ior_buf)IOR_BUF_INIT;
			vals[i] = cell(&cells[i], rows[r].g->values[i], rows[r].g->vlens[i]);
		}
		print_text_row(fs, w, vals, rows[r].m);
		for (unsigned i = 0; i < fs->n; i++)
			ior_buf__free(&cells[i]);
	}
	for (unsigned i = 0; i < fs->n; i++)
		vals[i] = i ? "" : "TOTAL";
	print_text_row(fs, w, vals, total->m);
	ior_buf__free(&b);
}

/* ---- machine formats --------------------------------------------------------------- */

static void json_row(struct ior_buf *b, const struct ior_fields *fs, const struct row *r,
		     bool total)
{
	ior_buf__addc(b, '{');
	if (!total)
		ior_group__json_fields(b, fs, r->g);
	for (int k = 0; k < M_N; k++)
		ior_buf__addf(b, "%s\"%s%s\":%" PRIu64, k ? "," : "", metric_names[k],
			      k >= M_TOTAL ? "_ns" : "", r->m[k]);
	ior_buf__addc(b, '}');
}

static int print_json(struct ior_input *in, const struct ior_fields *fs, const struct row *rows,
		      size_t n, const struct row *total, const char *sort)
{
	struct ior_buf b = IOR_BUF_INIT;
	char desc[256];
	int ok;

	ior_describe_recording(desc, sizeof(desc), in);
	ior_buf__adds(&b, "{\"recording\":");
	ior_json_string(&b, desc, strlen(desc));
	ior_buf__addf(&b, ",\"sort\":\"%s\",\"by\":[", sort);
	for (unsigned i = 0; i < fs->n; i++) {
		ior_buf__adds(&b, i ? ",\"" : "\"");
		ior_field__label(&b, &fs->f[i]);
		ior_buf__addc(&b, '"');
	}
	ior_buf__adds(&b, "],\"groups\":[");
	for (size_t r = 0; r < n; r++) {
		if (r)
			ior_buf__addc(&b, ',');
		json_row(&b, fs, &rows[r], false);
	}
	ior_buf__adds(&b, "],\"total\":");
	json_row(&b, fs, total, true);
	ior_buf__adds(&b, "}\n");
	ok = !b.oom && fwrite(ior_buf__str(&b), 1, b.len, stdout) == b.len;
	ior_buf__free(&b);
	return ok ? IOR_EXIT_OK : IOR_EXIT_FAIL;
}

static void print_csv(const struct ior_fields *fs, const struct row *rows, size_t n)
{
	struct ior_buf b = IOR_BUF_INIT;

	ior_fields__csv_header(&b, fs);
	printf("%s", ior_buf__str(&b));
	for (int k = 0; k < M_N; k++)
		printf("%s%s%s", metric_names[k], k >= M_TOTAL ? "_ns" : "", k + 1 < M_N ? "," : "\n");
	for (size_t r = 0; r < n; r++) {
		ior_buf__reset(&b);
		ior_group__csv_fields(&b, fs, rows[r].g);
		printf("%s", ior_buf__str(&b));
		for (int k = 0; k < M_N; k++)
			printf("%" PRIu64 "%s", rows[r].m[k], k + 1 < M_N ? "," : "\n");
	}
	ior_buf__free(&b);
}

/* ---- command ----------------------------------------------------------------------- */

static int report(struct ior_input *in, struct ior_agg *a, const struct ior_fields *fs,
		  const struct top_cli *t)
{
	size_t n;
	struct ior_group *g = ior_agg__groups(a, &n);
	struct row *rows = calloc(n + 1, sizeof(*rows)), total;

	if (!rows) {
		ior_err("%s", strerror(ENOMEM));
		return IOR_EXIT_FAIL;
	}
	const struct ior_group *sum = ior_agg__total(a);

	if (!sum) {
		free(rows);
		ior_err("%s", strerror(ENOMEM));
		return IOR_EXIT_FAIL;
	}
	for (size_t i = 0; i < n; i++)
		row_stats(&rows[i], &g[i]);
	row_stats(&total, sum);
	sort_metric = t->sort;
	qsort(rows, n, sizeof(*rows), cmp_rows);
	if (t->n && n > t->n)
		n = t->n;
	if (t->json) {
		int st = print_json(in, fs, rows, n, &total, metric_names[t->sort]);

		free(rows);
		return st;
	}
	if (t->csv)
		print_csv(fs, rows, n);
	else
		print_text(fs, rows, n, &total);
	free(rows);
	return IOR_EXIT_OK;
}

static int top_opt(struct top_cli *t, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case 's':
		for (int k = 0; k < M_N; k++)
			if (!strcmp(arg, metric_names[k])) {
				t->sort = (enum metric)k;
				return 0;
			}
		ior_err("unknown metric '%s' (valid: count, errors, bytes, total, mean, p50, "
			"p90, p99, p99.9, max)", arg);
		return IOR_EXIT_USAGE;
	case 'n':
		if (ior_parse_u64(arg, &v) || v > 100000000) {
			ior_err("invalid -n '%s': a number of groups, 0 for all", arg);
			return IOR_EXIT_USAGE;
		}
		t->n = (size_t)v;
		return 0;
	case 'j':
		t->json = true;
		return 0;
	case 'c':
		t->csv = true;
		return 0;
	}
	return 1;
}

int cmd_top(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      { "sort", required_argument, NULL, 's' },
					      { "json", no_argument, NULL, 'j' },
					      { "csv", no_argument, NULL, 'c' },
					      IOR_AGG_LONG_OPTIONS, { 0 } };
	struct top_cli t = { .sort = M_TOTAL, .n = 20 };
	struct ior_agg_opts ao = { .histograms = true };
	struct ior_agg_cli c;
	struct ior_input in;
	struct ior_agg *a = NULL;
	int opt, status = IOR_EXIT_OK;

	ior_agg_cli__init(&c, TOP_DEFAULT_FIELDS);
	while (!status && (opt = getopt_long(argc, argv, "hn:", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(top_help, stdout);
			ior_agg_cli__free(&c);
			return ior_finish_stdout(IOR_EXIT_OK);
		}
		status = top_opt(&t, opt, optarg);
		if (status == 1 && (opt == IOR_OPT_WEIGHT || opt == IOR_OPT_PATH_FRAMES)) {
			ior_err("--weight and --path-frames do not apply to top (it shows every "
				"metric); try collapse or flamegraph");
			status = IOR_EXIT_USAGE;
		}
		if (status == 1)
			status = ior_agg_cli__opt(&c, opt, optarg) ? IOR_EXIT_USAGE : 0;
	}
	if (!status && optind != argc - 1) {
		ior_err("top takes one recording");
		status = IOR_EXIT_USAGE;
	}
	if (!status && t.json && t.csv) {
		ior_err("--json and --csv exclude each other");
		status = IOR_EXIT_USAGE;
	}
	if (status) {
		ior_agg_cli__free(&c);
		return ior_usage_hint("top");
	}
	status = ior_agg_cli__run(&c, argv[optind], &ao, &in, &a);
	if (!status) {
		status = report(&in, a, &c.fields, &t);
		ior_agg__free(a);
		ior_input__close(&in);
	}
	ior_agg_cli__free(&c);
	return ior_finish_stdout(status);
}
