/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * labels.c — reads the sites and field label files and holds the word
 * tables of labels.h. Site names are found by binary search (a network may
 * list 20 000 sites); field labels by a linear pass that keeps the most
 * specific row (files are short and asked once per output row).
 */
#include "labels.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "event.h"
#include "table.h"

static int is_any(const char *s)
{
	return s[0] == '\0' || strcmp(s, "*") == 0;
}

/* --- sites ------------------------------------------------------------------ */

struct site_load {
	struct labels *l;
	size_t cap, first; /* first: the file's first entry */
};

static int on_site_row(void *ctx, char **f, size_t n, unsigned line, char *err, size_t errlen)
{
	struct site_load *sl = ctx;
	struct labels *l = sl->l;
	struct labels_site s, *ns;

	if (line == 1 && n >= 2 && strcmp(f[0], "site") == 0 && strcmp(f[1], "name") == 0)
		return 0;
	if (n < 2) {
		snprintf(err, errlen, "expected site,name[,origins], got %zu field%s", n, n == 1 ? "" : "s");
		return -1;
	}
	if (!event_site_valid(f[0])) {
		snprintf(err, errlen, "site: must be [a-z0-9-]{1,32}");
		return -1;
	}
	if (strlen(f[1]) > LABELS_MAX_TEXT) {
		snprintf(err, errlen, "name: longer than %d bytes", LABELS_MAX_TEXT);
		return -1;
	}
	if (l->nsites == LABELS_MAX_SITES) {
		snprintf(err, errlen, "more than %d sites", LABELS_MAX_SITES);
		return -1;
	}
	ns = tab_grow(l->sites, &sl->cap, l->nsites, sizeof *ns, 32);
	if (ns == NULL)
		goto oom;
	l->sites = ns;
	s.site = strdup(f[0]);
	s.name = strdup(f[1][0] ? f[1] : f[0]);
	if (s.site == NULL || s.name == NULL) {
		free(s.site);
		free(s.name);
		goto oom;
	}
	l->sites[l->nsites++] = s;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static int cmp_site(const void *a, const void *b)
{
	return strcmp(((const struct labels_site *)a)->site, ((const struct labels_site *)b)->site);
}

static void drop_sites(struct labels *l, size_t from)
{
	for (size_t i = from; i < l->nsites; i++) {
		free(l->sites[i].site);
		free(l->sites[i].name);
	}
	l->nsites = from;
}

int labels_load_sites(struct labels *l, const char *path, char *err, size_t errlen)
{
	struct site_load sl = { l, l->nsites, l->nsites };

	if (csvread_file(path, on_site_row, &sl, err, errlen) != 0) {
		drop_sites(l, sl.first);
		return -1;
	}
	if (l->nsites > 1)
		qsort(l->sites, l->nsites, sizeof *l->sites, cmp_site);
	return 0;
}

/* bsearch's comparison of a site key with an entry. */
static int cmp_site_key(const void *key, const void *elem)
{
	return strcmp(key, ((const struct labels_site *)elem)->site);
}

const char *labels_site_name(const struct labels *l, const char *site)
{
	const struct labels_site *hit;

	if (l == NULL || l->nsites == 0)
		return site;
	hit = bsearch(site, l->sites, l->nsites, sizeof *l->sites, cmp_site_key);
	return hit != NULL ? hit->name : site;
}

/* --- field labels ------------------------------------------------------------ */

struct field_load {
	struct labels *l;
	size_t cap;
};

static int field_key_valid(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > 64)
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return 0;
	}
	return 1;
}

static int on_field_row(void *ctx, char **f, size_t n, unsigned line, char *err, size_t errlen)
{
	struct field_load *fl = ctx;
	struct labels *l = fl->l;
	struct labels_field e, *nf;
	const char *site = "*", *service = "*", *field, *label;

	if (line == 1 && n >= 2 && (strcmp(f[0], "field") == 0 || strcmp(f[0], "site") == 0))
		return 0;
	if (n == 2) {
		field = f[0];
		label = f[1];
	} else if (n == 4) {
		site = f[0];
		service = f[1];
		field = f[2];
		label = f[3];
	} else {
		snprintf(err, errlen, "expected field,label or site,service,field,label, got %zu fields", n);
		return -1;
	}
	if (!(is_any(site) || event_site_valid(site))) {
		snprintf(err, errlen, "site: must be [a-z0-9-]{1,32} or *");
		return -1;
	}
	if (!(is_any(service) || event_key_valid(service, 64, "._-"))) {
		snprintf(err, errlen, "service: must be [a-z0-9._-]{1,64} or *");
		return -1;
	}
	if (!field_key_valid(field)) {
		snprintf(err, errlen, "field: must be [A-Za-z0-9._-]{1,64}");
		return -1;
	}
	if (label[0] == '\0' || strlen(label) > LABELS_MAX_TEXT) {
		snprintf(err, errlen, "label: must be 1 to %d bytes", LABELS_MAX_TEXT);
		return -1;
	}
	if (l->nfields == LABELS_MAX_FIELDS) {
		snprintf(err, errlen, "more than %d labels", LABELS_MAX_FIELDS);
		return -1;
	}
	nf = tab_grow(l->fields, &fl->cap, l->nfields, sizeof *nf, 32);
	if (nf == NULL)
		goto oom;
	l->fields = nf;
	e.site = strdup(is_any(site) ? "*" : site);
	e.service = strdup(is_any(service) ? "*" : service);
	e.field = strdup(field);
	e.label = strdup(label);
	if (e.site == NULL || e.service == NULL || e.field == NULL || e.label == NULL) {
		free(e.site);
		free(e.service);
		free(e.field);
		free(e.label);
		goto oom;
	}
	l->fields[l->nfields++] = e;
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

static void drop_fields(struct labels *l, size_t from)
{
	for (size_t i = from; i < l->nfields; i++) {
		free(l->fields[i].site);
		free(l->fields[i].service);
		free(l->fields[i].field);
		free(l->fields[i].label);
	}
	l->nfields = from;
}

int labels_load_fields(struct labels *l, const char *path, char *err, size_t errlen)
{
	struct field_load fl = { l, l->nfields };
	size_t first = l->nfields;

	if (csvread_file(path, on_field_row, &fl, err, errlen) != 0) {
		drop_fields(l, first);
		return -1;
	}
	return 0;
}

const char *labels_field(const struct labels *l, const char *site, const char *service,
                         const char *field)
{
	const char *best = field;
	int best_rank = -1;

	for (size_t i = 0; l != NULL && i < l->nfields; i++) {
		const struct labels_field *e = &l->fields[i];
		int site_any = strcmp(e->site, "*") == 0, svc_any = strcmp(e->service, "*") == 0, rank;

		if (strcmp(e->field, field) != 0 || (!site_any && strcmp(e->site, site) != 0) ||
		    (!svc_any && strcmp(e->service, service) != 0))
			continue;
		/* Site and service 3, service only 2, site only 1, neither 0; the first row of a rank wins. */
		rank = (!svc_any ? 2 : 0) + (!site_any ? 1 : 0);
		if (rank > best_rank) {
			best_rank = rank;
			best = e->label;
		}
	}
	return best;
}

void labels_free(struct labels *l)
{
	drop_sites(l, 0);
	drop_fields(l, 0);
	free(l->sites);
	free(l->fields);
	memset(l, 0, sizeof *l);
}

/* --- words ------------------------------------------------------------------ */

static const struct {
	const char *key, *de, *en;
} error_kinds[] = {
	{ "required", "Pflichtfeld nicht ausgefüllt", "required field left empty" },
	{ "format", "Eingabe im falschen Format", "input in the wrong format" },
	{ "range", "Wert außerhalb des erlaubten Bereichs", "value out of the allowed range" },
	{ "invalid", "Eingabe ungültig", "invalid input" },
	{ "server", "vom Server abgelehnt", "rejected by the server" },
	{ "too_long", "Eingabe zu lang", "input too long" },
	{ "too_short", "Eingabe zu kurz", "input too short" },
	{ "pattern", "Eingabe passt nicht zum verlangten Muster", "input does not match the pattern" },
	{ "upload", "Datei konnte nicht hochgeladen werden", "file upload failed" },
};

const char *labels_error_kind(const char *error, int lang_en)
{
	for (size_t i = 0; i < sizeof error_kinds / sizeof error_kinds[0]; i++) {
		if (strcmp(error_kinds[i].key, error) == 0)
			return lang_en ? error_kinds[i].en : error_kinds[i].de;
	}
	return NULL;
}

/* The collector's field names in its error strings (beacon.c). */
static const struct {
	const char *key, *de, *en;
} reason_fields[] = {
	{ "site", "Website-Kennung", "site id" },
	{ "type", "Ereignistyp", "event type" },
	{ "url", "Seitenadresse", "page address" },
	{ "ref", "Herkunftsadresse", "referrer" },
	{ "age", "Alter des Ereignisses", "event age" },
	{ "service", "Dienstkennung", "service key" },
	{ "flow", "Vorgangskennung", "attempt id" },
	{ "step", "Schrittnummer", "step number" },
	{ "step_name", "Schrittname", "step name" },
	{ "field", "Feldname", "field name" },
	{ "error", "Fehlerart", "error kind" },
	{ "q", "Suchbegriff", "search query" },
	{ "results", "Trefferzahl", "result count" },
	{ "href", "Linkziel", "link target" },
	{ "rating", "Bewertung", "rating" },
	{ "reason", "Grund", "reason" },
	{ "ms", "Anzeigedauer", "visible time" },
	{ "message", "Skriptfehlermeldung", "script error message" },
	{ "target", "Klickziel", "click target" },
	{ "event", "Ereignis", "event" },
	{ "body", "Anfrage", "request" },
	{ "batch", "Stapel", "batch" },
	{ "time", "Zeitangabe", "time" },
	{ "line", "Importzeile", "import line" },
	{ "query", "Pixel-Anfrage", "pixel query" },
};

/*
 * The collector's rules (after "field: "), by their beginning; %1 and %2
 * stand for the first and second number in the rule.
 */
static const struct {
	const char *prefix, *de, *en;
} reason_rules[] = {
	{ "required for ", "fehlt (Pflicht bei %t)", "missing (required for %t)" },
	{ "required", "fehlt", "missing" },
	{ "must be an integer >= 0", "keine ganze Zahl ab 0", "not a whole number from 0" },
	{ "must be an integer ", "keine ganze Zahl von %1 bis %2", "not a whole number from %1 to %2" },
	{ "must match ", "unzulässige Zeichen oder Länge", "characters or length not allowed" },
	{ "must be an absolute http(s) URL", "keine vollständige http(s)-Adresse", "not a full http(s) address" },
	{ "must be an absolute URL", "keine vollständige Adresse", "not a full address" },
	{ "must be at most ", "länger als %1 Bytes", "longer than %1 bytes" },
	{ "must be a string of at most ", "kein Text oder länger als %1 Zeichen",
	  "not a text or longer than %1 characters" },
	{ "must be valid UTF-8", "kein gültiges UTF-8", "not valid UTF-8" },
	{ "duplicate key", "doppelt angegeben", "given twice" },
	{ "unknown event type", "unbekannt", "unknown" },
	{ "must be a JSON object", "kein JSON-Objekt", "not a JSON object" },
	{ "more than ", "mehr als %1 Angaben", "more than %1 entries" },
	{ "must be pageview", "nur Seitenaufrufe erlaubt", "only pageviews allowed" },
	{ "not a site of this collector", "keine Website dieses Collectors", "not a site of this collector" },
	{ "must be an RFC 3339 time", "keine gültige Zeitangabe (RFC 3339)", "not a valid time (RFC 3339)" },
	{ "must be NAME", "nicht in der erlaubten Form (Fehlerklasse, Skript, Zeile, Spalte)",
	  "not in the allowed form (error class, script, line, column)" },
	{ "must not be an IBAN", "enthielt eine IBAN und wurde verworfen", "held an IBAN and was dropped" },
};

/* Copies the first and second run of digits of s into n1, n2 (empty when absent). */
static void numbers_of(const char *s, char *n1, char *n2, size_t len)
{
	char *outs[2] = { n1, n2 };
	int k = 0;

	n1[0] = n2[0] = '\0';
	while (*s != '\0' && k < 2) {
		size_t o = 0;

		if (*s < '0' || *s > '9') {
			s++;
			continue;
		}
		while (*s >= '0' && *s <= '9') {
			if (o + 1 < len)
				outs[k][o++] = *s;
			s++;
		}
		outs[k][o] = '\0';
		k++;
	}
}

/* Appends s to out at *o, cut to outlen. */
static void put(char *out, size_t outlen, size_t *o, const char *s)
{
	while (*s != '\0' && *o + 1 < outlen)
		out[(*o)++] = *s++;
	out[*o] = '\0';
}

void labels_reject_reason(const char *reason, int lang_en, char *out, size_t outlen)
{
	const char *colon = strstr(reason, ": ");
	const char *rule = colon ? colon + 2 : reason;
	char field[40], n1[24], n2[24];
	const char *noun = NULL, *tmpl = NULL;
	size_t o = 0, flen = colon ? (size_t)(colon - reason) : 0;

	if (outlen == 0)
		return;
	out[0] = '\0';
	if (flen > 0 && flen < sizeof field) {
		memcpy(field, reason, flen);
		field[flen] = '\0';
		for (size_t i = 0; i < sizeof reason_fields / sizeof reason_fields[0]; i++) {
			if (strcmp(reason_fields[i].key, field) == 0)
				noun = lang_en ? reason_fields[i].en : reason_fields[i].de;
		}
	}
	for (size_t i = 0; i < sizeof reason_rules / sizeof reason_rules[0] && tmpl == NULL; i++) {
		if (strncmp(rule, reason_rules[i].prefix, strlen(reason_rules[i].prefix)) == 0)
			tmpl = lang_en ? reason_rules[i].en : reason_rules[i].de;
	}
	if (noun == NULL || tmpl == NULL) {
		/* Not in the tables: say so plainly and keep the collector's words. */
		put(out, outlen, &o, lang_en ? "other reason: " : "anderer Grund: ");
		put(out, outlen, &o, reason);
		return;
	}
	numbers_of(rule, n1, n2, sizeof n1);
	put(out, outlen, &o, noun);
	put(out, outlen, &o, ": ");
	for (const char *t = tmpl; *t != '\0' && o + 1 < outlen; t++) {
		if (t[0] == '%' && (t[1] == '1' || t[1] == '2' || t[1] == 't')) {
			if (t[1] == 't')
				put(out, outlen, &o, rule + strlen("required for "));
			else
				put(out, outlen, &o, t[1] == '1' ? n1 : n2);
			t++;
			continue;
		}
		out[o++] = *t;
		out[o] = '\0';
	}
}
