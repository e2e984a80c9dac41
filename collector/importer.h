/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * importer.h — `lotse-collector --import`: dated NDJSON events through the
 * same parser, privacy reduction, sites rules and visit keys as HTTP beacons
 * (with a salt per local day that is wiped at the end), stored in large
 * transactions. For migrations, spools, demos, benchmarks and tests.
 */
#ifndef LOTSE_IMPORTER_H
#define LOTSE_IMPORTER_H

#include <stdint.h>

#include "sites.h"
#include "store.h"

struct import_counts {
	uint64_t imported;  /* events stored */
	uint64_t rejected;  /* lines or events refused (malformed line, invalid event, origin) */
	uint64_t bots;      /* events from bots, not stored */
};

/*
 * Reads path ("-": standard input) line by line into store. sites may be
 * NULL; visit_keys 0 stores no visit key. Malformed lines are counted and
 * the first ones named on stderr as "PATH:LINE: reason". Returns 0, or -1 on
 * a read or database failure (err says why; what was committed stays).
 */
int importer_run(const char *path, struct store *store, const struct sites *sites, int visit_keys,
                 struct import_counts *counts, char *err, size_t errlen);

#endif
