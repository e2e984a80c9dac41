/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_proxy.c — unit tests of --trust-proxy (collector/proxy.c): network
 * lists as operators write them, prefix matching of IPv4 and IPv6, and the
 * X-Forwarded-For walk from the right as chained proxies write the header,
 * including what a client could forge in front of it.
 */
#include <string.h>

#include "../test.h"
#include "addr.h"
#include "proxy.h"

static size_t ip(const char *text, unsigned char raw[16])
{
	return addr_unmap(raw, addr_parse(text, strlen(text), raw));
}

static struct proxy_nets nets_of(const char *text)
{
	struct proxy_nets nets;
	char err[128];

	memset(&nets, 0, sizeof nets);
	CHECK_INT(proxy_nets_add(&nets, text, err, sizeof err), 0);
	return nets;
}

static int trusted(const struct proxy_nets *nets, const char *addr)
{
	unsigned char raw[16];
	size_t n = ip(addr, raw);

	return proxy_trusted(nets, raw, n);
}

/* The client of a request from peer with the given X-Forwarded-For lines, as text. */
static const char *client(const struct proxy_nets *nets, const char *peer, const char *const *lines, size_t n)
{
	static char text[64];
	unsigned char p[16], out[16];
	size_t lens[8];
	size_t plen = ip(peer, p);

	for (size_t i = 0; i < n; i++)
		lens[i] = strlen(lines[i]);
	size_t len = proxy_client(nets, p, plen, lines, lens, n, out);
	if (len == 4)
		snprintf(text, sizeof text, "%u.%u.%u.%u", out[0], out[1], out[2], out[3]);
	else
		snprintf(text, sizeof text, "v6:%02x%02x..%02x", out[0], out[1], out[15]);
	return text;
}

static void test_nets_parse(void)
{
	struct proxy_nets nets;
	char err[128];

	memset(&nets, 0, sizeof nets);
	CHECK_INT(proxy_nets_add(&nets, "127.0.0.1/32 ::1/128", err, sizeof err), 0);
	CHECK_INT(proxy_nets_add(&nets, "10.0.0.0/8,192.168.0.0/16 ,, 2001:db8:1::/48", err, sizeof err), 0);
	CHECK_INT(proxy_nets_add(&nets, "198.51.100.7", err, sizeof err), 0);
	CHECK_INT(proxy_nets_add(&nets, "::ffff:172.16.0.0/108", err, sizeof err), 0);
	CHECK_INT(nets.n, 7);
	CHECK(trusted(&nets, "127.0.0.1") && !trusted(&nets, "127.0.0.2"));
	CHECK(trusted(&nets, "::1"));
	CHECK(trusted(&nets, "10.200.3.4") && !trusted(&nets, "11.0.0.1"));
	CHECK(trusted(&nets, "192.168.255.255") && !trusted(&nets, "192.169.0.0"));
	CHECK(trusted(&nets, "2001:db8:1:ffff::9") && !trusted(&nets, "2001:db8:2::1"));
	CHECK(trusted(&nets, "198.51.100.7") && !trusted(&nets, "198.51.100.8"));
	CHECK(trusted(&nets, "172.31.0.1") && !trusted(&nets, "172.32.0.1"));
	CHECK(trusted(&nets, "::ffff:10.1.2.3")); /* a mapped address is its IPv4 address */
	static const char *const bad[] = { "localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/", "10.0.0.0/8x",
		                           "1.2.3", "--rate-limit", "10.0.0.0/-1", "::ffff:1.2.3.4/95" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		memset(&nets, 0, sizeof nets);
		CHECK_INT(proxy_nets_add(&nets, bad[i], err, sizeof err), -1);
		CHECK(strstr(err, "--trust-proxy: '") != NULL);
	}
	memset(&nets, 0, sizeof nets);
	for (int i = 0; i < PROXY_NETS_MAX; i++)
		CHECK_INT(proxy_nets_add(&nets, "10.0.0.1", err, sizeof err), 0);
	CHECK_INT(proxy_nets_add(&nets, "10.0.0.1", err, sizeof err), -1);
}

static void test_forwarded_for_walk(void)
{
	struct proxy_nets nets = nets_of("127.0.0.0/8 10.0.0.0/8");
	struct proxy_nets none;
	const char *chain[] = { "203.0.113.7, 10.1.1.1" };

	memset(&none, 0, sizeof none);
	/* Without --trust-proxy, or from an untrusted peer: the peer. */
	CHECK_STR(client(&none, "127.0.0.1", chain, 1), "127.0.0.1");
	CHECK_STR(client(&nets, "198.51.100.1", chain, 1), "198.51.100.1");
	/* Two proxies: the outer appended the client, ours the outer proxy. */
	CHECK_STR(client(&nets, "127.0.0.1", chain, 1), "203.0.113.7");
	/* Whatever the client wrote itself stays left of what it cannot forge. */
	const char *forged[] = { "1.2.3.4, 203.0.113.7, 10.1.1.1" };
	CHECK_STR(client(&nets, "127.0.0.1", forged, 1), "203.0.113.7");
	const char *trusted_forged[] = { "10.9.9.9, 203.0.113.7, 10.1.1.1" };
	CHECK_STR(client(&nets, "127.0.0.1", trusted_forged, 1), "203.0.113.7");
	/* Several field lines are one list, in order. */
	const char *lines[] = { "1.2.3.4, 203.0.113.9", "10.1.1.1" };
	CHECK_STR(client(&nets, "127.0.0.1", lines, 2), "203.0.113.9");
	/* All trusted: the leftmost. */
	const char *inner[] = { "10.3.3.3, 10.1.1.1" };
	CHECK_STR(client(&nets, "127.0.0.1", inner, 1), "10.3.3.3");
	/* Ports and brackets, IPv6, mapped addresses. */
	const char *ports[] = { "203.0.113.7:4711, [2001:db8::1]:443" };
	CHECK_STR(client(&nets, "127.0.0.1", ports, 1), "v6:2001..01");
	const char *mapped[] = { "::ffff:203.0.113.7" };
	CHECK_STR(client(&nets, "127.0.0.1", mapped, 1), "203.0.113.7");
	/* Garbage ends the walk at the last trusted hop; empty members are skipped. */
	const char *garbage[] = { "203.0.113.7, unknown, 10.1.1.1" };
	CHECK_STR(client(&nets, "127.0.0.1", garbage, 1), "10.1.1.1");
	const char *empty[] = { " , 203.0.113.7,, " };
	CHECK_STR(client(&nets, "127.0.0.1", empty, 1), "203.0.113.7");
	const char *only_garbage[] = { "x" };
	CHECK_STR(client(&nets, "127.0.0.1", only_garbage, 1), "127.0.0.1");
}

int main(void)
{
	RUN(test_nets_parse);
	RUN(test_forwarded_for_walk);
	return test_summary("proxy");
}
