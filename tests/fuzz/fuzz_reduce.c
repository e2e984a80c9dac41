/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_reduce.c — libFuzzer target for every reduce_* function and the
 * folding and redaction behind them. The first byte picks an output size (so
 * that small buffers are exercised too), the rest is the input. Outputs go to
 * exact-size heap buffers, so a write past cap is caught, and must keep the
 * rules: NUL within cap, no longer than the bound each function promises
 * (twice the input for URLs and messages, REDUCE_TEXT_BOUND for text), no
 * query, fragment or '@' in paths, no control characters, and nothing in a
 * redacted text that a rule would still find (no e-mail address, no run of
 * 5 digits). It does not check that the reductions are the right ones;
 * test_reduce.c does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fold.h"
#include "invariants.h"
#include "redact.h"
#include "reduce.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_terminated(const char *out, size_t cap)
{
	REQUIRE(memchr(out, '\0', cap) != NULL);
}

/* A redacted text (q, step_name, target): bounded, folded, nothing left to find. */
static void check_redacted(const char *out, size_t cap, size_t in_len, int lower)
{
	size_t n;
	int run = 0;

	check_terminated(out, cap);
	n = strlen(out);
	REQUIRE(n + 1 <= REDUCE_TEXT_BOUND(in_len));
	invariants_no_controls(out);
	REQUIRE(!invariants_has_email(out));
	REQUIRE(!redact_finds(out, n));
	REQUIRE(n == 0 || (out[0] != ' ' && out[n - 1] != ' '));
	REQUIRE(strstr(out, "  ") == NULL);
	for (const char *p = out; *p; p++) {
		REQUIRE(!lower || !(*p >= 'A' && *p <= 'Z'));
		REQUIRE(*p != '\t' && *p != '\n');
		run = (*p >= '0' && *p <= '9') ? run + 1 : 0;
		REQUIRE(run < 5);
	}
}

/* A message: NAME, or NAME, a space, a reduced path, ":LINE:COL". */
static void check_message(const char *out, size_t cap, size_t in_len)
{
	const char *p = out, *space, *colon;
	size_t name = 0;

	check_terminated(out, cap);
	REQUIRE(strlen(out) <= 2 * in_len);
	while ((p[name] >= 'A' && p[name] <= 'Z') || (p[name] >= 'a' && p[name] <= 'z'))
		name++;
	REQUIRE(name >= 1 && name <= 40);
	if (p[name] == '\0')
		return;
	space = p + name;
	REQUIRE(*space == ' ' && space[1] == '/');
	colon = strrchr(space, ':');
	REQUIRE(colon != NULL && colon[1] != '\0' && strspn(colon + 1, "0123456789") == strlen(colon + 1));
	REQUIRE(strpbrk(space + 1, "?# @") == NULL);
	invariants_no_controls(space);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t cap, len, folded_len;
	const char *in;
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
		REQUIRE(strlen(out) <= 2 * len && strlen(host) <= len);
		invariants_path_like(out);
		invariants_path_like(host);
		REQUIRE(strchr(out, ';') == NULL);
		for (const char *p = host; *p; p++)
			REQUIRE(!(*p >= 'A' && *p <= 'Z'));
		if (reduce_ref(in, len, host, out, cap) == 0) {
			check_terminated(out, cap);
			REQUIRE(out[0] == '/');
		}
		if (reduce_href(in, len, out, cap) == 0) {
			check_terminated(out, cap);
			REQUIRE(strlen(out) <= 2 * len);
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
		REQUIRE(strlen(out) <= 2 * len);
		invariants_path_like(out);
		/* another host is stored as a host: an IP literal only as "[ip]" */
		REQUIRE(out[0] == '/' || out[0] != '[' || strcmp(out, "[ip]") == 0);
	}
	if (reduce_query(in, len, out, cap) == 0)
		check_redacted(out, cap, len, 1);
	if (reduce_label(in, len, out, cap) == 0)
		check_redacted(out, cap, len, 0);
	if (reduce_message(in, len, out, cap) == 0)
		check_message(out, cap, len);
	/* Folding alone, on any bytes (decoded URL segments are not UTF-8 checked). */
	if (fold_text(in, len, FOLD_LOWER, out, cap, &folded_len) == 0) {
		REQUIRE(folded_len <= cap && folded_len <= FOLD_BOUND(len));
		REQUIRE(folded_len == 0 || (out[0] != ' ' && out[folded_len - 1] != ' '));
	}
	/* Whether a whole value is an IBAN: any bytes, no crash, and then no separator at its ends. */
	if (redact_is_iban(in, len))
		REQUIRE(len >= 14 && !strchr(" .-+", in[0]) && !strchr(" .-+", in[len - 1]));
done:
	free(out);
	free(host);
	return 0;
}
