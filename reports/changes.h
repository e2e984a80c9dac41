/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * changes.h — what was changed on the portal and when (--changes FILE.csv,
 * columns date,site,service,text; site and service may be "*"), and whether
 * it helped: changes.csv compares the flows started in the 28 days before a
 * change (D−28 … D−1) with those started in the 28 days from it (D … D+27),
 * both clipped to the days of the data, with the pooled two-sided
 * two-proportion z-test. The reader is a parser of user files (bounded,
 * fuzzed); the evaluation only reads per-day counts the model made.
 */
#ifndef LOTSE_CHANGES_H
#define LOTSE_CHANGES_H

#include <stddef.h>
#include <stdint.h>

#define CHANGES_MAX 1000
#define CHANGES_MAX_TEXT 200   /* bytes of a change's text */
#define CHANGES_WINDOW_DAYS 28

struct change {
	int64_t day;       /* local day of the change */
	char *site;        /* a site key or "*" */
	char *service;     /* a service key or "*" */
	char *text;
	unsigned line;
};

struct changes {
	struct change *c;
	size_t n, cap;
};

/*
 * Reads path (an optional header row starting "date,"). Returns 0, or -1
 * with "PATH:LINE: reason" in err; on failure ch holds nothing.
 */
int changes_load(struct changes *ch, const char *path, char *err, size_t errlen);

/* Frees all ch holds; ch may be zero-initialised and never loaded. */
void changes_free(struct changes *ch);

/* Flows of one (site, service) started on one local day, and how many of them completed. */
struct changes_day {
	const char *site, *service;
	int64_t day;
	uint32_t started, completed;
};

/* One row of changes.csv: a change applied to one site and service. */
struct change_row {
	const struct change *change;
	const char *site, *service;
	int64_t before_from, before_to, after_from, after_to; /* clipped windows; from > to when empty */
	uint32_t before_started, before_completed, after_started, after_completed;
	double before_rate, after_rate, p_value; /* NAN when not computable */
};

/* A (site, service) of the report, for expanding "*". */
struct changes_pair {
	const char *site, *service;
};

/*
 * Evaluates every change of ch against days[0..ndays-1] (sorted by site,
 * service, day) for the data's days first_day..last_day. A "*" expands to
 * every pair of pairs[0..npairs-1] it matches, in their order; a change
 * naming one site and service gives its row even without data. Rows come
 * in file order. Returns 0 and *out (free it), or -1 when out of memory.
 */
int changes_evaluate(const struct changes *ch, const struct changes_pair *pairs, size_t npairs,
                     const struct changes_day *days, size_t ndays, int64_t first_day,
                     int64_t last_day, struct change_row **out, size_t *nout);

#endif
