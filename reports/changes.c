/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * changes.c — reads the changes file and evaluates each change; see
 * changes.h. Per (site, service) the day counts form one sorted run, found
 * by binary search; the windows are summed over that run.
 */
#include "changes.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "event.h"
#include "stats.h"
#include "table.h"
#include "tz.h"

static int is_any(const char *s)
{
	return strcmp(s, "*") == 0;
}

static void change_free(struct change *c)
{
	free(c->site);
	free(c->service);
	free(c->text);
}

static int on_row(void *ctx, char **f, size_t n, unsigned line, char *err, size_t errlen)
{
	struct changes *ch = ctx;
	struct change c, *nch;

	memset(&c, 0, sizeof c);
	if (line == 1 && n >= 1 && strcmp(f[0], "date") == 0)
		return 0;
	if (n != 4) {
		snprintf(err, errlen, "expected 4 fields (date,site,service,text), got %zu", n);
		return -1;
	}
	if (tz_parse_date(f[0], &c.day) != 0) {
		snprintf(err, errlen, "date: must be YYYY-MM-DD");
		return -1;
	}
	if (!(is_any(f[1]) || event_site_valid(f[1]))) {
		snprintf(err, errlen, "site: must be [a-z0-9-]{1,32} or *");
		return -1;
	}
	if (!(is_any(f[2]) || event_key_valid(f[2], 64, "._-"))) {
		snprintf(err, errlen, "service: must be [a-z0-9._-]{1,64} or *");
		return -1;
	}
	if (f[3][0] == '\0' || strlen(f[3]) > CHANGES_MAX_TEXT) {
		snprintf(err, errlen, "text: must be 1 to %d bytes", CHANGES_MAX_TEXT);
		return -1;
	}
	if (ch->n == CHANGES_MAX) {
		snprintf(err, errlen, "more than %d changes", CHANGES_MAX);
		return -1;
	}
	nch = tab_grow(ch->c, &ch->cap, ch->n, sizeof *nch, 16);
	if (nch == NULL)
		goto oom;
	ch->c = nch;
	c.line = line;
	c.site = strdup(f[1]);
	c.service = strdup(f[2]);
	c.text = strdup(f[3]);
	if (c.site == NULL || c.service == NULL || c.text == NULL)
		goto oom;
	ch->c[ch->n++] = c;
	return 0;
oom:
	change_free(&c);
	snprintf(err, errlen, "out of memory");
	return -1;
}

int changes_load(struct changes *ch, const char *path, char *err, size_t errlen)
{
	memset(ch, 0, sizeof *ch);
	if (csvread_file(path, on_row, ch, err, errlen) != 0) {
		changes_free(ch);
		return -1;
	}
	return 0;
}

void changes_free(struct changes *ch)
{
	for (size_t i = 0; i < ch->n; i++)
		change_free(&ch->c[i]);
	free(ch->c);
	memset(ch, 0, sizeof *ch);
}

static int cmp_pair(const char *site_a, const char *svc_a, const char *site_b, const char *svc_b)
{
	int c = strcmp(site_a, site_b);

	return c ? c : strcmp(svc_a, svc_b);
}

/* The first index of days whose (site, service) is not before (site, service). */
static size_t lower_bound(const struct changes_day *days, size_t n, const char *site, const char *service)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (cmp_pair(days[mid].site, days[mid].service, site, service) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Fills the counts and figures of row from the day counts. */
static void evaluate(struct change_row *row, const struct changes_day *days, size_t ndays,
                     int64_t first_day, int64_t last_day)
{
	int64_t d = row->change->day;

	row->before_from = d - CHANGES_WINDOW_DAYS > first_day ? d - CHANGES_WINDOW_DAYS : first_day;
	row->before_to = d - 1 < last_day ? d - 1 : last_day;
	row->after_from = d > first_day ? d : first_day;
	row->after_to = d + CHANGES_WINDOW_DAYS - 1 < last_day ? d + CHANGES_WINDOW_DAYS - 1 : last_day;
	for (size_t i = lower_bound(days, ndays, row->site, row->service);
	     i < ndays && cmp_pair(days[i].site, days[i].service, row->site, row->service) == 0; i++) {
		if (days[i].day >= row->before_from && days[i].day <= row->before_to) {
			row->before_started += days[i].started;
			row->before_completed += days[i].completed;
		} else if (days[i].day >= row->after_from && days[i].day <= row->after_to) {
			row->after_started += days[i].started;
			row->after_completed += days[i].completed;
		}
	}
	row->before_rate = row->before_started ? (double)row->before_completed / row->before_started : NAN;
	row->after_rate = row->after_started ? (double)row->after_completed / row->after_started : NAN;
	if (stats_two_proportion_p(row->after_completed, row->after_started, row->before_completed,
				   row->before_started, &row->p_value) != 0)
		row->p_value = NAN;
}

int changes_evaluate(const struct changes *ch, const struct changes_pair *pairs, size_t npairs,
                     const struct changes_day *days, size_t ndays, int64_t first_day,
                     int64_t last_day, struct change_row **out, size_t *nout)
{
	size_t cap = 0, n = 0;
	struct change_row *rows = NULL, *nr;

	*out = NULL;
	*nout = 0;
	for (size_t i = 0; ch != NULL && i < ch->n; i++) {
		const struct change *c = &ch->c[i];
		int specific = !is_any(c->site) && !is_any(c->service);

		for (size_t k = 0; k < (specific ? 1 : npairs); k++) {
			struct change_row row;

			memset(&row, 0, sizeof row);
			row.change = c;
			if (specific) {
				row.site = c->site;
				row.service = c->service;
			} else if ((is_any(c->site) || strcmp(c->site, pairs[k].site) == 0) &&
				   (is_any(c->service) || strcmp(c->service, pairs[k].service) == 0)) {
				row.site = pairs[k].site;
				row.service = pairs[k].service;
			} else {
				continue;
			}
			evaluate(&row, days, ndays, first_day, last_day);
			nr = tab_grow(rows, &cap, n, sizeof *nr, 16);
			if (nr == NULL) {
				free(rows);
				return -1;
			}
			rows = nr;
			rows[n++] = row;
		}
	}
	*out = rows;
	*nout = n;
	return 0;
}
