/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * model.c — the aggregation behind model.h. Each event touches a handful of
 * hash-table records keyed by interned string ids; nothing is allocated per
 * event except when a new key appears. Which events form a flow is flows.c's
 * business; this file feeds it and counts the flows it hands back.
 *
 * Everything counted per distinct visit (visits per day and device, visits
 * of a query, page or outbound host) is counted when the visit or pair first
 * appears, in sets of one local day (struct model_dayset), which also hold
 * the day's flow nodes of visit keys. A visit is a key on one local day, so
 * a day is folded (its flows that met no flow id counted, its sets emptied)
 * when a row two days later arrives (rows may be up to ten minutes late,
 * across midnight) and at the end of each database: memory follows the
 * busiest two days plus the period's flow ids, not the events. Keys of
 * different databases never meet (different salts), so their counts add up
 * exactly.
 *
 * Catalogue paths: the first pageview of a (site, path) asks catalog.c which
 * step and confirmation patterns it matches and keeps the answer (a run of
 * struct model_hit beside the page's record), so a pattern is matched once
 * per distinct path, not per event. Every later pageview of the path
 * replays the hits as flow_start/flow_step/flow_complete events of the
 * services, a field_error without a service as that service's error.
 */
#include "model.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "causes.h"
#include "labels.h"
#include "metrics.h"
#include "period.h"
#include "tz.h"

#define NO_TIME FLOWS_NO_TIME
#define NO_DAY INT64_MIN
#define LEVEL_DONE (MODEL_MAX_STEP + 1)
#define MAX_DAILY_SPAN 3660
/* Patterns one path may match; more are ignored (and a catalogue that does so is broken). */
#define MAX_HITS_PER_PATH 64

struct visit_rec {
	uint32_t site;
	int32_t day;
	uint64_t visit; /* key ends here */
	uint32_t device;
	uint32_t pad;
};

struct stepname_rec {
	uint32_t site, service, step, name; /* key */
	uint32_t count;
};

struct service_rec {
	uint32_t site, service; /* key */
	uint32_t max_step_seen, started, completed, field_errors, complete_events;
	uint32_t level[LEVEL_DONE + 1];
	uint32_t step_events[MODEL_MAX_STEP + 1];
};

struct day_rec {
	uint32_t site;
	int32_t day; /* key */
	uint32_t visits, pageviews, started, completed;
};

struct device_rec {
	uint32_t site, device; /* key */
	uint32_t visits, started, completed;
};

/* A search query, page or outbound host of a site. */
struct item_rec {
	uint32_t site, key; /* key */
	uint32_t count, visits, zero, eng_n, eng_seen;
	uint32_t match_at;  /* pages: 0 = not matched yet, else index + 1 of the first hit in m->hits */
	uint32_t match_n;   /* pages: hits of the path */
	uint32_t flags;     /* pages: enum model_path_flag */
	uint32_t unnamed_errors; /* pages, model_add_path: field errors without a service */
	double lo, hi;
};

struct pair_rec {
	uint32_t item, visit; /* key = whole record */
};

struct fb_rec {
	uint32_t site, service; /* key */
	uint32_t counts[6];
};

struct field_rec {
	uint32_t site, service, field, error; /* key */
	uint32_t errors, flows;
};

/* weekly.csv: flows of a site and service started in one ISO week. */
struct week_rec {
	uint32_t site, service;
	int32_t monday; /* key ends here */
	uint32_t started, completed;
};

/* A service's funnel among the flows of one device. */
struct devfun_rec {
	uint32_t site, service, device; /* key ends here */
	uint32_t started, completed;
	uint32_t level[LEVEL_DONE + 1];
};

/* Flows of a site and service started on one local day (for changes.csv). */
struct sday_rec {
	uint32_t site, service;
	int32_t day; /* key ends here */
	uint32_t started, completed;
};

/* A service whose catalogue patterns match a page where a script error or rage click occurred. */
struct issue_svc_rec {
	uint32_t rage, key, site, service; /* key = whole record */
};

/* A catalogue pattern a path matched: a step (1..) or the confirmation page (0) of a service. */
struct model_hit {
	uint32_t service;   /* interned service key */
	uint32_t pattern;   /* catalog_pattern.id */
	uint32_t step;
};

struct model_time {
	uint32_t svc;
	double t;
};

#define KEY_OF(type, last_key_member) (offsetof(type, last_key_member) + sizeof(((type *)0)->last_key_member))

_Static_assert(KEY_OF(struct visit_rec, visit) == 16, "visit key is packed");
_Static_assert(KEY_OF(struct item_rec, key) == 2 * sizeof(uint32_t), "item key is packed");
_Static_assert(KEY_OF(struct week_rec, monday) == 3 * sizeof(uint32_t), "week key is packed");
_Static_assert(KEY_OF(struct devfun_rec, device) == 3 * sizeof(uint32_t), "device funnel key is packed");
_Static_assert(KEY_OF(struct sday_rec, day) == 3 * sizeof(uint32_t), "service day key is packed");

static void dayset_init(struct model_dayset *ds)
{
	ds->day = NO_DAY;
	tab_init(&ds->visits, KEY_OF(struct visit_rec, visit), sizeof(struct visit_rec));
	tab_init(&ds->query_visits, sizeof(struct pair_rec), sizeof(struct pair_rec));
	tab_init(&ds->path_visits, sizeof(struct pair_rec), sizeof(struct pair_rec));
	tab_init(&ds->host_visits, sizeof(struct pair_rec), sizeof(struct pair_rec));
	tab_init(&ds->script_visits, sizeof(struct pair_rec), sizeof(struct pair_rec));
	tab_init(&ds->rage_visits, sizeof(struct pair_rec), sizeof(struct pair_rec));
	flows_day_init(&ds->flows);
}

static void dayset_free(struct model_dayset *ds)
{
	tab_free(&ds->visits);
	tab_free(&ds->query_visits);
	tab_free(&ds->path_visits);
	tab_free(&ds->host_visits);
	tab_free(&ds->script_visits);
	tab_free(&ds->rage_visits);
	flows_day_free(&ds->flows);
}

int model_init(struct model *m, const struct model_config *cfg)
{
	memset(m, 0, sizeof *m);
	m->cfg = cfg;
	if (pool_init(&m->strings) != 0)
		return -1;
	for (int i = 0; i < MODEL_DAYSETS; i++)
		dayset_init(&m->daysets[i]);
	flows_init(&m->flows);
	tab_init(&m->fields, KEY_OF(struct field_rec, error), sizeof(struct field_rec));
	m->db_max_day = NO_DAY;
	tab_init(&m->step_names, KEY_OF(struct stepname_rec, name), sizeof(struct stepname_rec));
	tab_init(&m->services, KEY_OF(struct service_rec, service), sizeof(struct service_rec));
	tab_init(&m->days, KEY_OF(struct day_rec, day), sizeof(struct day_rec));
	tab_init(&m->devices, KEY_OF(struct device_rec, device), sizeof(struct device_rec));
	tab_init(&m->queries, KEY_OF(struct item_rec, key), sizeof(struct item_rec));
	tab_init(&m->paths, KEY_OF(struct item_rec, key), sizeof(struct item_rec));
	tab_init(&m->hosts, KEY_OF(struct item_rec, key), sizeof(struct item_rec));
	tab_init(&m->feedback, KEY_OF(struct fb_rec, service), sizeof(struct fb_rec));
	tab_init(&m->scripts, KEY_OF(struct item_rec, key), sizeof(struct item_rec));
	tab_init(&m->rages, KEY_OF(struct item_rec, key), sizeof(struct item_rec));
	tab_init(&m->issue_services, sizeof(struct issue_svc_rec), sizeof(struct issue_svc_rec));
	tab_init(&m->weeks, KEY_OF(struct week_rec, monday), sizeof(struct week_rec));
	tab_init(&m->device_funnels, KEY_OF(struct devfun_rec, device), sizeof(struct devfun_rec));
	tab_init(&m->service_days, KEY_OF(struct sday_rec, day), sizeof(struct sday_rec));
	m->min_day = INT64_MAX;
	m->max_day = INT64_MIN;
	if (pool_intern(&m->strings, "unknown", 7, &m->id_unknown) != 0 ||
	    pool_intern(&m->strings, "Start", 5, &m->id_start) != 0) {
		model_free(m);
		return -1;
	}
	return 0;
}

void model_free(struct model *m)
{
	struct model_result *r = &m->res;

	pool_free(&m->strings);
	for (int i = 0; i < MODEL_DAYSETS; i++)
		dayset_free(&m->daysets[i]);
	flows_free(&m->flows);
	tab_free(&m->fields);
	free(m->times);
	free(m->hits);
	free(m->completions);
	tab_free(&m->step_names);
	tab_free(&m->services);
	tab_free(&m->days);
	tab_free(&m->devices);
	tab_free(&m->queries);
	tab_free(&m->paths);
	tab_free(&m->hosts);
	tab_free(&m->feedback);
	tab_free(&m->scripts);
	tab_free(&m->rages);
	tab_free(&m->issue_services);
	tab_free(&m->weeks);
	tab_free(&m->device_funnels);
	tab_free(&m->service_days);
	free(r->sites);
	free(r->site_names);
	free(r->weeks);
	free(r->device_funnels);
	free(r->scripts);
	free(r->rages);
	free(r->issue_services);
	free(r->service_days);
	free(r->changes);
	causes_free(r->causes, r->ncauses);
	free(r->services);
	free(r->fields);
	free(r->searches);
	free(r->pages);
	free(r->outlinks);
	free(r->days);
	free(r->devices);
	free(r->feedback);
	for (size_t i = 0; i < r->nrejects; i++)
		free(r->rejects[i].reason);
	free(r->rejects);
	free(r->check.unused);
	free(r->check.unmatched);
	free(r->check.overlaps);
	free(r->times);
	free(r->total_times);
	memset(r, 0, sizeof *r);
}

/* Interns a text column; NULL interns as id 0 (""). */
static int intern(struct model *m, struct qstr s, uint32_t *id)
{
	if (s.s == NULL) {
		*id = 0;
		return 0;
	}
	return pool_intern(&m->strings, s.s, s.n, id);
}

static struct day_rec *day_of(struct model *m, uint32_t site, int64_t day)
{
	struct day_rec k;

	memset(&k, 0, sizeof k);
	k.site = site;
	k.day = (int32_t)day;
	return tab_get(&m->days, &k, NULL);
}

static struct device_rec *device_of(struct model *m, uint32_t site, uint32_t device)
{
	struct device_rec k;

	memset(&k, 0, sizeof k);
	k.site = site;
	k.device = device;
	return tab_get(&m->devices, &k, NULL);
}

static struct service_rec *service_of(struct model *m, uint32_t site, uint32_t service)
{
	struct service_rec k;

	memset(&k, 0, sizeof k);
	k.site = site;
	k.service = service;
	return tab_get(&m->services, &k, NULL);
}

/*
 * Counts an item (query, path, host) and, for a new (item, visit) pair in
 * the day's pairs, a visit. An event without a visit key (pairs NULL)
 * counts as a visit of its own.
 */
static int item_add(struct tab *items, struct tab *pairs, uint32_t site,
                    uint32_t key, uint32_t visit_idx, struct item_rec **out)
{
	struct item_rec k;
	struct pair_rec p;
	uint32_t idx, pidx;
	int created = 1;

	memset(&k, 0, sizeof k);
	k.site = site;
	k.key = key;
	if (tab_upsert(items, &k, &idx, NULL) != 0)
		return -1;
	if (pairs != NULL) {
		p.item = idx;
		p.visit = visit_idx;
		if (tab_upsert(pairs, &p, &pidx, &created) != 0)
			return -1;
	}
	*out = tab_at(items, idx);
	(*out)->count++;
	if (created)
		(*out)->visits++;
	return 0;
}

/* The record of (site, path) in m->paths, made when new (count 0). */
static struct item_rec *path_item(struct model *m, uint32_t site, struct qstr path)
{
	struct item_rec k;

	memset(&k, 0, sizeof k);
	k.site = site;
	if (intern(m, path, &k.key) != 0)
		return NULL;
	return tab_get(&m->paths, &k, NULL);
}

/* --- flows ----------------------------------------------------------------- */

/*
 * Counts a started flow (level: its highest step, LEVEL_DONE when
 * completed) into the week of its start, its device's funnel and, for
 * changes.csv, the day of its start. Returns 0 or -1 (out of memory).
 */
static int count_flow_groups(struct model *m, uint32_t site, uint32_t service, const struct flows_state *f,
                             unsigned level)
{
	int64_t start_day = tz_local_day(f->start);
	int done = level == LEVEL_DONE;
	struct week_rec wk, *w;
	struct devfun_rec dk, *df;

	memset(&wk, 0, sizeof wk);
	wk.site = site;
	wk.service = service;
	wk.monday = (int32_t)period_week_monday(start_day);
	if ((w = tab_get(&m->weeks, &wk, NULL)) == NULL)
		return -1;
	w->started++;
	w->completed += (uint32_t)done;
	memset(&dk, 0, sizeof dk);
	dk.site = site;
	dk.service = service;
	dk.device = f->device;
	if ((df = tab_get(&m->device_funnels, &dk, NULL)) == NULL)
		return -1;
	df->started++;
	df->completed += (uint32_t)done;
	df->level[level]++;
	if (m->cfg->changes != NULL) {
		struct sday_rec sk, *sd;

		memset(&sk, 0, sizeof sk);
		sk.site = site;
		sk.service = service;
		sk.day = (int32_t)start_day;
		if ((sd = tab_get(&m->service_days, &sk, NULL)) == NULL)
			return -1;
		sd->started++;
		sd->completed += (uint32_t)done;
	}
	return 0;
}

/*
 * flows_flow_fn: counts a finished flow into its service, days and device,
 * and keeps its time to complete. Flows without a start count nowhere.
 */
static int count_flow(void *ctx, uint32_t site, uint32_t service, const struct flows_state *f)
{
	struct model *m = ctx;
	struct service_rec *s;
	struct day_rec *d;
	struct device_rec *dv;
	unsigned level;
	int done;

	if (f->start == NO_TIME)
		return 0;
	done = f->complete != NO_TIME;
	level = done ? LEVEL_DONE : (f->max_step <= MODEL_MAX_STEP ? f->max_step : MODEL_MAX_STEP);
	if (count_flow_groups(m, site, service, f, level) != 0)
		return -1;
	s = service_of(m, site, service);
	if (s == NULL)
		return -1;
	s->started++;
	s->level[level]++;
	d = day_of(m, site, tz_local_day(f->start));
	if (d == NULL)
		return -1;
	d->started++;
	dv = device_of(m, site, f->device);
	if (dv == NULL)
		return -1;
	dv->started++;
	if (!done)
		return 0;
	s->completed++;
	dv->completed++;
	d = day_of(m, site, tz_local_day(f->complete));
	if (d == NULL)
		return -1;
	d->completed++;
	if (m->ntimes == m->cap_times) {
		size_t nc = m->cap_times ? m->cap_times * 2 : 256;
		struct model_time *nt = realloc(m->times, nc * sizeof *nt);

		if (nt == NULL)
			return -1;
		m->times = nt;
		m->cap_times = nc;
	}
	/* s is still valid: day_of and device_of touched other tables. */
	m->times[m->ntimes].svc = (uint32_t)(((unsigned char *)s - m->services.recs) / m->services.rec_size);
	m->times[m->ntimes].t = (double)(f->complete - f->start) / 1000.0;
	m->ntimes++;
	return 0;
}

/* flows_error_fn: counts the field errors of a finished flow into fields.csv's rows. */
static int count_error(void *ctx, uint32_t site, uint32_t service, const struct flows_state *f,
                       uint32_t field, uint32_t error, uint32_t count)
{
	struct model *m = ctx;
	struct field_rec k, *fr;
	struct service_rec *s;

	if (f->start == NO_TIME)
		return 0;
	memset(&k, 0, sizeof k);
	k.site = site;
	k.service = service;
	k.field = field;
	k.error = error;
	if ((fr = tab_get(&m->fields, &k, NULL)) == NULL)
		return -1;
	fr->errors += count;
	fr->flows++;
	s = service_of(m, site, service);
	if (s == NULL)
		return -1;
	s->field_errors += count;
	return 0;
}

/*
 * Adds a flow event of service (interned) for row r: to the service's step
 * totals, to the step names (step_name 0: none sent) and to its flow.
 */
static int flow_event(struct model *m, const struct query_row *r, uint32_t site, uint32_t service,
                      int64_t day, struct model_dayset *ds, const struct flows_event *ev,
                      uint32_t step_name)
{
	struct service_rec *svc = service_of(m, site, service);
	struct flows_key k;

	if (svc == NULL)
		return -1;
	if (ev->type == EVENT_FLOW_START) {
		svc->step_events[0]++;
	} else if (ev->type == EVENT_FLOW_COMPLETE) {
		svc->complete_events++;
	} else if (ev->type == EVENT_FLOW_STEP && ev->step >= 1 && ev->step <= MODEL_MAX_STEP) {
		svc->step_events[ev->step]++;
		if ((uint32_t)ev->step > svc->max_step_seen)
			svc->max_step_seen = (uint32_t)ev->step;
		if (step_name != 0) {
			struct stepname_rec sk, *sn;

			memset(&sk, 0, sizeof sk);
			sk.site = site;
			sk.service = service;
			sk.step = (uint32_t)ev->step;
			sk.name = step_name;
			if ((sn = tab_get(&m->step_names, &sk, NULL)) == NULL)
				return -1;
			sn->count++;
		}
	}
	memset(&k, 0, sizeof k);
	k.site = site;
	k.service = service;
	k.has_visit = r->has_visit;
	k.visit = r->visit;
	k.day = (int32_t)day;
	k.has_id = r->flow.s != NULL;
	if (k.has_id)
		k.id_hash = tab_hash(r->flow.s, r->flow.n);
	return flows_add(&m->flows, r->has_visit ? &ds->flows : NULL, &k, ev);
}

/* Adds a flow_* or field_error event that names its service. */
static int beacon_flow_event(struct model *m, const struct query_row *r, uint32_t site,
                             uint32_t device, int64_t day, struct model_dayset *ds)
{
	struct flows_event ev;
	uint32_t service, step_name = 0;

	memset(&ev, 0, sizeof ev);
	ev.count = 1;
	ev.type = r->type;
	ev.time_ms = r->time_ms;
	ev.device = device;
	ev.step = r->step;
	if (intern(m, r->service, &service) != 0 ||
	    (r->type == EVENT_FLOW_STEP && intern(m, r->step_name, &step_name) != 0) ||
	    (r->type == EVENT_FIELD_ERROR &&
	     (intern(m, r->field, &ev.field) != 0 || intern(m, r->error, &ev.error) != 0)))
		return -1;
	if (m->cfg->check_catalog && r->path.s != NULL) {
		struct item_rec *it = path_item(m, site, r->path);

		if (it == NULL)
			return -1;
		it->flags |= MODEL_PATH_MARKUP | (r->type == EVENT_FIELD_ERROR ? MODEL_PATH_FIELD_ERROR : 0);
	}
	return flow_event(m, r, site, service, day, ds, &ev, step_name);
}

/*
 * Matches the path of it against the catalogue once and keeps the hits in
 * m->hits (it->match_at, it->match_n). Returns 0 or -1 (out of memory).
 */
static int path_hits(struct model *m, uint32_t site, struct item_rec *it)
{
	struct catalog_hit hits[MAX_HITS_PER_PATH];
	const char *path = pool_str(&m->strings, it->key);
	size_t n = 0;
	int more;

	catalog_match(m->cfg->cat, pool_str(&m->strings, site), path, strlen(path), hits,
		      MAX_HITS_PER_PATH, &n, &more);
	if (m->nhits + n > m->cap_hits) {
		size_t nc = m->cap_hits ? m->cap_hits * 2 : 64;
		struct model_hit *nh;

		while (nc < m->nhits + n)
			nc *= 2;
		if (nc > TAB_MAX_RECORDS)
			return -1;
		nh = realloc(m->hits, nc * sizeof *nh);
		if (nh == NULL)
			return -1;
		m->hits = nh;
		m->cap_hits = nc;
	}
	it->match_at = (uint32_t)m->nhits + 1;
	it->match_n = (uint32_t)n;
	for (size_t i = 0; i < n; i++) {
		struct model_hit *h = &m->hits[m->nhits + i];
		const char *svc = hits[i].e->service;

		if (pool_intern(&m->strings, svc, strlen(svc), &h->service) != 0)
			return -1;
		h->pattern = hits[i].p->id;
		h->step = hits[i].p->step;
	}
	m->nhits += n;
	return 0;
}

/* A flow event the catalogue makes of a pageview or of a field error without a service. */
struct catalogue_event {
	uint32_t service;        /* interned */
	enum event_type type;    /* EVENT_FLOW_START, _STEP, _COMPLETE or _FIELD_ERROR */
	uint32_t step;           /* EVENT_FLOW_STEP */
};

/* Flow events one event may make: a start and a step, or one event, per hit. */
#define MAX_CATALOGUE_EVENTS (2 * MAX_HITS_PER_PATH)

/*
 * The flow events the catalogue hits of the path of it make of an event of
 * type (a pageview, or a field_error without a service), in order, into
 * out (MAX_CATALOGUE_EVENTS), *n of them: a pageview is flow_start
 * (step 1), flow_step (each step) and flow_complete (the confirmation
 * page) of the services; a field_error is an error of each service with a
 * step on that path. Hits of one service and step (alternatives) count
 * once; they lie next to each other. Returns 0 or -1 (out of memory).
 */
static int catalogue_events_of(struct model *m, uint32_t site, struct item_rec *it, enum event_type type,
                               struct catalogue_event *out, size_t *n)
{
	uint32_t at, nh, last_service = 0;

	*n = 0;
	if (it->match_at == 0 && path_hits(m, site, it) != 0)
		return -1;
	at = it->match_at - 1;
	nh = it->match_n;
	for (uint32_t i = 0; i < nh; i++) {
		const struct model_hit *h = &m->hits[at + i];

		if (i > 0 && h[-1].service == h->service && h[-1].step == h->step)
			continue;
		if (type == EVENT_FIELD_ERROR) {
			if (h->step == 0 || h->service == last_service)
				continue;
			last_service = h->service;
			out[(*n)++] = (struct catalogue_event){ h->service, EVENT_FIELD_ERROR, 0 };
		} else if (h->step == 0) {
			out[(*n)++] = (struct catalogue_event){ h->service, EVENT_FLOW_COMPLETE, 0 };
		} else {
			if (h->step == 1)
				out[(*n)++] = (struct catalogue_event){ h->service, EVENT_FLOW_START, 0 };
			out[(*n)++] = (struct catalogue_event){ h->service, EVENT_FLOW_STEP, h->step };
		}
	}
	assert(*n <= MAX_CATALOGUE_EVENTS);
	return 0;
}

/* Replays the catalogue's flow events of row r (a pageview, or a field_error without a service) on the path of it. */
static int catalogue_events(struct model *m, const struct query_row *r, uint32_t site, uint32_t device,
                            int64_t day, struct model_dayset *ds, struct item_rec *it)
{
	struct catalogue_event evs[MAX_CATALOGUE_EVENTS];
	struct flows_event ev;
	size_t n;

	if (catalogue_events_of(m, site, it, r->type, evs, &n) != 0)
		return -1;
	memset(&ev, 0, sizeof ev);
	ev.count = 1;
	ev.time_ms = r->time_ms;
	ev.device = device;
	if (r->type == EVENT_FIELD_ERROR &&
	    (intern(m, r->field, &ev.field) != 0 || intern(m, r->error, &ev.error) != 0))
		return -1;
	for (size_t i = 0; i < n; i++) {
		ev.type = evs[i].type;
		ev.step = evs[i].step;
		if (flow_event(m, r, site, evs[i].service, day, ds, &ev, 0) != 0)
			return -1;
	}
	return 0;
}

/*
 * Notes which services' catalogue patterns match the page of a script error
 * or rage click (rage 0 or 1, key its interned message or target), for the
 * services a cause touches. Returns 0 or -1.
 */
static int issue_services(struct model *m, uint32_t site, int rage, uint32_t key, struct qstr path)
{
	struct item_rec *it = path_item(m, site, path);

	if (it == NULL || (it->match_at == 0 && path_hits(m, site, it) != 0))
		return -1;
	for (uint32_t i = 0; i < it->match_n; i++) {
		struct issue_svc_rec k;
		uint32_t idx;

		k.rage = (uint32_t)rage;
		k.key = key;
		k.site = site;
		k.service = m->hits[it->match_at - 1 + i].service;
		if (tab_upsert(&m->issue_services, &k, &idx, NULL) != 0)
			return -1;
	}
	return 0;
}

/* Returns the site id of s, remembering the last one. */
static int site_id(struct model *m, struct qstr s, uint32_t *id)
{
	if (m->last_site != 0 && s.n < sizeof m->last_site_s &&
	    memcmp(m->last_site_s, s.s, s.n) == 0 && m->last_site_s[s.n] == '\0') {
		*id = m->last_site;
		return 0;
	}
	if (intern(m, s, id) != 0)
		return -1;
	m->last_site = 0;
	if (s.n < sizeof m->last_site_s && memchr(s.s, '\0', s.n) == NULL) {
		memcpy(m->last_site_s, s.s, s.n);
		m->last_site_s[s.n] = '\0';
		m->last_site = *id;
	}
	return 0;
}

/* Returns the local day of t, remembering the last day's bounds. */
static int64_t local_day(struct model *m, int64_t t)
{
	if (m->last_day_end > m->last_day_start && t >= m->last_day_start && t < m->last_day_end)
		return m->last_day;
	m->last_day = tz_local_day(t);
	m->last_day_start = tz_day_start_ms(m->last_day);
	m->last_day_end = tz_day_start_ms(m->last_day + 1);
	return m->last_day;
}

/*
 * Folds a day: counts its flows that met no flow id and their field
 * errors, then empties its sets. Returns 0 or -1 (out of memory).
 */
static int dayset_fold(struct model *m, struct model_dayset *ds)
{
	if (flows_day_fold(&m->flows, &ds->flows, count_flow, count_error, m) != 0)
		return -1;
	tab_clear(&ds->visits);
	tab_clear(&ds->query_visits);
	tab_clear(&ds->path_visits);
	tab_clear(&ds->host_visits);
	tab_clear(&ds->script_visits);
	tab_clear(&ds->rage_visits);
	ds->day = NO_DAY;
	m->last_visit_ok = 0;
	return 0;
}

/* Folds every day (end of a database, of the run) and forgets the database's days. */
static int fold_all(struct model *m)
{
	for (int i = 0; i < MODEL_DAYSETS; i++) {
		if (dayset_fold(m, &m->daysets[i]) != 0)
			return -1;
	}
	m->db_max_day = NO_DAY;
	return 0;
}

/*
 * Finds the sets of the keyed row r's local day (OUT *out), opening them when
 * new and folding the days two or more before it; *out is NULL (and
 * m->out_of_order set) when that day was folded already. Open days lie in
 * (db_max_day - 2, db_max_day], days up to db_max_day - 2 are folded, so a
 * new day always finds a free set. Returns 0, or -1 when out of memory.
 */
static int dayset_of(struct model *m, const struct query_row *r, int64_t day,
                     struct model_dayset **out)
{
	struct model_dayset *ds = NULL;

	*out = NULL;
	if (m->all_days) {
		*out = &m->daysets[0];
		return 0;
	}
	if (r->db != m->cur_db) {
		if (fold_all(m) != 0)
			return -1;
		m->cur_db = r->db;
	}
	for (int i = 0; i < MODEL_DAYSETS; i++) {
		if (m->daysets[i].day == day) {
			*out = &m->daysets[i];
			return 0;
		}
	}
	if (day + 2 <= m->db_max_day) {
		m->out_of_order = 1; /* folded already */
		return 0;
	}
	if (day > m->db_max_day) {
		m->db_max_day = day;
		for (int i = 0; i < MODEL_DAYSETS; i++) {
			if (m->daysets[i].day != NO_DAY && m->daysets[i].day + 2 <= day &&
			    dayset_fold(m, &m->daysets[i]) != 0)
				return -1;
		}
	}
	for (int i = 0; i < MODEL_DAYSETS && ds == NULL; i++) {
		if (m->daysets[i].day == NO_DAY)
			ds = &m->daysets[i];
	}
	assert(ds != NULL);
	ds->day = day;
	*out = ds;
	return 0;
}

/* Counts the visit of row r (when keyed and new) and returns its index in the day's visits. */
static int visit_of(struct model *m, const struct query_row *r, uint32_t site, uint32_t device,
                    int64_t day, struct model_dayset *ds, struct day_rec *d, uint32_t *visit_idx)
{
	struct visit_rec vk;
	int created;

	if (m->last_visit_ok && m->last_visit == r->visit && m->last_visit_day == (int32_t)day &&
	    m->last_visit_site == site) {
		*visit_idx = m->last_visit_idx; /* same visit as the previous event: nothing new */
		return 0;
	}
	memset(&vk, 0, sizeof vk);
	vk.site = site;
	vk.day = (int32_t)day;
	vk.visit = r->visit;
	if (tab_upsert(&ds->visits, &vk, visit_idx, &created) != 0)
		return -1;
	m->last_visit_ok = 1;
	m->last_visit = r->visit;
	m->last_visit_day = (int32_t)day;
	m->last_visit_site = site;
	m->last_visit_idx = *visit_idx;
	if (created) {
		struct device_rec *dv = device_of(m, site, device);

		if (dv == NULL)
			return -1;
		/* d stays valid: the devices table is separate, days is not touched. */
		m->visits++;
		d->visits++;
		dv->visits++;
	}
	return 0;
}

int model_add(void *ctx, const struct query_row *r)
{
	struct model *m = ctx;
	struct day_rec *d;
	struct item_rec *it;
	struct model_dayset *ds = NULL;
	uint32_t site, device, visit_idx = 0;
	int64_t day;

	if (m->out_of_order)
		return 0; /* the caller reads everything again */
	day = local_day(m, r->time_ms);
	if (r->has_visit) {
		if (dayset_of(m, r, day, &ds) != 0)
			return -1;
		if (ds == NULL)
			return 0; /* out of order: the caller reads everything again */
	}
	if (site_id(m, r->site, &site) != 0)
		return -1;
	if (r->device.s != NULL && r->device.n > 0) {
		if (intern(m, r->device, &device) != 0)
			return -1;
	} else {
		device = m->id_unknown;
	}
	m->events++;
	if (day < m->min_day)
		m->min_day = day;
	if (day > m->max_day)
		m->max_day = day;
	d = day_of(m, site, day);
	if (d == NULL)
		return -1;
	if (r->has_visit && visit_of(m, r, site, device, day, ds, d, &visit_idx) != 0)
		return -1;
	switch (r->type) {
	case EVENT_PAGEVIEW: {
		uint32_t path;

		d->pageviews++;
		if (intern(m, r->path, &path) != 0 ||
		    item_add(&m->paths, ds ? &ds->path_visits : NULL, site, path, visit_idx, &it) != 0)
			return -1;
		if (m->cfg->cat != NULL && catalogue_events(m, r, site, device, day, ds, it) != 0)
			return -1;
		break;
	}
	case EVENT_ENGAGEMENT:
		if (r->ms == EVENT_NO_INT)
			break;
		if ((it = path_item(m, site, r->path)) == NULL)
			return -1;
		it->eng_n++;
		break;
	case EVENT_SEARCH: {
		uint32_t q;

		if (r->q.s == NULL)
			break;
		if (intern(m, r->q, &q) != 0 ||
		    item_add(&m->queries, ds ? &ds->query_visits : NULL, site, q, visit_idx, &it) != 0)
			return -1;
		if (r->results == 0)
			it->zero++;
		break;
	}
	case EVENT_OUTLINK: {
		struct qstr host = r->href;
		uint32_t h;
		const char *slash;

		if (host.s == NULL)
			break;
		slash = memchr(host.s, '/', host.n);
		if (slash != NULL)
			host.n = (size_t)(slash - host.s);
		if (intern(m, host, &h) != 0 ||
		    item_add(&m->hosts, ds ? &ds->host_visits : NULL, site, h, visit_idx, &it) != 0)
			return -1;
		break;
	}
	case EVENT_FEEDBACK: {
		struct fb_rec k, *fb;

		if (r->rating < 1 || r->rating > 5)
			break;
		memset(&k, 0, sizeof k);
		k.site = site;
		if (intern(m, r->service, &k.service) != 0 || (fb = tab_get(&m->feedback, &k, NULL)) == NULL)
			return -1;
		fb->counts[r->rating]++;
		if (k.service != 0 && service_of(m, site, k.service) == NULL)
			return -1;
		break;
	}
	case EVENT_JS_ERROR:
	case EVENT_RAGE_CLICK: {
		int rage = r->type == EVENT_RAGE_CLICK;
		uint32_t key;

		if ((rage ? r->target.s : r->message.s) == NULL)
			break;
		if (intern(m, rage ? r->target : r->message, &key) != 0 ||
		    item_add(rage ? &m->rages : &m->scripts,
			     ds ? (rage ? &ds->rage_visits : &ds->script_visits) : NULL, site, key, visit_idx, &it) != 0)
			return -1;
		if (m->cfg->cat != NULL && r->path.s != NULL && issue_services(m, site, rage, key, r->path) != 0)
			return -1;
		break;
	}
	case EVENT_FIELD_ERROR:
		if (r->service.s == NULL) {
			/* The service is the one whose step pattern the page's path matches. */
			if (m->cfg->cat == NULL || r->path.s == NULL)
				break;
			if ((it = path_item(m, site, r->path)) == NULL)
				return -1;
			it->flags |= MODEL_PATH_FIELD_ERROR;
			if (catalogue_events(m, r, site, device, day, ds, it) != 0)
				return -1;
			break;
		}
		/* fall through */
	case EVENT_FLOW_START:
	case EVENT_FLOW_STEP:
	case EVENT_FLOW_COMPLETE:
	case EVENT_FLOW_ABORT:
		if (r->service.s != NULL && beacon_flow_event(m, r, site, device, day, ds) != 0)
			return -1;
		break;
	default:
		break;
	}
	return 0;
}

int model_engagement(void *ctx, struct qstr site, struct qstr path, int64_t ms)
{
	struct model *m = ctx;
	struct item_rec k, *it;
	uint32_t idx;

	memset(&k, 0, sizeof k);
	if (site.s == NULL || path.s == NULL ||
	    pool_lookup(&m->strings, site.s, site.n, &k.site) != 0 ||
	    pool_lookup(&m->strings, path.s, path.n, &k.key) != 0 ||
	    tab_find(&m->paths, &k, &idx) != 0)
		return 0;
	it = tab_at(&m->paths, idx);
	if (it->eng_n == 0)
		return 0;
	if (it->eng_seen == (it->eng_n - 1) / 2)
		it->lo = (double)ms;
	if (it->eng_seen == it->eng_n / 2)
		it->hi = (double)ms;
	it->eng_seen++;
	return 0;
}

int model_reject(void *ctx, const char *reason, int64_t count)
{
	struct model *m = ctx;
	struct model_result *r = &m->res;
	struct model_reject *nr = realloc(r->rejects, (r->nrejects + 1) * sizeof *nr);

	if (nr == NULL)
		return -1;
	r->rejects = nr;
	nr[r->nrejects].reason = strdup(reason);
	if (nr[r->nrejects].reason == NULL)
		return -1;
	nr[r->nrejects].count = count;
	r->nrejects++;
	return 0;
}

/* --- rows a database aggregated (chquery.c) --------------------------------- */

/* A completion of a fragment, replayed by model_finish after every start (see model_add_fragment). */
struct model_completion {
	struct flows_key k;
	int64_t t;
};

/* The interned device of a text column: NULL or "" is "unknown", as model_add has it. */
static int device_id(struct model *m, struct qstr device, uint32_t *id)
{
	if (device.s == NULL || device.n == 0) {
		*id = m->id_unknown;
		return 0;
	}
	return intern(m, device, id);
}

int model_add_day(struct model *m, struct qstr site, int64_t day, uint64_t events, uint32_t visits,
                  uint32_t pageviews)
{
	struct day_rec *d;
	uint32_t sid;

	if (site.s == NULL || events == 0)
		return 0;
	if (site_id(m, site, &sid) != 0 || (d = day_of(m, sid, day)) == NULL)
		return -1;
	d->visits += visits;
	d->pageviews += pageviews;
	m->events += events;
	m->visits += visits;
	if (day < m->min_day)
		m->min_day = day;
	if (day > m->max_day)
		m->max_day = day;
	return 0;
}

int model_add_device_visits(struct model *m, struct qstr site, struct qstr device, uint32_t visits)
{
	struct device_rec *dv;
	uint32_t sid, did;

	if (site.s == NULL)
		return 0;
	if (site_id(m, site, &sid) != 0 || device_id(m, device, &did) != 0 || (dv = device_of(m, sid, did)) == NULL)
		return -1;
	dv->visits += visits;
	return 0;
}

int model_add_item(struct model *m, enum model_item_kind kind, struct qstr site, struct qstr key, uint32_t count,
                   uint32_t visits, uint32_t zero)
{
	struct tab *items = kind == MODEL_SEARCHES ? &m->queries : kind == MODEL_OUTLINKS ? &m->hosts :
	                    kind == MODEL_SCRIPTS ? &m->scripts : &m->rages;
	struct item_rec k, *it;

	if (site.s == NULL || key.s == NULL)
		return 0;
	memset(&k, 0, sizeof k);
	if (site_id(m, site, &k.site) != 0 || intern(m, key, &k.key) != 0 || (it = tab_get(items, &k, NULL)) == NULL)
		return -1;
	it->count += count;
	it->visits += visits;
	it->zero += zero;
	return 0;
}

int model_add_path(struct model *m, const struct model_path_row *p)
{
	struct item_rec *it;
	uint32_t sid;

	if (p->site.s == NULL || p->path.s == NULL)
		return 0;
	if (site_id(m, p->site, &sid) != 0 || (it = path_item(m, sid, p->path)) == NULL)
		return -1;
	it->count += p->pageviews;
	it->visits += p->visits;
	it->unnamed_errors += p->unnamed_errors;
	if (p->eng_n > 0) {
		assert(it->eng_n == 0); /* one row per path */
		it->eng_n = p->eng_n;
		it->lo = (double)p->eng_lo_ms;
		it->hi = (double)p->eng_hi_ms;
	}
	it->flags |= p->flags;
	return 0;
}

int model_add_feedback(struct model *m, struct qstr site, struct qstr service, int64_t rating, uint32_t count)
{
	struct fb_rec k, *fb;

	if (site.s == NULL || rating < 1 || rating > 5)
		return 0;
	memset(&k, 0, sizeof k);
	if (site_id(m, site, &k.site) != 0 || intern(m, service, &k.service) != 0 ||
	    (fb = tab_get(&m->feedback, &k, NULL)) == NULL)
		return -1;
	fb->counts[rating] += count;
	if (k.service != 0 && service_of(m, k.site, k.service) == NULL)
		return -1;
	return 0;
}

int model_add_issue_path(struct model *m, struct qstr site, int rage, struct qstr key, struct qstr path)
{
	uint32_t sid, kid;

	if (m->cfg->cat == NULL || site.s == NULL || key.s == NULL || path.s == NULL)
		return 0;
	if (site_id(m, site, &sid) != 0 || intern(m, key, &kid) != 0)
		return -1;
	return issue_services(m, sid, rage, kid, path);
}

int model_add_flow_events(struct model *m, struct qstr site, struct qstr service, enum event_type type,
                          int64_t step, uint32_t count)
{
	struct service_rec *svc;
	uint32_t sid, vid;

	if (site.s == NULL || service.s == NULL)
		return 0;
	if (site_id(m, site, &sid) != 0 || intern(m, service, &vid) != 0 || (svc = service_of(m, sid, vid)) == NULL)
		return -1;
	if (type == EVENT_FLOW_START) {
		svc->step_events[0] += count;
	} else if (type == EVENT_FLOW_COMPLETE) {
		svc->complete_events += count;
	} else if (type == EVENT_FLOW_STEP && step >= 1 && step <= MODEL_MAX_STEP) {
		svc->step_events[step] += count;
		if ((uint32_t)step > svc->max_step_seen)
			svc->max_step_seen = (uint32_t)step;
	}
	return 0;
}

int model_add_step_name(struct model *m, struct qstr site, struct qstr service, int64_t step, struct qstr name,
                        uint32_t count)
{
	struct stepname_rec k, *sn;

	if (site.s == NULL || service.s == NULL || name.s == NULL || step < 1 || step > MODEL_MAX_STEP)
		return 0;
	memset(&k, 0, sizeof k);
	k.step = (uint32_t)step;
	if (site_id(m, site, &k.site) != 0 || intern(m, service, &k.service) != 0 || intern(m, name, &k.name) != 0 ||
	    (sn = tab_get(&m->step_names, &k, NULL)) == NULL)
		return -1;
	sn->count += count;
	return 0;
}

/* Keeps a completion of key k for model_finish. Returns 0 or -1. */
static int keep_completion(struct model *m, const struct flows_key *k, int64_t t)
{
	struct model_completion *c = tab_grow(m->completions, &m->cap_completions, m->ncompletions,
	                                      sizeof *m->completions, 256);

	if (c == NULL)
		return -1;
	m->completions = c;
	m->completions[m->ncompletions].k = *k;
	m->completions[m->ncompletions].t = t;
	m->ncompletions++;
	return 0;
}

/*
 * A fragment's start, highest step and link of its keys go to flows.h at
 * once; its completions are kept and replayed when every start is in
 * (replay_completions), so that the first completion at or after a flow's
 * first start is found exactly, whatever the order of the fragments.
 */
int model_add_fragment(struct model *m, const struct model_fragment *f)
{
	struct model_dayset *ds = &m->daysets[0];
	struct flows_key k;
	struct flows_event ev;

	assert(m->all_days); /* one set of visit nodes for all days: fragments come in any order */
	if (f->site.s == NULL || f->service.s == NULL || (!f->has_visit && f->flow.s == NULL))
		return 0;
	memset(&k, 0, sizeof k);
	memset(&ev, 0, sizeof ev);
	if (site_id(m, f->site, &k.site) != 0 || intern(m, f->service, &k.service) != 0)
		return -1;
	k.has_visit = f->has_visit;
	k.visit = f->visit;
	k.day = f->has_visit ? (int32_t)f->day : 0;
	k.has_id = f->flow.s != NULL;
	if (k.has_id)
		k.id_hash = tab_hash(f->flow.s, f->flow.n);
	if (f->error_count > 0) {
		ev.type = EVENT_FIELD_ERROR;
		ev.count = f->error_count;
		if (intern(m, f->field, &ev.field) != 0 || intern(m, f->error, &ev.error) != 0)
			return -1;
		return flows_add(&m->flows, f->has_visit ? &ds->flows : NULL, &k, &ev);
	}
	/* An abort changes no state: it links the fragment's keys when it has no start. */
	ev.type = f->starts > 0 ? EVENT_FLOW_START : EVENT_FLOW_ABORT;
	ev.time_ms = f->first_start;
	if (device_id(m, f->device, &ev.device) != 0 ||
	    flows_add(&m->flows, f->has_visit ? &ds->flows : NULL, &k, &ev) != 0)
		return -1;
	if (f->max_step > 0) {
		ev.type = EVENT_FLOW_STEP;
		ev.step = f->max_step;
		if (flows_add(&m->flows, f->has_visit ? &ds->flows : NULL, &k, &ev) != 0)
			return -1;
	}
	for (size_t i = 0; i < f->ncompletes; i++) {
		if (keep_completion(m, &k, f->completes[i]) != 0)
			return -1;
	}
	return 0;
}

/* Gives flows.h the completions model_add_fragment kept. Returns 0 or -1. */
static int replay_completions(struct model *m)
{
	struct flows_event ev;

	memset(&ev, 0, sizeof ev);
	ev.type = EVENT_FLOW_COMPLETE;
	for (size_t i = 0; i < m->ncompletions; i++) {
		const struct model_completion *c = &m->completions[i];

		ev.time_ms = c->t;
		if (flows_add(&m->flows, c->k.has_visit ? &m->daysets[0].flows : NULL, &c->k, &ev) != 0)
			return -1;
	}
	free(m->completions);
	m->completions = NULL;
	m->ncompletions = m->cap_completions = 0;
	return 0;
}

/* Adds count catalogue events ev of the path's site to its service's step totals, as flow_event does. */
static int catalogue_totals(struct model *m, uint32_t site, const struct catalogue_event *ev, uint32_t count)
{
	struct service_rec *svc = service_of(m, site, ev->service);

	if (svc == NULL)
		return -1;
	if (ev->type == EVENT_FLOW_START) {
		svc->step_events[0] += count;
	} else if (ev->type == EVENT_FLOW_COMPLETE) {
		svc->complete_events += count;
	} else if (ev->type == EVENT_FLOW_STEP && ev->step >= 1 && ev->step <= MODEL_MAX_STEP) {
		svc->step_events[ev->step] += count;
		if (ev->step > svc->max_step_seen)
			svc->max_step_seen = ev->step;
	}
	return 0;
}

int model_catalogue_mapping(struct model *m, model_mapping_fn fn, void *ctx)
{
	static const enum event_type sources[2] = { EVENT_PAGEVIEW, EVENT_FIELD_ERROR };
	struct catalogue_event evs[MAX_CATALOGUE_EVENTS];

	if (m->cfg->cat == NULL)
		return 0;
	for (uint32_t i = 0; i < m->paths.n; i++) {
		for (int s = 0; s < 2; s++) {
			struct item_rec *it = tab_at(&m->paths, i);
			uint32_t count = sources[s] == EVENT_PAGEVIEW ? it->count : it->unnamed_errors;
			uint32_t site = it->site, path = it->key;
			size_t n;

			if (count == 0)
				continue;
			if (catalogue_events_of(m, site, it, sources[s], evs, &n) != 0)
				return -1;
			for (size_t k = 0; k < n; k++) {
				/* service_of may move the records of m->services, never those of m->paths. */
				if (catalogue_totals(m, site, &evs[k], count) != 0 ||
				    fn(ctx, pool_str(&m->strings, site), pool_str(&m->strings, path), sources[s],
				       pool_str(&m->strings, evs[k].service), evs[k].type, evs[k].step) != 0)
					return -1;
			}
		}
	}
	return 0;
}

/* --- finishing ------------------------------------------------------------ */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_service(const void *a, const void *b)
{
	const struct model_service *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	return c ? c : strcmp(x->service, y->service);
}

static int cmp_timed(const void *a, const void *b)
{
	const struct model_time *x = a, *y = b;

	if (x->svc != y->svc)
		return x->svc < y->svc ? -1 : 1;
	return x->t < y->t ? -1 : x->t > y->t;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/*
 * The period's services as one row: started, completed and field errors
 * summed, the ratings of all feedback (named or not), every completion time
 * in one sorted array. After finish_services and the feedback.
 */
static int finish_total(struct model *m)
{
	struct model_result *r = &m->res;
	struct model_service *t = &r->total;

	memset(t, 0, sizeof *t);
	t->site = t->service = t->name = t->category = "";
	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *s = &r->services[i];

		t->started += s->started;
		t->completed += s->completed;
		t->field_errors += s->field_errors;
	}
	for (size_t i = 0; i < r->nfeedback; i++)
		for (int k = 1; k <= 5; k++)
			t->ratings[k] += r->feedback[i].counts[k];
	for (int k = 1; k <= 5; k++)
		t->ratings_n += t->ratings[k];
	/* r->times holds every completion time (grouped by service): one per completed flow. */
	r->total_times = malloc((t->completed ? t->completed : 1) * sizeof *r->total_times);
	if (r->total_times == NULL)
		return -1;
	memcpy(r->total_times, r->times, t->completed * sizeof *r->total_times);
	if (t->completed > 1)
		qsort(r->total_times, t->completed, sizeof *r->total_times, cmp_double);
	t->times = r->total_times;
	return 0;
}

static int cmp_field(const void *a, const void *b)
{
	const struct model_field *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	if (c == 0)
		c = strcmp(x->service, y->service);
	if (c == 0 && x->flows != y->flows)
		c = x->flows > y->flows ? -1 : 1;
	if (c == 0 && x->errors != y->errors)
		c = x->errors > y->errors ? -1 : 1;
	if (c == 0)
		c = strcmp(x->field, y->field);
	return c ? c : strcmp(x->error, y->error);
}

static int cmp_item(const void *a, const void *b)
{
	const struct model_item *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	if (c == 0 && x->count != y->count)
		c = x->count > y->count ? -1 : 1;
	return c ? c : strcmp(x->key, y->key);
}

static int cmp_day(const void *a, const void *b)
{
	const struct model_day *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	return c ? c : (x->day > y->day) - (x->day < y->day);
}

static int cmp_device(const void *a, const void *b)
{
	const struct model_device *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	return c ? c : strcmp(x->device, y->device);
}

static int cmp_feedback(const void *a, const void *b)
{
	const struct model_feedback *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	return c ? c : strcmp(x->service, y->service);
}

/* Lists fields.csv's rows (after every flow is counted). Returns 0 or -1. */
static int finish_fields(struct model *m)
{
	struct model_result *r = &m->res;

	r->fields = calloc(m->fields.n ? m->fields.n : 1, sizeof *r->fields);
	if (r->fields == NULL)
		return -1;
	for (uint32_t i = 0; i < m->fields.n; i++) {
		struct field_rec *fr = tab_at(&m->fields, i);
		struct model_field *o = &r->fields[i];

		o->site = pool_str(&m->strings, fr->site);
		o->service = pool_str(&m->strings, fr->service);
		o->field = pool_str(&m->strings, fr->field);
		o->error = pool_str(&m->strings, fr->error);
		o->errors = fr->errors;
		o->flows = fr->flows;
	}
	r->nfields = m->fields.n;
	qsort(r->fields, r->nfields, sizeof *r->fields, cmp_field);
	return 0;
}

/* Picks each step's most-sent name (ties: the smaller string). */
static void pick_step_names(struct model *m, const uint32_t *svc_of_rec)
{
	for (uint32_t i = 0; i < m->step_names.n; i++) {
		struct stepname_rec *sn = tab_at(&m->step_names, i);
		struct service_rec k;
		uint32_t idx;
		struct model_service *o;
		const char *name = pool_str(&m->strings, sn->name);

		memset(&k, 0, sizeof k);
		k.site = sn->site;
		k.service = sn->service;
		if (tab_find(&m->services, &k, &idx) != 0)
			continue;
		o = &m->res.services[svc_of_rec[idx]];
		/* The counts live beside the names: compare against the current best. */
		if (o->step_name[sn->step] == NULL) {
			o->step_name[sn->step] = name;
			o->reached[sn->step] = sn->count; /* temporary: best count */
		} else if (sn->count > o->reached[sn->step] ||
			   (sn->count == o->reached[sn->step] && strcmp(name, o->step_name[sn->step]) < 0)) {
			o->step_name[sn->step] = name;
			o->reached[sn->step] = sn->count;
		}
	}
}

static int finish_services(struct model *m)
{
	const struct catalog *cat = m->cfg->cat;
	struct model_result *r = &m->res;
	struct model_time *times = m->times;
	size_t ntimes = m->ntimes;
	uint32_t *out_of = NULL;
	int rc = -1;

	r->nservices = m->services.n;
	r->services = calloc(r->nservices ? r->nservices : 1, sizeof *r->services);
	out_of = calloc(r->nservices ? r->nservices : 1, sizeof *out_of);
	if (r->services == NULL || out_of == NULL)
		goto out;
	for (uint32_t i = 0; i < m->services.n; i++) {
		struct service_rec *s = tab_at(&m->services, i);
		struct model_service *o = &r->services[i];

		o->site = pool_str(&m->strings, s->site);
		o->service = pool_str(&m->strings, s->service);
		o->started = s->started;
		o->completed = s->completed;
		o->field_errors = s->field_errors;
		o->nsteps = s->max_step_seen;
		memcpy(o->step_events, s->step_events, sizeof o->step_events);
		o->complete_events = s->complete_events;
	}
	/* Sort, then find each record's new position through its (site, service) strings. */
	qsort(r->services, r->nservices, sizeof *r->services, cmp_service);
	for (uint32_t i = 0; i < m->services.n; i++) {
		struct service_rec *s = tab_at(&m->services, i);
		struct model_service key, *hit;

		key.site = pool_str(&m->strings, s->site);
		key.service = pool_str(&m->strings, s->service);
		hit = bsearch(&key, r->services, r->nservices, sizeof *r->services, cmp_service);
		out_of[i] = (uint32_t)(hit - r->services);
	}
	pick_step_names(m, out_of);
	for (uint32_t i = 0; i < m->services.n; i++) {
		struct service_rec *s = tab_at(&m->services, i);
		struct model_service *o = &r->services[out_of[i]];
		const struct catalog_entry *e = catalog_find(cat, o->site, o->service);
		uint32_t acc = 0;

		o->name = o->service;
		o->category = "";
		if (e != NULL) {
			o->name = e->name[0] ? e->name : o->service;
			o->category = e->category;
			if (e->nsteps > o->nsteps)
				o->nsteps = (uint32_t)e->nsteps;
			for (size_t k = 0; k < e->nsteps; k++) {
				if (e->steps[k][0] != '\0')
					o->step_name[k + 1] = e->steps[k];
			}
		}
		o->step_name[0] = pool_str(&m->strings, m->id_start);
		for (uint32_t k = 1; k <= o->nsteps; k++) {
			if (o->step_name[k] == NULL)
				o->step_name[k] = "";
		}
		/* reached[s] = flows whose level is at least s; completed reach all. */
		acc = s->level[LEVEL_DONE];
		for (int k = MODEL_MAX_STEP; k >= 0; k--) {
			acc += s->level[k];
			o->reached[k] = (uint32_t)k <= o->nsteps ? acc : 0;
		}
	}
	/* Times to complete, grouped by output row and sorted. */
	for (size_t i = 0; i < ntimes; i++)
		times[i].svc = out_of[times[i].svc];
	if (ntimes > 1)
		qsort(times, ntimes, sizeof *times, cmp_timed);
	r->times = malloc((ntimes ? ntimes : 1) * sizeof *r->times);
	if (r->times == NULL)
		goto out;
	for (size_t i = 0; i < ntimes; i++) {
		r->times[i] = times[i].t;
		if (i == 0 || times[i].svc != times[i - 1].svc)
			r->services[times[i].svc].times = &r->times[i];
	}
	free(m->times); /* copied into r->times */
	m->times = NULL;
	m->ntimes = m->cap_times = 0;
	rc = 0;
out:
	free(out_of);
	return rc;
}

/*
 * Lists items per site: those with at least min_count visits, then one
 * "(weitere)" row (key NULL) summing the rest when there are any.
 */
static int finish_items(struct model *m, const struct tab *items, unsigned min_count,
                        struct model_item **out, size_t *nout)
{
	struct model_item *all = calloc(items->n + 1, sizeof *all), *res;
	size_t n = 0;

	*out = NULL;
	*nout = 0;
	if (all == NULL)
		return -1;
	res = calloc(items->n + m->res.nsites + 1, sizeof *res);
	if (res == NULL) {
		free(all);
		return -1;
	}
	for (uint32_t i = 0; i < items->n; i++) {
		struct item_rec *it = tab_at(items, i);

		if (it->count == 0 && it->eng_n == 0)
			continue;
		all[n].site = pool_str(&m->strings, it->site);
		all[n].key = pool_str(&m->strings, it->key);
		all[n].count = it->count;
		all[n].visits = it->visits;
		all[n].zero = it->zero;
		all[n].median_engaged_s = it->eng_n ? (it->lo + it->hi) / 2.0 / 1000.0 : NAN;
		n++;
	}
	qsort(all, n, sizeof *all, cmp_item);
	for (size_t i = 0; i < n;) {
		size_t j = i;
		struct model_item rest;
		int any_rest = 0;

		memset(&rest, 0, sizeof rest);
		rest.site = all[i].site;
		rest.median_engaged_s = NAN;
		while (j < n && strcmp(all[j].site, all[i].site) == 0) {
			if (all[j].visits >= min_count && all[j].count > 0) {
				res[(*nout)++] = all[j];
			} else if (all[j].count > 0) {
				rest.count += all[j].count;
				rest.visits += all[j].visits;
				rest.zero += all[j].zero;
				any_rest = 1;
			}
			j++;
		}
		if (any_rest)
			res[(*nout)++] = rest;
		i = j;
	}
	free(all);
	*out = res;
	return 0;
}

static int finish_days(struct model *m)
{
	struct model_result *r = &m->res;
	int64_t span = m->max_day >= m->min_day ? m->max_day - m->min_day + 1 : 0;
	int dense = span > 0 && span <= MAX_DAILY_SPAN;
	size_t cap = dense ? (size_t)span * r->nsites : m->days.n;

	r->days = calloc(cap ? cap : 1, sizeof *r->days);
	if (r->days == NULL)
		return -1;
	if (dense) {
		for (size_t s = 0; s < r->nsites; s++) {
			uint32_t site;

			if (pool_lookup(&m->strings, r->sites[s], strlen(r->sites[s]), &site) != 0)
				continue;
			for (int64_t d = m->min_day; d <= m->max_day; d++) {
				struct day_rec k;
				struct model_day *o = &r->days[r->ndays++];
				uint32_t idx;

				memset(&k, 0, sizeof k);
				k.site = site;
				k.day = (int32_t)d;
				o->site = r->sites[s];
				o->day = d;
				if (tab_find(&m->days, &k, &idx) == 0) {
					struct day_rec *dr = tab_at(&m->days, idx);

					o->visits = dr->visits;
					o->pageviews = dr->pageviews;
					o->started = dr->started;
					o->completed = dr->completed;
				}
			}
		}
		return 0;
	}
	for (uint32_t i = 0; i < m->days.n; i++) {
		struct day_rec *dr = tab_at(&m->days, i);
		struct model_day *o = &r->days[r->ndays++];

		o->site = pool_str(&m->strings, dr->site);
		o->day = dr->day;
		o->visits = dr->visits;
		o->pageviews = dr->pageviews;
		o->started = dr->started;
		o->completed = dr->completed;
	}
	qsort(r->days, r->ndays, sizeof *r->days, cmp_day);
	return 0;
}

static int finish_sites(struct model *m)
{
	struct model_result *r = &m->res;
	struct tab seen;
	int rc = -1;

	tab_init(&seen, 4, 4);
	r->sites = calloc(m->days.n + 1, sizeof *r->sites);
	if (r->sites == NULL)
		goto out;
	for (uint32_t i = 0; i < m->days.n; i++) {
		struct day_rec *d = tab_at(&m->days, i);
		uint32_t idx;
		int created;

		if (tab_upsert(&seen, &d->site, &idx, &created) != 0)
			goto out;
		if (created)
			r->sites[r->nsites++] = pool_str(&m->strings, d->site);
	}
	qsort(r->sites, r->nsites, sizeof *r->sites, cmp_str);
	rc = 0;
out:
	tab_free(&seen);
	return rc;
}


/* Orders path notes by site, most pageviews first, then path. */
static int cmp_note(const void *a, const void *b)
{
	const struct model_path_note *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	if (c == 0 && x->pageviews != y->pageviews)
		c = x->pageviews > y->pageviews ? -1 : 1;
	return c ? c : strcmp(x->path, y->path);
}

/* Adds a pattern that matched no pageview of site to the check. Returns 0 or -1. */
static int add_unused(struct model_check *c, size_t *cap, const char *site,
                      const struct catalog_entry *e, const struct catalog_pattern *p)
{
	struct model_unused_pattern *nu = tab_grow(c->unused, cap, c->nunused, sizeof *nu, 32);

	if (nu == NULL)
		return -1;
	c->unused = nu;
	c->unused[c->nunused].site = site;
	c->unused[c->nunused].entry = e;
	c->unused[c->nunused].pattern = p;
	c->nunused++;
	return 0;
}

/*
 * The catalogue check (after finish_sites): which patterns matched no
 * pageview of a site they apply to, which form-looking paths no pattern
 * matched, and which paths several services or steps match. Returns 0 or -1.
 */
static int finish_check(struct model *m)
{
	const struct catalog *cat = m->cfg->cat;
	struct model_check *c = &m->res.check;
	struct tab used; /* (site, pattern id) of patterns that matched a pageview */
	size_t cap = 0;
	int rc = -1;

	tab_init(&used, 2 * sizeof(uint32_t), 2 * sizeof(uint32_t));
	c->unmatched = calloc(m->paths.n + 1, sizeof *c->unmatched);
	c->overlaps = calloc(m->paths.n + 1, sizeof *c->overlaps);
	if (c->unmatched == NULL || c->overlaps == NULL)
		goto out;
	for (uint32_t i = 0; i < m->paths.n; i++) {
		const struct item_rec *it = tab_at(&m->paths, i);
		const struct model_hit *h;
		struct model_path_note note;
		unsigned distinct = 0;

		if (it->count == 0 || it->match_at == 0)
			continue;
		c->pageviews += it->count;
		h = &m->hits[it->match_at - 1];
		for (uint32_t k = 0; k < it->match_n; k++) {
			uint32_t key[2] = { it->site, h[k].pattern };
			uint32_t idx;

			if (tab_upsert(&used, key, &idx, NULL) != 0)
				goto out;
			if (k == 0 || h[k].service != h[k - 1].service || h[k].step != h[k - 1].step)
				distinct++;
		}
		memset(&note, 0, sizeof note);
		note.site = pool_str(&m->strings, it->site);
		note.path = pool_str(&m->strings, it->key);
		note.pageviews = it->count;
		note.visits = it->visits;
		note.flags = it->flags;
		if (catalog_looks_like_form(note.path, strlen(note.path)))
			note.flags |= MODEL_PATH_FORM_WORDS;
		if (it->match_n > 0)
			c->matched_pageviews += it->count;
		if (distinct > 1)
			c->overlaps[c->noverlaps++] = note;
		if (it->match_n == 0 && (note.flags & (MODEL_PATH_FIELD_ERROR | MODEL_PATH_FORM_WORDS)) &&
		    !(note.flags & MODEL_PATH_MARKUP))
			c->unmatched[c->nunmatched++] = note;
	}
	qsort(c->unmatched, c->nunmatched, sizeof *c->unmatched, cmp_note);
	qsort(c->overlaps, c->noverlaps, sizeof *c->overlaps, cmp_note);
	for (size_t s = 0; s < m->res.nsites; s++) {
		const char *site = m->res.sites[s];
		uint32_t sid;

		if (pool_lookup(&m->strings, site, strlen(site), &sid) != 0)
			continue;
		for (size_t i = 0; i < cat->n; i++) {
			const struct catalog_entry *e = &cat->e[i];

			if (e->npat == 0 || !catalog_applies(e, site))
				continue;
			for (size_t k = 0; k < e->npat; k++) {
				uint32_t key[2] = { sid, e->pat[k].id }, idx;

				if (tab_find(&used, key, &idx) != 0 && add_unused(c, &cap, site, e, &e->pat[k]) != 0)
					goto out;
			}
		}
	}
	c->done = 1;
	rc = 0;
out:
	tab_free(&used);
	return rc;
}

/* Lists devices.csv's and feedback.csv's rows; adds named ratings to their services. Returns 0 or -1. */
static int finish_devices_feedback(struct model *m)
{
	struct model_result *r = &m->res;

	r->devices = calloc(m->devices.n + 1, sizeof *r->devices);
	r->feedback = calloc(m->feedback.n + 1, sizeof *r->feedback);
	if (r->devices == NULL || r->feedback == NULL)
		return -1;
	for (uint32_t i = 0; i < m->devices.n; i++) {
		struct device_rec *d = tab_at(&m->devices, i);
		struct model_device *o = &r->devices[r->ndevices++];

		o->site = pool_str(&m->strings, d->site);
		o->device = pool_str(&m->strings, d->device);
		o->visits = d->visits;
		o->started = d->started;
		o->completed = d->completed;
	}
	qsort(r->devices, r->ndevices, sizeof *r->devices, cmp_device);
	for (uint32_t i = 0; i < m->feedback.n; i++) {
		struct fb_rec *f = tab_at(&m->feedback, i);
		struct model_feedback *o = &r->feedback[r->nfeedback++];

		o->site = pool_str(&m->strings, f->site);
		o->service = pool_str(&m->strings, f->service);
		memcpy(o->counts, f->counts, sizeof o->counts);
		if (f->service != 0) {
			struct model_service key, *hit;

			key.site = o->site;
			key.service = o->service;
			hit = bsearch(&key, r->services, r->nservices, sizeof *r->services, cmp_service);
			if (hit != NULL) {
				for (int k = 1; k <= 5; k++) {
					hit->ratings[k] += f->counts[k];
					hit->ratings_n += f->counts[k];
				}
			}
		}
	}
	qsort(r->feedback, r->nfeedback, sizeof *r->feedback, cmp_feedback);
	return 0;
}

/* Finds the result row of (site, service) strings, or NULL. */
static struct model_service *result_service(struct model_result *r, const char *site, const char *service)
{
	struct model_service key;

	key.site = site;
	key.service = service;
	return bsearch(&key, r->services, r->nservices, sizeof *r->services, cmp_service);
}

static int cmp_week(const void *a, const void *b)
{
	const struct model_week *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	if (c == 0)
		c = strcmp(x->service, y->service);
	return c ? c : (x->monday > y->monday) - (x->monday < y->monday);
}

/*
 * Lists weekly.csv's rows: a week is complete unless it reaches past the
 * end of the period or of the data. Returns 0 or -1.
 */
static int finish_weeks(struct model *m)
{
	struct model_result *r = &m->res;
	int64_t end = m->cfg->period_to < m->max_day ? m->cfg->period_to : m->max_day;

	r->weeks = calloc(m->weeks.n + 1, sizeof *r->weeks);
	if (r->weeks == NULL)
		return -1;
	for (uint32_t i = 0; i < m->weeks.n; i++) {
		const struct week_rec *w = tab_at(&m->weeks, i);
		struct model_week *o = &r->weeks[r->nweeks++];

		o->site = pool_str(&m->strings, w->site);
		o->service = pool_str(&m->strings, w->service);
		o->monday = w->monday;
		o->started = w->started;
		o->completed = w->completed;
		o->complete = o->monday + 6 <= end;
	}
	qsort(r->weeks, r->nweeks, sizeof *r->weeks, cmp_week);
	return 0;
}

static int cmp_device_funnel(const void *a, const void *b)
{
	const struct model_device_funnel *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	if (c == 0)
		c = strcmp(x->service, y->service);
	return c ? c : strcmp(x->device, y->device);
}

/* Lists each service's funnel per device, reached as in funnel.csv (after finish_services). */
static int finish_device_funnels(struct model *m)
{
	struct model_result *r = &m->res;

	r->device_funnels = calloc(m->device_funnels.n + 1, sizeof *r->device_funnels);
	if (r->device_funnels == NULL)
		return -1;
	for (uint32_t i = 0; i < m->device_funnels.n; i++) {
		const struct devfun_rec *d = tab_at(&m->device_funnels, i);
		struct model_device_funnel *o = &r->device_funnels[r->ndevice_funnels++];
		const struct model_service *s;
		uint32_t acc = d->level[LEVEL_DONE];

		o->site = pool_str(&m->strings, d->site);
		o->service = pool_str(&m->strings, d->service);
		o->device = pool_str(&m->strings, d->device);
		o->started = d->started;
		o->completed = d->completed;
		s = result_service(r, o->site, o->service);
		for (int k = MODEL_MAX_STEP; k >= 0; k--) {
			acc += d->level[k];
			o->reached[k] = s != NULL && (uint32_t)k <= s->nsteps ? acc : 0;
		}
	}
	qsort(r->device_funnels, r->ndevice_funnels, sizeof *r->device_funnels, cmp_device_funnel);
	return 0;
}

static int cmp_issue(const void *a, const void *b)
{
	const struct model_issue *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	if (c == 0 && x->visits != y->visits)
		c = x->visits > y->visits ? -1 : 1;
	return c ? c : strcmp(x->key, y->key);
}

/* Lists script errors or rage clicks of items. Returns 0 or -1. */
static int finish_issues(struct model *m, const struct tab *items, struct model_issue **out, size_t *n)
{
	*out = calloc(items->n + 1, sizeof **out);
	if (*out == NULL)
		return -1;
	for (uint32_t i = 0; i < items->n; i++) {
		const struct item_rec *it = tab_at(items, i);
		struct model_issue *o = &(*out)[(*n)++];

		o->site = pool_str(&m->strings, it->site);
		o->key = pool_str(&m->strings, it->key);
		o->count = it->count;
		o->visits = it->visits;
	}
	qsort(*out, *n, sizeof **out, cmp_issue);
	return 0;
}

static int cmp_service_day(const void *a, const void *b)
{
	const struct changes_day *x = a, *y = b;
	int c = strcmp(x->site, y->site);

	if (c == 0)
		c = strcmp(x->service, y->service);
	return c ? c : (x->day > y->day) - (x->day < y->day);
}

/* The issue services, the per-day flows of each service and changes.csv's rows. Returns 0 or -1. */
static int finish_issue_services_changes(struct model *m)
{
	struct model_result *r = &m->res;
	struct changes_pair *pairs;
	int rc;

	r->issue_services = calloc(m->issue_services.n + 1, sizeof *r->issue_services);
	r->service_days = calloc(m->service_days.n + 1, sizeof *r->service_days);
	if (r->issue_services == NULL || r->service_days == NULL)
		return -1;
	for (uint32_t i = 0; i < m->issue_services.n; i++) {
		const struct issue_svc_rec *x = tab_at(&m->issue_services, i);
		struct model_issue_service *o = &r->issue_services[r->nissue_services++];

		o->rage = (int)x->rage;
		o->key = pool_str(&m->strings, x->key);
		o->site = pool_str(&m->strings, x->site);
		o->service = pool_str(&m->strings, x->service);
	}
	for (uint32_t i = 0; i < m->service_days.n; i++) {
		const struct sday_rec *d = tab_at(&m->service_days, i);
		struct changes_day *o = &r->service_days[r->nservice_days++];

		o->site = pool_str(&m->strings, d->site);
		o->service = pool_str(&m->strings, d->service);
		o->day = d->day;
		o->started = d->started;
		o->completed = d->completed;
	}
	qsort(r->service_days, r->nservice_days, sizeof *r->service_days, cmp_service_day);
	if (m->cfg->changes == NULL)
		return 0;
	pairs = calloc(r->nservices + 1, sizeof *pairs);
	if (pairs == NULL)
		return -1;
	for (size_t i = 0; i < r->nservices; i++) {
		pairs[i].site = r->services[i].site;
		pairs[i].service = r->services[i].service;
	}
	rc = changes_evaluate(m->cfg->changes, pairs, r->nservices, r->service_days, r->nservice_days,
			      r->first_day, r->last_day, &r->changes, &r->nchanges);
	free(pairs);
	return rc;
}

/* Puts the names of --sites and --fields, and the rating threshold, into the result. */
static int finish_names(struct model *m)
{
	struct model_result *r = &m->res;
	const struct labels *l = m->cfg->labels;

	r->site_names = calloc(r->nsites + 1, sizeof *r->site_names);
	if (r->site_names == NULL)
		return -1;
	for (size_t i = 0; i < r->nsites; i++)
		r->site_names[i] = labels_site_name(l, r->sites[i]);
	for (size_t i = 0; i < r->nservices; i++) {
		r->services[i].site_name = labels_site_name(l, r->services[i].site);
		r->services[i].rating_min = m->cfg->min_count;
	}
	r->total.rating_min = m->cfg->min_count;
	for (size_t i = 0; i < r->nfields; i++) {
		struct model_field *f = &r->fields[i];
		const char *kind = labels_error_kind(f->error, 0);

		f->label = labels_field(l, f->site, f->service, f->field);
		f->error_label = kind != NULL ? kind : f->error;
	}
	return 0;
}

int model_finish(struct model *m)
{
	struct model_result *r = &m->res;
	unsigned min_count = m->cfg->min_count;
	int rc = -1;

	/* The flows of visit keys were counted with their day; now those of flow ids. */
	if (replay_completions(m) != 0 || fold_all(m) != 0 || flows_finish(&m->flows, count_flow, count_error, m) != 0 ||
	    finish_fields(m) != 0)
		goto out;
	if (finish_services(m) != 0 || finish_sites(m) != 0)
		goto out;
	if (m->cfg->check_catalog && m->cfg->cat != NULL && finish_check(m) != 0)
		goto out;
	if (finish_items(m, &m->queries, min_count, &r->searches, &r->nsearches) != 0 ||
	    finish_items(m, &m->paths, min_count, &r->pages, &r->npages) != 0 ||
	    finish_items(m, &m->hosts, min_count, &r->outlinks, &r->noutlinks) != 0)
		goto out;
	if (finish_days(m) != 0 || finish_devices_feedback(m) != 0)
		goto out;
	if (finish_total(m) != 0)
		goto out;
	r->events = m->events;
	r->visits_total = m->visits;
	r->any_keyed = m->visits > 0;
	r->first_day = m->min_day;
	r->last_day = m->max_day;
	for (size_t i = 0; i < r->ndays; i++)
		r->pageviews_total += r->days[i].pageviews;
	if (finish_weeks(m) != 0 || finish_device_funnels(m) != 0 ||
	    finish_issues(m, &m->scripts, &r->scripts, &r->nscripts) != 0 ||
	    finish_issues(m, &m->rages, &r->rages, &r->nrages) != 0 || finish_issue_services_changes(m) != 0 ||
	    finish_names(m) != 0)
		goto out;
	/* Last: causes read all of the above. */
	if (causes_build(r, m->cfg->labels, min_count, &r->causes, &r->ncauses) != 0)
		goto out;
	rc = 0;
out:
	return rc;
}

void model_attach_previous(struct model *m, const struct model *prev)
{
	const struct model_result *pr = &prev->res;
	struct service_metrics pm;

	metrics_service(&pr->total, &pm);
	m->res.prev = (struct model_prev){ .has = 1, .any_keyed = pr->any_keyed, .visits = pr->visits_total,
	                                   .started = pr->total.started, .completed = pr->total.completed,
	                                   .field_errors = pr->total.field_errors, .median_s = pm.median_s,
	                                   .rating_mean = pm.rating_mean };
	for (size_t i = 0; i < m->res.nservices; i++) {
		struct model_service *s = &m->res.services[i], *hit;

		s->has_prev = 1;
		s->prev_started = 0;
		s->prev_completed = 0;
		hit = bsearch(s, prev->res.services, prev->res.nservices, sizeof *s, cmp_service);
		if (hit != NULL) {
			s->prev_started = hit->started;
			s->prev_completed = hit->completed;
		}
	}
}
