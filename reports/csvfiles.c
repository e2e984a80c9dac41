/* SPDX-License-Identifier: EUPL-1.2 */
/* csvfiles.c — one function per CSV file of REPORT.md; see csvfiles.h. */
#include "csvfiles.h"

#include <math.h>
#include <string.h>

#include "causes.h"
#include "metrics.h"
#include "period.h"
#include "tz.h"

#define OTHERS "(weitere)"

static void write_services(struct csvout *c, const struct model_result *r, int compare)
{
	static const char *const cols[] = { "site", "service", "name", "category", "started",
		"completed", "completion_rate", "ci_low", "ci_high", "median_s", "geomean_s",
		"geomean_ci_low", "geomean_ci_high", "field_errors", "ratings", "rating_mean", NULL };
	static const char *const prev_cols[] = { "prev_started", "prev_completed",
		"prev_completion_rate", "p_value", NULL };

	for (size_t i = 0; cols[i] != NULL; i++)
		csvout_text(c, cols[i]);
	for (size_t i = 0; compare && prev_cols[i] != NULL; i++)
		csvout_text(c, prev_cols[i]);
	csvout_end_row(c);
	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *s = &r->services[i];
		struct service_metrics m;

		metrics_service(s, &m);
		csvout_text(c, s->site);
		csvout_text(c, s->service);
		csvout_text(c, s->name);
		csvout_text(c, s->category);
		csvout_uint(c, s->started);
		csvout_uint(c, s->completed);
		csvout_num(c, m.rate, 4);
		csvout_num(c, m.ci_low, 4);
		csvout_num(c, m.ci_high, 4);
		csvout_num(c, m.median_s, 1);
		csvout_num(c, m.geomean_s, 1);
		csvout_num(c, m.geomean_low, 1);
		csvout_num(c, m.geomean_high, 1);
		csvout_uint(c, s->field_errors);
		csvout_uint(c, s->ratings_n);
		csvout_num(c, m.rating_mean, 2);
		if (compare) {
			csvout_uint(c, s->prev_started);
			csvout_uint(c, s->prev_completed);
			csvout_num(c, m.prev_rate, 4);
			csvout_num(c, m.p_value, 4);
		}
		csvout_end_row(c);
	}
}

static void write_funnel(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "site", "service", "step", "step_name", "reached",
		"share_of_started", "lost_before_next", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *s = &r->services[i];

		for (uint32_t k = 0; k <= s->nsteps; k++) {
			uint32_t next = k < s->nsteps ? s->reached[k + 1] : s->completed;

			csvout_text(c, s->site);
			csvout_text(c, s->service);
			csvout_uint(c, k);
			csvout_text(c, s->step_name[k]);
			csvout_uint(c, s->reached[k]);
			csvout_num(c, metrics_rate(s->reached[k], s->started), 4);
			csvout_uint(c, s->reached[k] - next);
			csvout_end_row(c);
		}
	}
}

static void write_fields(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "site", "service", "field", "error", "errors",
		"flows_affected", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->nfields; i++) {
		const struct model_field *f = &r->fields[i];

		csvout_text(c, f->site);
		csvout_text(c, f->service);
		csvout_text(c, f->field);
		csvout_text(c, f->error);
		csvout_uint(c, f->errors);
		csvout_uint(c, f->flows);
		csvout_end_row(c);
	}
}

static void write_search(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "site", "query", "searches", "visits",
		"zero_result_searches", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->nsearches; i++) {
		const struct model_item *q = &r->searches[i];

		csvout_text(c, q->site);
		csvout_text(c, q->key ? q->key : OTHERS);
		csvout_uint(c, q->count);
		csvout_uint(c, q->visits);
		csvout_uint(c, q->zero);
		csvout_end_row(c);
	}
}

static void write_pages(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "site", "path", "pageviews", "visits",
		"median_engaged_s", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->npages; i++) {
		const struct model_item *p = &r->pages[i];

		csvout_text(c, p->site);
		csvout_text(c, p->key ? p->key : OTHERS);
		csvout_uint(c, p->count);
		csvout_uint(c, p->visits);
		csvout_num(c, p->median_engaged_s, 1);
		csvout_end_row(c);
	}
}

static void write_outlinks(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "site", "host", "clicks", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->noutlinks; i++) {
		const struct model_item *o = &r->outlinks[i];

		csvout_text(c, o->site);
		csvout_text(c, o->key ? o->key : OTHERS);
		csvout_uint(c, o->count);
		csvout_end_row(c);
	}
}

static void write_daily(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "site", "date", "visits", "pageviews", "started",
		"completed", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->ndays; i++) {
		const struct model_day *d = &r->days[i];
		char date[11];

		tz_format_day(d->day, date);
		csvout_text(c, d->site);
		csvout_text(c, date);
		if (r->any_keyed)
			csvout_uint(c, d->visits);
		else
			csvout_empty(c);
		csvout_uint(c, d->pageviews);
		csvout_uint(c, d->started);
		csvout_uint(c, d->completed);
		csvout_end_row(c);
	}
}

static void write_devices(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "site", "device", "visits", "started", "completed",
		"completion_rate", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->ndevices; i++) {
		const struct model_device *d = &r->devices[i];

		csvout_text(c, d->site);
		csvout_text(c, d->device);
		if (r->any_keyed)
			csvout_uint(c, d->visits);
		else
			csvout_empty(c);
		csvout_uint(c, d->started);
		csvout_uint(c, d->completed);
		csvout_num(c, metrics_rate(d->completed, d->started), 4);
		csvout_end_row(c);
	}
}

static void write_feedback(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "site", "service", "rating", "count", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->nfeedback; i++) {
		const struct model_feedback *f = &r->feedback[i];

		for (int k = 1; k <= 5; k++) {
			csvout_text(c, f->site);
			csvout_text(c, f->service);
			csvout_uint(c, (uint64_t)k);
			csvout_uint(c, f->counts[k]);
			csvout_end_row(c);
		}
	}
}

static void write_problems(struct csvout *c, const struct problem *p, size_t n)
{
	static const char *const cols[] = { "rank", "site", "service", "step", "kind", "affected",
		"detail", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < n; i++) {
		csvout_uint(c, i + 1);
		csvout_text(c, p[i].site);
		csvout_text(c, p[i].service);
		if (p[i].step >= 0)
			csvout_uint(c, (uint64_t)p[i].step);
		else
			csvout_empty(c);
		csvout_text(c, problems_kind_name(p[i].kind));
		csvout_uint(c, p[i].affected);
		csvout_text(c, p[i].detail_de);
		csvout_end_row(c);
	}
}

static void write_causes(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "rank", "kind", "cause", "label", "affected", "sites", "services",
		"detail", "action", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->ncauses; i++) {
		const struct cause *k = &r->causes[i];

		csvout_uint(c, i + 1);
		csvout_text(c, causes_kind_name(k->kind));
		csvout_text(c, k->key);
		csvout_text(c, k->label);
		csvout_uint(c, k->affected);
		csvout_uint(c, k->sites);
		csvout_uint(c, k->services);
		csvout_text(c, k->detail);
		csvout_text(c, k->action);
		csvout_end_row(c);
	}
}

static void write_weekly(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "site", "service", "week", "started", "completed", "completion_rate",
		"ci_low", "ci_high", "complete_week", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->nweeks; i++) {
		const struct model_week *w = &r->weeks[i];
		char week[PERIOD_WEEK_LEN];
		double lo, hi, rate = metrics_completion(w->completed, w->started, &lo, &hi);

		period_format_week(w->monday, week);
		csvout_text(c, w->site);
		csvout_text(c, w->service);
		csvout_text(c, week);
		csvout_uint(c, w->started);
		csvout_uint(c, w->completed);
		csvout_num(c, rate, 4);
		csvout_num(c, lo, 4);
		csvout_num(c, hi, 4);
		csvout_uint(c, (uint64_t)w->complete);
		csvout_end_row(c);
	}
}

static void write_changes(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "date", "site", "service", "text", "before_started",
		"before_completed", "after_started", "after_completed", "before_rate", "after_rate", "p_value", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->nchanges; i++) {
		const struct change_row *x = &r->changes[i];
		char date[11];

		tz_format_day(x->change->day, date);
		csvout_text(c, date);
		csvout_text(c, x->site);
		csvout_text(c, x->service);
		csvout_text(c, x->change->text);
		csvout_uint(c, x->before_started);
		csvout_uint(c, x->before_completed);
		csvout_uint(c, x->after_started);
		csvout_uint(c, x->after_completed);
		csvout_num(c, x->before_rate, 4);
		csvout_num(c, x->after_rate, 4);
		csvout_num(c, x->p_value, 4);
		csvout_end_row(c);
	}
}

static void write_quality(struct csvout *c, const struct model_result *r)
{
	static const char *const cols[] = { "reason", "count", NULL };

	csvout_header(c, cols);
	for (size_t i = 0; i < r->nrejects; i++) {
		csvout_text(c, r->rejects[i].reason);
		csvout_uint(c, (uint64_t)r->rejects[i].count);
		csvout_end_row(c);
	}
}

int csvfiles_write(const struct model_result *r, const struct problem *problems, size_t nproblems,
                   enum csv_dialect dialect, int compare, int changes, const char *dir, char *err,
                   size_t errlen)
{
	static const char *const names[] = { "services.csv", "funnel.csv", "fields.csv",
		"search.csv", "pages.csv", "outlinks.csv", "daily.csv", "devices.csv",
		"feedback.csv", "problems.csv", "quality.csv", "causes.csv", "weekly.csv", "changes.csv" };

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		struct csvout c;

		if (i == 13 && !changes)
			break;
		if (csvout_open(&c, dir, names[i], dialect, err, errlen) != 0)
			return -1;
		switch (i) {
		case 0: write_services(&c, r, compare); break;
		case 1: write_funnel(&c, r); break;
		case 2: write_fields(&c, r); break;
		case 3: write_search(&c, r); break;
		case 4: write_pages(&c, r); break;
		case 5: write_outlinks(&c, r); break;
		case 6: write_daily(&c, r); break;
		case 7: write_devices(&c, r); break;
		case 8: write_feedback(&c, r); break;
		case 9: write_problems(&c, problems, nproblems); break;
		case 10: write_quality(&c, r); break;
		case 11: write_causes(&c, r); break;
		case 12: write_weekly(&c, r); break;
		default: write_changes(&c, r); break;
		}
		if (csvout_close(&c, names[i], err, errlen) != 0)
			return -1;
	}
	return 0;
}
