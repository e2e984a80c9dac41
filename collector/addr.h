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

/* Writes the 4-byte IPv4 address at raw into out (at least ADDR_TEXT_MAX bytes). */
void addr_format4(const unsigned char raw[4], char *out);

/* Writes the 16-byte IPv6 address at raw into out (at least ADDR_TEXT_MAX bytes). */
void addr_format6(const unsigned char raw[16], char *out);

#endif
