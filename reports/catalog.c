/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * catalog.c — loads and searches the service catalogue. Linear search: a
 * catalogue has tens to a few thousand rows and is searched once per service
 * of the report, never per event.
 */
#include "catalog.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "event.h"

static void entry_free(struct catalog_entry *e)
{
	free(e->site);
	free(e->service);
	free(e->name);
	free(e->category);
	for (size_t i = 0; i < e->nsteps; i++)
		free(e->steps[i]);
	memset(e, 0, sizeof *e);
}

static char *dup_bounded(const char *s, size_t max)
{
	return strlen(s) > max ? NULL : strdup(s);
}

static int on_row(void *ctx, char **f, size_t n, unsigned line, char *err, size_t errlen)
{
	struct catalog *c = ctx;
	struct catalog_entry e;
	const char *site;

	memset(&e, 0, sizeof e);
	if (line == 1 && n >= 2 && strcmp(f[0], "site") == 0 && strcmp(f[1], "service") == 0)
		return 0;
	if (n != 5) {
		snprintf(err, errlen, "expected 5 fields (site,service,name,category,steps), got %zu", n);
		return -1;
	}
	site = f[0];
	if (!(site[0] == '\0' || strcmp(site, "*") == 0 || event_site_valid(site))) {
		snprintf(err, errlen, "site: must be [a-z0-9-]{1,32} or *");
		return -1;
	}
	if (!event_key_valid(f[1], 64, "._-")) {
		snprintf(err, errlen, "service: must be [a-z0-9._-]{1,64}");
		return -1;
	}
	if (c->n == CATALOG_MAX_ENTRIES) {
		snprintf(err, errlen, "more than %d services", CATALOG_MAX_ENTRIES);
		return -1;
	}
	if (c->n == c->cap) {
		size_t nc = c->cap ? c->cap * 2 : 32;
		struct catalog_entry *ne = realloc(c->e, nc * sizeof *ne);

		if (ne == NULL)
			goto oom;
		c->e = ne;
		c->cap = nc;
	}
	e.site = strdup(site);
	e.service = strdup(f[1]);
	e.name = dup_bounded(f[2], 200);
	e.category = dup_bounded(f[3], 200);
	if (e.site == NULL || e.service == NULL || e.name == NULL || e.category == NULL) {
		if (e.site != NULL && e.service != NULL && (strlen(f[2]) > 200 || strlen(f[3]) > 200)) {
			entry_free(&e);
			snprintf(err, errlen, "name or category longer than 200 bytes");
			return -1;
		}
		goto oom;
	}
	for (const char *p = f[4]; *p != '\0';) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (e.nsteps == CATALOG_MAX_STEPS) {
			entry_free(&e);
			snprintf(err, errlen, "steps: more than %d", CATALOG_MAX_STEPS);
			return -1;
		}
		if (len > 80) {
			entry_free(&e);
			snprintf(err, errlen, "steps: a step name longer than 80 bytes");
			return -1;
		}
		e.steps[e.nsteps] = strndup(p, len);
		if (e.steps[e.nsteps] == NULL)
			goto oom;
		e.nsteps++;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	c->e[c->n++] = e;
	return 0;
oom:
	entry_free(&e);
	snprintf(err, errlen, "out of memory");
	return -1;
}

int catalog_load(struct catalog *c, const char *path, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	if (csvread_file(path, on_row, c, err, errlen) != 0) {
		catalog_free(c);
		return -1;
	}
	return 0;
}

const struct catalog_entry *catalog_find(const struct catalog *c, const char *site,
                                         const char *service)
{
	const struct catalog_entry *any = NULL;

	if (c == NULL)
		return NULL;
	for (size_t i = 0; i < c->n; i++) {
		const struct catalog_entry *e = &c->e[i];

		if (strcmp(e->service, service) != 0)
			continue;
		if (strcmp(e->site, site) == 0)
			return e;
		if (any == NULL && (e->site[0] == '\0' || strcmp(e->site, "*") == 0))
			any = e;
	}
	return any;
}

void catalog_free(struct catalog *c)
{
	for (size_t i = 0; i < c->n; i++)
		entry_free(&c->e[i]);
	free(c->e);
	memset(c, 0, sizeof *c);
}
