/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * addr.h — a client's address as the bytes the rate limit and the visit key
 * use: parsed from text (X-Forwarded-For, --import) and made canonical, so
 * that one address counts once however it was spelt or carried.
 */
#ifndef LOTSE_ADDR_H
#define LOTSE_ADDR_H

#include <stddef.h>

/*
 * Parses text (n bytes: a dotted quad or an IPv6 address, as inet_pton reads
 * them) into raw. Returns the address's length, 4 or 16, or 0 when text is
 * no address.
 */
size_t addr_parse(const char *text, size_t n, unsigned char raw[16]);

/*
 * One client, one address: an IPv4-mapped IPv6 address (::ffff:a.b.c.d, as
 * a dual-stack socket or a proxy may give it) becomes its IPv4 address,
 * moved to the start of raw. Returns the address's length (len otherwise).
 */
size_t addr_unmap(unsigned char raw[16], size_t len);

/*
 * The bytes that stand for a client given as text of n bytes (an --import
 * line's "client"): its address, parsed and unmapped into raw, as the server
 * has it however the text spelt it; the text itself when it is no address.
 * Sets *len and returns the bytes (raw or text).
 */
const unsigned char *addr_of_text(const char *text, size_t n, unsigned char raw[16], size_t *len);

/*
 * The part of a canonical address (len bytes) that one client cannot change
 * at will, copied to key: all of an IPv4 address, the /64 of an IPv6 one (a
 * subscriber gets a whole /64 and may pick any address in it). The rate
 * limit and the connection limits count by it. Returns the key's length
 * (at most 16: longer input is cut).
 */
size_t addr_network(const unsigned char *addr, size_t len, unsigned char key[16]);

#endif
