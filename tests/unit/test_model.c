/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_model.c — unit tests of the report's aggregation below the command
 * line: rows fed straight into model_add (flows joined transitively by
 * visit key and flow id, catalogue paths turned into flows and field
 * errors, weekly rows and complete_week), the honest satisfaction figures
 * of metrics.c (mean hidden below --min-count, interval clamped to [1, 5]),
 * the ranking of causes.c with its ties, and changes.c's windows and z-test.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "causes.h"
#include "changes.h"
#include "labels.h"
#include "../../reports/metrics.h" /* collector/metrics.h shares the name */
#include "model.h"
#include "tz.h"

static struct qstr qs(const char *s)
{
	struct qstr q = { s, s ? strlen(s) : 0 };

	return q;
}

/* Milliseconds of a Berlin local time "YYYY-MM-DD" plus hours and minutes (winter: UTC+1). */
static int64_t at(const char *day, int h, int min)
{
	int64_t d = 0;

	tz_parse_date(day, &d);
	return tz_day_start_ms(d) + ((int64_t)h * 60 + min) * 60000;
}

/* A row of site "s" and device "desktop"; visit 0 = none, other text fields NULL. */
static struct query_row row(enum event_type type, int64_t t, uint64_t visit, const char *path)
{
	struct query_row r;

	memset(&r, 0, sizeof r);
	r.type = type;
	r.time_ms = t;
	r.has_visit = visit != 0;
	r.visit = visit;
	r.site = qs("s");
	r.device = qs("desktop");
	r.path = qs(path ? path : "/");
	r.step = r.results = r.rating = r.ms = EVENT_NO_INT;
	return r;
}

static int add_flow(struct model *m, enum event_type type, int64_t t, uint64_t visit, const char *flow,
                    const char *service, int64_t step)
{
	struct query_row r = row(type, t, visit, "/x");

	r.service = qs(service);
	r.flow = qs(flow);
	r.step = step;
	return model_add(m, &r);
}

static const struct model_service *service(const struct model_result *r, const char *key)
{
	for (size_t i = 0; i < r->nservices; i++) {
		if (strcmp(r->services[i].service, key) == 0)
			return &r->services[i];
	}
	return NULL;
}

static void test_transitive_flows_and_weeks(void)
{
	struct model m;
	struct model_config cfg;
	const struct model_service *s;

	memset(&cfg, 0, sizeof cfg);
	cfg.min_count = 1;
	tz_parse_date("2026-11-18", &cfg.period_to);
	CHECK_INT(model_init(&m, &cfg), 0);
	/* Monday 9 Nov: visit 1 starts without id, then continues with id A; id A completes on the
	 * 10th under a new visit key; visit 1 also starts a second attempt with id B: one flow. */
	CHECK_INT(add_flow(&m, EVENT_FLOW_START, at("2026-11-09", 10, 0), 1, NULL, "a", 0), 0);
	CHECK_INT(add_flow(&m, EVENT_FLOW_STEP, at("2026-11-09", 10, 1), 1, "attemptA1", "a", 2), 0);
	CHECK_INT(add_flow(&m, EVENT_FLOW_START, at("2026-11-09", 10, 5), 1, "attemptB1", "a", 0), 0);
	CHECK_INT(add_flow(&m, EVENT_FLOW_COMPLETE, at("2026-11-10", 9, 0), 2, "attemptA1", "a", 0), 0);
	/* Monday 9 Nov, visit 3: started, not completed. Sunday 15 Nov, visit 4: started and completed. */
	CHECK_INT(add_flow(&m, EVENT_FLOW_START, at("2026-11-09", 11, 0), 3, NULL, "a", 0), 0);
	CHECK_INT(add_flow(&m, EVENT_FLOW_START, at("2026-11-15", 23, 0), 4, NULL, "a", 0), 0);
	CHECK_INT(add_flow(&m, EVENT_FLOW_COMPLETE, at("2026-11-15", 23, 30), 4, NULL, "a", 0), 0);
	/* Monday 16 Nov: one more start, the last day of the data. */
	CHECK_INT(add_flow(&m, EVENT_FLOW_START, at("2026-11-16", 8, 0), 5, NULL, "a", 0), 0);
	CHECK_INT(model_finish(&m), 0);
	s = service(&m.res, "a");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(s->started, 4);
		CHECK_INT(s->completed, 2);
		CHECK_INT(s->reached[2], 2); /* the two completed flows (the joined one among them) */
	}
	CHECK_INT(m.res.nweeks, 2);
	if (m.res.nweeks == 2) {
		char d[11];

		tz_format_day(m.res.weeks[0].monday, d);
		CHECK_STR(d, "2026-11-09");
		CHECK_INT(m.res.weeks[0].started, 3);
		CHECK_INT(m.res.weeks[0].completed, 2);
		CHECK_INT(m.res.weeks[0].complete, 1);
		/* 16-22 Nov reaches past the data (16th) and the period (18th). */
		CHECK_INT(m.res.weeks[1].started, 1);
		CHECK_INT(m.res.weeks[1].complete, 0);
	}
	model_free(&m);
}

static const char *write_tmp(const char *text)
{
	static char path[64];
	int fd;
	FILE *f;

	snprintf(path, sizeof path, "/tmp/lotse-test-model-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
	return path;
}

static void test_catalogue_paths(void)
{
	struct catalog cat;
	struct model m;
	struct model_config cfg;
	char err[256];
	const char *path = write_tmp("*,hund,Hund,X,A|B,/h/a|/h/:id/b,/h/fertig\n");
	const struct model_service *s;
	struct query_row r;

	CHECK(path != NULL && catalog_load(&cat, path, err, sizeof err) == 0);
	unlink(path);
	memset(&cfg, 0, sizeof cfg);
	cfg.cat = &cat;
	cfg.min_count = 1;
	cfg.period_to = INT64_MAX;
	CHECK_INT(model_init(&m, &cfg), 0);
	/* Visit 1: all three pages, a field error without service on step 2. Visit 2: step 1 twice.
	 * Visit 0 (no key, no id): pages count in step totals only. */
	r = row(EVENT_PAGEVIEW, at("2026-11-09", 10, 0), 1, "/h/a");
	CHECK_INT(model_add(&m, &r), 0);
	r = row(EVENT_PAGEVIEW, at("2026-11-09", 10, 1), 1, "/h/:id/b/");
	CHECK_INT(model_add(&m, &r), 0);
	r = row(EVENT_FIELD_ERROR, at("2026-11-09", 10, 2), 1, "/h/:id/b");
	r.field = qs("iban");
	r.error = qs("format");
	CHECK_INT(model_add(&m, &r), 0);
	r = row(EVENT_PAGEVIEW, at("2026-11-09", 10, 3), 1, "/h/fertig");
	CHECK_INT(model_add(&m, &r), 0);
	r = row(EVENT_PAGEVIEW, at("2026-11-09", 11, 0), 2, "/h/a");
	CHECK_INT(model_add(&m, &r), 0);
	CHECK_INT(model_add(&m, &r), 0);
	r = row(EVENT_PAGEVIEW, at("2026-11-09", 12, 0), 0, "/h/a");
	CHECK_INT(model_add(&m, &r), 0);
	CHECK_INT(model_finish(&m), 0);
	s = service(&m.res, "hund");
	CHECK(s != NULL);
	if (s != NULL) {
		CHECK_INT(s->started, 2);
		CHECK_INT(s->completed, 1);
		CHECK_INT(s->nsteps, 2);
		CHECK_INT(s->reached[1], 2);
		CHECK_INT(s->reached[2], 1);
		CHECK_INT(s->step_events[0], 4); /* every step-1 page is a flow_start, in a flow or not */
		CHECK_INT(s->step_events[2], 1);
		CHECK_INT(s->complete_events, 1);
		CHECK_INT(s->field_errors, 1);
		CHECK_STR(s->step_name[2], "B");
	}
	CHECK_INT(m.res.nfields, 1);
	if (m.res.nfields == 1) {
		CHECK_STR(m.res.fields[0].field, "iban");
		CHECK_STR(m.res.fields[0].error_label, "Eingabe im falschen Format");
		CHECK_STR(m.res.fields[0].label, "iban"); /* no --fields */
	}
	model_free(&m);
	catalog_free(&cat);
}

static void test_rating_honesty(void)
{
	struct model_service s;
	struct service_metrics mt;

	memset(&s, 0, sizeof s);
	s.ratings[5] = 2;
	s.ratings[1] = 1;
	s.ratings_n = 3;
	s.rating_min = 5;
	metrics_service(&s, &mt);
	CHECK(isnan(mt.rating_mean) && isnan(mt.rating_low) && isnan(mt.rating_high));
	CHECK(isnan(mt.rating_share_good));
	s.rating_min = 3;
	metrics_service(&s, &mt);
	/* mean 11/3, s = 2.309, t(0.975, 2) = 4.303: 3.667 ± 5.74 — clamped to the scale. */
	CHECK_NEAR(mt.rating_mean, 11.0 / 3.0, 1e-9);
	CHECK_NEAR(mt.rating_low, 1.0, 0);
	CHECK_NEAR(mt.rating_high, 5.0, 0);
	CHECK_NEAR(mt.rating_share_good, 2.0 / 3.0, 1e-12);
	/* Many ratings: an interval inside the scale stays as computed. */
	s.ratings[5] = 50;
	s.ratings[4] = 50;
	s.ratings[1] = 0;
	s.ratings_n = 100;
	metrics_service(&s, &mt);
	CHECK_NEAR(mt.rating_mean, 4.5, 1e-12);
	CHECK(mt.rating_low > 4.3 && mt.rating_high < 4.7);
}

/* A service row for the causes test: steps named, reached given. */
static void svc(struct model_service *s, const char *site, const char *service, const char *name,
               uint32_t started, uint32_t completed, uint32_t nsteps, const uint32_t *reached,
               const char *const *names)
{
	memset(s, 0, sizeof *s);
	s->site = site;
	s->service = service;
	s->name = name;
	s->started = started;
	s->completed = completed;
	s->nsteps = nsteps;
	for (uint32_t k = 0; k <= nsteps; k++) {
		s->reached[k] = reached[k];
		s->step_name[k] = names[k];
	}
}

static void test_causes_ranking(void)
{
	static const char *const names_a[] = { "Start", "Angaben", "Bezahlung" };
	static const char *const names_b[] = { "Start", "Bezahlung", "" };
	static const uint32_t reached_a[] = { 10, 10, 8 }, reached_b[] = { 6, 6, 4 };
	struct model_service services[3];
	struct model_field fields[2];
	struct model_item searches[2];
	struct model_issue rages[2];
	struct model_result r;
	struct cause *c = NULL;
	size_t n = 0;

	memset(&r, 0, sizeof r);
	/* a (site g): lost 2 at "Angaben", 3 at "Bezahlung" (last: reached 8, completed 5). */
	svc(&services[0], "g", "a", "Dienst A", 10, 5, 2, reached_a, names_a);
	/* b (site b): lost 2 at "Bezahlung" (step 1), 1 at the unnamed last step (4 - 3). */
	svc(&services[1], "b", "b", "Dienst B", 6, 3, 2, reached_b, names_b);
	/* c (site g): rated 1,1,2,5 (mean 2.25): 3 low ratings. */
	svc(&services[2], "g", "c", "Dienst C", 0, 0, 0, reached_a, names_a);
	services[2].ratings[1] = 2;
	services[2].ratings[2] = 1;
	services[2].ratings[5] = 1;
	services[2].ratings_n = 4;
	memset(fields, 0, sizeof fields);
	fields[0] = (struct model_field){ "g", "a", "iban", "format", NULL, NULL, 9, 5 };
	fields[1] = (struct model_field){ "b", "b", "plz", "required", NULL, NULL, 1, 1 };
	memset(searches, 0, sizeof searches);
	searches[0] = (struct model_item){ "g", "müll", 7, 6, 5, NAN };
	searches[1] = (struct model_item){ "g", NULL, 9, 9, 9, NAN }; /* "(weitere)": never a cause */
	rages[0] = (struct model_issue){ "g", "#weiter", 4, 2 };
	rages[1] = (struct model_issue){ "b", "#weiter", 1, 1 };
	r.services = services;
	r.nservices = 3;
	r.fields = fields;
	r.nfields = 2;
	r.searches = searches;
	r.nsearches = 2;
	r.rages = rages;
	r.nrages = 2;
	CHECK_INT(causes_build(&r, NULL, 3, &c, &n), 0);
	/* Bezahlung 3 + 2 = 5, iban:format 5 and müll 5 tie: drop, field, search. Then rating c (3),
	 * rage #weiter (3 visits), Angaben 2, then "b:2" and plz:required with 1 (drop before field). */
	CHECK_INT(n, 8);
	if (n == 8) {
		CHECK(c[0].kind == CAUSE_DROP && strcmp(c[0].key, "Bezahlung") == 0);
		CHECK_INT(c[0].affected, 5);
		CHECK_INT(c[0].sites, 2);
		CHECK_INT(c[0].services, 2);
		CHECK_INT(c[0].nplaces, 2);
		CHECK(c[0].nplaces == 2 && strcmp(c[0].places[0].service, "a") == 0 && c[0].places[0].affected == 3);
		CHECK(strstr(c[0].detail, "5 Vorgänge") != NULL && strstr(c[0].detail, "„Dienst A“") != NULL);
		CHECK(strstr(c[0].action, "Bezahlschritt") != NULL);
		CHECK(c[1].kind == CAUSE_FIELD && strcmp(c[1].key, "iban:format") == 0);
		CHECK_STR(c[1].label, "iban: Eingabe im falschen Format");
		CHECK(strstr(c[1].action, "Format") != NULL);
		CHECK(c[2].kind == CAUSE_SEARCH && strcmp(c[2].key, "müll") == 0 && c[2].services == 0);
		CHECK(c[3].kind == CAUSE_RATING && strcmp(c[3].key, "c") == 0 && c[3].affected == 3);
		CHECK(c[4].kind == CAUSE_RAGE && c[4].affected == 3 && c[4].sites == 2);
		CHECK(c[5].kind == CAUSE_DROP && strcmp(c[5].key, "Angaben") == 0 && c[5].affected == 2);
		CHECK(c[6].kind == CAUSE_DROP && strcmp(c[6].key, "b:2") == 0 && c[6].affected == 1);
		CHECK_STR(c[6].label, "Schritt 2 von „Dienst B“");
		CHECK(c[7].kind == CAUSE_FIELD && strcmp(c[7].key, "plz:required") == 0);
		CHECK_STR(causes_kind_name(c[4].kind), "rage");
	}
	causes_free(c, n);
	/* With --min-count 5 the 4 ratings of c are too few, and 3 rage visits too. */
	CHECK_INT(causes_build(&r, NULL, 5, &c, &n), 0);
	CHECK_INT(n, 6);
	for (size_t i = 0; i < n; i++)
		CHECK(c[i].kind != CAUSE_RATING && c[i].kind != CAUSE_RAGE);
	causes_free(c, n);
}

static void test_changes(void)
{
	struct changes ch;
	struct change_row *rows = NULL;
	size_t n = 0;
	char err[256];
	int64_t d1, d20, d31;
	const char *path = write_tmp("date,site,service,text\n"
				     "2026-11-11,*,a,IBAN mit Leerzeichen\n"
				     "2026-11-01,g,z,nichts dazu\n");
	struct changes_pair pairs[] = { { "b", "a" }, { "g", "a" }, { "g", "c" } };
	struct changes_day days[4];

	tz_parse_date("2026-10-20", &d1);
	tz_parse_date("2026-11-11", &d20);
	tz_parse_date("2026-11-30", &d31);
	CHECK(path != NULL && changes_load(&ch, path, err, sizeof err) == 0);
	unlink(path);
	CHECK_INT(ch.n, 2);
	/* g/a: 20 before (5 completed, the first day of the data and a day in the window),
	 * 20 after (15 completed); a day before the window and one after it do not count. */
	days[0] = (struct changes_day){ "g", "a", d1 - 5, 100, 100 };
	days[1] = (struct changes_day){ "g", "a", d1, 10, 2 };
	days[2] = (struct changes_day){ "g", "a", d20 - 1, 10, 3 };
	days[3] = (struct changes_day){ "g", "a", d20 + 28, 7, 7 };
	days[0].day = d1 - 40; /* outside the data: ignored by the window clipped to the data */
	CHECK_INT(changes_evaluate(&ch, pairs, 3, days, 4, d1, d31, &rows, &n), 0);
	/* "*" for service a: sites b and g; the specific row without data still comes. */
	CHECK_INT(n, 3);
	if (n == 3) {
		CHECK_STR(rows[0].site, "b");
		CHECK_INT(rows[0].before_started, 0);
		CHECK(isnan(rows[0].p_value));
		CHECK_STR(rows[1].site, "g");
		CHECK_INT(rows[1].before_from, d1); /* clipped: D-28 is before the data */
		CHECK_INT(rows[1].before_started, 20);
		CHECK_INT(rows[1].before_completed, 5);
		CHECK_INT(rows[1].after_started, 0); /* d20 + 28 is outside D…D+27 */
		CHECK_INT(rows[1].after_to, d20 + 19); /* clipped to the data's last day */
		CHECK_STR(rows[2].service, "z");
	}
	free(rows);
	/* The z-test: 20 before with 5, 20 after with 15. */
	days[3].day = d20 + 3;
	days[3].started = 20;
	days[3].completed = 15;
	CHECK_INT(changes_evaluate(&ch, pairs, 3, days, 4, d1, d31, &rows, &n), 0);
	if (n == 3) {
		double p = 0.5, z = (0.75 - 0.25) / sqrt(p * (1 - p) * (1.0 / 20 + 1.0 / 20));

		CHECK_NEAR(rows[1].after_rate, 0.75, 1e-12);
		CHECK_NEAR(rows[1].before_rate, 0.25, 1e-12);
		CHECK_NEAR(rows[1].p_value, erfc(z / sqrt(2.0)), 1e-12);
	}
	free(rows);
	changes_free(&ch);
}

static void test_labels(void)
{
	struct labels l;
	char err[256], out[200];
	const char *sites = write_tmp("site,name,origins\ng,Stadt Gladbeck,https://g.de\nb,Stadt Bottrop,\n");

	memset(&l, 0, sizeof l);
	CHECK(sites != NULL && labels_load_sites(&l, sites, err, sizeof err) == 0);
	unlink(sites);
	CHECK_STR(labels_site_name(&l, "g"), "Stadt Gladbeck");
	CHECK_STR(labels_site_name(&l, "b"), "Stadt Bottrop");
	CHECK_STR(labels_site_name(&l, "x"), "x");
	CHECK_STR(labels_site_name(NULL, "x"), "x");
	{
		const char *fields = write_tmp("site,service,field,label\n*,*,datum,Datum\n*,umzug,datum,Einzugsdatum\n"
					       "g,*,datum,Datum (Gladbeck)\ng,umzug,datum,Einzug in Gladbeck\n");

		CHECK(fields != NULL && labels_load_fields(&l, fields, err, sizeof err) == 0);
		unlink(fields);
	}
	CHECK_STR(labels_field(&l, "b", "x", "datum"), "Datum");
	CHECK_STR(labels_field(&l, "b", "umzug", "datum"), "Einzugsdatum");
	CHECK_STR(labels_field(&l, "g", "x", "datum"), "Datum (Gladbeck)");
	CHECK_STR(labels_field(&l, "g", "umzug", "datum"), "Einzug in Gladbeck");
	CHECK_STR(labels_field(&l, "g", "umzug", "iban"), "iban");
	{
		const char *bad = write_tmp("datum\n");

		CHECK_INT(labels_load_fields(&l, bad, err, sizeof err), -1);
		CHECK(strstr(err, ":1: expected field,label") != NULL);
		unlink(bad);
		CHECK_STR(labels_field(&l, "b", "x", "datum"), "Datum"); /* the earlier file stays */
	}
	labels_free(&l);
	CHECK_STR(labels_error_kind("required", 0), "Pflichtfeld nicht ausgefüllt");
	CHECK_STR(labels_error_kind("format", 1), "input in the wrong format");
	CHECK(labels_error_kind("mystery", 0) == NULL);
	labels_reject_reason("step: must be an integer 1..50", 0, out, sizeof out);
	CHECK_STR(out, "Schrittnummer: keine ganze Zahl von 1 bis 50");
	labels_reject_reason("service: required for flow_start", 0, out, sizeof out);
	CHECK_STR(out, "Dienstkennung: fehlt (Pflicht bei flow_start)");
	labels_reject_reason("url: must be at most 2048 bytes", 1, out, sizeof out);
	CHECK_STR(out, "page address: longer than 2048 bytes");
	labels_reject_reason("weird thing", 0, out, sizeof out);
	CHECK_STR(out, "anderer Grund: weird thing");
	labels_reject_reason("step: must be an integer 1..50", 0, out, 12);
	CHECK_STR(out, "Schrittnumm");
}

int main(void)
{
	RUN(test_transitive_flows_and_weeks);
	RUN(test_catalogue_paths);
	RUN(test_rating_honesty);
	RUN(test_causes_ranking);
	RUN(test_changes);
	RUN(test_labels);
	return test_summary("model");
}
