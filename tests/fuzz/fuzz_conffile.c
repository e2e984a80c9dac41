/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_conffile.c — libFuzzer target for the --config file parser
 * (common/conffile.c). The input becomes the contents of an in-memory file
 * (memfd, opened by its /proc path, so the real fopen and getline path runs)
 * read for the [collector] section with an option table like the
 * collector's, with one option also given on the command line. Writes
 * nothing to disk.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "conffile.h"
#include "invariants.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const struct option options[] = {
	{ "listen", required_argument, NULL, 1 },
	{ "db", required_argument, NULL, 2 },
	{ "trust-proxy", required_argument, NULL, 3 },
	{ "quiet", no_argument, NULL, 4 },
	{ "import", required_argument, NULL, 5 },
	{ "config", required_argument, NULL, 6 },
	{ NULL, 0, NULL, 0 },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const not_in_file[] = { "import", NULL };
	const struct conffile_spec spec = { .options = options, .section = "collector", .not_in_file = not_in_file };
	struct conffile cf;
	char err[512], where[600];
	const char *path = memfile_fill(data, size);

	if (path == NULL)
		return 0;
	char *argv[] = { (char *)"lotse-collector", (char *)"--config", (char *)path, (char *)"--db", (char *)"x.db",
	                 NULL };
	if (conffile_merge(5, argv, &spec, &cf, err, sizeof err) != 0) {
		/* A refusal names the file. */
		REQUIRE(strncmp(err, path, strlen(path)) == 0);
		REQUIRE(cf.argv == NULL);
		conffile_free(&cf);
		return 0;
	}
	REQUIRE(cf.argc == 5 + (int)cf.n_from_file && cf.n_from_file <= CONFFILE_MAX_ENTRIES);
	REQUIRE(cf.argv[cf.argc] == NULL);
	for (int i = 1; i <= (int)cf.n_from_file; i++) {
		/* Every file option is a long option the table knows, never --db (the command line has it). */
		REQUIRE(strncmp(cf.argv[i], "--", 2) == 0 && strncmp(cf.argv[i], "--db", 4) != 0);
		REQUIRE(strncmp(cf.argv[i], "--import", 8) != 0 && strncmp(cf.argv[i], "--config", 8) != 0);
		REQUIRE(conffile_where(&cf, i, where, sizeof where) == 1);
	}
	REQUIRE(conffile_where(&cf, (int)cf.n_from_file + 1, where, sizeof where) == 0);
	conffile_free(&cf);
	return 0;
}
