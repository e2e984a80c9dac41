/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * flows.h — which events form one flow, as REPORT.md defines it: the events
 * of one site and service that share a visit key on one local day, or share
 * a flow id, joined transitively. A visit key on a day and a flow id are
 * nodes; an event carrying both joins them (union-find). Each flow keeps
 * what the report needs of it (first start and its device, first completion
 * at or after it, highest step) and its field errors by (field, error).
 *
 * Memory follows distinct keys, never events: nodes of flow ids live for the
 * whole period (an id may link days), nodes of visit keys live in the sets
 * of their day (struct flows_day), which the caller folds once no row of
 * that day can come any more. A folded visit node that never met a flow id
 * is a flow of its own and is handed over then; one that met an id has
 * given its state to that id's flow, which is handed over at the end.
 *
 * It knows nothing of sites, services or errors beyond their interned ids,
 * and counts nothing itself: finished flows go to the caller's callbacks.
 */
#ifndef LOTSE_FLOWS_H
#define LOTSE_FLOWS_H

#include <stdint.h>

#include "event.h"
#include "table.h"

#define FLOWS_NO_TIME INT64_MAX

/* What the report needs of one flow. */
struct flows_state {
	int64_t start;       /* earliest flow_start, FLOWS_NO_TIME when none */
	int64_t complete;    /* earliest flow_complete at or after start, FLOWS_NO_TIME when none */
	int64_t early[2];    /* the two latest completions before start, for a start that comes late */
	uint32_t device;     /* interned device of the earliest start */
	uint8_t max_step;    /* highest flow_step step */
	uint8_t n_early;
	uint8_t pad[2];
};

/* Which nodes an event touches. */
struct flows_key {
	uint32_t site, service;  /* interned ids */
	int has_visit, has_id;
	uint64_t visit;          /* with has_visit */
	int32_t day;             /* local day of the event, with has_visit */
	uint64_t id_hash;        /* tab_hash of the flow id, with has_id */
};

/* One flow event. */
struct flows_event {
	enum event_type type;    /* EVENT_FLOW_START, _STEP, _COMPLETE, _ABORT or _FIELD_ERROR */
	int64_t time_ms;
	uint32_t device;         /* interned */
	int64_t step;            /* flow_step: 1..50 */
	uint32_t field, error;   /* field_error: interned */
	uint32_t count;          /* field_error: the events it stands for, at least 1 (more from an aggregate) */
};

/* The nodes of flow ids, for the whole period. */
struct flows {
	struct tab ids, errors;
};

/* The nodes of visit keys of one local day (or of all days, when nothing is folded). */
struct flows_day {
	struct tab visits, errors;
};

/*
 * A finished flow (site, service, its state), and one (field, error) of a
 * finished flow with its count of events. Return 0, or -1 to stop (the
 * caller's failure, e.g. out of memory).
 */
typedef int (*flows_flow_fn)(void *ctx, uint32_t site, uint32_t service, const struct flows_state *st);
typedef int (*flows_error_fn)(void *ctx, uint32_t site, uint32_t service, const struct flows_state *st,
                              uint32_t field, uint32_t error, uint32_t count);

void flows_init(struct flows *f);
void flows_free(struct flows *f);
void flows_day_init(struct flows_day *d);
void flows_day_free(struct flows_day *d);

/*
 * Adds event ev with key k. d holds the visit nodes of k's day (NULL when
 * k has no visit key). An event with neither a visit key nor a flow id
 * belongs to no flow and is ignored. Returns 0, or -1 when out of memory or
 * over a table's cap.
 */
int flows_add(struct flows *f, struct flows_day *d, const struct flows_key *k,
              const struct flows_event *ev);

/*
 * Hands over the flows of d that met no flow id (flow_fn once per flow,
 * error_fn once per (field, error) of it, errors first), moves the field
 * errors of the others to their id's flow, and empties d. Returns 0 or -1
 * (out of memory, or a callback's -1).
 */
int flows_day_fold(struct flows *f, struct flows_day *d, flows_flow_fn flow_fn,
                   flows_error_fn error_fn, void *ctx);

/*
 * Hands over every flow of flow ids (after every day is folded), errors
 * first, like flows_day_fold, and empties f. Returns 0 or -1.
 */
int flows_finish(struct flows *f, flows_flow_fn flow_fn, flows_error_fn error_fn, void *ctx);

#endif
