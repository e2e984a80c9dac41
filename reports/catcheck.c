/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * catcheck.c — prints the catalogue check of catcheck.h. One line per
 * finding, two spaces between its parts, so that a person reads it and a
 * script can still cut it apart. Paths are printed as stored (they are
 * reduced by the collector and hold no personal data).
 */
#include "catcheck.h"

#include <string.h>

#include "csvout.h"

#define MAX_LISTED 200 /* per list; the count says how many there are */

static const char *L(int en, const char *de, const char *en_text)
{
	return en ? en_text : de;
}

/* "Schritt 3 „Name“" or "Bestätigungsseite". */
static void print_step(FILE *f, const struct catalog_entry *e, unsigned step, int en)
{
	if (step == 0) {
		fputs(L(en, "Bestätigungsseite", "confirmation page"), f);
		return;
	}
	fprintf(f, "%s %u", L(en, "Schritt", "step"), step);
	if (step <= e->nsteps && e->steps[step - 1][0] != '\0')
		fprintf(f, en ? " \"%s\"" : " „%s“", e->steps[step - 1]);
}

static void print_note(FILE *f, const struct model_path_note *n, int en, int why)
{
	fprintf(f, "  %s  %s  %u %s", n->site, n->path, n->pageviews,
		L(en, n->pageviews == 1 ? "Seitenaufruf" : "Seitenaufrufe", n->pageviews == 1 ? "pageview" : "pageviews"));
	if (why && (n->flags & MODEL_PATH_FIELD_ERROR))
		fputs(L(en, "  (Feldfehler von dieser Seite)", "  (field errors sent from it)"), f);
}

/* What the patterns of several services or steps say of one path. */
static void print_overlap(FILE *f, const struct catalog *cat, const struct model_path_note *n, int en)
{
	struct catalog_hit hits[16];
	size_t nh;
	int more;

	print_note(f, n, en, 0);
	fputs(":", f);
	catalog_match(cat, n->site, n->path, strlen(n->path), hits, 16, &nh, &more);
	for (size_t i = 0; i < nh; i++) {
		if (i > 0 && hits[i].e == hits[i - 1].e && hits[i].p->step == hits[i - 1].p->step)
			continue;
		fprintf(f, "%s %s ", i ? "," : "", hits[i].e->service);
		print_step(f, hits[i].e, hits[i].p->step, en);
	}
	if (more)
		fputs(", …", f);
}

int catcheck_print(FILE *f, const struct model_result *r, const struct catalog *cat,
                   const char *cat_path, int en)
{
	const struct model_check *c = &r->check;
	char share[32], pct[40];

	csvout_format_num(share, sizeof share,
			  c->pageviews ? 100.0 * (double)c->matched_pageviews / (double)c->pageviews : 0.0, 1, !en);
	snprintf(pct, sizeof pct, "%s %%", share);
	fprintf(f, en ? "Catalogue check of %s: %zu patterns, %zu sites, %llu pageviews, %llu of them (%s) matched.\n"
		      : "Katalogprüfung von %s: %zu Muster, %zu Websites, %llu Seitenaufrufe, davon %llu (%s) von Mustern erkannt.\n",
		cat_path, cat->npatterns, r->nsites, (unsigned long long)c->pageviews,
		(unsigned long long)c->matched_pageviews, pct);

	fprintf(f, "\n%s (%zu):\n", L(en, "Muster ohne Treffer", "Patterns that matched no pageview"), c->nunused);
	for (size_t i = 0; i < c->nunused && i < MAX_LISTED; i++) {
		const struct model_unused_pattern *u = &c->unused[i];

		fprintf(f, "  %s  %s  ", u->site, u->entry->service);
		print_step(f, u->entry, u->pattern->step, en);
		fprintf(f, "  %s  (%s %u)\n", u->pattern->text, L(en, "Zeile", "line"), u->entry->line);
	}

	fprintf(f, "\n%s (%zu):\n",
		L(en, "Seiten, die wie Formulare aussehen, aber zu keinem Muster passen",
		  "Pages that look like forms but match no pattern"), c->nunmatched);
	for (size_t i = 0; i < c->nunmatched && i < MAX_LISTED; i++) {
		print_note(f, &c->unmatched[i], en, 1);
		fputc('\n', f);
	}

	fprintf(f, "\n%s (%zu):\n",
		L(en, "Seiten, auf die Muster mehrerer Dienste oder Schritte passen",
		  "Pages that patterns of several services or steps match"), c->noverlaps);
	for (size_t i = 0; i < c->noverlaps && i < MAX_LISTED; i++) {
		print_overlap(f, cat, &c->overlaps[i], en);
		fputc('\n', f);
	}
	if (c->nunused > MAX_LISTED || c->nunmatched > MAX_LISTED || c->noverlaps > MAX_LISTED)
		fprintf(f, "\n%s\n", L(en, "(Jede Liste zeigt höchstens 200 Zeilen.)", "(Each list shows at most 200 lines.)"));
	fflush(f);
	return ferror(f) ? -1 : 0;
}
