/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * servicepage.c — one page per service and site; see servicepage.h. Every
 * figure from fewer than WORDS_FEW flows or ratings carries "wenige Daten";
 * a mean rating from fewer than --min-count ratings is not shown at all.
 */
#include "servicepage.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "labels.h"
#include "metrics.h"
#include "summary.h"
#include "trend.h"
#include "words.h"

void servicepage_href(char *out, size_t outlen, const struct model_service *s)
{
	snprintf(out, outlen, SERVICEPAGE_DIR "/%s_%s.html", s->site, s->service);
}

/* Device classes in a device table (the collector knows four). */
#define DEVICES_MAX 8

void servicepage_link(struct page *p, const struct model_service *s, int with_site)
{
	char href[300];

	servicepage_href(href, sizeof href, s);
	page_put(p, "<a href=\"");
	page_esc(p, p->root);
	page_esc(p, href);
	page_put(p, "\">");
	page_esc(p, s->name);
	if (with_site) {
		page_put(p, " (");
		page_esc(p, s->site_name);
		page_put(p, ")");
	}
	page_put(p, "</a>");
}

struct svc {
	struct page p;
	const struct model_result *r;
	const struct model_service *s;
	const struct html_opts *o;
	struct service_metrics m;
};

static const char *L(const struct svc *v, const char *de, const char *en)
{
	return page_L(&v->p, de, en);
}

static void key_figures(struct svc *v)
{
	const struct model_service *s = v->s;

	page_put(&v->p, "<dl class=\"kpi\">\n");
	page_kpi(&v->p, "Begonnene Vorgänge", "Attempts started");
	page_int(&v->p, s->started);
	page_put(&v->p, "</span>");
	page_kpi_end(&v->p);
	page_kpi(&v->p, "Abschlussquote", "Completion rate");
	page_kpi_rate(&v->p, s->completed, s->started);
	if (s->has_prev)
		page_change(&v->p, s->completed, s->started, s->prev_completed, s->prev_started, v->m.p_value);
	page_kpi_end(&v->p);
	page_kpi(&v->p, "Zeit bis zum Abschluss (Median)", "Time to complete (median)");
	page_kpi_time(&v->p, v->m.median_s, s->completed);
	page_kpi_end(&v->p);
	page_kpi(&v->p, "Zufriedenheit", "Satisfaction");
	page_kpi_rating(&v->p, v->m.rating_mean, s->ratings_n, v->o->min_count);
	page_kpi_end(&v->p);
	page_kpi(&v->p, "Eingabefehler", "Input errors");
	page_int(&v->p, s->field_errors);
	page_put(&v->p, "</span>");
	page_kpi_end(&v->p);
	page_put(&v->p, "</dl>\n");
}

/* The device funnels of the page's service (r->device_funnels is sorted by site, service, device). */
static size_t device_funnels(const struct svc *v, const struct model_device_funnel **out, size_t cap)
{
	size_t n = 0;

	for (size_t i = 0; i < v->r->ndevice_funnels && n < cap; i++) {
		const struct model_device_funnel *d = &v->r->device_funnels[i];

		if (strcmp(d->site, v->s->site) == 0 && strcmp(d->service, v->s->service) == 0 && d->started > 0)
			out[n++] = d;
	}
	return n;
}

/* The funnel split by device: for each step the share of each device's started attempts that reached it. */
static void device_table(struct svc *v)
{
	const struct model_device_funnel *d[DEVICES_MAX];
	size_t n = device_funnels(v, d, DEVICES_MAX);
	const struct model_service *s = v->s;

	if (n < 2)
		return;
	page_p(&v->p, "Nach Gerät: der Anteil der auf jedem Gerät begonnenen Vorgänge, der "
	                                       "jeden Schritt erreicht.",
	                                    "By device: the share of the attempts started on each device that reach "
	                                    "each step.");
	page_table(&v->p, L(v, "Schritte nach Gerät", "Steps by device"));
	page_th(&v->p, "Schritt", "Step", 0);
	for (size_t k = 0; k < n; k++) {
		page_put(&v->p, "<th scope=\"col\" class=\"n\">");
		page_esc(&v->p, words_device(d[k]->device, v->o->lang_en));
		page_put(&v->p, "</th>");
	}
	page_table_body(&v->p);
	page_printf(&v->p, "<tr data-step=\"started\"><th scope=\"row\">%s</th>", L(v, "Begonnen", "Started"));
	for (size_t k = 0; k < n; k++) {
		page_put(&v->p, "<td class=\"n\">");
		page_int(&v->p, d[k]->started);
		page_put(&v->p, "</td>");
	}
	page_put(&v->p, "</tr>\n");
	for (uint32_t step = 1; step <= s->nsteps + 1; step++) {
		int done = step > s->nsteps;

		if (done)
			page_printf(&v->p, "<tr data-step=\"done\"><th scope=\"row\">%s", L(v, "Abgeschlossen", "Completed"));
		else
			page_printf(&v->p, "<tr data-step=\"%u\"><th scope=\"row\">%u&nbsp;", step, step);
		if (!done)
			page_esc(&v->p, s->step_name[step]);
		page_put(&v->p, "</th>");
		for (size_t k = 0; k < n; k++) {
			page_put(&v->p, "<td class=\"n\">");
			page_rate(&v->p, done ? d[k]->completed : d[k]->reached[step], d[k]->started);
			page_put(&v->p, "</td>");
		}
		page_put(&v->p, "</tr>\n");
	}
	page_table_end(&v->p);
}

static void funnel_section(struct svc *v)
{
	const struct model_service *s = v->s;
	uint32_t worst = 0, worst_lost = 0;

	page_section(&v->p, "funnel", "Wo Menschen aufgeben", "Where people give up");
	if (s->started == 0) {
		page_p(&v->p, "Im Zeitraum wurde dieser Dienst nicht begonnen.",
			      "This service was not started in the period.");
		page_section_end(&v->p);
		return;
	}
	for (uint32_t k = 0; k <= s->nsteps; k++) {
		uint32_t lost = s->reached[k] - (k < s->nsteps ? s->reached[k + 1] : s->completed);

		if (lost > worst_lost) {
			worst_lost = lost;
			worst = k;
		}
	}
	page_p(&v->p, "Wie viele der begonnenen Vorgänge jeden Schritt erreichen, und wie viele vor dem "
		         "nächsten Schritt verloren gehen.",
		      "How many of the started attempts reach each step, and how many are lost before the next.");
	page_table(&v->p, L(v, "Schritte des Dienstes", "The service's steps"));
	page_th(&v->p, "Schritt", "Step", 0);
	page_th(&v->p, "Erreicht", "Reached", 0);
	page_th(&v->p, "Verloren vor dem nächsten Schritt", "Lost before the next step", 1);
	page_table_body(&v->p);
	for (uint32_t k = 0; k <= s->nsteps; k++) {
		uint32_t lost = s->reached[k] - (k < s->nsteps ? s->reached[k + 1] : s->completed);

		page_printf(&v->p, "<tr data-step=\"%u\"><th scope=\"row\">%u&nbsp;", k, k);
		page_esc(&v->p, k == 0 ? L(v, "Start", "Start") : s->step_name[k]);
		page_put(&v->p, "</th><td><span class=\"rate\">");
		page_rate(&v->p, s->reached[k], s->started);
		page_put(&v->p, "</span> ");
		if (s->started >= WORDS_FEW)
			page_share_bar(&v->p, metrics_rate(s->reached[k], s->started));
		page_put(&v->p, " <span class=\"sub reached\">");
		page_int(&v->p, s->reached[k]);
		page_put(&v->p, L(v, " erreicht", " reached"));
		page_put(&v->p, "</span></td><td class=\"n\"><span class=\"lost\">");
		page_int(&v->p, lost);
		page_put(&v->p, "</span>");
		if (k == worst && worst_lost > 0)
			page_printf(&v->p, " <span class=\"sub worst\">%s</span>", L(v, "größter Verlust", "largest loss"));
		page_put(&v->p, "</td></tr>\n");
	}
	page_printf(&v->p, "<tr data-step=\"done\"><th scope=\"row\">%s</th><td><span class=\"rate\">",
		    L(v, "Abgeschlossen", "Completed"));
	page_rate(&v->p, s->completed, s->started);
	page_put(&v->p, "</span> ");
	page_bar(&v->p, s->completed, s->started);
	page_put(&v->p, " <span class=\"sub reached\">");
	page_int(&v->p, s->completed);
	page_put(&v->p, L(v, " abgeschlossen", " completed"));
	page_put(&v->p, "</span></td><td></td></tr>\n");
	page_table_end(&v->p);
	device_table(v);
	page_section_end(&v->p);
}

/* The plain name of a field's error kind in the page's language, or the kind as sent. */
static const char *error_name(const struct svc *v, const struct model_field *f)
{
	const char *k = labels_error_kind(f->error, v->o->lang_en);

	return k != NULL ? k : f->error;
}

static void fields_section(struct svc *v)
{
	const struct model_result *r = v->r;
	size_t shown = 0;

	page_section(&v->p, "fields", "Eingabefehler", "Input errors");
	for (size_t i = 0; i < r->nfields; i++) {
		const struct model_field *f = &r->fields[i];

		if (strcmp(f->site, v->s->site) != 0 || strcmp(f->service, v->s->service) != 0)
			continue;
		if (shown++ == 0) {
			page_table(&v->p, L(v, "Felder mit Fehlermeldungen, die meisten Betroffenen zuerst",
			                    "Fields with error messages, most affected first"));
			page_th(&v->p, "Feld und Fehler", "Field and error", 0);
			page_th(&v->p, "Vorgänge", "Attempts", 1);
			page_th(&v->p, "Meldungen", "Messages", 1);
			page_table_body(&v->p);
		}
		page_put(&v->p, "<tr><th scope=\"row\"><span class=\"field\">");
		page_esc(&v->p, f->label);
		page_put(&v->p, "</span> <span class=\"sub error\">");
		page_esc(&v->p, error_name(v, f));
		page_put(&v->p, "</span></th><td class=\"n\">");
		page_int(&v->p, f->flows);
		page_put(&v->p, "</td><td class=\"n\">");
		page_int(&v->p, f->errors);
		page_put(&v->p, "</td></tr>\n");
	}
	if (shown)
		page_table_end(&v->p);
	else
		page_p(&v->p, "Keine Fehlermeldungen an Feldern im Zeitraum.",
		                                   "No field error messages in the period.");
	page_section_end(&v->p);
}

/* Bins of the time to complete: upper bounds in seconds and their names. */
static const double time_upper[] = { 60, 120, 300, 600, 1200, 1800, 3600, INFINITY };
static const char *const time_bin_de[] = { "unter 1 min", "1–2 min", "2–5 min", "5–10 min", "10–20 min",
	"20–30 min", "30–60 min", "über 60 min" };
static const char *const time_bin_en[] = { "under 1 min", "1–2 min", "2–5 min", "5–10 min", "10–20 min",
	"20–30 min", "30–60 min", "over 60 min" };
#define TIME_BINS (sizeof time_upper / sizeof time_upper[0])

static void time_section(struct svc *v)
{
	const struct model_service *s = v->s;
	uint32_t bins[TIME_BINS] = { 0 };

	page_section(&v->p, "time", "Dauer bis zum Abschluss", "Time to complete");
	if (s->completed == 0 || s->times == NULL) {
		page_p(&v->p, "Kein abgeschlossener Vorgang im Zeitraum.",
		                                   "No completed attempt in the period.");
		page_section_end(&v->p);
		return;
	}
	page_put(&v->p, "<p>");
	page_put(&v->p, L(v, "Median ", "Median "));
	page_duration(&v->p, v->m.median_s);
	if (!isnan(v->m.geomean_s)) {
		page_put(&v->p, L(v, ", geometrisches Mittel ", ", geometric mean "));
		page_duration(&v->p, v->m.geomean_s);
		if (!isnan(v->m.geomean_low)) {
			page_put(&v->p, " <span class=\"ci\">(95&nbsp;%: ");
			page_duration(&v->p, v->m.geomean_low);
			page_put(&v->p, "–");
			page_duration(&v->p, v->m.geomean_high);
			page_put(&v->p, ")</span>");
		}
	}
	page_put(&v->p, L(v, ", aus ", ", from "));
	page_int(&v->p, s->completed);
	page_put(&v->p, L(v, " abgeschlossenen Vorgängen.", " completed attempts."));
	if (s->completed < WORDS_FEW)
		page_few(&v->p);
	page_put(&v->p, "</p>\n");
	for (uint32_t k = 0; k < s->completed; k++) {
		size_t b = 0;

		while (b + 1 < TIME_BINS && s->times[k] >= time_upper[b])
			b++;
		bins[b]++;
	}
	page_table(&v->p, L(v, "Wie lange ein abgeschlossener Vorgang dauerte", "How long a completed attempt took"));
	page_th(&v->p, "Dauer", "Time", 0);
	page_th(&v->p, "Vorgänge", "Attempts", 1);
	page_th(&v->p, "Anteil", "Share", 0);
	page_table_body(&v->p);
	for (size_t b = 0; b < TIME_BINS; b++) {
		page_printf(&v->p, "<tr><th scope=\"row\">%s</th><td class=\"n\">", L(v, time_bin_de[b], time_bin_en[b]));
		page_int(&v->p, bins[b]);
		page_put(&v->p, "</td><td>");
		if (s->completed >= WORDS_FEW) {
			page_share_bar(&v->p, metrics_rate(bins[b], s->completed));
			page_pct(&v->p, metrics_rate(bins[b], s->completed), 0);
		}
		page_put(&v->p, "</td></tr>\n");
	}
	page_table_end(&v->p);
	page_section_end(&v->p);
}

static void ratings_section(struct svc *v)
{
	const struct model_service *s = v->s;

	page_section(&v->p, "ratings", "Bewertungen", "Ratings");
	if (s->ratings_n == 0) {
		page_p(&v->p, "Keine Bewertungen im Zeitraum.", "No ratings in the period.");
		page_section_end(&v->p);
		return;
	}
	page_put(&v->p, "<p>");
	if (s->ratings_n < v->o->min_count) {
		page_int(&v->p, s->ratings_n);
		page_put(&v->p, L(v, " Bewertungen: <span class=\"few\">zu wenige Bewertungen</span> für ein Mittel "
		                     "(es wird ab ",
		                  " ratings: <span class=\"few\">too few ratings</span> for a mean (shown from "));
		page_int(&v->p, v->o->min_count);
		page_put(&v->p, L(v, " gezeigt).", ")."));
	} else {
		page_put(&v->p, L(v, "Mittel ", "Mean "));
		page_num(&v->p, v->m.rating_mean, 1);
		page_put(&v->p, L(v, " von 5", " of 5"));
		if (!isnan(v->m.rating_low)) {
			page_put(&v->p, " <span class=\"ci\">(95&nbsp;%: ");
			page_num(&v->p, v->m.rating_low, 1);
			page_put(&v->p, "–");
			page_num(&v->p, v->m.rating_high, 1);
			page_put(&v->p, ")</span>");
		}
		page_put(&v->p, L(v, ", aus ", ", from "));
		page_int(&v->p, s->ratings_n);
		page_put(&v->p, L(v, " Bewertungen", " ratings"));
		if (s->ratings_n < WORDS_FEW)
			page_few(&v->p);
		else {
			page_put(&v->p, L(v, "; 4 oder 5 Sterne: ", "; 4 or 5 stars: "));
			page_pct(&v->p, v->m.rating_share_good, 0);
		}
		page_put(&v->p, ".");
	}
	page_put(&v->p, "</p>\n");
	page_table(&v->p, L(v, "Verteilung der Bewertungen", "Distribution of ratings"));
	page_th(&v->p, "Sterne", "Stars", 0);
	page_th(&v->p, "Anzahl", "Count", 1);
	page_th(&v->p, "Anteil", "Share", 0);
	page_table_body(&v->p);
	for (int k = 5; k >= 1; k--) {
		page_printf(&v->p, "<tr><th scope=\"row\">%d</th><td class=\"n\">", k);
		page_int(&v->p, s->ratings[k]);
		page_put(&v->p, "</td><td>");
		if (s->ratings_n >= WORDS_FEW) {
			page_share_bar(&v->p, metrics_rate(s->ratings[k], s->ratings_n));
			page_pct(&v->p, metrics_rate(s->ratings[k], s->ratings_n), 0);
		}
		page_put(&v->p, "</td></tr>\n");
	}
	page_table_end(&v->p);
	page_section_end(&v->p);
}

static void trend_section(struct svc *v)
{
	const struct model_service *s = v->s;
	struct trend_week w[TREND_MAX_WEEKS];
	size_t n = trend_weeks(v->r, s->site, s->service, w, TREND_MAX_WEEKS);
	char name[CHART_NAME_MAX], week[16];

	page_section(&v->p, "trend", "Verlauf", "Trend");
	if (n == 0) {
		page_p(&v->p, "Keine begonnenen Vorgänge im Zeitraum.",
		                                   "No attempts started in the period.");
		page_section_end(&v->p);
		return;
	}
	if (v->o->charts) {
		chart_name_service(name, sizeof name, "weekly", s->site, s->service);
		page_figure(&v->p, name, CHART_WIDTH, CHART_WEEKLY_HEIGHT,
			    L(v, "Abschlussquote je Woche mit 95-%-Intervall; die Werte stehen in der Tabelle darunter.",
			      "Completion rate by week with 95 % interval; the values are in the table below."),
			    L(v, "Abschlussquote je Woche mit 95-%-Intervall (Band). Grau: Woche noch nicht vollständig; "
			         "hohle Punkte: wenige Daten; gestrichelt: Änderungen (Nummern wie unten).",
			      "Completion rate by week with 95 % interval (band). Grey: week not complete yet; hollow "
			      "points: little data; dashed: changes (numbered as below)."));
	}
	page_table(&v->p, L(v, "Abschlussquote Woche für Woche", "Completion rate week by week"));
	page_th(&v->p, "Woche", "Week", 0);
	page_th(&v->p, "Begonnen", "Started", 1);
	page_th(&v->p, "Abschlussquote", "Completion rate", 0);
	page_table_body(&v->p);
	for (size_t k = 0; k < n; k++) {
		trend_week_name(week, sizeof week, w[k].monday, v->o->lang_en);
		page_printf(&v->p, "<tr data-monday=\"%lld\"><th scope=\"row\">%s", (long long)w[k].monday, week);
		if (!w[k].complete)
			page_printf(&v->p, " <span class=\"sub\">%s</span>", L(v, "unvollständig", "incomplete"));
		page_put(&v->p, "</th><td class=\"n\">");
		page_int(&v->p, w[k].started);
		page_put(&v->p, "</td><td><span class=\"rate\">");
		page_rate(&v->p, w[k].completed, w[k].started);
		page_put(&v->p, "</span> ");
		page_bar(&v->p, w[k].completed, w[k].started);
		page_ci(&v->p, w[k].completed, w[k].started);
		page_put(&v->p, "</td></tr>\n");
	}
	page_table_end(&v->p);
	page_section_end(&v->p);
}

void servicepage_changes(struct page *p, const struct model_result *r, const char *site, const char *service)
{
	unsigned *numbers;
	size_t shown = 0;
	char day[11];

	numbers = calloc(r->nchanges + 1, sizeof *numbers);
	if (numbers == NULL)
		return;
	trend_change_numbers(r, numbers);
	for (size_t i = 0; i < r->nchanges; i++) {
		const struct change_row *c = &r->changes[i];
		const struct model_service *s = summary_service(r, c->site, c->service);

		if (site != NULL && (strcmp(c->site, site) != 0 || strcmp(c->service, service) != 0))
			continue;
		if (shown++ == 0) {
			page_printf(p, "<p>%s</p>\n",
				    page_L(p, "Wirkung: die Abschlussquote der Vorgänge, die in den 28 Tagen vor der Änderung "
				              "begonnen wurden, und derer ab dem Tag der Änderung (28 Tage), soweit Daten da "
				              "sind; der z-Test sagt, ob der Unterschied mehr als Zufall ist.",
				           "Effect: the completion rate of the attempts started in the 28 days before the change "
				           "and of those from its day on (28 days), as far as there are data; the z-test says "
				           "whether the difference is more than chance."));
			page_table(p, page_L(p, "Änderungen und ihre Wirkung", "Changes and their effect"));
			page_th(p, "Nr. und Datum", "No. and date", 0);
			page_th(p, "Änderung", "Change", 0);
			page_th(p, "Abschlussquote vorher → nachher", "Completion rate before → after", 0);
			page_table_body(p);
		}
		words_date(day, c->change->day, p->lang_en);
		page_printf(p, "<tr data-change=\"%zu\"><th scope=\"row\">%u <span class=\"sub\">%s</span></th><td>", i,
			    numbers[i], day);
		page_esc(p, c->change->text);
		if (site == NULL) {
			page_put(p, " <span class=\"sub\">");
			if (s != NULL) {
				servicepage_link(p, s, 1);
			} else {
				page_esc(p, c->service);
				page_put(p, " (");
				page_esc(p, c->site);
				page_put(p, ")");
			}
			page_put(p, "</span>");
		}
		page_put(p, "</td><td><span class=\"before\">");
		page_rate(p, c->before_completed, c->before_started);
		page_put(p, "</span> → <span class=\"after\">");
		page_rate(p, c->after_completed, c->after_started);
		page_put(p, "</span> <span class=\"sub verdict\">");
		page_esc(p, summary_change_verdict(c, p->lang_en));
		page_put(p, "</span></td></tr>\n");
	}
	if (shown)
		page_table_end(p);
	free(numbers);
}

int servicepage_write(const struct model_result *r, size_t i, const struct html_opts *o,
                      const struct page_head *head, const char *dir, char *err, size_t errlen)
{
	struct svc v = { .r = r, .s = &r->services[i], .o = o };
	struct page_head h = *head;
	char rel[300], path[4400], title[400];

	metrics_service(v.s, &v.m);
	servicepage_href(rel, sizeof rel, v.s);
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	snprintf(title, sizeof title, "%s – %s", v.s->name, v.s->site_name);
	h.title = title;
	h.sites = NULL;
	h.back = 1;
	if (page_open(&v.p, path, o->lang_en, "../", &h, err, errlen) != 0)
		return -1;
	page_main(&v.p);
	if (v.s->category[0] != '\0') {
		page_printf(&v.p, "<p class=\"meta\">%s", L(&v, "Themenfeld: ", "Category: "));
		page_esc(&v.p, v.s->category);
		page_put(&v.p, "</p>\n");
	}
	key_figures(&v);
	funnel_section(&v);
	fields_section(&v);
	time_section(&v);
	ratings_section(&v);
	trend_section(&v);
	if (r->nchanges > 0) {
		page_section(&v.p, "changes", "Änderungen", "Changes");
		servicepage_changes(&v.p, r, v.s->site, v.s->service);
		page_section_end(&v.p);
	}
	return page_close(&v.p, err, errlen);
}
