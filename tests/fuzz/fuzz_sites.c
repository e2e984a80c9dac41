/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_sites.c — libFuzzer target for the --sites file (collector/sites.c on
 * common/csvread.c). The input becomes the contents of an in-memory file
 * (memfd, opened again by its /proc path, so the real sites_load path with
 * fopen and getline is what runs); a loaded file is then queried with names
 * and origins taken from the input. Writes nothing to disk.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sites.h"
#include "invariants.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sites *s = NULL;
	char err[512];
	char probe[160];
	size_t pn = size < sizeof probe - 1 ? size : sizeof probe - 1;

	const char *memfd_path = memfile_fill(data, size);
	if (memfd_path == NULL)
		return 0;
	if (sites_load(memfd_path, &s, err, sizeof err) != 0) {
		/* A refusal must say why, naming the file. */
		REQUIRE(strncmp(err, memfd_path, strlen(memfd_path)) == 0);
		return 0;
	}
	REQUIRE(sites_count(s) > 0); /* a loaded file lists at least one site */
	memcpy(probe, data, pn);
	probe[pn] = '\0';
	(void)sites_check(s, probe, NULL, 0);
	(void)sites_check(s, "gladbeck", NULL, 0);
	(void)sites_check(s, "gladbeck", probe, strlen(probe));
	(void)sites_origin_known(s, probe, strlen(probe));
	(void)sites_origin_known(s, "https://www.gladbeck.de", 23);
	sites_free(s);
	return 0;
}
