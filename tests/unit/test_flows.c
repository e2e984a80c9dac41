/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_flows.c — unit tests for reports/flows.c, the flow definition of
 * REPORT.md: events of one site and service that share a visit key on one
 * local day, or share a flow id, joined transitively; several attempts in
 * one visit-day are one flow; an id links days; events with neither key
 * belong to no flow; a start stored after its completion still counts; a
 * flow's field errors count once per flow however many nodes carry them.
 */
#include <string.h>

#include "../test.h"
#include "flows.h"

#define MAXF 16

/* What the callbacks received. */
struct seen {
	int nflows, nerrors;
	struct {
		uint32_t site, service;
		struct flows_state st;
	} flows[MAXF];
	struct {
		uint32_t service, field, error, count;
		int64_t start;
	} errors[MAXF];
};

static int on_flow(void *ctx, uint32_t site, uint32_t service, const struct flows_state *st)
{
	struct seen *s = ctx;

	if (s->nflows == MAXF)
		return -1;
	s->flows[s->nflows].site = site;
	s->flows[s->nflows].service = service;
	s->flows[s->nflows].st = *st;
	s->nflows++;
	return 0;
}

static int on_error(void *ctx, uint32_t site, uint32_t service, const struct flows_state *st,
                    uint32_t field, uint32_t error, uint32_t count)
{
	struct seen *s = ctx;

	(void)site;
	if (s->nerrors == MAXF)
		return -1;
	s->errors[s->nerrors].service = service;
	s->errors[s->nerrors].field = field;
	s->errors[s->nerrors].error = error;
	s->errors[s->nerrors].count = count;
	s->errors[s->nerrors].start = st->start;
	s->nerrors++;
	return 0;
}

/* A key: visit 0 = none, id NULL = none. */
static struct flows_key key(uint32_t service, uint64_t visit, int32_t day, const char *id)
{
	struct flows_key k;

	memset(&k, 0, sizeof k);
	k.site = 1;
	k.service = service;
	k.has_visit = visit != 0;
	k.visit = visit;
	k.day = day;
	k.has_id = id != NULL;
	if (id != NULL)
		k.id_hash = tab_hash(id, strlen(id));
	return k;
}

static struct flows_event event(enum event_type type, int64_t t, int64_t step)
{
	struct flows_event e;

	memset(&e, 0, sizeof e);
	e.type = type;
	e.time_ms = t;
	e.step = step;
	e.device = 7;
	e.field = 11;
	e.error = 12;
	e.count = 1;
	return e;
}

/* Adds one event; returns flows_add's result. */
static int add(struct flows *f, struct flows_day *d, uint32_t service, uint64_t visit, int32_t day,
               const char *id, enum event_type type, int64_t t, int64_t step)
{
	struct flows_key k = key(service, visit, day, id);
	struct flows_event e = event(type, t, step);

	return flows_add(f, visit ? d : NULL, &k, &e);
}

static void test_visit_flows(void)
{
	struct flows f;
	struct flows_day d;
	struct seen s;

	memset(&s, 0, sizeof s);
	flows_init(&f);
	flows_day_init(&d);
	/* Visit 100: two attempts of service 5 in one visit-day are one flow. */
	CHECK_INT(add(&f, &d, 5, 100, 1, NULL, EVENT_FLOW_START, 1000, 0), 0);
	CHECK_INT(add(&f, &d, 5, 100, 1, NULL, EVENT_FLOW_STEP, 2000, 3), 0);
	CHECK_INT(add(&f, &d, 5, 100, 1, NULL, EVENT_FLOW_START, 3000, 0), 0);
	CHECK_INT(add(&f, &d, 5, 100, 1, NULL, EVENT_FIELD_ERROR, 3500, 0), 0);
	CHECK_INT(add(&f, &d, 5, 100, 1, NULL, EVENT_FIELD_ERROR, 3600, 0), 0);
	CHECK_INT(add(&f, &d, 5, 100, 1, NULL, EVENT_FLOW_COMPLETE, 4000, 0), 0);
	/* The same visit key with another service is another flow. */
	CHECK_INT(add(&f, &d, 6, 100, 1, NULL, EVENT_FLOW_STEP, 1500, 2), 0);
	/* Neither visit key nor flow id: no flow at all. */
	CHECK_INT(add(&f, &d, 5, 0, 1, NULL, EVENT_FLOW_START, 1000, 0), 0);
	CHECK_INT(flows_day_fold(&f, &d, on_flow, on_error, &s), 0);
	CHECK_INT(s.nflows, 2);
	CHECK_INT(s.flows[0].service, 5);
	CHECK_INT(s.flows[0].st.start, 1000);
	CHECK_INT(s.flows[0].st.complete, 4000);
	CHECK_INT(s.flows[0].st.max_step, 3);
	CHECK_INT(s.flows[0].st.device, 7);
	CHECK_INT(s.flows[1].st.start, FLOWS_NO_TIME);
	CHECK_INT(s.nerrors, 1);
	CHECK_INT(s.errors[0].count, 2);
	CHECK_INT(s.errors[0].start, 1000);
	/* The day's sets are empty after folding; nothing is left for the end. */
	CHECK_INT(d.visits.n, 0);
	memset(&s, 0, sizeof s);
	CHECK_INT(flows_finish(&f, on_flow, on_error, &s), 0);
	CHECK_INT(s.nflows, 0);
	flows_day_free(&d);
	flows_free(&f);
}

static void test_transitive_and_midnight(void)
{
	struct flows f;
	struct flows_day d1, d2;
	struct seen s;

	memset(&s, 0, sizeof s);
	flows_init(&f);
	flows_day_init(&d1);
	flows_day_init(&d2);
	/* Day 1, visit 100: a start without id, then steps with id X (joins the visit), an error. */
	CHECK_INT(add(&f, &d1, 5, 100, 1, NULL, EVENT_FLOW_START, 1000, 0), 0);
	CHECK_INT(add(&f, &d1, 5, 100, 1, NULL, EVENT_FIELD_ERROR, 1100, 0), 0);
	CHECK_INT(add(&f, &d1, 5, 100, 1, "flowXXXX", EVENT_FLOW_STEP, 2000, 2), 0);
	/* Later in the same visit, an attempt with id Y: X and Y become one flow through the visit. */
	CHECK_INT(add(&f, &d1, 5, 100, 1, "flowYYYY", EVENT_FIELD_ERROR, 2500, 0), 0);
	/* A visit event without id after the link goes to the joined flow. */
	CHECK_INT(add(&f, &d1, 5, 100, 1, NULL, EVENT_FLOW_STEP, 2600, 3), 0);
	CHECK_INT(flows_day_fold(&f, &d1, on_flow, on_error, &s), 0);
	CHECK_INT(s.nflows, 0); /* joined to ids: counted at the end */
	CHECK_INT(s.nerrors, 0);
	/* Day 2, a new visit key (keys change daily): id Y completes across midnight. */
	CHECK_INT(add(&f, &d2, 5, 200, 2, "flowYYYY", EVENT_FLOW_COMPLETE, 90000, 0), 0);
	CHECK_INT(add(&f, &d2, 5, 200, 2, NULL, EVENT_FIELD_ERROR, 90100, 0), 0);
	/* Id Z without any visit key, never joined: a flow of its own without a start. */
	CHECK_INT(add(&f, &d2, 5, 0, 2, "flowZZZZ", EVENT_FLOW_COMPLETE, 90200, 0), 0);
	CHECK_INT(flows_day_fold(&f, &d2, on_flow, on_error, &s), 0);
	CHECK_INT(s.nflows, 0);
	CHECK_INT(flows_finish(&f, on_flow, on_error, &s), 0);
	CHECK_INT(s.nflows, 2);
	{
		int joined = s.flows[0].st.start == 1000 ? 0 : 1;

		CHECK_INT(s.flows[joined].st.start, 1000);
		CHECK_INT(s.flows[joined].st.complete, 90000);
		CHECK_INT(s.flows[joined].st.max_step, 3);
		CHECK_INT(s.flows[1 - joined].st.start, FLOWS_NO_TIME);
	}
	/* Three field errors on three nodes of one flow: one (field, error) of count 3. */
	CHECK_INT(s.nerrors, 1);
	CHECK_INT(s.errors[0].count, 3);
	CHECK_INT(s.errors[0].start, 1000);
	flows_day_free(&d1);
	flows_day_free(&d2);
	flows_free(&f);
}

static void test_late_start(void)
{
	struct flows f;
	struct flows_day d;
	struct seen s;

	memset(&s, 0, sizeof s);
	flows_init(&f);
	flows_day_init(&d);
	/* Rows in storage order: the completion is stored before the start it follows. */
	CHECK_INT(add(&f, &d, 5, 0, 1, "flowLATE1", EVENT_FLOW_COMPLETE, 5000, 0), 0);
	CHECK_INT(add(&f, &d, 5, 0, 1, "flowLATE1", EVENT_FLOW_START, 4000, 0), 0);
	/* A completion before the first start does not count. */
	CHECK_INT(add(&f, &d, 5, 0, 1, "flowLATE2", EVENT_FLOW_COMPLETE, 1000, 0), 0);
	CHECK_INT(add(&f, &d, 5, 0, 1, "flowLATE2", EVENT_FLOW_START, 2000, 0), 0);
	/* Merging keeps the earliest start and the first completion at or after it. */
	CHECK_INT(add(&f, &d, 5, 300, 1, NULL, EVENT_FLOW_COMPLETE, 6000, 0), 0);
	CHECK_INT(add(&f, &d, 5, 300, 1, NULL, EVENT_FLOW_START, 5500, 0), 0);
	CHECK_INT(add(&f, &d, 5, 0, 1, "flowLATE3", EVENT_FLOW_START, 3000, 0), 0);
	CHECK_INT(add(&f, &d, 5, 0, 1, "flowLATE3", EVENT_FLOW_COMPLETE, 9000, 0), 0);
	CHECK_INT(add(&f, &d, 5, 300, 1, "flowLATE3", EVENT_FLOW_STEP, 5600, 1), 0);
	CHECK_INT(flows_day_fold(&f, &d, on_flow, on_error, &s), 0);
	CHECK_INT(flows_finish(&f, on_flow, on_error, &s), 0);
	CHECK_INT(s.nflows, 3);
	for (int i = 0; i < s.nflows; i++) {
		const struct flows_state *st = &s.flows[i].st;

		if (st->start == 4000)
			CHECK_INT(st->complete, 5000);
		else if (st->start == 2000)
			CHECK_INT(st->complete, FLOWS_NO_TIME);
		else
			CHECK(st->start == 3000 && st->complete == 6000);
	}
	flows_day_free(&d);
	flows_free(&f);
}

int main(void)
{
	RUN(test_visit_flows);
	RUN(test_transitive_and_midnight);
	RUN(test_late_start);
	return test_summary("flows");
}
