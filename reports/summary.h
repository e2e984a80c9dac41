/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * summary.h — "Das Wichtigste": at most SUMMARY_MAX plain sentences made
 * from the report's figures, in German or English: what to fix first and
 * why (the largest causes), which service loses the most, and what changed
 * against the comparison period or since a change made to the portal, with
 * its significance in words. Pure: it reads the model (its causes and
 * changes too), formats through words.h and writes
 * plain text into fixed buffers (html.c escapes it). It computes no new
 * figure: rates and p-values come from metrics.c.
 */
#ifndef LOTSE_SUMMARY_H
#define LOTSE_SUMMARY_H

#include <stddef.h>

#include "causes.h"
#include "model.h"

#define SUMMARY_MAX 5
#define SUMMARY_LEN 600

struct summary {
	char sentence[SUMMARY_MAX][SUMMARY_LEN];
	size_t n;
};

/*
 * r->total with the comparison period's started and completed (r->prev,
 * all of its services), for the change of the total rate.
 */
void summary_total(const struct model_result *r, struct model_service *out);

/*
 * Fills *out from r; compare says whether r's services carry the comparison
 * period. Never fails; a sentence whose figures are missing is left out.
 */
void summary_build(const struct model_result *r, int compare, int lang_en, struct summary *out);

/* The service of r at site with key service (r->services is sorted by both), or NULL. */
const struct model_service *summary_service(const struct model_result *r, const char *site, const char *service);

/*
 * Whether a change helped, in words: "besser – statistisch signifikant",
 * "schlechter – statistisch signifikant", "kein deutlicher Unterschied
 * (nicht signifikant)", or why it cannot be said (no attempts before or
 * after it).
 */
const char *summary_change_verdict(const struct change_row *c, int lang_en);

/*
 * A cause's name as a heading says it: its label, and for a step (whose
 * label is the bare step name) "Abbruch bei „Bezahlung“".
 */
void summary_cause_title(char *out, size_t outlen, const struct cause *c, int lang_en);

/* What a cause's affected counts: "Vorgänge betroffen", "Suchen ohne Ergebnis", … */
const char *summary_unit(enum cause_kind kind, int lang_en);

#endif
