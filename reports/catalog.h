/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * catalog.h — the service catalogue given with --services: for a site and a
 * service key, the service's name, its category (Themenfeld) and its step
 * names. Read once with libcsv (common/csvread); it does not guess names for
 * services it does not list (model.c falls back to what beacons sent).
 */
#ifndef LOTSE_CATALOG_H
#define LOTSE_CATALOG_H

#include <stddef.h>

#define CATALOG_MAX_ENTRIES 10000
#define CATALOG_MAX_STEPS 50

struct catalog_entry {
	char *site;      /* "" or "*" = every site */
	char *service;
	char *name;
	char *category;
	char *steps[CATALOG_MAX_STEPS]; /* steps[0] names step 1 */
	size_t nsteps;
};

struct catalog {
	struct catalog_entry *e;
	size_t n, cap;
};

/*
 * Reads path (columns site,service,name,category,steps; an optional header
 * row starting "site,service"). Returns 0, or -1 with "PATH:LINE: reason" in
 * err; on failure c holds nothing.
 */
int catalog_load(struct catalog *c, const char *path, char *err, size_t errlen);

/* Returns the entry for site and service (a site's own row before a "*" row), or NULL. */
const struct catalog_entry *catalog_find(const struct catalog *c, const char *site,
                                         const char *service);

/* Frees all c holds; c may be zero-initialised and never loaded. */
void catalog_free(struct catalog *c);

#endif
