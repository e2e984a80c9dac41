/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_catalog.c — libFuzzer target for the reporter's service catalogue
 * (--services, reports/catalog.c on common/csvread.c). The input becomes the
 * contents of an in-memory file (memfd, opened by its /proc path, so the real
 * catalog_load with fopen and getline runs); a loaded catalogue is searched
 * for every entry it holds and for names taken from the input; its path
 * patterns are checked (a star-free pattern matches its own text; a slash
 * and two stars match every pattern's text), a path taken from the input
 * is matched against all of them and each hit re-checked; then freed.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalog.h"
#include "invariants.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct catalog c;
	char err[512];
	char probe[96];
	size_t pn = size < sizeof probe - 1 ? size : sizeof probe - 1;

	const char *memfd_path = memfile_fill(data, size);
	if (memfd_path == NULL)
		return 0;
	if (catalog_load(&c, memfd_path, err, sizeof err) != 0) {
		REQUIRE(c.n == 0 && c.e == NULL); /* on failure the catalogue holds nothing */
		return 0;
	}
	for (size_t i = 0; i < c.n; i++) {
		const struct catalog_entry *e = catalog_find(&c, c.e[i].site, c.e[i].service);
		REQUIRE(e != NULL && e->nsteps <= CATALOG_MAX_STEPS);
		for (size_t k = 0; k < e->nsteps; k++)
			REQUIRE(e->steps[k] != NULL && strlen(e->steps[k]) <= 80);
	}
	for (size_t i = 0; i < c.n; i++) {
		const struct catalog_entry *e = &c.e[i];

		for (size_t k = 0; k < e->npat; k++) {
			const char *t = e->pat[k].text;

			REQUIRE(t[0] == '/' && strlen(t) <= CATALOG_MAX_PATTERN);
			REQUIRE(e->pat[k].id < c.npatterns && e->pat[k].step <= e->nsteps);
			if (strchr(t, '*') == NULL)
				REQUIRE(catalog_pattern_match(t, t, strlen(t)));
			/* "**" matches any path that starts like the text before it. */
			REQUIRE(catalog_pattern_match("/**", t, strlen(t)));
		}
	}
	memcpy(probe, data, pn);
	probe[pn] = '\0';
	(void)catalog_find(&c, probe, probe);
	{
		struct catalog_hit hits[8];
		size_t nh;
		int more;

		catalog_match(&c, "gladbeck", probe, pn, hits, 8, &nh, &more);
		REQUIRE(nh <= 8);
		for (size_t i = 0; i < nh; i++)
			REQUIRE(catalog_pattern_match(hits[i].p->text, probe, pn) ||
			        (pn > 1 && probe[pn - 1] == '/' && catalog_pattern_match(hits[i].p->text, probe, pn - 1)));
		(void)catalog_looks_like_form(probe, pn);
	}
	(void)catalog_find(&c, "gladbeck", "geburtsurkunde");
	catalog_free(&c);
	return 0;
}
