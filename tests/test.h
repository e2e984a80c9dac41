/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test.h — the tiny unit-test harness every C test program uses. A test is a
 * function; it passes when none of its checks failed. Each program ends with
 * one line "NAME: N passed, N failed" that tests/run.sh adds up. Header-only,
 * for test programs only.
 */
#ifndef LOTSE_TEST_H
#define LOTSE_TEST_H

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

static int test_checks_failed_;
static int test_passed_;
static int test_failed_;

#define CHECK(cond)                                                              \
	do {                                                                     \
		if (!(cond)) {                                                   \
			printf("  check failed %s:%d: %s\n", __FILE__, __LINE__, #cond); \
			test_checks_failed_++;                                   \
		}                                                                \
	} while (0)

#define CHECK_INT(got, want)                                                     \
	do {                                                                     \
		long long g_ = (long long)(got), w_ = (long long)(want);         \
		if (g_ != w_) {                                                  \
			printf("  check failed %s:%d: %s == %lld, want %lld\n",  \
			       __FILE__, __LINE__, #got, g_, w_);                 \
			test_checks_failed_++;                                   \
		}                                                                \
	} while (0)

#define CHECK_STR(got, want)                                                     \
	do {                                                                     \
		const char *g_ = (got), *w_ = (want);                            \
		if (!((g_ == NULL && w_ == NULL) ||                              \
		      (g_ != NULL && w_ != NULL && strcmp(g_, w_) == 0))) {      \
			printf("  check failed %s:%d: %s == \"%s\", want \"%s\"\n", \
			       __FILE__, __LINE__, #got, g_ ? g_ : "(null)",      \
			       w_ ? w_ : "(null)");                               \
			test_checks_failed_++;                                   \
		}                                                                \
	} while (0)

#define CHECK_NEAR(got, want, tol)                                               \
	do {                                                                     \
		double g_ = (got), w_ = (want);                                  \
		if (!(fabs(g_ - w_) <= (tol))) {                                 \
			printf("  check failed %s:%d: %s == %.9g, want %.9g ± %g\n", \
			       __FILE__, __LINE__, #got, g_, w_, (double)(tol));  \
			test_checks_failed_++;                                   \
		}                                                                \
	} while (0)

#define RUN(fn)                                                                  \
	do {                                                                     \
		test_checks_failed_ = 0;                                         \
		fn();                                                            \
		if (test_checks_failed_) {                                       \
			printf("FAIL %s\n", #fn);                                \
			test_failed_++;                                          \
		} else {                                                         \
			printf("PASS %s\n", #fn);                                \
			test_passed_++;                                          \
		}                                                                \
	} while (0)

/* Prints the summary line and returns the process exit status. */
static inline int test_summary(const char *suite)
{
	printf("%s: %d passed, %d failed\n", suite, test_passed_, test_failed_);
	return test_failed_ ? 1 : 0;
}

#endif
