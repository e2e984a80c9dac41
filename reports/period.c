/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * period.c — the calendar arithmetic of period.h on tz.h's civil dates.
 * ISO 8601 weeks: a week belongs to the year of its Thursday, week 1 is the
 * one holding 4 January. 1970-01-01 (day 0) was a Thursday.
 */
#include "period.h"

#include <stdio.h>
#include <string.h>

#include "tz.h"

/* 0 = Monday … 6 = Sunday. */
static int64_t weekday(int64_t day)
{
	int64_t w = (day + 3) % 7;

	return w < 0 ? w + 7 : w;
}

int64_t period_week_monday(int64_t day)
{
	return day - weekday(day);
}

/* The ISO year and week of day. */
static void iso_week(int64_t day, int64_t *year, unsigned *week)
{
	int64_t thursday = period_week_monday(day) + 3, y;
	unsigned m, d;

	tz_civil_from_days(thursday, &y, &m, &d);
	*year = y;
	*week = (unsigned)((thursday - tz_days_from_civil(y, 1, 1)) / 7 + 1);
}

void period_format_week(int64_t day, char out[PERIOD_WEEK_LEN])
{
	int64_t y;
	unsigned w;

	iso_week(day, &y, &w);
	snprintf(out, PERIOD_WEEK_LEN, "%04d-W%02u", (int)(y % 10000), w);
}

/* The first day of the month that holds day, moved by delta months. */
static int64_t month_start(int64_t day, int delta)
{
	int64_t y;
	unsigned m, d;
	int64_t months;

	tz_civil_from_days(day, &y, &m, &d);
	months = y * 12 + (int64_t)(m - 1) + delta;
	return tz_days_from_civil(months / 12, (unsigned)(months % 12) + 1, 1);
}

/* Reads exactly n digits at s into *v. */
static int digits(const char *s, int n, int *v)
{
	*v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		*v = *v * 10 + (s[i] - '0');
	}
	return 0;
}

static void set_months(struct period *p, int64_t first)
{
	p->from = first;
	p->to = month_start(first, 1) - 1;
	p->prev_from = month_start(first, -1);
	p->prev_to = first - 1;
}

static void set_week(struct period *p, int64_t monday)
{
	p->from = monday;
	p->to = monday + 6;
	p->prev_from = monday - 7;
	p->prev_to = monday - 1;
}

int period_parse(const char *spec, int64_t today, struct period *out)
{
	size_t n = strlen(spec);
	int y, m, w;

	memset(out, 0, sizeof *out);
	if (strcmp(spec, "last-week") == 0) {
		set_week(out, period_week_monday(today) - 7);
		return 0;
	}
	if (strcmp(spec, "last-month") == 0) {
		set_months(out, month_start(today, -1));
		return 0;
	}
	if (strcmp(spec, "last-28-days") == 0) {
		out->from = today - 28;
		out->to = today - 1;
		out->prev_from = today - 56;
		out->prev_to = today - 29;
		return 0;
	}
	if (n == 7 && spec[4] == '-' && digits(spec, 4, &y) == 0 && digits(spec + 5, 2, &m) == 0) {
		if (y < 1970 || m < 1 || m > 12)
			return -1;
		set_months(out, tz_days_from_civil(y, (unsigned)m, 1));
		return 0;
	}
	if (n == 8 && spec[4] == '-' && spec[5] == 'W' && digits(spec, 4, &y) == 0 &&
	    digits(spec + 6, 2, &w) == 0) {
		int64_t monday, iy;
		unsigned iw;

		if (y < 1970 || w < 1 || w > 53)
			return -1;
		monday = period_week_monday(tz_days_from_civil(y, 1, 4)) + 7 * (int64_t)(w - 1);
		iso_week(monday, &iy, &iw);
		if (iy != y)
			return -1; /* week 53 of a year that has 52 */
		set_week(out, monday);
		return 0;
	}
	return -1;
}
