/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * proxy.h — --trust-proxy: the networks of the reverse proxies in front of
 * the collector, and the client an X-Forwarded-For chain names. The chain is
 * walked from the right (the entry the nearest proxy appended) past every
 * address inside a trusted network; the first address outside is the
 * client. Only a peer inside a trusted network is believed at all. Pure
 * functions of bytes (fuzzed by tests/fuzz/fuzz_proxy.c); knows nothing of
 * HTTP libraries.
 */
#ifndef LOTSE_PROXY_H
#define LOTSE_PROXY_H

#include <stddef.h>

#define PROXY_NETS_MAX 64

/* One network: an address (4 or 16 bytes, canonical: see addr_unmap) and its prefix length. */
struct proxy_net {
	unsigned char addr[16];
	unsigned char len;
	unsigned char prefix;
};

/* The trusted networks; n == 0: X-Forwarded-For is ignored. */
struct proxy_nets {
	size_t n;
	struct proxy_net net[PROXY_NETS_MAX];
};

/*
 * Adds the networks of text ("CIDR[ ,CIDR]…": separated by spaces and/or
 * commas; "ADDR/LEN", or an address alone for one host; IPv4 and IPv6; an
 * IPv4-mapped IPv6 network counts as its IPv4 network) to nets. Returns 0, or
 * -1 with err naming the entry that is no network (nets then holds the
 * entries before it) or saying that there are more than PROXY_NETS_MAX.
 */
int proxy_nets_add(struct proxy_nets *nets, const char *text, char *err, size_t errlen);

/* Returns 1 when addr (len bytes, canonical) lies in one of the networks. */
int proxy_trusted(const struct proxy_nets *nets, const unsigned char *addr, size_t len);

/*
 * The client of a request from peer (peer_len bytes, canonical) that carried
 * the X-Forwarded-For field lines values[0..n) (in the order received; each
 * lens[i] bytes; a list of addresses, each optionally with a port:
 * "203.0.113.7", "203.0.113.7:4711", "2001:db8::1", "[2001:db8::1]:4711").
 * Without trusted networks, or from an untrusted peer, the client is the
 * peer. Otherwise the entries are walked from the right past trusted
 * addresses: the first untrusted address is the client; when all are
 * trusted, the leftmost; an entry that is no address ends the walk, and the
 * client is the last trusted hop (whom it cannot be told from). Writes the
 * client's address (canonical) to out and returns its length.
 */
size_t proxy_client(const struct proxy_nets *nets, const unsigned char *peer, size_t peer_len,
                    const char *const *values, const size_t *lens, size_t n, unsigned char out[16]);

#endif
