/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * words.c — numbers, dates and names for readers; see words.h. Numbers go
 * through csvout_format_num (the report's one rounding) and get their
 * thousands separators here. The German quality reasons come from two small
 * tables: the field before the colon and the rule after it, as beacon.c
 * words them.
 */
#include "words.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "tz.h"

#define NBSP "\xC2\xA0"

/* Copies the digits of src (optionally signed, optionally with a decimal part) with separators. */
static void group(char *out, size_t outlen, const char *src, char sep)
{
	size_t o = 0, digits, i = 0;

	if (outlen == 0)
		return;
	if (src[0] == '-' && o + 1 < outlen)
		out[o++] = src[i++];
	digits = strspn(src + i, "0123456789");
	for (size_t k = 0; k < digits && o + 1 < outlen; k++) {
		out[o++] = src[i + k];
		if ((digits - k - 1) % 3 == 0 && k + 1 < digits && o + 1 < outlen)
			out[o++] = sep;
	}
	i += digits;
	for (; src[i] != '\0' && o + 1 < outlen; i++)
		out[o++] = src[i];
	out[o] = '\0';
}

void words_int(char *out, size_t outlen, uint64_t v, int lang_en)
{
	char raw[32];

	snprintf(raw, sizeof raw, "%llu", (unsigned long long)v);
	group(out, outlen, raw, lang_en ? ',' : '.');
}

void words_num(char *out, size_t outlen, double v, int decimals, int lang_en)
{
	char raw[WORDS_NUM_MAX];

	csvout_format_num(raw, sizeof raw, v, decimals, !lang_en);
	group(out, outlen, raw, lang_en ? ',' : '.');
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

/* The collector's field names (beacon.c, import lines, whole requests) in German. */
static const struct {
	const char *key, *de;
} reason_fields[] = {
	{ "site", "Website-Kennung" }, { "type", "Ereignisart" }, { "url", "Seitenadresse" },
	{ "ref", "Herkunftsadresse" }, { "age", "Alter des Ereignisses" }, { "service", "Dienstkennung" },
	{ "flow", "Vorgangskennung" }, { "step", "Schrittnummer" }, { "step_name", "Schrittname" },
	{ "field", "Feldname" }, { "error", "Fehlerart" }, { "q", "Suchbegriff" },
	{ "results", "Trefferzahl" }, { "href", "Linkziel" }, { "rating", "Bewertung" },
	{ "reason", "Abbruchgrund" }, { "ms", "Verweildauer" }, { "message", "Skriptfehler-Text" },
	{ "target", "Klickziel" }, { "event", "Ereignis" }, { "body", "Anfrage" },
	{ "batch", "Sammelanfrage" }, { "line", "Importzeile" }, { "time", "Zeitpunkt" },
	{ "query", "Zählpixel-Anfrage" }, { "content type", "Inhaltsart der Anfrage" },
};

/*
 * The collector's rules in German, matched by their beginning. "%A" and
 * "%B" stand for the two numbers of "A..B" in the rule, "%N" for its first
 * number.
 */
static const struct {
	const char *prefix, *de;
} reason_rules[] = {
	{ "must be an integer >= ", "keine ganze Zahl ab %N" },
	{ "must be an integer ", "keine ganze Zahl von %A bis %B" },
	{ "must match ", "unzulässige Zeichen oder Länge" },
	{ "must be an absolute", "keine vollständige Webadresse" },
	{ "must be a string of at most", "kein Text oder länger als %N Zeichen" },
	{ "must be at most", "länger als %N Byte" },
	{ "must be valid UTF-8", "ungültige Zeichenkodierung" },
	{ "must be pageview", "beim Zählpixel sind nur Seitenaufrufe erlaubt" },
	{ "must be a JSON object or array", "kein lesbarer Inhalt" },
	{ "must be a JSON object", "kein lesbares Ereignis" },
	{ "must be an RFC 3339 time", "keine gültige Zeitangabe" },
	{ "must be text/plain", "falsche Inhaltsart" },
	{ "required", "fehlt" },
	{ "unknown event type", "unbekannte Ereignisart" },
	{ "duplicate key", "doppelt angegeben" },
	{ "more than", "zu viele Angaben (mehr als %N)" },
	{ "not a site of this collector", "Website ist beim Sammler nicht eingetragen" },
	{ "not valid JSON", "nicht lesbar" },
	{ "not UTF-8", "ungültige Zeichenkodierung" },
	{ "empty batch", "leer" },
	{ "too large", "zu groß" },
	{ "too long", "zu lang" },
	{ "larger than", "zu groß" },
	{ "no parameters", "keine Angaben" },
	{ "invalid", "nicht lesbar" },
};

/* Writes rule's German text into out, its %A, %B, %N filled from the numbers in rule. */
static void fill_rule(char *out, size_t outlen, const char *de, const char *rule)
{
	unsigned long nums[2] = { 0, 0 };
	size_t nnum = 0, o = 0;
	const char *p = rule;

	while (*p && nnum < 2) {
		if (*p >= '0' && *p <= '9') {
			char *end;

			nums[nnum++] = strtoul(p, &end, 10);
			p = end;
		} else {
			p++;
		}
	}
	for (const char *d = de; *d && o + 1 < outlen; d++) {
		if (d[0] == '%' && (d[1] == 'A' || d[1] == 'B' || d[1] == 'N')) {
			int w = snprintf(out + o, outlen - o, "%lu", nums[d[1] == 'B' ? 1 : 0]);

			if (w < 0 || (size_t)w >= outlen - o)
				break;
			o += (size_t)w;
			d++;
		} else {
			out[o++] = *d;
		}
	}
	out[o] = '\0';
}

void words_reject_reason(char *out, size_t outlen, const char *reason, int lang_en)
{
	const char *colon = strchr(reason, ':');
	const char *field = NULL, *rule;
	char ruletext[200] = "anderer Grund";
	size_t flen;

	if (lang_en || colon == NULL) {
		snprintf(out, outlen, "%s", lang_en ? reason : "anderer Grund");
		return;
	}
	flen = (size_t)(colon - reason);
	for (size_t i = 0; i < sizeof reason_fields / sizeof reason_fields[0]; i++) {
		if (strlen(reason_fields[i].key) == flen && strncmp(reason_fields[i].key, reason, flen) == 0)
			field = reason_fields[i].de;
	}
	rule = colon + 1 + strspn(colon + 1, " ");
	for (size_t i = 0; i < sizeof reason_rules / sizeof reason_rules[0]; i++) {
		if (strncmp(rule, reason_rules[i].prefix, strlen(reason_rules[i].prefix)) == 0) {
			fill_rule(ruletext, sizeof ruletext, reason_rules[i].de, rule);
			break;
		}
	}
	snprintf(out, outlen, "%s: %s", field != NULL ? field : "Angabe", ruletext);
}
