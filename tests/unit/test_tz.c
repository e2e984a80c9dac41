/* SPDX-License-Identifier: EUPL-1.2 */
/* test_tz.c — unit tests for Europe/Berlin local days and RFC 3339 parsing. */
#include "../test.h"
#include "tz.h"

static int64_t ms_of(const char *s)
{
	int64_t v = 0;
	CHECK_INT(tz_parse_rfc3339(s, strlen(s), &v), 0);
	return v;
}

static void test_civil_roundtrip(void)
{
	CHECK_INT(tz_days_from_civil(1970, 1, 1), 0);
	CHECK_INT(tz_days_from_civil(2000, 3, 1), 11017);
	int64_t y;
	unsigned m, d;
	tz_civil_from_days(20412, &y, &m, &d); /* 2025-11-20 */
	CHECK_INT(y, 2025);
	CHECK_INT(m, 11);
	CHECK_INT(d, 20);
	char buf[11];
	tz_format_day(tz_days_from_civil(2026, 2, 28) + 1, buf);
	CHECK_STR(buf, "2026-03-01");
	tz_format_day(tz_days_from_civil(2024, 2, 28) + 1, buf);
	CHECK_STR(buf, "2024-02-29");
}

static void test_dst_boundaries(void)
{
	/* 2026: summer time from 29 March 01:00 UTC to 25 October 01:00 UTC. */
	CHECK_INT(tz_berlin_offset_s(ms_of("2026-03-29T00:59:59Z") / 1000), 3600);
	CHECK_INT(tz_berlin_offset_s(ms_of("2026-03-29T01:00:00Z") / 1000), 7200);
	CHECK_INT(tz_berlin_offset_s(ms_of("2026-10-25T00:59:59Z") / 1000), 7200);
	CHECK_INT(tz_berlin_offset_s(ms_of("2026-10-25T01:00:00Z") / 1000), 3600);
	CHECK_INT(tz_berlin_offset_s(ms_of("2025-07-01T12:00:00Z") / 1000), 7200);
	CHECK_INT(tz_berlin_offset_s(ms_of("2025-12-24T12:00:00Z") / 1000), 3600);
}

static void test_local_day(void)
{
	int64_t nov19 = tz_days_from_civil(2026, 11, 19);
	/* 23:30 UTC on the 18th is 00:30 on the 19th in Berlin (winter). */
	CHECK_INT(tz_local_day(ms_of("2026-11-18T23:30:00Z")), nov19);
	CHECK_INT(tz_local_day(ms_of("2026-11-18T22:59:59Z")), nov19 - 1);
	CHECK_INT(tz_local_day(ms_of("2026-11-19T00:30:00+01:00")), nov19);
	/* Summer: 22:30 UTC is 00:30 the next day. */
	CHECK_INT(tz_local_day(ms_of("2026-07-01T22:30:00Z")), tz_days_from_civil(2026, 7, 2));
	CHECK_INT(tz_day_start_ms(nov19), ms_of("2026-11-18T23:00:00Z"));
	CHECK_INT(tz_day_start_ms(tz_days_from_civil(2026, 7, 2)), ms_of("2026-07-01T22:00:00Z"));
	/* Before 1970 too. */
	CHECK_INT(tz_local_day(-1), -1 + 1); /* 1969-12-31T23:59:59.999Z is 00:59 on 1 Jan */
}

static void test_parse(void)
{
	int64_t v;
	CHECK_INT(ms_of("1970-01-01T00:00:01.5Z"), 1500);
	CHECK_INT(ms_of("1970-01-01T01:00:00+01:00"), 0);
	CHECK_INT(tz_parse_rfc3339("2026-02-30T00:00:00Z", 20, &v), -1);
	CHECK_INT(tz_parse_rfc3339("2026-11-19 10:15", 16, &v), -1);
	CHECK_INT(tz_parse_rfc3339("2026-11-19T10:15:00+0100", 24, &v), -1);
	CHECK_INT(tz_parse_rfc3339("2026-11-19T10:15:00Zjunk", 24, &v), -1);
	int64_t day;
	CHECK_INT(tz_parse_date("2026-11-19", &day), 0);
	CHECK_INT(day, tz_days_from_civil(2026, 11, 19));
	CHECK_INT(tz_parse_date("2026-13-01", &day), -1);
	CHECK_INT(tz_parse_date("2026-11-19x", &day), -1);
}

int main(void)
{
	RUN(test_civil_roundtrip);
	RUN(test_dst_boundaries);
	RUN(test_local_day);
	RUN(test_parse);
	return test_summary("tz");
}
