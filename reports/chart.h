/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chart.h — the report's charts, drawn by gnuplot run as an external
 * program: the weekly completion rate of every service and site and of
 * every service over the sites, with its 95 % band, incomplete weeks and
 * the changes made (--changes); the regional comparison (completion rate
 * with its interval per service and site); the small lines beside the key
 * figures (visits and starts per day, the rate per week). Each
 * chart becomes charts/NAME.svg and charts/NAME.png, which the pages
 * reference as files; the SVG's title is the chart's own, not gnuplot's.
 * Data and scripts go to a private temporary directory; no visitor text
 * reaches a gnuplot command (labels live in data blocks and are reduced to
 * a safe character set). Charts are sized so that their text stays
 * readable on a phone. It writes no HTML (html.c does).
 */
#ifndef LOTSE_CHART_H
#define LOTSE_CHART_H

#include <stddef.h>

#include "model.h"

/* Seconds gnuplot may run before it is killed. */
#define CHART_TIMEOUT_S 120

/* Longest chart file stem, with its NUL. */
#define CHART_NAME_MAX 240

/* Width of the ordinary charts and size of the small lines, in pixels (SVG user units). */
#define CHART_WIDTH 440
#define CHART_SPARK_WIDTH 200
#define CHART_SPARK_HEIGHT 44
/* Heights of a service page's weekly chart and of a service's trend on index.html. */
#define CHART_WEEKLY_HEIGHT 240
#define CHART_TREND_HEIGHT 200

/*
 * A chart file stem (without extension) for a service's chart of kind:
 * "KIND_SITE_SERVICE" ("weekly_gladbeck_geburtsurkunde"; the index's trend
 * of a service over all sites is "trend_all_SERVICE").
 */
void chart_name_service(char *out, size_t outlen, const char *kind, const char *site, const char *service);

/* The height of charts/regions.svg for r, or 0 when r has no service started on two sites. */
unsigned chart_regions_height(const struct model_result *r);

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
