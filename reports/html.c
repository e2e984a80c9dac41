/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * html.c — writes index.html section by section. Text comes in German and
 * English pairs (L()); every string from the database or the catalogue goes
 * through esc(); numbers are formatted here for reading (decimal comma in
 * German, percentages with one decimal, "wenige Daten" below 10 flows).
 * Charts are inlined from the SVG files chart.c wrote; their text is
 * gnuplot's and contains only reduced labels.
 */
#include "html.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "csvout.h"
#include "metrics.h"
#include "tz.h"

#define FEW_FLOWS 10
#define SVG_MAX_BYTES (4u << 20)
#define TOP_ROWS 25

struct html {
	FILE *f;
	const struct html_opts *o;
	const struct model_result *r;
	const char *dir;
	unsigned figures;
};

static const char *L(const struct html *h, const char *de, const char *en)
{
	return h->o->lang_en ? en : de;
}

static void esc(struct html *h, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", h->f); break;
		case '<': fputs("&lt;", h->f); break;
		case '>': fputs("&gt;", h->f); break;
		case '"': fputs("&quot;", h->f); break;
		case '\'': fputs("&#39;", h->f); break;
		default: fputc(*s, h->f);
		}
	}
}

static void put(struct html *h, const char *s)
{
	fputs(s, h->f);
}

/* A number with decimals and the language's decimal mark. */
static void num(struct html *h, double v, int decimals)
{
	char buf[64];

	csvout_format_num(buf, sizeof buf, v, decimals, !h->o->lang_en);
	put(h, buf[0] ? buf : "–");
}

static void pct(struct html *h, double share)
{
	if (isnan(share)) {
		put(h, "–");
		return;
	}
	num(h, share * 100.0, 1);
	put(h, "&nbsp;%");
}

static void uint_(struct html *h, uint64_t v)
{
	fprintf(h->f, "%llu", (unsigned long long)v);
}

static void few(struct html *h, uint64_t n)
{
	if (n < FEW_FLOWS)
		fprintf(h->f, " <span class=\"few\">(%s)</span>", L(h, "wenige Daten", "little data"));
}

/* Completion rate with n and interval: "45,0 % (n = 20; 95 %: 25,8–65,8 %)". */
static void rate_ci(struct html *h, uint64_t x, uint64_t n)
{
	double lo, hi, rate = metrics_completion(x, n, &lo, &hi);

	if (n == 0) {
		put(h, "–");
		return;
	}
	pct(h, rate);
	fprintf(h->f, " <span class=\"ci\">(n&nbsp;=&nbsp;%llu; 95&nbsp;%%: ", (unsigned long long)n);
	num(h, lo * 100.0, 1);
	put(h, "–");
	num(h, hi * 100.0, 1);
	put(h, "&nbsp;%)</span>");
	few(h, n);
}

static void duration(struct html *h, double s)
{
	if (isnan(s)) {
		put(h, "–");
		return;
	}
	if (s < 90) {
		num(h, s, 0);
		put(h, "&nbsp;s");
	} else if (s < 5400) {
		num(h, s / 60.0, 1);
		put(h, "&nbsp;min");
	} else {
		num(h, s / 3600.0, 1);
		put(h, "&nbsp;h");
	}
}

/* Opens a top-level section with its heading; id is a fixed ASCII name. */
static void section_open(struct html *h, const char *id, const char *title_de, const char *title_en)
{
	fprintf(h->f, "<section id=\"%s\" aria-labelledby=\"h-%s\">\n<h2 id=\"h-%s\">%s</h2>\n", id, id, id,
	        L(h, title_de, title_en));
}

static void figure(struct html *h, const char *name, const char *caption_de, const char *caption_en,
                   const char *subject)
{
	char path[4200];
	FILE *f;
	char *buf = NULL, *svg;
	size_t n;

	if (!h->o->charts)
		return;
	snprintf(path, sizeof path, "%s/charts/%s.svg", h->dir, name);
	f = fopen(path, "rb");
	if (f == NULL)
		return;
	buf = malloc(SVG_MAX_BYTES + 1);
	if (buf == NULL) {
		fclose(f);
		return;
	}
	n = fread(buf, 1, SVG_MAX_BYTES, f);
	fclose(f);
	buf[n] = '\0';
	svg = strstr(buf, "<svg");
	if (svg != NULL) {
		h->figures++;
		fprintf(h->f, "<figure>\n<svg role=\"img\" aria-labelledby=\"fig%u\"", h->figures);
		put(h, svg + 4);
		fprintf(h->f, "\n<figcaption id=\"fig%u\">", h->figures);
		put(h, L(h, caption_de, caption_en));
		if (subject) {
			put(h, ": ");
			esc(h, subject);
		}
		fprintf(h->f, " <a href=\"charts/%s.png\">PNG</a></figcaption>\n</figure>\n", name);
	}
	free(buf);
}

static void date_of_day(char out[11], int64_t day, int lang_en)
{
	int64_t y;
	unsigned m, d;

	tz_civil_from_days(day, &y, &m, &d);
	if (lang_en)
		snprintf(out, 11, "%04d-%02u-%02u", (int)y, m, d);
	else
		snprintf(out, 11, "%02u.%02u.%04d", d, m, (int)y);
}

static void period_text(struct html *h, const char *from, const char *to)
{
	int64_t day;
	char buf[11];

	if (from == NULL && to == NULL && h->r->ndays > 0) {
		/* All data: name the first and last day seen. */
		date_of_day(buf, h->r->days[0].day, h->o->lang_en);
		esc(h, buf);
		put(h, " – ");
		date_of_day(buf, h->r->days[h->r->ndays - 1].day, h->o->lang_en);
		esc(h, buf);
		put(h, L(h, " (alle Daten)", " (all data)"));
		return;
	}
	if (from != NULL && tz_parse_date(from, &day) == 0) {
		date_of_day(buf, day, h->o->lang_en);
		esc(h, buf);
	} else {
		put(h, L(h, "Beginn der Daten", "start of data"));
	}
	put(h, " – ");
	if (to != NULL && tz_parse_date(to, &day) == 0) {
		date_of_day(buf, day, h->o->lang_en);
		esc(h, buf);
	} else {
		put(h, L(h, "heute", "today"));
	}
}

static const char css[] =
	"body{font-family:system-ui,'Segoe UI',Arial,sans-serif;color:#1a1a1a;background:#fff;"
	"margin:0 auto;max-width:72rem;padding:1rem 1.5rem;line-height:1.5}"
	"h1{font-size:1.7rem}h2{border-bottom:2px solid #1f5fa8;padding-bottom:.2rem;margin-top:2.5rem}"
	"table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.95rem}"
	"th,td{border:1px solid #c8c8c8;padding:.25rem .5rem;text-align:left;vertical-align:top}"
	"td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}"
	"thead th{background:#e8eef7}caption{text-align:left;font-weight:600;padding:.3rem 0}"
	".few{color:#8a3b00;font-style:italic}.ci{color:#444;font-size:.9em}"
	".kpi{display:grid;grid-template-columns:repeat(auto-fit,minmax(14rem,1fr));gap:.8rem;padding:0}"
	".kpi div{border:1px solid #c8c8c8;border-radius:.4rem;padding:.6rem .8rem}"
	".kpi dt{font-size:.9rem;color:#333}.kpi dd{margin:0;font-size:1.35rem;font-weight:600}"
	".kpi dd .ci,.kpi dd .few{font-size:.8rem;font-weight:400}"
	"figure{margin:1rem 0}figure svg{max-width:100%;height:auto}figcaption{font-size:.9rem;color:#333}"
	".sig{color:#0b5d1e;font-weight:600}.nsig{color:#444}"
	"nav ul{columns:2;padding-left:1.2rem}a{color:#0b4f9c}"
	"@media print{nav,figcaption a{display:none}body{max-width:none;padding:0;font-size:10pt}"
	"h2{break-before:auto;break-after:avoid}h3{break-after:avoid}table,figure{break-inside:avoid}"
	"a{color:#000;text-decoration:none}}";

static void head(struct html *h)
{
	time_t now = time(NULL);
	char day[11];

	fprintf(h->f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
		      "<title>%s</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>%s</h1>\n<p>",
		h->o->lang_en ? "en" : "de", L(h, "Lotse – Nutzungsbericht", "Lotse – usability report"),
		css,
		L(h, "Lotse-Bericht: Wie gut kommen Menschen durch unsere Online-Dienste?",
		  "Lotse report: how well do people get through our online services?"));
	put(h, L(h, "Zeitraum: ", "Period: "));
	period_text(h, h->o->from, h->o->to);
	if (h->o->compare) {
		put(h, L(h, " · verglichen mit ", " · compared with "));
		period_text(h, h->o->prev_from, h->o->prev_to);
	}
	put(h, L(h, " · Websites: ", " · Sites: "));
	for (size_t i = 0; i < h->r->nsites; i++) {
		if (i)
			put(h, ", ");
		esc(h, h->r->sites[i]);
	}
	if (h->r->nsites == 0)
		put(h, "–");
	date_of_day(day, tz_local_day((int64_t)now * 1000), h->o->lang_en);
	fprintf(h->f, " · %s %s", L(h, "erstellt am", "generated on"), day);
	if (h->o->ndb > 1)
		fprintf(h->f, " · %zu %s", h->o->ndb, L(h, "Datenbanken", "databases"));
	put(h, "</p>\n</header>\n<nav aria-label=\"");
	put(h, L(h, "Inhalt", "Contents"));
	put(h, "\"><ul>");
	fprintf(h->f, "<li><a href=\"#overview\">%s</a></li><li><a href=\"#problems\">%s</a></li>"
		      "<li><a href=\"#services\">%s</a></li><li><a href=\"#search\">%s</a></li>"
		      "<li><a href=\"#pages\">%s</a></li><li><a href=\"#devices\">%s</a></li>"
		      "<li><a href=\"#trend\">%s</a></li>",
		L(h, "Überblick", "Overview"), L(h, "Handlungsbedarf", "What to fix first"),
		L(h, "Online-Dienste", "Online services"), L(h, "Suche", "Search"),
		L(h, "Seiten und Links", "Pages and links"), L(h, "Geräte", "Devices"),
		L(h, "Verlauf", "Daily trend"));
	if (h->r->nsites > 1)
		fprintf(h->f, "<li><a href=\"#regions\">%s</a></li>",
			L(h, "Regionaler Vergleich", "Regional comparison"));
	fprintf(h->f, "<li><a href=\"#quality\">%s</a></li><li><a href=\"#methods\">%s</a></li>"
		      "</ul></nav>\n<main>\n",
		L(h, "Datenqualität", "Data quality"), L(h, "Methoden", "Methods"));
}

static void kpi_start(struct html *h, const char *de, const char *en)
{
	fprintf(h->f, "<div><dt>%s</dt><dd>", L(h, de, en));
}

static void overview(struct html *h)
{
	const struct model_result *r = h->r;
	uint64_t started = r->total.started, completed = r->total.completed;
	uint64_t field_errors = r->total.field_errors, nr = r->total.ratings_n;
	struct service_metrics m;

	metrics_service(&r->total, &m);

	section_open(h, "overview", "Überblick", "Overview");
	if (started > 0) {
		fprintf(h->f, "<p>%s ", L(h, "Von", "Of"));
		uint_(h, started);
		put(h, L(h, " begonnenen Vorgängen in den Online-Diensten wurden ",
			 " attempts started in the online services, "));
		uint_(h, completed);
		put(h, L(h, " abgeschlossen (", " were completed ("));
		pct(h, m.rate);
		put(h, L(h, "). ", "). "));
		if (started < FEW_FLOWS)
			put(h, L(h, "Das sind wenige Daten: die Zahlen sind unsicher.",
				 "That is little data: the figures are uncertain."));
		put(h, "</p>\n");
	} else {
		fprintf(h->f, "<p>%s</p>\n",
			L(h, "Im Zeitraum wurde kein Online-Dienst begonnen.",
			  "No online service was started in this period."));
	}
	put(h, "<dl class=\"kpi\">\n");
	kpi_start(h, "Besuche", "Visits");
	if (r->any_keyed)
		uint_(h, r->visits_total);
	else
		put(h, L(h, "– (ohne Besuchskennung)", "– (no visit keys)"));
	put(h, "</dd></div>\n");
	kpi_start(h, "Seitenaufrufe", "Page views");
	uint_(h, r->pageviews_total);
	put(h, "</dd></div>\n");
	kpi_start(h, "Begonnene Vorgänge", "Attempts started");
	uint_(h, started);
	put(h, "</dd></div>\n");
	kpi_start(h, "Abgeschlossene Vorgänge", "Attempts completed");
	uint_(h, completed);
	put(h, "</dd></div>\n");
	kpi_start(h, "Abschlussquote (Effektivität)", "Completion rate (effectiveness)");
	rate_ci(h, completed, started);
	put(h, "</dd></div>\n");
	kpi_start(h, "Eingabefehler je begonnenem Vorgang", "Input errors per started attempt");
	if (started)
		num(h, (double)field_errors / started, 2);
	else
		put(h, "–");
	put(h, "</dd></div>\n");
	kpi_start(h, "Zeit bis zum Abschluss (Median, Effizienz)", "Time to complete (median, efficiency)");
	duration(h, m.median_s);
	if (completed) {
		fprintf(h->f, " <span class=\"ci\">(n&nbsp;=&nbsp;%llu)</span>", (unsigned long long)completed);
		few(h, completed);
	}
	put(h, "</dd></div>\n");
	kpi_start(h, "Zufriedenheit (Mittel 1–5)", "Satisfaction (mean 1–5)");
	if (nr) {
		num(h, m.rating_mean, 1);
		fprintf(h->f, " <span class=\"ci\">(n&nbsp;=&nbsp;%llu", (unsigned long long)nr);
		if (!isnan(m.rating_low)) {
			put(h, "; 95&nbsp;%: ");
			num(h, m.rating_low, 1);
			put(h, "–");
			num(h, m.rating_high, 1);
		}
		put(h, L(h, "; 4–5 Sterne: ", "; 4–5 stars: "));
		pct(h, m.rating_share_good);
		put(h, ")</span>");
		few(h, nr);
	} else {
		put(h, "–");
	}
	put(h, "</dd></div>\n</dl>\n");
	put(h, "</section>\n");
}

static void th(struct html *h, const char *de, const char *en, int numeric)
{
	fprintf(h->f, "<th scope=\"col\"%s>%s</th>", numeric ? " class=\"n\"" : "", L(h, de, en));
}

/* Opens a table and its head row: the caption is "subject: caption" (subject escaped), or either alone. */
static void table_open(struct html *h, const char *subject, const char *caption)
{
	put(h, "<table>\n<caption>");
	if (subject != NULL)
		esc(h, subject);
	if (subject != NULL && caption != NULL)
		put(h, ": ");
	if (caption != NULL)
		put(h, caption);
	put(h, "</caption>\n<thead><tr>");
}

/* Ends the head row and opens the body. */
static void table_body(struct html *h)
{
	put(h, "</tr></thead>\n<tbody>\n");
}

static void table_close(struct html *h)
{
	put(h, "</tbody>\n</table>\n");
}

static void problems_section(struct html *h, const struct problem *p, size_t n)
{
	section_open(h, "problems", "Handlungsbedarf", "What to fix first");
	if (n == 0) {
		fprintf(h->f, "<p>%s</p>\n</section>\n",
			L(h, "Keine auffälligen Probleme im Zeitraum.", "No notable problems in this period."));
		return;
	}
	fprintf(h->f, "<p>%s</p>\n", L(h, "Die größten Hürden des Zeitraums, geordnet nach der Zahl der Betroffenen.",
	                               "The biggest obstacles of the period, ordered by how many are affected."));
	table_open(h, NULL, L(h, "Rangliste der Probleme", "Ranked problems"));
	th(h, "Rang", "Rank", 1);
	th(h, "Website", "Site", 0);
	th(h, "Betroffen", "Affected", 1);
	th(h, "Befund", "Finding", 0);
	table_body(h);
	for (size_t i = 0; i < n; i++) {
		fprintf(h->f, "<tr><td class=\"n\">%zu</td><td>", i + 1);
		esc(h, p[i].site);
		put(h, "</td><td class=\"n\">");
		uint_(h, p[i].affected);
		put(h, "</td><td>");
		esc(h, h->o->lang_en ? p[i].detail_en : p[i].detail_de);
		put(h, "</td></tr>\n");
	}
	table_close(h);
	put(h, "</section>\n");
}

/* The chart of kind for site, when charts were drawn. */
static void site_figure(struct html *h, const char *kind, const char *site, const char *caption_de,
                        const char *caption_en)
{
	char name[256];

	chart_name_site(name, sizeof name, kind, site);
	figure(h, name, caption_de, caption_en, site);
}

static void service_table(struct html *h)
{
	const struct model_result *r = h->r;

	table_open(h, NULL, L(h, "Alle Online-Dienste im Zeitraum", "All online services in the period"));
	th(h, "Website", "Site", 0);
	th(h, "Dienst", "Service", 0);
	th(h, "Themenfeld", "Category", 0);
	th(h, "Begonnen", "Started", 1);
	th(h, "Abgeschlossen", "Completed", 1);
	th(h, "Abschlussquote", "Completion rate", 0);
	th(h, "Zeit (Median)", "Time (median)", 1);
	th(h, "Bewertung", "Rating", 1);
	if (h->o->compare) {
		th(h, "Quote vorher", "Rate before", 1);
		th(h, "Veränderung", "Change", 0);
	}
	table_body(h);
	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *s = &r->services[i];
		struct service_metrics m;

		metrics_service(s, &m);
		put(h, "<tr><td>");
		esc(h, s->site);
		fprintf(h->f, "</td><th scope=\"row\"><a href=\"#svc-%zu\">", i);
		esc(h, s->name);
		put(h, "</a></th><td>");
		esc(h, s->category);
		put(h, "</td><td class=\"n\">");
		uint_(h, s->started);
		put(h, "</td><td class=\"n\">");
		uint_(h, s->completed);
		put(h, "</td><td>");
		rate_ci(h, s->completed, s->started);
		put(h, "</td><td class=\"n\">");
		duration(h, m.median_s);
		put(h, "</td><td class=\"n\">");
		if (s->ratings_n) {
			num(h, m.rating_mean, 1);
			fprintf(h->f, " <span class=\"ci\">(n&nbsp;=&nbsp;%u)</span>", s->ratings_n);
		} else {
			put(h, "–");
		}
		put(h, "</td>");
		if (h->o->compare) {
			put(h, "<td class=\"n\">");
			pct(h, m.prev_rate);
			fprintf(h->f, " <span class=\"ci\">(n&nbsp;=&nbsp;%u)</span></td><td>", s->prev_started);
			if (isnan(m.p_value) || isnan(m.rate) || isnan(m.prev_rate)) {
				put(h, "–");
			} else {
				double d = (m.rate - m.prev_rate) * 100.0;
				if (d >= 0)
					put(h, "+");
				num(h, d, 1);
				put(h, L(h, "&nbsp;Prozentpunkte, ", "&nbsp;points, "));
				if (m.p_value < 0.05)
					fprintf(h->f, "<span class=\"sig\">%s</span>",
						L(h, "statistisch signifikant", "statistically significant"));
				else
					fprintf(h->f, "<span class=\"nsig\">%s</span>",
						L(h, "nicht signifikant", "not significant"));
				put(h, " (p&nbsp;=&nbsp;");
				num(h, m.p_value, 3);
				put(h, ")");
			}
			put(h, "</td>");
		}
		put(h, "</tr>\n");
	}
	table_close(h);
}

static void service_detail(struct html *h, size_t idx)
{
	const struct model_service *s = &h->r->services[idx];
	struct service_metrics m;
	char name[256];
	size_t nf = 0;

	metrics_service(s, &m);
	fprintf(h->f, "<section id=\"svc-%zu\" aria-labelledby=\"h-svc-%zu\">\n<h3 id=\"h-svc-%zu\">", idx, idx, idx);
	esc(h, s->name);
	put(h, " <small>(");
	esc(h, s->site);
	put(h, ")</small></h3>\n<p>");
	put(h, L(h, "Abschlussquote: ", "Completion rate: "));
	rate_ci(h, s->completed, s->started);
	put(h, L(h, ". Zeit bis zum Abschluss: Median ", ". Time to complete: median "));
	duration(h, m.median_s);
	put(h, L(h, ", geometrisches Mittel ", ", geometric mean "));
	duration(h, m.geomean_s);
	if (!isnan(m.geomean_low)) {
		put(h, " <span class=\"ci\">(95&nbsp;%: ");
		duration(h, m.geomean_low);
		put(h, "–");
		duration(h, m.geomean_high);
		put(h, ")</span>");
	}
	put(h, ". ");
	if (s->ratings_n) {
		put(h, L(h, "Bewertung: ", "Rating: "));
		num(h, m.rating_mean, 1);
		fprintf(h->f, " %s (n&nbsp;=&nbsp;%u", L(h, "von 5", "of 5"), s->ratings_n);
		if (!isnan(m.rating_low)) {
			put(h, "; 95&nbsp;%: ");
			num(h, m.rating_low, 1);
			put(h, "–");
			num(h, m.rating_high, 1);
		}
		put(h, L(h, "; 4–5 Sterne: ", "; 4–5 stars: "));
		pct(h, m.rating_share_good);
		put(h, ").");
	}
	put(h, "</p>\n");
	if (s->started > 0) {
		chart_name_funnel(name, sizeof name, s->site, s->service);
		figure(h, name, "Trichter: Anteil der begonnenen Vorgänge, die jeden Schritt erreichen",
		       "Funnel: share of started attempts reaching each step", s->name);
		table_open(h, NULL, L(h, "Wo Menschen verloren gehen", "Where people are lost"));
		th(h, "Schritt", "Step", 1);
		th(h, "Name", "Name", 0);
		th(h, "Erreicht", "Reached", 1);
		th(h, "Anteil der Begonnenen", "Share of started", 1);
		th(h, "Verloren vor dem nächsten Schritt", "Lost before the next step", 1);
		table_body(h);
		for (uint32_t k = 0; k <= s->nsteps; k++) {
			uint32_t next = k < s->nsteps ? s->reached[k + 1] : s->completed;

			fprintf(h->f, "<tr><td class=\"n\">%u</td><th scope=\"row\">", k);
			esc(h, k == 0 ? L(h, "Start", "Start") : s->step_name[k]);
			put(h, "</th><td class=\"n\">");
			uint_(h, s->reached[k]);
			put(h, "</td><td class=\"n\">");
			pct(h, metrics_rate(s->reached[k], s->started));
			put(h, "</td><td class=\"n\">");
			uint_(h, s->reached[k] - next);
			put(h, "</td></tr>\n");
		}
		fprintf(h->f, "<tr><td class=\"n\"></td><th scope=\"row\">%s</th><td class=\"n\">",
			L(h, "Abgeschlossen", "Completed"));
		uint_(h, s->completed);
		put(h, "</td><td class=\"n\">");
		pct(h, m.rate);
		put(h, "</td><td class=\"n\"></td></tr>\n");
		table_close(h);
	}
	for (size_t i = 0; i < h->r->nfields; i++) {
		const struct model_field *f = &h->r->fields[i];

		if (strcmp(f->site, s->site) != 0 || strcmp(f->service, s->service) != 0)
			continue;
		if (nf == 0) {
			table_open(h, NULL, L(h, "Problemfelder (Eingabefehler)", "Problem fields (input errors)"));
			th(h, "Feld", "Field", 0);
			th(h, "Fehler", "Error", 0);
			th(h, "Anzahl", "Count", 1);
			th(h, "Betroffene Vorgänge", "Attempts affected", 1);
			table_body(h);
		}
		if (++nf > TOP_ROWS)
			break;
		put(h, "<tr><th scope=\"row\">");
		esc(h, f->field);
		put(h, "</th><td>");
		esc(h, f->error);
		put(h, "</td><td class=\"n\">");
		uint_(h, f->errors);
		put(h, "</td><td class=\"n\">");
		uint_(h, f->flows);
		put(h, "</td></tr>\n");
	}
	if (nf)
		table_close(h);
	put(h, "</section>\n");
}

static void services_section(struct html *h)
{
	section_open(h, "services", "Online-Dienste", "Online services");
	if (h->r->nservices == 0) {
		fprintf(h->f, "<p>%s</p>\n</section>\n", L(h, "Keine Daten.", "No data."));
		return;
	}
	service_table(h);
	for (size_t i = 0; i < h->r->nservices; i++)
		service_detail(h, i);
	put(h, "</section>\n");
}

/* A table of items (searches, pages, links) of one site. */
static void item_table(struct html *h, const struct model_item *items, size_t n, const char *site,
                       int kind)
{
	size_t shown = 0;

	for (size_t i = 0; i < n; i++) {
		const struct model_item *it = &items[i];

		if (strcmp(it->site, site) != 0)
			continue;
		if (shown == 0) {
			table_open(h, site, kind == 0 ? L(h, "Suchanfragen", "Search queries")
			                    : kind == 1 ? L(h, "Seiten", "Pages")
			                                : L(h, "Links zu anderen Websites", "Links to other sites"));
			if (kind == 0) {
				th(h, "Suchbegriff", "Query", 0);
				th(h, "Suchen", "Searches", 1);
				th(h, "Besuche", "Visits", 1);
				th(h, "Ohne Ergebnis", "Without results", 1);
			} else if (kind == 1) {
				th(h, "Pfad", "Path", 0);
				th(h, "Aufrufe", "Views", 1);
				th(h, "Besuche", "Visits", 1);
				th(h, "Verweildauer (Median)", "Engaged time (median)", 1);
			} else {
				th(h, "Ziel", "Host", 0);
				th(h, "Klicks", "Clicks", 1);
			}
			table_body(h);
		}
		shown++;
		if (shown > TOP_ROWS && it->key != NULL)
			continue;
		put(h, "<tr><th scope=\"row\">");
		if (it->key)
			esc(h, it->key);
		else
			put(h, L(h, "(weitere)", "(others)"));
		put(h, "</th><td class=\"n\">");
		uint_(h, it->count);
		put(h, "</td>");
		if (kind != 2) {
			put(h, "<td class=\"n\">");
			uint_(h, it->visits);
			put(h, "</td><td class=\"n\">");
			if (kind == 0) {
				uint_(h, it->zero);
				if (it->zero)
					put(h, " ⚠");
			} else {
				duration(h, it->median_engaged_s);
			}
			put(h, "</td>");
		}
		put(h, "</tr>\n");
	}
	if (shown)
		table_close(h);
	if (shown > TOP_ROWS)
		fprintf(h->f, "<p>%s</p>\n",
			L(h, "Gekürzt; vollständig in der CSV-Datei.", "Shortened; complete in the CSV file."));
}

static void items_sections(struct html *h)
{
	const struct model_result *r = h->r;

	section_open(h, "search", "Suche", "Search");
	fprintf(h->f, "<p>%s</p>\n",
		L(h, "Suchanfragen, die nichts fanden, zeigen, was Menschen erwarten und nicht finden (⚠).",
		  "Queries that found nothing show what people expect and do not find (⚠)."));
	for (size_t s = 0; s < r->nsites; s++)
		item_table(h, r->searches, r->nsearches, r->sites[s], 0);
	if (r->nsearches == 0)
		fprintf(h->f, "<p>%s</p>\n", L(h, "Keine Suchen im Zeitraum.", "No searches in this period."));
	put(h, "</section>\n");
	section_open(h, "pages", "Seiten und Links", "Pages and links");
	for (size_t s = 0; s < r->nsites; s++) {
		item_table(h, r->pages, r->npages, r->sites[s], 1);
		item_table(h, r->outlinks, r->noutlinks, r->sites[s], 2);
	}
	put(h, "</section>\n");
}

static void devices_section(struct html *h)
{
	const struct model_result *r = h->r;

	section_open(h, "devices", "Geräte", "Devices");
	for (size_t s = 0; s < r->nsites; s++) {
		const char *site = r->sites[s];
		int any = 0;

		site_figure(h, "devices", site, "Abschlussquote nach Gerät mit 95-%-Intervall",
		            "Completion rate by device with 95 % interval");
		for (size_t i = 0; i < r->ndevices; i++) {
			const struct model_device *d = &r->devices[i];

			if (strcmp(d->site, site) != 0)
				continue;
			if (!any) {
				table_open(h, site, L(h, "Geräte", "Devices"));
				th(h, "Gerät", "Device", 0);
				th(h, "Besuche", "Visits", 1);
				th(h, "Begonnen", "Started", 1);
				th(h, "Abschlussquote", "Completion rate", 0);
				table_body(h);
				any = 1;
			}
			put(h, "<tr><th scope=\"row\">");
			esc(h, strcmp(d->device, "mobile") == 0 ? L(h, "Smartphone", "Phone")
			       : strcmp(d->device, "tablet") == 0 ? "Tablet"
			       : strcmp(d->device, "desktop") == 0 ? L(h, "Computer", "Desktop")
			       : strcmp(d->device, "unknown") == 0 ? L(h, "unbekannt", "unknown")
								     : d->device);
			put(h, "</th><td class=\"n\">");
			if (r->any_keyed)
				uint_(h, d->visits);
			else
				put(h, "–");
			put(h, "</td><td class=\"n\">");
			uint_(h, d->started);
			put(h, "</td><td>");
			rate_ci(h, d->completed, d->started);
			put(h, "</td></tr>\n");
		}
		if (any)
			table_close(h);
	}
	put(h, "</section>\n");
}

static void trend_section(struct html *h)
{
	const struct model_result *r = h->r;

	section_open(h, "trend", "Verlauf", "Daily trend");
	for (size_t s = 0; s < r->nsites; s++) {
		const char *site = r->sites[s];
		int any = 0;

		site_figure(h, "daily", site, "Besuche, begonnene und abgeschlossene Vorgänge je Tag",
		            "Visits, started and completed attempts per day");
		site_figure(h, "times", site, "Verteilung der Zeit bis zum Abschluss", "Distribution of time to complete");
		site_figure(h, "ratings", site, "Verteilung der Bewertungen", "Distribution of ratings");
		for (size_t i = 0; i < r->ndays; i++) {
			const struct model_day *d = &r->days[i];
			char date[11];

			if (strcmp(d->site, site) != 0)
				continue;
			if (!any) {
				fprintf(h->f, "<details><summary>%s ", L(h, "Tageswerte als Tabelle:", "Daily values as a table:"));
				esc(h, site);
				put(h, "</summary>\n<table>\n<thead><tr>");
				th(h, "Datum", "Date", 0);
				th(h, "Besuche", "Visits", 1);
				th(h, "Seitenaufrufe", "Page views", 1);
				th(h, "Begonnen", "Started", 1);
				th(h, "Abgeschlossen", "Completed", 1);
				table_body(h);
				any = 1;
			}
			date_of_day(date, d->day, h->o->lang_en);
			fprintf(h->f, "<tr><th scope=\"row\">%s</th><td class=\"n\">", date);
			if (r->any_keyed)
				uint_(h, d->visits);
			else
				put(h, "–");
			fprintf(h->f, "</td><td class=\"n\">%u</td><td class=\"n\">%u</td><td class=\"n\">%u</td></tr>\n",
				d->pageviews, d->started, d->completed);
		}
		if (any) {
			table_close(h);
			put(h, "</details>\n");
		}
	}
	put(h, "</section>\n");
}

static void regions_section(struct html *h)
{
	const struct model_result *r = h->r;
	int any = 0;

	if (r->nsites < 2)
		return;
	section_open(h, "regions", "Regionaler Vergleich", "Regional comparison");
	/* Services are sorted by site then service: compare each service key across sites. */
	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *s = &r->services[i];
		int first = 1, count = 0;

		for (size_t j = 0; j < r->nservices; j++) {
			if (strcmp(r->services[j].service, s->service) == 0 && r->services[j].started > 0) {
				count++;
				if (j < i)
					first = 0;
			}
		}
		if (!first || count < 2 || s->started == 0)
			continue;
		any = 1;
		table_open(h, s->name, NULL);
		th(h, "Website", "Site", 0);
		th(h, "Begonnen", "Started", 1);
		th(h, "Abschlussquote", "Completion rate", 0);
		th(h, "Zeit (Median)", "Time (median)", 1);
		table_body(h);
		for (size_t j = 0; j < r->nservices; j++) {
			const struct model_service *o = &r->services[j];
			struct service_metrics m;

			if (strcmp(o->service, s->service) != 0 || o->started == 0)
				continue;
			metrics_service(o, &m);
			put(h, "<tr><th scope=\"row\">");
			esc(h, o->site);
			put(h, "</th><td class=\"n\">");
			uint_(h, o->started);
			put(h, "</td><td>");
			rate_ci(h, o->completed, o->started);
			put(h, "</td><td class=\"n\">");
			duration(h, m.median_s);
			put(h, "</td></tr>\n");
		}
		table_close(h);
	}
	if (!any)
		fprintf(h->f, "<p>%s</p>\n",
			L(h, "Kein Online-Dienst wurde auf mehreren Websites begonnen.",
			  "No online service was started on several sites."));
	put(h, "</section>\n");
}

static void quality_section(struct html *h)
{
	const struct model_result *r = h->r;

	section_open(h, "quality", "Datenqualität", "Data quality");
	put(h, "<p>");
	put(h, L(h, "Ausgewertete Ereignisse: ", "Events analysed: "));
	uint_(h, r->events);
	put(h, L(h, ". Vom Sammler abgewiesene Ereignisse nach Grund:",
		 ". Events refused by the collector, by reason:"));
	put(h, "</p>\n");
	if (r->nrejects == 0) {
		fprintf(h->f, "<p>%s</p>\n", L(h, "Keine.", "None."));
	} else {
		table_open(h, NULL, L(h, "Abgewiesene Ereignisse", "Refused events"));
		th(h, "Grund", "Reason", 0);
		th(h, "Anzahl", "Count", 1);
		table_body(h);
		for (size_t i = 0; i < r->nrejects; i++) {
			put(h, "<tr><th scope=\"row\">");
			esc(h, r->rejects[i].reason);
			put(h, "</th><td class=\"n\">");
			uint_(h, (uint64_t)r->rejects[i].count);
			put(h, "</td></tr>\n");
		}
		table_close(h);
	}
	put(h, "</section>\n");
}

static void methods_section(struct html *h)
{
	section_open(h, "methods", "Methoden", "Methods");
	if (!h->o->lang_en) {
		fprintf(h->f,
			"<p><strong>Besuch:</strong> eine Besuchskennung an einem Tag (Zeitzone Europe/Berlin). "
			"Die Kennung ist ein täglich neu verschlüsselter Wert; Besuche verschiedener Tage "
			"lassen sich nicht verbinden.</p>\n"
			"<p><strong>Vorgang:</strong> ein Versuch, einen Online-Dienst zu nutzen – Ereignisse "
			"mit derselben Vorgangskennung oder, ohne sie, desselben Besuchs am selben Tag. Ein "
			"Vorgang zählt als begonnen mit seinem Start und als abgeschlossen, wenn danach ein "
			"Abschluss folgt. Ein abgeschlossener Vorgang hat jeden Schritt erreicht.</p>\n"
			"<p><strong>Unsicherheit:</strong> Quoten stehen mit ihrer Zahl n und einem "
			"95-%%-Intervall (angepasstes Wald-Intervall nach Agresti und Coull). Zeiten: Median "
			"und geometrisches Mittel mit 95-%%-Intervall (Student-t auf den logarithmierten "
			"Zeiten), Bewertungen: Mittel mit Student-t-Intervall. Unter %d Vorgängen steht "
			"„wenige Daten“. Im Vergleich zweier Zeiträume prüft ein zweiseitiger z-Test für zwei "
			"Anteile, ob eine Veränderung statistisch signifikant ist (p &lt; 0,05).</p>\n"
			"<p><strong>Kleine Gruppen:</strong> Suchbegriffe, Seiten und Links mit weniger als %u "
			"Besuchen werden nicht einzeln genannt, sondern als „(weitere)“ zusammengefasst.</p>\n"
			"<p><strong>Nie erhoben:</strong> keine Cookies oder andere Speicher im Browser, keine "
			"IP-Adressen, keine vollständigen Browserkennungen, keine Eingaben in Formularfelder "
			"(nur Feldnamen und Fehlerart), keine Suchbegriffe mit E-Mail-Adressen, IBAN, "
			"Telefon- oder langen Zahlen (sie werden ersetzt). Rohdaten werden nach einer "
			"festen Frist gelöscht.</p>\n",
			FEW_FLOWS, h->o->min_count);
	} else {
		fprintf(h->f,
			"<p><strong>Visit:</strong> one visit key on one local day (Europe/Berlin). The key "
			"is a hash under a daily secret; visits of different days cannot be linked.</p>\n"
			"<p><strong>Attempt (flow):</strong> one attempt at an online service – events with "
			"the same flow id or, without one, of the same visit on the same day. It counts as "
			"started with its start and as completed when a completion follows. A completed "
			"attempt has reached every step.</p>\n"
			"<p><strong>Uncertainty:</strong> rates show n and a 95 %% adjusted-Wald "
			"(Agresti–Coull) interval. Times: median and geometric mean with a 95 %% interval "
			"(Student t on log times); ratings: mean with a Student-t interval. Below %d "
			"attempts the figures are marked “little data”. Comparing two periods, a two-sided "
			"two-proportion z-test says whether a change is statistically significant "
			"(p &lt; 0.05).</p>\n"
			"<p><strong>Small groups:</strong> search queries, pages and links with fewer than %u "
			"visits are not named but summed as “(others)”.</p>\n"
			"<p><strong>Never collected:</strong> no cookies or other browser storage, no IP "
			"addresses, no full user agents, no form input (only field names and error kinds), "
			"no search terms with e-mail addresses, IBANs, phone or long numbers (they are "
			"replaced). Raw data are deleted after a fixed period.</p>\n",
			FEW_FLOWS, h->o->min_count);
	}
	put(h, "</section>\n");
}

int html_write(const struct model_result *r, const struct problem *problems, size_t nproblems,
               const struct html_opts *o, const char *dir, char *err, size_t errlen)
{
	char path[4200];
	struct html h = { .o = o, .r = r, .dir = dir };
	int bad;

	snprintf(path, sizeof path, "%s/index.html", dir);
	h.f = fopen(path, "wb");
	if (h.f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	head(&h);
	overview(&h);
	problems_section(&h, problems, nproblems);
	services_section(&h);
	items_sections(&h);
	devices_section(&h);
	trend_section(&h);
	regions_section(&h);
	quality_section(&h);
	methods_section(&h);
	put(&h, "</main>\n<footer><p>Lotse · EUPL-1.2</p></footer>\n</body>\n</html>\n");
	bad = ferror(h.f);
	if (fclose(h.f) != 0)
		bad = 1;
	if (bad) {
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	return 0;
}
