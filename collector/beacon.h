/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * beacon.h — the beacon parser: bytes in, validated and privacy-reduced events
 * (or a precise error per event) out. It knows nothing of HTTP, SQLite, sites
 * or clocks, which makes it unit-testable and fuzzable. Field rules and
 * reductions are those of PROTOCOL.md ("Event fields").
 */
#ifndef LOTSE_BEACON_H
#define LOTSE_BEACON_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define BEACON_MAX_EVENTS 50
#define BEACON_ERROR_MAX 160

/* Result of a parse. */
enum beacon_status {
	BEACON_OK = 0,      /* events and per-event rejects are in the batch */
	BEACON_BAD = -1,    /* the whole body is refused (400): not JSON, not UTF-8, empty batch, … */
	BEACON_TOO_MANY = -2, /* a batch of more than BEACON_MAX_EVENTS (413) */
	BEACON_NOMEM = -3   /* allocation failed (503) */
};

/* One refused event: stored in table rejects, reported in the 400 body. */
struct beacon_reject {
	size_t index;                 /* position in the batch; 0 for a single object */
	char error[BEACON_ERROR_MAX]; /* names field and rule: "step: must be an integer 1..50" */
	const char *site;             /* where they could be read and were valid; else NULL */
	const char *type;
	const char *path;             /* reduced, never raw */
};

/*
 * A parsed request. events and rejects keep batch order among themselves.
 * All strings point into arena, which the batch owns.
 */
struct beacon_batch {
	struct event *events;
	size_t n_events;
	struct beacon_reject *rejects;
	size_t n_rejects;
	char *arena;
	size_t arena_cap;
	size_t arena_used;
};

/* A decoded query parameter of the GET pixel. */
struct beacon_kv {
	const char *key;
	const char *value;
};

/*
 * Parses a POST body of len bytes: one JSON object or an array of 1..50.
 * On BEACON_OK the batch holds the valid events and the rejects (either may be
 * empty). On any other status err (errlen bytes, may be NULL) gets a one-line
 * reason. In every case the caller frees the batch with beacon_batch_free.
 */
enum beacon_status beacon_parse_body(const char *body, size_t len, struct beacon_batch *out,
                                     char *err, size_t errlen);

/*
 * Builds one pageview from the pixel's decoded query parameters (site, type,
 * url, ref; type must be "pageview"). Same contract as beacon_parse_body: the
 * event or its reject is in the batch on BEACON_OK.
 */
enum beacon_status beacon_parse_pixel(const struct beacon_kv *kv, size_t n, struct beacon_batch *out,
                                      char *err, size_t errlen);

/*
 * One line of `--import` NDJSON:
 *   {"time":"2026-11-19T10:15:00+01:00","client":"203.0.113.7","ua":"…","origin":"…","event":{…}}
 * time is required (RFC 3339); client, ua and origin are optional (NULL when
 * absent; strings copied into the batch arena, at most 2048 bytes each).
 * The event is parsed exactly as one POST object into batch (its valid event
 * or its reject). Returns BEACON_OK, or BEACON_BAD with err when the line
 * itself is malformed. Caller frees batch with beacon_batch_free.
 */
struct beacon_import_line {
	int64_t time_ms;
	const char *client;
	const char *ua;
	const char *origin;
};
enum beacon_status beacon_parse_import_line(const char *line, size_t len, struct beacon_import_line *meta,
                                            struct beacon_batch *out, char *err, size_t errlen);

/*
 * Moves event i of the batch into its rejects with the given error (used for
 * rules the parser cannot know, such as a site missing from --sites); the
 * reject keeps the event's site, type and path. Later events shift down by
 * one. Returns 0, or -1 when out of memory (the batch is then unchanged).
 */
int beacon_batch_reject_event(struct beacon_batch *batch, size_t i, const char *error);

/*
 * Appends a reject that stands for the whole body (index 0, no site, type or
 * path), e.g. "body: not valid JSON". Returns 0, or -1 when out of memory.
 */
int beacon_batch_add_body_reject(struct beacon_batch *batch, const char *error);

/* Frees what the batch owns and zeroes it; safe on a zeroed or freed batch. */
void beacon_batch_free(struct beacon_batch *batch);

#endif
