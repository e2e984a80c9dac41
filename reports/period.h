/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * period.h — the report's calendar: --period names (last-week, last-month,
 * last-28-days, YYYY-MM, YYYY-Www) turned into local days with the previous
 * period of the same kind, and ISO weeks (Monday to Sunday) for weekly.csv.
 * Pure date arithmetic on day numbers (days since 1970-01-01, as tz.h
 * counts them); it never reads the clock: the caller passes "today".
 */
#ifndef LOTSE_PERIOD_H
#define LOTSE_PERIOD_H

#include <stdint.h>

/* A period and the one before it, as inclusive local days. */
struct period {
	int64_t from, to;
	int64_t prev_from, prev_to;
};

/*
 * Parses spec relative to today (a local day):
 *   last-week     the last complete ISO week before today's week
 *   last-month    the last complete calendar month before today's month
 *   last-28-days  the 28 days ending yesterday
 *   YYYY-MM       that month;  YYYY-Www  that ISO week (W01..W53, if the year has it)
 * prev_* is the period of the same kind just before. Returns 0, or -1 when
 * spec is none of these.
 */
int period_parse(const char *spec, int64_t today, struct period *out);

/* Returns the Monday (local day) of day's ISO week. */
int64_t period_week_monday(int64_t day);

/* Writes day's ISO week as "YYYY-Www" into out. */
#define PERIOD_WEEK_LEN 16
void period_format_week(int64_t day, char out[PERIOD_WEEK_LEN]);

#endif
