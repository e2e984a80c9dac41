/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * reduce.h — the privacy reductions of PROTOCOL.md: URLs to paths with
 * identifying segments replaced by ":id", referrers to a host or a path,
 * search queries, step names and click targets folded and redacted, script
 * error messages held to "NAME" or "NAME PATH:LINE:COL". Pure string
 * functions: input bytes in, a NUL-terminated reduced string out, bounded by
 * the caller's buffer. Every function returns 0, or -1 when the input breaks
 * the rule named or the result does not fit in cap bytes (then out is
 * unspecified).
 */
#ifndef LOTSE_REDUCE_H
#define LOTSE_REDUCE_H

#include <stddef.h>

#include "fold.h"
#include "redact.h"

/* The longest URL (url, ref, href) any reduction accepts, in bytes. */
#define REDUCE_URL_MAX 2048

/*
 * The longest output of reduce_query and reduce_label for an input of len
 * bytes, NUL included: folding grows text by 3/2 at most (fold.h), redaction
 * by 6/5 (redact.h).
 */
#define REDUCE_TEXT_BOUND(len) (REDACT_BOUND(FOLD_BOUND(len)) + 1)

/*
 * url (len bytes) must be an absolute http(s) URL of at most 2048 bytes.
 * Writes its path to out (cap bytes): query, fragment and path parameters
 * (from a ';' in a segment) dropped, "/" when empty, a segment that holds
 * personal or identifying data (PROTOCOL.md "Redaction", checked
 * percent-decoded and folded) as ":id", any other segment as sent. Writes
 * its lower-cased host without port to host (host_cap bytes) unless host is
 * NULL. The output is at most twice as long as the input ("/@" → "/:id").
 */
int reduce_url(const char *url, size_t len, char *out, size_t cap, char *host, size_t host_cap);

/*
 * ref: a URL of at most 2048 bytes. Another host than page_host: that host
 * only (lower-cased, no port; an IP literal as "[ip]"); the same host: its
 * path reduced as by reduce_url.
 */
int reduce_ref(const char *ref, size_t len, const char *page_host, char *out, size_t cap);

/*
 * href: an http(s) URL of at most 2048 bytes; writes host (no port; "[ip]"
 * for an IP literal) + reduced path. Outputs of reduce_ref and reduce_href
 * are at most twice as long as the input, as reduce_url's.
 */
int reduce_href(const char *href, size_t len, char *out, size_t cap);

/*
 * url: an absolute http(s) URL (a Referer). Writes its origin,
 * "scheme://host[:port]" as sent (no user-info, path or query; an empty port
 * dropped), and returns its length; -1 when the scheme or the authority is
 * not valid or out is too small. Only they are read and checked: a path or
 * query of any length or content does not matter.
 */
int reduce_origin(const char *url, size_t len, char *out, size_t cap);

/*
 * q: at most 200 characters of UTF-8. Folds (fold.h) and lower-cases it, then
 * redacts it (redact.h: [email], [iban], [datum], [tel], [zahl], [id]).
 * The output is at most REDUCE_TEXT_BOUND(len) bytes.
 */
int reduce_query(const char *q, size_t len, char *out, size_t cap);

/* step_name, target: as reduce_query, but letters keep their case. */
int reduce_label(const char *s, size_t len, char *out, size_t cap);

/*
 * message: at most 200 characters, exactly "NAME" or "NAME PATH:LINE:COL"
 * (NAME [A-Za-z]{1,40}; PATH a path starting with '/' or an absolute
 * http(s) URL; LINE and COL 1 to 9 digits). Writes NAME, or NAME, one space,
 * PATH reduced as by reduce_url, and ":LINE:COL". -1 for any other shape.
 * The output is at most twice as long as the input, as reduce_url's.
 */
int reduce_message(const char *msg, size_t len, char *out, size_t cap);

#endif
