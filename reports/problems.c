/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * problems.c — builds and ranks the problem list. Candidates are collected
 * into a fixed array of PROBLEMS_MAX, replacing the smallest when full, so
 * memory does not depend on the number of services. Sentences quote names
 * as they are: escaping is the writer's job.
 */
#include "problems.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "csvout.h"
#include "labels.h"
#include "metrics.h"

/* Below this mean rating (of 5) a service counts as badly rated. */
#define LOW_RATING_MEAN 3.5

const char *problems_kind_name(enum problem_kind kind)
{
	switch (kind) {
	case PROBLEM_STEP:
		return "step_dropoff";
	case PROBLEM_FIELD:
		return "field_errors";
	case PROBLEM_RATING:
		return "low_rating";
	case PROBLEM_SEARCH:
		return "zero_results";
	}
	return "";
}

/* Orders problems: more affected first, then kind, site, service, step. */
static int before(const struct problem *a, const struct problem *b)
{
	int c;

	if (a->affected != b->affected)
		return a->affected > b->affected;
	if (a->kind != b->kind)
		return a->kind < b->kind;
	c = strcmp(a->site, b->site);
	if (c == 0)
		c = strcmp(a->service, b->service);
	if (c == 0)
		c = (a->step > b->step) - (a->step < b->step);
	return c < 0;
}

struct ranking {
	struct problem *p;
	size_t n;
};

/* Returns the slot for a candidate, or NULL when it would not make the list. */
static struct problem *slot_for(struct ranking *rk, const struct problem *cand)
{
	size_t worst = 0;

	if (cand->affected == 0)
		return NULL;
	if (rk->n < PROBLEMS_MAX)
		return &rk->p[rk->n++];
	for (size_t i = 1; i < rk->n; i++) {
		if (before(&rk->p[worst], &rk->p[i]))
			worst = i;
	}
	return before(cand, &rk->p[worst]) ? &rk->p[worst] : NULL;
}

/*
 * Proposes a problem: returns its slot in the ranking, filled but for the
 * texts, or NULL when it does not make the list. step -1: no step.
 */
static struct problem *propose(struct ranking *rk, enum problem_kind kind, const char *site,
                               const char *service, int step, uint32_t affected)
{
	struct problem cand, *p;

	memset(&cand, 0, sizeof cand);
	cand.kind = kind;
	cand.site = site;
	cand.service = service;
	cand.step = step;
	cand.affected = affected;
	p = slot_for(rk, &cand);
	if (p != NULL)
		*p = cand;
	return p;
}

static void add_step(struct ranking *rk, const struct model_service *s, uint32_t step)
{
	struct problem *p;
	uint32_t reached = s->reached[step];
	uint32_t next = step < s->nsteps ? s->reached[step + 1] : s->completed;
	int last = step == s->nsteps;
	char num[24], pct[32], pct_en[32], qname[120];
	const char *sn = s->step_name[step] ? s->step_name[step] : "";

	p = propose(rk, PROBLEM_STEP, s->site, s->service, (int)step, reached - next);
	if (p == NULL)
		return;
	csvout_format_num(num, sizeof num, 100.0 * p->affected / reached, 1, 1);
	snprintf(pct, sizeof pct, "%s %%", num);
	csvout_format_num(num, sizeof num, 100.0 * p->affected / reached, 1, 0);
	snprintf(pct_en, sizeof pct_en, "%s %%", num);
	snprintf(qname, sizeof qname, "%s%s%s", sn[0] ? " „" : "", sn, sn[0] ? "“" : "");
	if (step == 0 && last) {
		snprintf(p->detail_de, sizeof p->detail_de,
			 "„%s“: %u von %u begonnenen Vorgängen (%s) werden nicht abgeschlossen.", s->name,
			 p->affected, reached, pct);
		snprintf(p->detail_en, sizeof p->detail_en,
			 "“%s”: %u of %u started attempts (%s) are never completed.", s->name,
			 p->affected, reached, pct_en);
	} else if (step == 0) {
		snprintf(p->detail_de, sizeof p->detail_de,
			 "„%s“: %u von %u begonnenen Vorgängen (%s) enden gleich nach dem Start, vor Schritt 1.",
			 s->name, p->affected, reached, pct);
		snprintf(p->detail_en, sizeof p->detail_en,
			 "“%s”: %u of %u started attempts (%s) end right after the start, before step 1.",
			 s->name, p->affected, reached, pct_en);
	} else if (last) {
		snprintf(p->detail_de, sizeof p->detail_de,
			 "„%s“: %u von %u Vorgängen (%s) erreichen den letzten Schritt %u%s, werden aber nicht abgeschlossen.",
			 s->name, p->affected, reached, pct, step, qname);
		snprintf(p->detail_en, sizeof p->detail_en,
			 "“%s”: %u of %u attempts (%s) reach the last step %u%s but are not completed.",
			 s->name, p->affected, reached, pct_en, step, qname);
	} else {
		snprintf(p->detail_de, sizeof p->detail_de,
			 "„%s“: %u von %u Vorgängen (%s) enden bei Schritt %u%s und erreichen Schritt %u nicht.",
			 s->name, p->affected, reached, pct, step, qname, step + 1);
		snprintf(p->detail_en, sizeof p->detail_en,
			 "“%s”: %u of %u attempts (%s) end at step %u%s and never reach step %u.", s->name,
			 p->affected, reached, pct_en, step, qname, step + 1);
	}
}

static const struct model_service *find_service(const struct model_result *r, const char *site,
                                                const char *service)
{
	for (size_t i = 0; i < r->nservices; i++) {
		if (strcmp(r->services[i].site, site) == 0 && strcmp(r->services[i].service, service) == 0)
			return &r->services[i];
	}
	return NULL;
}

void problems_build(const struct model_result *r, struct problem out[PROBLEMS_MAX], size_t *n)
{
	struct ranking rk = { out, 0 };

	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *s = &r->services[i];
		struct service_metrics mt;

		for (uint32_t step = 0; s->started > 0 && step <= s->nsteps; step++) {
			if (s->reached[step] > 0)
				add_step(&rk, s, step);
		}
		metrics_service(s, &mt);
		if (s->ratings_n > 0 && mt.rating_mean < LOW_RATING_MEAN) {
			uint32_t low = s->ratings[1] + s->ratings[2];
			struct problem *p = propose(&rk, PROBLEM_RATING, s->site, s->service, -1, low);
			char mean[32];

			if (p == NULL)
				continue;
			csvout_format_num(mean, sizeof mean, mt.rating_mean, 1, 0);
			snprintf(p->detail_en, sizeof p->detail_en,
				 "“%s” is rated poorly: %u of %u ratings give 1 or 2 stars (mean %s of 5).",
				 s->name, low, s->ratings_n, mean);
			csvout_format_num(mean, sizeof mean, mt.rating_mean, 1, 1);
			snprintf(p->detail_de, sizeof p->detail_de,
				 "„%s“ wird schlecht bewertet: %u von %u Bewertungen geben 1 oder 2 Sterne (Mittel %s von 5).",
				 s->name, low, s->ratings_n, mean);
		}
	}
	for (size_t i = 0; i < r->nfields; i++) {
		const struct model_field *f = &r->fields[i];
		const struct model_service *s = find_service(r, f->site, f->service);
		struct problem *p = propose(&rk, PROBLEM_FIELD, f->site, f->service, -1, f->flows);

		if (p == NULL)
			continue;
		/* Plain words (--fields labels, error kinds in German) where the model has them. */
		snprintf(p->detail_de, sizeof p->detail_de,
			 "„%s“: Im Feld „%s“ gab es %u-mal den Fehler „%s“, in %u Vorgängen.",
			 s ? s->name : f->service, f->label ? f->label : f->field, f->errors,
			 f->error_label ? f->error_label : f->error, f->flows);
		snprintf(p->detail_en, sizeof p->detail_en,
			 "“%s”: field “%s” failed with “%s” %u times, in %u attempts.",
			 s ? s->name : f->service, f->label ? f->label : f->field,
			 labels_error_kind(f->error, 1) ? labels_error_kind(f->error, 1) : f->error, f->errors, f->flows);
	}
	for (size_t i = 0; i < r->nsearches; i++) {
		const struct model_item *q = &r->searches[i];
		struct problem *p;

		if (q->key == NULL)
			continue; /* suppressed small queries are never named */
		p = propose(&rk, PROBLEM_SEARCH, q->site, "", -1, q->zero);
		if (p == NULL)
			continue;
		snprintf(p->detail_de, sizeof p->detail_de,
			 "Die Suche nach „%s“ fand %u-mal nichts (bei %u Suchen).", q->key, q->zero, q->count);
		snprintf(p->detail_en, sizeof p->detail_en,
			 "Searching for “%s” found nothing %u times (of %u searches).", q->key, q->zero,
			 q->count);
	}
	/* Insertion sort: at most PROBLEMS_MAX rows. */
	for (size_t i = 1; i < rk.n; i++) {
		struct problem t = out[i];
		size_t j = i;

		while (j > 0 && before(&t, &out[j - 1])) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = t;
	}
	*n = rk.n;
}
