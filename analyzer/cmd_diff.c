// SPDX-License-Identifier: GPL-2.0-only
/*
 * ior-analyze diff: compare two recordings group by group: a table sorted by the largest
 * change in total time, the three-column folded format (difffolded.pl), or a
 * differential flame graph.
 */
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "analyzer/buf.h"
#include "analyzer/cmd.h"
#include "analyzer/escape.h"
#include "common/log.h"
#include "common/parse.h"

#define DIFF_DEFAULT_FIELDS "comm,syscall"

static const char diff_help[] =
	"Usage: ior-analyze diff [OPTIONS] A.ior B.ior\n\n"
	"Compare two recordings (A before, B after) group by group: count, bytes, p50 and\n"
	"p99 latency and total time in each, the change and the ratio; groups present on\n"
	"one side only are marked new or vanished. Sorted by the largest absolute change\n"
	"in total time.\n\n"
	"Options:\n"
	"  --by F1,F2,...          group by these fields (default " DIFF_DEFAULT_FIELDS ");\n"
	"                          --fields is the same\n"
	"                          from: " IOR_FIELDS_VALID "\n"
	"  --normalize             scale A to B's recording length before comparing\n"
	"  -n N                    show N groups (default 30; 0 = all)\n"
	"  --json, --csv           machine-readable table (times in ns)\n"
	"  --collapsed             print 'stack weightA weightB' lines (difffolded format)\n"
	"  --svg FILE              write a differential flame graph: shaped like B, red\n"
	"                          where B grew, blue where it shrank\n"
	"  --negate                with --svg: shaped like A (shows what vanished)\n"
	"  --weight W              for --collapsed and --svg: count, duration (default),\n"
	"                          bytes, gap\n"
	"  --path-frames           one frame per directory level of a path (--svg, --collapsed)\n"
	"  --salvage               also read truncated last chunks (unverified)\n"
	"  -h, --help              this help\n\n" IOR_FILTER_HELP
	"\nFilters apply to both recordings; --from/--to are relative to each one's start.\n"
	"\nExamples:\n"
	"  ior-analyze diff before.ior after.ior\n"
	"  ior-analyze diff --by path --normalize --class sync before.ior after.ior\n"
	"  ior-analyze diff --svg diff.svg --fields comm,syscall,path before.ior after.ior\n";

struct side {
	struct ior_input in;
	struct ior_agg *agg;
	struct ior_group *g;
	size_t n;
	double span_s;
};

struct drow {
	const struct ior_group *a, *b; /* either may be NULL */
	double count[2], bytes[2], total[2];
	uint64_t p50[2], p99[2];
	double delta;
};

struct diff_cli {
	bool normalize, json, csv, collapsed, negate;
	const char *svg;
	size_t n;
};

static void side_stats(struct drow *r, int s, const struct ior_group *g, double scale)
{
	static const double ps[] = { 50, 99 };
	uint64_t pv[2] = { 0, 0 };

	if (!g)
		return;
	ior_hist__percentiles(&g->hist, ps, pv, 2);
	r->count[s] = (double)g->count * scale;
	r->bytes[s] = (double)g->bytes * scale;
	r->total[s] = (double)g->dur_sum * scale;
	r->p50[s] = pv[0];
	r->p99[s] = pv[1];
}

/* Merge-join the two sorted group lists into rows. */
static struct drow *join(struct side *s, double scale_a, size_t *nrows)
{
	struct drow *rows = calloc(s[0].n + s[1].n + 1, sizeof(*rows));
	size_t i = 0, j = 0, n = 0;

	if (!rows)
		return NULL;
	while (i < s[0].n || j < s[1].n) {
		int c = i == s[0].n ? 1 : j == s[1].n ? -1 : ior_group_cmp_frames(&s[0].g[i], &s[1].g[j]);
		struct drow *r = &rows[n++];

		r->a = c <= 0 ? &s[0].g[i++] : NULL;
		r->b = c >= 0 ? &s[1].g[j++] : NULL;
		side_stats(r, 0, r->a, scale_a);
		side_stats(r, 1, r->b, 1.0);
		r->delta = r->total[1] - r->total[0];
	}
	*nrows = n;
	return rows;
}

static int cmp_delta(const void *x, const void *y)
{
	const struct drow *a = x, *b = y;
	double da = fabs(a->delta), db = fabs(b->delta);
	const struct ior_group *ga = a->a ? a->a : a->b, *gb = b->a ? b->a : b->b;

	if (da != db)
		return da < db ? 1 : -1;
	return ior_group_cmp_frames(ga, gb);
}

static const char *note(const struct drow *r)
{
	return !r->a ? "new" : !r->b ? "vanished" : "";
}

static double ratio(const struct drow *r)
{
	return r->total[0] > 0 ? r->total[1] / r->total[0] : 0;
}

/* ---- text ---------------------------------------------------------------------------- */

static void print_side_header(const char *label, struct side *s)
{
	char desc[256], tot[32];
	const struct ior_group *t = ior_agg__total(s->agg);

	if (!t)
		return;
	ior_describe_recording(desc, sizeof(desc), &s->in);
	ior_fmt_dur(tot, sizeof(tot), (double)t->dur_sum);
	printf("%s: %s (%s): %" PRIu64 " events, %s in syscalls\n", label, s->in.name, desc,
	       t->count, tot);
}

static void print_text_row(const struct drow *r, const struct ior_fields *fs)
{
	const struct ior_group *g = r->a ? r->a : r->b;
	struct ior_buf b = IOR_BUF_INIT;
	char d[10][24];

	for (unsigned i = 0; i < fs->n; i++) {
		ior_buf__reset(&b);
		ior_escape_frame(&b, g->values[i], g->vlens[i]);
		printf("%s%s", i ? ";" : "", ior_buf__str(&b));
	}
	ior_buf__free(&b);
	ior_fmt_dur(d[0], 24, (double)r->p50[0]);
	ior_fmt_dur(d[1], 24, (double)r->p50[1]);
	ior_fmt_dur(d[2], 24, (double)r->p99[0]);
	ior_fmt_dur(d[3], 24, (double)r->p99[1]);
	ior_fmt_dur(d[4], 24, r->total[0]);
	ior_fmt_dur(d[5], 24, r->total[1]);
	ior_fmt_dur(d[6], 24, fabs(r->delta));
	snprintf(d[7], 24, r->a && r->b && r->total[0] > 0 ? "x%.2f" : "-", ratio(r));
	ior_fmt_bytes(d[8], 24, r->bytes[0]);
	ior_fmt_bytes(d[9], 24, r->bytes[1]);
	printf("\n  %10.0f %10.0f %9s %9s %9s %9s %9s %9s %10s %10s %c%9s %7s%s%s\n", r->count[0],
	       r->count[1], d[8], d[9], d[0], d[1], d[2], d[3], d[4], d[5],
	       r->delta < 0 ? '-' : '+', d[6], d[7], *note(r) ? " " : "", note(r));
}

static void print_text(struct side *s, const struct drow *rows, size_t n,
		       const struct ior_fields *fs, const struct diff_cli *dc)
{
	print_side_header("A", &s[0]);
	print_side_header("B", &s[1]);
	if (dc->normalize)
		printf("A is scaled by %.3f to B's length (%.1f s / %.1f s)\n",
		       s[0].span_s > 0 ? s[1].span_s / s[0].span_s : 1.0, s[1].span_s, s[0].span_s);
	printf("\n");
	for (unsigned i = 0; i < fs->n; i++)
		printf("%s%s", i ? ";" : "", ior_field_name(fs->f[i].id));
	printf("\n  %10s %10s %9s %9s %9s %9s %9s %9s %10s %10s %10s %7s\n", "COUNT_A", "COUNT_B",
	       "BYTES_A", "BYTES_B", "P50_A", "P50_B", "P99_A", "P99_B", "TOTAL_A", "TOTAL_B",
	       "CHANGE", "RATIO");
	for (size_t i = 0; i < n; i++)
		print_text_row(&rows[i], fs);
}

/* ---- machine formats ------------------------------------------------------------------ */

static void json_row(struct ior_buf *b, const struct drow *r, const struct ior_fields *fs)
{
	const struct ior_group *g = r->a ? r->a : r->b;

	ior_buf__addc(b, '{');
	ior_group__json_fields(b, fs, g);
	for (int k = 0; k < 2; k++)
		ior_buf__addf(b, "\"count_%c\":%.0f,\"bytes_%c\":%.0f,\"p50_ns_%c\":%" PRIu64
				 ",\"p99_ns_%c\":%" PRIu64 ",\"total_ns_%c\":%.0f,",
			      'a' + k, r->count[k], 'a' + k, r->bytes[k], 'a' + k, r->p50[k], 'a' + k,
			      r->p99[k], 'a' + k, r->total[k]);
	ior_buf__addf(b, "\"change_ns\":%.0f,\"ratio\":%.4f,\"status\":\"%s\"}", r->delta, ratio(r),
		      *note(r) ? note(r) : "both");
}

static int print_json(const struct drow *rows, size_t n, const struct ior_fields *fs,
		      const struct diff_cli *dc)
{
	struct ior_buf b = IOR_BUF_INIT;
	int ok;

	ior_buf__addf(&b, "{\"normalized\":%s,\"groups\":[", dc->normalize ? "true" : "false");
	for (size_t i = 0; i < n; i++) {
		if (i)
			ior_buf__addc(&b, ',');
		json_row(&b, &rows[i], fs);
	}
	ior_buf__adds(&b, "]}\n");
	ok = !b.oom && fwrite(ior_buf__str(&b), 1, b.len, stdout) == b.len;
	ior_buf__free(&b);
	return ok ? IOR_EXIT_OK : IOR_EXIT_FAIL;
}

static void print_csv(const struct drow *rows, size_t n, const struct ior_fields *fs)
{
	struct ior_buf b = IOR_BUF_INIT;

	ior_fields__csv_header(&b, fs);
	printf("%scount_a,count_b,bytes_a,bytes_b,p50_ns_a,p50_ns_b,p99_ns_a,p99_ns_b,total_ns_a,"
	       "total_ns_b,change_ns,ratio,status\n", ior_buf__str(&b));
	for (size_t r = 0; r < n; r++) {
		const struct drow *d = &rows[r];
		const struct ior_group *g = d->a ? d->a : d->b;

		ior_buf__reset(&b);
		ior_group__csv_fields(&b, fs, g);
		printf("%s%.0f,%.0f,%.0f,%.0f,%" PRIu64 ",%" PRIu64 ",%" PRIu64 ",%" PRIu64
		       ",%.0f,%.0f,%.0f,%.4f,%s\n",
		       ior_buf__str(&b), d->count[0], d->count[1], d->bytes[0], d->bytes[1],
		       d->p50[0], d->p50[1], d->p99[0], d->p99[1], d->total[0], d->total[1], d->delta,
		       ratio(d),
		       *note(d) ? note(d) : "both");
	}
	ior_buf__free(&b);
}

/* ---- folded and SVG ----------------------------------------------------------------- */

static uint64_t side_weight(const struct ior_group *g, enum ior_weight w, double scale)
{
	return g ? (uint64_t)llround((double)ior_group_weight(g, w) * scale) : 0;
}

static int print_collapsed(const struct drow *rows, size_t n, enum ior_weight w, double scale)
{
	for (size_t i = 0; i < n; i++) {
		const struct ior_group *g = rows[i].a ? rows[i].a : rows[i].b;
		uint64_t a = side_weight(rows[i].a, w, scale), b = side_weight(rows[i].b, w, 1.0);

		if ((a || b) && printf("%s %" PRIu64 " %" PRIu64 "\n", g->frames, a, b) < 0)
			return IOR_EXIT_FAIL;
	}
	return IOR_EXIT_OK;
}

static int write_svg(struct side *s, const struct drow *rows, size_t n,
		     const struct ior_agg_cli *c, const struct diff_cli *dc)
{
	struct ior_flame *fg = ior_flame__new();
	struct ior_buf line = IOR_BUF_INIT;
	char sub[600], da[256], db[256];
	int err = fg ? 0 : -ENOMEM, status;

	for (size_t i = 0; i < n && !err; i++) {
		const struct ior_group *g = rows[i].a ? rows[i].a : rows[i].b;
		uint64_t a = side_weight(rows[i].a, c->weight, 1.0);
		uint64_t b = side_weight(rows[i].b, c->weight, 1.0);

		if (a || b)
			err = ior_flame_add_frames(fg, &line, g->frames, g->frames_len, a, b, true);
	}
	ior_buf__free(&line);
	if (err) {
		ior_err("%s", strerror(-err));
		ior_flame__free(fg);
		return IOR_EXIT_FAIL;
	}
	ior_describe_recording(da, sizeof(da), &s[0].in);
	ior_describe_recording(db, sizeof(db), &s[1].in);
	snprintf(sub, sizeof(sub), "A = %s, B = %s, weight: %s%s", da, db,
		 ior_weight_name(c->weight), dc->normalize ? ", A normalised to B's total" : "");
	struct ior_flame_opts o = { .subtitle = sub, .unit = ior_weight_unit(c->weight),
				    .count_label = " calls", .diff = true, .negate = dc->negate,
				    .normalize = dc->normalize, .name_a = s[0].in.name,
				    .name_b = s[1].in.name };

	status = ior_flame_write_file(fg, dc->svg, &o);
	ior_flame__free(fg);
	return status;
}

/* ---- command ------------------------------------------------------------------------- */

static int load_side(struct side *s, struct ior_agg_cli *c, const char *name)
{
	struct ior_agg_opts ao = { .histograms = true };
	struct ior_replay_stats st;
	int status = ior_agg_cli__run(c, name, &ao, &s->in, &s->agg);

	if (status)
		return status;
	s->g = ior_agg__groups(s->agg, &s->n);
	ior_groups_sort_by_frames(s->g, s->n);
	ior_replay__stats(s->in.rp, &st);
	s->span_s = st.events ? (double)(st.last_ns - st.first_ns) / 1e9 : 0;
	return IOR_EXIT_OK;
}

static int report(struct side *s, struct ior_agg_cli *c, const struct diff_cli *dc)
{
	double scale = 1.0;
	size_t n, shown;
	struct drow *rows;
	int status = IOR_EXIT_OK;

	if (dc->normalize && s[0].span_s > 0 && s[1].span_s > 0)
		scale = s[1].span_s / s[0].span_s;
	rows = join(s, dc->svg || dc->collapsed ? 1.0 : scale, &n);
	if (!rows) {
		ior_err("%s", strerror(ENOMEM));
		return IOR_EXIT_FAIL;
	}
	if (dc->svg)
		status = write_svg(s, rows, n, c, dc);
	if (!status && dc->collapsed)
		status = print_collapsed(rows, n, c->weight, dc->normalize ? scale : 1.0);
	if (!status && !dc->svg && !dc->collapsed) {
		qsort(rows, n, sizeof(*rows), cmp_delta);
		shown = dc->n && n > dc->n ? dc->n : n;
		if (dc->json)
			status = print_json(rows, shown, &c->fields, dc);
		else if (dc->csv)
			print_csv(rows, shown, &c->fields);
		else
			print_text(s, rows, shown, &c->fields, dc);
	}
	free(rows);
	return status;
}

static int diff_opt(struct diff_cli *d, int opt, const char *arg)
{
	uint64_t v;

	switch (opt) {
	case 'N': d->normalize = true; return 0;
	case 'j': d->json = true; return 0;
	case 'c': d->csv = true; return 0;
	case 'C': d->collapsed = true; return 0;
	case 'g': d->negate = true; return 0;
	case 's': d->svg = arg; return 0;
	case 'n':
		if (ior_parse_u64(arg, &v) || v > 100000000) {
			ior_err("invalid -n '%s': a number of groups, 0 for all", arg);
			return IOR_EXIT_USAGE;
		}
		d->n = (size_t)v;
		return 0;
	}
	return 1;
}

static int check_combination(const struct diff_cli *d, int nargs)
{
	if (nargs != 2) {
		ior_err("diff takes two recordings");
		return IOR_EXIT_USAGE;
	}
	if (d->json + d->csv + d->collapsed > 1 || ((d->json || d->csv) && d->svg)) {
		ior_err("choose one of --json, --csv, --collapsed (or --svg)");
		return IOR_EXIT_USAGE;
	}
	if (d->negate && !d->svg) {
		ior_err("--negate needs --svg");
		return IOR_EXIT_USAGE;
	}
	return IOR_EXIT_OK;
}

int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = { { "help", no_argument, NULL, 'h' },
					      { "normalize", no_argument, NULL, 'N' },
					      { "json", no_argument, NULL, 'j' },
					      { "csv", no_argument, NULL, 'c' },
					      { "collapsed", no_argument, NULL, 'C' },
					      { "svg", required_argument, NULL, 's' },
					      { "negate", no_argument, NULL, 'g' },
					      IOR_AGG_LONG_OPTIONS, { 0 } };
	struct diff_cli d = { .n = 30 };
	struct side s[2];
	struct ior_agg_cli c;
	int opt, status = IOR_EXIT_OK;

	memset(s, 0, sizeof(s));
	ior_agg_cli__init(&c, DIFF_DEFAULT_FIELDS);
	while (!status && (opt = getopt_long(argc, argv, "hn:", opts, NULL)) != -1) {
		if (opt == 'h') {
			fputs(diff_help, stdout);
			ior_agg_cli__free(&c);
			return ior_finish_stdout(IOR_EXIT_OK);
		}
		status = diff_opt(&d, opt, optarg);
		if (status == 1)
			status = ior_agg_cli__opt(&c, opt, optarg) ? IOR_EXIT_USAGE : 0;
	}
	if (!status)
		status = check_combination(&d, argc - optind);
	if (status) {
		ior_agg_cli__free(&c);
		return ior_usage_hint("diff");
	}
	/* the filter is bound to each recording in turn: syscall numbers differ by host */
	status = load_side(&s[0], &c, argv[optind]);
	if (!status)
		status = load_side(&s[1], &c, argv[optind + 1]);
	if (!status)
		status = report(s, &c, &d);
	for (int i = 0; i < 2; i++) {
		ior_agg__free(s[i].agg);
		if (s[i].in.r)
			ior_input__close(&s[i].in);
	}
	ior_agg_cli__free(&c);
	return ior_finish_stdout(status);
}
