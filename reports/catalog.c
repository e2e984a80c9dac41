/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * catalog.c — loads, searches and matches the service catalogue. Lookups by
 * service are linear: a catalogue has tens to a few thousand rows and is
 * searched once per service of the report, never per event. Path matching
 * runs once per distinct (site, path) of a report (model.c keeps the
 * answer), so it simulates the pattern as a small automaton over the path's
 * bytes instead of backtracking: its time is bounded by the path's length
 * times the pattern's, whatever the stars.
 */
#include "catalog.h"

#include <assert.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csvread.h"
#include "event.h"

#define NAME_MAX_BYTES 200
#define STEP_NAME_MAX 80

static int is_wild(const char *site)
{
	return site[0] == '\0' || strcmp(site, "*") == 0;
}

static void entry_free(struct catalog_entry *e)
{
	free(e->site);
	free(e->service);
	free(e->name);
	free(e->category);
	for (size_t i = 0; i < e->nsteps; i++)
		free(e->steps[i]);
	for (size_t i = 0; i < e->npat; i++)
		free(e->pat[i].text);
	free(e->pat);
	free(e->own_sites); /* the strings are other entries' sites */
	memset(e, 0, sizeof *e);
}

/*
 * Adds the space-separated patterns of text[0..len-1] as patterns of step
 * (0 = done) to e. Returns 0, or -1 with a reason in err (e keeps what it
 * had; the caller frees it).
 */
static int add_patterns(struct catalog_entry *e, const char *text, size_t len, unsigned step,
                        char *err, size_t errlen)
{
	const char *what = step ? "paths" : "done";
	size_t alts = 0, i = 0;

	while (i < len) {
		size_t j;
		struct catalog_pattern *np;
		char *t;

		if (text[i] == ' ' || text[i] == '\t') {
			i++;
			continue;
		}
		for (j = i; j < len && text[j] != ' ' && text[j] != '\t'; j++) {
			if ((unsigned char)text[j] < 0x20 || text[j] == 0x7f) {
				snprintf(err, errlen, "%s: a control character in a pattern", what);
				return -1;
			}
		}
		if (text[i] != '/') {
			snprintf(err, errlen, "%s: a pattern must start with / (a path, not a URL): %.60s", what,
				 text + i);
			return -1;
		}
		if (j - i > CATALOG_MAX_PATTERN) {
			snprintf(err, errlen, "%s: a pattern longer than %d bytes", what, CATALOG_MAX_PATTERN);
			return -1;
		}
		if (++alts > CATALOG_MAX_ALTERNATIVES) {
			snprintf(err, errlen, "%s: more than %d alternatives for one %s", what,
				 CATALOG_MAX_ALTERNATIVES, step ? "step" : "confirmation page");
			return -1;
		}
		np = realloc(e->pat, (e->npat + 1) * sizeof *np);
		if (np == NULL)
			goto oom;
		e->pat = np;
		/* One trailing "/" is not part of the page ("/a/" is "/a"); "/" stays. */
		t = strndup(text + i, j - i > 1 && text[j - 1] == '/' ? j - i - 1 : j - i);
		if (t == NULL)
			goto oom;
		e->pat[e->npat].text = t;
		e->pat[e->npat].step = step;
		e->pat[e->npat].id = 0; /* numbered after loading */
		e->npat++;
		i = j;
	}
	return 0;
oom:
	snprintf(err, errlen, "out of memory");
	return -1;
}

/* Reads the steps column (names joined by "|") into e. Returns 0 or -1 with err. */
static int read_step_names(struct catalog_entry *e, const char *f, char *err, size_t errlen)
{
	for (const char *p = f; *p != '\0';) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (e->nsteps == CATALOG_MAX_STEPS) {
			snprintf(err, errlen, "steps: more than %d", CATALOG_MAX_STEPS);
			return -1;
		}
		if (len > STEP_NAME_MAX) {
			snprintf(err, errlen, "steps: a step name longer than %d bytes", STEP_NAME_MAX);
			return -1;
		}
		e->steps[e->nsteps] = strndup(p, len);
		if (e->steps[e->nsteps] == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		e->nsteps++;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	return 0;
}

/*
 * Reads the paths column (steps joined by "|", alternatives by spaces) and
 * the done column into e; step names missing for path steps become "".
 * Returns 0 or -1 with err.
 */
static int read_paths(struct catalog_entry *e, const char *paths, const char *done, char *err,
                      size_t errlen)
{
	size_t named = e->nsteps;
	unsigned step = 0;

	for (const char *p = paths; *p != '\0';) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (++step > CATALOG_MAX_STEPS) {
			snprintf(err, errlen, "paths: more than %d steps", CATALOG_MAX_STEPS);
			return -1;
		}
		if (named > 0 && step > named) {
			snprintf(err, errlen, "paths: more steps than the %zu step names", named);
			return -1;
		}
		if (add_patterns(e, p, len, step, err, errlen) != 0)
			return -1;
		if (bar == NULL)
			break;
		p = bar + 1;
	}
	while (e->nsteps < step) {
		e->steps[e->nsteps] = strdup("");
		if (e->steps[e->nsteps] == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		e->nsteps++;
	}
	if (strchr(done, '|') != NULL) {
		snprintf(err, errlen, "done: one page (alternatives separated by spaces, not |)");
		return -1;
	}
	return add_patterns(e, done, strlen(done), 0, err, errlen);
}

static int on_row(void *ctx, char **f, size_t n, unsigned line, char *err, size_t errlen)
{
	struct catalog *c = ctx;
	struct catalog_entry e;
	const char *site;

	memset(&e, 0, sizeof e);
	if (line == 1 && n >= 2 && strcmp(f[0], "site") == 0 && strcmp(f[1], "service") == 0)
		return 0;
	if (n < 5 || n > 7) {
		snprintf(err, errlen,
			 "expected 5 to 7 fields (site,service,name,category,steps[,paths[,done]]), got %zu", n);
		return -1;
	}
	site = f[0];
	if (!(is_wild(site) || event_site_valid(site))) {
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
	if (strlen(f[2]) > NAME_MAX_BYTES || strlen(f[3]) > NAME_MAX_BYTES) {
		snprintf(err, errlen, "name or category longer than %d bytes", NAME_MAX_BYTES);
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
	e.line = line;
	e.site = strdup(site);
	e.service = strdup(f[1]);
	e.name = strdup(f[2]);
	e.category = strdup(f[3]);
	if (e.site == NULL || e.service == NULL || e.name == NULL || e.category == NULL)
		goto oom;
	if (read_step_names(&e, f[4], err, errlen) != 0 ||
	    read_paths(&e, n > 5 ? f[5] : "", n > 6 ? f[6] : "", err, errlen) != 0) {
		entry_free(&e);
		return -1;
	}
	c->e[c->n++] = e;
	return 0;
oom:
	entry_free(&e);
	snprintf(err, errlen, "out of memory");
	return -1;
}

static const struct catalog *sort_cat; /* qsort has no context argument */

/* Orders entry indexes by service, "*" rows first, then by site, then by line. */
static int cmp_entry_idx(const void *a, const void *b)
{
	const struct catalog_entry *x = &sort_cat->e[*(const size_t *)a];
	const struct catalog_entry *y = &sort_cat->e[*(const size_t *)b];
	int c = strcmp(x->service, y->service);

	if (c == 0 && is_wild(x->site) != is_wild(y->site))
		c = is_wild(x->site) ? -1 : 1;
	if (c == 0 && !is_wild(x->site))
		c = strcmp(x->site, y->site);
	if (c == 0)
		c = (x->line > y->line) - (x->line < y->line);
	return c;
}

/*
 * Works out which rows apply to which sites, as catalog_find answers: per
 * service the first "*" row applies to every site without a row of its own,
 * the first row of a site to that site; later duplicates to none. Numbers
 * the patterns. Returns 0 or -1 (out of memory).
 */
static int resolve(struct catalog *c)
{
	size_t *idx = malloc((c->n ? c->n : 1) * sizeof *idx);
	unsigned id = 0;

	if (idx == NULL)
		return -1;
	for (size_t i = 0; i < c->n; i++)
		idx[i] = i;
	sort_cat = c;
	qsort(idx, c->n, sizeof *idx, cmp_entry_idx);
	sort_cat = NULL;
	for (size_t i = 0; i < c->n;) {
		size_t j = i;
		struct catalog_entry *wild = NULL;

		while (j < c->n && strcmp(c->e[idx[j]].service, c->e[idx[i]].service) == 0)
			j++;
		for (size_t k = i; k < j; k++) {
			struct catalog_entry *e = &c->e[idx[k]];

			if (is_wild(e->site)) {
				if (wild == NULL)
					wild = e;
				else
					e->shadowed = 1;
			} else if (k > i && !is_wild(c->e[idx[k - 1]].site) &&
				   strcmp(c->e[idx[k - 1]].site, e->site) == 0) {
				e->shadowed = 1;
			} else if (wild != NULL) {
				char **ns = realloc(wild->own_sites, (wild->nown + 1) * sizeof *ns);

				if (ns == NULL) {
					free(idx);
					return -1;
				}
				wild->own_sites = ns;
				wild->own_sites[wild->nown++] = e->site;
			}
		}
		i = j;
	}
	free(idx);
	for (size_t i = 0; i < c->n; i++)
		for (size_t k = 0; k < c->e[i].npat; k++)
			c->e[i].pat[k].id = id++;
	c->npatterns = id;
	return 0;
}

int catalog_load(struct catalog *c, const char *path, char *err, size_t errlen)
{
	memset(c, 0, sizeof *c);
	if (csvread_file(path, on_row, c, err, errlen) != 0) {
		catalog_free(c);
		return -1;
	}
	if (resolve(c) != 0) {
		snprintf(err, errlen, "%s: out of memory", path);
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
		if (any == NULL && is_wild(e->site))
			any = e;
	}
	return any;
}

int catalog_applies(const struct catalog_entry *e, const char *site)
{
	if (e->shadowed)
		return 0;
	if (!is_wild(e->site))
		return strcmp(e->site, site) == 0;
	for (size_t i = 0; i < e->nown; i++) {
		if (strcmp(e->own_sites[i], site) == 0)
			return 0;
	}
	return 1;
}

/* Pattern positions as a bit set: CATALOG_MAX_PATTERN + 1 states. */
#define STATE_WORDS ((CATALOG_MAX_PATTERN + 1 + 63) / 64)

static void state_set(uint64_t *s, size_t i)
{
	s[i / 64] |= (uint64_t)1 << (i % 64);
}

static int state_has(const uint64_t *s, size_t i)
{
	return (s[i / 64] >> (i % 64)) & 1;
}

/*
 * Adds to s every position reachable without reading a byte: a star may
 * match nothing. Positions only grow, so one ascending pass suffices.
 */
static void state_close(uint64_t *s, const char *pat, size_t m)
{
	for (size_t i = 0; i < m; i++) {
		if (pat[i] == '*' && state_has(s, i))
			state_set(s, pat[i + 1] == '*' ? i + 2 : i + 1);
	}
}

int catalog_pattern_match(const char *pat, const char *path, size_t n)
{
	size_t m = strlen(pat);
	uint64_t cur[STATE_WORDS], next[STATE_WORDS];

	if (m > CATALOG_MAX_PATTERN)
		return 0;
	if (strchr(pat, '*') == NULL)
		return m == n && memcmp(pat, path, n) == 0;
	memset(cur, 0, sizeof cur);
	state_set(cur, 0);
	state_close(cur, pat, m);
	for (size_t k = 0; k < n; k++) {
		char ch = path[k];
		int any = 0;

		memset(next, 0, sizeof next);
		for (size_t i = 0; i < m; i++) {
			if (!state_has(cur, i))
				continue;
			if (pat[i] == '*') {
				/* "**" stays on any byte, "*" on any byte but "/". */
				if (pat[i + 1] == '*' || ch != '/') {
					state_set(next, i);
					any = 1;
				}
			} else if (pat[i] == ch) {
				state_set(next, i + 1);
				any = 1;
			}
		}
		if (!any)
			return 0;
		state_close(next, pat, m);
		memcpy(cur, next, sizeof cur);
	}
	return state_has(cur, m);
}

void catalog_match(const struct catalog *c, const char *site, const char *path, size_t n,
                   struct catalog_hit *hits, size_t max, size_t *n_hits, int *more)
{
	/* One trailing "/" is ignored: patterns lost theirs when loaded. */
	size_t n2 = n > 1 && path[n - 1] == '/' ? n - 1 : n;

	*n_hits = 0;
	*more = 0;
	if (c == NULL)
		return;
	for (size_t i = 0; i < c->n; i++) {
		const struct catalog_entry *e = &c->e[i];

		if (e->npat == 0 || !catalog_applies(e, site))
			continue;
		for (size_t k = 0; k < e->npat; k++) {
			const struct catalog_pattern *p = &e->pat[k];

			if (!catalog_pattern_match(p->text, path, n) &&
			    (n2 == n || !catalog_pattern_match(p->text, path, n2)))
				continue;
			if (*n_hits == max) {
				*more = 1;
				return;
			}
			hits[*n_hits].e = e;
			hits[*n_hits].p = p;
			(*n_hits)++;
		}
	}
}

int catalog_looks_like_form(const char *path, size_t n)
{
	static const char *const words[] = { "antrag", "formular", "schritt", "step", "bestaetigung",
		"bestätigung", "confirmation", "bezahlung", "checkout", "wizard", "assistent",
		"online-dienst", "onlinedienst", "eservice", "e-service", NULL };
	char low[CATALOG_MAX_PATTERN * 8 + 1];

	if (n >= sizeof low)
		n = sizeof low - 1;
	for (size_t i = 0; i < n; i++)
		low[i] = path[i] >= 'A' && path[i] <= 'Z' ? (char)(path[i] - 'A' + 'a') : path[i];
	low[n] = '\0';
	for (size_t i = 0; words[i] != NULL; i++) {
		if (strstr(low, words[i]) != NULL)
			return 1;
	}
	return 0;
}

void catalog_free(struct catalog *c)
{
	for (size_t i = 0; i < c->n; i++)
		entry_free(&c->e[i]);
	free(c->e);
	memset(c, 0, sizeof *c);
}
