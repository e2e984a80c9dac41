/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_charray.c — libFuzzer target for the parsers of arrays inside a
 * ClickHouse field (common/chwire.c: chwire_array_ints and
 * chwire_array_strings, which read the reporter's flow fragments). The
 * first byte picks the parser. Integers that are accepted print back to
 * an array that parses to the same values; strings that are accepted lie
 * inside the text buffer, NUL-terminated, and written back quoted they
 * parse to the same strings.
 */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chwire.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_ints(const char *s, size_t n)
{
	struct chwire_array a, b;
	char *out;
	size_t o = 0;

	chwire_array_init(&a);
	chwire_array_init(&b);
	if (chwire_array_ints(&a, s, n) != 0)
		goto done;
	/* Each element took at least its digits: at most n elements, 21 bytes each written back. */
	REQUIRE(a.nints <= n);
	out = malloc(22 * a.nints + 3);
	REQUIRE(out != NULL);
	out[o++] = '[';
	for (size_t i = 0; i < a.nints; i++)
		o += (size_t)sprintf(out + o, "%s%" PRId64, i ? "," : "", a.ints[i]);
	out[o++] = ']';
	REQUIRE(chwire_array_ints(&b, out, o) == 0 && b.nints == a.nints);
	REQUIRE(a.nints == 0 || memcmp(a.ints, b.ints, a.nints * sizeof *a.ints) == 0);
	free(out);
done:
	chwire_array_free(&a);
	chwire_array_free(&b);
}

static void check_strings(const char *s, size_t n)
{
	struct chwire_array a, b;
	char *out;
	size_t o = 0;

	chwire_array_init(&a);
	chwire_array_init(&b);
	if (chwire_array_strings(&a, s, n) != 0)
		goto done;
	REQUIRE(a.text_len <= n);
	out = malloc(2 * a.text_len + 3 * a.noffs + 3);
	REQUIRE(out != NULL);
	out[o++] = '[';
	for (size_t i = 0; i < a.noffs; i++) {
		size_t end = i + 1 < a.noffs ? a.offs[i + 1] - 1 : a.text_len - 1;

		REQUIRE(a.offs[i] <= end && end < a.text_len && a.text[end] == '\0');
		if (i > 0)
			out[o++] = ',';
		out[o++] = '\'';
		for (size_t k = a.offs[i]; k < end; k++) {
			if (a.text[k] == '\'' || a.text[k] == '\\')
				out[o++] = '\\';
			out[o++] = a.text[k];
		}
		out[o++] = '\'';
	}
	out[o++] = ']';
	REQUIRE(chwire_array_strings(&b, out, o) == 0 && b.noffs == a.noffs && b.text_len == a.text_len);
	REQUIRE(a.text_len == 0 || memcmp(a.text, b.text, a.text_len) == 0);
	free(out);
done:
	chwire_array_free(&a);
	chwire_array_free(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	if (data[0] & 1)
		check_strings((const char *)data + 1, size - 1);
	else
		check_ints((const char *)data + 1, size - 1);
	return 0;
}
