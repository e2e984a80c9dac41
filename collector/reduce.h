/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reduce.h — the privacy reductions of PROTOCOL.md: URLs to paths with
 * identifiers replaced by ":id", referrers to a host or a path, search queries
 * and script error messages redacted. Pure string functions: input bytes in,
 * a NUL-terminated reduced string out, bounded by the caller's buffer.
 * Every function returns 0, or -1 when the input breaks the rule named or
 * the result does not fit in cap bytes (then out is unspecified).
 */
#ifndef LOTSE_REDUCE_H
#define LOTSE_REDUCE_H

#include <stddef.h>

/* The longest URL (url, ref, href) any reduction accepts, in bytes. */
#define REDUCE_URL_MAX 2048

/*
 * url (len bytes) must be an absolute http(s) URL of at most 2048 bytes.
 * Writes its path (query and fragment dropped, "/" when empty; a segment with
 * a run of >= 5 digits, a UUID or an '@' becomes ":id") to out (cap bytes),
 * and its lower-cased host without port to host (host_cap bytes) unless host is NULL.
 */
int reduce_url(const char *url, size_t len, char *out, size_t cap, char *host, size_t host_cap);

/*
 * ref: a URL of at most 2048 bytes. Another host than page_host: that host
 * only (no port); the same host: its path reduced as by reduce_url.
 */
int reduce_ref(const char *ref, size_t len, const char *page_host, char *out, size_t cap);

/* href: a URL of at most 2048 bytes; writes host (no port) + reduced path. */
int reduce_href(const char *href, size_t len, char *out, size_t cap);

/*
 * url: an absolute http(s) URL (a Referer). Writes its origin,
 * "scheme://host[:port]" as sent (no user-info, path or query; an empty port
 * dropped), and returns its length; -1 when the scheme or the authority is
 * not valid or out is too small. Only they are read and checked: a path or
 * query of any length or content does not matter.
 */
int reduce_origin(const char *url, size_t len, char *out, size_t cap);

/* Copies text (len bytes) to out (cap bytes) without control characters. Returns 0, or -1 when it does not fit. */
int reduce_text(const char *s, size_t len, char *out, size_t cap);

/*
 * q: at most 200 characters of UTF-8. Lower-cases, folds whitespace, then
 * replaces e-mail addresses by [email], IBANs by [iban], phone numbers by
 * [tel] and remaining runs of >= 5 digits by [zahl], in that order.
 */
int reduce_query(const char *q, size_t len, char *out, size_t cap);

/* message: at most 200 characters; digit runs and quoted strings redacted. */
int reduce_message(const char *msg, size_t len, char *out, size_t cap);

#endif
