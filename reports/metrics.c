/* SPDX-License-Identifier: EUPL-1.2 */
/* metrics.c — derived per-service figures; see metrics.h. No I/O. */
#include "metrics.h"

#include <math.h>
#include <string.h>

#include "stats.h"

double metrics_rate(uint64_t x, uint64_t n)
{
	return n == 0 ? NAN : (double)x / (double)n;
}

/*
 * Mean of the ratings 1..5 given as counts, with a Student-t 95 % interval
 * clamped to the scale [1, 5], and the share of 4 and 5 stars; all NAN with
 * fewer than min ratings (REPORT.md: the mean is not shown below --min-count,
 * and a share of one rating says as little).
 */
static void rating_stats(const uint32_t counts[6], unsigned min, struct service_metrics *out)
{
	static const double stars[5] = { 1, 2, 3, 4, 5 };
	double w[5], n = 0;

	for (int k = 1; k <= 5; k++) {
		w[k - 1] = counts[k];
		n += counts[k];
	}
	if (n < min || stats_mean_ci(stars, w, 5, &out->rating_mean, &out->rating_low, &out->rating_high) != 0)
		return;
	if (out->rating_low < 1.0)
		out->rating_low = 1.0;
	if (out->rating_high > 5.0)
		out->rating_high = 5.0;
	out->rating_share_good = (counts[4] + counts[5]) / n;
}

double metrics_completion(uint64_t completed, uint64_t started, double *low, double *high)
{
	*low = *high = NAN;
	stats_agresti_coull((double)completed, (double)started, low, high); /* leaves them when started is 0 */
	return metrics_rate(completed, started);
}

void metrics_service(const struct model_service *s, struct service_metrics *out)
{
	out->median_s = out->geomean_s = out->geomean_low = out->geomean_high = NAN;
	out->rating_mean = out->rating_low = out->rating_high = out->rating_share_good = NAN;
	out->prev_rate = out->p_value = NAN;
	out->rate = metrics_completion(s->completed, s->started, &out->ci_low, &out->ci_high);
	if (s->completed > 0 && s->times != NULL) {
		out->median_s = stats_median_sorted(s->times, s->completed);
		stats_geomean_ci(s->times, s->completed, METRICS_MIN_SECONDS, &out->geomean_s,
				 &out->geomean_low, &out->geomean_high);
	}
	rating_stats(s->ratings, s->rating_min, out);
	if (s->has_prev) {
		out->prev_rate = metrics_rate(s->prev_completed, s->prev_started);
		if (stats_two_proportion_p(s->completed, s->started, s->prev_completed, s->prev_started,
					   &out->p_value) != 0)
			out->p_value = NAN;
	}
}

size_t metrics_regions(const struct model_result *r, const char *service, struct metrics_region *out,
                       size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < r->nservices && n < max; i++) {
		const struct model_service *s = &r->services[i];
		struct metrics_region x;
		size_t j;

		if (strcmp(s->service, service) != 0)
			continue;
		x.s = s;
		x.rate = metrics_completion(s->completed, s->started, &x.ci_low, &x.ci_high);
		/* Insert in order: rate descending, NAN last; services[] is by site already. */
		for (j = n; j > 0; j--) {
			const struct metrics_region *p = &out[j - 1];

			if (isnan(x.rate) || (!isnan(p->rate) && p->rate >= x.rate))
				break;
			out[j] = out[j - 1];
		}
		out[j] = x;
		n++;
	}
	return n;
}
