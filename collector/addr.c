/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * addr.c — the algorithm of BIND's and glibc's inet_ntop, with the digits
 * written by hand. tests/unit/test_collector_units.c compares it with the
 * C library's inet_ntop on special and on a million random addresses.
 */
#include "addr.h"

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

static char *put_dec(char *p, unsigned v)
{
	if (v >= 100)
		*p++ = (char)('0' + v / 100);
	if (v >= 10)
		*p++ = (char)('0' + v / 10 % 10);
	*p++ = (char)('0' + v % 10);
	return p;
}

static char *put_quad(char *p, const unsigned char *raw)
{
	for (int i = 0; i < 4; i++) {
		if (i > 0)
			*p++ = '.';
		p = put_dec(p, raw[i]);
	}
	return p;
}

static void addr_format4(const unsigned char raw[4], char *out)
{
	*put_quad(out, raw) = '\0';
}

static char *put_hex(char *p, unsigned v)
{
	static const char digits[] = "0123456789abcdef";
	int shift = 12;

	while (shift > 0 && (v >> shift) == 0)
		shift -= 4;
	for (; shift >= 0; shift -= 4)
		*p++ = digits[(v >> shift) & 0xf];
	return p;
}

static void addr_format6(const unsigned char raw[16], char *out)
{
	unsigned words[8];
	int best_base = -1, best_len = 0, cur_base = -1, cur_len = 0;
	char *p = out;

	for (int i = 0; i < 8; i++)
		words[i] = (unsigned)raw[2 * i] << 8 | raw[2 * i + 1];
	/* The longest run of zero groups (the first of equals), if at least two long. */
	for (int i = 0; i < 8; i++) {
		if (words[i] == 0) {
			if (cur_base == -1) {
				cur_base = i;
				cur_len = 1;
			} else {
				cur_len++;
			}
		} else if (cur_base != -1) {
			if (best_base == -1 || cur_len > best_len) {
				best_base = cur_base;
				best_len = cur_len;
			}
			cur_base = -1;
		}
	}
	if (cur_base != -1 && (best_base == -1 || cur_len > best_len)) {
		best_base = cur_base;
		best_len = cur_len;
	}
	if (best_base != -1 && best_len < 2)
		best_base = -1;
	for (int i = 0; i < 8; i++) {
		if (best_base != -1 && i >= best_base && i < best_base + best_len) {
			if (i == best_base)
				*p++ = ':';
			continue;
		}
		if (i != 0)
			*p++ = ':';
		/* IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d) addresses. */
		if (i == 6 && best_base == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff))) {
			p = put_quad(p, raw + 12);
			*p = '\0';
			return;
		}
		p = put_hex(p, words[i]);
	}
	if (best_base != -1 && best_base + best_len == 8)
		*p++ = ':';
	*p = '\0';
}

void addr_format(const unsigned char *raw, size_t len, char out[ADDR_TEXT_MAX])
{
	if (len == 4)
		addr_format4(raw, out);
	else if (len == 16)
		addr_format6(raw, out);
	else
		out[0] = '\0';
}

size_t addr_parse(const char *text, size_t n, unsigned char raw[16])
{
	char tmp[ADDR_TEXT_MAX];

	if (n >= sizeof tmp)
		return 0;
	memcpy(tmp, text, n);
	tmp[n] = '\0';
	if (inet_pton(AF_INET, tmp, raw) == 1)
		return 4;
	if (inet_pton(AF_INET6, tmp, raw) == 1)
		return 16;
	return 0;
}
