/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * causes.c — groups the model's per-service rows into causes; see causes.h.
 * Every candidate row becomes a contribution (kind, key, site, service,
 * affected); sorting them by kind and key puts each cause's contributions
 * next to each other, so grouping is one pass. Sentences quote names as they
 * are: escaping is the writer's job.
 */
#include "causes.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvout.h"
#include "table.h"

struct contrib {
	enum cause_kind kind;
	char key[220];
	const char *site, *service;
	const char *name;       /* service name (drop, field, rating), or NULL */
	const char *field, *error; /* field causes */
	uint32_t step;          /* drop causes: the step */
	int unnamed;            /* drop causes: the step has no name (key "service:step") */
	uint32_t affected;
	uint32_t ratings[6];    /* rating causes */
};

struct contribs {
	struct contrib *c;
	size_t n, cap;
};

/* snprintf for the sentences: a sentence longer than its buffer is cut, which is fine. */
__attribute__((format(printf, 3, 4))) static void say(char *out, size_t outlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(out, outlen, fmt, ap);
	va_end(ap);
}

const char *causes_kind_name(enum cause_kind kind)
{
	static const char *const names[] = { "drop", "field", "search", "rating", "script", "rage" };

	return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "";
}

static struct contrib *contrib_add(struct contribs *cs, enum cause_kind kind, const char *key,
                                   const char *site, const char *service, uint32_t affected)
{
	struct contrib *c, *nw = tab_grow(cs->c, &cs->cap, cs->n, sizeof *nw, 64);

	if (nw == NULL)
		return NULL;
	cs->c = nw;
	c = &cs->c[cs->n++];
	memset(c, 0, sizeof *c);
	c->kind = kind;
	snprintf(c->key, sizeof c->key, "%s", key);
	c->site = site;
	c->service = service;
	c->affected = affected;
	return c;
}

static int cmp_contrib(const void *a, const void *b)
{
	const struct contrib *x = a, *y = b;
	int c;

	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	c = strcmp(x->key, y->key);
	if (c == 0 && x->affected != y->affected)
		c = x->affected > y->affected ? -1 : 1;
	if (c == 0)
		c = strcmp(x->site, y->site);
	return c ? c : strcmp(x->service, y->service);
}

/* Collects every candidate row of r. Returns 0 or -1 (out of memory). */
static int collect(const struct model_result *r, struct contribs *cs)
{
	char key[220];

	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *s = &r->services[i];
		struct contrib *c;

		for (uint32_t k = 0; s->started > 0 && k <= s->nsteps; k++) {
			uint32_t next = k < s->nsteps ? s->reached[k + 1] : s->completed;
			const char *name = s->step_name[k] ? s->step_name[k] : "";

			if (s->reached[k] <= next)
				continue;
			/* An unnamed step is no name to share: it stays a cause of its own service. */
			if (name[0] != '\0')
				snprintf(key, sizeof key, "%s", name);
			else
				snprintf(key, sizeof key, "%s:%u", s->service, k);
			c = contrib_add(cs, CAUSE_DROP, key, s->site, s->service, s->reached[k] - next);
			if (c == NULL)
				return -1;
			c->name = s->name;
			c->step = k;
			c->unnamed = name[0] == '\0';
		}
		if (s->ratings_n > 0) {
			c = contrib_add(cs, CAUSE_RATING, s->service, s->site, s->service, 0);
			if (c == NULL)
				return -1;
			c->name = s->name;
			memcpy(c->ratings, s->ratings, sizeof c->ratings);
		}
	}
	for (size_t i = 0; i < r->nfields; i++) {
		const struct model_field *f = &r->fields[i];
		struct contrib *c;

		if (f->flows == 0)
			continue;
		snprintf(key, sizeof key, "%s:%s", f->field, f->error);
		c = contrib_add(cs, CAUSE_FIELD, key, f->site, f->service, f->flows);
		if (c == NULL)
			return -1;
		c->field = f->field;
		c->error = f->error;
		for (size_t k = 0; k < r->nservices; k++) {
			if (strcmp(r->services[k].site, f->site) == 0 && strcmp(r->services[k].service, f->service) == 0)
				c->name = r->services[k].name;
		}
	}
	for (size_t i = 0; i < r->nsearches; i++) {
		const struct model_item *q = &r->searches[i];

		/* Suppressed small queries are never named. */
		if (q->key != NULL && q->zero > 0 && contrib_add(cs, CAUSE_SEARCH, q->key, q->site, "", q->zero) == NULL)
			return -1;
	}
	for (size_t i = 0; i < r->nscripts; i++) {
		const struct model_issue *x = &r->scripts[i];

		if (contrib_add(cs, CAUSE_SCRIPT, x->key, x->site, "", x->visits) == NULL)
			return -1;
	}
	for (size_t i = 0; i < r->nrages; i++) {
		const struct model_issue *x = &r->rages[i];

		if (contrib_add(cs, CAUSE_RAGE, x->key, x->site, "", x->visits) == NULL)
			return -1;
	}
	return 0;
}

/* "3 Portalen" / "1 Portal" and the like: n with the right one of two words. */
static void counted(char *out, size_t outlen, uint32_t n, const char *one, const char *many, int german)
{
	char num[24];

	csvout_format_count(num, sizeof num, n, german);
	snprintf(out, outlen, "%s %s", num, n == 1 ? one : many);
}

/* ASCII-lowercase substring test, for step names. */
static int has_word(const char *s, const char *word)
{
	char low[220];
	size_t n = strlen(s);

	if (n >= sizeof low)
		n = sizeof low - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = s[i] >= 'A' && s[i] <= 'Z' ? (char)(s[i] - 'A' + 'a') : s[i];
	low[n] = '\0';
	return strstr(low, word) != NULL;
}

/* The suggestion for a step drop-off, by what the step's name says it is. */
static void drop_action(struct cause *c, const char *name, uint32_t step)
{
	static const struct {
		const char *words[4], *de, *en;
	} hints[] = {
		{ { "zahl", "sepa", "gebühr", "kosten" },
		  "Den Bezahlschritt selbst durchspielen: Sind Betrag und Zahlungsarten vorher genannt, "
		  "funktionieren alle Zahlungsarten, und sagen Fehlermeldungen des Zahlungsdienstes, was zu tun ist?",
		  "Walk through the payment step yourself: are amount and payment methods named beforehand, do all "
		  "methods work, and do the payment provider's errors say what to do?" },
		{ { "nachweis", "hochlad", "upload", "dokument" },
		  "Vorher sagen, welche Unterlagen nötig sind; Dateiformate und Größen am Feld nennen und Fotos vom "
		  "Handy annehmen.",
		  "Say beforehand which documents are needed; name file types and sizes at the field and accept "
		  "phone photos." },
		{ { "identit", "ausweis", "eid", "bundid" },
		  "Den Ausweis-Schritt erklären (was man braucht: Online-Ausweis, PIN, App) und einen anderen Weg "
		  "anbieten.",
		  "Explain the identity step (what is needed: online ID, PIN, app) and offer another way." },
		{ { "termin", NULL, NULL, NULL },
		  "Prüfen, ob genug Termine angeboten werden und was geschieht, wenn keiner passt.",
		  "Check that enough appointments are offered and what happens when none fits." },
		{ { "prüf", "absend", "zusammenfass", NULL },
		  "Die Zusammenfassung kurz halten, Ändern ohne Datenverlust erlauben und den Absende-Knopf klar "
		  "beschriften.",
		  "Keep the summary short, allow changes without losing data and label the submit button clearly." },
	};

	if (step == 0) {
		say(c->action, sizeof c->action, "Die Einstiegsseite prüfen: Ist vorab klar, was man braucht "
			 "(Unterlagen, Kosten, Dauer) und wie es weitergeht?");
		say(c->action_en, sizeof c->action_en, "Check the first page: is it clear beforehand what is "
			 "needed (documents, cost, time) and how to go on?");
		return;
	}
	for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++) {
		for (size_t w = 0; w < 4 && hints[i].words[w] != NULL; w++) {
			if (has_word(name, hints[i].words[w])) {
				say(c->action, sizeof c->action, "%s", hints[i].de);
				say(c->action_en, sizeof c->action_en, "%s", hints[i].en);
				return;
			}
		}
	}
	say(c->action, sizeof c->action, "Den Schritt selbst durchgehen und mit wenigen Personen testen: "
		 "Was wird verlangt, was ist unklar, wo hakt die Technik?");
	say(c->action_en, sizeof c->action_en, "Walk through the step yourself and test it with a few people: "
		 "what is asked, what is unclear, where does the technology fail?");
}

static void field_action(struct cause *c, const char *error)
{
	static const struct {
		const char *error, *de, *en;
	} hints[] = {
		{ "format",
		  "Das erwartete Format direkt am Feld erklären (mit Beispiel) und großzügig prüfen: Leerzeichen, "
		  "Bindestriche und Kleinbuchstaben annehmen.",
		  "Explain the expected format next to the field (with an example) and check leniently: accept "
		  "spaces, hyphens and lower case." },
		{ "required", "Pflichtfelder deutlich kennzeichnen und prüfen, ob das Feld wirklich Pflicht sein muss.",
		  "Mark required fields clearly and check whether the field really has to be required." },
		{ "range", "Den erlaubten Bereich am Feld nennen und prüfen, ob die Grenzen zu eng sind.",
		  "State the allowed range next to the field and check whether the limits are too narrow." },
		{ "server",
		  "Klären, warum der Server die Eingabe ablehnt, und die Meldung in einen verständlichen Hinweis "
		  "übersetzen.",
		  "Find out why the server rejects the input and turn the message into a plain hint." },
		{ NULL, "Die Fehlermeldung am Feld verständlich formulieren und sagen, wie es richtig geht.",
		  "Word the error message at the field plainly and say how to get it right." },
	};
	size_t i = 0;

	while (hints[i].error != NULL && strcmp(hints[i].error, error) != 0)
		i++;
	say(c->action, sizeof c->action, "%s", hints[i].de);
	say(c->action_en, sizeof c->action_en, "%s", hints[i].en);
}

/* "am meisten bei „Dienst“ (Stadt X): 312" when more than one place shares the cause. */
static void most(char *out, size_t outlen, const struct cause *c, const struct contrib *top,
                 const struct labels *l, int german)
{
	char num[24];

	out[0] = '\0';
	if (c->nplaces < 2)
		return;
	csvout_format_count(num, sizeof num, top->affected, german);
	if (top->name != NULL)
		say(out, outlen, german ? ", am meisten bei „%s“ (%s): %s" : ", most at “%s” (%s): %s",
			 top->name, labels_site_name(l, top->site), num);
	else
		say(out, outlen, german ? ", am meisten bei %s: %s" : ", most at %s: %s",
			 labels_site_name(l, top->site), num);
}

/*
 * Writes label, detail and action of c from its contributions g[0..n-1]
 * (most affected first). rating: the cause's summed ratings.
 */
static void texts(struct cause *c, const struct contrib *g, const struct labels *l, const uint32_t *ratings)
{
	char aff[24], aff_en[24], sites[48], sites_en[48], svcs[48], svcs_en[48], top[400], top_en[400];

	csvout_format_count(aff, sizeof aff, c->affected, 1);
	csvout_format_count(aff_en, sizeof aff_en, c->affected, 0);
	counted(sites, sizeof sites, c->sites, "Portal", "Portalen", 1);
	counted(sites_en, sizeof sites_en, c->sites, "site", "sites", 0);
	counted(svcs, sizeof svcs, c->services, "Dienst", "Diensten", 1);
	counted(svcs_en, sizeof svcs_en, c->services, "service", "services", 0);
	most(top, sizeof top, c, &g[0], l, 1);
	most(top_en, sizeof top_en, c, &g[0], l, 0);
	switch (c->kind) {
	case CAUSE_DROP:
		if (g[0].unnamed) {
			say(c->label, sizeof c->label, "Schritt %u von „%s“", g[0].step, g[0].name);
			say(c->label_en, sizeof c->label_en, "Step %u of “%s”", g[0].step, g[0].name);
		} else {
			say(c->label, sizeof c->label, "%s", c->key);
			say(c->label_en, sizeof c->label_en, "%s", g[0].step == 0 ? "Start" : c->key);
		}
		say(c->detail, sizeof c->detail, "Beim Schritt „%s“ brechen %s Vorgänge ab, in %s auf %s%s.",
			 c->label, aff, svcs, sites, top);
		say(c->detail_en, sizeof c->detail_en, "At the step “%s”, %s attempts end, in %s on %s%s.",
			 c->label_en, aff_en, svcs_en, sites_en, top_en);
		drop_action(c, c->label, g[0].step);
		break;
	case CAUSE_FIELD: {
		const char *field = labels_field(l, g[0].site, g[0].service, g[0].field);
		const char *kind = labels_error_kind(g[0].error, 0), *kind_en = labels_error_kind(g[0].error, 1);

		if (kind != NULL) {
			say(c->label, sizeof c->label, "%s: %s", field, kind);
			say(c->label_en, sizeof c->label_en, "%s: %s", field, kind_en);
		} else {
			say(c->label, sizeof c->label, "%s: Fehler „%s“", field, g[0].error);
			say(c->label_en, sizeof c->label_en, "%s: error “%s”", field, g[0].error);
		}
		say(c->detail, sizeof c->detail, "Im Feld „%s“ hieß es in %s Vorgängen „%s“, in %s auf %s%s.",
			 field, aff, kind ? kind : g[0].error, svcs, sites, top);
		say(c->detail_en, sizeof c->detail_en, "The field “%s” said “%s” in %s attempts, in %s on %s%s.",
			 field, kind_en ? kind_en : g[0].error, aff_en, svcs_en, sites_en, top_en);
		field_action(c, g[0].error);
		break;
	}
	case CAUSE_SEARCH:
		say(c->label, sizeof c->label, "Suche nach „%s“", c->key);
		say(c->label_en, sizeof c->label_en, "Search for “%s”", c->key);
		say(c->detail, sizeof c->detail, "Die Suche nach „%s“ fand %s-mal nichts, auf %s%s.", c->key, aff,
			 sites, top);
		say(c->detail_en, sizeof c->detail_en, "Searching for “%s” found nothing %s times, on %s%s.",
			 c->key, aff_en, sites_en, top_en);
		say(c->action, sizeof c->action, "Eine passende Seite zu diesem Suchbegriff anlegen oder "
			 "verlinken, oder den Begriff als Synonym in der Suche hinterlegen.");
		say(c->action_en, sizeof c->action_en, "Create or link a page for this search term, or add the "
			 "term as a synonym to the site search.");
		break;
	case CAUSE_RATING: {
		uint32_t n = 0;
		double sum = 0;
		char mean[16], mean_en[16], nn[24], nn_en[24];

		for (int k = 1; k <= 5; k++) {
			n += ratings[k];
			sum += (double)k * ratings[k];
		}
		csvout_format_num(mean, sizeof mean, sum / n, 1, 1);
		csvout_format_num(mean_en, sizeof mean_en, sum / n, 1, 0);
		csvout_format_count(nn, sizeof nn, n, 1);
		csvout_format_count(nn_en, sizeof nn_en, n, 0);
		say(c->label, sizeof c->label, "Zufriedenheit mit „%s“", g[0].name);
		say(c->label_en, sizeof c->label_en, "Satisfaction with “%s”", g[0].name);
		say(c->detail, sizeof c->detail,
			 "„%s“ wird schlecht bewertet: %s von %s Bewertungen geben 1 oder 2 Sterne (Mittel %s von 5), auf %s.",
			 g[0].name, aff, nn, mean, sites);
		say(c->detail_en, sizeof c->detail_en,
			 "“%s” is rated poorly: %s of %s ratings give 1 or 2 stars (mean %s of 5), on %s.", g[0].name,
			 aff_en, nn_en, mean_en, sites_en);
		say(c->action, sizeof c->action, "Den Dienst mit wenigen Personen ausprobieren lassen und "
			 "nachfragen, was sie stört; die Schritte mit den größten Abbrüchen zuerst ansehen.");
		say(c->action_en, sizeof c->action_en, "Let a few people try the service and ask what bothers "
			 "them; look at the steps with the largest drop-offs first.");
		break;
	}
	case CAUSE_SCRIPT:
		say(c->label, sizeof c->label, "Skriptfehler %s", c->key);
		say(c->label_en, sizeof c->label_en, "Script error %s", c->key);
		say(c->detail, sizeof c->detail, "Der Skriptfehler „%s“ trat in %s Besuchen auf, auf %s%s.",
			 c->key, aff, sites, top);
		say(c->detail_en, sizeof c->detail_en, "The script error “%s” occurred in %s visits, on %s%s.",
			 c->key, aff_en, sites_en, top_en);
		say(c->action, sizeof c->action, "An die Technik geben: Den Fehler im genannten Skript beheben; "
			 "er kann Knöpfe und Formulare lahmlegen.");
		say(c->action_en, sizeof c->action_en, "Hand it to the developers: fix the error in the named "
			 "script; it can break buttons and forms.");
		break;
	case CAUSE_RAGE:
		say(c->label, sizeof c->label, "Wiederholtes Klicken auf „%s“", c->key);
		say(c->label_en, sizeof c->label_en, "Repeated clicks on “%s”", c->key);
		say(c->detail, sizeof c->detail,
			 "Auf „%s“ wurde in %s Besuchen mehrmals schnell hintereinander geklickt, auf %s%s.", c->key,
			 aff, sites, top);
		say(c->detail_en, sizeof c->detail_en, "“%s” was clicked several times in quick succession in "
			 "%s visits, on %s%s.", c->key, aff_en, sites_en, top_en);
		say(c->action, sizeof c->action, "Prüfen, ob das Element sichtbar und schnell genug reagiert; "
			 "eine Ladeanzeige oder eine klare Rückmeldung ergänzen.");
		say(c->action_en, sizeof c->action_en, "Check that the element responds visibly and quickly "
			 "enough; add a loading indicator or clear feedback.");
		break;
	}
}

/* Distinct strings among n pointers to strings (small n: quadratic is fine). */
static uint32_t distinct(const char **v, size_t n)
{
	uint32_t d = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j = 0;

		if (v[i][0] == '\0')
			continue;
		while (j < i && strcmp(v[j], v[i]) != 0)
			j++;
		if (j == i)
			d++;
	}
	return d;
}

/*
 * Makes the cause of the contributions g[0..n-1] (one kind and key, most
 * affected first). Returns 1 and fills *c, 0 when it is no cause, -1 when
 * out of memory.
 */
static int make_cause(const struct model_result *r, const struct labels *l, unsigned min_count,
                      const struct contrib *g, size_t n, struct cause *c)
{
	uint32_t ratings[6] = { 0 };
	const char **sites = NULL, **svcs = NULL;
	size_t nsvcs = 0;
	int rc = -1;

	memset(c, 0, sizeof *c);
	c->kind = g[0].kind;
	snprintf(c->key, sizeof c->key, "%s", g[0].key);
	for (size_t i = 0; i < n; i++) {
		for (int k = 1; k <= 5; k++)
			ratings[k] += g[i].ratings[k];
	}
	if (c->kind == CAUSE_RATING) {
		uint32_t cnt = ratings[1] + ratings[2] + ratings[3] + ratings[4] + ratings[5];
		double sum = ratings[1] + 2.0 * ratings[2] + 3.0 * ratings[3] + 4.0 * ratings[4] + 5.0 * ratings[5];

		if (cnt == 0 || cnt < min_count || sum / cnt >= CAUSES_LOW_RATING)
			return 0;
	}
	c->places = calloc(n, sizeof *c->places);
	sites = calloc(n, sizeof *sites);
	svcs = calloc(n + r->nissue_services + 1, sizeof *svcs);
	if (c->places == NULL || sites == NULL || svcs == NULL)
		goto out;
	for (size_t i = 0; i < n; i++) {
		uint32_t a = c->kind == CAUSE_RATING ? g[i].ratings[1] + g[i].ratings[2] : g[i].affected;

		if (a == 0)
			continue;
		c->places[c->nplaces].site = g[i].site;
		c->places[c->nplaces].service = g[i].service;
		c->places[c->nplaces].affected = a;
		sites[c->nplaces] = g[i].site;
		svcs[nsvcs++] = g[i].service;
		c->nplaces++;
		c->affected += a;
	}
	if (c->kind == CAUSE_SCRIPT || c->kind == CAUSE_RAGE) {
		for (size_t i = 0; i < r->nissue_services; i++) {
			const struct model_issue_service *x = &r->issue_services[i];

			if (x->rage == (c->kind == CAUSE_RAGE) && strcmp(x->key, c->key) == 0)
				svcs[nsvcs++] = x->service;
		}
		if (c->affected < min_count) {
			rc = 0;
			goto out;
		}
	}
	if (c->affected == 0) {
		rc = 0;
		goto out;
	}
	/* The places came most affected first only within the sort's ties: order them now. */
	for (size_t i = 1; i < c->nplaces; i++) {
		struct cause_place t = c->places[i];
		size_t j = i;

		while (j > 0 && c->places[j - 1].affected < t.affected) {
			c->places[j] = c->places[j - 1];
			j--;
		}
		c->places[j] = t;
	}
	c->sites = distinct(sites, c->nplaces);
	c->services = distinct(svcs, nsvcs);
	texts(c, g, l, ratings);
	rc = 1;
out:
	free(sites);
	free(svcs);
	if (rc != 1) {
		free(c->places);
		c->places = NULL;
	}
	return rc;
}

/* Ranks causes: more affected first, then kind in REPORT.md's order, then key. */
static int cmp_cause(const void *a, const void *b)
{
	const struct cause *x = a, *y = b;

	if (x->affected != y->affected)
		return x->affected > y->affected ? -1 : 1;
	if (x->kind != y->kind)
		return x->kind < y->kind ? -1 : 1;
	return strcmp(x->key, y->key);
}

int causes_build(const struct model_result *r, const struct labels *l, unsigned min_count,
                 struct cause **out, size_t *nout)
{
	struct contribs cs = { NULL, 0, 0 };
	struct cause *res = NULL;
	size_t n = 0;
	int rc = -1;

	*out = NULL;
	*nout = 0;
	if (collect(r, &cs) != 0)
		goto out;
	if (cs.n > 1)
		qsort(cs.c, cs.n, sizeof *cs.c, cmp_contrib);
	res = calloc(cs.n + 1, sizeof *res);
	if (res == NULL)
		goto out;
	for (size_t i = 0; i < cs.n;) {
		size_t j = i;
		int made;

		while (j < cs.n && cs.c[j].kind == cs.c[i].kind && strcmp(cs.c[j].key, cs.c[i].key) == 0)
			j++;
		made = make_cause(r, l, min_count, &cs.c[i], j - i, &res[n]);
		if (made < 0)
			goto out;
		n += (size_t)made;
		i = j;
	}
	qsort(res, n, sizeof *res, cmp_cause);
	*out = res;
	*nout = n;
	res = NULL;
	rc = 0;
out:
	causes_free(res, n);
	free(cs.c);
	return rc;
}

void causes_free(struct cause *c, size_t n)
{
	for (size_t i = 0; c != NULL && i < n; i++)
		free(c[i].places);
	free(c);
}
