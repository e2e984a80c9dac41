/* SPDX-License-Identifier: EUPL-1.2 */
/* proxy.c — trusted proxy networks and the X-Forwarded-For walk (see proxy.h). */
#include "proxy.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"

/* Longest network text: an IPv6 address in full with an IPv4 tail, "/128". */
#define NET_TEXT_MAX 64

static int is_sep(char ch)
{
	return ch == ' ' || ch == ',' || ch == '\t';
}

/* Parses one "ADDR[/LEN]" of n bytes into net. Returns 0 or -1. */
static int parse_net(const char *s, size_t n, struct proxy_net *net)
{
	const char *slash = memchr(s, '/', n);
	size_t alen = slash ? (size_t)(slash - s) : n;
	unsigned long prefix;
	size_t len;

	memset(net, 0, sizeof *net);
	len = addr_parse(s, alen, net->addr);
	if (len == 0)
		return -1;
	prefix = len * 8;
	if (slash != NULL) {
		const char *p = slash + 1, *end = s + n;
		if (p == end || end - p > 3)
			return -1;
		prefix = 0;
		for (; p < end; p++) {
			if (*p < '0' || *p > '9')
				return -1;
			prefix = prefix * 10 + (unsigned long)(*p - '0');
		}
		if (prefix > len * 8)
			return -1;
	}
	/* An IPv4-mapped network is that IPv4 network (addresses come unmapped). */
	if (len == 16 && addr_unmap(net->addr, len) == 4) {
		if (prefix < 96)
			return -1;
		len = 4;
		prefix -= 96;
	}
	net->len = (unsigned char)len;
	net->prefix = (unsigned char)prefix;
	return 0;
}

int proxy_nets_add(struct proxy_nets *nets, const char *text, char *err, size_t errlen)
{
	const char *p = text;

	for (;;) {
		size_t n;
		while (is_sep(*p))
			p++;
		if (*p == '\0')
			return 0;
		n = strcspn(p, " ,\t");
		if (nets->n == PROXY_NETS_MAX) {
			snprintf(err, errlen, "--trust-proxy: more than %d networks", PROXY_NETS_MAX);
			return -1;
		}
		if (n >= NET_TEXT_MAX || parse_net(p, n, &nets->net[nets->n]) != 0) {
			snprintf(err, errlen, "--trust-proxy: '%.*s' is not an address or ADDR/LEN network",
			         (int)(n > NET_TEXT_MAX ? NET_TEXT_MAX : n), p);
			return -1;
		}
		nets->n++;
		p += n;
	}
}

static int in_net(const struct proxy_net *net, const unsigned char *addr, size_t len)
{
	size_t whole = net->prefix / 8;
	unsigned bits = net->prefix % 8;

	if (len != net->len)
		return 0;
	if (memcmp(net->addr, addr, whole) != 0)
		return 0;
	if (bits == 0)
		return 1;
	unsigned char mask = (unsigned char)(0xff << (8 - bits));
	return (net->addr[whole] & mask) == (addr[whole] & mask);
}

int proxy_trusted(const struct proxy_nets *nets, const unsigned char *addr, size_t len)
{
	for (size_t i = 0; i < nets->n; i++)
		if (in_net(&nets->net[i], addr, len))
			return 1;
	return 0;
}

/*
 * One X-Forwarded-For entry (s, n bytes, trimmed) as a canonical address in
 * out: "a.b.c.d", "a.b.c.d:port", "v6", "[v6]" or "[v6]:port". Returns its
 * length, or 0 when it is no address.
 */
static size_t parse_entry(const char *s, size_t n, unsigned char out[16])
{
	size_t len;

	if (n > 0 && s[0] == '[') {
		const char *close = memchr(s, ']', n);
		if (close == NULL)
			return 0;
		len = addr_parse(s + 1, (size_t)(close - s - 1), out);
		if (len != 16)
			return 0;
	} else {
		const char *colon = memchr(s, ':', n);
		len = addr_parse(s, n, out);
		/* One colon: "a.b.c.d:port" (an IPv6 address has at least two). */
		if (len == 0 && colon != NULL && memchr(colon + 1, ':', (size_t)(s + n - colon - 1)) == NULL)
			len = addr_parse(s, (size_t)(colon - s), out) == 4 ? 4 : 0;
	}
	return addr_unmap(out, len);
}

size_t proxy_client(const struct proxy_nets *nets, const unsigned char *peer, size_t peer_len,
                    const char *const *values, const size_t *lens, size_t n, unsigned char out[16])
{
	size_t client_len;

	assert(peer_len <= 16);
	memcpy(out, peer, peer_len);
	client_len = peer_len;
	if (nets->n == 0 || !proxy_trusted(nets, peer, peer_len))
		return client_len;
	/* From the last field line's last entry leftwards, while the hop is trusted. */
	for (size_t line = n; line-- > 0;) {
		const char *v = values[line];
		size_t end = lens[line];
		while (end > 0) {
			size_t start = end;
			while (start > 0 && v[start - 1] != ',')
				start--;
			size_t a = start, b = end;
			while (a < b && (v[a] == ' ' || v[a] == '\t'))
				a++;
			while (b > a && (v[b - 1] == ' ' || v[b - 1] == '\t'))
				b--;
			end = start > 0 ? start - 1 : 0;
			if (a == b)
				continue; /* an empty list member */
			unsigned char hop[16];
			size_t hop_len = parse_entry(v + a, b - a, hop);
			if (hop_len == 0)
				return client_len;
			memcpy(out, hop, hop_len);
			client_len = hop_len;
			if (!proxy_trusted(nets, hop, hop_len))
				return client_len;
		}
	}
	return client_len;
}
