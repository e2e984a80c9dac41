/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * html.c — writes index.html section by section and has servicepage.c
 * write a page per service and site. Text comes in German and English
 * pairs (page_L); every string from the database or the catalogue goes
 * through page_esc; numbers are formatted by words.c through page.c.
 * Charts are referenced as files (charts/NAME.svg), never inlined.
 */
#include "html.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "causes.h"
#include "chart.h"
#include "labels.h"
#include "metrics.h"
#include "page.h"
#include "servicepage.h"
#include "summary.h"
#include "trend.h"
#include "tz.h"
#include "words.h"

/* Rows of the search, page and link tables on index.html (the CSV files have all). */
#define TOP_ROWS 10
/* Up to this many sites the page head names them; beyond, it counts them. */
#define HEAD_SITES_MAX 6
/* Rows of the services table on index.html; every service's page is linked below it. */
#define SERVICES_MAX 20

struct html {
	struct page p;
	const struct html_opts *o;
	const struct model_result *r;
	const char *dir;
	const struct model_service **order; /* worst completion rate first */
};

static const char *L(const struct html *h, const char *de, const char *en)
{
	return page_L(&h->p, de, en);
}

/* Writes "first – last" of the period into out, naming the data's days when the period is open. */
static void period_text(char *out, size_t outlen, const struct model_result *r, const char *from, const char *to,
                        int lang_en)
{
	char a[11] = "", b[11] = "";
	int64_t day;

	if (from != NULL && tz_parse_date(from, &day) == 0)
		words_date(a, day, lang_en);
	else if (r->ndays > 0)
		words_date(a, r->days[0].day, lang_en);
	if (to != NULL && tz_parse_date(to, &day) == 0)
		words_date(b, day, lang_en);
	else if (r->ndays > 0)
		words_date(b, r->days[r->ndays - 1].day, lang_en);
	if (a[0] == '\0' && b[0] == '\0')
		snprintf(out, outlen, "%s", lang_en ? "no data" : "keine Daten");
	else
		snprintf(out, outlen, "%s – %s", a, b);
}

/* The name of a site key (from --sites, or the key). */
static const char *site_name(const struct model_result *r, const char *site)
{
	for (size_t i = 0; i < r->nsites; i++) {
		if (strcmp(r->sites[i], site) == 0)
			return r->site_names[i];
	}
	return site;
}

/* ---- order of the services: worst completion rate first ------------------ */

/* Services with 10 or more started first, by rate ascending; then those with fewer; then none started. */
static int cmp_worst(const void *a, const void *b)
{
	const struct model_service *x = *(const struct model_service *const *)a;
	const struct model_service *y = *(const struct model_service *const *)b;
	int gx = x->started == 0 ? 2 : x->started < WORDS_FEW ? 1 : 0;
	int gy = y->started == 0 ? 2 : y->started < WORDS_FEW ? 1 : 0;
	double rx, ry;

	if (gx != gy)
		return gx - gy;
	rx = gx == 2 ? 0 : (double)x->completed / x->started;
	ry = gy == 2 ? 0 : (double)y->completed / y->started;
	if (rx != ry)
		return rx < ry ? -1 : 1;
	if (x->started != y->started)
		return x->started > y->started ? -1 : 1;
	return x < y ? -1 : x > y; /* the services array's order: site, service */
}

/* ---- sections ------------------------------------------------------------- */

static void nav(struct html *h)
{
	static const struct {
		const char *id, *de, *en;
		int multi; /* only with several sites */
	} items[] = {
		{ "summary", "Das Wichtigste", "Key points", 0 },
		{ "causes", "Handlungsbedarf", "What to fix first", 0 },
		{ "services", "Online-Dienste", "Online services", 0 },
		{ "trends", "Verlauf", "Trend", 0 },
		{ "regions", "Regionaler Vergleich", "Regional comparison", 1 },
		{ "search", "Suche", "Search", 0 },
		{ "pages", "Seiten und Links", "Pages and links", 0 },
		{ "devices", "Geräte", "Devices", 0 },
		{ "quality", "Datenqualität", "Data quality", 0 },
		{ "methods", "Methoden und Begriffe", "Methods and terms", 0 },
	};

	page_printf(&h->p, "<nav aria-label=\"%s\"><ul>", L(h, "Inhalt", "Contents"));
	for (size_t i = 0; i < sizeof items / sizeof items[0]; i++) {
		if (items[i].multi && h->r->nsites < 2)
			continue;
		page_printf(&h->p, "<li><a href=\"#%s\">%s</a></li>", items[i].id, L(h, items[i].de, items[i].en));
	}
	page_put(&h->p, "</ul></nav>\n");
}

/* The change of the total completion rate against the comparison period, under its key figure. */
static void total_change(struct html *h)
{
	struct model_service t;
	struct service_metrics m;

	summary_total(h->r, &t);
	metrics_service(&t, &m);
	page_change(&h->p, t.completed, t.started, t.prev_completed, t.prev_started, m.p_value);
}

/* A count of the comparison period and the change in per cent, under its key figure. */
static void count_change(struct html *h, uint64_t now, uint64_t before)
{
	page_before(&h->p);
	page_int(&h->p, before);
	if (before > 0) {
		double pct = 100.0 * ((double)now - (double)before) / (double)before;

		page_put(&h->p, pct > 0 ? " · +" : pct < 0 ? " · −" : " · ±");
		page_num(&h->p, fabs(pct), 1);
		page_put(&h->p, "&nbsp;%");
	}
	page_put(&h->p, "</span>");
}

/* A small daily line beside a key figure, when charts were drawn. */
static void spark(struct html *h, const char *name, const char *alt)
{
	if (!h->o->charts || h->r->ndays == 0)
		return;
	page_printf(&h->p, "<img src=\"charts/%s.svg\" width=\"%u\" height=\"%u\" alt=\"", name, CHART_SPARK_WIDTH,
		    CHART_SPARK_HEIGHT);
	page_esc(&h->p, alt);
	page_put(&h->p, "\">");
}

static void key_figures(struct html *h)
{
	const struct model_result *r = h->r;
	const struct model_service *t = &r->total;
	struct service_metrics m;

	metrics_service(t, &m);
	page_put(&h->p, "<dl class=\"kpi\">\n");
	page_kpi(&h->p, "Besuche", "Visits");
	if (r->any_keyed)
		page_int(&h->p, r->visits_total);
	else
		page_put(&h->p, "–");
	page_put(&h->p, "</span>");
	if (h->o->compare && r->prev.has && r->any_keyed && r->prev.any_keyed)
		count_change(h, r->visits_total, r->prev.visits);
	if (r->any_keyed)
		spark(h, "spark-visits", L(h, "Linie der Besuche je Tag im Zeitraum", "Line of the visits per day in the period"));
	page_kpi_end(&h->p);
	page_kpi(&h->p, "Begonnene Vorgänge", "Attempts started");
	page_int(&h->p, t->started);
	page_put(&h->p, "</span>");
	if (h->o->compare && r->prev.has)
		count_change(h, t->started, r->prev.started);
	spark(h, "spark-started",
	      L(h, "Linie der begonnenen Vorgänge je Tag im Zeitraum", "Line of the attempts started per day in the period"));
	page_kpi_end(&h->p);
	page_kpi(&h->p, "Abschlussquote", "Completion rate");
	page_kpi_rate(&h->p, t->completed, t->started);
	if (h->o->compare)
		total_change(h);
	if (r->nweeks > 0)
		spark(h, "spark-rate", L(h, "Linie der Abschlussquote je Woche im Zeitraum",
		                         "Line of the completion rate per week in the period"));
	page_kpi_end(&h->p);
	page_kpi(&h->p, "Zeit bis zum Abschluss (Median)", "Time to complete (median)");
	page_kpi_time(&h->p, m.median_s, t->completed);
	if (h->o->compare && r->prev.has && !isnan(r->prev.median_s)) {
		page_before(&h->p);
		page_duration(&h->p, r->prev.median_s);
		page_put(&h->p, "</span>");
	}
	page_kpi_end(&h->p);
	page_kpi(&h->p, "Zufriedenheit", "Satisfaction");
	page_kpi_rating(&h->p, m.rating_mean, t->ratings_n, h->o->min_count);
	if (h->o->compare && r->prev.has && !isnan(r->prev.rating_mean)) {
		page_before(&h->p);
		page_num(&h->p, r->prev.rating_mean, 1);
		page_put(&h->p, L(h, " von 5</span>", " of 5</span>"));
	}
	page_kpi_end(&h->p);
	page_kpi(&h->p, "Eingabefehler je Vorgang", "Input errors per attempt");
	if (t->started > 0)
		page_num(&h->p, (double)t->field_errors / t->started, 2);
	else
		page_put(&h->p, "–");
	page_put(&h->p, "</span>");
	if (t->started > 0 && t->started < WORDS_FEW)
		page_few(&h->p);
	if (h->o->compare && r->prev.has && r->prev.started > 0) {
		page_before(&h->p);
		page_num(&h->p, (double)r->prev.field_errors / r->prev.started, 2);
		page_put(&h->p, "</span>");
	}
	page_kpi_end(&h->p);
	page_put(&h->p, "</dl>\n");
}

static void summary_section(struct html *h)
{
	struct summary sum;

	summary_build(h->r, h->o->compare, h->o->lang_en, &sum);
	page_section(&h->p, "summary", "Das Wichtigste", "Key points");
	if (sum.n > 0) {
		page_put(&h->p, "<ul class=\"key\">\n");
		for (size_t i = 0; i < sum.n; i++) {
			page_put(&h->p, "<li>");
			page_esc(&h->p, sum.sentence[i]);
			page_put(&h->p, "</li>\n");
		}
		page_put(&h->p, "</ul>\n");
	}
	key_figures(h);
	page_section_end(&h->p);
}

/* Places of a cause named on index.html; the rest are counted. */
#define CAUSE_PLACES_MAX 3
/* Causes listed on index.html (causes.csv has all). */
#define CAUSES_MAX 8

/* "922 Vorgänge betroffen · 7 Dienste · 3 Portale" under a cause's name. */
static void cause_counts(struct html *h, const struct cause *c)
{
	page_put(&h->p, "<p class=\"sub\"><span class=\"affected\">");
	page_int(&h->p, c->affected);
	page_put(&h->p, "</span> ");
	page_put(&h->p, summary_unit(c->kind, h->o->lang_en));
	if (c->services > 0) {
		page_put(&h->p, " · ");
		page_int(&h->p, c->services);
		page_put(&h->p, c->services == 1 ? L(h, " Dienst", " service") : L(h, " Dienste", " services"));
	}
	page_put(&h->p, " · ");
	page_int(&h->p, c->sites);
	page_put(&h->p, c->sites == 1 ? L(h, " Portal", " site") : L(h, " Portale", " sites"));
	page_put(&h->p, "</p>\n");
}

/* The places of a cause: links to the pages of the services concerned, the largest first. */
static void cause_places(struct html *h, const struct cause *c)
{
	size_t shown = 0;

	page_printf(&h->p, "<p class=\"places\">%s ", L(h, "Betroffen:", "Where:"));
	for (size_t i = 0; i < c->nplaces && shown < CAUSE_PLACES_MAX; i++, shown++) {
		const struct cause_place *pl = &c->places[i];
		const struct model_service *s = pl->service[0] ? summary_service(h->r, pl->site, pl->service) : NULL;

		if (shown)
			page_put(&h->p, " · ");
		if (s != NULL) {
			servicepage_link(&h->p, s, 1);
		} else if (c->kind == CAUSE_SEARCH) {
			page_put(&h->p, "<a href=\"#search\">");
			page_esc(&h->p, site_name(h->r, pl->site));
			page_put(&h->p, "</a>");
		} else {
			page_esc(&h->p, site_name(h->r, pl->site));
		}
		page_put(&h->p, ": ");
		page_int(&h->p, pl->affected);
	}
	if (c->nplaces > shown) {
		page_put(&h->p, L(h, " · und ", " · and "));
		page_int(&h->p, c->nplaces - shown);
		page_put(&h->p, L(h, " weitere", " more"));
	}
	page_put(&h->p, "</p>\n");
}

static void causes_section(struct html *h)
{
	const struct model_result *r = h->r;
	size_t n = r->ncauses < CAUSES_MAX ? r->ncauses : CAUSES_MAX;
	char title[400];

	page_section(&h->p, "causes", "Handlungsbedarf", "What to fix first");
	if (r->ncauses == 0) {
		page_p(&h->p, "Keine auffälligen Probleme im Zeitraum.", "No notable problems in this period.");
		page_section_end(&h->p);
		return;
	}
	page_printf(&h->p, "<p>%s</p>\n<ol class=\"causes\">\n",
		    L(h, "Die größten Hürden des Zeitraums, über alle Dienste und Portale zusammengefasst und nach der "
		         "Zahl der Betroffenen geordnet, jede mit einem Vorschlag.",
		      "The biggest obstacles of the period, each summed over all services and sites, ordered by how "
		      "many are affected, each with a suggestion."));
	for (size_t i = 0; i < n; i++) {
		const struct cause *c = &r->causes[i];

		page_printf(&h->p, "<li id=\"cause-%zu\" data-kind=\"%s\" data-cause=\"", i + 1, causes_kind_name(c->kind));
		page_esc(&h->p, c->key);
		page_put(&h->p, "\"><h3>");
		summary_cause_title(title, sizeof title, c, h->o->lang_en);
		page_esc(&h->p, title);
		page_put(&h->p, "</h3>\n");
		cause_counts(h, c);
		page_printf(&h->p, "<p class=\"action\"><strong>%s</strong> ", L(h, "Vorschlag:", "Suggestion:"));
		page_esc(&h->p, h->o->lang_en ? c->action_en : c->action);
		page_put(&h->p, "</p>\n");
		cause_places(h, c);
		page_put(&h->p, "</li>\n");
	}
	page_put(&h->p, "</ol>\n");
	if (r->ncauses > n) {
		page_put(&h->p, "<p>");
		page_put(&h->p, L(h, "Alle ", "All "));
		page_int(&h->p, r->ncauses);
		page_put(&h->p, L(h, " Ursachen stehen in causes.csv.</p>\n", " causes are in causes.csv.</p>\n"));
	}
	page_section_end(&h->p);
}

/* A rate with its bar on one line and its interval below it. */
static void rate_cell(struct html *h, uint64_t x, uint64_t n)
{
	page_put(&h->p, "<span class=\"rate\">");
	page_rate(&h->p, x, n);
	page_put(&h->p, "</span> ");
	page_bar(&h->p, x, n);
	page_ci(&h->p, x, n);
}

/* rate_cell for a service, with its change against the comparison period. */
static void service_rate_cell(struct html *h, const struct model_service *s)
{
	struct service_metrics m;

	rate_cell(h, s->completed, s->started);
	if (!s->has_prev)
		return;
	metrics_service(s, &m);
	page_change(&h->p, s->completed, s->started, s->prev_completed, s->prev_started, m.p_value);
}

/* The list of every service page, site by site: names as links. */
static void page_directory(struct html *h)
{
	const struct model_result *r = h->r;

	page_printf(&h->p, "<h3 id=\"all-services\">%s</h3>\n<dl class=\"dir\">\n",
		    L(h, "Alle Seiten der Dienste", "Every service's page"));
	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *s = &r->services[i];
		int first = i == 0 || strcmp(r->services[i - 1].site, s->site) != 0;
		int last = i + 1 == r->nservices || strcmp(r->services[i + 1].site, s->site) != 0;

		if (first) {
			page_put(&h->p, "<dt>");
			page_esc(&h->p, s->site_name);
			page_put(&h->p, "</dt><dd>");
		}
		servicepage_link(&h->p, s, 0);
		page_put(&h->p, last ? "</dd>\n" : " · ");
	}
	page_put(&h->p, "</dl>\n");
}

static void services_section(struct html *h)
{
	const struct model_result *r = h->r;
	size_t shown = r->nservices < SERVICES_MAX ? r->nservices : SERVICES_MAX;

	page_section(&h->p, "services", "Online-Dienste", "Online services");
	if (r->nservices == 0) {
		page_p(&h->p, "Keine Daten.", "No data.");
		page_section_end(&h->p);
		return;
	}
	page_put(&h->p, "<p>");
	if (shown < r->nservices) {
		page_put(&h->p, L(h, "Die ", "The "));
		page_int(&h->p, shown);
		page_put(&h->p, L(h, " von ", " of "));
		page_int(&h->p, r->nservices);
		page_put(&h->p, L(h, " Diensten mit der niedrigsten Abschlussquote, die niedrigste zuerst (alle in "
		                     "services.csv und unten verlinkt). ",
		                  " services with the lowest completion rate, lowest first (all in services.csv and "
		                  "linked below). "));
	} else {
		page_put(&h->p, L(h, "Die niedrigste Abschlussquote zuerst. ", "Lowest completion rate first. "));
	}
	page_put(&h->p, L(h, "Dienste mit weniger als 10 begonnenen Vorgängen stehen am Ende. Jeder Name führt zur "
	                     "Seite des Dienstes.</p>\n",
	                  "Services with fewer than 10 started attempts come last. Each name leads to the service's "
	                  "page.</p>\n"));
	page_table(&h->p, L(h, "Online-Dienste nach Abschlussquote", "Online services by completion rate"));
	page_th(&h->p, "Dienst und Portal", "Service and site", 0);
	page_th(&h->p, "Abschlussquote", "Completion rate", 0);
	page_table_body(&h->p);
	for (size_t k = 0; k < shown; k++) {
		const struct model_service *s = h->order[k];

		page_put(&h->p, "<tr data-site=\"");
		page_esc(&h->p, s->site);
		page_put(&h->p, "\" data-service=\"");
		page_esc(&h->p, s->service);
		page_put(&h->p, "\"><th scope=\"row\">");
		servicepage_link(&h->p, s, 0);
		page_put(&h->p, " <span class=\"sub\">");
		page_esc(&h->p, s->site_name);
		page_put(&h->p, " · <span class=\"started\">");
		page_int(&h->p, s->started);
		page_put(&h->p, L(h, " begonnen", " started"));
		page_put(&h->p, "</span></span></th><td>");
		service_rate_cell(h, s);
		page_put(&h->p, "</td></tr>\n");
	}
	page_table_end(&h->p);
	if (shown < r->nservices || r->nsites > 1)
		page_directory(h);
	page_section_end(&h->p);
}

/* The weekly completion rate of every service over the portals, and the changes made with their effect. */
static void trends_section(struct html *h)
{
	const struct model_result *r = h->r;
	const struct model_service **keys;
	struct trend_week w[TREND_MAX_WEEKS];
	char name[CHART_NAME_MAX], alt[2000], caption[400];
	size_t nkeys;

	if (r->nweeks == 0 && r->nchanges == 0)
		return;
	page_section(&h->p, "trends", "Verlauf", "Trend");
	keys = malloc((r->nservices + 1) * sizeof *keys);
	if (keys == NULL)
		goto changes;
	nkeys = trend_services(r, keys, r->nservices);
	page_printf(&h->p, "<p>%s</p>\n",
		    r->nsites > 1 ? L(h, "Die Abschlussquote jedes Dienstes Woche für Woche, alle Portale zusammen, mit "
		                         "ihrem 95-%-Intervall (Band). Grau: Woche noch nicht vollständig; hohle Punkte: "
		                         "wenige Daten; gestrichelt: Änderungen (Nummern wie in der Tabelle). Jedes Portal "
		                         "einzeln auf den Seiten der Dienste.",
		                      "Each service's completion rate week by week, all sites together, with its 95 % "
		                      "interval (band). Grey: week not complete yet; hollow points: little data; dashed: "
		                      "changes (numbered as in the table). Each site on the service pages.")
		                  : L(h, "Die Abschlussquote jedes Dienstes Woche für Woche mit ihrem 95-%-Intervall (Band). "
		                         "Grau: Woche noch nicht vollständig; hohle Punkte: wenige Daten; gestrichelt: "
		                         "Änderungen (Nummern wie in der Tabelle).",
		                      "Each service's completion rate week by week with its 95 % interval (band). Grey: week "
		                      "not complete yet; hollow points: little data; dashed: changes (numbered as in the "
		                      "table)."));
	page_put(&h->p, "<div class=\"charts\">\n");
	for (size_t i = 0; i < nkeys; i++) {
		size_t n = trend_weeks(r, NULL, keys[i]->service, w, TREND_MAX_WEEKS);

		if (n == 0)
			continue;
		trend_describe(alt, sizeof alt, w, n, h->o->lang_en);
		snprintf(caption, sizeof caption, "%s", keys[i]->name);
		chart_name_service(name, sizeof name, "trend", "all", keys[i]->service);
		page_put(&h->p, "<div class=\"trend\" data-service=\"");
		page_esc(&h->p, keys[i]->service);
		page_put(&h->p, "\">");
		if (h->o->charts) {
			page_figure(&h->p, name, CHART_WIDTH, CHART_TREND_HEIGHT, alt, caption);
		} else {
			page_put(&h->p, "<p><strong>");
			page_esc(&h->p, caption);
			page_put(&h->p, ":</strong> ");
			page_esc(&h->p, alt);
			page_put(&h->p, "</p>");
		}
		page_put(&h->p, "</div>\n");
	}
	page_put(&h->p, "</div>\n");
	free(keys);
changes:
	servicepage_changes(&h->p, r, NULL, NULL);
	page_section_end(&h->p);
}

static void regions_section(struct html *h)
{
	const struct model_result *r = h->r;
	const struct model_service **keys;
	struct metrics_region *sites;
	unsigned height;
	size_t nkeys;
	int any = 0;

	if (r->nsites < 2)
		return;
	page_section(&h->p, "regions", "Regionaler Vergleich", "Regional comparison");
	height = chart_regions_height(r);
	if (h->o->charts && height > 0)
		page_figure(&h->p, "regions", CHART_WIDTH, height,
			    L(h, "Abschlussquote je Dienst und Portal als Punkt mit 95-%-Intervall; die Werte stehen in "
			         "der Tabelle darunter.",
			      "Completion rate by service and site as a point with its 95 % interval; the values are in "
			      "the table below."),
			    L(h, "Abschlussquote je Dienst und Portal mit 95-%-Intervall (hohle Punkte: wenige Daten)",
			      "Completion rate by service and site with 95 % interval (hollow points: little data)"));
	/* One row per service key started on two portals or more (as in the chart), a column per portal. */
	keys = malloc((r->nservices + 1) * sizeof *keys);
	sites = malloc((r->nsites + 1) * sizeof *sites);
	nkeys = keys != NULL && sites != NULL ? trend_services(r, keys, r->nservices) : 0;
	for (size_t i = 0; i < nkeys; i++) {
		size_t n = metrics_regions(r, keys[i]->service, sites, r->nsites), started = 0;

		for (size_t k = 0; k < n; k++)
			started += sites[k].s->started > 0;
		if (started < 2)
			continue;
		if (!any) {
			page_table(&h->p, L(h, "Abschlussquote je Dienst und Portal", "Completion rate by service and site"));
			page_th(&h->p, "Dienst", "Service", 0);
			for (size_t k = 0; k < r->nsites; k++) {
				page_put(&h->p, "<th scope=\"col\" class=\"n\">");
				page_esc(&h->p, r->site_names[k]);
				page_put(&h->p, "</th>");
			}
			page_table_body(&h->p);
			any = 1;
		}
		page_put(&h->p, "<tr><th scope=\"row\">");
		page_esc(&h->p, keys[i]->name);
		page_put(&h->p, "</th>");
		for (size_t k = 0; k < r->nsites; k++) {
			const struct model_service *o = summary_service(r, r->sites[k], keys[i]->service);

			page_put(&h->p, "<td class=\"n\">");
			if (o != NULL && o->started > 0)
				page_rate(&h->p, o->completed, o->started);
			else
				page_put(&h->p, "–");
			page_put(&h->p, "</td>");
		}
		page_put(&h->p, "</tr>\n");
	}
	free(keys);
	free(sites);
	if (any)
		page_table_end(&h->p);
	if (!any)
		page_p(&h->p, "Kein Online-Dienst wurde auf mehreren Portalen begonnen.",
			      "No online service was started on several sites.");
	page_section_end(&h->p);
}

enum item_kind { ITEM_SEARCH, ITEM_PAGE, ITEM_LINK };

/* Largest count first, then site and key: the order of the top lists. */
static int cmp_item(const void *a, const void *b)
{
	const struct model_item *x = *(const struct model_item *const *)a;
	const struct model_item *y = *(const struct model_item *const *)b;
	int c;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	c = strcmp(x->site, y->site);
	return c != 0 ? c : strcmp(x->key, y->key);
}

/*
 * The TOP_ROWS named items (searches, pages or links) of all sites with the
 * largest counts; the "(weitere)" rows of small groups are never listed.
 */
static void item_table(struct html *h, const struct model_item *items, size_t n, enum item_kind kind)
{
	const struct model_item **top = malloc((n + 1) * sizeof *top);
	size_t m = 0, shown;
	int sites = h->r->nsites > 1;

	if (top == NULL)
		return;
	for (size_t i = 0; i < n; i++) {
		if (items[i].key != NULL)
			top[m++] = &items[i];
	}
	qsort(top, m, sizeof *top, cmp_item);
	shown = m < TOP_ROWS ? m : TOP_ROWS;
	if (shown == 0) {
		free(top);
		return;
	}
	page_table(&h->p, kind == ITEM_SEARCH ? L(h, "Häufigste Suchbegriffe", "Top search queries")
	                  : kind == ITEM_PAGE ? L(h, "Meistbesuchte Seiten", "Most visited pages")
	                                      : L(h, "Häufigste Links zu anderen Websites", "Top links to other sites"));
	if (kind == ITEM_SEARCH)
		page_th(&h->p, "Suchbegriff", "Query", 0);
	else if (kind == ITEM_PAGE)
		page_th(&h->p, "Seite", "Page", 0);
	else
		page_th(&h->p, "Ziel", "Host", 0);
	if (sites)
		page_th(&h->p, "Portal", "Site", 0);
	if (kind == ITEM_SEARCH) {
		page_th(&h->p, "Suchen", "Searches", 1);
		page_th(&h->p, "Ohne Ergebnis", "Without results", 1);
	} else if (kind == ITEM_PAGE) {
		page_th(&h->p, "Aufrufe", "Views", 1);
		page_th(&h->p, "Verweildauer (Median)", "Time on page (median)", 1);
	} else {
		page_th(&h->p, "Klicks", "Clicks", 1);
	}
	page_table_body(&h->p);
	for (size_t i = 0; i < shown; i++) {
		const struct model_item *it = top[i];

		page_put(&h->p, "<tr><th scope=\"row\">");
		page_esc(&h->p, it->key);
		page_put(&h->p, "</th>");
		if (sites) {
			page_put(&h->p, "<td>");
			page_esc(&h->p, site_name(h->r, it->site));
			page_put(&h->p, "</td>");
		}
		page_put(&h->p, "<td class=\"n\">");
		page_int(&h->p, it->count);
		page_put(&h->p, "</td>");
		if (kind == ITEM_SEARCH) {
			page_put(&h->p, "<td class=\"n\">");
			page_int(&h->p, it->zero);
			page_put(&h->p, "</td>");
		} else if (kind == ITEM_PAGE) {
			page_put(&h->p, "<td class=\"n\">");
			page_duration(&h->p, it->median_engaged_s);
			page_put(&h->p, "</td>");
		}
		page_put(&h->p, "</tr>\n");
	}
	page_table_end(&h->p);
	if (m > shown)
		page_p(&h->p, "Gekürzt; vollständig in der CSV-Datei.", "Shortened; complete in the CSV file.");
	free(top);
}

static void items_sections(struct html *h)
{
	const struct model_result *r = h->r;

	page_section(&h->p, "search", "Suche", "Search");
	page_p(&h->p, "Suchanfragen ohne Ergebnis zeigen, was Menschen erwarten und nicht finden.",
		      "Queries without results show what people expect and do not find.");
	item_table(h, r->searches, r->nsearches, ITEM_SEARCH);
	if (r->nsearches == 0)
		page_p(&h->p, "Keine Suchen im Zeitraum.", "No searches in this period.");
	page_section_end(&h->p);
	page_section(&h->p, "pages", "Seiten und Links", "Pages and links");
	item_table(h, r->pages, r->npages, ITEM_PAGE);
	item_table(h, r->outlinks, r->noutlinks, ITEM_LINK);
	page_section_end(&h->p);
}

/* Devices summed over the sites, in the order of devices.csv's first site. */
#define DEVICES_MAX 8

static void devices_section(struct html *h)
{
	const struct model_result *r = h->r;
	struct model_device sum[DEVICES_MAX];
	size_t n = 0;

	page_section(&h->p, "devices", "Geräte", "Devices");
	memset(sum, 0, sizeof sum);
	for (size_t i = 0; i < r->ndevices; i++) {
		size_t k = 0;

		while (k < n && strcmp(sum[k].device, r->devices[i].device) != 0)
			k++;
		if (k == DEVICES_MAX)
			continue; /* the collector knows four classes */
		if (k == n)
			sum[n++].device = r->devices[i].device;
		sum[k].visits += r->devices[i].visits;
		sum[k].started += r->devices[i].started;
		sum[k].completed += r->devices[i].completed;
	}
	if (n == 0) {
		page_p(&h->p, "Keine Daten.", "No data.");
		page_section_end(&h->p);
		return;
	}
	if (r->nsites > 1)
		page_p(&h->p, "Alle Portale zusammen; jedes Portal einzeln in devices.csv.",
			      "All sites together; each site in devices.csv.");
	page_table(&h->p, L(h, "Besuche und Abschlussquote nach Gerät", "Visits and completion rate by device"));
	page_th(&h->p, "Gerät", "Device", 0);
	page_th(&h->p, "Besuche", "Visits", 1);
	page_th(&h->p, "Begonnen", "Started", 1);
	page_th(&h->p, "Abschlussquote", "Completion rate", 0);
	page_table_body(&h->p);
	for (size_t k = 0; k < n; k++) {
		page_put(&h->p, "<tr data-device=\"");
		page_esc(&h->p, sum[k].device);
		page_put(&h->p, "\"><th scope=\"row\">");
		page_esc(&h->p, words_device(sum[k].device, h->o->lang_en));
		page_put(&h->p, "</th><td class=\"n\">");
		if (r->any_keyed)
			page_int(&h->p, sum[k].visits);
		else
			page_put(&h->p, "–");
		page_put(&h->p, "</td><td class=\"n\">");
		page_int(&h->p, sum[k].started);
		page_put(&h->p, "</td><td>");
		rate_cell(h, sum[k].completed, sum[k].started);
		page_put(&h->p, "</td></tr>\n");
	}
	page_table_end(&h->p);
	page_section_end(&h->p);
}

static void quality_section(struct html *h)
{
	const struct model_result *r = h->r;
	char reason[300];

	page_section(&h->p, "quality", "Datenqualität", "Data quality");
	page_put(&h->p, "<p>");
	page_put(&h->p, L(h, "Ausgewertete Ereignisse: ", "Events analysed: "));
	page_int(&h->p, r->events);
	page_put(&h->p, L(h, ". Vom Sammler abgewiesene Ereignisse (sie fehlen in allen Zahlen):",
			  ". Events the collector refused (they are missing from every figure):"));
	page_put(&h->p, "</p>\n");
	if (r->nrejects == 0) {
		page_p(&h->p, "Keine.", "None.");
	} else {
		page_table(&h->p, L(h, "Abgewiesene Ereignisse nach Grund", "Refused events by reason"));
		page_th(&h->p, "Grund", "Reason", 0);
		page_th(&h->p, "Anzahl", "Count", 1);
		page_table_body(&h->p);
		for (size_t i = 0; i < r->nrejects; i++) {
			labels_reject_reason(r->rejects[i].reason, h->o->lang_en, reason, sizeof reason);
			page_put(&h->p, "<tr><th scope=\"row\">");
			page_esc(&h->p, reason);
			page_put(&h->p, "</th><td class=\"n\">");
			page_int(&h->p, (uint64_t)r->rejects[i].count);
			page_put(&h->p, "</td></tr>\n");
		}
		page_table_end(&h->p);
	}
	page_section_end(&h->p);
}

/* One term of the glossary: the term and one plain sentence. */
struct term {
	const char *de, *de_text, *en, *en_text;
};

static const struct term glossary[] = {
	{ "Portal", "Eine Website des Netzwerks, etwa das Portal der Stadt Gladbeck.",
	  "Site", "One website of the network, such as the portal of the city of Gladbeck." },
	{ "Besuch", "Alle Seitenaufrufe eines Browsers an einem Tag; die Kennung dafür wird täglich neu "
	            "verschlüsselt, Besuche verschiedener Tage lassen sich nicht verbinden.",
	  "Visit", "All page views of one browser on one day; its key is re-encrypted daily, so visits of "
	           "different days cannot be linked." },
	{ "Vorgang", "Ein Versuch, einen Online-Dienst zu nutzen: er ist begonnen mit dem ersten Schritt und "
	             "abgeschlossen, wenn danach die Bestätigungsseite erreicht wird.",
	  "Attempt", "One try at an online service: started with its first step, completed when the "
	             "confirmation page follows." },
	{ "Abschlussquote", "Der Anteil der begonnenen Vorgänge, die abgeschlossen wurden.",
	  "Completion rate", "The share of started attempts that were completed." },
	{ "95-%-Intervall (Konfidenzintervall)",
	  "Der Bereich, in dem der wahre Wert mit 95 % Sicherheit liegt; je weniger Daten, desto breiter.",
	  "95 % interval (confidence interval)",
	  "The range that holds the true value with 95 % confidence; the less data, the wider it is." },
	{ "Agresti–Coull", "Die Rechenweise für das Intervall einer Quote, die auch bei wenigen Vorgängen und "
	                   "bei Quoten nahe 0 % oder 100 % verlässlich bleibt.",
	  "Agresti–Coull", "The way the interval of a rate is computed; it stays reliable with few attempts and "
	                   "with rates near 0 % or 100 %." },
	{ "Median", "Der mittlere Wert: die Hälfte der Vorgänge war schneller, die andere Hälfte langsamer.",
	  "Median", "The middle value: half of the attempts were faster, the other half slower." },
	{ "Geometrisches Mittel", "Ein Durchschnitt, den wenige sehr lange Vorgänge (etwa über Nacht "
	                          "offen gelassene) kaum verzerren.",
	  "Geometric mean", "An average that a few very long attempts (say, left open overnight) hardly "
	                    "distort." },
	{ "z-Test", "Prüft, ob sich zwei Quoten mehr unterscheiden, als der Zufall erklären kann.",
	  "z-test", "Checks whether two rates differ by more than chance can explain." },
	{ "Statistisch signifikant", "Der z-Test ergibt p < 0,05: ein so großer Unterschied entstünde durch "
	                             "Zufall allein in weniger als 5 von 100 Fällen.",
	  "Statistically significant", "The z-test gives p < 0.05: chance alone would produce so large a "
	                               "difference in fewer than 5 of 100 cases." },
	{ "Ursache", "Dasselbe Problem über alle Dienste und Portale zusammengefasst, etwa alle Abbrüche beim "
	             "Schritt „Bezahlung“ oder alle Formatfehler im IBAN-Feld.",
	  "Cause", "The same problem summed over all services and sites, such as every drop-off at the step "
	           "“Bezahlung” or every format error in the IBAN field." },
	{ "Kalenderwoche (KW)", "Montag bis Sonntag; eine Woche, die über das Ende des Zeitraums oder der Daten "
	                        "hinausreicht, ist unvollständig und grau hinterlegt.",
	  "Week (W)", "Monday to Sunday; a week reaching past the end of the period or of the data is incomplete "
	              "and shown on grey." },
	{ "Wirkung einer Änderung", "Die Abschlussquote der 28 Tage vor einer Änderung, verglichen mit den 28 Tagen "
	                            "ab ihr, mit dem z-Test.",
	  "Effect of a change", "The completion rate of the 28 days before a change compared with the 28 days from "
	                        "it, with the z-test." },
	{ "Wenige Daten", "Die Zahl beruht auf weniger als 10 Vorgängen oder Bewertungen und kann sich mit "
	                  "wenigen weiteren deutlich ändern.",
	  "Little data", "The figure rests on fewer than 10 attempts or ratings and may change a lot with a "
	                 "few more." },
};

static void methods_section(struct html *h)
{
	page_section(&h->p, "methods", "Methoden und Begriffe", "Methods and terms");
	page_put(&h->p, "<dl class=\"gloss\">\n");
	for (size_t i = 0; i < sizeof glossary / sizeof glossary[0]; i++) {
		const struct term *t = &glossary[i];

		page_put(&h->p, "<dt>");
		page_esc(&h->p, L(h, t->de, t->en));
		page_put(&h->p, "</dt><dd>");
		page_esc(&h->p, L(h, t->de_text, t->en_text));
		page_put(&h->p, "</dd>\n");
	}
	page_printf(&h->p, "<dt>%s</dt><dd>", L(h, "(weitere)", "(others)"));
	page_put(&h->p, L(h, "Suchbegriffe, Seiten und Links mit weniger als ",
			  "Search queries, pages and links with fewer than "));
	page_int(&h->p, h->o->min_count);
	page_put(&h->p, L(h, " Besuchen werden nicht einzeln genannt, sondern zusammengezählt.</dd>\n",
			  " visits are not named but counted together.</dd>\n"));
	page_put(&h->p, "</dl>\n");
	page_p(&h->p, "Nie erhoben: keine Cookies oder andere Speicher im Browser, keine IP-Adressen, keine "
		         "vollständigen Browserkennungen, keine Eingaben in Formularfelder (nur Feldnamen und "
		         "Fehlerart), keine Suchbegriffe mit E-Mail-Adressen, IBAN, Telefon- oder langen Zahlen "
		         "(sie werden ersetzt). Rohdaten werden nach einer festen Frist gelöscht.",
		      "Never collected: no cookies or other browser storage, no IP addresses, no full user agents, "
		      "no form input (only field names and error kinds), no search terms with e-mail addresses, "
		      "IBANs, phone or long numbers (they are replaced). Raw data are deleted after a fixed period.");
	page_section_end(&h->p);
}

/* Creates dir/dienste and writes every service's page. */
static int service_pages(struct html *h, const struct page_head *head, char *err, size_t errlen)
{
	char path[4200];

	snprintf(path, sizeof path, "%s/" SERVICEPAGE_DIR, h->dir);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	for (size_t i = 0; i < h->r->nservices; i++) {
		if (servicepage_write(h->r, i, h->o, head, h->dir, err, errlen) != 0)
			return -1;
	}
	return 0;
}

int html_write(const struct model_result *r, const struct html_opts *o, const char *dir, char *err, size_t errlen)
{
	char path[4200], period[64], compare[64], today[11], sites[1024] = "";
	struct html h = { .o = o, .r = r, .dir = dir };
	struct page_head head;
	size_t used = 0;
	int rc = -1;

	h.p.lang_en = o->lang_en; /* for L() before the page is open */
	period_text(period, sizeof period, r, o->from, o->to, o->lang_en);
	if (o->compare)
		period_text(compare, sizeof compare, r, o->prev_from, o->prev_to, o->lang_en);
	words_date(today, tz_local_day((int64_t)time(NULL) * 1000), o->lang_en);
	for (size_t i = 0; i < r->nsites && r->nsites <= HEAD_SITES_MAX && used + 1 < sizeof sites; i++) {
		int w = snprintf(sites + used, sizeof sites - used, "%s%s", i ? ", " : "", r->site_names[i]);

		if (w < 0)
			break;
		used += (size_t)w;
	}
	if (r->nsites > HEAD_SITES_MAX)
		snprintf(sites, sizeof sites, "%s %zu", L(&h, "alle", "all"), r->nsites);
	memset(&head, 0, sizeof head);
	head.title = L(&h, "Lotse-Bericht: Wie gut kommen Menschen durch die Online-Dienste?",
		       "Lotse report: how well do people get through the online services?");
	head.period = period;
	head.compare = o->compare ? compare : NULL;
	head.sites = r->nsites ? sites : NULL;
	head.generated = today;
	h.order = malloc((r->nservices + 1) * sizeof *h.order);
	if (h.order == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < r->nservices; i++)
		h.order[i] = &r->services[i];
	qsort(h.order, r->nservices, sizeof *h.order, cmp_worst);
	snprintf(path, sizeof path, "%s/index.html", dir);
	if (page_open(&h.p, path, o->lang_en, "", &head, err, errlen) != 0)
		goto out;
	nav(&h);
	page_main(&h.p);
	summary_section(&h);
	causes_section(&h);
	services_section(&h);
	trends_section(&h);
	regions_section(&h);
	items_sections(&h);
	devices_section(&h);
	quality_section(&h);
	methods_section(&h);
	if (page_close(&h.p, err, errlen) != 0 || service_pages(&h, &head, err, errlen) != 0)
		goto out;
	rc = 0;
out:
	free(h.order);
	return rc;
}
