/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * html.h — writes the report's pages: index.html (Das Wichtigste, key
 * figures, Handlungsbedarf, services worst first, trends, regional
 * comparison, search, pages, devices, data quality, methods) and, through
 * servicepage.c, a page per service and site. Self-contained and accessible,
 * German or English; charts are referenced as files (charts/NAME.svg).
 * Every value from the database or the options is HTML-escaped. It computes
 * no statistics of its own (metrics.c does).
 */
#ifndef LOTSE_HTML_H
#define LOTSE_HTML_H

#include <stddef.h>

#include "model.h"

struct html_opts {
	int lang_en;
	int compare;
	int charts;               /* charts were drawn: reference them */
	unsigned min_count;
	const char *from, *to;    /* "YYYY-MM-DD" or NULL = all data */
	const char *prev_from, *prev_to;
	size_t ndb;
};

/* Writes dir/index.html and dir/dienste/. Returns 0, or -1 with a one-line reason in err. */
int html_write(const struct model_result *r, const struct html_opts *o, const char *dir, char *err, size_t errlen);

#endif
