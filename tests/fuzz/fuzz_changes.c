/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_changes.c — libFuzzer target for the reporter's changes file
 * (--changes, reports/changes.c on common/csvread.c). The input becomes an
 * in-memory file that the real changes_load opens; a loaded file must hold
 * only well-formed changes (a date, keys or "*", a text of bounded length),
 * and is evaluated against a few day counts, every row's figures checked
 * (counts within the data, rates in [0, 1], p-values in [0, 1] or NAN).
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "invariants.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const struct changes_pair pairs[] = { { "gladbeck", "hund" }, { "bottrop", "hund" },
		{ "gladbeck", "wohngeld" } };
	static const struct changes_day days[] = { { "bottrop", "hund", 20400, 5, 2 },
		{ "gladbeck", "hund", 20390, 7, 7 }, { "gladbeck", "hund", 20410, 9, 1 },
		{ "gladbeck", "wohngeld", 20405, 3, 0 } };
	struct changes ch;
	struct change_row *rows = NULL;
	size_t n = 0;
	char err[512];
	const char *path = memfile_fill(data, size);

	if (path == NULL)
		return 0;
	if (changes_load(&ch, path, err, sizeof err) != 0) {
		REQUIRE(ch.n == 0 && ch.c == NULL);
		return 0;
	}
	REQUIRE(ch.n <= CHANGES_MAX);
	for (size_t i = 0; i < ch.n; i++) {
		const struct change *c = &ch.c[i];

		REQUIRE(c->site != NULL && c->service != NULL && c->text != NULL);
		REQUIRE(c->text[0] != '\0' && strlen(c->text) <= CHANGES_MAX_TEXT);
		REQUIRE(c->site[0] != '\0' && c->service[0] != '\0');
	}
	if (changes_evaluate(&ch, pairs, 3, days, 4, 20380, 20420, &rows, &n) == 0) {
		for (size_t i = 0; i < n; i++) {
			const struct change_row *r = &rows[i];

			REQUIRE(r->before_completed <= r->before_started && r->after_completed <= r->after_started);
			REQUIRE(r->before_started + r->after_started <= 24);
			REQUIRE(isnan(r->p_value) || (r->p_value >= 0.0 && r->p_value <= 1.0));
			REQUIRE(isnan(r->after_rate) || (r->after_rate >= 0.0 && r->after_rate <= 1.0));
		}
		free(rows);
	}
	changes_free(&ch);
	return 0;
}
