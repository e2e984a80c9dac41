/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * catalog.h — the service catalogue given with --services: for a site and a
 * service key, the service's name, its category (Themenfeld), its step
 * names, and the URL path patterns of its steps and of its confirmation
 * page. Read once with libcsv (common/csvread). It matches one path against
 * the patterns that apply to a site; it does not count anything (model.c
 * turns matching pageviews into flow events) and does not guess names for
 * services it does not list (model.c falls back to what beacons sent).
 *
 * Patterns (REPORT.md "Catalogue"): a pattern matches a whole stored path;
 * "*" matches any run of characters within one segment (possibly empty),
 * "**" any run across segments, every other character itself (so ":id"
 * matches a segment the collector reduced). One trailing "/" is ignored on
 * both sides: "/a/" and "/a" are the same page.
 */
#ifndef LOTSE_CATALOG_H
#define LOTSE_CATALOG_H

#include <stddef.h>

#define CATALOG_MAX_ENTRIES 10000
#define CATALOG_MAX_STEPS 50
#define CATALOG_MAX_PATTERN 256   /* bytes of one pattern */
#define CATALOG_MAX_ALTERNATIVES 16 /* patterns of one step, or of done */

/* One path pattern of a step (step 1..nsteps) or of the confirmation page (step 0). */
struct catalog_pattern {
	char *text;              /* as matched: a trailing "/" removed */
	unsigned step;           /* 1..CATALOG_MAX_STEPS, or 0 = done */
	unsigned id;             /* index in the whole catalogue, 0..npatterns-1 */
};

struct catalog_entry {
	char *site;      /* "" or "*" = every site */
	char *service;
	char *name;
	char *category;
	char *steps[CATALOG_MAX_STEPS]; /* steps[0] names step 1 ("" when unnamed) */
	size_t nsteps;                  /* names or path steps, whichever are more */
	struct catalog_pattern *pat;    /* the steps' patterns in step order, then done's */
	size_t npat;
	/* Which sites it applies to (see catalog_find); set after loading. */
	int shadowed;                   /* a row of the same site and service came first */
	char **own_sites;               /* "*" rows: sites with their own row for the service */
	size_t nown;
	unsigned line;                  /* line in the file, for messages */
};

struct catalog {
	struct catalog_entry *e;
	size_t n, cap;
	size_t npatterns;
};

/*
 * Reads path: columns site,service,name,category,steps[,paths[,done]] (the
 * last two may be absent from a row or the file; an optional header row
 * starting "site,service"). Returns 0, or -1 with "PATH:LINE: reason" in
 * err; on failure c holds nothing.
 */
int catalog_load(struct catalog *c, const char *path, char *err, size_t errlen);

/* Returns the entry for site and service (a site's own row before a "*" row), or NULL. */
const struct catalog_entry *catalog_find(const struct catalog *c, const char *site,
                                         const char *service);

/* Whether entry e is the one catalog_find returns for site and e's service. */
int catalog_applies(const struct catalog_entry *e, const char *site);

/*
 * Whether pattern matches the stored path path[0..n-1] (see the top of this
 * file). Linear in n times the pattern's length; no allocation.
 */
int catalog_pattern_match(const char *pattern, const char *path, size_t n);

/* One pattern that matched a path: its entry and the pattern. */
struct catalog_hit {
	const struct catalog_entry *e;
	const struct catalog_pattern *p;
};

/*
 * Finds every pattern of the entries applying to site that matches
 * path[0..n-1], in catalogue order, into hits[0..*n_hits-1] (at most max;
 * *more is set to 1 when there were more). Never fails.
 */
void catalog_match(const struct catalog *c, const char *site, const char *path, size_t n,
                   struct catalog_hit *hits, size_t max, size_t *n_hits, int *more);

/*
 * Whether path[0..n-1] looks like a page of an online form by its words
 * ("antrag", "formular", "schritt", "bestaetigung", …; ASCII letters in
 * either case): a hint for the catalogue check, not a rule of the report.
 */
int catalog_looks_like_form(const char *path, size_t n);

/* Frees all c holds; c may be zero-initialised and never loaded. */
void catalog_free(struct catalog *c);

#endif
