/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * sites.c — loading and querying the --sites file. Validates every row
 * (site id syntax, origin syntax, no duplicates) so that a mistake is found
 * at start or reload, never while serving.
 */
#include "sites.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "csvread.h"
#include "event.h"
#include "reduce.h"

#define SITES_MAX 256
#define ORIGINS_MAX 8
#define ORIGIN_LEN_MAX 128

struct site {
	char id[EVENT_SITE_MAX + 1];
	size_t n_origins;
	char origins[ORIGINS_MAX][ORIGIN_LEN_MAX];
	size_t origin_len[ORIGINS_MAX];
};

struct sites {
	size_t n;
	struct site *list; /* SITES_MAX entries */
};

/*
 * An origin is what reduce_origin makes of a request's URL, and nothing
 * more: "http(s)://host[:port]" (no path, user-info, query or empty port).
 */
static int valid_origin(const char *s, size_t n)
{
	char o[ORIGIN_LEN_MAX];

	return n > 0 && reduce_origin(s, n, o, sizeof o) == (int)n;
}

static struct site *find(const struct sites *s, const char *id)
{
	for (size_t i = 0; i < s->n; i++)
		if (strcmp(s->list[i].id, id) == 0)
			return &s->list[i];
	return NULL;
}

static int on_row(void *ctx, char **f, size_t n, unsigned line, char *err, size_t errlen)
{
	struct sites *s = ctx;

	if (line == 1 && strcmp(f[0], "site") == 0)
		return 0; /* the header row */
	if (n != 3) {
		snprintf(err, errlen, "expected 3 columns site,name,origins, found %zu", n);
		return -1;
	}
	if (!event_site_valid(f[0])) {
		snprintf(err, errlen, "site id '%.40s' must match [a-z0-9-]{1,32}", f[0]);
		return -1;
	}
	if (find(s, f[0]) != NULL) {
		snprintf(err, errlen, "site '%s' is listed twice", f[0]);
		return -1;
	}
	if (s->n == SITES_MAX) {
		snprintf(err, errlen, "more than %d sites", SITES_MAX);
		return -1;
	}
	struct site *site = &s->list[s->n];
	memset(site, 0, sizeof *site);
	strcpy(site->id, f[0]);
	for (char *p = f[2]; *p != '\0';) {
		size_t len;
		while (*p == ' ' || *p == '\t')
			p++;
		len = strcspn(p, " \t");
		if (len == 0)
			break;
		if (!valid_origin(p, len)) {
			snprintf(err, errlen, "origin '%.*s' is not scheme://host[:port]",
			         (int)(len > 80 ? 80 : len), p);
			return -1;
		}
		if (site->n_origins == ORIGINS_MAX) {
			snprintf(err, errlen, "more than %d origins for site '%s'", ORIGINS_MAX, site->id);
			return -1;
		}
		memcpy(site->origins[site->n_origins], p, len);
		site->origins[site->n_origins][len] = '\0';
		site->origin_len[site->n_origins] = len;
		site->n_origins++;
		p += len;
	}
	s->n++;
	return 0;
}

int sites_load(const char *path, struct sites **out, char *err, size_t errlen)
{
	struct sites *s = calloc(1, sizeof *s);

	*out = NULL;
	if (s == NULL || (s->list = calloc(SITES_MAX, sizeof *s->list)) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		free(s);
		return -1;
	}
	if (csvread_file(path, on_row, s, err, errlen) != 0) {
		sites_free(s);
		return -1;
	}
	if (s->n == 0) {
		snprintf(err, errlen, "%s: lists no site", path);
		sites_free(s);
		return -1;
	}
	*out = s;
	return 0;
}

static int site_lists(const struct site *site, const char *origin, size_t len)
{
	for (size_t i = 0; i < site->n_origins; i++)
		if (site->origin_len[i] == len && strncasecmp(site->origins[i], origin, len) == 0)
			return 1;
	return 0;
}

enum site_verdict sites_check(const struct sites *s, const char *id, const char *origin, size_t len)
{
	const struct site *site = find(s, id);

	if (site == NULL)
		return SITE_UNKNOWN;
	if (origin != NULL && !site_lists(site, origin, len))
		return SITE_ORIGIN_DENIED;
	return SITE_OK;
}

int sites_origin_known(const struct sites *s, const char *origin, size_t len)
{
	for (size_t i = 0; i < s->n; i++)
		if (site_lists(&s->list[i], origin, len))
			return 1;
	return 0;
}

size_t sites_count(const struct sites *s)
{
	return s->n;
}

void sites_free(struct sites *s)
{
	if (s == NULL)
		return;
	free(s->list);
	free(s);
}
