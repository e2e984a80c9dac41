/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * store.c — store.h's functions: --db picks the implementation (a
 * clickhouse:// URL is ClickHouse, anything else a SQLite path), and each
 * call goes to its operations.
 */
#include "store.h"

#include "churl.h"
#include "store_impl.h"

int store_open(const struct store_config *cfg, struct store **out, char *err, size_t errlen)
{
	if (churl_is(cfg->db))
		return chstore_open(cfg, out, err, errlen);
	return sqlstore_open(cfg, out, err, errlen);
}

int store_begin(struct store *s)
{
	return s->ops->begin(s);
}

int store_insert_batch(struct store *s, const struct beacon_batch *batch, int64_t reject_time_ms)
{
	return s->ops->insert_batch(s, batch, reject_time_ms);
}

int store_flush(struct store *s)
{
	return s->ops->flush(s);
}

int store_commit(struct store *s)
{
	return s->ops->commit(s);
}

int store_wait(struct store *s)
{
	return s->ops->wait != NULL ? s->ops->wait(s) : 0;
}

void store_rollback(struct store *s)
{
	s->ops->rollback(s);
}

int store_probe(struct store *s)
{
	return s->ops->probe(s);
}

const char *store_error(struct store *s)
{
	return s->ops->error(s);
}

void store_close(struct store *s)
{
	if (s != NULL)
		s->ops->close(s);
}
