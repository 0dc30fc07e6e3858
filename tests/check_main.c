// SPDX-License-Identifier: GPL-2.0-only
/*
 * The one Check runner. Each tests/check_<module>.c defines Suite *<module>_suite(void);
 * the Makefile lists them in suites.inc. Select suites with CK_RUN_SUITE, cases with
 * CK_RUN_CASE (Check's own variables).
 */
#include <check.h>
#include <stdlib.h>

#define IOR_SUITE(name) Suite *name##_suite(void);
#include "tests/suites.inc"
#undef IOR_SUITE

int main(void)
{
	SRunner *sr = srunner_create(NULL);
	int failed;

#define IOR_SUITE(name) srunner_add_suite(sr, name##_suite());
#include "tests/suites.inc"
#undef IOR_SUITE
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
