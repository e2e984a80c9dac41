/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * causes.h — causes.csv and "Handlungsbedarf": the same problem grouped
 * across services and sites (REPORT.md "cause"): a step drop-off by the
 * step's name, a field error by field and error kind, a search without
 * results by its query, low satisfaction by service, a script error by its
 * message, rage clicks by their target. Ranked by how many flows (searches:
 * searches; script errors and rage clicks: visits) each touched, with how
 * many sites and services share it, the places concerned, one plain German
 * (and English) sentence with the numbers and one suggestion of what to try.
 * It only reads the model's result; csvfiles.c and html.c write it.
 */
#ifndef LOTSE_CAUSES_H
#define LOTSE_CAUSES_H

#include <stddef.h>
#include <stdint.h>

#include "labels.h"
#include "model.h"

/* In the tie order of REPORT.md. */
enum cause_kind { CAUSE_DROP, CAUSE_FIELD, CAUSE_SEARCH, CAUSE_RATING, CAUSE_SCRIPT, CAUSE_RAGE };

/* Below this mean rating (of 5), with at least --min-count ratings, a service is a cause. */
#define CAUSES_LOW_RATING 3.5

#define CAUSE_TEXT 640

/* A site and service a cause touches (service "" for searches, script errors, rage clicks). */
struct cause_place {
	const char *site, *service;
	uint32_t affected;
};

struct cause {
	enum cause_kind kind;
	char key[220];            /* the cause column: "Bezahlung", "iban:format", the query, … */
	char label[300];          /* plain German name */
	char label_en[300];
	uint32_t affected;
	uint32_t sites, services; /* distinct sites and service keys */
	struct cause_place *places; /* most affected first; owned */
	size_t nplaces;
	char detail[CAUSE_TEXT], detail_en[CAUSE_TEXT];
	char action[CAUSE_TEXT], action_en[CAUSE_TEXT];
};

/* "drop", "field", "search", "rating", "script" or "rage". */
const char *causes_kind_name(enum cause_kind kind);

/*
 * Builds the ranked causes of r (causes with affected 0 are left out; script
 * errors and rage clicks below min_count visits too, like small search rows)
 * with the names of l (may be NULL). Returns 0 and *out (free with
 * causes_free), or -1 when out of memory.
 */
int causes_build(const struct model_result *r, const struct labels *l, unsigned min_count,
                 struct cause **out, size_t *n);

/* Frees n causes and their places (out may be NULL). */
void causes_free(struct cause *c, size_t n);

#endif
