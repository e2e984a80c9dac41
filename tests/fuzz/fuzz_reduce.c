/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_reduce.c — libFuzzer target for every reduce_* function. The first
 * byte picks an output size (so that small buffers are exercised too), the
 * rest is the input. Outputs go to exact-size heap buffers, so a write past
 * cap is caught, and must keep the rules: NUL within cap, no query, fragment
 * or '@' in paths, no raw e-mail, no long digit runs, no controls. It does
 * not check that the reductions are the right ones; test_reduce.c does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "reduce.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const char *out, size_t cap)
{
	REQUIRE(memchr(out, '\0', cap) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap;
	const char *in;
	size_t len;
	char *out, *host;

	if (size == 0)
		return 0;
	/* 0 means "big enough"; otherwise a small cap of 1..255 bytes. */
	cap = data[0] == 0 ? 3 * size + 64 : data[0];
	in = (const char *)data + 1;
	len = size - 1;
	out = malloc(cap);
	host = malloc(cap);
	if (out == NULL || host == NULL)
		goto done;

	if (reduce_url(in, len, out, cap, host, cap) == 0) {
		check_terminated(out, cap);
		check_terminated(host, cap);
		REQUIRE(out[0] == '/');
		invariants_path_like(out);
		invariants_path_like(host);
		for (const char *p = host; *p; p++)
			REQUIRE(!(*p >= 'A' && *p <= 'Z'));
		if (reduce_ref(in, len, host, out, cap) == 0) {
			check_terminated(out, cap);
			REQUIRE(out[0] == '/');
		}
		if (reduce_href(in, len, out, cap) == 0) {
			check_terminated(out, cap);
			invariants_path_like(out);
		}
	}
	int origin_len = reduce_origin(in, len, out, cap);
	if (origin_len > 0) {
		/* An origin has no path, query, fragment or user-info; its length is returned. */
		check_terminated(out, cap);
		REQUIRE((size_t)origin_len == strlen(out));
		const char *authority = strstr(out, "://");
		REQUIRE(authority != NULL && strpbrk(authority + 3, "/?#@") == NULL);
	}
	if (reduce_ref(in, len, "example.org", out, cap) == 0) {
		check_terminated(out, cap);
		invariants_path_like(out);
	}
	if (reduce_query(in, len, out, cap) == 0) {
		size_t n;
		const char *p;
		int run = 0;
		check_terminated(out, cap);
		invariants_no_controls(out);
		REQUIRE(!invariants_has_email(out));
		n = strlen(out);
		REQUIRE(n == 0 || (out[0] != ' ' && out[n - 1] != ' '));
		REQUIRE(strstr(out, "  ") == NULL);
		for (p = out; *p; p++) {
			REQUIRE(!(*p >= 'A' && *p <= 'Z'));
			run = (*p >= '0' && *p <= '9') ? run + 1 : 0;
			REQUIRE(run < 5);
		}
	}
	if (reduce_message(in, len, out, cap) == 0) {
		check_terminated(out, cap);
		invariants_no_controls(out);
		REQUIRE(!invariants_has_email(out));
		REQUIRE(strpbrk(out, "0123456789") == NULL);
	}
done:
	free(out);
	free(host);
	return 0;
}
