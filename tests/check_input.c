// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyzer/cmd_common's input loop (ior_input__next): every event of a real recording
 * goes through the replay and the filter, in order, with bounded stack whatever the
 * filter drops. Aggregations that take events unreplayed find what the replay finds.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer/cmd.h"
#include "format/internal.h"
#include "tests/t_recording.h"

#define NEVENTS 1000000
#define SMALL_STACK (64 * 1024)

struct drain {
	const char *path;
	const char *pid; /* --pid filter, NULL for none */
	uint64_t passed, replayed;
	int last;
};

/* Read the whole recording through ior_input__next(), counting what comes out. */
static void *drain(void *arg)
{
	struct drain *d = arg;
	struct ior_input in;
	struct ior_filter f;
	struct ior_revent re;
	struct ior_replay_stats st;

	ior_filter__init(&f);
	if (d->pid && ior_filter__parse_opt(&f, IOR_OPT_PID, d->pid))
		return NULL;
	if (ior_input__open(&in, d->path, &(struct ior_input_opts){ .salvage = false }) ||
	    ior_filter__bind(&f, ior_reader__header(in.r))) {
		ior_filter__free(&f);
		return NULL;
	}
	while ((d->last = ior_input__next(&in, &f, &re, NULL)) > 0)
		d->passed++;
	ior_replay__stats(in.rp, &st);
	d->replayed = st.events;
	ior_input__close(&in);
	ior_filter__free(&f);
	return NULL;
}

/* Run drain() on a thread with a small stack, as a deep recursion would overflow it. */
static void drain_on_small_stack(struct drain *d)
{
	pthread_attr_t attr;
	pthread_t t;

	ck_assert_int_eq(pthread_attr_init(&attr), 0);
	ck_assert_int_eq(pthread_attr_setstacksize(&attr, SMALL_STACK), 0);
	ck_assert_int_eq(pthread_create(&t, &attr, drain, d), 0);
	ck_assert_int_eq(pthread_join(t, NULL), 0);
	pthread_attr_destroy(&attr);
}

/* A filter that drops every event used to recurse once per run of events. */
START_TEST(test_input_drops_everything)
{
	struct t_script s;
	int fd = memfd_create("input", 0);
	char path[64];
	struct drain all = { .path = path }, none = { .path = path, .pid = "999999999" };

	ck_assert_int_eq(t_write_synthetic(fd, &s, NEVENTS, false, NULL, 11), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	drain_on_small_stack(&all);
	drain_on_small_stack(&none);
	ck_assert_int_eq(all.last, 0);
	ck_assert_int_eq(none.last, 0);
	ck_assert_uint_eq(all.passed, NEVENTS);
	ck_assert_uint_eq(all.replayed, NEVENTS);
	ck_assert_uint_eq(none.passed, 0);
	ck_assert_uint_eq(none.replayed, NEVENTS); /* replayed, then dropped by the filter */
	t_script_free(&s);
	close(fd);
}
END_TEST

/* ---- aggregations of unreplayed events (ior_agg__add_events) ----------------------- */

static const struct direct_case {
	const char *fields;
	int opt; /* a filter option, 0 for none */
	const char *arg;
} direct_cases[] = {
	{ "syscall", 0, NULL },
	{ "pid,tid,syscall", 0, NULL },
	{ "class,errno", 0, NULL },
	{ "fd,flags", 0, NULL },
	{ "syscall,flags,errno", IOR_OPT_FAILED, NULL },
	{ "syscall", IOR_OPT_FROM, "0.001" },
	{ "class", IOR_OPT_CLASS, "read,write,open" },
	{ "tid,errno", IOR_OPT_PID, "1001,1003" },
};

/* The aggregation every replayed event that passes c's filter makes, as before direct. */
static struct ior_agg *aggregate_replayed(struct ior_agg_cli *c, const char *path,
					  struct ior_replay_stats *st)
{
	struct ior_agg_opts o = { .histograms = true };
	struct ior_agg *a = ior_agg__new(&c->fields, &o);
	struct ior_input in;
	struct ior_revent re;
	int n;

	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(ior_input__open(&in, path, &(struct ior_input_opts){ 0 }), 0);
	ck_assert_int_eq(ior_filter__bind(&c->filter, ior_reader__header(in.r)), 0);
	while ((n = ior_input__next(&in, &c->filter, &re, NULL)) > 0)
		ck_assert_int_eq(ior_agg__add(a, &re), 0);
	ck_assert_int_eq(n, 0);
	ior_replay__stats(in.rp, st);
	ior_input__close(&in);
	return a;
}

static void assert_same_groups(struct ior_agg *x, struct ior_agg *y, const char *what)
{
	size_t nx, ny;
	struct ior_group *gx = ior_agg__groups(x, &nx), *gy = ior_agg__groups(y, &ny);

	ck_assert_msg(nx == ny && nx > 0, "%s: %zu groups against %zu", what, nx, ny);
	ior_groups_sort_by_frames(gx, nx);
	ior_groups_sort_by_frames(gy, ny);
	for (size_t i = 0; i < nx; i++) {
		ck_assert_msg(!ior_group_cmp_frames(&gx[i], &gy[i]), "%s: group %s against %s",
			      what, gx[i].frames, gy[i].frames);
		ck_assert_msg(gx[i].count == gy[i].count && gx[i].errors == gy[i].errors &&
				      gx[i].bytes == gy[i].bytes && gx[i].dur_sum == gy[i].dur_sum,
			      "%s: the sums of %s differ", what, gx[i].frames);
		ck_assert_msg(ior_hist__percentile(&gx[i].hist, 99) ==
					  ior_hist__percentile(&gy[i].hist, 99) &&
				      ior_hist__max(&gx[i].hist) == ior_hist__max(&gy[i].hist),
			      "%s: the durations of %s differ", what, gx[i].frames);
	}
}

/*
 * The fields and filters that need no replay take the direct path in
 * ior_agg_cli__run(): it must find what the replay does, group for group.
 */
START_TEST(test_direct_agrees_with_replay)
{
	const struct direct_case *dc = &direct_cases[_i];
	struct ior_agg_cli c;
	struct ior_replay_stats st_r, st_d;
	struct ior_agg *replayed, *direct;
	struct ior_input in;
	struct t_script s;
	int fd = memfd_create("direct", 0);
	char path[64];

	ck_assert_int_eq(t_write_synthetic(fd, &s, 200000, true, NULL, 21), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ior_agg_cli__init(&c, dc->fields);
	c.weight = IOR_WEIGHT_COUNT;
	if (dc->opt)
		ck_assert_int_eq(ior_agg_cli__opt(&c, dc->opt, dc->arg), 0);
	replayed = aggregate_replayed(&c, path, &st_r);
	for (int threads = 1; threads <= 2; threads++) { /* one thread, and chunks on two */
		setenv("IOR_ANALYZE_THREADS", threads == 1 ? "1" : "2", 1);
		ck_assert_int_eq(ior_agg_cli__run(&c, path,
						  &(struct ior_agg_opts){ .histograms = true }, &in,
						  &direct),
				 0);
		ior_replay__stats(in.rp, &st_d);
		assert_same_groups(replayed, direct, dc->fields);
		ck_assert_uint_eq(st_r.events, st_d.events);
		ck_assert_int_eq(st_r.first_ns, st_d.first_ns);
		ck_assert_int_eq(st_r.last_ns, st_d.last_ns);
		ior_agg__free(direct);
		ior_input__close(&in);
	}
	unsetenv("IOR_ANALYZE_THREADS");
	ior_agg__free(replayed);
	ior_agg_cli__free(&c);
	t_script_free(&s);
	close(fd);
}
END_TEST

/*
 * ior_agg_direct__parallel() on a recording of many chunks: clean, it reads it on two
 * threads and finds what one thread finds. With a damaged chunk, or a chunk that uses a
 * thread only an earlier chunk defines (which a reader of every chunk accepts), it
 * gives up and leaves the read to one thread.
 */
enum parallel_case { CLEAN, DAMAGED, THREAD_OF_ANOTHER_CHUNK };

/* The chunk frames of a recording: offsets of the zstd frames after the header's. */
static size_t chunk_offsets(const uint8_t *buf, size_t len, size_t *at, size_t max)
{
	size_t n = 0;

	for (size_t i = IOR_MAGIC_LEN; i + 4 <= len && n < max; i++)
		if (ior_get_le32(buf + i) == IOR_ZSTD_MAGIC)
			at[n++] = i;
	return n;
}

static void write_parallel_case(int fd, enum parallel_case pc)
{
	struct ior_writer_opts o = { .chunk_bytes = 64 << 10 };
	struct t_script s;
	size_t len, n, at[64];
	uint8_t *buf;

	ck_assert_int_eq(t_write_synthetic(fd, &s, 60000, false, &o, 5), 0);
	t_script_free(&s);
	buf = t_slurp(fd, &len);
	n = chunk_offsets(buf, len, at, 64);
	ck_assert_uint_ge(n, 8);
	if (pc == DAMAGED)
		buf[at[n / 2] + 40] ^= 0x55; /* inside a chunk in the middle: its checksum fails */
	ck_assert_int_eq(ftruncate(fd, 0), 0);
	ck_assert_int_eq(pwrite(fd, buf, len, 0), (ssize_t)len);
	free(buf);
}

START_TEST(test_parallel_direct)
{
	enum parallel_case pc = (enum parallel_case)_i;
	struct ior_agg_cli c;
	struct ior_agg *one, *two;
	struct ior_input in;
	unsigned skip;
	char path[64];
	int fd = memfd_create("parallel", 0);

	write_parallel_case(fd, pc);
	if (pc == THREAD_OF_ANOTHER_CHUNK)
		ck_assert_int_eq(t_drop_repeated_threads(fd), 0);
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	ior_agg_cli__init(&c, "pid,syscall,errno");
	ck_assert(ior_fields__direct(&c.fields, &skip));
	setenv("IOR_ANALYZE_THREADS", "2", 1);
	ck_assert_int_eq(ior_agg_direct__parallel(&c, path,
						  &(struct ior_agg_opts){ .histograms = true },
						  skip & ~IOR_SKIP_THREAD, &in, &two),
			 pc == CLEAN ? IOR_EXIT_OK : IOR_DIRECT_AGAIN);
	if (pc != CLEAN) { /* then the command reads it on one thread */
		ck_assert_int_eq(ior_agg_cli__run(&c, path,
						  &(struct ior_agg_opts){ .histograms = true }, &in,
						  &two),
				 0);
		/* damage is warned about; leaning on another chunk's thread is not */
		ck_assert_int_eq(*ior_reader__warning(in.r) != '\0', pc == DAMAGED);
	}
	ior_input__discard(&in);
	setenv("IOR_ANALYZE_THREADS", "1", 1);
	ck_assert_int_eq(ior_agg_cli__run(&c, path, &(struct ior_agg_opts){ .histograms = true },
					  &in, &one),
			 0);
	ior_input__discard(&in);
	unsetenv("IOR_ANALYZE_THREADS");
	assert_same_groups(one, two, pc == CLEAN ? "clean" : "given up");
	ior_agg__free(one);
	ior_agg__free(two);
	ior_agg_cli__free(&c);
	close(fd);
}
END_TEST

Suite *input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("input");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_input_drops_everything);
	tcase_add_loop_test(tc, test_direct_agrees_with_replay, 0,
			    (int)(sizeof(direct_cases) / sizeof(direct_cases[0])));
	tcase_add_loop_test(tc, test_parallel_direct, CLEAN, THREAD_OF_ANOTHER_CHUNK + 1);
	suite_add_tcase(s, tc);
	return s;
}
