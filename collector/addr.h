/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * addr.h — an IP address as text, exactly as inet_ntop writes it (RFC 5952
 * style: lowercase hex, the longest run of zero groups as "::", IPv4-mapped
 * and IPv4-compatible addresses with a dotted quad), without inet_ntop's
 * sprintf per group: glibc's takes about 1 800 instructions for an IPv4 and
 * 5 700 for an IPv6 address, a tenth of what a whole beacon costs.
 */
#ifndef LOTSE_ADDR_H
#define LOTSE_ADDR_H

#include <stddef.h>

/* Longest text written, with its NUL (INET6_ADDRSTRLEN). */
#define ADDR_TEXT_MAX 46

/*
 * Parses text (n bytes: a dotted quad or an IPv6 address, as inet_pton reads
 * them) into raw. Returns the address's length, 4 or 16, or 0 when text is
 * no address.
 */
size_t addr_parse(const char *text, size_t n, unsigned char raw[16]);

/* Writes the address of len bytes (4 or 16) at raw into out; "" for other lengths. */
void addr_format(const unsigned char *raw, size_t len, char out[ADDR_TEXT_MAX]);

#endif
