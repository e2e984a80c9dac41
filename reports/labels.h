/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * labels.h — the plain words the report shows instead of keys: site names
 * from the collector's sites file (--sites, columns site,name,origins),
 * field labels from --fields (field,label, or site,service,field,label to
 * narrow a label to one site and service, either may be "*"), and the one
 * shared table of German (and English) names for error kinds and for the
 * reasons of rejected events, which CSV sentences and the HTML both use.
 * Files are read once with libcsv (common/csvread); lookups happen per
 * output row, never per event. The CSV files keep keys; only sentences and
 * the HTML show these words.
 */
#ifndef LOTSE_LABELS_H
#define LOTSE_LABELS_H

#include <stddef.h>

#define LABELS_MAX_SITES 20000
#define LABELS_MAX_FIELDS 10000
#define LABELS_MAX_TEXT 200   /* bytes of a name or label */

struct labels_site {
	char *site, *name;
};

struct labels_field {
	char *site, *service;  /* "*" = any */
	char *field, *label;
};

struct labels {
	struct labels_site *sites;   /* sorted by site after loading */
	size_t nsites;
	struct labels_field *fields; /* in file order */
	size_t nfields;
};

/*
 * Reads a sites file (site,name[,origins…]; an optional header row starting
 * "site,name") into l. Returns 0, or -1 with "PATH:LINE: reason" in err; on
 * failure l keeps no site of the file.
 */
int labels_load_sites(struct labels *l, const char *path, char *err, size_t errlen);

/*
 * Reads a field labels file (field,label or site,service,field,label; an
 * optional header row starting "field," or "site,") into l. Returns 0, or
 * -1 with "PATH:LINE: reason" in err; on failure l keeps no label of the file.
 */
int labels_load_fields(struct labels *l, const char *path, char *err, size_t errlen);

/* Frees all l holds; l may be zero-initialised and never loaded. */
void labels_free(struct labels *l);

/* The name of site, or site itself when the sites file has none (l may be NULL). */
const char *labels_site_name(const struct labels *l, const char *site);

/*
 * The label of field in site's service: the most specific row (site and
 * service, then service only, then site only, then neither) wins; field
 * itself when there is none (l may be NULL).
 */
const char *labels_field(const struct labels *l, const char *site, const char *service,
                         const char *field);

/*
 * The plain name of an error kind ("required" → "Pflichtfeld nicht
 * ausgefüllt", "format" → "Eingabe im falschen Format", …); for a kind not
 * in the table, NULL (the caller quotes the kind).
 */
const char *labels_error_kind(const char *error, int lang_en);

/*
 * Writes the plain sentence for a reject reason as the collector stores it
 * ("step: must be an integer 1..50" → "Schrittnummer: keine ganze Zahl von
 * 1 bis 50") into out. Unknown parts stay as they are. Never fails.
 */
void labels_reject_reason(const char *reason, int lang_en, char *out, size_t outlen);

#endif
