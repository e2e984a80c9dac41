/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * model.h — turns the stream of stored events into the report's numbers:
 * visits, flows, funnels, field errors, searches, pages, outbound links,
 * daily counts, devices and ratings, exactly as REPORT.md defines them. The
 * service catalogue's path patterns turn pageviews into flow events (and
 * give field errors without a service their service) while the rows
 * stream. One pass, memory proportional to distinct visits, flows and keys,
 * never to events. It does not read databases (query.c), format numbers or
 * write files (csvout.c, html.c, chart.c).
 */
#ifndef LOTSE_MODEL_H
#define LOTSE_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "catalog.h"
#include "changes.h"
#include "flows.h"
#include "labels.h"
#include "query.h"
#include "table.h"

#define MODEL_MAX_STEP 50

/* One (site, service): services.csv, funnel.csv and the service section. */
struct model_service {
	const char *site, *service;
	const char *site_name;   /* from --sites, or the key */
	const char *name;        /* catalogue name, or the key */
	const char *category;    /* catalogue category, or "" */
	uint32_t started, completed, field_errors, ratings_n;
	uint32_t ratings[6];     /* ratings[1..5] of feedback naming the service */
	uint32_t nsteps;         /* highest step seen or named */
	uint32_t reached[MODEL_MAX_STEP + 1];
	/* Step totals: flow_start events ([0]) and flow_step events of each step,
	 * from markup and catalogue paths, in flows or not (without visit key or
	 * flow id an event is in no flow but still here). */
	uint32_t step_events[MODEL_MAX_STEP + 1];
	uint32_t complete_events;
	const char *step_name[MODEL_MAX_STEP + 1]; /* [0] = "Start" */
	const double *times;     /* sorted seconds to complete, completed of them */
	unsigned rating_min;     /* --min-count: fewer ratings show no mean (metrics.c) */
	/* compare mode */
	int has_prev;
	uint32_t prev_started, prev_completed;
};

struct model_field {
	const char *site, *service, *field, *error;
	const char *label;       /* from --fields, or the field name */
	const char *error_label; /* labels_error_kind (German), or the kind as sent */
	uint32_t errors, flows;
};

/* A search query, page or outbound host with its distinct visits. */
struct model_item {
	const char *site, *key;  /* key NULL = the "(weitere)" row */
	uint32_t count;          /* searches, pageviews or clicks */
	uint32_t visits;
	uint32_t zero;           /* searches without results */
	double median_engaged_s; /* NAN when none */
};

struct model_day {
	const char *site;
	int64_t day;
	uint32_t visits, pageviews, started, completed;
};

struct model_device {
	const char *site, *device;
	uint32_t visits, started, completed;
};

struct model_feedback {
	const char *site, *service; /* service "" = not named */
	uint32_t counts[6];
};

struct model_reject {
	char *reason;
	int64_t count;
};

/* weekly.csv: flows of a site and service started in one ISO week. */
struct model_week {
	const char *site, *service;
	int64_t monday;          /* local day */
	uint32_t started, completed;
	int complete;            /* 0: the week reaches past the end of the period or of the data */
};

/* A service's funnel among the flows of one device (a flow's device is its first start's). */
struct model_device_funnel {
	const char *site, *service, *device;
	uint32_t started, completed;
	uint32_t reached[MODEL_MAX_STEP + 1]; /* up to the service's nsteps */
};

/*
 * Script errors (key: the message as stored) and rage clicks (key: the
 * target as stored) of a site, counted by events and distinct visits.
 */
struct model_issue {
	const char *site, *key;
	uint32_t count, visits;
};

/* A service whose catalogue patterns match a page where an issue occurred. */
struct model_issue_service {
	const char *key, *site, *service;
	int rage;                /* 0: script error, 1: rage click */
};

/*
 * The catalogue check (lotse-report --check-catalog, catcheck.c): patterns
 * that matched no pageview of a site, and paths that look like forms but no
 * pattern matched, or that several services or steps match.
 */
struct model_unused_pattern {
	const char *site;                   /* a site of the data the pattern applies to */
	const struct catalog_entry *entry;
	const struct catalog_pattern *pattern;
};

enum model_path_flag {
	MODEL_PATH_FIELD_ERROR = 1,  /* a field_error was sent from the path */
	MODEL_PATH_MARKUP = 2,       /* a flow event with a service was sent from it */
	MODEL_PATH_FORM_WORDS = 4    /* its words look like a form (catalog_looks_like_form) */
};

struct model_path_note {
	const char *site, *path;
	uint32_t pageviews, visits;
	unsigned flags;                     /* enum model_path_flag */
};

struct model_check {
	int done;                           /* computed (a catalogue was given) */
	struct model_unused_pattern *unused; size_t nunused;   /* by site, catalogue order */
	struct model_path_note *unmatched; size_t nunmatched;  /* form-looking, no pattern: by site, pageviews desc */
	struct model_path_note *overlaps; size_t noverlaps;    /* several services or steps: by site, pageviews desc */
	uint64_t pageviews, matched_pageviews;
};

struct cause;                /* causes.h */

/* The finished numbers; arrays sorted as the CSV files list them. */
struct model_result {
	const char **sites; size_t nsites;
	struct model_service *services; size_t nservices;   /* by site, service */
	struct model_field *fields; size_t nfields;         /* by site, service, flows desc */
	struct model_item *searches; size_t nsearches;      /* by site, searches desc */
	struct model_item *pages; size_t npages;
	struct model_item *outlinks; size_t noutlinks;
	struct model_day *days; size_t ndays;               /* by site, day */
	struct model_device *devices; size_t ndevices;
	struct model_feedback *feedback; size_t nfeedback;
	struct model_reject *rejects; size_t nrejects;
	struct model_week *weeks; size_t nweeks;             /* by site, service, week */
	struct model_device_funnel *device_funnels; size_t ndevice_funnels; /* by site, service, device */
	struct model_issue *scripts; size_t nscripts;        /* by site, visits desc */
	struct model_issue *rages; size_t nrages;
	struct model_issue_service *issue_services; size_t nissue_services;
	struct changes_day *service_days; size_t nservice_days; /* with cfg.changes: by site, service, day */
	struct change_row *changes; size_t nchanges;         /* with cfg.changes: changes.csv */
	struct cause *causes; size_t ncauses;                /* causes.csv, ranked (causes.h) */
	const char **site_names;                              /* parallel to sites */
	int64_t first_day, last_day;                          /* local days with events; first > last when none */
	struct model_check check;
	double *times;                                        /* backing store of services[].times */
	struct model_service total; /* all services as one (overview): sums, all times sorted */
	/* compare mode: the comparison period's overview (model_attach_previous) */
	struct model_prev {
		int has;
		int any_keyed;
		uint64_t visits;
		uint32_t started, completed, field_errors;
		double median_s;        /* NAN without completions */
		double rating_mean;     /* NAN without ratings or below --min-count */
	} prev;
	double *total_times;                                  /* backing store of total.times */
	uint64_t events, visits_total, pageviews_total;
	int any_keyed;
};

/* What a model counts with, fixed for its life. */
struct model_config {
	const struct catalog *cat;  /* NULL: no catalogue (names, steps and paths) */
	const struct labels *labels;   /* NULL: keys are shown */
	const struct changes *changes; /* NULL: no changes.csv */
	unsigned min_count;         /* --min-count */
	int64_t period_to;          /* last local day of the period, INT64_MAX when open */
	int check_catalog;          /* fill res.check (needs cat) */
};


/*
 * The sets of one local day: its visits (site, day, visit key), the (item,
 * visit) pairs of searches, pages and outbound links, and the flow nodes of
 * visit keys with their field errors. Visits never span local days, so
 * model.c counts a day's flows and empties its sets ("folds" the day) once
 * no more rows of it can come; visits are counted as they appear.
 */
#define MODEL_DAYSETS 2
struct model_dayset {
	int64_t day;             /* INT64_MIN when unused */
	struct tab visits, query_visits, path_visits, host_visits, script_visits, rage_visits;
	struct flows_day flows;
};

struct model_time;           /* a time to complete of a service (model.c) */
struct model_hit;            /* a catalogue pattern a path matched (model.c) */
struct model_completion;     /* a completion of a fragment, replayed last (model.c) */

struct model {
	const struct model_config *cfg;
	struct pool strings;
	struct flows flows;              /* flow nodes of flow ids, for the whole period */
	struct tab step_names, services, days, devices, fields;
	struct tab queries, paths, hosts, feedback, scripts, rages, issue_services;
	struct tab weeks, device_funnels, service_days;
	struct model_hit *hits;          /* catalogue matches of paths (item_rec.match_at) */
	size_t nhits, cap_hits;
	struct model_time *times;        /* of counted flows */
	size_t ntimes, cap_times;
	struct model_completion *completions; /* of fragments (model_add_fragment), until model_finish */
	size_t ncompletions, cap_completions;
	struct model_dayset daysets[MODEL_DAYSETS];
	unsigned cur_db;         /* database of the rows being read */
	int64_t db_max_day;      /* latest local day of cur_db's keyed rows so far; days up to 2 before it are folded */
	int all_days;            /* IN: one set for every day, nothing folded */
	int out_of_order;        /* OUT: a row came for a folded day: read again with all_days */
	int64_t min_day, max_day;
	uint64_t events, visits;
	uint32_t id_unknown, id_start;
	/* One-entry caches: consecutive events mostly share site, day and visit. */
	uint32_t last_site;
	char last_site_s[EVENT_SITE_MAX + 1];
	int64_t last_day, last_day_start, last_day_end;
	uint64_t last_visit;
	int32_t last_visit_day;
	uint32_t last_visit_site, last_visit_idx;
	int last_visit_ok;
	int failed;
	struct model_result res;
};

/* Prepares m to count with cfg (kept by pointer: it must outlive m). Returns 0 or -1 (out of memory). */
int model_init(struct model *m, const struct model_config *cfg);

/* Frees everything m and its result own. */
void model_free(struct model *m);

/*
 * query_row_fn: adds one event. Rows must come database by database, each in
 * time order give or take a day (rowid order: events carry an age of at most
 * ten minutes); a keyed row for a day already folded sets m->out_of_order and
 * is ignored, like every row after it: then free m, init it again, set
 * all_days and add every row once more. Returns 0, or -1 when out of memory
 * or over a cap.
 */
int model_add(void *m, const struct query_row *row);

/* query_engagement_fn: feeds the sorted engagement times for the medians. */
int model_engagement(void *m, struct qstr site, struct qstr path, int64_t ms);

/* query_reject_fn: records one quality row. */
int model_reject(void *m, const char *reason, int64_t count);

/*
 * Rows that a database aggregated already (the ClickHouse reader,
 * chquery.c): each adds what model_add would have added for the events it
 * stands for, so that both give the same result. Use them instead of
 * model_add, never both on one model; set m->all_days first. Text is
 * (s, n) as in query.h, NULL for SQL NULL; a day is tz_local_day's. Each
 * returns 0, or -1 when out of memory or over a cap.
 */

/* A (site, local day) with its events, distinct visit keys and pageviews. */
int model_add_day(struct model *m, struct qstr site, int64_t day, uint64_t events, uint32_t visits,
                  uint32_t pageviews);

/* Distinct visits (site, day, key) of a site on device (NULL or "": "unknown"). */
int model_add_device_visits(struct model *m, struct qstr site, struct qstr device, uint32_t visits);

enum model_item_kind { MODEL_SEARCHES, MODEL_OUTLINKS, MODEL_SCRIPTS, MODEL_RAGES };

/*
 * A search query, outbound host, script error message or rage-click
 * target of a site: its events, their distinct visits (a (day, key) pair,
 * or an event without a key) and, for searches, those without results.
 */
int model_add_item(struct model *m, enum model_item_kind kind, struct qstr site, struct qstr key, uint32_t count,
                   uint32_t visits, uint32_t zero);

/*
 * A path of a site: its pageviews and their distinct visits, its
 * engagement events (eng_n) with the lower and upper middle of their ms
 * (equal for odd eng_n), its field errors without a service (the
 * catalogue may give them one), and flags (enum model_path_flag: flow
 * events with a service, field errors sent from it). A path with field
 * errors only is added too (pageviews 0).
 */
struct model_path_row {
	struct qstr site, path;
	uint32_t pageviews, visits, eng_n, unnamed_errors;
	int64_t eng_lo_ms, eng_hi_ms;
	unsigned flags;
};
int model_add_path(struct model *m, const struct model_path_row *p);

/* count ratings 1..5 of a site's feedback naming service (NULL: none). */
int model_add_feedback(struct model *m, struct qstr site, struct qstr service, int64_t rating, uint32_t count);

/* A page where a script error (rage 0) or rage click (rage 1) of key occurred (the services its patterns name). */
int model_add_issue_path(struct model *m, struct qstr site, int rage, struct qstr key, struct qstr path);

/*
 * count flow events (flow_*, field_error) of a service of type and step
 * (EVENT_NO_INT: none): the step totals, and the service is known.
 */
int model_add_flow_events(struct model *m, struct qstr site, struct qstr service, enum event_type type,
                          int64_t step, uint32_t count);

/* count flow_step events of a service's step that named it name. */
int model_add_step_name(struct model *m, struct qstr site, struct qstr service, int64_t step, struct qstr name,
                        uint32_t count);

/*
 * The flow events of one service that share a visit key on a local day
 * and a flow id (either may be absent, not both): a fragment of a flow
 * (flows.h joins fragments into flows).
 */
struct model_fragment {
	struct qstr site, service;
	int has_visit;
	uint64_t visit;
	int64_t day;             /* with has_visit */
	struct qstr flow;        /* s NULL: no flow id */
	uint32_t starts;         /* flow_start events */
	int64_t first_start;     /* with starts */
	struct qstr device;      /* of the first start (the smallest name among equal times) */
	int64_t max_step;        /* of flow_step events, 0 when none */
	const int64_t *completes; /* the flow_complete times */
	size_t ncompletes;
	/* One field error (field, error, its count) instead, when error_count > 0. */
	struct qstr field, error;
	uint32_t error_count;
};

/*
 * Adds a fragment (or one field error of it). Fragments of one key may come
 * in several parts (from markup and from catalogue paths): they join.
 * Completions are kept and replayed by model_finish, after every start.
 */
int model_add_fragment(struct model *m, const struct model_fragment *f);

/*
 * The catalogue's flow events of the paths added with model_add_path:
 * counts them into their services' step totals (a path's pageviews and
 * field errors without a service make them), and lists them for the
 * database to make the flow fragments of: for each path the catalogue's
 * patterns match, each flow event that a pageview (source EVENT_PAGEVIEW)
 * or a field error without a service (EVENT_FIELD_ERROR) on it makes (type
 * EVENT_FLOW_START, _STEP, _COMPLETE or _FIELD_ERROR of service; step for
 * a flow_step, else 0), by fn. Call once, after every model_add_path.
 * Returns 0, or -1 when out of memory or fn failed.
 */
typedef int (*model_mapping_fn)(void *ctx, const char *site, const char *path, enum event_type source,
                                const char *service, enum event_type type, uint32_t step);
int model_catalogue_mapping(struct model *m, model_mapping_fn fn, void *ctx);

/*
 * Builds m->res from what was added: applies the catalogue's names and steps
 * and suppresses search/page/outlink rows with fewer than min_count visits
 * into one "(weitere)" row per site. Call after model_add/model_engagement
 * and before reading m->res. Returns 0 or -1 (out of memory).
 */
int model_finish(struct model *m);

/*
 * Copies prev's started/completed into m's services and prev's overview
 * (visits, attempts, errors, median time, satisfaction) into m->res.prev
 * (compare mode).
 */
void model_attach_previous(struct model *m, const struct model *prev);

#endif
