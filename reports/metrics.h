/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * metrics.h — the derived figures of one service (completion rate with its
 * interval, times to complete, satisfaction, comparison with the previous
 * period), computed the same way for CSV, HTML, charts and the problem list.
 * Pure: reads a model row, calls stats.c, writes nothing.
 */
#ifndef LOTSE_METRICS_H
#define LOTSE_METRICS_H

#include <stdint.h>

#include "model.h"

/* Times below this many seconds count as this value in logarithms. */
#define METRICS_MIN_SECONDS 0.001

/* Every field is NAN when it cannot be computed (no flows, n < 2, …). */
struct service_metrics {
	double rate, ci_low, ci_high;
	double median_s, geomean_s, geomean_low, geomean_high;
	double rating_mean, rating_low, rating_high, rating_share_good;
	double prev_rate, p_value;
};

/*
 * Fills *out for s. Satisfaction follows REPORT.md: below s->rating_min
 * ratings the mean, its interval and the share of 4–5 stars are NAN; the
 * interval is clamped to [1, 5].
 */
void metrics_service(const struct model_service *s, struct service_metrics *out);

/* Returns x / n, or NAN when n == 0. */
double metrics_rate(uint64_t x, uint64_t n);

/*
 * The completion rate completed / started with its 95 % Agresti–Coull
 * interval in *low, *high (NAN when started == 0): services, devices, charts.
 */
double metrics_completion(uint64_t completed, uint64_t started, double *low, double *high);

/* One site's completion figures for a service: the regional comparison. */
struct metrics_region {
	const struct model_service *s;   /* site, site_name, started, completed */
	double rate, ci_low, ci_high;    /* NAN without started flows */
};

/*
 * Fills out[0..n-1] (at most max) with the sites of r that have flows of
 * service, highest completion rate first (then site key; sites without a
 * started flow last). Returns n.
 */
size_t metrics_regions(const struct model_result *r, const char *service, struct metrics_region *out,
                       size_t max);

#endif
