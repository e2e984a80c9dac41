/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_proxy.c — libFuzzer target for --trust-proxy (collector/proxy.c):
 * the input's first line is a network list for proxy_nets_add, the other
 * lines are X-Forwarded-For field lines for proxy_client from the peer
 * 127.0.0.1 and from ::1. The client is an address of 4 or 16 bytes, the
 * peer itself when the peer is not trusted, and a trusted address only when
 * every hop was (the walk ends at the first untrusted one).
 */
#include <stdint.h>
#include <string.h>

#include "invariants.h"
#include "proxy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LINES_MAX 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned char v4_peer[4] = { 127, 0, 0, 1 };
	static const unsigned char v6_peer[16] = { [15] = 1 };
	char text[512];
	struct proxy_nets nets;
	const char *lines[LINES_MAX];
	size_t lens[LINES_MAX], n = 0;
	unsigned char out[16];
	char err[256];
	size_t first = 0;

	while (first < size && data[first] != '\n')
		first++;
	if (first >= sizeof text)
		return 0;
	memcpy(text, data, first);
	text[first] = '\0';
	memset(&nets, 0, sizeof nets);
	if (proxy_nets_add(&nets, text, err, sizeof err) != 0)
		REQUIRE(strncmp(err, "--trust-proxy: ", 15) == 0);
	REQUIRE(nets.n <= PROXY_NETS_MAX);
	for (size_t at = first + 1; at < size && n < LINES_MAX;) {
		const char *line = (const char *)data + at;
		const char *nl = memchr(line, '\n', size - at);
		size_t len = nl ? (size_t)(nl - line) : size - at;
		lines[n] = line;
		lens[n++] = len;
		at += len + 1;
	}
	for (int v6 = 0; v6 < 2; v6++) {
		const unsigned char *peer = v6 ? v6_peer : v4_peer;
		size_t peer_len = v6 ? 16 : 4;
		size_t len = proxy_client(&nets, peer, peer_len, lines, lens, n, out);
		REQUIRE(len == 4 || len == 16);
		if (!proxy_trusted(&nets, peer, peer_len))
			REQUIRE(len == peer_len && memcmp(out, peer, len) == 0);
	}
	return 0;
}
