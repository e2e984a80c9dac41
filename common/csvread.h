/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * csvread.h — reads a small configuration CSV file (sites, service catalogue)
 * with libcsv and hands each row to a callback together with its line number,
 * so that errors can name file and line. A header row is passed on like any
 * other row; the callback decides. Bounded: at most CSVREAD_MAX_FIELDS fields
 * per row and CSVREAD_MAX_FIELD bytes per field. Not for large data files.
 */
#ifndef LOTSE_CSVREAD_H
#define LOTSE_CSVREAD_H

#include <stddef.h>

#define CSVREAD_MAX_FIELDS 16
#define CSVREAD_MAX_FIELD 4096

/*
 * Called once per row: fields[0..n-1] are NUL-terminated and valid only
 * during the call; line is the 1-based line on which the row ends. Returns 0
 * to go on, or -1 after writing a reason (without file and line) to err.
 */
typedef int (*csvread_row_fn)(void *ctx, char **fields, size_t n, unsigned line, char *err,
                              size_t errlen);

/*
 * Reads path row by row. Returns 0, or -1 with err set to "PATH:LINE: reason"
 * (or "PATH: reason" when the file cannot be read). Blank lines are skipped.
 */
int csvread_file(const char *path, csvread_row_fn fn, void *ctx, char *err, size_t errlen);

#endif
