/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_pixel.c — libFuzzer target for beacon_parse_pixel: the input is a raw
 * query string, split on '&' and '=' and percent-decoded as the HTTP layer
 * would ('+' as space; a decoded NUL ends the C string). The result must be
 * exactly one pageview or one reject. It does not test the HTTP layer.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ascii.h"
#include "beacon.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define MAX_PARAMS 16

/* Decodes s[0..n) into out (n + 1 bytes) in place of the HTTP layer. */
static void percent_decode(const char *s, size_t n, char *out)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '%' && i + 2 < n && ascii_hex_value((unsigned char)s[i + 1]) >= 0 && ascii_hex_value((unsigned char)s[i + 2]) >= 0) {
			out[o++] = (char)(ascii_hex_value((unsigned char)s[i + 1]) * 16 + ascii_hex_value((unsigned char)s[i + 2]));
			i += 2;
		} else if (s[i] == '+') {
			out[o++] = ' ';
		} else {
			out[o++] = s[i];
		}
	}
	out[o] = '\0';
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct beacon_kv kv[MAX_PARAMS];
	struct beacon_batch b;
	char err[BEACON_ERROR_MAX];
	char *buf = malloc(2 * size + 2);
	const char *s = (const char *)data;
	size_t n = 0, used = 0, i = 0;
	enum beacon_status st;

	if (buf == NULL)
		return 0;
	while (i <= size && n < MAX_PARAMS) {
		size_t end = i, eq;
		while (end < size && s[end] != '&')
			end++;
		eq = i;
		while (eq < end && s[eq] != '=')
			eq++;
		kv[n].key = buf + used;
		percent_decode(s + i, eq - i, buf + used);
		used += eq - i + 1;
		kv[n].value = buf + used;
		if (eq < end) {
			percent_decode(s + eq + 1, end - eq - 1, buf + used);
			used += end - eq;
		} else {
			buf[used++] = '\0';
		}
		n++;
		i = end + 1;
	}
	st = beacon_parse_pixel(kv, n, &b, err, sizeof err);
	REQUIRE(st == BEACON_OK);
	REQUIRE(b.n_events + b.n_rejects == 1);
	if (b.n_events == 1) {
		REQUIRE(b.events[0].type == EVENT_PAGEVIEW);
		REQUIRE(b.events[0].path[0] == '/');
		invariants_path_like(b.events[0].path);
		REQUIRE(b.events[0].site != NULL);
		invariants_in_arena(&b, b.events[0].site);
		invariants_path_like(b.events[0].ref);
	} else {
		REQUIRE(b.rejects[0].error[0] != '\0');
	}
	beacon_batch_free(&b);
	free(buf);
	return 0;
}
