/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_stats.c — unit tests for reports/stats.c against tabulated quantiles
 * (Abramowitz & Stegun 26.2 and 26.7, Fisher & Yates) and worked examples of
 * the adjusted-Wald interval, the geometric mean interval and the z-test.
 */
#include "../test.h"
#include "stats.h"

static void test_normal_quantile(void)
{
	CHECK_NEAR(stats_normal_quantile(0.975), 1.959963984540054, 1e-12);
	CHECK_NEAR(stats_normal_quantile(0.995), 2.575829303548901, 1e-12);
	CHECK_NEAR(stats_normal_quantile(0.5), 0.0, 1e-15);
	CHECK_NEAR(stats_normal_quantile(0.025), -1.959963984540054, 1e-12);
	CHECK_NEAR(stats_normal_quantile(0.9), 1.2815515655446004, 1e-12);
	CHECK_NEAR(stats_normal_quantile(1e-10), -6.361340902404056, 1e-9);
	CHECK(isnan(stats_normal_quantile(1.5)));
	CHECK(isinf(stats_normal_quantile(1.0)));
	CHECK_NEAR(stats_normal_cdf(1.959963984540054), 0.975, 1e-12);
}

static void test_t_quantile(void)
{
	/* Student-t table, two-sided 95 % and 99 %. */
	CHECK_NEAR(stats_t_quantile(0.975, 1), 12.7062, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.975, 2), 4.3027, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.975, 3), 3.1824, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.975, 5), 2.5706, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.975, 10), 2.2281, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.975, 30), 2.0423, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.975, 120), 1.9799, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.995, 5), 4.0321, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.95, 20), 1.7247, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.025, 10), -2.2281, 1e-4);
	CHECK_NEAR(stats_t_quantile(0.975, 1e6), 1.959966, 1e-5);
	CHECK_NEAR(stats_t_cdf(2.228138852, 10), 0.975, 1e-9);
	CHECK(isnan(stats_t_quantile(0.975, 0)));
}

static void test_agresti_coull(void)
{
	double lo, hi;

	CHECK_INT(stats_agresti_coull(9, 10, &lo, &hi), 0);
	CHECK_NEAR(lo, 0.5740323, 1e-6);
	CHECK_NEAR(hi, 1.0, 1e-12);
	CHECK_INT(stats_agresti_coull(0, 10, &lo, &hi), 0);
	CHECK_NEAR(lo, 0.0, 1e-12);
	CHECK_NEAR(hi, 0.3208873, 1e-6);
	CHECK_INT(stats_agresti_coull(5, 10, &lo, &hi), 0);
	CHECK_NEAR(lo, 0.2365931, 1e-6);
	CHECK_NEAR(hi, 0.7634069, 1e-6);
	CHECK_INT(stats_agresti_coull(45, 100, &lo, &hi), 0);
	CHECK_NEAR(lo, 0.3561282, 1e-6);
	CHECK_NEAR(hi, 0.5475712, 1e-6);
	CHECK_INT(stats_agresti_coull(1, 0, &lo, &hi), -1);
}

static void test_means(void)
{
	double v[] = { 1, 10, 100 }, m, lo, hi;
	double r[] = { 4, 5, 3, 4 };

	CHECK_INT(stats_geomean_ci(v, 3, 0.001, &m, &lo, &hi), 0);
	CHECK_NEAR(m, 10.0, 1e-9);
	CHECK_NEAR(lo, 0.0327991, 1e-6);
	CHECK_NEAR(hi, 3048.8616, 1e-3);
	CHECK_INT(stats_geomean_ci(v, 1, 0.001, &m, &lo, &hi), 0);
	CHECK_NEAR(m, 1.0, 1e-12);
	CHECK(isnan(lo) && isnan(hi));
	CHECK_INT(stats_geomean_ci(v, 0, 0.001, &m, &lo, &hi), -1);
	/* mean 4, s = 0.8165, t(0.975,3) = 3.1824: 4 ± 1.2992 */
	CHECK_INT(stats_mean_ci(r, NULL, 4, &m, &lo, &hi), 0);
	CHECK_NEAR(m, 4.0, 1e-12);
	CHECK_NEAR(lo, 2.700772, 1e-5);
	CHECK_NEAR(hi, 5.299228, 1e-5);
	{
		/* Weights are repetitions: 3, 4, 4, 5 = 3 once, 4 twice, 5 once. */
		double v3[] = { 3, 4, 5 }, w3[] = { 1, 2, 1 }, e[] = { 3, 4, 4, 5 }, m2, lo2, hi2, z[] = { 0, 0, 0 };

		CHECK_INT(stats_mean_ci(v3, w3, 3, &m, &lo, &hi), 0);
		CHECK_INT(stats_mean_ci(e, NULL, 4, &m2, &lo2, &hi2), 0);
		CHECK_NEAR(m, m2, 1e-12);
		CHECK_NEAR(lo, lo2, 1e-12);
		CHECK_NEAR(hi, hi2, 1e-12);
		CHECK_INT(stats_mean_ci(v3, z, 3, &m, &lo, &hi), -1);
	}
	double s1[] = { 3 }, s4[] = { 1, 2, 3, 10 };
	CHECK_NEAR(stats_median_sorted(s1, 1), 3.0, 0);
	CHECK_NEAR(stats_median_sorted(s4, 4), 2.5, 0);
	CHECK(isnan(stats_median_sorted(s4, 0)));
}

static void test_two_proportion(void)
{
	double p;

	CHECK_INT(stats_two_proportion_p(45, 100, 30, 100, &p), 0);
	CHECK_NEAR(p, 0.0284597, 1e-6);
	CHECK_INT(stats_two_proportion_p(30, 100, 45, 100, &p), 0);
	CHECK_NEAR(p, 0.0284597, 1e-6);
	CHECK_INT(stats_two_proportion_p(5, 10, 5, 10, &p), 0);
	CHECK_NEAR(p, 1.0, 1e-12);
	CHECK_INT(stats_two_proportion_p(0, 10, 0, 20, &p), 0);
	CHECK_NEAR(p, 1.0, 0);
	CHECK_INT(stats_two_proportion_p(1, 0, 0, 20, &p), -1);
}

int main(void)
{
	RUN(test_normal_quantile);
	RUN(test_t_quantile);
	RUN(test_agresti_coull);
	RUN(test_means);
	RUN(test_two_proportion);
	return test_summary("stats");
}
