/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_import.c — libFuzzer target for beacon_parse_import_line: any bytes as
 * one NDJSON line; the result is either a refusal or exactly one event or
 * reject, with meta strings bounded and inside the batch. It does not check
 * the event's fields (fuzz_beacon does).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_meta(const struct beacon_batch *b, const char *s)
{
	invariants_in_arena(b, s);
	REQUIRE(s == NULL || strlen(s) <= 2048);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct beacon_batch b;
	struct beacon_import_line meta;
	char err[BEACON_ERROR_MAX];
	enum beacon_status st;

	err[0] = '\0';
	st = beacon_parse_import_line((const char *)data, size, &meta, &b, err, sizeof err);
	REQUIRE(st == BEACON_OK || st == BEACON_BAD);
	if (st == BEACON_OK) {
		REQUIRE(b.n_events + b.n_rejects == 1);
		check_meta(&b, meta.client);
		check_meta(&b, meta.ua);
		check_meta(&b, meta.origin);
		if (b.n_events == 1)
			REQUIRE(b.events[0].path != NULL && b.events[0].path[0] == '/');
	} else {
		REQUIRE(err[0] != '\0');
		REQUIRE(b.n_events == 0 && b.n_rejects == 0);
		REQUIRE(meta.client == NULL && meta.ua == NULL && meta.origin == NULL);
	}
	beacon_batch_free(&b);
	return 0;
}
