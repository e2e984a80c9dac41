/* SPDX-License-Identifier: EUPL-1.2 */
/* tz.c — Europe/Berlin local days and RFC 3339 parsing, without tzdata. */
#include "tz.h"

#include <stdio.h>
#include <string.h>

/* Howard Hinnant's days_from_civil: exact for the proleptic Gregorian calendar. */
int64_t tz_days_from_civil(int64_t y, unsigned m, unsigned d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	unsigned yoe = (unsigned)(y - era * 400);
	unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

void tz_civil_from_days(int64_t z, int64_t *y, unsigned *m, unsigned *d)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	unsigned doe = (unsigned)(z - era * 146097);
	unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	unsigned mp = (5 * doy + 2) / 153;
	*d = doy - (153 * mp + 2) / 5 + 1;
	*m = mp < 10 ? mp + 3 : mp - 9;
	*y = (int64_t)yoe + era * 400 + (*m <= 2);
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	if ((a % b != 0) && ((a < 0) != (b < 0)))
		q--;
	return q;
}

/* Day number of the last Sunday of month m (31 days long) in year y. */
static int64_t last_sunday(int64_t y, unsigned m)
{
	int64_t last = tz_days_from_civil(y, m, 31);
	/* 1970-01-01 was a Thursday: weekday 0 = Sunday is (day + 4) mod 7. */
	int64_t wd = ((last + 4) % 7 + 7) % 7;
	return last - wd;
}

int tz_berlin_offset_s(int64_t utc_s)
{
	int64_t day = floor_div(utc_s, 86400);
	int64_t y;
	unsigned m, d;
	tz_civil_from_days(day, &y, &m, &d);
	int64_t start = last_sunday(y, 3) * 86400 + 3600;
	int64_t end = last_sunday(y, 10) * 86400 + 3600;
	return (utc_s >= start && utc_s < end) ? 7200 : 3600;
}

int64_t tz_local_day(int64_t utc_ms)
{
	int64_t s = floor_div(utc_ms, 1000);
	return floor_div(s + tz_berlin_offset_s(s), 86400);
}

int64_t tz_day_start_ms(int64_t day)
{
	/* Midnight is never inside a transition hour (they are at 02:00/03:00 local). */
	int64_t guess = day * 86400 - 3600;
	int64_t off = tz_berlin_offset_s(guess);
	return (day * 86400 - off) * 1000;
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int64_t y, unsigned m)
{
	static const int dim[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return m == 2 ? 28 + leap : dim[m - 1];
}

static int parse_ymd(const char *s, int64_t *day)
{
	int y, m, d;
	if (digits(s, 4, &y) || s[4] != '-' || digits(s + 5, 2, &m) || s[7] != '-' ||
	    digits(s + 8, 2, &d))
		return -1;
	if (m < 1 || m > 12 || d < 1 || d > days_in_month(y, (unsigned)m))
		return -1;
	*day = tz_days_from_civil(y, (unsigned)m, (unsigned)d);
	return 0;
}

int tz_parse_date(const char *s, int64_t *day)
{
	if (strlen(s) != 10)
		return -1;
	return parse_ymd(s, day);
}

void tz_format_day(int64_t day, char out[11])
{
	int64_t y;
	unsigned m, d;
	tz_civil_from_days(day, &y, &m, &d);
	if (y < 0 || y > 9999)
		y = 0;
	snprintf(out, 11, "%04d-%02u-%02u", (int)y, m, d);
}

int tz_parse_rfc3339(const char *s, unsigned long n, int64_t *utc_ms)
{
	int64_t day;
	int hh, mm, ss, ms = 0;
	unsigned long i = 19;

	if (n < 20 || parse_ymd(s, &day) || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
		return -1;
	if (digits(s + 11, 2, &hh) || s[13] != ':' || digits(s + 14, 2, &mm) ||
	    s[16] != ':' || digits(s + 17, 2, &ss))
		return -1;
	if (hh > 23 || mm > 59 || ss > 60)
		return -1;
	if (s[i] == '.') {
		int scale = 100;
		i++;
		if (i >= n || s[i] < '0' || s[i] > '9')
			return -1;
		while (i < n && s[i] >= '0' && s[i] <= '9') {
			ms += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
	}
	if (i >= n)
		return -1;
	int offset_min = 0;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n) {
		offset_min = 0;
	} else if ((s[i] == '+' || s[i] == '-') && i + 6 == n) {
		int oh, om;
		if (digits(s + i + 1, 2, &oh) || s[i + 3] != ':' || digits(s + i + 4, 2, &om) ||
		    oh > 23 || om > 59)
			return -1;
		offset_min = (oh * 60 + om) * (s[i] == '-' ? -1 : 1);
	} else {
		return -1;
	}
	int64_t secs = day * 86400 + hh * 3600 + mm * 60 + ss - (int64_t)offset_min * 60;
	*utc_ms = secs * 1000 + ms;
	return 0;
}
