/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fields.h — the table of event fields made from fields.def: one record
 * per row (fields_table, indexed by FIELD_<column>), the vocabulary of its
 * columns (storage classes, parser kinds, character classes,
 * required-by-type bits), and what the table gives each store: column
 * types and column lists. Holds no rules itself: those are the rows of
 * fields.def.
 */
#ifndef LOTSE_FIELDS_H
#define LOTSE_FIELDS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "event.h"

/* How a store keeps a field (see fields.def for the types). */
enum field_store { FS_NONE, FS_TIME, FS_KEY, FS_TYPE, FS_TEXT, FS_VISIT, FS_U8, FS_U32, FS_I64 };

/* How the beacon parser checks and reduces a field (collector/beacon.c). */
enum field_kind {
	FK_NONE,    /* not sent by beacons: ingest fills it */
	FK_SITE,    /* pattern; the event's site */
	FK_TYPE,    /* an event type's wire name */
	FK_URL,     /* reduced to the page's path (reduce_url) */
	FK_REF,     /* reduce_ref */
	FK_PATTERN, /* [classes]{min,max} in bytes, stored as is */
	FK_NAME,    /* as FK_PATTERN, and refused when the whole value is an IBAN */
	FK_INT,     /* integer lo..hi */
	FK_TEXT,    /* at most max code points, folded and redacted (reduce_label) */
	FK_QUERY,   /* at most max code points, reduce_query */
	FK_HREF,    /* reduce_href */
	FK_MESSAGE  /* at most max code points, reduce_message */
};

/* Character classes of patterns. */
#define FC_LOWER 1u
#define FC_UPPER 2u
#define FC_DIGIT 4u
#define FC_DASH 8u
#define FC_DOT 16u
#define FC_UNDER 32u

/* Required-by-type bits. */
#define FT(type) (1u << (type))
#define FT_ALL ((1u << EVENT_TYPE_COUNT) - 1)
#define FT_FLOW (FT(EVENT_FLOW_START) | FT(EVENT_FLOW_STEP) | FT(EVENT_FLOW_COMPLETE) | FT(EVENT_FLOW_ABORT))

/* The rows of fields.def in table order: FIELD_time, FIELD_site, … */
enum field_id {
#define EVENT_FIELD(column, wire, member, store, kind, rule, classes, min, max, lo, hi, required) FIELD_##column,
#include "fields.def"
#undef EVENT_FIELD
	FIELD_COUNT
};

/* How many rows are stored (store != FS_NONE): the columns of table events. */
enum {
	FIELDS_STORED = 0
#define EVENT_FIELD(column, wire, member, store, kind, rule, classes, min, max, lo, hi, required) \
	+ ((store) != FS_NONE)
#include "fields.def"
#undef EVENT_FIELD
};

/* One row of fields.def. */
struct field_def {
	const char *column;     /* stored column's name */
	const char *wire;       /* beacon key, "" when ingest fills it */
	size_t offset;          /* of the member in struct event: a const char * or an int64_t (FS_VISIT: uint64_t) */
	enum field_store store;
	enum field_kind kind;
	const char *rule;       /* the error after "wire: " */
	unsigned classes;       /* FC_* */
	size_t min, max;
	int64_t lo, hi;
	unsigned required;      /* FT_* */
};

extern const struct field_def fields_table[FIELD_COUNT];

/* SQLite's declaration of a storage class ("INTEGER NOT NULL", "TEXT", …); NULL for FS_NONE. */
const char *fields_sqlite_type(enum field_store store);

/* ClickHouse's type of a storage class ("Int64", "Nullable(String)", …); NULL for FS_NONE. */
const char *fields_clickhouse_type(enum field_store store);

/*
 * Writes the stored columns' names in table order, "time, site, …", into
 * out (outlen bytes). Returns 0, or -1 when out is too small.
 */
int fields_column_names(char *out, size_t outlen);

/*
 * Writes the stored columns as ClickHouse declares them, in table order,
 * "time Int64, site String, …", into out (outlen bytes). Returns 0, or -1
 * when out is too small.
 */
int fields_clickhouse_columns(char *out, size_t outlen);

/* The string member of ev that row f names (FS_KEY, FS_TEXT; NULL when absent). */
static inline const char *fields_str(const struct event *ev, const struct field_def *f)
{
	const char *s;

	memcpy(&s, (const char *)ev + f->offset, sizeof s);
	return s;
}

/* The integer member of ev that row f names (FS_TIME, FS_U8, FS_U32, FS_I64; EVENT_NO_INT when absent). */
static inline int64_t fields_int(const struct event *ev, const struct field_def *f)
{
	int64_t v;

	memcpy(&v, (const char *)ev + f->offset, sizeof v);
	return v;
}

#endif
