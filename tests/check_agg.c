// SPDX-License-Identifier: GPL-2.0-only
/* analyzer/agg: grouping by fields, per-group sums and histograms, weights, ordering. */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "analyzer/agg.h"
#include "analyzer/buf.h"
#include "analyzer/cmd.h"

static struct ior_revent ev(const char *comm, uint32_t tid, const char *syscall, uint32_t nr,
			    const char *path, int64_t ret, uint64_t bytes, uint64_t dur)
{
	struct ior_revent re = { 0 };

	re.ev = (struct ior_event){ .pid = tid, .tid = tid, .nr = nr, .ret = ret, .bytes = bytes,
				    .dur_ns = dur, .fd = 3, .fd2 = IOR_FD_NONE };
	re.comm = comm;
	re.syscall = syscall;
	re.desc = ior_syscall_find(syscall);
	re.cls = re.desc ? (enum ior_class)re.desc->cls : IOR_CLASS_OTHER;
	re.path = path;
	re.path_len = path ? strlen(path) : 0;
	re.gap_ns = dur / 2;
	return re;
}

static struct ior_agg *agg_of(const char *fields, bool hist, bool path_frames)
{
	struct ior_fields fs;
	char err[128];
	struct ior_agg_opts o = { .histograms = hist, .path_frames = path_frames };

	ck_assert_int_eq(ior_fields__parse(&fs, fields, err, sizeof(err)), 0);
	return ior_agg__new(&fs, &o);
}

static const struct ior_group *find(struct ior_agg *a, const char *frames)
{
	size_t n;
	struct ior_group *g = ior_agg__groups(a, &n);

	for (size_t i = 0; i < n; i++)
		if (!strcmp(g[i].frames, frames))
			return &g[i];
	return NULL;
}

START_TEST(test_groups_and_sums)
{
	struct ior_agg *a = agg_of("comm,syscall", true, false);
	struct ior_revent r1 = ev("db", 1, "pread64", 17, "/d/t1", 4096, 4096, 1000);
	struct ior_revent r2 = ev("db", 2, "pread64", 17, "/d/t2", -5, 0, 3000);
	struct ior_revent r3 = ev("log", 3, "fsync", 74, "/d/wal", 0, 0, 500000);
	const struct ior_group *g;
	size_t n;

	for (int i = 0; i < 10; i++)
		ck_assert_int_eq(ior_agg__add(a, &r1), 0);
	ck_assert_int_eq(ior_agg__add(a, &r2), 0);
	ck_assert_int_eq(ior_agg__add(a, &r3), 0);
	ior_agg__groups(a, &n);
	ck_assert_uint_eq(n, 2);
	g = find(a, "db;pread64");
	ck_assert_ptr_nonnull(g);
	ck_assert_uint_eq(g->count, 11);
	ck_assert_uint_eq(g->errors, 1);
	ck_assert_uint_eq(g->bytes, 40960);
	ck_assert_uint_eq(g->dur_sum, 13000);
	ck_assert_uint_eq(g->gap_sum, 6500);
	ck_assert_uint_eq(ior_hist__count(&g->hist), 11);
	ck_assert_uint_eq(ior_hist__max(&g->hist), 3000);
	ck_assert_str_eq(g->values[0], "db");
	ck_assert_str_eq(g->values[1], "pread64");
	ck_assert_uint_eq(ior_group_weight(g, IOR_WEIGHT_COUNT), 11);
	ck_assert_uint_eq(ior_group_weight(g, IOR_WEIGHT_BYTES), 40960);
	ck_assert_uint_eq(ior_group_weight(g, IOR_WEIGHT_GAP), 6500);
	g = ior_agg__total(a);
	ck_assert_uint_eq(g->count, 12);
	ck_assert_uint_eq(ior_hist__count(&g->hist), 12); /* merged from the groups */
	ck_assert_uint_eq(ior_hist__max(&g->hist), 500000);
	ior_agg__free(a);
}
END_TEST

/* dir groups different paths of one directory; flags group per syscall and value. */
START_TEST(test_dir_and_flags)
{
	struct ior_agg *a = agg_of("dir,syscall,flags", false, false);
	struct ior_revent o1 = ev("x", 1, "openat", 257, "/var/lib/a", 3, 0, 10);
	struct ior_revent o2 = ev("x", 1, "openat", 257, "/var/lib/b", 3, 0, 10);
	struct ior_revent o3 = ev("x", 1, "openat", 257, "/var/lib/c", 3, 0, 10);
	size_t n;

	o3.ev.flags = 0100 | 01; /* O_CREAT|O_WRONLY */
	ior_agg__add(a, &o1);
	ior_agg__add(a, &o2);
	ior_agg__add(a, &o3);
	ior_agg__groups(a, &n);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(find(a, "/var/lib;openat;O_RDONLY")->count, 2);
	ck_assert_uint_eq(find(a, "/var/lib;openat;O_WRONLY|O_CREAT")->count, 1);
	ior_agg__free(a);
}
END_TEST

/*
 * Keys that show the same text make one group: fsync and read have no flags argument,
 * so whatever their flags hold, "fd,flags" shows "3;-" for both. Collapsed output
 * must have one line per stack.
 */
START_TEST(test_one_group_per_text)
{
	struct ior_agg *a = agg_of("fd,flags", true, false);
	struct ior_revent r1 = ev("x", 1, "fsync", 74, NULL, 0, 0, 10);
	struct ior_revent r2 = ev("x", 1, "read", 0, NULL, 8, 8, 20);
	struct ior_revent r3 = ev("x", 1, "read", 0, NULL, 8, 8, 30);
	size_t n;

	r2.ev.flags = 5; /* meaningless for read: not shown */
	ck_assert_int_eq(ior_agg__add(a, &r1), 0);
	ck_assert_int_eq(ior_agg__add(a, &r2), 0);
	ck_assert_int_eq(ior_agg__add(a, &r3), 0);
	ck_assert_int_eq(ior_agg__add(a, &r1), 0);
	ior_agg__groups(a, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(find(a, "3;-")->count, 4);
	ck_assert_uint_eq(find(a, "3;-")->bytes, 16);
	ck_assert_uint_eq(ior_hist__count(&find(a, "3;-")->hist), 4);
	ior_agg__free(a);
}
END_TEST

/*
 * Text fields are keyed by the replay's ids: two ids of one text are one group, an id
 * and a text without one never mix, and the same id from another replay (id_src) is
 * another text.
 */
START_TEST(test_text_keys)
{
	struct ior_agg *a = agg_of("comm", false, false);
	int src1, src2;
	struct ior_revent r[5] = {
		ev("db", 1, "read", 0, NULL, 1, 1, 10), ev("db", 1, "read", 0, NULL, 1, 1, 10),
		ev("log", 1, "read", 0, NULL, 1, 1, 10), ev("db", 1, "read", 0, NULL, 1, 1, 10),
		ev("tar", 1, "read", 0, NULL, 1, 1, 10),
	};
	size_t n;

	r[0].comm_id = 1; /* "db" by two ids */
	r[1].comm_id = 2;
	r[2].comm_id = 0; /* "log" with no id: its text key must not meet id 1 */
	r[3].comm_id = 0;
	r[4].comm_id = 1; /* id 1 of another replay: "tar" */
	for (int i = 0; i < 4; i++) {
		r[i].id_src = &src1;
		ck_assert_int_eq(ior_agg__add(a, &r[i]), 0);
	}
	r[4].id_src = &src2;
	ck_assert_int_eq(ior_agg__add(a, &r[4]), 0);
	r[0].id_src = &src2; /* and back: id 1 of src2 is now "tar" */
	r[0].comm = "tar";
	ck_assert_int_eq(ior_agg__add(a, &r[0]), 0);
	ior_agg__groups(a, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(find(a, "db")->count, 3);
	ck_assert_uint_eq(find(a, "log")->count, 1);
	ck_assert_uint_eq(find(a, "tar")->count, 2);
	ior_agg__free(a);

	/* a path by its id, by its text, and none: keys taken as loads or by the switch */
	a = agg_of("syscall,path", false, false);
	r[0] = ev("x", 1, "read", 0, "/d/a", 1, 1, 10);
	r[1] = ev("x", 1, "read", 0, "/d/a", 1, 1, 10);
	r[2] = ev("x", 1, "read", 0, NULL, 1, 1, 10);
	r[3] = ev("x", 1, "read", 0, "/d/b", 1, 1, 10);
	r[0].path_id = 7;
	r[3].path_id = 0;
	for (int i = 0; i < 4; i++) {
		r[i].id_src = &src1;
		ck_assert_int_eq(ior_agg__add(a, &r[i]), 0);
	}
	ior_agg__groups(a, &n);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(find(a, "read;/d/a")->count, 2);
	ck_assert_uint_eq(find(a, "read;" IOR_NO_PATH)->count, 1);
	ck_assert_uint_eq(find(a, "read;/d/b")->count, 1);
	ior_agg__free(a);
}
END_TEST

/* Events split between two aggregations and merged: the groups one gets of them all. */
START_TEST(test_merge)
{
	struct ior_agg *whole = agg_of("syscall,flags,errno", true, false);
	struct ior_agg *x = agg_of("syscall,flags,errno", true, false);
	struct ior_agg *y = agg_of("syscall,flags,errno", true, false);
	struct ior_agg *text = agg_of("comm", false, false);
	size_t nw, nx;
	struct ior_group *gw, *gx;

	for (int i = 0; i < 3000; i++) {
		static const char *const names[] = { "read", "openat", "fsync", "write" };
		static const uint32_t nrs[] = { 0, 257, 74, 1 };
		struct ior_revent r = ev("x", 1, names[i % 4], nrs[i % 4], NULL,
					 i % 7 ? 4096 : -2, 4096, (uint64_t)(i * 37 % 5000));

		r.ev.flags = (uint64_t)(i % 3); /* shown for openat only */
		ck_assert_int_eq(ior_agg__add(whole, &r), 0);
		ck_assert_int_eq(ior_agg__add(i % 5 < 2 ? x : y, &r), 0);
	}
	ck_assert_int_eq(ior_agg__merge(x, y), 0);
	gw = ior_agg__groups(whole, &nw);
	gx = ior_agg__groups(x, &nx);
	ck_assert_uint_eq(nx, nw);
	ior_groups_sort_by_frames(gw, nw);
	ior_groups_sort_by_frames(gx, nx);
	for (size_t i = 0; i < nw; i++) {
		ck_assert_str_eq(gx[i].frames, gw[i].frames);
		ck_assert_str_eq(gx[i].values[1], gw[i].values[1]);
		ck_assert_uint_eq(gx[i].count, gw[i].count);
		ck_assert_uint_eq(gx[i].errors, gw[i].errors);
		ck_assert_uint_eq(gx[i].bytes, gw[i].bytes);
		ck_assert_uint_eq(gx[i].dur_sum, gw[i].dur_sum);
		ck_assert_uint_eq(ior_hist__percentile(&gx[i].hist, 99),
				  ior_hist__percentile(&gw[i].hist, 99));
	}
	ck_assert_uint_eq(ior_agg__total(x)->count, 3000);
	/* text fields are keyed by each aggregation's own ids: not mergeable */
	ck_assert_int_eq(ior_agg__merge(text, text), -EINVAL);
	ior_agg__free(whole);
	ior_agg__free(x);
	ior_agg__free(y);
	ior_agg__free(text);
}
END_TEST

/* Frames are escaped so that a line is one stack; path frames split directories. */
START_TEST(test_escaping_and_path_frames)
{
	struct ior_agg *a = agg_of("comm,path", false, true);
	struct ior_revent r = ev("we;ird\n", 1, "read", 0, "/a b/c;d", 1, 1, 5);
	size_t n;
	struct ior_group *g;

	ior_agg__add(a, &r);
	g = ior_agg__groups(a, &n);
	ck_assert_uint_eq(n, 1);
	ck_assert_str_eq(g[0].frames, "we\\x3bird\\x0a;/;a b/;c\\x3bd");
	ck_assert_str_eq(g[0].values[0], "we;ird\n"); /* raw for tables and JSON */
	ior_agg__free(a);
}
END_TEST

START_TEST(test_many_groups_sorted)
{
	struct ior_agg *a = agg_of("tid", false, false);
	size_t n;
	struct ior_group *g;

	for (uint32_t t = 5000; t > 0; t--) {
		struct ior_revent r = ev("c", t, "read", 0, NULL, 1, 1, t);

		ck_assert_int_eq(ior_agg__add(a, &r), 0);
		ck_assert_int_eq(ior_agg__add(a, &r), 0);
	}
	/* once more, each key found in the grown hash table, not as the last one */
	for (uint32_t t = 1; t <= 5000; t++) {
		struct ior_revent r = ev("c", t, "read", 0, NULL, 1, 1, t);

		ck_assert_int_eq(ior_agg__add(a, &r), 0);
	}
	g = ior_agg__groups(a, &n);
	ck_assert_uint_eq(n, 5000);
	ior_groups_sort_by_frames(g, n);
	for (size_t i = 1; i < n; i++)
		ck_assert_int_lt(strcmp(g[i - 1].frames, g[i].frames), 0);
	for (size_t i = 0; i < n; i++)
		ck_assert_uint_eq(g[i].count, 3);
	ior_agg__free(a);
}
END_TEST

/* Seconds as dump prints them: six decimals, truncated, any int64. */
START_TEST(test_add_seconds)
{
	static const struct {
		int64_t ns;
		const char *want;
	} cases[] = {
		{ 0, "0.000000" },	     { 999, "0.000000" },	 { 1000, "0.000001" },
		{ 12000345678, "12.000345" }, { -1500000, "-0.001500" },
		{ INT64_MAX, "9223372036.854775" }, { INT64_MIN, "-9223372036.854775" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct ior_buf b = IOR_BUF_INIT;
		char ref[40];

		ck_assert_int_eq(ior_buf__add_seconds(&b, cases[i].ns), 0);
		ck_assert_msg(!strcmp(ior_buf__str(&b), cases[i].want), "%lld gave %s",
			      (long long)cases[i].ns, ior_buf__str(&b));
		ior_fmt_seconds(ref, sizeof(ref), cases[i].ns); /* the same as the tables' */
		ck_assert_str_eq(ref, cases[i].want);
		ior_buf__free(&b);
	}
}
END_TEST

START_TEST(test_weights_parse)
{
	enum ior_weight w;

	ck_assert_int_eq(ior_weight_parse("gap", &w), 0);
	ck_assert_int_eq(w, IOR_WEIGHT_GAP);
	ck_assert_str_eq(ior_weight_name(IOR_WEIGHT_BYTES), "bytes");
	ck_assert_int_ne(ior_weight_parse("size", &w), 0);
}
END_TEST

Suite *agg_suite(void)
{
	Suite *s = suite_create("agg");
	TCase *tc = tcase_create("agg");

	tcase_add_test(tc, test_groups_and_sums);
	tcase_add_test(tc, test_dir_and_flags);
	tcase_add_test(tc, test_one_group_per_text);
	tcase_add_test(tc, test_text_keys);
	tcase_add_test(tc, test_merge);
	tcase_add_test(tc, test_escaping_and_path_frames);
	tcase_add_test(tc, test_many_groups_sorted);
	tcase_add_test(tc, test_weights_parse);
	tcase_add_test(tc, test_add_seconds);
	suite_add_tcase(s, tc);
	return s;
}
