/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_store.c — what store.h writes is what the events held: every column
 * of every event, in the order given, whether the rows went one by one or
 * STORE_ROWS to a statement; a parameter slot that held a value in one row
 * and none in the next is NULL; store_flush writes at once; store_rollback
 * drops events still pending, so that they never reach a later transaction.
 */
#include <sqlite3.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"
#include "tmpdb.h"
#include "../test.h"

#define N_EVENTS (3 * STORE_ROWS + 7)
#define N_TEXT 13 /* optional text columns, in the order of text_cols */
#define N_INT 4   /* optional integer columns, in the order of int_cols */

static const char *const text_cols[N_TEXT] = { "ref",   "device", "browser", "os",   "service",
	                                       "flow",  "step_name", "field", "error", "q",
	                                       "href",  "reason", "message" };
static const char *const int_cols[N_INT] = { "step", "results", "rating", "ms" };

static char dbpath[256];
static char texts[N_EVENTS][N_TEXT][32];
static char paths[N_EVENTS][32];

static uint32_t lcg_state = 12345;

static uint32_t lcg(void)
{
	lcg_state = lcg_state * 1103515245u + 12345u;
	return lcg_state >> 16;
}

static const char **text_field(struct event *ev, int k)
{
	const char **f[N_TEXT] = { &ev->ref,  &ev->device, &ev->browser,   &ev->os,    &ev->service,
		                   &ev->flow, &ev->step_name, &ev->field, &ev->error, &ev->q,
		                   &ev->href, &ev->reason,  &ev->message };
	return f[k];
}

static int64_t *int_field(struct event *ev, int k)
{
	int64_t *f[N_INT] = { &ev->step, &ev->results, &ev->rating, &ev->ms };
	return f[k];
}

/* Event i: each optional column present or absent at random (fixed seed). */
static void make_event(struct event *ev, int i)
{
	memset(ev, 0, sizeof *ev);
	ev->type = (enum event_type)(i % EVENT_TYPE_COUNT);
	ev->site = i % 2 ? "gladbeck" : "bottrop";
	snprintf(paths[i], sizeof paths[i], "/p/%d", i);
	ev->path = paths[i];
	ev->time_ms = 1700000000000 + i;
	for (int k = 0; k < N_TEXT; k++) {
		if (lcg() % 2) {
			snprintf(texts[i][k], sizeof texts[i][k], "%s-%d", text_cols[k], i);
			*text_field(ev, k) = texts[i][k];
		}
	}
	for (int k = 0; k < N_INT; k++)
		*int_field(ev, k) = lcg() % 2 ? i * 100 + k : EVENT_NO_INT;
	ev->has_visit = (int)(lcg() % 2) || i == 5;
	/* The top bit set, once exactly INT64_MIN (EVENT_NO_INT as a bit pattern). */
	ev->visit = i == 5 ? UINT64_C(0x8000000000000000) : UINT64_C(0xF000000000000000) + (uint64_t)i;
	ev->target = i == 7 ? "#weiter" : NULL;
}

static int column_index(sqlite3_stmt *st, const char *name)
{
	for (int c = 0; c < sqlite3_column_count(st); c++)
		if (strcmp(sqlite3_column_name(st, c), name) == 0)
			return c;
	printf("  no column %s\n", name);
	CHECK(!"column of the events table");
	return 0;
}

static void check_text(sqlite3_stmt *st, const char *col, const char *want)
{
	int c = column_index(st, col);
	const char *got = sqlite3_column_type(st, c) == SQLITE_NULL ? NULL : (const char *)sqlite3_column_text(st, c);
	CHECK_STR(got, want);
}

static void check_int(sqlite3_stmt *st, const char *col, int present, int64_t want)
{
	int c = column_index(st, col);
	CHECK_INT(sqlite3_column_type(st, c) == SQLITE_NULL ? 0 : 1, present);
	if (present)
		CHECK_INT(sqlite3_column_int64(st, c), want);
}

/* Compares the rows of the events table, in id order, with evs[0..n). */
static void check_rows(struct event *evs, int n)
{
	sqlite3 *db = NULL;
	sqlite3_stmt *st = NULL;
	int row = 0;

	CHECK_INT(sqlite3_open_v2(dbpath, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
	CHECK_INT(sqlite3_prepare_v2(db, "SELECT * FROM events ORDER BY id", -1, &st, NULL), SQLITE_OK);
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (row >= n) {
			row++;
			continue;
		}
		struct event *ev = &evs[row++];
		check_int(st, "time", 1, ev->time_ms);
		check_text(st, "site", ev->site);
		check_text(st, "type", event_type_name(ev->type));
		check_text(st, "path", ev->path);
		check_int(st, "visit", ev->has_visit, (int64_t)ev->visit);
		check_text(st, "target", ev->target);
		for (int k = 0; k < N_TEXT; k++)
			check_text(st, text_cols[k], *text_field(ev, k));
		for (int k = 0; k < N_INT; k++)
			check_int(st, int_cols[k], *int_field(ev, k) != EVENT_NO_INT, *int_field(ev, k));
	}
	CHECK_INT(row, n);
	sqlite3_finalize(st);
	sqlite3_close(db);
}

static struct store *open_fresh(void)
{
	struct store *s = NULL;
	char err[256];

	struct store_config sc = { .db = dbpath };

	tmpdb_remove(dbpath);
	if (store_open(&sc, &s, err, sizeof err) != 0)
		printf("  %s\n", err);
	return s;
}

/* Gives n events as one batch (read until the next flush or commit). */
static int give(struct store *s, struct event *evs, size_t n)
{
	struct beacon_batch batch = { .events = evs, .n_events = n };

	return store_insert_batch(s, &batch, 0);
}

/* Events one at a time and as batches of several sizes, over two transactions. */
static void test_rows_hold_every_column(void)
{
	static struct event evs[N_EVENTS];
	struct store *s = open_fresh();
	int i = 0;

	CHECK(s != NULL);
	if (s == NULL)
		return;
	for (int k = 0; k < N_EVENTS; k++)
		make_event(&evs[k], k);
	CHECK_INT(store_begin(s), 0);
	for (; i < STORE_ROWS + 3; i++)
		CHECK_INT(give(s, &evs[i], 1), 0);
	CHECK_INT(store_commit(s), 0);
	CHECK_INT(store_begin(s), 0);
	/* Batches of 10, 1 and the rest, crossing the STORE_ROWS boundaries. */
	CHECK_INT(give(s, &evs[i], 10), 0);
	i += 10;
	CHECK_INT(give(s, &evs[i], 1), 0);
	i += 1;
	CHECK_INT(give(s, &evs[i], (size_t)(N_EVENTS - i)), 0);
	CHECK_INT(store_commit(s), 0);
	store_close(s);
	check_rows(evs, N_EVENTS);
}

/* Pending events do not survive a rollback; store_flush writes at once. */
static void test_rollback_drops_pending_and_flush_writes(void)
{
	static struct event evs[2 * STORE_ROWS];
	struct store *s = open_fresh();

	CHECK(s != NULL);
	if (s == NULL)
		return;
	for (int k = 0; k < 2 * STORE_ROWS; k++)
		make_event(&evs[k], k);
	CHECK_INT(store_begin(s), 0);
	CHECK_INT(give(s, evs, STORE_ROWS + 4), 0);
	store_rollback(s);
	CHECK_INT(store_begin(s), 0);
	CHECK_INT(give(s, evs, 2), 0);
	CHECK_INT(store_flush(s), 0);
	/* Written by the flush: changing the events now changes nothing stored. */
	struct event kept[2] = { evs[0], evs[1] };
	evs[0].path = evs[1].path = "/changed";
	CHECK_INT(store_commit(s), 0);
	store_close(s);
	check_rows(kept, 2);
}

int main(void)
{
	if (tmpdb_make("store", dbpath, sizeof dbpath) != 0)
		return 1;
	RUN(test_rows_hold_every_column);
	RUN(test_rollback_drops_pending_and_flush_writes);
	tmpdb_cleanup(dbpath);
	return test_summary("store");
}
