/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fold.h — the folding step of PROTOCOL.md "Redaction": text as it will be
 * checked for personal data. Compatibility forms become ASCII where one
 * exists (full-width, small and mathematical letters and digits, "＠"), every
 * dash "-", every space " ", format characters (soft hyphen, zero-width
 * characters) and controls disappear, whitespace runs become one space and
 * the ends are trimmed; optionally letters are lower-cased. The table behind
 * it is generated from the Unicode Character Database (scripts/gen_fold.py).
 * It does not redact anything: that is redact.h.
 */
#ifndef LOTSE_FOLD_H
#define LOTSE_FOLD_H

#include <stddef.h>

/* Lower-case letters as well (the search query). */
#define FOLD_LOWER 1u

/*
 * No code point grows by more than this factor in bytes (the generator
 * checks it), so fold_text's output is at most FOLD_BOUND(len) bytes.
 */
#define FOLD_BOUND(len) ((len) + (len) / 2)

/*
 * Folds s (n bytes) into out (cap bytes, not NUL-terminated) and sets *out_len.
 * flags: 0 or FOLD_LOWER. s should be UTF-8; a byte that does not start a
 * valid sequence is copied as it is (decoded URL segments may hold any
 * byte). Returns 0, or -1 when the result does not fit in cap bytes.
 */
int fold_text(const char *s, size_t n, unsigned flags, char *out, size_t cap, size_t *out_len);

/* The Unicode version of the folding table, e.g. "15.0.0". */
const char *fold_unicode_version(void);

#endif
