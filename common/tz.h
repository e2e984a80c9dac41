/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * tz.h — calendar arithmetic for Lotse's one time zone, Europe/Berlin (CET/CEST
 * under the EU rule in force since 1996: summer time from the last Sunday of
 * March, 01:00 UTC, to the last Sunday of October, 01:00 UTC). Pure functions,
 * no tzdata, no TZ variable, thread-safe. Days are counted from 1970-01-01.
 */
#ifndef LOTSE_TZ_H
#define LOTSE_TZ_H

#include <stdint.h>

/* Returns Berlin's offset from UTC in seconds (3600 or 7200) at utc_s. */
int tz_berlin_offset_s(int64_t utc_s);

/* Returns the Berlin local day (days since 1970-01-01) of a UTC time in ms. */
int64_t tz_local_day(int64_t utc_ms);

/* Returns the UTC ms of Berlin's local midnight that starts day. */
int64_t tz_day_start_ms(int64_t day);

/* Converts between day numbers and proleptic Gregorian dates. */
int64_t tz_days_from_civil(int64_t y, unsigned m, unsigned d);
void tz_civil_from_days(int64_t day, int64_t *y, unsigned *m, unsigned *d);

/*
 * Parses "YYYY-MM-DD" (exactly) into *day. Returns 0, or -1 when s is not a
 * valid date.
 */
int tz_parse_date(const char *s, int64_t *day);

/* Writes day as "YYYY-MM-DD" into out (at least 11 bytes). */
void tz_format_day(int64_t day, char out[11]);

/*
 * Parses an RFC 3339 time of n bytes ("2026-11-19T10:15:00+01:00", "…Z",
 * optional fraction of a second) into UTC ms. Returns 0, or -1 when malformed.
 */
int tz_parse_rfc3339(const char *s, unsigned long n, int64_t *utc_ms);

#endif
