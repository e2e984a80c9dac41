/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * words.h — how the report says things to its readers, in German or
 * English: whole numbers with thousands separators ("1.234" / "1,234"),
 * decimals with the language's mark, percentages, durations, dates, and the
 * plain names of devices. Pure: formats into the caller's buffers, knows no
 * HTML (page.c escapes and marks up) and computes no statistics (metrics.c
 * does). Names of sites, fields, error kinds and refusal reasons are
 * labels.h's.
 */
#ifndef LOTSE_WORDS_H
#define LOTSE_WORDS_H

#include <stddef.h>
#include <stdint.h>

/* Below this many flows or ratings a figure is uncertain and marked "wenige Daten". */
#define WORDS_FEW 10

/* Big enough for every number words_* writes. */
#define WORDS_NUM_MAX 48

/* v with thousands separators: "12.345" (de) or "12,345" (en). */
void words_int(char *out, size_t outlen, uint64_t v, int lang_en);

/*
 * v with decimals, thousands separators and the language's decimal mark
 * ("1.234,5" / "1,234.5"); "" for NaN and infinities, never "-0,0".
 */
void words_num(char *out, size_t outlen, double v, int decimals, int lang_en);

/* A share 0..1 as a percentage with decimals and a no-break space: "57,6 %"; "" for NaN. */
void words_pct(char *out, size_t outlen, double share, int decimals, int lang_en);

/*
 * A duration in seconds for reading: "45 s", "5,1 min", "2,3 h" (no-break
 * spaces); "" for NaN.
 */
void words_duration(char *out, size_t outlen, double s, int lang_en);

/* A local day (days since 1970-01-01) as "04.12.2026" (de) or "2026-12-04" (en); out has 11 bytes. */
void words_date(char out[11], int64_t day, int lang_en);

/*
 * The reader's name of a device class as the collector stores it
 * ("desktop" → "Computer", "mobile" → "Smartphone", "tablet" → "Tablet",
 * "unknown" → "unbekannt"); any other value is returned as it is. The one
 * naming of devices for tables and charts alike.
 */
const char *words_device(const char *device, int lang_en);

#endif
