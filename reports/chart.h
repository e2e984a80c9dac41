/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chart.h — the report's charts, drawn by gnuplot run as an external
 * program: per service a funnel (share of started reaching each step), per
 * site the daily trend, completion rate by device, the distribution of time
 * to complete and the ratings. Each chart becomes charts/NAME.svg and
 * charts/NAME.png. Data and scripts go to a private temporary directory; no
 * visitor text reaches a gnuplot command (labels live in data files and are
 * reduced to a safe character set). It does not embed charts (html.c does).
 */
#ifndef LOTSE_CHART_H
#define LOTSE_CHART_H

#include <stddef.h>

#include "model.h"

/* Seconds gnuplot may run before it is killed. */
#define CHART_TIMEOUT_S 120

/* Chart file stems (without extension), for chart.c and html.c alike. */
void chart_name_funnel(char *out, size_t outlen, const char *site, const char *service);
void chart_name_site(char *out, size_t outlen, const char *kind, const char *site);

/* The charts of one report, written as gnuplot scripts but not yet drawn. */
struct chart_job;

enum chart_format { CHART_SVG, CHART_PNG };

/*
 * Writes the scripts for all charts of r, to be drawn into out_dir/charts
 * (created); lang_en picks axis labels. r is not needed afterwards. Returns 0
 * and *out (free it with chart_job_free), or -1 with a one-line reason in err.
 */
int chart_prepare(const struct model_result *r, const char *out_dir, int lang_en, struct chart_job **out,
                  char *err, size_t errlen);

/*
 * Runs gnuplot on the SVG or the PNG script and waits for it (at most
 * CHART_TIMEOUT_S each call: a report that draws both may take twice as
 * long). Returns 0, or -1 with a one-line reason in err — among them that
 * gnuplot is missing (then suggest --no-charts).
 */
int chart_draw(struct chart_job *job, enum chart_format format, char *err, size_t errlen);

/* Removes the scripts and frees job (NULL is fine). */
void chart_job_free(struct chart_job *job);

#endif
