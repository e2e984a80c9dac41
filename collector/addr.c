/* SPDX-License-Identifier: EUPL-1.2 */
/* addr.c — client addresses as bytes (see addr.h). */
#include "addr.h"

#include <arpa/inet.h>
#include <string.h>

/* Longest address text, with its NUL (INET6_ADDRSTRLEN). */
#define ADDR_TEXT_MAX 46

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

size_t addr_unmap(unsigned char raw[16], size_t len)
{
	static const unsigned char v4_mapped[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };

	if (len != 16 || memcmp(raw, v4_mapped, sizeof v4_mapped) != 0)
		return len;
	memmove(raw, raw + 12, 4);
	return 4;
}

const unsigned char *addr_of_text(const char *text, size_t n, unsigned char raw[16], size_t *len)
{
	*len = addr_unmap(raw, addr_parse(text, n, raw));
	if (*len > 0)
		return raw;
	*len = n;
	return (const unsigned char *)text;
}

size_t addr_network(const unsigned char *addr, size_t len, unsigned char key[16])
{
	if (len > 16)
		len = 16;
	memcpy(key, addr, len);
	return len == 16 ? 8 : len;
}
