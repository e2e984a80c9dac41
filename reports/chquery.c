/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chquery.c — the ClickHouse reads of chquery.h. A period is read by a
 * handful of GROUP BY queries, each one pass over the columns it needs,
 * and only their rows come back: per (site, local day), per device, per
 * search query / outbound host / script error / rage target, per path,
 * per rating, the flow events per service, type and step, and one row per
 * flow fragment — the flow events of one (site, service, visit key, local
 * day, flow id) with their first start, its device, the highest step and
 * every completion time. The model joins fragments into flows (flows.h),
 * exactly as it joins events, so both stores give the same CSV files.
 *
 * Catalogue paths: the paths of the period come back with their counts;
 * the model matches them against the catalogue in C (catalog.c, as for
 * SQLite) and lists the flow events each pageview or field error there
 * makes; that list goes back into the flow queries as a literal table
 * (system.one ARRAY JOIN [sites] AS site, [paths] AS path, …) joined on
 * (site, path), so ClickHouse counts
 * those events too (their totals per step the model counts from the
 * paths' counts). A literal, not a temporary table: on a Distributed
 * table every shard runs the join itself.
 *
 * Every value in SQL is a literal the program printed (integers) or
 * quoted (chwire_quote); table names are churl.h's checked identifiers.
 * Decisions where ClickHouse 18.16 differs from SQLite (docs/scale.md):
 * aggregates over Nullable columns are wrapped (assumeNotNull, ifNull),
 * distinct counts are uniqExact, medians are read as the exact middle
 * elements of sorted arrays, and the device of a flow's first start is
 * the smallest device name among equal start times.
 */
#include "chquery.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chtable.h"
#include "churl.h"
#include "clickhouse.h"

#define DAY "toUInt16(toDate(toDateTime(intDiv(time, 1000)), 'Europe/Berlin'))"
#define FLOW_TYPES "'flow_start', 'flow_step', 'flow_complete', 'flow_abort', 'field_error'"
#define HOST "if(position(assumeNotNull(href), '/') > 0, " \
	"substring(assumeNotNull(href), 1, position(assumeNotNull(href), '/') - 1), href)"
/*
 * Distinct visits of an item on a local day (the day is part of the inner
 * GROUP BY): keys, and every keyless event as a visit of its own (as
 * model.c). Summed over the days, they are the item's distinct (day, key)
 * pairs; counted day by day, the sets stay small (uniqExact of a whole
 * period's pairs took 1.7 times as long).
 */
#define DAY_VISITS(cond) "uniqExactIf(assumeNotNull(visit), " cond " AND isNotNull(visit)) + " \
	"countIf(" cond " AND isNull(visit))"
/* A fragment's key: site, service, keyed, visit key, day (0 without a key), flow id (NULL without). */
#define FRAGMENT_KEY "isNotNull(visit) AS keyed, ifNull(visit, 0) AS v, if(keyed, " DAY ", 0) AS d, flow"
#define LINKED "(isNotNull(visit) OR isNotNull(flow))"

struct chquery {
	struct churl url;
	struct clickhouse *ch;
};

/* A growing SQL text; failure (out of memory) is sticky. */
struct sql {
	char *s;
	size_t len, cap;
	int failed;
};

static void sql_vadd(struct sql *q, const char *fmt, va_list ap)
{
	va_list again;
	size_t room;
	int n;

	if (q->failed)
		return;
	room = q->cap - q->len;
	va_copy(again, ap);
	n = vsnprintf(q->s ? q->s + q->len : NULL, q->s ? room : 0, fmt, ap);
	if (n >= 0 && (q->s == NULL || (size_t)n >= room)) {
		size_t nc = q->cap ? q->cap : 4096;
		char *ns;

		while (nc < q->len + (size_t)n + 1)
			nc *= 2;
		ns = realloc(q->s, nc);
		if (ns == NULL) {
			q->failed = 1;
		} else {
			q->s = ns;
			q->cap = nc;
			n = vsnprintf(q->s + q->len, q->cap - q->len, fmt, again);
		}
	}
	va_end(again);
	if (n < 0)
		q->failed = 1;
	else if (!q->failed)
		q->len += (size_t)n;
}

static void sql_add(struct sql *q, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sql_add(struct sql *q, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sql_vadd(q, fmt, ap);
	va_end(ap);
}

/* Appends s as a quoted string literal. */
static void sql_quote(struct sql *q, const char *s)
{
	size_t n = strlen(s), need = 4 * n + 3;
	char small[256], *lit = need <= sizeof small ? small : malloc(need);

	if (lit == NULL || chwire_quote(s, n, lit, need) < 0) {
		q->failed = 1;
	} else {
		sql_add(q, "%s", lit);
	}
	if (lit != small)
		free(lit);
}

static void sql_free(struct sql *q)
{
	free(q->s);
	memset(q, 0, sizeof *q);
}

/* ---- reading rows ---------------------------------------------------------- */

struct field_error;

/* What every row callback shares: the model, and the first failure. */
struct reader {
	struct model *m;
	const char *what;        /* the query's name, for errors */
	char why[160];
	struct chwire_array arr; /* array columns, parsed */
	struct field_error *pairs; /* a fragment's field errors, sorted */
	size_t cap_pairs;
};

static struct qstr qs(const struct chwire_field *f)
{
	struct qstr s = { f->s, f->n };

	return s;
}

/* Parses an unsigned decimal field. Returns 0 or -1. */
static int u64_of(const struct chwire_field *f, uint64_t *out)
{
	char *end;

	if (f->s == NULL || f->n == 0 || f->s[0] == '-')
		return -1;
	errno = 0;
	*out = strtoull(f->s, &end, 10);
	return errno == 0 && end == f->s + f->n ? 0 : -1;
}

static int i64_of(const struct chwire_field *f, int64_t *out)
{
	char *end;

	if (f->s == NULL || f->n == 0)
		return -1;
	errno = 0;
	*out = strtoll(f->s, &end, 10);
	return errno == 0 && end == f->s + f->n ? 0 : -1;
}

static int u32_of(const struct chwire_field *f, uint32_t *out)
{
	uint64_t v;

	if (u64_of(f, &v) != 0 || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int bad_row(struct reader *r, const char *why)
{
	if (r->why[0] == '\0')
		snprintf(r->why, sizeof r->why, "%s: %s", r->what, why);
	return -1;
}

/* Runs sql, each row to fn. Returns 0, or -1 with err. */
static int run(struct chquery *q, struct sql *sql, chwire_row_fn fn, struct reader *r, char *err, size_t errlen)
{
	char settings[64];
	int rc;

	if (sql->failed) {
		snprintf(err, errlen, "%s: out of memory", r->what);
		return -1;
	}
	/* The query text (with a catalogue's literal table) may pass ClickHouse's default 256 KiB. */
	snprintf(settings, sizeof settings, "max_query_size=%zu", sql->len + 4096);
	r->why[0] = '\0';
	rc = clickhouse_query(q->ch, sql->s, settings, fn, r);
	if (rc != 0) {
		if (r->why[0] != '\0')
			snprintf(err, errlen, "ClickHouse: %s", r->why);
		else
			snprintf(err, errlen, "ClickHouse, reading %s: %s", r->what, clickhouse_error(q->ch));
	}
	return rc;
}

/* ---- the queries ---------------------------------------------------------- */

/*
 * A (site, day, device): the events, pageviews and distinct visit keys.
 * A visit key is a hash of the User-Agent among others, so a visit has
 * one device: summed over devices the visits are the day's, summed over
 * days the device's.
 */
static int on_day_device(void *ctx, const struct chwire_field *f, size_t n)
{
	struct reader *r = ctx;
	uint64_t events;
	int64_t day;
	uint32_t visits, pageviews;

	if (n != 6 || i64_of(&f[1], &day) != 0 || u64_of(&f[3], &events) != 0 || u32_of(&f[4], &pageviews) != 0 ||
	    u32_of(&f[5], &visits) != 0)
		return bad_row(r, "a malformed row");
	if (model_add_day(r->m, qs(&f[0]), day, events, visits, pageviews) != 0 ||
	    (visits > 0 && model_add_device_visits(r->m, qs(&f[0]), qs(&f[2]), visits) != 0))
		return bad_row(r, "out of memory");
	return 0;
}

static int on_item(void *ctx, const struct chwire_field *f, size_t n)
{
	struct reader *r = ctx;
	uint32_t kind, count, visits, zero;

	if (n != 6 || u32_of(&f[0], &kind) != 0 || kind > MODEL_RAGES || u32_of(&f[3], &count) != 0 ||
	    u32_of(&f[4], &visits) != 0 || u32_of(&f[5], &zero) != 0)
		return bad_row(r, "a malformed row");
	if (model_add_item(r->m, (enum model_item_kind)kind, qs(&f[1]), qs(&f[2]), count, visits, zero) != 0)
		return bad_row(r, "out of memory");
	return 0;
}

static int on_path(void *ctx, const struct chwire_field *f, size_t n)
{
	struct reader *r = ctx;
	struct model_path_row p;
	uint32_t fe, markup;

	memset(&p, 0, sizeof p);
	if (n != 10 || u32_of(&f[2], &p.pageviews) != 0 || u32_of(&f[3], &p.visits) != 0 ||
	    u32_of(&f[4], &p.eng_n) != 0 || i64_of(&f[5], &p.eng_lo_ms) != 0 || i64_of(&f[6], &p.eng_hi_ms) != 0 ||
	    u32_of(&f[7], &fe) != 0 || u32_of(&f[8], &p.unnamed_errors) != 0 || u32_of(&f[9], &markup) != 0)
		return bad_row(r, "a malformed row");
	p.site = qs(&f[0]);
	p.path = qs(&f[1]);
	p.flags = (fe ? MODEL_PATH_FIELD_ERROR : 0) | (markup ? MODEL_PATH_MARKUP : 0);
	if (model_add_path(r->m, &p) != 0)
		return bad_row(r, "out of memory");
	return 0;
}

static int on_feedback(void *ctx, const struct chwire_field *f, size_t n)
{
	struct reader *r = ctx;
	int64_t rating;
	uint32_t count;

	if (n != 4 || i64_of(&f[2], &rating) != 0 || u32_of(&f[3], &count) != 0)
		return bad_row(r, "a malformed row");
	if (model_add_feedback(r->m, qs(&f[0]), qs(&f[1]), rating, count) != 0)
		return bad_row(r, "out of memory");
	return 0;
}

static int on_issue_path(void *ctx, const struct chwire_field *f, size_t n)
{
	struct reader *r = ctx;
	uint32_t rage;

	if (n != 4 || u32_of(&f[1], &rage) != 0)
		return bad_row(r, "a malformed row");
	if (model_add_issue_path(r->m, qs(&f[0]), (int)rage, qs(&f[2]), qs(&f[3])) != 0)
		return bad_row(r, "out of memory");
	return 0;
}

/*
 * Flow events of a service by type, step and (for flow_step) the step
 * name sent: the step totals, and the names' counts.
 */
static int on_flow_events(void *ctx, const struct chwire_field *f, size_t n)
{
	struct reader *r = ctx;
	enum event_type type;
	int64_t step = EVENT_NO_INT;
	uint32_t count;

	if (n != 6 || f[2].s == NULL || event_type_from_name(f[2].s, f[2].n, &type) != 0 ||
	    (f[3].s != NULL && i64_of(&f[3], &step) != 0) || u32_of(&f[5], &count) != 0)
		return bad_row(r, "a malformed row");
	if (model_add_flow_events(r->m, qs(&f[0]), qs(&f[1]), type, step, count) != 0 ||
	    (type == EVENT_FLOW_STEP && step != EVENT_NO_INT &&
	     model_add_step_name(r->m, qs(&f[0]), qs(&f[1]), step, qs(&f[4]), count) != 0))
		return bad_row(r, "out of memory");
	return 0;
}

/* The first six columns of a fragment row: site, service, keyed, visit key, day, flow id. */
static int fragment_key(const struct chwire_field *f, struct model_fragment *fr)
{
	uint32_t keyed;

	memset(fr, 0, sizeof *fr);
	fr->site = qs(&f[0]);
	fr->service = qs(&f[1]);
	if (u32_of(&f[2], &keyed) != 0 || u64_of(&f[3], &fr->visit) != 0 || i64_of(&f[4], &fr->day) != 0)
		return -1;
	fr->has_visit = keyed != 0;
	fr->flow = qs(&f[5]);
	return 0;
}

struct field_error {
	const char *field, *error;
};

static int cmp_field_error(const void *a, const void *b)
{
	const struct field_error *x = a, *y = b;
	int c = strcmp(x->field, y->field);

	return c ? c : strcmp(x->error, y->error);
}

/*
 * Adds a fragment's field errors, given as two parallel arrays (fields,
 * error kinds), as one part per (field, error) with its count.
 */
static int fragment_errors(struct reader *r, struct model_fragment *fr, const struct chwire_field *fields,
                           const struct chwire_field *errors)
{
	struct field_error *fe;
	size_t n;

	chwire_array_clear_strings(&r->arr);
	if (chwire_array_strings(&r->arr, fields->s, fields->n) != 0)
		return bad_row(r, "a malformed array of fields");
	n = r->arr.noffs;
	if (chwire_array_strings(&r->arr, errors->s, errors->n) != 0 || r->arr.noffs != 2 * n)
		return bad_row(r, "a malformed array of errors");
	if (n == 0)
		return 0;
	if (n > r->cap_pairs) {
		fe = realloc(r->pairs, n * sizeof *fe);
		if (fe == NULL)
			return bad_row(r, "out of memory");
		r->pairs = fe;
		r->cap_pairs = n;
	}
	fe = r->pairs;
	for (size_t i = 0; i < n; i++) {
		fe[i].field = r->arr.text + r->arr.offs[i];
		fe[i].error = r->arr.text + r->arr.offs[n + i];
	}
	qsort(fe, n, sizeof *fe, cmp_field_error);
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && cmp_field_error(&fe[i], &fe[j]) == 0; j++)
			;
		fr->field.s = fe[i].field;
		fr->field.n = strlen(fe[i].field);
		fr->error.s = fe[i].error;
		fr->error.n = strlen(fe[i].error);
		fr->error_count = (uint32_t)(j - i);
		if (model_add_fragment(r->m, fr) != 0)
			return bad_row(r, "out of memory");
	}
	return 0;
}

/*
 * A fragment row: key (6 columns), flow_start events, the first start and
 * its device, the highest step, the completion times, and the field
 * errors' fields and kinds.
 */
static int on_fragment(void *ctx, const struct chwire_field *f, size_t n)
{
	struct reader *r = ctx;
	struct model_fragment fr;

	if (n != 13 || fragment_key(f, &fr) != 0 || u32_of(&f[6], &fr.starts) != 0 ||
	    i64_of(&f[7], &fr.first_start) != 0 || i64_of(&f[9], &fr.max_step) != 0 ||
	    chwire_array_ints(&r->arr, f[10].s, f[10].n) != 0)
		return bad_row(r, "a malformed row");
	fr.device = qs(&f[8]);
	fr.completes = r->arr.ints;
	fr.ncompletes = r->arr.nints;
	if (model_add_fragment(r->m, &fr) != 0)
		return bad_row(r, "out of memory");
	return fragment_errors(r, &fr, &f[11], &f[12]);
}

static int on_reject(void *ctx, const struct chwire_field *f, size_t n)
{
	struct reader *r = ctx;
	int64_t count;

	if (n != 2 || f[0].s == NULL || i64_of(&f[1], &count) != 0)
		return bad_row(r, "a malformed row");
	if (model_reject(r->m, f[0].s, count) != 0)
		return bad_row(r, "out of memory");
	return 0;
}

/* ---- the catalogue's mapping ------------------------------------------------ */

/*
 * The catalogue's mapping as six parallel array literals (site, path,
 * source, service, type, step), zipped by ARRAY JOIN: arrays of plain
 * values, because 18.16 parses an array of tuples element by element (a
 * thousand tuples took seconds, the same values as arrays milliseconds).
 */
enum { MAP_SITE, MAP_PATH, MAP_SRC, MAP_SERVICE, MAP_TYPE, MAP_STEP, MAP_COLUMNS };

struct mapping {
	struct sql col[MAP_COLUMNS];
	size_t n;
};

static void mapping_free(struct mapping *mp)
{
	for (int i = 0; i < MAP_COLUMNS; i++)
		sql_free(&mp->col[i]);
	mp->n = 0;
}

static int mapping_failed(const struct mapping *mp)
{
	for (int i = 0; i < MAP_COLUMNS; i++) {
		if (mp->col[i].failed)
			return 1;
	}
	return 0;
}

/* model_mapping_fn: one more element of each array. */
static int add_mapping(void *ctx, const char *site, const char *path, enum event_type source, const char *service,
                       enum event_type type, uint32_t step)
{
	struct mapping *mp = ctx;
	const char *sep = mp->n > 0 ? ", " : "";

	for (int i = 0; i < MAP_COLUMNS; i++)
		sql_add(&mp->col[i], "%s", sep);
	sql_quote(&mp->col[MAP_SITE], site);
	sql_quote(&mp->col[MAP_PATH], path);
	sql_add(&mp->col[MAP_SRC], "'%s'", event_type_name(source));
	sql_quote(&mp->col[MAP_SERVICE], service);
	sql_add(&mp->col[MAP_TYPE], "'%s'", event_type_name(type));
	sql_add(&mp->col[MAP_STEP], "%u", step);
	mp->n++;
	return mapping_failed(mp) ? -1 : 0;
}

/* The mapping as a table (site, path, m_src, m_service, m_type, m_step) to join. */
static void add_mapping_table(struct sql *q, const struct mapping *mp)
{
	static const char *const names[MAP_COLUMNS] = { "site", "path", "m_src", "m_service", "m_type", "m_step" };

	sql_add(q, "(SELECT site, path, m_src, m_service, m_type, m_step FROM system.one ARRAY JOIN ");
	for (int i = 0; i < MAP_COLUMNS; i++)
		sql_add(q, "%s[%s] AS %s", i ? ", " : "", mp->col[i].s, names[i]);
	sql_add(q, ")");
}

/* ---- a period ---------------------------------------------------------- */

/* What every query of a period shares: the table names and the period's condition. */
struct period {
	const char *events, *rejects;
	char where[256];
};

/*
 * The flow fragments, with their field errors, of markup (lit NULL): flow
 * events that name their service; or of the catalogue's mapping lit:
 * pageviews and field errors without a service on the mapped paths.
 */
static int read_fragments(struct chquery *q, const struct period *p, const struct mapping *lit, struct reader *r,
                          char *err, size_t errlen)
{
	const char *svc = lit ? "m_service" : "service";
	const char *typ = lit ? "m_type" : "type";
	struct sql sql = { 0 };
	int rc;

	sql_add(&sql, "SELECT site, %s AS svc, " FRAGMENT_KEY ", countIf(%s = 'flow_start'), "
	        "minIf(time, %s = 'flow_start'), argMinIf(ifNull(device, ''), (time, ifNull(device, '')), "
	        "%s = 'flow_start'), ifNull(maxIf(%s, %s = 'flow_step'), 0), "
	        "arraySort(groupArrayIf(time, %s = 'flow_complete')), "
	        "groupArrayIf(assumeNotNull(field), %s = 'field_error'), "
	        "groupArrayIf(assumeNotNull(error), %s = 'field_error') FROM %s ", svc, typ, typ, typ,
	        lit ? "m_step" : "step", typ, typ, typ, typ, p->events);
	/*
	 * A join filters the events in PREWHERE: 18.16 moves no condition of a
	 * joined query there by itself, and would join every event of the
	 * period first (four times slower). PREWHERE passes through a
	 * Distributed table to its shards.
	 */
	if (lit) {
		sql_add(&sql, "ALL INNER JOIN ");
		add_mapping_table(&sql, lit);
		sql_add(&sql, " USING (site, path) PREWHERE %s AND (type = 'pageview' OR (type = 'field_error' AND "
		        "isNull(service))) AND " LINKED " WHERE m_src = type", p->where);
	} else {
		sql_add(&sql, "WHERE %s AND isNotNull(service) AND type IN (" FLOW_TYPES ") AND " LINKED, p->where);
	}
	sql_add(&sql, " GROUP BY site, svc, keyed, v, d, flow FORMAT TabSeparated");
	r->what = lit ? "catalogue flow fragments" : "flow fragments";
	rc = run(q, &sql, on_fragment, r, err, errlen);
	sql_free(&sql);
	return rc;
}

/* Runs one query of fixed text (printf-style with the period) with fn. */
static int read_simple(struct chquery *q, struct reader *r, const char *what, chwire_row_fn fn, char *err,
                       size_t errlen, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static int read_simple(struct chquery *q, struct reader *r, const char *what, chwire_row_fn fn, char *err,
                       size_t errlen, const char *fmt, ...)
{
	struct sql sql = { 0 };
	va_list ap;
	int rc;

	va_start(ap, fmt);
	sql_vadd(&sql, fmt, ap);
	va_end(ap);
	sql_add(&sql, " FORMAT TabSeparated");
	r->what = what;
	rc = run(q, &sql, fn, r, err, errlen);
	sql_free(&sql);
	return rc;
}

/* The period's condition: bounds that are not open, and the site. */
static int period_where(struct period *p, int64_t from_ms, int64_t to_ms, const char *site)
{
	char lit[4 * EVENT_SITE_MAX + 3];
	size_t o = 0;

	o += (size_t)snprintf(p->where + o, sizeof p->where - o, "1");
	if (from_ms != INT64_MIN)
		o += (size_t)snprintf(p->where + o, sizeof p->where - o, " AND time >= %lld", (long long)from_ms);
	if (to_ms != INT64_MAX)
		o += (size_t)snprintf(p->where + o, sizeof p->where - o, " AND time < %lld", (long long)to_ms);
	if (site != NULL) {
		if (chwire_quote(site, strlen(site), lit, sizeof lit) < 0)
			return -1;
		o += (size_t)snprintf(p->where + o, sizeof p->where - o, " AND site = %s", lit);
	}
	return o < sizeof p->where ? 0 : -1;
}

/* Per (site, local day, device): events, pageviews and distinct visit keys. */
static int read_days(struct chquery *q, const struct period *p, struct reader *r, char *err, size_t errlen)
{
	return read_simple(q, r, "days and devices", on_day_device, err, errlen,
	                   "SELECT site, " DAY " AS day, ifNull(device, '') AS dev, count(), countIf(type = 'pageview'), "
	                   "uniqExactIf(assumeNotNull(visit), isNotNull(visit)) FROM %s WHERE %s "
	                   "GROUP BY site, day, dev", p->events, p->where);
}

/* The ratings per site, service and number of stars. */
static int read_feedback(struct chquery *q, const struct period *p, struct reader *r, char *err, size_t errlen)
{
	return read_simple(q, r, "feedback", on_feedback, err, errlen,
	                   "SELECT site, service, rating, count() FROM %s WHERE %s AND type = 'feedback' AND "
	                   "rating >= 1 AND rating <= 5 GROUP BY site, service, rating", p->events, p->where);
}

/* Everything of a report but the flows: days and devices, items, pages, ratings, flow events per step. */
static int read_counts(struct chquery *q, const struct period *p, const struct model_config *cfg, struct reader *r,
                       char *err, size_t errlen)
{
	return read_days(q, p, r, err, errlen) != 0 ||
	       read_simple(q, r, "searches, outbound links, script errors and rage clicks", on_item, err, errlen,
	                   "SELECT kind, site, key, sum(n), sum(visits), sum(zero) FROM (SELECT kind, site, key, day, "
	                   "count() AS n, " DAY_VISITS("1") " AS visits, countIf(kind = 0 AND ifNull(results = 0, 0)) "
	                   "AS zero FROM (SELECT site, visit, results, " DAY " AS day, "
	                   "multiIf(type = 'search', %d, type = 'outlink', %d, type = 'js_error', %d, %d) AS kind, "
	                   "multiIf(type = 'search', q, type = 'outlink', if(isNull(href), NULL, " HOST "), "
	                   "type = 'js_error', message, target) AS key FROM %s WHERE %s AND type IN ('search', "
	                   "'outlink', 'js_error', 'rage_click')) WHERE isNotNull(key) GROUP BY kind, site, key, day) "
	                   "GROUP BY kind, site, key",
	                   MODEL_SEARCHES, MODEL_OUTLINKS, MODEL_SCRIPTS, MODEL_RAGES, p->events, p->where) != 0 ||
	       read_simple(q, r, "pages", on_path, err, errlen,
	                   "SELECT site, path, pv, visits, length(e) AS n, if(n > 0, e[intDiv(n - 1, 2) + 1], 0), "
	                   "if(n > 0, e[intDiv(n, 2) + 1], 0), fe, unnamed, markup FROM (SELECT site, path, "
	                   "sum(d_pv) AS pv, sum(d_visits) AS visits, arraySort(groupArrayArray(d_e)) AS e, "
	                   "max(d_fe) AS fe, sum(d_unnamed) AS unnamed, max(d_markup) AS markup FROM (SELECT site, "
	                   "path, day, countIf(type = 'pageview') AS d_pv, " DAY_VISITS("type = 'pageview'")
	                   " AS d_visits, groupArrayIf(assumeNotNull(ms), type = 'engagement' AND isNotNull(ms)) AS d_e, "
	                   "max(type = 'field_error') AS d_fe, countIf(type = 'field_error' AND isNull(service)) "
	                   "AS d_unnamed, max(isNotNull(service) AND type IN (" FLOW_TYPES ")) AS d_markup "
	                   "FROM (SELECT site, path, type, visit, ms, service, " DAY " AS day FROM %s "
	                   "WHERE %s AND type IN ('pageview', 'engagement'%s)) GROUP BY site, path, day) "
	                   "GROUP BY site, path)",
	                   p->events, p->where,
	                   cfg->check_catalog ? ", " FLOW_TYPES : cfg->cat != NULL ? ", 'field_error'" : "") != 0 ||
	       read_feedback(q, p, r, err, errlen) != 0 ||
	       read_simple(q, r, "flow events", on_flow_events, err, errlen,
	                   "SELECT site, service, type, step, if(type = 'flow_step', step_name, NULL) AS name, count() "
	                   "FROM %s WHERE %s AND isNotNull(service) AND type IN (" FLOW_TYPES ") "
	                   "GROUP BY site, service, type, step, name", p->events, p->where) != 0 ||
	       (cfg->cat != NULL &&
	        read_simple(q, r, "pages of script errors and rage clicks", on_issue_path, err, errlen,
	                    "SELECT DISTINCT site, type = 'rage_click' AS rage, if(rage, target, message) AS key, "
	                    "path FROM %s WHERE %s AND type IN ('js_error', 'rage_click') AND isNotNull(key)",
	                    p->events, p->where) != 0)
	       ? -1 : 0;
}

int chquery_read(struct chquery *q, int64_t from_ms, int64_t to_ms, const char *site, struct model *m,
                 int comparison, char *err, size_t errlen)
{
	const struct model_config *cfg = m->cfg;
	struct reader r = { .m = m };
	struct period p = { .events = q->url.table, .rejects = q->url.rejects };
	struct mapping lit;
	int rc = -1;

	memset(&lit, 0, sizeof lit);
	if (period_where(&p, from_ms, to_ms, site) != 0) {
		snprintf(err, errlen, "--site: too long");
		return -1;
	}
	if (!comparison && read_counts(q, &p, cfg, &r, err, errlen) != 0)
		goto out;
	/* A comparison's key figures: its visits and ratings. */
	if (comparison && (read_days(q, &p, &r, err, errlen) != 0 || read_feedback(q, &p, &r, err, errlen) != 0))
		goto out;
	/* A comparison needs of the paths only what the catalogue makes flows of. */
	if (comparison && cfg->cat != NULL &&
	    read_simple(q, &r, "pages", on_path, err, errlen,
	                "SELECT site, path, countIf(type = 'pageview'), 0, 0, 0, 0, max(type = 'field_error'), "
	                "countIf(type = 'field_error' AND isNull(service)), 0 FROM %s WHERE %s AND "
	                "type IN ('pageview', 'field_error') GROUP BY site, path", p.events, p.where) != 0)
		goto out;
	if (read_fragments(q, &p, NULL, &r, err, errlen) != 0)
		goto out;
	if (cfg->cat != NULL) {
		if (model_catalogue_mapping(m, add_mapping, &lit) != 0 || mapping_failed(&lit)) {
			snprintf(err, errlen, "out of memory while matching the catalogue");
			goto out;
		}
		if (lit.n > 0 && read_fragments(q, &p, &lit, &r, err, errlen) != 0)
			goto out;
	}
	if (!comparison &&
	    read_simple(q, &r, "rejects", on_reject, err, errlen,
	                "SELECT reason, count() AS n FROM %s WHERE %s GROUP BY reason ORDER BY n DESC, reason",
	                p.rejects, p.where) != 0)
		goto out;
	rc = 0;
out:
	mapping_free(&lit);
	chwire_array_free(&r.arr);
	free(r.pairs);
	return rc;
}

int chquery_open(const char *url, struct chquery **out, char *err, size_t errlen)
{
	struct chquery *q = calloc(1, sizeof *q);
	char why[CLICKHOUSE_ERROR_MAX + 256];

	*out = NULL;
	if (q == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (churl_parse(url, strlen(url), &q->url, why, sizeof why) != 0) {
		snprintf(err, errlen, "--db: %s", why);
		goto fail;
	}
	if (clickhouse_open(&q->url, CHQUERY_TIMEOUT_MS, &q->ch, why, sizeof why) != 0 ||
	    chtable_check(q->ch, &q->url, 0, NULL, 0, why, sizeof why) != 0) {
		snprintf(err, errlen, "%s: %s", url, why);
		goto fail;
	}
	*out = q;
	return 0;
fail:
	chquery_close(q);
	return -1;
}

void chquery_close(struct chquery *q)
{
	if (q == NULL)
		return;
	clickhouse_close(q->ch);
	free(q);
}
