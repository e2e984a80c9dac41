/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * problems.h — the "Handlungsbedarf" list: the period's biggest usability
 * problems (step drop-offs, fields with errors, low ratings, searches without
 * results) ranked by how many flows, ratings or searches they affect, each
 * with one plain sentence in German and in English. It only reads the model;
 * writing is csvfiles.c's and html.c's job.
 */
#ifndef LOTSE_PROBLEMS_H
#define LOTSE_PROBLEMS_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define PROBLEMS_MAX 20

enum problem_kind { PROBLEM_STEP, PROBLEM_FIELD, PROBLEM_RATING, PROBLEM_SEARCH };

struct problem {
	enum problem_kind kind;
	const char *site;
	const char *service;     /* "" for searches */
	int step;                /* -1 when not about a step */
	uint32_t affected;
	char detail_de[600];
	char detail_en[600];
};

/* Returns the CSV name of kind ("step_dropoff", "field_errors", …). */
const char *problems_kind_name(enum problem_kind kind);

/*
 * Ranks the problems of r (searches: only rows listed after suppression) and
 * keeps the PROBLEMS_MAX largest in out[0..*n-1]. Never fails.
 */
void problems_build(const struct model_result *r, struct problem out[PROBLEMS_MAX], size_t *n);

#endif
