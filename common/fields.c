/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fields.c — the types of fields.h's storage classes and the column list
 * made from fields.def.
 */
#include "fields.h"

#include <stdio.h>

const char *fields_sqlite_type(enum field_store store)
{
	switch (store) {
	case FS_TIME: return "INTEGER NOT NULL";
	case FS_KEY:
	case FS_TYPE: return "TEXT NOT NULL";
	case FS_TEXT: return "TEXT";
	case FS_VISIT:
	case FS_U8:
	case FS_U32:
	case FS_I64: return "INTEGER";
	case FS_NONE: break;
	}
	return NULL;
}

const char *fields_clickhouse_type(enum field_store store)
{
	switch (store) {
	case FS_TIME: return "Int64";
	case FS_KEY:
	case FS_TYPE: return "String";
	case FS_TEXT: return "Nullable(String)";
	case FS_VISIT: return "Nullable(UInt64)";
	case FS_U8: return "Nullable(UInt8)";
	case FS_U32: return "Nullable(UInt32)";
	case FS_I64: return "Nullable(Int64)";
	case FS_NONE: break;
	}
	return NULL;
}

struct column {
	const char *name;
	enum field_store store;
};

static const struct column columns[] = {
#define EVENT_FIELD(column, wire, member, store, kind, rule, classes, min, max, lo, hi, required) \
	{ #column, store },
#include "fields.def"
#undef EVENT_FIELD
};

int fields_clickhouse_columns(char *out, size_t outlen)
{
	size_t o = 0;

	for (size_t i = 0; i < sizeof columns / sizeof columns[0]; i++) {
		int n;

		if (columns[i].store == FS_NONE)
			continue;
		n = snprintf(out + o, outlen - o, "%s%s %s", o ? ", " : "", columns[i].name,
		             fields_clickhouse_type(columns[i].store));
		if (n < 0 || (size_t)n >= outlen - o)
			return -1;
		o += (size_t)n;
	}
	return 0;
}
