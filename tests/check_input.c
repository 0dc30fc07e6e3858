// SPDX-License-Identifier: GPL-2.0-only
/*
 * analyzer/cmd_common's input loop (ior_input__next): every event of a real recording
 * goes through the replay and the filter, in order, with bounded stack whatever the
 * filter drops.
 */
#include <check.h>
#include <pthread.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "analyzer/cmd.h"
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
	if (ior_input__open(&in, d->path, false) ||
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

Suite *input_suite(void)
{
	Suite *s = suite_create("input");
	TCase *tc = tcase_create("input");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_input_drops_everything);
	suite_add_tcase(s, tc);
	return s;
}
