/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fields.h — the vocabulary of fields.def (storage classes, parser kinds,
 * character classes, required-by-type bits) and what the table gives each
 * store: column types and ClickHouse's column list. Holds no rules itself:
 * those are the rows of fields.def.
 */
#ifndef LOTSE_FIELDS_H
#define LOTSE_FIELDS_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

/* How a store keeps a field (see fields.def for the types). */
enum field_store { FS_NONE, FS_TIME, FS_KEY, FS_TYPE, FS_TEXT, FS_VISIT, FS_U8, FS_U32, FS_I64 };

/* How the beacon parser checks and reduces a field (collector/beacon.c). */
enum field_kind {
	FK_NONE,    /* not sent by beacons */
	FK_SITE, FK_TYPE, FK_URL, FK_REF, FK_PATTERN, FK_INT, FK_TEXT, FK_QUERY, FK_HREF, FK_MESSAGE
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

/* SQLite's declaration of a storage class ("INTEGER NOT NULL", "TEXT", …); NULL for FS_NONE. */
const char *fields_sqlite_type(enum field_store store);

/* ClickHouse's type of a storage class ("Int64", "Nullable(String)", …); NULL for FS_NONE. */
const char *fields_clickhouse_type(enum field_store store);

/*
 * Writes the stored columns as ClickHouse declares them, in table order,
 * "time Int64, site String, …", into out (outlen bytes). Returns 0, or -1
 * when out is too small.
 */
int fields_clickhouse_columns(char *out, size_t outlen);

#endif
