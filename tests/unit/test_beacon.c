/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_beacon.c — unit tests for the beacon parser (beacon.h) and its JSON
 * reader: every field rule with its boundaries, every error string, batches,
 * strict JSON and UTF-8, the pixel and import lines. It does not test the
 * reductions in depth (test_reduce.c does) or anything of HTTP.
 */
#include "../test.h"
#include "beacon.h"
#include "json.h"

static struct beacon_batch b;
static char err[BEACON_ERROR_MAX];

static enum beacon_status parse(const char *body)
{
	beacon_batch_free(&b);
	err[0] = '\0';
	return beacon_parse_body(body, strlen(body), &b, err, sizeof err);
}

/* Parses one event that must be refused; returns its error. */
static const char *reject_of(const char *body)
{
	static char copy[BEACON_ERROR_MAX];

	if (parse(body) != BEACON_OK)
		return "(whole body refused)";
	if (b.n_events != 0 || b.n_rejects != 1)
		return "(not exactly one reject)";
	snprintf(copy, sizeof copy, "%s", b.rejects[0].error);
	return copy;
}

/* Parses one event that must be accepted; returns it or NULL. */
static const struct event *event_of(const char *body)
{
	if (parse(body) != BEACON_OK || b.n_events != 1 || b.n_rejects != 0) {
		printf("  not accepted: %s -> %s\n", body, b.n_rejects ? b.rejects[0].error : err);
		return NULL;
	}
	return &b.events[0];
}

#define PV "\"site\":\"gladbeck\",\"url\":\"https://www.gladbeck.de/a\""

static void test_pageview_all_fields(void)
{
	const struct event *e = event_of(
	    "{\"site\":\"gladbeck\",\"type\":\"pageview\",\"url\":\"https://www.gladbeck.de/buergerbuero/12345?x=1#y\","
	    "\"ref\":\"https://www.google.de/search?q=x\",\"age\":1500,\"unknown\":{\"a\":[1,2,{\"b\":null}]},"
	    "\"also\":[true,false,null,-1.5e3,\"s\"]}");
	CHECK(e != NULL);
	if (e == NULL)
		return;
	CHECK_INT(e->type, EVENT_PAGEVIEW);
	CHECK_STR(e->site, "gladbeck");
	CHECK_STR(e->path, "/buergerbuero/:id");
	CHECK_STR(e->ref, "www.google.de");
	CHECK_INT(e->age_ms, 1500);
	CHECK(e->service == NULL && e->flow == NULL && e->q == NULL && e->message == NULL);
	CHECK_INT(e->step, EVENT_NO_INT);
	CHECK_INT(e->results, EVENT_NO_INT);
	CHECK_INT(e->rating, EVENT_NO_INT);
	CHECK_INT(e->ms, EVENT_NO_INT);

	e = event_of("{" PV ",\"type\":\"pageview\"}");
	CHECK(e != NULL && e->age_ms == 0 && e->ref == NULL);
	e = event_of("{" PV ",\"type\":\"pageview\",\"ref\":\"\"}");
	CHECK(e != NULL && e->ref == NULL);
	e = event_of("{" PV ",\"type\":\"pageview\",\"ref\":\"https://WWW.gladbeck.de/x/a@b.de?q\"}");
	CHECK(e != NULL);
	if (e != NULL)
		CHECK_STR(e->ref, "/x/:id");
}

static void test_every_type(void)
{
	const struct event *e;

	e = event_of("{" PV ",\"type\":\"engagement\",\"ms\":86400000}");
	CHECK(e != NULL && e->type == EVENT_ENGAGEMENT && e->ms == 86400000);
	e = event_of("{" PV ",\"type\":\"search\",\"q\":\"Wohngeld  Antrag max@web.de\",\"results\":0}");
	CHECK(e != NULL && e->type == EVENT_SEARCH && e->results == 0);
	if (e != NULL)
		CHECK_STR(e->q, "wohngeld antrag [email]");
	e = event_of("{" PV ",\"type\":\"outlink\",\"href\":\"https://www.bottrop.de/formulare/antrag.pdf?v=2\"}");
	CHECK(e != NULL && e->type == EVENT_OUTLINK);
	if (e != NULL)
		CHECK_STR(e->href, "www.bottrop.de/formulare/antrag.pdf");
	e = event_of("{" PV ",\"type\":\"flow_start\",\"service\":\"geburtsurkunde\",\"flow\":\"Ab3_-xYz\"}");
	CHECK(e != NULL && e->type == EVENT_FLOW_START);
	if (e != NULL) {
		CHECK_STR(e->service, "geburtsurkunde");
		CHECK_STR(e->flow, "Ab3_-xYz");
	}
	e = event_of("{" PV ",\"type\":\"flow_step\",\"service\":\"a.b_c-1\",\"step\":2,\"step_name\":\"Angaben zur Person\"}");
	CHECK(e != NULL && e->type == EVENT_FLOW_STEP && e->step == 2);
	if (e != NULL)
		CHECK_STR(e->step_name, "Angaben zur Person");
	e = event_of("{" PV ",\"type\":\"field_error\",\"service\":\"s\",\"field\":\"Geburts.Datum_1-x\",\"error\":\"format\",\"step\":3}");
	CHECK(e != NULL && e->type == EVENT_FIELD_ERROR && e->step == 3);
	if (e != NULL) {
		CHECK_STR(e->field, "Geburts.Datum_1-x");
		CHECK_STR(e->error, "format");
	}
	e = event_of("{" PV ",\"type\":\"flow_complete\",\"service\":\"s\"}");
	CHECK(e != NULL && e->type == EVENT_FLOW_COMPLETE);
	e = event_of("{" PV ",\"type\":\"flow_abort\",\"service\":\"s\",\"reason\":\"too_long\"}");
	CHECK(e != NULL && e->type == EVENT_FLOW_ABORT);
	if (e != NULL)
		CHECK_STR(e->reason, "too_long");
	e = event_of("{" PV ",\"type\":\"feedback\",\"rating\":5}");
	CHECK(e != NULL && e->type == EVENT_FEEDBACK && e->rating == 5 && e->service == NULL);
	e = event_of("{" PV ",\"type\":\"feedback\",\"rating\":1,\"service\":\"s\",\"reason\":\"x\"}");
	CHECK(e != NULL && e->rating == 1);
	e = event_of("{" PV ",\"type\":\"js_error\",\"message\":\"TypeError: x is 'undefined' at 12\"}");
	CHECK(e != NULL && e->type == EVENT_JS_ERROR);
	if (e != NULL)
		CHECK_STR(e->message, "TypeError: x is '…' at N");
	e = event_of("{" PV ",\"type\":\"rage_click\",\"target\":\"button#senden\"}");
	CHECK(e != NULL && e->type == EVENT_RAGE_CLICK);
	if (e != NULL)
		CHECK_STR(e->target, "button#senden");
}

static void test_required(void)
{
	const struct event *e;

	CHECK_STR(reject_of("{\"type\":\"pageview\",\"url\":\"https://a.de/\"}"), "site: required");
	CHECK_STR(reject_of("{\"site\":\"a\",\"url\":\"https://a.de/\"}"), "type: required");
	CHECK_STR(reject_of("{\"site\":\"a\",\"type\":\"pageview\"}"), "url: required");
	CHECK_STR(reject_of("{" PV ",\"type\":\"engagement\"}"), "ms: required for engagement");
	CHECK_STR(reject_of("{" PV ",\"type\":\"search\",\"results\":1}"), "q: required for search");
	CHECK_STR(reject_of("{" PV ",\"type\":\"search\",\"q\":\"x\"}"), "results: required for search");
	CHECK_STR(reject_of("{" PV ",\"type\":\"outlink\"}"), "href: required for outlink");
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_start\"}"), "service: required for flow_start");
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_step\",\"step\":1}"), "service: required for flow_step");
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_step\",\"service\":\"s\"}"), "step: required for flow_step");
	CHECK_STR(reject_of("{" PV ",\"type\":\"field_error\",\"service\":\"s\",\"error\":\"required\"}"),
	          "field: required for field_error");
	CHECK_STR(reject_of("{" PV ",\"type\":\"field_error\",\"service\":\"s\",\"field\":\"f\"}"),
	          "error: required for field_error");
	/* PROTOCOL.md revision 2: a field_error may come without service (the report finds it by path). */
	e = event_of("{" PV ",\"type\":\"field_error\",\"field\":\"f\",\"error\":\"e\"}");
	CHECK(e != NULL && e->service == NULL);
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_complete\"}"), "service: required for flow_complete");
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_abort\"}"), "service: required for flow_abort");
	CHECK_STR(reject_of("{" PV ",\"type\":\"feedback\"}"), "rating: required for feedback");
	CHECK_STR(reject_of("{" PV ",\"type\":\"js_error\"}"), "message: required for js_error");
	CHECK_STR(reject_of("{" PV ",\"type\":\"rage_click\"}"), "target: required for rage_click");
}

static void test_site_type_url(void)
{
	CHECK_STR(reject_of("{\"site\":\"\",\"type\":\"pageview\",\"url\":\"https://a.de/\"}"),
	          "site: must match [a-z0-9-]{1,32}");
	CHECK_STR(reject_of("{\"site\":\"Gladbeck\",\"type\":\"pageview\",\"url\":\"https://a.de/\"}"),
	          "site: must match [a-z0-9-]{1,32}");
	CHECK_STR(reject_of("{\"site\":\"a_b\",\"type\":\"pageview\",\"url\":\"https://a.de/\"}"),
	          "site: must match [a-z0-9-]{1,32}");
	CHECK_STR(reject_of("{\"site\":7,\"type\":\"pageview\",\"url\":\"https://a.de/\"}"),
	          "site: must match [a-z0-9-]{1,32}");
	CHECK(event_of("{\"site\":\"abcdefghijklmnopqrstuvwxyz-012345\",\"type\":\"pageview\",\"url\":\"https://a.de/\"}") == NULL);
	CHECK(event_of("{\"site\":\"abcdefghijklmnopqrstuvwxyz-01234\",\"type\":\"pageview\",\"url\":\"https://a.de/\"}") != NULL);
	CHECK_STR(reject_of("{" PV ",\"type\":\"click\"}"), "type: unknown event type");
	CHECK_STR(reject_of("{" PV ",\"type\":\"PAGEVIEW\"}"), "type: unknown event type");
	CHECK_STR(reject_of("{" PV ",\"type\":1}"), "type: unknown event type");
	CHECK_STR(reject_of("{\"site\":\"a\",\"type\":\"pageview\",\"url\":\"/relative\"}"),
	          "url: must be an absolute http(s) URL");
	CHECK_STR(reject_of("{\"site\":\"a\",\"type\":\"pageview\",\"url\":\"ftp://a.de/x\"}"),
	          "url: must be an absolute http(s) URL");
	CHECK_STR(reject_of("{\"site\":\"a\",\"type\":\"pageview\",\"url\":[\"https://a.de/\"]}"),
	          "url: must be an absolute http(s) URL");

	/* url: 2048 bytes are fine, 2049 are not. */
	char body[2300];
	char url[2100];
	memcpy(url, "https://a.de/", 13);
	memset(url + 13, 'x', 2048 - 13);
	url[2048] = '\0';
	snprintf(body, sizeof body, "{\"site\":\"a\",\"type\":\"pageview\",\"url\":\"%s\"}", url);
	CHECK(event_of(body) != NULL);
	url[2048] = 'x';
	url[2049] = '\0';
	snprintf(body, sizeof body, "{\"site\":\"a\",\"type\":\"pageview\",\"url\":\"%s\"}", url);
	CHECK_STR(reject_of(body), "url: must be at most 2048 bytes");
}

static void test_reject_keeps_valid_parts(void)
{
	CHECK_STR(reject_of("{\"site\":\"gladbeck\",\"type\":\"flow_step\",\"url\":\"https://a.de/antrag/123456?x\","
	                    "\"service\":\"s\",\"step\":51}"),
	          "step: must be an integer 1..50");
	CHECK_STR(b.rejects[0].site, "gladbeck");
	CHECK_STR(b.rejects[0].type, "flow_step");
	CHECK_STR(b.rejects[0].path, "/antrag/:id");
	CHECK_INT(b.rejects[0].index, 0);

	CHECK_STR(reject_of("{\"site\":\"Bad\",\"type\":\"nope\",\"url\":\"https://a.de/x\"}"),
	          "site: must match [a-z0-9-]{1,32}");
	CHECK(b.rejects[0].site == NULL);
	CHECK(b.rejects[0].type == NULL);
	CHECK_STR(b.rejects[0].path, "/x");

	CHECK_STR(reject_of("{\"site\":\"ok\",\"type\":\"pageview\",\"url\":\"nope\"}"),
	          "url: must be an absolute http(s) URL");
	CHECK_STR(b.rejects[0].site, "ok");
	CHECK_STR(b.rejects[0].type, "pageview");
	CHECK(b.rejects[0].path == NULL);
}

static void test_integers(void)
{
	CHECK(event_of("{" PV ",\"type\":\"flow_step\",\"service\":\"s\",\"step\":1}") != NULL);
	CHECK(event_of("{" PV ",\"type\":\"flow_step\",\"service\":\"s\",\"step\":50}") != NULL);
	const char *bad[] = {"0", "51", "-1", "\"2\"", "1.5", "2.0", "1e1", "1E0", "true", "null", "[2]", "{}",
	                     "9223372036854775808", "-9223372036854775809"};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char body[256];
		snprintf(body, sizeof body, "{" PV ",\"type\":\"flow_step\",\"service\":\"s\",\"step\":%s}", bad[i]);
		CHECK_STR(reject_of(body), "step: must be an integer 1..50");
	}
	CHECK(event_of("{" PV ",\"type\":\"pageview\",\"age\":600000}") != NULL);
	CHECK(event_of("{" PV ",\"type\":\"pageview\",\"age\":-0}") != NULL);
	CHECK_STR(reject_of("{" PV ",\"type\":\"pageview\",\"age\":600001}"), "age: must be an integer 0..600000");
	CHECK_STR(reject_of("{" PV ",\"type\":\"pageview\",\"age\":-1}"), "age: must be an integer 0..600000");
	CHECK_STR(reject_of("{" PV ",\"type\":\"engagement\",\"ms\":86400001}"), "ms: must be an integer 0..86400000");
	CHECK(event_of("{" PV ",\"type\":\"engagement\",\"ms\":0}") != NULL);
	CHECK_STR(reject_of("{" PV ",\"type\":\"feedback\",\"rating\":0}"), "rating: must be an integer 1..5");
	CHECK_STR(reject_of("{" PV ",\"type\":\"feedback\",\"rating\":6}"), "rating: must be an integer 1..5");
	CHECK_STR(reject_of("{" PV ",\"type\":\"search\",\"q\":\"x\",\"results\":-1}"), "results: must be an integer >= 0");
	const struct event *e = event_of("{" PV ",\"type\":\"search\",\"q\":\"x\",\"results\":9223372036854775807}");
	CHECK(e != NULL && e->results == INT64_MAX);
	CHECK_STR(reject_of("{" PV ",\"type\":\"search\",\"q\":\"x\",\"results\":9223372036854775808}"),
	          "results: must be an integer >= 0");
	/* A known field is checked whatever the type. */
	CHECK_STR(reject_of("{" PV ",\"type\":\"pageview\",\"step\":\"2\"}"), "step: must be an integer 1..50");
}

static void test_patterns(void)
{
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_start\",\"service\":\"Geburt\"}"),
	          "service: must match [a-z0-9._-]{1,64}");
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_start\",\"service\":\"\"}"), "service: must match [a-z0-9._-]{1,64}");
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_start\",\"service\":\"s\",\"flow\":\"1234567\"}"),
	          "flow: must match [A-Za-z0-9_-]{8,64}");
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_start\",\"service\":\"s\",\"flow\":\"1234567.\"}"),
	          "flow: must match [A-Za-z0-9_-]{8,64}");
	CHECK(event_of("{" PV ",\"type\":\"flow_start\",\"service\":\"s\",\"flow\":"
	               "\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_\"}") != NULL);
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_start\",\"service\":\"s\",\"flow\":"
	                    "\"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_x\"}"),
	          "flow: must match [A-Za-z0-9_-]{8,64}");
	CHECK_STR(reject_of("{" PV ",\"type\":\"field_error\",\"service\":\"s\",\"field\":\"a b\",\"error\":\"e\"}"),
	          "field: must match [A-Za-z0-9._-]{1,64}");
	CHECK_STR(reject_of("{" PV ",\"type\":\"field_error\",\"service\":\"s\",\"field\":\"f\",\"error\":\"Format\"}"),
	          "error: must match [a-z0-9_]{1,32}");
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_abort\",\"service\":\"s\",\"reason\":\"a-b\"}"),
	          "reason: must match [a-z0-9_]{1,32}");
}

static void test_text_fields(void)
{
	char body[1200], text[900];
	const struct event *e;

	/* 80 characters (two bytes each) pass, 81 do not. */
	for (int i = 0; i < 80; i++)
		memcpy(text + 2 * i, "\xC3\xA4", 2);
	text[160] = '\0';
	snprintf(body, sizeof body, "{" PV ",\"type\":\"rage_click\",\"target\":\"%s\"}", text);
	CHECK(event_of(body) != NULL);
	memcpy(text + 160, "x", 2);
	snprintf(body, sizeof body, "{" PV ",\"type\":\"rage_click\",\"target\":\"%s\"}", text);
	CHECK_STR(reject_of(body), "target: must be a string of at most 80 characters");
	snprintf(body, sizeof body, "{" PV ",\"type\":\"pageview\",\"step_name\":\"%s\"}", text);
	CHECK_STR(reject_of(body), "step_name: must be a string of at most 80 characters");
	CHECK_STR(reject_of("{" PV ",\"type\":\"rage_click\",\"target\":5}"),
	          "target: must be a string of at most 80 characters");

	/* Control characters are stripped; the rest stays as sent. */
	e = event_of("{" PV ",\"type\":\"flow_step\",\"service\":\"s\",\"step\":1,\"step_name\":\"A\\tB\\u007f\\n C <b>\"}");
	CHECK(e != NULL);
	if (e != NULL)
		CHECK_STR(e->step_name, "AB C <b>");

	memset(text, 'q', 200);
	text[200] = '\0';
	snprintf(body, sizeof body, "{" PV ",\"type\":\"search\",\"results\":1,\"q\":\"%s\"}", text);
	CHECK(event_of(body) != NULL);
	snprintf(body, sizeof body, "{" PV ",\"type\":\"js_error\",\"message\":\"%s\"}", text);
	CHECK(event_of(body) != NULL);
	memcpy(text + 200, "q", 2);
	snprintf(body, sizeof body, "{" PV ",\"type\":\"search\",\"results\":1,\"q\":\"%s\"}", text);
	CHECK_STR(reject_of(body), "q: must be a string of at most 200 characters");
	snprintf(body, sizeof body, "{" PV ",\"type\":\"js_error\",\"message\":\"%s\"}", text);
	CHECK_STR(reject_of(body), "message: must be a string of at most 200 characters");

	e = event_of("{" PV ",\"type\":\"search\",\"results\":3,\"q\":\"IBAN DE89 3704 0044 0532 0130 00 Tel 0201 1234567 "
	             "AZ 123456\"}");
	CHECK(e != NULL);
	if (e != NULL)
		CHECK_STR(e->q, "iban [iban] tel [tel] az [zahl]");
}

static void test_urls_in_fields(void)
{
	CHECK_STR(reject_of("{" PV ",\"type\":\"outlink\",\"href\":\"mailto:a@b.de\"}"),
	          "href: must be an absolute http(s) URL");
	CHECK_STR(reject_of("{" PV ",\"type\":\"pageview\",\"ref\":\"no url\"}"), "ref: must be an absolute URL");
	CHECK_STR(reject_of("{" PV ",\"type\":\"pageview\",\"ref\":null}"), "ref: must be an absolute URL");
	char body[2400], url[2100];
	memcpy(url, "https://b.de/", 13);
	memset(url + 13, 'x', 2049 - 13);
	url[2049] = '\0';
	snprintf(body, sizeof body, "{" PV ",\"type\":\"pageview\",\"ref\":\"%s\"}", url);
	CHECK_STR(reject_of(body), "ref: must be at most 2048 bytes");
	snprintf(body, sizeof body, "{" PV ",\"type\":\"outlink\",\"href\":\"%s\"}", url);
	CHECK_STR(reject_of(body), "href: must be at most 2048 bytes");
}

static void test_duplicates_and_limits(void)
{
	CHECK_STR(reject_of("{" PV ",\"type\":\"flow_step\",\"service\":\"s\",\"step\":1,\"step\":2}"),
	          "step: duplicate key");
	CHECK_STR(b.rejects[0].site, "gladbeck");
	CHECK_STR(reject_of("{" PV ",\"type\":\"pageview\",\"x\":1,\"x\":1}"), "duplicate key");
	/* Escapes are decoded before comparing. */
	CHECK_STR(reject_of("{" PV ",\"type\":\"pageview\",\"typ\\u0065\":\"pageview\"}"), "type: duplicate key");
	/* Keys differ by case are different keys. */
	CHECK(event_of("{" PV ",\"type\":\"pageview\",\"Type\":\"x\"}") != NULL);

	char body[2000];
	size_t n = (size_t)snprintf(body, sizeof body, "{" PV ",\"type\":\"pageview\"");
	for (int i = 0; i < 61; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, ",\"k%d\":%d", i, i);
	snprintf(body + n, sizeof body - n, "}");
	CHECK(event_of(body) != NULL); /* 64 members */
	snprintf(body + n, sizeof body - n, ",\"k99\":0}");
	CHECK_STR(reject_of(body), "event: more than 64 fields");
}

static void test_batches(void)
{
	char body[20000];
	size_t n;

	CHECK_INT(parse("[]"), BEACON_BAD);
	CHECK_STR(err, "batch: empty batch");
	CHECK_INT(parse(" [ ] "), BEACON_BAD);

	for (int count = 1; count <= 51; count += 49) {
		n = (size_t)snprintf(body, sizeof body, "[");
		for (int i = 0; i < count; i++)
			n += (size_t)snprintf(body + n, sizeof body - n, "%s{" PV ",\"type\":\"pageview\"}", i ? "," : "");
		snprintf(body + n, sizeof body - n, "]");
		CHECK_INT(parse(body), BEACON_OK);
		CHECK_INT(b.n_events, (size_t)count);
	}
	n = (size_t)snprintf(body, sizeof body, "[");
	for (int i = 0; i < 51; i++)
		n += (size_t)snprintf(body + n, sizeof body - n, "%s{}", i ? "," : "");
	snprintf(body + n, sizeof body - n, "]");
	CHECK_INT(parse(body), BEACON_TOO_MANY);
	CHECK_STR(err, "batch: more than 50 events");
	CHECK_INT(b.n_events + b.n_rejects, 0);

	/* Valid events are kept, invalid ones rejected with their index. */
	CHECK_INT(parse("[{" PV ",\"type\":\"pageview\"},1,{" PV ",\"type\":\"bad\"},{" PV ",\"type\":\"feedback\","
	                "\"rating\":4},[],{}]"),
	          BEACON_OK);
	CHECK_INT(b.n_events, 2);
	CHECK_INT(b.n_rejects, 4);
	CHECK_INT(b.events[1].rating, 4);
	CHECK_INT(b.rejects[0].index, 1);
	CHECK_STR(b.rejects[0].error, "event: must be a JSON object");
	CHECK_INT(b.rejects[1].index, 2);
	CHECK_STR(b.rejects[1].error, "type: unknown event type");
	CHECK_STR(b.rejects[1].site, "gladbeck");
	CHECK_STR(b.rejects[1].path, "/a");
	CHECK_INT(b.rejects[2].index, 4);
	CHECK_INT(b.rejects[3].index, 5);
	CHECK_STR(b.rejects[3].error, "site: required");

	/* A broken element refuses the whole body. */
	CHECK_INT(parse("[{" PV ",\"type\":\"pageview\"},{\"site\":]"), BEACON_BAD);
	CHECK_INT(b.n_events, 0);
}

/*
 * json.c scans strings eight bytes at a time: put each kind of byte that ends
 * a plain run at every position of strings of 0..40 bytes, so that it falls
 * in every lane of a word and in the byte-wise tail, and compare with what a
 * byte-by-byte reading gives.
 */
static void test_json_string_lanes(void)
{
	static const struct {
		const char *in, *out; /* as written in JSON, and decoded */
		int ok;
	} kinds[] = {
		{"\\\"", "\"", 1}, {"\\\\", "\\", 1}, {"\x7f", "\x7f", 1}, {"\xC3\xA4", "\xC3\xA4", 1},
		{"\x1f", "", 0},   {"\x01", "", 0},   {"\xFF", "", 0},
	};
	int mismatches = 0;

	for (size_t k = 0; k < sizeof kinds / sizeof kinds[0]; k++) {
		for (size_t len = 1; len <= 40; len++) {
			for (size_t pos = 0; pos < len; pos++) {
				char in[128], want[128], out[128];
				size_t n = 0, w = 0;
				struct json_reader r;
				struct json_buf buf = { out, sizeof out, 0 };
				struct json_value v;
				int rc;

				in[n++] = '"';
				for (size_t i = 0; i < len; i++) {
					const char *src = i == pos ? kinds[k].in : "a";
					const char *dec = i == pos ? kinds[k].out : "a";
					n += (size_t)sprintf(in + n, "%s", src);
					w += (size_t)sprintf(want + w, "%s", dec);
				}
				in[n++] = '"';
				json_init(&r, in, n);
				rc = json_value(&r, &buf, &v);
				if (kinds[k].ok) {
					if (rc != 0 || v.type != JSON_STRING || v.len != w ||
					    memcmp(v.s, want, w) != 0 || v.chars != len || r.p != in + n)
						mismatches++;
				} else if (rc == 0) {
					mismatches++;
				}
			}
		}
	}
	CHECK_INT(mismatches, 0);
}

static void test_json_strictness(void)
{
	const char *bad[] = {
		"", " ", "\"x\"", "1", "null", "{", "[", "{}}", "{} x", "[{}]]", "{\"a\":1,}", "{,}", "[{},]",
		"[,{}]", "{\"a\" 1}", "{\"a\":}", "{'a':1}", "{a:1}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":.5}",
		"{\"a\":-}", "{\"a\":1e}", "{\"a\":+1}", "{\"a\":NaN}", "{\"a\":tru}", "{\"a\":nul}",
		"{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{\"a\":\"\\u0000\"}", "{\"a\":\"\\ud800\"}",
		"{\"a\":\"\\udc00\\ud800\"}", "{\"a\":\"\\ud800\\u0041\"}", "{\"a\":\"tab\there\"}",
		"{\"a\":\"\xC0\xAF\"}", "{\"a\":\"\xE0\x80\xAF\"}", "{\"a\":\"\xED\xA0\x80\"}",
		"{\"a\":\"\xF4\x90\x80\x80\"}", "{\"a\":\"\xFF\"}", "{\"a\":\"\xC3\"}", "\xEF\xBB\xBF{}",
		"{\"a\":1}/*c*/", "{\"a\":\"x}",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		enum beacon_status st = parse(bad[i]);
		if (st != BEACON_BAD)
			printf("  accepted bad JSON #%zu\n", i);
		CHECK_INT(st, BEACON_BAD);
		CHECK(err[0] != '\0');
	}
	CHECK_INT(parse("{\"a\":\"\xC3\"}"), BEACON_BAD);
	CHECK_STR(err, "body: not UTF-8");
	CHECK_INT(parse("{} x"), BEACON_BAD);
	CHECK_STR(err, "body: not valid JSON (trailing garbage)");
	CHECK_INT(parse("{\"a\":\"\\u0000\"}"), BEACON_BAD);
	CHECK_STR(err, "body: not valid JSON (NUL in string)");
	CHECK_INT(parse("\"x\""), BEACON_BAD);
	CHECK_STR(err, "body: must be a JSON object or array");

	/* Good escapes and characters decode. */
	const struct event *e = event_of(" \r\n\t{" PV ",\"type\":\"rage_click\",\"target\":"
	                                 "\"\\\"\\\\\\/\\u00e4\\ud83d\\ude00\xF0\x9F\x98\x80 \xE2\x82\xAC\"} \n");
	CHECK(e != NULL);
	if (e != NULL)
		CHECK_STR(e->target, "\"\\/ä😀😀 €");
	/* A value's literal "\u0000" is refused even in an unknown field. */
	CHECK_INT(parse("{" PV ",\"type\":\"pageview\",\"x\":\"\\u0000\"}"), BEACON_BAD);
	/* A body that is not NUL-terminated is read only for len bytes. */
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_body("{}garbage", 2, &b, err, sizeof err), BEACON_OK);
	CHECK_INT(b.n_rejects, 1);
	/* err may be NULL. */
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_body("x", 1, &b, NULL, 0), BEACON_BAD);
	/* No body at all is not JSON. */
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_body(NULL, 0, &b, err, sizeof err), BEACON_BAD);
	CHECK_STR(err, "body: not valid JSON (unexpected end of input)");
}

static void test_nesting(void)
{
	char body[200];
	size_t n;

	/* Depth 32 in all (array, event object, 30 nested arrays) is fine. */
	n = (size_t)snprintf(body, sizeof body, "[{" PV ",\"type\":\"pageview\",\"x\":");
	for (int i = 0; i < 30; i++)
		body[n++] = '[';
	for (int i = 0; i < 30; i++)
		body[n++] = ']';
	memcpy(body + n, "}]", 3);
	CHECK_INT(parse(body), BEACON_OK);
	CHECK_INT(b.n_events, 1);
	/* Depth 33 is refused. */
	n = (size_t)snprintf(body, sizeof body, "[{" PV ",\"type\":\"pageview\",\"x\":");
	for (int i = 0; i < 31; i++)
		body[n++] = '[';
	for (int i = 0; i < 31; i++)
		body[n++] = ']';
	memcpy(body + n, "}]", 3);
	CHECK_INT(parse(body), BEACON_BAD);
	CHECK_STR(err, "body: not valid JSON (nesting deeper than 32)");
	/* Deep garbage fails fast without recursion. */
	static char deep[100001];
	memset(deep, '[', sizeof deep - 1);
	CHECK_INT(parse(deep), BEACON_BAD);
	/* Mismatched brackets in a skipped value. */
	CHECK_INT(parse("{" PV ",\"type\":\"pageview\",\"x\":[{]}]}"), BEACON_BAD);
	CHECK_INT(parse("{" PV ",\"type\":\"pageview\",\"x\":{\"a\":[1,{\"b\":2}],\"c\":{}}}"), BEACON_OK);
	CHECK_INT(b.n_events, 1);
}

static void test_pixel(void)
{
	struct beacon_kv kv[] = {
		{"site", "gladbeck"}, {"type", "pageview"}, {"url", "https://www.gladbeck.de/x/12345?a=1"},
		{"ref", "https://www.bing.com/search?q=x"}, {"_", "1732550000"},
	};
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_pixel(kv, 5, &b, err, sizeof err), BEACON_OK);
	CHECK_INT(b.n_events, 1);
	if (b.n_events == 1) {
		CHECK_STR(b.events[0].site, "gladbeck");
		CHECK_STR(b.events[0].path, "/x/:id");
		CHECK_STR(b.events[0].ref, "www.bing.com");
		CHECK_INT(b.events[0].type, EVENT_PAGEVIEW);
		/* The batch owns copies, not the caller's strings. */
		CHECK(b.events[0].site != kv[0].value);
	}

	struct beacon_kv search[] = {{"site", "a"}, {"type", "search"}, {"url", "https://a.de/"}};
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_pixel(search, 3, &b, err, sizeof err), BEACON_OK);
	CHECK_INT(b.n_rejects, 1);
	if (b.n_rejects == 1)
		CHECK_STR(b.rejects[0].error, "type: must be pageview");

	struct beacon_kv notype[] = {{"site", "a"}, {"url", "https://a.de/"}, {NULL, "x"}, {"q", NULL}};
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_pixel(notype, 4, &b, err, sizeof err), BEACON_OK);
	CHECK_INT(b.n_rejects, 1);
	if (b.n_rejects == 1)
		CHECK_STR(b.rejects[0].error, "type: required");

	struct beacon_kv dup[] = {{"site", "a"}, {"type", "pageview"}, {"url", "https://a.de/"}, {"site", "b"}};
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_pixel(dup, 4, &b, err, sizeof err), BEACON_OK);
	if (b.n_rejects == 1)
		CHECK_STR(b.rejects[0].error, "site: duplicate key");

	struct beacon_kv utf[] = {{"site", "a"}, {"type", "pageview"}, {"url", "https://a.de/\xC3("}};
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_pixel(utf, 3, &b, err, sizeof err), BEACON_OK);
	if (b.n_rejects == 1)
		CHECK_STR(b.rejects[0].error, "url: must be valid UTF-8");

	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_pixel(NULL, 0, &b, err, sizeof err), BEACON_OK);
	if (b.n_rejects == 1)
		CHECK_STR(b.rejects[0].error, "site: required");
}

static void test_import_line(void)
{
	struct beacon_import_line meta;
	const char *line = "{\"time\":\"2026-11-19T10:15:00+01:00\",\"client\":\"203.0.113.7\",\"ua\":\"Mozilla/5.0 X\","
	                   "\"origin\":\"https://www.gladbeck.de\",\"extra\":[1],\"event\":{" PV ",\"type\":\"pageview\"}}";

	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_import_line(line, strlen(line), &meta, &b, err, sizeof err), BEACON_OK);
	CHECK_INT(meta.time_ms, 1795079700000LL);
	CHECK_STR(meta.client, "203.0.113.7");
	CHECK_STR(meta.ua, "Mozilla/5.0 X");
	CHECK_STR(meta.origin, "https://www.gladbeck.de");
	CHECK_INT(b.n_events, 1);

	line = "{\"event\":{" PV ",\"type\":\"nope\"},\"time\":\"2026-11-19T09:15:00Z\"}";
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_import_line(line, strlen(line), &meta, &b, err, sizeof err), BEACON_OK);
	CHECK(meta.client == NULL && meta.ua == NULL && meta.origin == NULL);
	CHECK_INT(b.n_rejects, 1);
	if (b.n_rejects == 1)
		CHECK_STR(b.rejects[0].error, "type: unknown event type");

	line = "{\"time\":\"2026-11-19T09:15:00Z\",\"event\":[1]}";
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_import_line(line, strlen(line), &meta, &b, err, sizeof err), BEACON_OK);
	if (b.n_rejects == 1)
		CHECK_STR(b.rejects[0].error, "event: must be a JSON object");

	struct {
		const char *line, *why;
	} bad[] = {
		{"{\"event\":{}}", "time: required"},
		{"{\"time\":\"2026-11-19T09:15:00Z\"}", "event: required"},
		{"{\"time\":\"yesterday\",\"event\":{}}", "time: must be an RFC 3339 time"},
		{"{\"time\":1,\"event\":{}}", "time: must be an RFC 3339 time"},
		{"{\"time\":\"2026-11-19T09:15:00Z\",\"ua\":5,\"event\":{}}", "ua: must be a string of at most 2048 bytes"},
		{"{\"time\":\"2026-11-19T09:15:00Z\",\"time\":\"2026-11-19T09:15:00Z\",\"event\":{}}", "time: duplicate key"},
		{"[]", "line: must be a JSON object"},
		{"{\"time\":\"2026-11-19T09:15:00Z\",\"event\":{}} x", "line: not valid JSON (trailing garbage)"},
		{"{\"time\":\"2026-11-19T09:15:00Z\",\"event\":{\"a\":\"\xFF\"}}", "line: not UTF-8"},
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		beacon_batch_free(&b);
		err[0] = '\0';
		CHECK_INT(beacon_parse_import_line(bad[i].line, strlen(bad[i].line), &meta, &b, err, sizeof err),
		          BEACON_BAD);
		CHECK_STR(err, bad[i].why);
	}

	/* Meta strings up to 2048 bytes. */
	static char big[2300];
	size_t n = (size_t)snprintf(big, sizeof big, "{\"time\":\"2026-11-19T09:15:00Z\",\"event\":{},\"client\":\"");
	memset(big + n, 'c', 2048);
	memcpy(big + n + 2048, "\"}", 3);
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_import_line(big, strlen(big), &meta, &b, err, sizeof err), BEACON_OK);
	CHECK_INT(strlen(meta.client), 2048);
	memcpy(big + n + 2048, "c\"}", 4);
	beacon_batch_free(&b);
	CHECK_INT(beacon_parse_import_line(big, strlen(big), &meta, &b, err, sizeof err), BEACON_BAD);
}

static void test_batch_edits(void)
{
	CHECK_INT(parse("[{" PV ",\"type\":\"pageview\"},{\"x\":1},{\"site\":\"other\",\"type\":\"search\","
	                "\"url\":\"https://a.de/s\",\"q\":\"x\",\"results\":1},{" PV ",\"type\":\"pageview\"}]"),
	          BEACON_OK);
	CHECK_INT(b.n_events, 3);
	CHECK_INT(b.n_rejects, 1);
	/* Event 1 (batch index 2) becomes a reject, placed in batch order. */
	CHECK_INT(beacon_batch_reject_event(&b, 1, "site: not a site of this collector (--sites)"), 0);
	CHECK_INT(b.n_events, 2);
	CHECK_INT(b.n_rejects, 2);
	CHECK_INT(b.rejects[0].index, 1);
	CHECK_INT(b.rejects[1].index, 2);
	CHECK_STR(b.rejects[1].error, "site: not a site of this collector (--sites)");
	CHECK_STR(b.rejects[1].site, "other");
	CHECK_STR(b.rejects[1].type, "search");
	CHECK_STR(b.rejects[1].path, "/s");
	CHECK_INT(beacon_batch_reject_event(&b, 0, "x"), 0);
	CHECK_INT(b.rejects[0].index, 0);
	CHECK_INT(beacon_batch_reject_event(&b, 0, "y"), 0);
	CHECK_INT(b.rejects[3].index, 3);
	CHECK_INT(b.n_events, 0);
	CHECK_INT(beacon_batch_reject_event(&b, 0, "z"), -1);

	beacon_batch_free(&b);
	CHECK_INT(beacon_batch_add_body_reject(&b, "body: not valid JSON (trailing garbage)"), 0);
	CHECK_INT(b.n_rejects, 1);
	CHECK_INT(b.n_events, 0);
	CHECK_STR(b.rejects[0].error, "body: not valid JSON (trailing garbage)");
	CHECK(b.rejects[0].site == NULL && b.rejects[0].type == NULL && b.rejects[0].path == NULL);
	beacon_batch_free(&b);
	beacon_batch_free(&b);
	CHECK(b.events == NULL && b.n_events == 0);
}

int main(void)
{
	RUN(test_pageview_all_fields);
	RUN(test_every_type);
	RUN(test_required);
	RUN(test_site_type_url);
	RUN(test_reject_keeps_valid_parts);
	RUN(test_integers);
	RUN(test_patterns);
	RUN(test_text_fields);
	RUN(test_urls_in_fields);
	RUN(test_duplicates_and_limits);
	RUN(test_batches);
	RUN(test_json_strictness);
	RUN(test_json_string_lanes);
	RUN(test_nesting);
	RUN(test_pixel);
	RUN(test_import_line);
	RUN(test_batch_edits);
	beacon_batch_free(&b);
	return test_summary("beacon");
}
