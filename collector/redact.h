/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * redact.h — rules 1–6 of PROTOCOL.md "Redaction" on text that fold.h has
 * already folded: e-mail addresses, IBANs, dates, phone numbers, digit
 * groups and mixed identifiers, found in that order. Letters match in either
 * case. Pure functions on bytes; they know nothing of fields, URLs or JSON.
 * What the rules deliberately catch and miss is written down in redact.c.
 */
#ifndef LOTSE_REDACT_H
#define LOTSE_REDACT_H

#include <stddef.h>

/*
 * No replacement is longer than 6/5 of what it replaces ("12345" → "[zahl]"
 * is the largest ratio), so redact_text's output is at most this many bytes.
 */
#define REDACT_BOUND(len) ((len) + (len) / 5 + 1)

/*
 * Replaces, in this order, e-mail addresses by "[email]", IBANs by "[iban]",
 * dates by "[datum]", phone numbers by "[tel]", digit groups of 5 or more
 * digits by "[zahl]" and mixed identifiers by "[id]" in s (n bytes, folded)
 * and writes the result to out (cap bytes, NUL-terminated). Returns 0, or -1
 * when it does not fit (then out is unspecified).
 */
int redact_text(const char *s, size_t n, char *out, size_t cap);

/* Does any of rules 1–6 find something in s (n bytes, folded)? */
int redact_finds(const char *s, size_t n);

/*
 * Is all of s (n bytes, not folded) one IBAN that passes the ISO 13616
 * mod-97 check, with rule 2's separators (space . - +) between characters?
 */
int redact_is_iban(const char *s, size_t n);

#endif
