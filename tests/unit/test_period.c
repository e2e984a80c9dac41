/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_period.c — unit tests for reports/period.c against calendar facts:
 * ISO weeks at year ends (2020 has a week 53, 2021 has none; 1 January 2026
 * is a Thursday), months of 28, 29, 30 and 31 days, and each --period name
 * counted back from days on every side of a week's and a month's edge.
 */
#include "../test.h"
#include "period.h"
#include "tz.h"

static int64_t day(const char *s)
{
	int64_t d = 0;

	tz_parse_date(s, &d);
	return d;
}

/* Checks p against four dates. */
static void expect(const struct period *p, const char *from, const char *to, const char *pfrom,
                   const char *pto)
{
	char a[11], b[11], c[11], d[11];

	tz_format_day(p->from, a);
	tz_format_day(p->to, b);
	tz_format_day(p->prev_from, c);
	tz_format_day(p->prev_to, d);
	CHECK_STR(a, from);
	CHECK_STR(b, to);
	CHECK_STR(c, pfrom);
	CHECK_STR(d, pto);
}

static void test_weeks(void)
{
	char w[PERIOD_WEEK_LEN];

	period_format_week(day("2026-11-19"), w);
	CHECK_STR(w, "2026-W47");
	period_format_week(day("2026-01-01"), w);
	CHECK_STR(w, "2026-W01");
	period_format_week(day("2025-12-29"), w);
	CHECK_STR(w, "2026-W01");
	period_format_week(day("2025-12-28"), w);
	CHECK_STR(w, "2025-W52");
	period_format_week(day("2021-01-03"), w);
	CHECK_STR(w, "2020-W53");
	period_format_week(day("2027-01-01"), w);
	CHECK_STR(w, "2026-W53");
	CHECK_INT(period_week_monday(day("2026-11-22")), day("2026-11-16")); /* a Sunday */
	CHECK_INT(period_week_monday(day("2026-11-16")), day("2026-11-16"));
	CHECK_INT(period_week_monday(day("1969-12-31")), day("1969-12-29"));
}

static void test_named_periods(void)
{
	struct period p;

	CHECK_INT(period_parse("last-week", day("2026-11-19"), &p), 0);
	expect(&p, "2026-11-09", "2026-11-15", "2026-11-02", "2026-11-08");
	CHECK_INT(period_parse("last-week", day("2026-11-16"), &p), 0); /* Monday */
	expect(&p, "2026-11-09", "2026-11-15", "2026-11-02", "2026-11-08");
	CHECK_INT(period_parse("last-week", day("2026-11-15"), &p), 0); /* Sunday: its week is not over */
	expect(&p, "2026-11-02", "2026-11-08", "2026-10-26", "2026-11-01");
	CHECK_INT(period_parse("last-month", day("2026-03-15"), &p), 0);
	expect(&p, "2026-02-01", "2026-02-28", "2026-01-01", "2026-01-31");
	CHECK_INT(period_parse("last-month", day("2026-01-01"), &p), 0);
	expect(&p, "2025-12-01", "2025-12-31", "2025-11-01", "2025-11-30");
	CHECK_INT(period_parse("last-28-days", day("2026-11-19"), &p), 0);
	expect(&p, "2026-10-22", "2026-11-18", "2026-09-24", "2026-10-21");
	CHECK_INT(period_parse("2024-02", 0, &p), 0);
	expect(&p, "2024-02-01", "2024-02-29", "2024-01-01", "2024-01-31");
	CHECK_INT(period_parse("2026-01", 0, &p), 0);
	expect(&p, "2026-01-01", "2026-01-31", "2025-12-01", "2025-12-31");
	CHECK_INT(period_parse("2026-W01", 0, &p), 0);
	expect(&p, "2025-12-29", "2026-01-04", "2025-12-22", "2025-12-28");
	CHECK_INT(period_parse("2020-W53", 0, &p), 0);
	expect(&p, "2020-12-28", "2021-01-03", "2020-12-21", "2020-12-27");
	CHECK_INT(period_parse("2026-W47", 0, &p), 0);
	expect(&p, "2026-11-16", "2026-11-22", "2026-11-09", "2026-11-15");
}

static void test_bad_periods(void)
{
	static const char *const bad[] = { "", "lastweek", "last-week ", "2026-13", "2026-00", "2026-1",
		"2021-W53", "2026-W00", "2026-W54", "2026-w01", "20261-01", "1969-12", "2026-W1" };
	struct period p;

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(period_parse(bad[i], day("2026-11-19"), &p), -1);
}

int main(void)
{
	RUN(test_weeks);
	RUN(test_named_periods);
	RUN(test_bad_periods);
	return test_summary("period");
}
