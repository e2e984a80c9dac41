/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_hardening_units.c — unit tests for limits that an attacker would try
 * to slip past and that an integration test on loopback cannot reach: the
 * rate limiter's notion of one client for IPv6 (a /64) and for IPv4-mapped
 * IPv6 addresses.
 */
#include <string.h>

#include "../test.h"
#include "ratelimit.h"

/* Rotating addresses inside one /64 shares one bucket. */
static void test_ipv6_limited_per_64(void)
{
	struct ratelimit *rl = NULL;
	unsigned char a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	unsigned allowed = 0, retry = 0;

	CHECK_INT(ratelimit_new(5, &rl), 0);
	for (unsigned i = 0; i < 100; i++) {
		a[15] = (unsigned char)i;  /* a new interface id per request */
		a[12] = (unsigned char)(i * 7);
		allowed += (unsigned)ratelimit_allow(rl, a, 16, 1000, &retry);
	}
	CHECK_INT(allowed, 10); /* the burst of 2N, not 100 */
	CHECK(retry >= 1);
	a[7] = 2; /* another /64: its own bucket */
	CHECK_INT(ratelimit_allow(rl, a, 16, 1000, NULL), 1);
	ratelimit_free(rl);
}

/* An IPv4-mapped IPv6 address is its IPv4 address: not one /64 for all of IPv4. */
static void test_ipv4_mapped_is_ipv4(void)
{
	struct ratelimit *rl = NULL;
	unsigned char m[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 203, 0, 113, 7 };
	unsigned char v4[4] = { 203, 0, 113, 7 };
	unsigned allowed = 0;

	CHECK_INT(ratelimit_new(1, &rl), 0);
	for (unsigned i = 0; i < 2; i++)
		allowed += (unsigned)ratelimit_allow(rl, m, 16, 1000, NULL);
	CHECK_INT(allowed, 2);
	CHECK_INT(ratelimit_allow(rl, v4, 4, 1000, NULL), 0); /* the same client */
	m[15] = 8; /* a neighbour in IPv4 is another client */
	CHECK_INT(ratelimit_allow(rl, m, 16, 1000, NULL), 1);
	ratelimit_free(rl);
}

int main(void)
{
	RUN(test_ipv6_limited_per_64);
	RUN(test_ipv4_mapped_is_ipv4);
	return test_summary("hardening_units");
}
