/* SPDX-License-Identifier: EUPL-1.2 */
/* importer.c — the --import loop: read a line, parse, ingest, store; commit in large groups. */
#include "importer.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "beacon.h"
#include "ingest.h"
#include "log.h"
#include "visitkey.h"

#define IMPORT_LINE_MAX (64 * 1024)
#define IMPORT_COMMIT_EVERY 50000
#define IMPORT_ERRORS_SHOWN 10
#define IMPORT_MAX_DAYS 4096

static void line_error(const char *path, uint64_t line, const char *why, uint64_t *shown)
{
	if (*shown < IMPORT_ERRORS_SHOWN)
		log_msg("%s:%llu: %s", path, (unsigned long long)line, why);
	else if (*shown == IMPORT_ERRORS_SHOWN)
		log_msg("%s: more rejected lines not shown", path);
	(*shown)++;
}

int importer_run(const char *path, struct store *store, const struct sites *sites, int visit_keys,
                 struct import_counts *counts, char *err, size_t errlen)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
	struct visitkey *vk = NULL;
	struct beacon_batch batch = { 0 };
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;
	uint64_t lineno = 0, shown = 0, in_txn = 0;
	int rc = -1;

	memset(counts, 0, sizeof *counts);
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	if (visit_keys && visitkey_new(IMPORT_MAX_DAYS, &vk) != 0) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (store_begin(store) != 0)
		goto db_fail;
	while ((got = getline(&line, &cap, f)) > 0) {
		struct beacon_import_line meta;
		char why[BEACON_ERROR_MAX] = "";
		size_t len = (size_t)got;

		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			len--;
		if (len == 0)
			continue;
		if (len > IMPORT_LINE_MAX) {
			counts->rejected++;
			line_error(path, lineno, "line longer than 64 KiB", &shown);
			continue;
		}
		enum beacon_status st = beacon_parse_import_line(line, len, &meta, &batch, why, sizeof why);
		if (st == BEACON_NOMEM) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		if (st != BEACON_OK) {
			counts->rejected++;
			line_error(path, lineno, why[0] ? why : "malformed line", &shown);
			beacon_batch_free(&batch);
			continue;
		}
		struct ingest_request req = {
			.received_ms = meta.time_ms,
			.client = meta.client,
			.ua = meta.ua,
			.origin = meta.origin,
			.origin_len = meta.origin ? strlen(meta.origin) : 0,
			.sites = sites,
			.visitkey = vk,
		};
		switch (ingest_apply(&req, &batch)) {
		case INGEST_NOMEM:
			snprintf(err, errlen, "out of memory");
			goto out;
		case INGEST_BOT:
			counts->bots += batch.n_events + batch.n_rejects;
			break;
		case INGEST_ORIGIN_DENIED:
			counts->rejected += batch.n_events + batch.n_rejects;
			line_error(path, lineno, "origin not allowed for the site", &shown);
			break;
		case INGEST_STORE:
			for (size_t i = 0; i < batch.n_events; i++)
				if (store_insert_event(store, &batch.events[i]) != 0)
					goto db_fail;
			for (size_t i = 0; i < batch.n_rejects; i++)
				if (store_insert_reject(store, meta.time_ms, &batch.rejects[i]) != 0)
					goto db_fail;
			counts->imported += batch.n_events;
			counts->rejected += batch.n_rejects;
			in_txn += batch.n_events + batch.n_rejects;
			break;
		}
		beacon_batch_free(&batch);
		if (in_txn >= IMPORT_COMMIT_EVERY) {
			if (store_commit(store) != 0 || store_begin(store) != 0)
				goto db_fail;
			in_txn = 0;
		}
	}
	if (ferror(f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (store_commit(store) != 0)
		goto db_fail;
	rc = 0;
	goto out;
db_fail:
	snprintf(err, errlen, "database: %s", store_error(store));
out:
	store_rollback(store);
	beacon_batch_free(&batch);
	free(line);
	visitkey_free(vk);
	if (f != stdin)
		fclose(f);
	return rc;
}
