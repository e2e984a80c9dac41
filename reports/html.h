/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * html.h — writes index.html: one self-contained, accessible report page in
 * German (or English) with the overview, the Handlungsbedarf list, a section
 * per service, search, pages and links, devices, the daily trend, the
 * regional comparison, data quality and methods. Charts are inlined from
 * charts/NAME.svg when present. Every value from the database is HTML-escaped.
 * It computes no statistics of its own (metrics.c does).
 */
#ifndef LOTSE_HTML_H
#define LOTSE_HTML_H

#include <stddef.h>

#include "model.h"
#include "problems.h"

struct html_opts {
	int lang_en;
	int compare;
	int charts;               /* charts were drawn: inline them */
	unsigned min_count;
	const char *from, *to;    /* "YYYY-MM-DD" or NULL = all data */
	const char *prev_from, *prev_to;
	size_t ndb;
};

/* Writes dir/index.html. Returns 0, or -1 with a one-line reason in err. */
int html_write(const struct model_result *r, const struct problem *problems, size_t nproblems,
               const struct html_opts *o, const char *dir, char *err, size_t errlen);

#endif
