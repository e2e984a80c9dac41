/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_words.c — unit tests for what the report says to readers: thousands
 * separators and decimal marks, percentages, durations, dates and device
 * names.
 */
#include <math.h>

#include "../test.h"
#include "tz.h"
#include "words.h"

static char buf[256];

static const char *i_(uint64_t v, int en)
{
	words_int(buf, sizeof buf, v, en);
	return buf;
}

static const char *n_(double v, int decimals, int en)
{
	words_num(buf, sizeof buf, v, decimals, en);
	return buf;
}

static void test_thousands(void)
{
	/* words_int is csvout_format_count (tested in test_csvout); the decimals are words_num's own. */
	CHECK_STR(i_(1234567, 1), "1,234,567");
	CHECK_STR(n_(12345.678, 1, 0), "12.345,7");
	CHECK_STR(n_(12345.678, 1, 1), "12,345.7");
	CHECK_STR(n_(-1234.5, 0, 0), "-1.234");
	CHECK_STR(n_(-0.04, 1, 0), "0,0");
	CHECK_STR(n_(NAN, 1, 0), "");
	words_int(buf, 4, 1234567, 0); /* truncated, still terminated */
	CHECK_STR(buf, "1.2");
}

static void test_pct_duration_date(void)
{
	words_pct(buf, sizeof buf, 0.5762, 1, 0);
	CHECK_STR(buf, "57,6\xC2\xA0%");
	words_pct(buf, sizeof buf, 0.5762, 0, 1);
	CHECK_STR(buf, "58\xC2\xA0%");
	words_pct(buf, sizeof buf, NAN, 1, 0);
	CHECK_STR(buf, "");
	words_duration(buf, sizeof buf, 45.4, 0);
	CHECK_STR(buf, "45\xC2\xA0s");
	words_duration(buf, sizeof buf, 306, 0);
	CHECK_STR(buf, "5,1\xC2\xA0min");
	words_duration(buf, sizeof buf, 8280, 1);
	CHECK_STR(buf, "2.3\xC2\xA0h");
	char d[11];
	words_date(d, tz_days_from_civil(2026, 12, 4), 0);
	CHECK_STR(d, "04.12.2026");
	words_date(d, tz_days_from_civil(2026, 12, 4), 1);
	CHECK_STR(d, "2026-12-04");
}

static void test_devices(void)
{
	CHECK_STR(words_device("desktop", 0), "Computer");
	CHECK_STR(words_device("mobile", 0), "Smartphone");
	CHECK_STR(words_device("tablet", 1), "Tablet");
	CHECK_STR(words_device("unknown", 0), "unbekannt");
	CHECK_STR(words_device("unknown", 1), "unknown");
	CHECK_STR(words_device("toaster", 0), "toaster");
}

int main(void)
{
	RUN(test_thousands);
	RUN(test_pct_duration_date);
	RUN(test_devices);
	return test_summary("words");
}
