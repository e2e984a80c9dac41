/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * stats.h — the reporter's statistics: normal and Student-t quantiles from
 * published algorithms, the adjusted-Wald (Agresti–Coull) interval for a
 * proportion, mean and geometric mean with Student-t intervals, the median,
 * and the two-sided two-proportion z-test. Pure functions on numbers; no I/O,
 * no allocation, and no knowledge of events or flows.
 */
#ifndef LOTSE_STATS_H
#define LOTSE_STATS_H

#include <stddef.h>

/* z for a two-sided 95 % interval, as REPORT.md fixes it. */
#define STATS_Z95 1.959964

/*
 * Returns the p-quantile of the standard normal distribution (Wichura 1988,
 * algorithm AS 241, PPND16, about 16 digits) for 0 < p < 1; -HUGE_VAL or
 * HUGE_VAL at p = 0 or 1, NAN outside.
 */
double stats_normal_quantile(double p);

/* Returns the standard normal distribution function Phi(x). */
double stats_normal_cdf(double x);

/*
 * Returns the p-quantile of Student's t with df degrees of freedom (df >= 1,
 * 0 < p < 1): Hill 1970 (CACM algorithm 396) for the starting value, refined
 * by Newton steps on the exact distribution function. NAN on bad input.
 */
double stats_t_quantile(double p, double df);

/* Returns P(T <= t) for Student's t with df > 0 degrees of freedom. */
double stats_t_cdf(double t, double df);

/*
 * Adjusted-Wald (Agresti–Coull) 95 % interval for x successes of n trials,
 * clamped to [0, 1]. Returns 0 and sets *low, *high; -1 when n == 0 or x > n.
 */
int stats_agresti_coull(double x, double n, double *low, double *high);

/*
 * Mean of v[0..n-1], each counted w[i] times (w NULL: once), with a 95 %
 * Student-t interval. Returns 0 and sets *mean; *low and *high are set when
 * the weights add up to at least 2 and are NAN otherwise. -1 when they add
 * up to 0.
 */
int stats_mean_ci(const double *v, const double *w, size_t n, double *mean, double *low, double *high);

/*
 * Geometric mean exp(mean ln t) of the positive v[0..n-1] (values below
 * min_value are raised to it first) with the 95 % interval
 * exp(mean ln t ± t(0.975, n-1)·s/√n). Returns 0 and sets *gm, *low, *high
 * (interval NAN when n < 2); -1 when n == 0.
 */
int stats_geomean_ci(const double *v, size_t n, double min_value, double *gm, double *low,
                     double *high);

/* Returns the median of the sorted v[0..n-1] (mean of the middle two for even n); NAN when n == 0. */
double stats_median_sorted(const double *v, size_t n);

/*
 * Two-sided two-proportion z-test with pooled variance for x1/n1 against
 * x2/n2. Returns 0 and sets *p_value; -1 when n1 or n2 is 0. When both
 * proportions are 0 or both are 1 there is no variance and *p_value is 1.
 */
int stats_two_proportion_p(double x1, double n1, double x2, double n2, double *p_value);

#endif
