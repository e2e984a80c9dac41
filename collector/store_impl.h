/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * store_impl.h — what a store implementation gives store.c: its operations
 * (the functions of store.h, one set per kind of store) and its open
 * function. Only store.c, sqlstore.c and chstore.c include it.
 */
#ifndef LOTSE_STORE_IMPL_H
#define LOTSE_STORE_IMPL_H

#include "store.h"

struct store_ops {
	int (*begin)(struct store *s);
	int (*insert_batch)(struct store *s, const struct beacon_batch *batch, int64_t reject_time_ms);
	int (*flush)(struct store *s);
	int (*commit)(struct store *s);
	int (*wait)(struct store *s);       /* NULL: nothing is pipelined */
	void (*rollback)(struct store *s);
	int (*probe)(struct store *s);
	const char *(*error)(struct store *s);
	void (*close)(struct store *s);
};

/* The head of every store: an implementation's record begins with it. */
struct store {
	const struct store_ops *ops;
};

/* Each as store_open, for its kind of store (cfg->db a path, or a clickhouse:// URL). */
int sqlstore_open(const struct store_config *cfg, struct store **out, char *err, size_t errlen);
int chstore_open(const struct store_config *cfg, struct store **out, char *err, size_t errlen);

#endif
