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

/*
 * Draws all charts of r into out_dir/charts (created). lang_en picks axis
 * labels. Returns 0, or -1 with a one-line reason in err — among them that
 * gnuplot is missing (then suggest --no-charts).
 */
int chart_render(const struct model_result *r, const char *out_dir, int lang_en, char *err,
                 size_t errlen);

#endif
