/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_csvout.c — unit tests for the report's one number format
 * (csvout_format_num): decimals, the decimal comma, no negative zero.
 */
#include <math.h>

#include "../test.h"
#include "csvout.h"

static const char *num(double v, int decimals, int comma)
{
	static char buf[64];

	csvout_format_num(buf, sizeof buf, v, decimals, comma);
	return buf;
}

static void test_format_num(void)
{
	CHECK_STR(num(12.345, 1, 0), "12.3");
	CHECK_STR(num(12.345, 1, 1), "12,3");
	CHECK_STR(num(-2.5, 0, 0), "-2");
	CHECK_STR(num(-0.06, 1, 1), "-0,1");
	CHECK_STR(num(7, 0, 1), "7");
	CHECK_STR(num(NAN, 1, 0), "");
	CHECK_STR(num(INFINITY, 1, 0), "");
}

static void test_format_count(void)
{
	char b[32];

	csvout_format_count(b, sizeof b, 0, 1);
	CHECK_STR(b, "0");
	csvout_format_count(b, sizeof b, 999, 1);
	CHECK_STR(b, "999");
	csvout_format_count(b, sizeof b, 1000, 1);
	CHECK_STR(b, "1.000");
	csvout_format_count(b, sizeof b, 1234567, 1);
	CHECK_STR(b, "1.234.567");
	csvout_format_count(b, sizeof b, 1234567, 0);
	CHECK_STR(b, "1,234,567");
	csvout_format_count(b, sizeof b, 18446744073709551615ull, 1);
	CHECK_STR(b, "18.446.744.073.709.551.615");
	csvout_format_count(b, 5, 1234567, 1); /* cut, still terminated */
	CHECK_STR(b, "1.23");
}

static void test_no_negative_zero(void)
{
	CHECK_STR(num(-0.0, 1, 0), "0.0");
	CHECK_STR(num(-0.04, 1, 0), "0.0");
	CHECK_STR(num(-0.04, 1, 1), "0,0");
	CHECK_STR(num(-0.4, 0, 0), "0");
	CHECK_STR(num(-0.004, 2, 1), "0,00");
}

int main(void)
{
	RUN(test_format_num);
	RUN(test_format_count);
	RUN(test_no_negative_zero);
	return test_summary("csvout");
}
