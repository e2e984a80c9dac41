/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_beacon.c — libFuzzer target for beacon_parse_body: any bytes in, and
 * whatever comes out must hold the parser's promises (bounded counts, batch
 * order, strings inside the arena and fit for the disk: reduced paths without
 * query, fragment or '@', redacted texts, messages in their shape). It does
 * not check that valid input is accepted; the unit tests do.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_event(const struct beacon_batch *b, const struct event *e)
{
	REQUIRE((unsigned)e->type < EVENT_TYPE_COUNT);
	REQUIRE(e->site != NULL && e->path != NULL);
	invariants_in_arena(b, e->site);
	invariants_in_arena(b, e->path);
	REQUIRE(e->path[0] == '/');
	invariants_path_like(e->path);
	REQUIRE(strlen(e->site) >= 1 && strlen(e->site) <= 32);
	REQUIRE(strspn(e->site, "abcdefghijklmnopqrstuvwxyz0123456789-") == strlen(e->site));
	const char *strs[] = {e->ref, e->service, e->flow, e->step_name, e->field, e->error,
	                      e->q, e->href, e->reason, e->message, e->target};
	for (size_t i = 0; i < sizeof strs / sizeof strs[0]; i++) {
		invariants_in_arena(b, strs[i]);
		invariants_no_controls(strs[i]);
	}
	invariants_path_like(e->ref);
	invariants_path_like(e->href);
	if (e->q != NULL)
		REQUIRE(!invariants_has_email(e->q));
	if (e->step_name != NULL)
		REQUIRE(!invariants_has_email(e->step_name));
	if (e->target != NULL)
		REQUIRE(!invariants_has_email(e->target));
	if (e->message != NULL) {
		/* NAME, or NAME and a reduced path with ":LINE:COL": one space, no query, no address */
		const char *space = strchr(e->message, ' ');
		REQUIRE(!invariants_has_email(e->message));
		REQUIRE(space == NULL || (space[1] == '/' && strpbrk(space + 1, " ?#@") == NULL));
	}
	REQUIRE(e->age_ms >= 0 && e->age_ms <= 600000);
	REQUIRE(e->step == EVENT_NO_INT || (e->step >= 1 && e->step <= 50));
	REQUIRE(e->rating == EVENT_NO_INT || (e->rating >= 1 && e->rating <= 5));
	REQUIRE(e->ms == EVENT_NO_INT || (e->ms >= 0 && e->ms <= 86400000));
	REQUIRE(e->results == EVENT_NO_INT || e->results >= 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct beacon_batch b;
	char err[BEACON_ERROR_MAX];
	enum beacon_status st;

	memset(err, 'x', sizeof err);
	st = beacon_parse_body((const char *)data, size, &b, err, sizeof err);
	REQUIRE(memchr(err, '\0', sizeof err) != NULL);
	REQUIRE(st == BEACON_OK || st == BEACON_BAD || st == BEACON_TOO_MANY);
	if (st == BEACON_OK) {
		REQUIRE(b.n_events + b.n_rejects >= 1 && b.n_events + b.n_rejects <= BEACON_MAX_EVENTS);
		REQUIRE(b.arena_used <= b.arena_cap);
		for (size_t i = 0; i < b.n_events; i++)
			check_event(&b, &b.events[i]);
		for (size_t i = 0; i < b.n_rejects; i++) {
			const struct beacon_reject *r = &b.rejects[i];
			REQUIRE(memchr(r->error, '\0', sizeof r->error) != NULL && r->error[0] != '\0');
			REQUIRE(r->index < BEACON_MAX_EVENTS);
			REQUIRE(i == 0 || b.rejects[i - 1].index < r->index);
			invariants_in_arena(&b, r->site);
			invariants_in_arena(&b, r->path);
			invariants_path_like(r->path);
		}
		if (b.n_events > 0) {
			size_t before = b.n_rejects;
			REQUIRE(beacon_batch_reject_event(&b, 0, "fuzz") == 0);
			REQUIRE(b.n_rejects == before + 1);
			for (size_t i = 1; i < b.n_rejects; i++)
				REQUIRE(b.rejects[i - 1].index < b.rejects[i].index);
		}
	} else {
		REQUIRE(b.n_events == 0 && b.n_rejects == 0);
	}
	beacon_batch_free(&b);
	return 0;
}
