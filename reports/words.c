/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * words.c — numbers, dates and names for readers; see words.h. Numbers go
 * through csvout_format_num (the report's one rounding) and
 * csvout_format_count (its one thousands separator).
 */
#include "words.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "tz.h"

#define NBSP "\xC2\xA0"

void words_int(char *out, size_t outlen, uint64_t v, int lang_en)
{
	csvout_format_count(out, outlen, v, !lang_en);
}

void words_num(char *out, size_t outlen, double v, int decimals, int lang_en)
{
	char raw[WORDS_NUM_MAX], whole[WORDS_NUM_MAX];
	const char *digits, *frac;

	csvout_format_num(raw, sizeof raw, v, decimals, !lang_en);
	if (raw[0] == '\0' || strlen(raw) > 20) {
		snprintf(out, outlen, "%s", raw); /* empty for NaN; beyond 10^19 without separators */
		return;
	}
	digits = raw[0] == '-' ? raw + 1 : raw;
	frac = digits + strspn(digits, "0123456789");
	words_int(whole, sizeof whole, strtoull(digits, NULL, 10), lang_en);
	snprintf(out, outlen, "%s%s%s", raw[0] == '-' ? "-" : "", whole, frac);
}

void words_pct(char *out, size_t outlen, double share, int decimals, int lang_en)
{
	char n[WORDS_NUM_MAX];

	if (isnan(share) || isinf(share)) {
		out[0] = '\0';
		return;
	}
	words_num(n, sizeof n, share * 100.0, decimals, lang_en);
	snprintf(out, outlen, "%s" NBSP "%%", n);
}

void words_duration(char *out, size_t outlen, double s, int lang_en)
{
	char n[WORDS_NUM_MAX];

	if (isnan(s) || isinf(s)) {
		out[0] = '\0';
		return;
	}
	if (s < 90) {
		words_num(n, sizeof n, s, 0, lang_en);
		snprintf(out, outlen, "%s" NBSP "s", n);
	} else if (s < 5400) {
		words_num(n, sizeof n, s / 60.0, 1, lang_en);
		snprintf(out, outlen, "%s" NBSP "min", n);
	} else {
		words_num(n, sizeof n, s / 3600.0, 1, lang_en);
		snprintf(out, outlen, "%s" NBSP "h", n);
	}
}

void words_date(char out[11], int64_t day, int lang_en)
{
	int64_t y;
	unsigned m, d;

	tz_civil_from_days(day, &y, &m, &d);
	if (lang_en)
		snprintf(out, 11, "%04d-%02u-%02u", (int)y, m, d);
	else
		snprintf(out, 11, "%02u.%02u.%04d", d, m, (int)y);
}

const char *words_device(const char *device, int lang_en)
{
	if (strcmp(device, "desktop") == 0)
		return "Computer";
	if (strcmp(device, "mobile") == 0)
		return "Smartphone";
	if (strcmp(device, "tablet") == 0)
		return "Tablet";
	if (strcmp(device, "unknown") == 0)
		return lang_en ? "unknown" : "unbekannt";
	return device;
}
