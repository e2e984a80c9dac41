/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_catalog.c — unit tests for reports/catalog.c: the path pattern rules
 * of REPORT.md ("*" within a segment, "**" across segments, ":id" as a
 * reduced segment, whole-path match, alternatives per step), loading the
 * paths and done columns and their errors, which row applies to which site,
 * and the hits of catalog_match in catalogue order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "catalog.h"

static int match(const char *pat, const char *path)
{
	return catalog_pattern_match(pat, path, strlen(path));
}

static void test_literal_and_stars(void)
{
	CHECK(match("/a/b", "/a/b"));
	CHECK(!match("/a/b", "/a/bc"));        /* whole path */
	CHECK(!match("/a/b", "/a"));
	CHECK(!match("/a", "/a/b"));
	CHECK(match("/a/*", "/a/b"));
	CHECK(match("/a/*", "/a/"));           /* a star may match nothing */
	CHECK(!match("/a/*", "/a/b/c"));       /* one segment only */
	CHECK(match("/a/*/c", "/a/xyz/c"));
	CHECK(!match("/a/*/c", "/a/x/y/c"));
	CHECK(match("/a/x*z", "/a/xz"));
	CHECK(match("/a/x*z", "/a/x-y-z"));
	CHECK(!match("/a/x*z", "/a/x/z"));
	CHECK(match("/a/**", "/a/b/c/d"));
	CHECK(match("/a/**", "/a/"));
	CHECK(!match("/a/**", "/b/c"));
	CHECK(match("/a/**/z", "/a/b/c/z"));
	CHECK(match("/a/**/z", "/a/b/z"));
	CHECK(!match("/a/**/z", "/a/z"));      /* "**" sits between two slashes here */
	CHECK(match("/a/**z", "/a/z"));
	CHECK(match("/**", "/"));
	CHECK(match("**", "/anything/at/all"));
	CHECK(match("/a/***", "/a/b/c"));      /* "**" then "*" */
	CHECK(match("/*/*/schritt-*", "/x/y/schritt-3"));
	CHECK(!match("/*/*/schritt-*", "/x/schritt-3"));
	/* ":id" is an ordinary text: it matches the segment the collector reduced. */
	CHECK(match("/formulare/hund/:id/halter", "/formulare/hund/:id/halter"));
	CHECK(!match("/formulare/hund/:id/halter", "/formulare/hund/K7X92QH4/halter"));
	CHECK(match("/formulare/hund/*/halter", "/formulare/hund/:id/halter"));
	/* Many stars stay fast and right: no backtracking blow-up. */
	{
		char path[2049];

		memset(path, 'a', sizeof path - 1);
		path[0] = '/';
		path[sizeof path - 1] = '\0';
		CHECK(!match("/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b", path));
		CHECK(match("/*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a", path));
		CHECK(match("/**a", path));
	}
}

/* Writes text to a temporary file and loads it; returns catalog_load's result. */
static int load(struct catalog *c, const char *text, char *err, size_t errlen)
{
	char path[] = "/tmp/lotse-test-catalog-XXXXXX";
	int fd = mkstemp(path), rc;
	FILE *f;

	if (fd < 0)
		return -2;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	rc = catalog_load(c, path, err, errlen);
	unlink(path);
	return rc;
}

static void test_load_paths(void)
{
	struct catalog c;
	char err[300];
	const struct catalog_entry *e;

	CHECK_INT(load(&c,
		       "site,service,name,category,steps,paths,done\n"
		       "*,hund,Hund anmelden,Steuern,Halter|Hund|Prüfen,"
		       "/hund/halter /hund/start/|/hund/angaben|,/hund/fertig/ /hund/danke\n"
		       "*,alt,Alt,X,A|B\n"
		       "*,pfad,Pfad,X,,/p/1|/p/2|/p/3\n"
		       "gladbeck,hund,Hund (Gladbeck),Steuern,Halter,/gla/hund,\n",
		       err, sizeof err), 0);
	CHECK_INT(c.n, 4);
	if (c.n != 4) {
		printf("  %s\n", err);
		return;
	}
	e = catalog_find(&c, "bottrop", "hund");
	CHECK(e != NULL && e->npat == 5);
	if (e != NULL && e->npat == 5) {
		CHECK_STR(e->pat[0].text, "/hund/halter");
		CHECK_INT(e->pat[0].step, 1);
		CHECK_STR(e->pat[1].text, "/hund/start"); /* the trailing slash is dropped */
		CHECK_INT(e->pat[1].step, 1);
		CHECK_INT(e->pat[2].step, 2);
		CHECK_STR(e->pat[3].text, "/hund/fertig");
		CHECK_INT(e->pat[3].step, 0);            /* done */
		CHECK_INT(e->pat[4].step, 0);
		CHECK_INT(e->nsteps, 3);                 /* step 3 has a name but no path */
	}
	e = catalog_find(&c, "bottrop", "alt");
	CHECK(e != NULL && e->npat == 0 && e->nsteps == 2);
	e = catalog_find(&c, "bottrop", "pfad");
	CHECK(e != NULL && e->nsteps == 3 && e->npat == 3 && e->steps[2][0] == '\0');
	CHECK_INT(c.npatterns, 5 + 3 + 1);
	/* Pattern ids number the whole catalogue. */
	CHECK_INT(catalog_find(&c, "gladbeck", "hund")->pat[0].id, 8);
	catalog_free(&c);
}

static void test_load_errors(void)
{
	static const struct {
		const char *text, *want;
	} bad[] = {
		{ "*,a,A,X,S1,https://www.x.de/a\n", "must start with /" },
		{ "*,a,A,X,S1|S2,/a|/b|/c\n", "more steps than the 2 step names" },
		{ "*,a,A,X,S1,/a,/b|/c\n", "done: one page" },
		{ "*,a,A,X,S1,/1 /2 /3 /4 /5 /6 /7 /8 /9 /10 /11 /12 /13 /14 /15 /16 /17\n", "more than 16" },
		{ "*,a,A,X,S1,/a,/b,extra\n", "expected 5 to 7 fields" },
		{ "*,a,A,X\n", "expected 5 to 7 fields" },
	};
	char err[300];

	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		struct catalog c;

		CHECK_INT(load(&c, bad[i].text, err, sizeof err), -1);
		if (strstr(err, bad[i].want) == NULL)
			printf("  case %zu: %s\n", i, err);
		CHECK(strstr(err, bad[i].want) != NULL);
		CHECK(strstr(err, ":1: ") != NULL); /* file and line */
		CHECK(c.n == 0 && c.e == NULL);
	}
}

static void test_applies_and_match(void)
{
	struct catalog c;
	struct catalog_hit hits[8];
	char err[300];
	size_t n;
	int more;

	CHECK_INT(load(&c,
		       "*,a,A,X,S1|S2,/a/1|/a/*,/a/done\n"
		       "*,a,A zwei,X,S1,/never\n"          /* a second "*" row: shadowed */
		       "bottrop,a,A in Bottrop,X,S1,/b/1,/b/done\n"
		       "bottrop,a,A in Bottrop zwei,X,S1,/b/2\n" /* a second bottrop row: shadowed */
		       "*,z,Z,X,S1,/**\n",
		       err, sizeof err), 0);
	CHECK(catalog_applies(&c.e[0], "gladbeck"));
	CHECK(!catalog_applies(&c.e[0], "bottrop"));
	CHECK(!catalog_applies(&c.e[1], "gladbeck"));
	CHECK(catalog_applies(&c.e[2], "bottrop"));
	CHECK(!catalog_applies(&c.e[2], "gladbeck"));
	CHECK(!catalog_applies(&c.e[3], "bottrop"));
	CHECK(catalog_find(&c, "bottrop", "a") == &c.e[2]);
	CHECK(catalog_find(&c, "gladbeck", "a") == &c.e[0]);
	/* /a/1 is step 1 and, through its star pattern, step 2 of a, and step 1 of z. */
	catalog_match(&c, "gladbeck", "/a/1", 4, hits, 8, &n, &more);
	CHECK_INT(n, 3);
	CHECK(!more);
	if (n == 3) {
		CHECK(hits[0].e == &c.e[0] && hits[0].p->step == 1);
		CHECK(hits[1].e == &c.e[0] && hits[1].p->step == 2);
		CHECK(hits[2].e == &c.e[4] && hits[2].p->step == 1);
	}
	/* A trailing slash on the path is ignored: /a/done/ is /a/done, which the star of step 2 also matches. */
	catalog_match(&c, "gladbeck", "/a/done/", 8, hits, 8, &n, &more);
	CHECK_INT(n, 3);
	CHECK(n == 3 && hits[0].p->step == 2 && hits[1].p->step == 0 && hits[2].e == &c.e[4]);
	/* Bottrop's own row replaces the "*" row. */
	catalog_match(&c, "bottrop", "/a/1", 4, hits, 8, &n, &more);
	CHECK_INT(n, 1);
	CHECK(n == 1 && hits[0].e == &c.e[4]);
	catalog_match(&c, "bottrop", "/b/1", 4, hits, 8, &n, &more);
	CHECK_INT(n, 2);
	catalog_match(&c, "bottrop", "/b/2", 4, hits, 8, &n, &more);
	CHECK_INT(n, 1); /* only z: the second bottrop row does not apply */
	catalog_match(&c, "gladbeck", "/a/1", 4, hits, 2, &n, &more);
	CHECK_INT(n, 2);
	CHECK(more);
	catalog_free(&c);
}

static void test_looks_like_form(void)
{
	CHECK(catalog_looks_like_form("/formulare/x", 12));
	CHECK(catalog_looks_like_form("/Antrag/Hund", 12));
	CHECK(catalog_looks_like_form("/x/schritt-2", 12));
	CHECK(!catalog_looks_like_form("/rathaus/aktuelles", 18));
	CHECK(!catalog_looks_like_form("/leben/abfall", 13));
}

int main(void)
{
	RUN(test_literal_and_stars);
	RUN(test_load_paths);
	RUN(test_load_errors);
	RUN(test_applies_and_match);
	RUN(test_looks_like_form);
	return test_summary("catalog");
}
