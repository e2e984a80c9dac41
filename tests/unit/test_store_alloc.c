/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_store_alloc.c — allocation failure inside SQLite, seen through
 * store.h. SQLite's allocator is replaced (SQLITE_CONFIG_MALLOC) by one that
 * fails the Nth allocation and every later one until reset; for every N up
 * to the number a whole run needs, open + insert + commit + close must either
 * succeed or fail with -1 and a message, never crash or leak (the ASan build
 * runs this under LeakSanitizer). Afterwards the database must hold either
 * all of a transaction's events or none of them.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "tmpdb.h"
#include "../test.h"

static sqlite3_mem_methods real;
static long alloc_countdown = -1; /* -1: never fail; 0: fail now and on */
static long allocs_seen;

static int failing_now(void)
{
	allocs_seen++;
	if (alloc_countdown < 0)
		return 0;
	if (alloc_countdown == 0)
		return 1;
	alloc_countdown--;
	return 0;
}

static void *fail_malloc(int n)
{
	return failing_now() ? NULL : real.xMalloc(n);
}

static void *fail_realloc(void *p, int n)
{
	return failing_now() ? NULL : real.xRealloc(p, n);
}

static void fail_free(void *p)
{
	real.xFree(p);
}

static int fail_size(void *p)
{
	return real.xSize(p);
}

static int fail_roundup(int n)
{
	return real.xRoundup(n);
}

static int fail_init(void *app)
{
	return real.xInit(app);
}

static void fail_shutdown(void *app)
{
	real.xShutdown(app);
}

static char dbpath[256];

/* Events of one run: more than STORE_ROWS, so that both inserts run. */
#define MAX_EVENTS (2 * STORE_ROWS + 5)

static struct event sample_event(int i)
{
	static char names[MAX_EVENTS][24];
	struct event ev;

	memset(&ev, 0, sizeof ev);
	snprintf(names[i], sizeof names[0], "step-%d", i);
	ev.type = EVENT_FLOW_STEP;
	ev.site = "gladbeck";
	ev.path = "/antrag";
	ev.service = "geburtsurkunde";
	ev.step_name = names[i];
	ev.step = 2;
	ev.results = ev.rating = ev.ms = EVENT_NO_INT;
	ev.time_ms = 1700000000000 + i;
	ev.device = "desktop";
	ev.browser = "Firefox";
	ev.os = "Windows";
	return ev;
}

/*
 * One run: open (creating the database when fresh), one transaction of
 * n_events, close. Returns 0 when everything succeeded, -1 when some step
 * failed cleanly (then err is not empty).
 */
static int one_run(int n_events, char *err, size_t errlen)
{
	struct store *s = NULL;
	struct event evs[MAX_EVENTS]; /* read until store_commit */
	int rc = -1;

	err[0] = '\0';
	if (store_open(&(struct store_config){ .db = dbpath, .durability_full = 1 }, &s, err, errlen) != 0)
		goto out;
	if (store_begin(s) != 0)
		goto fail;
	for (int i = 0; i < n_events; i++)
		evs[i] = sample_event(i);
	struct beacon_reject rj = { .index = 0, .error = "body: not valid JSON", .site = NULL, .type = NULL,
		                    .path = NULL };
	struct beacon_batch batch = { .events = evs, .n_events = (size_t)n_events, .rejects = &rj, .n_rejects = 1 };
	if (store_insert_batch(s, &batch, 1700000000000) != 0 || store_commit(s) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	snprintf(err, errlen, "%s", store_error(s));
	store_rollback(s);
out:
	store_close(s);
	return rc;
}

/* Events in the database, counted with the real allocator; -1 when unreadable. */
static long count_events(void)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	long n = -1;

	if (sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
	    sqlite3_prepare_v2(db, "SELECT count(*) FROM events", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		n = (long)sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	sqlite3_close(db);
	return n;
}

/* Fails each allocation in turn while creating a database and writing to it. */
static void test_alloc_failure_on_create_and_write(void)
{
	char err[512];
	long needed, failures = 0;

	tmpdb_remove(dbpath);
	alloc_countdown = -1;
	allocs_seen = 0;
	CHECK_INT(one_run(MAX_EVENTS, err, sizeof err), 0);
	needed = allocs_seen;
	CHECK(needed > 10);
	for (long n = 0; n <= needed + 5; n++) {
		tmpdb_remove(dbpath);
		alloc_countdown = n;
		int rc = one_run(MAX_EVENTS, err, sizeof err);
		alloc_countdown = -1;
		if (rc != 0) {
			failures++;
			CHECK(err[0] != '\0');
		}
		long events = count_events();
		/* All or nothing: a failed run leaves no half transaction behind. */
		CHECK(events == -1 || events == 0 || events == MAX_EVENTS);
		if (rc == 0)
			CHECK_INT(events, MAX_EVENTS);
	}
	printf("  %ld allocations per run, %ld injected failures refused cleanly\n", needed, failures);
	CHECK(failures > 0);
}

/* Fails allocations while appending to an existing database: earlier rows survive. */
static void test_alloc_failure_on_existing_database(void)
{
	char err[512];
	long needed, failures = 0, before;

	tmpdb_remove(dbpath);
	alloc_countdown = -1;
	CHECK_INT(one_run(STORE_ROWS + 3, err, sizeof err), 0);
	allocs_seen = 0;
	CHECK_INT(one_run(STORE_ROWS + 3, err, sizeof err), 0);
	needed = allocs_seen;
	for (long n = 0; n <= needed + 5; n++) {
		before = count_events();
		alloc_countdown = n;
		int rc = one_run(STORE_ROWS + 3, err, sizeof err);
		alloc_countdown = -1;
		long after = count_events();
		if (rc != 0) {
			failures++;
			CHECK_INT(after, before);
		} else {
			CHECK_INT(after, before + STORE_ROWS + 3);
		}
	}
	CHECK(failures > 0);
	/* And the database is sound afterwards. */
	CHECK_INT(one_run(1, err, sizeof err), 0);
}

int main(void)
{
	sqlite3_mem_methods m;

	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &real) != SQLITE_OK) {
		printf("store_alloc: cannot read SQLite's allocator\n");
		return 1;
	}
	m = real;
	m.xMalloc = fail_malloc;
	m.xRealloc = fail_realloc;
	m.xFree = fail_free;
	m.xSize = fail_size;
	m.xRoundup = fail_roundup;
	m.xInit = fail_init;
	m.xShutdown = fail_shutdown;
	/* Lookaside memory would hide small allocations from the wrapper. */
	if (sqlite3_config(SQLITE_CONFIG_MALLOC, &m) != SQLITE_OK ||
	    sqlite3_config(SQLITE_CONFIG_LOOKASIDE, 0, 0) != SQLITE_OK) {
		printf("store_alloc: cannot install the failing allocator\n");
		return 1;
	}
	if (tmpdb_make("store_alloc", dbpath, sizeof dbpath) != 0)
		return 1;
	RUN(test_alloc_failure_on_create_and_write);
	RUN(test_alloc_failure_on_existing_database);
	tmpdb_cleanup(dbpath);
	return test_summary("store_alloc");
}
