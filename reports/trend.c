/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * trend.c — weekly series on the report's week axis; see trend.h. A series
 * is summed into an array indexed by week, so that the rows of several
 * sites (or services) of one week become one point.
 */
#include "trend.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "period.h"
#include "words.h"

void trend_axis(const struct model_result *r, int64_t *first_monday, unsigned *n)
{
	int64_t lo = INT64_MAX, hi = INT64_MIN;

	for (size_t i = 0; i < r->nweeks; i++) {
		lo = r->weeks[i].monday < lo ? r->weeks[i].monday : lo;
		hi = r->weeks[i].monday > hi ? r->weeks[i].monday : hi;
	}
	*first_monday = lo;
	*n = r->nweeks == 0 ? 0 : (unsigned)((hi - lo) / 7 + 1);
	if (*n > TREND_MAX_WEEKS) {
		*first_monday = hi - 7 * (TREND_MAX_WEEKS - 1);
		*n = TREND_MAX_WEEKS;
	}
}

size_t trend_weeks(const struct model_result *r, const char *site, const char *service, struct trend_week *out,
                   size_t cap)
{
	struct trend_week sum[TREND_MAX_WEEKS];
	int64_t first;
	unsigned n;
	size_t k = 0;

	trend_axis(r, &first, &n);
	memset(sum, 0, sizeof sum);
	for (unsigned x = 0; x < n; x++) {
		sum[x].monday = first + 7 * (int64_t)x;
		sum[x].x = x;
		sum[x].complete = 1;
	}
	for (size_t i = 0; i < r->nweeks; i++) {
		const struct model_week *w = &r->weeks[i];

		if ((site != NULL && strcmp(w->site, site) != 0) || (service != NULL && strcmp(w->service, service) != 0) ||
		    w->monday < first)
			continue;
		sum[(w->monday - first) / 7].started += w->started;
		sum[(w->monday - first) / 7].completed += w->completed;
		if (!w->complete)
			sum[(w->monday - first) / 7].complete = 0;
	}
	for (unsigned x = 0; x < n && k < cap; x++) {
		if (sum[x].started > 0)
			out[k++] = sum[x];
	}
	return k;
}

void trend_week_name(char *out, size_t outlen, int64_t monday, int lang_en)
{
	char iso[PERIOD_WEEK_LEN]; /* "2026-W47", as weekly.csv writes it */

	period_format_week(monday, iso);
	snprintf(out, outlen, "%s%d", lang_en ? "W" : "KW ", atoi(strchr(iso, 'W') + 1));
}

static int cmp_by_key(const void *a, const void *b)
{
	const struct model_service *x = *(const struct model_service *const *)a;
	const struct model_service *y = *(const struct model_service *const *)b;
	int c = strcmp(x->service, y->service);

	return c != 0 ? c : (x > y) - (x < y);
}

size_t trend_services(const struct model_result *r, const struct model_service **out, size_t cap)
{
	size_t n = 0, k = 0;

	for (size_t i = 0; i < r->nservices && n < cap; i++)
		out[n++] = &r->services[i];
	qsort(out, n, sizeof *out, cmp_by_key);
	for (size_t i = 0; i < n; i++) {
		if (k == 0 || strcmp(out[k - 1]->service, out[i]->service) != 0)
			out[k++] = out[i];
	}
	return k;
}

void trend_change_numbers(const struct model_result *r, unsigned *out)
{
	unsigned number = 0;

	for (size_t i = 0; i < r->nchanges; i++) {
		if (i == 0 || r->changes[i].change != r->changes[i - 1].change)
			number++;
		out[i] = number;
	}
}

double trend_day_x(int64_t day, int64_t first_monday)
{
	return (double)(day - first_monday) / 7.0 - 0.5;
}

void trend_describe(char *out, size_t outlen, const struct trend_week *w, size_t n, int lang_en)
{
	char week[16], a[WORDS_NUM_MAX], b[WORDS_NUM_MAX];
	size_t o = 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	for (size_t k = 0; k < n && o + 1 < outlen; k++) {
		int len;

		trend_week_name(week, sizeof week, w[k].monday, lang_en);
		if (w[k].started < WORDS_FEW) {
			words_int(a, sizeof a, w[k].completed, lang_en);
			words_int(b, sizeof b, w[k].started, lang_en);
			len = snprintf(out + o, outlen - o, "%s%s%s: %s %s %s (%s)", k ? "; " : "", week,
				       w[k].complete ? "" : lang_en ? " (incomplete)" : " (unvollständig)", a,
				       lang_en ? "of" : "von", b, lang_en ? "little data" : "wenige Daten");
		} else {
			words_pct(a, sizeof a, metrics_rate(w[k].completed, w[k].started), 1, lang_en);
			len = snprintf(out + o, outlen - o, "%s%s%s: %s", k ? "; " : "", week,
				       w[k].complete ? "" : lang_en ? " (incomplete)" : " (unvollständig)", a);
		}
		if (len < 0 || (size_t)len >= outlen - o)
			break;
		o += (size_t)len;
	}
}
