/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fields.c — fields_table made from fields.def, the types of fields.h's
 * storage classes and the column lists. A row whose member in struct event
 * does not have the type its storage class reads is a compile error.
 */
#include "fields.h"

#include <stddef.h>
#include <stdio.h>

/* Each stored member has the C type its class is read as (fields_str, fields_int, the visit and type). */
#define MEMBER_FITS(member, store)                                                                        \
	((store) == FS_NONE ||                                                                            \
	 _Generic(((struct event *)0)->member,                                                            \
	          const char *: (store) == FS_KEY || (store) == FS_TEXT,                                  \
	          int64_t: (store) == FS_TIME || (store) == FS_U8 || (store) == FS_U32 || (store) == FS_I64, \
	          uint64_t: (store) == FS_VISIT,                                                          \
	          enum event_type: (store) == FS_TYPE,                                                    \
	          default: 0))

#define EVENT_FIELD(column, wire, member, store, kind, rule, classes, min, max, lo, hi, required) \
	_Static_assert(MEMBER_FITS(member, store), "fields.def: " #column "'s member does not fit its storage class");
#include "fields.def"
#undef EVENT_FIELD

const struct field_def fields_table[FIELD_COUNT] = {
#define EVENT_FIELD(column, wire, member, store, kind, rule, classes, min, max, lo, hi, required) \
	[FIELD_##column] = { #column, wire, offsetof(struct event, member), store, kind, rule, classes, min, max, \
	                     lo, hi, required },
#include "fields.def"
#undef EVENT_FIELD
};

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

/* The stored columns as "name", or "name TYPE" with ClickHouse's types, joined by ", ". */
static int column_list(char *out, size_t outlen, int with_types)
{
	size_t o = 0;

	if (outlen == 0)
		return -1;
	out[0] = '\0';
	for (size_t i = 0; i < FIELD_COUNT; i++) {
		const struct field_def *f = &fields_table[i];
		int n;

		if (f->store == FS_NONE)
			continue;
		n = snprintf(out + o, outlen - o, "%s%s%s%s", o ? ", " : "", f->column, with_types ? " " : "",
		             with_types ? fields_clickhouse_type(f->store) : "");
		if (n < 0 || (size_t)n >= outlen - o)
			return -1;
		o += (size_t)n;
	}
	return 0;
}

int fields_column_names(char *out, size_t outlen)
{
	return column_list(out, outlen, 0);
}

int fields_clickhouse_columns(char *out, size_t outlen)
{
	return column_list(out, outlen, 1);
}
