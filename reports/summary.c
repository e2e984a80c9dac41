/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * summary.c — the sentences of "Das Wichtigste"; see summary.h. Each
 * sentence is one function that either writes its sentence or leaves it
 * out; the order of the calls is the order of importance.
 */
#include "summary.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "words.h"

struct ctx {
	const struct model_result *r;
	int lang_en;
	struct summary *out;
};

static const char *L(const struct ctx *c, const char *de, const char *en)
{
	return c->lang_en ? en : de;
}

static void add(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void add(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->out->n == SUMMARY_MAX)
		return;
	va_start(ap, fmt);
	vsnprintf(c->out->sentence[c->out->n++], SUMMARY_LEN, fmt, ap);
	va_end(ap);
}

/* Room for a rate in words ("1.234 von 5.678 (wenige Daten)"). */
#define RATE_TEXT (2 * WORDS_NUM_MAX + 24)

/* A rate as a sentence says it: "57,6 %", or "3 von 4 (wenige Daten)" below WORDS_FEW. */
static void rate_words(const struct ctx *c, char *out, size_t outlen, uint64_t x, uint64_t n)
{
	char a[WORDS_NUM_MAX], b[WORDS_NUM_MAX];

	if (n < WORDS_FEW) {
		words_int(a, sizeof a, x, c->lang_en);
		words_int(b, sizeof b, n, c->lang_en);
		snprintf(out, outlen, "%s %s %s (%s)", a, L(c, "von", "of"), b, L(c, "wenige Daten", "little data"));
		return;
	}
	words_pct(out, outlen, metrics_rate(x, n), 1, c->lang_en);
}

static const char *open_q(const struct ctx *c)
{
	return L(c, "„", "“");
}

static const char *close_q(const struct ctx *c)
{
	return L(c, "“", "”");
}

void summary_cause_title(char *out, size_t outlen, const struct cause *c, int lang_en)
{
	if (c->kind == CAUSE_DROP)
		snprintf(out, outlen, lang_en ? "Drop-off at “%s”" : "Abbruch bei „%s“", lang_en ? c->label_en : c->label);
	else
		snprintf(out, outlen, "%s", lang_en ? c->label_en : c->label);
}

const char *summary_unit(enum cause_kind kind, int lang_en)
{
	switch (kind) {
	case CAUSE_DROP:
	case CAUSE_FIELD:
		return lang_en ? "attempts affected" : "Vorgänge betroffen";
	case CAUSE_SEARCH:
		return lang_en ? "searches without results" : "Suchen ohne Ergebnis";
	case CAUSE_RATING:
		return lang_en ? "ratings of 1 or 2 stars" : "Bewertungen mit 1 oder 2 Sternen";
	case CAUSE_SCRIPT:
	case CAUSE_RAGE:
		return lang_en ? "visits affected" : "Besuche betroffen";
	}
	return "";
}

static int cmp_site_service(const void *a, const void *b)
{
	const struct model_service *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	return c != 0 ? c : strcmp(x->service, y->service);
}

const struct model_service *summary_service(const struct model_result *r, const char *site, const char *service)
{
	struct model_service key;

	key.site = site;
	key.service = service;
	return bsearch(&key, r->services, r->nservices, sizeof *r->services, cmp_site_service);
}

const char *summary_change_verdict(const struct change_row *c, int lang_en)
{
	if (c->before_started == 0)
		return lang_en ? "cannot be judged: no attempts before it" : "nicht bewertbar: keine Vorgänge davor";
	if (c->after_started == 0)
		return lang_en ? "cannot be judged: no attempts since" : "nicht bewertbar: keine Vorgänge danach";
	if (isnan(c->p_value) || c->p_value >= 0.05)
		return lang_en ? "no clear difference (not significant)" : "kein deutlicher Unterschied (nicht signifikant)";
	if (c->after_rate > c->before_rate)
		return lang_en ? "better – statistically significant" : "besser – statistisch signifikant";
	return lang_en ? "worse – statistically significant" : "schlechter – statistisch signifikant";
}

/* "in 7 Diensten auf 3 Portalen", "auf einem Portal": where a cause occurs. */
static void where_words(const struct ctx *c, char *out, size_t outlen, const struct cause *k)
{
	char svc[64] = "", n[WORDS_NUM_MAX];

	if (k->services > 0) {
		words_int(n, sizeof n, k->services, c->lang_en);
		snprintf(svc, sizeof svc, "%s %s %s ", L(c, "in", "in"), k->services == 1 ? L(c, "einem", "one") : n,
			 k->services == 1 ? L(c, "Dienst", "service") : L(c, "Diensten", "services"));
	}
	words_int(n, sizeof n, k->sites, c->lang_en);
	snprintf(out, outlen, "%s%s %s %s", svc, L(c, "auf", "on"), k->sites == 1 ? L(c, "einem", "one") : n,
		 k->sites == 1 ? L(c, "Portal", "site") : L(c, "Portalen", "sites"));
}

/* The two largest causes: what to fix first and why, and what next. */
static void top_causes(struct ctx *c)
{
	char n[WORDS_NUM_MAX], where[160], title[400];

	for (size_t i = 0; i < c->r->ncauses && i < 2; i++) {
		const struct cause *k = &c->r->causes[i];

		words_int(n, sizeof n, k->affected, c->lang_en);
		where_words(c, where, sizeof where, k);
		/* A step's title quotes its name already; the others are quoted whole. */
		if (k->kind == CAUSE_DROP)
			summary_cause_title(title, sizeof title, k, c->lang_en);
		else
			snprintf(title, sizeof title, "%s%s%s", open_q(c), c->lang_en ? k->label_en : k->label,
				 close_q(c));
		if (i == 0)
			add(c, c->lang_en ? "Fix first: %s — the largest obstacle of the period, %s %s (%s)."
				     : "Zuerst angehen: %s – die größte Hürde im Zeitraum, %s %s (%s).",
			    title, n, summary_unit(k->kind, c->lang_en), where);
		else
			add(c, c->lang_en ? "Next: %s, %s %s (%s)." : "Danach: %s, %s %s (%s).", title, n,
			    summary_unit(k->kind, c->lang_en), where);
	}
}

/* The service with the lowest completion rate among those with enough data. */
static void worst_service(struct ctx *c)
{
	const struct model_service *w = NULL;
	char rate[RATE_TEXT], n[WORDS_NUM_MAX];

	for (size_t i = 0; i < c->r->nservices; i++) {
		const struct model_service *s = &c->r->services[i];

		if (s->started < WORDS_FEW)
			continue;
		if (w == NULL || (double)s->completed / s->started < (double)w->completed / w->started)
			w = s;
	}
	if (w == NULL || c->r->nservices < 2)
		return;
	rate_words(c, rate, sizeof rate, w->completed, w->started);
	words_int(n, sizeof n, w->started, c->lang_en);
	add(c, c->lang_en ? "The lowest completion rate is that of %s%s%s (%s): %s of %s started attempts are completed."
			     : "Die niedrigste Abschlussquote hat %s%s%s (%s): %s der %s begonnenen Vorgänge werden abgeschlossen.",
	    open_q(c), w->name, close_q(c), w->site_name, rate, n);
}

/* Writes "statistisch signifikant" or "kann Zufall sein" for a p-value. */
static const char *significance(const struct ctx *c, double p)
{
	if (!isnan(p) && p < 0.05)
		return L(c, "das ist statistisch signifikant", "this is statistically significant");
	return L(c, "das kann Zufall sein (nicht signifikant)", "this may be chance (not significant)");
}

/* The completion rate of all services against the comparison period, or the period's alone. */
static void overall(struct ctx *c, int compare)
{
	struct model_service t;
	struct service_metrics m;
	char now[RATE_TEXT], before[RATE_TEXT], n[WORDS_NUM_MAX], x[WORDS_NUM_MAX];

	summary_total(c->r, &t);
	if (t.started == 0)
		return;
	rate_words(c, now, sizeof now, t.completed, t.started);
	if (!compare) {
		words_int(x, sizeof x, t.completed, c->lang_en);
		words_int(n, sizeof n, t.started, c->lang_en);
		add(c, c->lang_en ? "In all, %s of %s started attempts were completed (%s)."
			     : "Insgesamt wurden %s von %s begonnenen Vorgängen abgeschlossen (%s).",
		    x, n, now);
		return;
	}
	if (t.prev_started == 0)
		return;
	metrics_service(&t, &m);
	rate_words(c, before, sizeof before, t.prev_completed, t.prev_started);
	if (strcmp(now, before) == 0) {
		add(c, c->lang_en ? "The completion rate is the same as in the comparison period (%s)."
			     : "Die Abschlussquote ist gegenüber dem Vergleichszeitraum unverändert (%s).",
		    now);
		return;
	}
	if (c->lang_en)
		add(c, "Against the comparison period the completion rate %s from %s to %s; %s.",
		    m.rate > m.prev_rate ? "rose" : "fell", before, now, significance(c, m.p_value));
	else
		add(c, "Gegenüber dem Vergleichszeitraum ist die Abschlussquote insgesamt von %s auf %s %s; %s.",
		    before, now, m.rate > m.prev_rate ? "gestiegen" : "gesunken", significance(c, m.p_value));
}

/* The service whose rate changed most against the comparison period, when the change is significant. */
static void biggest_change(struct ctx *c)
{
	const struct model_service *best = NULL;
	double best_delta = 0;
	char now[RATE_TEXT], before[RATE_TEXT];

	for (size_t i = 0; i < c->r->nservices; i++) {
		const struct model_service *s = &c->r->services[i];
		struct service_metrics m;

		if (!s->has_prev || s->started < WORDS_FEW || s->prev_started < WORDS_FEW)
			continue;
		metrics_service(s, &m);
		if (isnan(m.p_value) || m.p_value >= 0.05)
			continue;
		if (fabs(m.rate - m.prev_rate) > fabs(best_delta)) {
			best = s;
			best_delta = m.rate - m.prev_rate;
		}
	}
	if (best == NULL)
		return;
	rate_words(c, now, sizeof now, best->completed, best->started);
	rate_words(c, before, sizeof before, best->prev_completed, best->prev_started);
	add(c, c->lang_en ? "The clearest %s is %s%s%s (%s): from %s to %s (statistically significant)."
			     : "Am deutlichsten %s hat sich %s%s%s (%s): von %s auf %s (statistisch signifikant).",
	    best_delta > 0 ? L(c, "verbessert", "improvement") : L(c, "verschlechtert", "decline"), open_q(c),
	    best->name, close_q(c), best->site_name, before, now);
}

void summary_total(const struct model_result *r, struct model_service *out)
{
	*out = r->total;
	out->has_prev = r->prev.has;
	out->prev_started = r->prev.started;
	out->prev_completed = r->prev.completed;
}

/*
 * The latest change made to the portal (--changes) that can be judged: its
 * rate before and since, and whether that is a real difference. Returns
 * whether it wrote a sentence.
 */
static int latest_change(struct ctx *c)
{
	const struct change_row *best = NULL;
	char before[RATE_TEXT], after[RATE_TEXT], day[11];
	const struct model_service *s;

	for (size_t i = 0; i < c->r->nchanges; i++) {
		const struct change_row *k = &c->r->changes[i];

		if (k->before_started == 0 || k->after_started == 0)
			continue;
		if (best == NULL || k->change->day > best->change->day)
			best = k;
	}
	if (best == NULL)
		return 0;
	s = summary_service(c->r, best->site, best->service);
	rate_words(c, before, sizeof before, best->before_completed, best->before_started);
	rate_words(c, after, sizeof after, best->after_completed, best->after_started);
	words_date(day, best->change->day, c->lang_en);
	add(c, c->lang_en ? "Change %s%s%s of %s (%s, %s): completion rate before %s, since %s – %s."
		     : "Änderung %s%s%s vom %s (%s, %s): Abschlussquote vorher %s, seitdem %s – %s.",
	    open_q(c), best->change->text, close_q(c), day, s != NULL ? s->name : best->service,
	    s != NULL ? s->site_name : best->site, before, after, summary_change_verdict(best, c->lang_en));
	return 1;
}

void summary_build(const struct model_result *r, int compare, int lang_en, struct summary *out)
{
	struct ctx c = { .r = r, .lang_en = lang_en, .out = out };

	memset(out, 0, sizeof *out);
	top_causes(&c);
	worst_service(&c);
	overall(&c, compare);
	if (!latest_change(&c) && compare)
		biggest_change(&c);
}
