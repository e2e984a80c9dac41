/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * csvout.h — writes one CSV file cell by cell in one of two dialects: excel
 * (';', decimal comma, UTF-8 BOM, CRLF, formula guard on text) for German
 * spreadsheets, or rfc4180 (',', decimal point, no BOM, CRLF). Quoting is
 * libcsv's csv_fwrite. It knows nothing of the report's columns
 * (csvfiles.c does).
 */
#ifndef LOTSE_CSVOUT_H
#define LOTSE_CSVOUT_H

#include <stdint.h>
#include <stdio.h>

enum csv_dialect { CSV_EXCEL, CSV_RFC4180 };

struct csvout {
	FILE *f;
	enum csv_dialect dialect;
	int at_row_start;
};

/*
 * Creates dir/name and writes the BOM (excel). Returns 0, or -1 with a reason
 * in err. On success csvout_close must follow.
 */
int csvout_open(struct csvout *c, const char *dir, const char *name, enum csv_dialect dialect,
                char *err, size_t errlen);

/*
 * Writes a text cell. In the excel dialect a cell beginning with =, +, -, @,
 * tab or CR gets a leading ' so that no spreadsheet runs it as a formula.
 * NULL writes an empty cell.
 */
void csvout_text(struct csvout *c, const char *s);

/* Writes an unsigned integer cell. */
void csvout_uint(struct csvout *c, uint64_t v);

/* Writes v with the given decimals (comma in excel); NAN or inf writes an empty cell. */
void csvout_num(struct csvout *c, double v, int decimals);

/* Writes an empty cell. */
void csvout_empty(struct csvout *c);

/* Ends the row with CRLF. */
void csvout_end_row(struct csvout *c);

/* Writes a header row from a NULL-terminated list of column names. */
void csvout_header(struct csvout *c, const char *const *cols);

/* Flushes and closes. Returns 0, or -1 with err set when any write failed. */
int csvout_close(struct csvout *c, const char *name, char *err, size_t errlen);

/*
 * Formats v with decimals into out, with a decimal comma when comma is set;
 * "" for NaN and infinities, never "-0.0". The report's one number format:
 * CSV cells, the HTML and the problem texts.
 */
void csvout_format_num(char *out, size_t outlen, double v, int decimals, int comma);

/*
 * Formats a count with thousands separators into out: "12.345" (german set,
 * as the German sentences and HTML write it) or "12,345". CSV cells keep
 * plain digits (csvout_uint).
 */
void csvout_format_count(char *out, size_t outlen, uint64_t v, int german);

#endif
