/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * trend.h — the weekly series the trend charts and their texts show: the
 * weeks of one service on one site as weekly.csv lists them, or summed over
 * the sites (a service on index.html) or over everything (the small line of
 * the completion rate), each week placed on the report's one week axis so
 * that every chart of a report lines up. It adds counts, nothing else:
 * rates and intervals come from metrics.c. Reads the model's result only.
 */
#ifndef LOTSE_TREND_H
#define LOTSE_TREND_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

/* Weeks a series holds at most (five years); a longer period shows its last weeks. */
#define TREND_MAX_WEEKS 260

struct trend_week {
	int64_t monday;          /* local day */
	unsigned x;              /* weeks since the axis' first Monday */
	uint32_t started, completed;
	int complete;            /* 0: the week reaches past the end of the period or of the data */
};

/* The report's week axis: the first and the last Monday of r->weeks; *n = 0 when there are none. */
void trend_axis(const struct model_result *r, int64_t *first_monday, unsigned *n);

/*
 * Fills out[0..cap-1] with the weeks in which the service was started, in
 * time order: of site and service, of service summed over the sites (site
 * NULL), or of everything (both NULL). Returns how many.
 */
size_t trend_weeks(const struct model_result *r, const char *site, const char *service, struct trend_week *out,
                   size_t cap);

/*
 * One service of r per service key, in the order of the keys, the first
 * site's: the services index.html shows a trend of (its name names the
 * chart). Fills out[0..cap-1]; returns how many.
 */
size_t trend_services(const struct model_result *r, const struct model_service **out, size_t cap);

/*
 * The numbers of the changes of r->changes[0..nchanges-1] as the report's
 * pages count them: 1 for the first change of the --changes file, and so on
 * (a change for "*" has a row per site and service, all with its number;
 * rows come in file order). out has r->nchanges entries.
 */
void trend_change_numbers(const struct model_result *r, unsigned *out);

/*
 * Where a local day lies on the week axis that starts on first_monday:
 * week x covers x - 0.5 to x + 0.5.
 */
double trend_day_x(int64_t day, int64_t first_monday);

/*
 * The values of w[0..n-1] as a text for those who cannot see the chart:
 * "KW 45: 41,0 %; KW 46: 3 von 4 (wenige Daten); KW 49 (unvollständig):
 * 44,4 %". Cut at outlen.
 */
void trend_describe(char *out, size_t outlen, const struct trend_week *w, size_t n, int lang_en);

/* "KW 47" (de) or "W47" (en): the ISO week of a Monday, as axes and tables name it. */
void trend_week_name(char *out, size_t outlen, int64_t monday, int lang_en);

#endif
