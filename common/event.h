/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * event.h — the one event record shared by the collector's modules: the beacon
 * parser fills it with validated, privacy-reduced fields, the ingest step adds
 * time, visit key and User-Agent classes, and the store writes it. It holds
 * no raw input: every string is already in the form that reaches the disk.
 * It does not own its strings; they live in the arena of the batch that
 * produced the event (see beacon.h).
 */
#ifndef LOTSE_EVENT_H
#define LOTSE_EVENT_H

#include <stddef.h>
#include <stdint.h>

enum event_type {
	EVENT_PAGEVIEW,
	EVENT_ENGAGEMENT,
	EVENT_SEARCH,
	EVENT_OUTLINK,
	EVENT_FLOW_START,
	EVENT_FLOW_STEP,
	EVENT_FIELD_ERROR,
	EVENT_FLOW_COMPLETE,
	EVENT_FLOW_ABORT,
	EVENT_FEEDBACK,
	EVENT_JS_ERROR,
	EVENT_RAGE_CLICK,
	EVENT_TYPE_COUNT
};

/* Marks an absent integer field. */
#define EVENT_NO_INT INT64_MIN

struct event {
	enum event_type type;
	int64_t age_ms;         /* 0 when absent */
	const char *site;       /* always set */
	const char *path;       /* always set: url reduced to its path */
	const char *ref;        /* NULL when absent */
	const char *service;
	const char *flow;
	const char *step_name;
	const char *field;
	const char *error;
	const char *q;          /* redacted */
	const char *href;       /* host + reduced path */
	const char *reason;
	const char *message;    /* redacted */
	const char *target;
	int64_t step;           /* EVENT_NO_INT when absent */
	int64_t results;
	int64_t rating;
	int64_t ms;

	/* Filled by ingest, not by the parser. */
	int64_t time_ms;        /* UTC ms: receive time minus age */
	int has_visit;          /* 0 with --visit-key off */
	uint64_t visit;
	const char *device;     /* static strings from ua.h */
	const char *browser;
	const char *os;
};

/* Returns the wire name of type ("pageview", …); never NULL for a valid type. */
const char *event_type_name(enum event_type type);

/*
 * Whether key (len bytes, may hold NUL) is exactly name (NUL-terminated);
 * stops at the first differing byte (most names differ in the first).
 */
int event_name_is(const char *name, const char *key, size_t len);

/*
 * Looks up a wire name of n bytes. Returns 0 and sets *out, or -1 when the
 * name is not an event type.
 */
int event_type_from_name(const char *name, size_t n, enum event_type *out);

/* The longest site id: sites are [a-z0-9-]{1,EVENT_SITE_MAX}. */
#define EVENT_SITE_MAX 32

/* Whether s (NUL-terminated) is 1..max bytes of [a-z0-9] and the bytes in extra. */
int event_key_valid(const char *s, size_t max, const char *extra);

/*
 * Whether s is a site id, [a-z0-9-]{1,EVENT_SITE_MAX}: in sites.csv, the
 * catalogue and --site. Beacons check the same rule in their field table
 * (collector/beacon.c), which reads the bytes with their length.
 */
int event_site_valid(const char *s);

#endif
