/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * beacon.c — the beacon parser of beacon.h: reads a POST body, the pixel's
 * query parameters or an import line, checks every field against the table
 * in PROTOCOL.md ("Event fields") and applies the privacy reductions of
 * reduce.h, so that what leaves here is fit for the disk. One pass over the
 * input and one allocation per request: a block holding the event and reject
 * arrays and the arena that every string points into.
 *
 * It deliberately knows nothing of HTTP, sites lists, origins, clocks, visit
 * keys or the database: the caller adds those.
 *
 * Decisions beyond the table (the table's "required for" column decides what
 * is required; every known field is checked wherever it appears and stored
 * when valid, whatever the type):
 *  - Required: site, type, url for all; service for flow_start, flow_step,
 *    flow_complete and flow_abort (not for field_error: the report finds
 *    its service from the page's path); step for flow_step; field and
 *    error for field_error; q and results for search; href for outlink;
 *    rating for feedback; ms for engagement; message for js_error; target for
 *    rage_click. Everything else is optional.
 *  - JSON null is a value of the wrong type, not an absent field.
 *  - An empty ref ("", what document.referrer is without a referrer) counts
 *    as absent. ref may have any scheme with an authority
 *    ("android-app://…"); href must be http(s).
 *  - step_name and target are folded and redacted (reduce_label), message
 *    held to its shape (reduce_message: "message: must be NAME or NAME
 *    PATH:LINE:COL"); the limits in characters count code points of the
 *    value as sent.
 *  - flow, field and reason that are all one IBAN passing the mod-97 check
 *    are refused ("field: must not be an IBAN"), after the pattern check.
 *  - Errors name the field and the rule: "site: must match [a-z0-9-]{1,32}",
 *    "type: unknown event type", "url: must be an absolute http(s) URL",
 *    "url: must be at most 2048 bytes", "service: required for flow_start",
 *    "site: required", "step: duplicate key" (a known key; "duplicate key"
 *    for others: keys are raw input and never reach the rejects table),
 *    "event: must be a JSON object", "event: more than 64 fields". Whole
 *    requests: "body: not valid JSON (<reason>)", "body: not UTF-8",
 *    "body: must be a JSON object or array", "batch: empty batch",
 *    "batch: more than 50 events"; import lines "line: …", "time: …",
 *    "event: required".
 *  - The pixel takes site, type, url and ref and ignores other parameters;
 *    any type but pageview gives "type: must be pageview"; a value that is
 *    not UTF-8 gives "<key>: must be valid UTF-8".
 */
#include "beacon.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "json.h"
#include "redact.h"
#include "reduce.h"
#include "tz.h"

#define EVENT_MAX_MEMBERS 64
#define IMPORT_META_MAX 2048
/* Inputs beyond this are refused before sizing the arena (the collector's
 * --max-body is far smaller). */
#define BEACON_INPUT_MAX ((size_t)16 << 20)

/* The parser's field table is fields.def's (fields.h): one row per field. */
_Static_assert(EVENT_SITE_MAX == 32, "the site field's message says {1,32}");

#define spec_of(f) (&fields_table[(f)])

/*
 * The known fields of one event as read, before any check. Only present,
 * refusal and pixel start zeroed (raw_init): a value is read only where
 * present says it was set.
 */
struct raw_event {
	unsigned char present[FIELD_COUNT];
	int pixel;                       /* type must be pageview */
	char refusal[BEACON_ERROR_MAX]; /* found while reading: duplicate key, too many fields */
	struct json_value v[FIELD_COUNT];
};

static void raw_init(struct raw_event *raw)
{
	memset(raw, 0, offsetof(struct raw_event, v));
}

/* ---- the batch block ------------------------------------------------------ */

/*
 * Allocates the one block of a batch: max_events events, as many rejects,
 * the batch index of each event (for beacon_batch_reject_event), and an
 * arena for input_len bytes of input. Each element of a batch becomes
 * exactly one event or one reject, so the arrays never overflow. Strings decoded from the input
 * take at most its size; the reductions write at most twice a field's
 * decoded size plus a few bytes ("/@" → "/:id", "" → "/"; folding and
 * redaction of text 9/5, reduce.h).
 * Returns 0, or -1 when out of memory (the batch stays zeroed).
 */
static int batch_alloc(struct beacon_batch *b, size_t max_events, size_t input_len)
{
	size_t ev_bytes = max_events * sizeof(struct event);
	size_t rj_bytes = max_events * sizeof(struct beacon_reject);
	size_t ix_bytes = max_events * sizeof(size_t);
	size_t arena_cap = 3 * input_len + 64 * max_events + 256;
	char *block;

	/* Rejects and indices follow the events: keep them aligned. */
	_Static_assert(sizeof(struct event) % _Alignof(struct beacon_reject) == 0, "reject alignment");
	_Static_assert(sizeof(struct beacon_reject) % _Alignof(size_t) == 0, "index alignment");
	block = malloc(ev_bytes + rj_bytes + ix_bytes + arena_cap);
	if (block == NULL)
		return -1;
	b->events = (struct event *)(void *)block;
	b->rejects = (struct beacon_reject *)(void *)(block + ev_bytes);
	b->arena = block + ev_bytes + rj_bytes + ix_bytes;
	b->arena_cap = arena_cap;
	b->arena_used = 0;
	b->n_events = 0;
	b->n_rejects = 0;
	return 0;
}

/* How many events (and rejects) the batch's block has room for. */
static size_t batch_slots(const struct beacon_batch *b)
{
	if (b->events == NULL)
		return 0;
	return (size_t)((const char *)b->rejects - (const char *)b->events) / sizeof(struct event);
}

/* The batch index of each event, parallel to b->events. */
static size_t *event_index(const struct beacon_batch *b)
{
	return (size_t *)(void *)((char *)b->rejects + batch_slots(b) * sizeof(struct beacon_reject));
}

void beacon_batch_free(struct beacon_batch *batch)
{
	if (batch == NULL)
		return;
	free(batch->events); /* the start of the one block */
	memset(batch, 0, sizeof *batch);
}

static void put_err(char *err, size_t errlen, const char *why)
{
	if (err == NULL || errlen == 0)
		return;
	if (why[0] == '\0')
		err[0] = '\0'; /* the common case, once per line or body: no snprintf */
	else
		snprintf(err, errlen, "%s", why);
}

/* Sets a per-event error unless one is already set. */
static void event_err(char *err, const char *field, const char *rule)
{
	if (err[0] == '\0')
		snprintf(err, BEACON_ERROR_MAX, "%s: %s", field, rule);
}

/* Inserts a reject, keeping the rejects in batch order. Returns 0, or -1 when full. */
static int add_reject(struct beacon_batch *b, size_t index, const char *error, const char *site,
                      const char *type, const char *path)
{
	size_t at = b->n_rejects;
	struct beacon_reject *rj;

	if (b->n_events + b->n_rejects >= batch_slots(b))
		return -1;
	while (at > 0 && b->rejects[at - 1].index > index)
		at--;
	memmove(&b->rejects[at + 1], &b->rejects[at], (b->n_rejects - at) * sizeof *rj);
	b->n_rejects++;
	rj = &b->rejects[at];
	rj->index = index;
	snprintf(rj->error, sizeof rj->error, "%s", error);
	rj->site = site;
	rj->type = type;
	rj->path = path;
	return 0;
}

/* ---- field checks --------------------------------------------------------- */

static int in_classes(unsigned char c, unsigned classes)
{
	if (c >= 'a' && c <= 'z')
		return (classes & FC_LOWER) != 0;
	if (c >= 'A' && c <= 'Z')
		return (classes & FC_UPPER) != 0;
	if (c >= '0' && c <= '9')
		return (classes & FC_DIGIT) != 0;
	if (c == '-')
		return (classes & FC_DASH) != 0;
	if (c == '.')
		return (classes & FC_DOT) != 0;
	if (c == '_')
		return (classes & FC_UNDER) != 0;
	return 0;
}

static int matches(const struct json_value *v, const struct field_def *spec)
{
	if (v->type != JSON_STRING || v->len < spec->min || v->len > spec->max)
		return 0;
	for (size_t i = 0; i < v->len; i++) {
		if (!in_classes((unsigned char)v->s[i], spec->classes))
			return 0;
	}
	return 1;
}

/* Free space at the end of the arena. */
static char *room(struct beacon_batch *b, size_t *cap)
{
	*cap = b->arena_cap - b->arena_used;
	return b->arena + b->arena_used;
}

/* Keeps the NUL-terminated string just written at the arena's end. */
static const char *keep(struct beacon_batch *b)
{
	char *s = b->arena + b->arena_used;

	b->arena_used += strlen(s) + 1;
	return s;
}

static void set_str(struct event *ev, size_t offset, const char *s)
{
	memcpy((char *)ev + offset, &s, sizeof s);
}

static void set_int(struct event *ev, size_t offset, int64_t v)
{
	memcpy((char *)ev + offset, &v, sizeof v);
}

/*
 * Checks one optional-or-required field other than site, type and url and
 * stores it in ev. Returns 0, or -1 with err set. host is the page's host
 * (for ref). *nomem is set when the arena was too small (a sizing bug).
 */
static int check_field(struct beacon_batch *b, const struct raw_event *raw, int f, enum event_type type,
                       const char *host, struct event *ev, char *err, int *nomem)
{
	const struct field_def *spec = spec_of(f);
	const struct json_value *v = &raw->v[f];
	size_t cap;
	char *out;
	int rc = 0;

	if (!raw->present[f]) {
		if (spec->required & FT(type)) {
			char rule[48];
			snprintf(rule, sizeof rule, "required for %s", event_type_name(type));
			event_err(err, spec->wire, rule);
			return -1;
		}
		return 0;
	}
	switch (spec->kind) {
	case FK_PATTERN:
	case FK_NAME:
		if (!matches(v, spec))
			goto bad;
		if (spec->kind == FK_NAME && redact_is_iban(v->s, v->len)) {
			event_err(err, spec->wire, "must not be an IBAN");
			return -1;
		}
		set_str(ev, spec->offset, v->s);
		return 0;
	case FK_INT:
		if (v->type != JSON_NUMBER || !v->is_int || v->i < spec->lo || v->i > spec->hi)
			goto bad;
		set_int(ev, spec->offset, v->i);
		return 0;
	case FK_TEXT:
		if (v->type != JSON_STRING || v->chars > spec->max)
			goto bad;
		out = room(b, &cap);
		if (reduce_label(v->s, v->len, out, cap) != 0)
			goto full;
		set_str(ev, spec->offset, keep(b));
		return 0;
	case FK_REF:
		if (v->type != JSON_STRING)
			goto bad;
		if (v->len == 0)
			return 0;
		if (v->len > REDUCE_URL_MAX) {
			event_err(err, spec->wire, "must be at most 2048 bytes");
			return -1;
		}
		out = room(b, &cap);
		rc = reduce_ref(v->s, v->len, host, out, cap);
		break;
	case FK_HREF:
		if (v->type != JSON_STRING)
			goto bad;
		if (v->len > REDUCE_URL_MAX) {
			event_err(err, spec->wire, "must be at most 2048 bytes");
			return -1;
		}
		out = room(b, &cap);
		rc = reduce_href(v->s, v->len, out, cap);
		/* An href that is a valid URL cannot fail for want of room. */
		break;
	case FK_QUERY:
		if (v->type != JSON_STRING || v->chars > spec->max)
			goto bad;
		out = room(b, &cap);
		if (reduce_query(v->s, v->len, out, cap) != 0)
			goto full;
		break;
	case FK_MESSAGE:
		if (v->type != JSON_STRING || v->chars > spec->max)
			goto bad;
		out = room(b, &cap);
		/* The output fits (twice the input at most, batch_alloc): a failure is the shape. */
		if (reduce_message(v->s, v->len, out, cap) != 0) {
			event_err(err, spec->wire, "must be NAME or NAME PATH:LINE:COL");
			return -1;
		}
		break;
	default:
		goto bad;
	}
	if (rc != 0)
		goto bad;
	set_str(ev, spec->offset, keep(b));
	return 0;
bad:
	event_err(err, spec->wire, spec->rule);
	return -1;
full:
	*nomem = 1;
	event_err(err, spec->wire, "out of memory");
	return -1;
}

/*
 * Turns the raw fields of one event into an event or a reject appended to
 * b. The reject keeps site, type and reduced path where those were valid.
 * Returns BEACON_OK, or BEACON_NOMEM when the arena was too small.
 */
static enum beacon_status build_event(struct beacon_batch *b, const struct raw_event *raw, size_t index)
{
	struct event ev;
	char err[BEACON_ERROR_MAX];
	char host[REDUCE_URL_MAX + 1];
	const char *type_name = NULL;
	enum event_type type = EVENT_PAGEVIEW;
	int nomem = 0;
	const struct json_value *v;

	memset(&ev, 0, sizeof ev);
	ev.step = ev.results = ev.rating = ev.ms = EVENT_NO_INT;
	if (raw->refusal[0] != '\0')
		snprintf(err, sizeof err, "%s", raw->refusal);
	else
		err[0] = '\0';
	host[0] = '\0';

	v = &raw->v[FIELD_site];
	if (!raw->present[FIELD_site])
		event_err(err, "site", "required");
	else if (!matches(v, spec_of(FIELD_site)))
		event_err(err, "site", spec_of(FIELD_site)->rule);
	else
		ev.site = v->s;

	v = &raw->v[FIELD_type];
	if (!raw->present[FIELD_type])
		event_err(err, "type", "required");
	else if (v->type != JSON_STRING || event_type_from_name(v->s, v->len, &type) != 0)
		event_err(err, "type", spec_of(FIELD_type)->rule);
	else if (raw->pixel && type != EVENT_PAGEVIEW)
		event_err(err, "type", "must be pageview");
	else
		type_name = event_type_name(type);

	v = &raw->v[FIELD_path];
	if (!raw->present[FIELD_path]) {
		event_err(err, "url", "required");
	} else if (v->type != JSON_STRING) {
		event_err(err, "url", spec_of(FIELD_path)->rule);
	} else if (v->len > REDUCE_URL_MAX) {
		event_err(err, "url", "must be at most 2048 bytes");
	} else {
		size_t cap;
		char *out = room(b, &cap);
		if (reduce_url(v->s, v->len, out, cap, host, sizeof host) != 0)
			event_err(err, "url", spec_of(FIELD_path)->rule);
		else
			ev.path = keep(b);
	}

	/* The other fields in table order: the first broken rule is the one reported. */
	for (int f = FIELD_ref; f < FIELD_COUNT && err[0] == '\0' && type_name != NULL; f++) {
		if (raw->present[f] || (spec_of(f)->required & FT(type)))
			check_field(b, raw, f, type, host, &ev, err, &nomem);
	}
	if (nomem)
		return BEACON_NOMEM;
	if (err[0] != '\0') {
		add_reject(b, index, err, ev.site, type_name, ev.path);
		return BEACON_OK;
	}
	ev.type = type;
	event_index(b)[b->n_events] = index;
	b->events[b->n_events++] = ev;
	return BEACON_OK;
}

int beacon_batch_reject_event(struct beacon_batch *batch, size_t i, const char *error)
{
	struct event ev;
	size_t *ix;
	size_t index;

	if (batch == NULL || i >= batch->n_events)
		return -1;
	ix = event_index(batch);
	ev = batch->events[i];
	index = ix[i];
	memmove(&batch->events[i], &batch->events[i + 1], (batch->n_events - i - 1) * sizeof ev);
	memmove(&ix[i], &ix[i + 1], (batch->n_events - i - 1) * sizeof *ix);
	batch->n_events--;
	/* The slot the event left makes room for its reject. */
	return add_reject(batch, index, error != NULL ? error : "", ev.site, event_type_name(ev.type), ev.path);
}

int beacon_batch_add_body_reject(struct beacon_batch *batch, const char *error)
{
	if (batch == NULL)
		return -1;
	if (batch->events == NULL && batch_alloc(batch, 1, 0) != 0)
		return -1;
	return add_reject(batch, 0, error != NULL ? error : "", NULL, NULL, NULL);
}

/* ---- reading JSON events -------------------------------------------------- */

static int field_lookup(const char *key, size_t len)
{
	if (len == 0)
		return -1;
	for (int f = 0; f < FIELD_COUNT; f++) {
		const char *w = fields_table[f].wire;

		/* The first byte decides for most rows ("" for those no beacon sends). */
		if (w[0] == key[0] && event_name_is(w, key, len))
			return f;
	}
	return -1;
}

static enum beacon_status json_status(const struct json_reader *r)
{
	return r->nomem ? BEACON_NOMEM : BEACON_BAD;
}

/*
 * Reads the event object at r's position into b (as an event or a reject at
 * index). Returns BEACON_OK, or BEACON_BAD / BEACON_NOMEM when the JSON
 * itself is broken (r->error says why).
 */
static enum beacon_status parse_event(struct json_reader *r, struct beacon_batch *b, size_t index)
{
	struct raw_event raw;
	struct json_buf buf;
	const char *keys[EVENT_MAX_MEMBERS];
	size_t key_lens[EVENT_MAX_MEMBERS];
	size_t n_keys = 0;
	struct json_value skipped;

	raw_init(&raw);
	buf.base = b->arena;
	buf.cap = b->arena_cap;
	buf.used = b->arena_used;
	if (json_enter(r) != 0)
		return json_status(r);
	for (;;) {
		const char *key;
		size_t key_len;
		int more, f;

		if (json_next_member(r, &buf, &key, &key_len, &more) != 0)
			return json_status(r);
		if (!more)
			break;
		f = field_lookup(key, key_len);
		if (raw.refusal[0] == '\0') {
			if (n_keys == EVENT_MAX_MEMBERS) {
				snprintf(raw.refusal, sizeof raw.refusal, "event: more than %d fields",
				         EVENT_MAX_MEMBERS);
			}
			for (size_t k = 0; k < n_keys && raw.refusal[0] == '\0'; k++) {
				if (key_lens[k] == key_len && memcmp(keys[k], key, key_len) == 0) {
					if (f >= 0)
						snprintf(raw.refusal, sizeof raw.refusal, "%s: duplicate key",
						         fields_table[f].wire);
					else
						snprintf(raw.refusal, sizeof raw.refusal, "duplicate key");
				}
			}
			if (raw.refusal[0] == '\0') {
				keys[n_keys] = key;
				key_lens[n_keys++] = key_len;
			}
		}
		if (f >= 0 && raw.refusal[0] == '\0') {
			if (json_value(r, &buf, &raw.v[f]) != 0)
				return json_status(r);
			raw.present[f] = 1;
		} else if (json_value(r, NULL, &skipped) != 0) {
			return json_status(r);
		}
	}
	b->arena_used = buf.used;
	return build_event(b, &raw, index);
}

/* Why a body or an import line (what) is not JSON, or out of memory. */
static void json_err(const struct json_reader *r, enum beacon_status rc, const char *what, char *err,
                     size_t errlen)
{
	char why[96];

	if (rc == BEACON_NOMEM)
		snprintf(why, sizeof why, "out of memory");
	else if (r->error != NULL && strcmp(r->error, "invalid UTF-8") == 0)
		snprintf(why, sizeof why, "%s: not UTF-8", what);
	else
		snprintf(why, sizeof why, "%s: not valid JSON (%s)", what, r->error ? r->error : "?");
	put_err(err, errlen, why);
}

enum beacon_status beacon_parse_body(const char *body, size_t len, struct beacon_batch *out, char *err,
                                     size_t errlen)
{
	struct json_reader r;
	enum json_type t;
	enum beacon_status rc = BEACON_BAD;
	size_t index = 0;
	int more;

	memset(out, 0, sizeof *out);
	put_err(err, errlen, "");
	if (body == NULL)
		len = 0;
	if (len > BEACON_INPUT_MAX) {
		put_err(err, errlen, "body: too large");
		goto out;
	}
	json_init(&r, body != NULL ? body : "", len);
	if (json_peek(&r, &t) != 0) {
		json_err(&r, rc, "body", err, errlen);
		goto out;
	}
	if (t != JSON_OBJECT && t != JSON_ARRAY) {
		put_err(err, errlen, "body: must be a JSON object or array");
		goto out;
	}
	if (batch_alloc(out, t == JSON_ARRAY ? BEACON_MAX_EVENTS : 1, len) != 0) {
		rc = BEACON_NOMEM;
		put_err(err, errlen, "out of memory");
		goto out;
	}
	if (t == JSON_OBJECT) {
		rc = parse_event(&r, out, 0);
		if (rc != BEACON_OK)
			goto json_fail;
	} else {
		if (json_enter(&r) != 0)
			goto json_fail;
		for (;;) {
			if (json_next_element(&r, &more) != 0)
				goto json_fail;
			if (!more)
				break;
			if (index == BEACON_MAX_EVENTS) {
				rc = BEACON_TOO_MANY;
				put_err(err, errlen, "batch: more than 50 events");
				goto out;
			}
			if (json_peek(&r, &t) != 0)
				goto json_fail;
			if (t == JSON_OBJECT) {
				rc = parse_event(&r, out, index);
				if (rc != BEACON_OK)
					goto json_fail;
			} else {
				struct json_value skipped;
				if (json_value(&r, NULL, &skipped) != 0)
					goto json_fail;
				add_reject(out, index, "event: must be a JSON object", NULL, NULL, NULL);
			}
			index++;
		}
		if (index == 0) {
			rc = BEACON_BAD;
			put_err(err, errlen, "batch: empty batch");
			goto out;
		}
	}
	if (json_finish(&r) != 0)
		goto json_fail;
	rc = BEACON_OK;
	goto out;
json_fail:
	/* A full arena in build_event is not a JSON error: keep its status. */
	if (rc != BEACON_NOMEM)
		rc = json_status(&r);
	json_err(&r, rc, "body", err, errlen);
out:
	if (rc != BEACON_OK) {
		out->n_events = 0;
		out->n_rejects = 0;
	}
	return rc;
}

/* ---- the pixel ------------------------------------------------------------ */

enum beacon_status beacon_parse_pixel(const struct beacon_kv *kv, size_t n, struct beacon_batch *out, char *err,
                                      size_t errlen)
{
	static const int pixel_fields[] = {FIELD_site, FIELD_type, FIELD_path, FIELD_ref};
	struct raw_event raw;
	size_t total = 0;
	enum beacon_status rc = BEACON_BAD;

	memset(out, 0, sizeof *out);
	raw_init(&raw);
	put_err(err, errlen, "");
	raw.pixel = 1;
	if (kv == NULL && n > 0) {
		put_err(err, errlen, "query: no parameters");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		if (kv[i].key != NULL)
			total += strlen(kv[i].key) + 1;
		if (kv[i].value != NULL)
			total += strlen(kv[i].value) + 1;
		if (total > BEACON_INPUT_MAX) {
			put_err(err, errlen, "query: too large");
			goto out;
		}
	}
	if (batch_alloc(out, 1, total) != 0) {
		rc = BEACON_NOMEM;
		put_err(err, errlen, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		const char *value = kv[i].value != NULL ? kv[i].value : "";
		size_t len = strlen(value), chars = 0;
		int f = -1;
		struct json_value *v;

		for (size_t k = 0; kv[i].key != NULL && f < 0 && k < sizeof pixel_fields / sizeof pixel_fields[0]; k++) {
			if (strcmp(kv[i].key, fields_table[pixel_fields[k]].wire) == 0)
				f = pixel_fields[k];
		}
		if (f < 0 || raw.refusal[0] != '\0')
			continue;
		if (raw.present[f]) {
			snprintf(raw.refusal, sizeof raw.refusal, "%s: duplicate key", fields_table[f].wire);
			continue;
		}
		if (json_utf8_check(value, len, &chars) != 0) {
			snprintf(raw.refusal, sizeof raw.refusal, "%s: must be valid UTF-8", fields_table[f].wire);
			continue;
		}
		/* The batch owns its strings: copy the value into the arena. */
		v = &raw.v[f];
		v->type = JSON_STRING;
		v->s = out->arena + out->arena_used;
		v->len = len;
		v->chars = chars;
		memcpy(out->arena + out->arena_used, value, len + 1);
		out->arena_used += len + 1;
		raw.present[f] = 1;
	}
	rc = build_event(out, &raw, 0);
out:
	if (rc != BEACON_OK) {
		out->n_events = 0;
		out->n_rejects = 0;
	}
	return rc;
}

/* ---- import lines ----------------------------------------------------------- */

/* Reads an optional meta string (client, ua, origin) into *dst. */
static int read_meta(struct json_reader *r, struct json_buf *buf, const char **dst)
{
	struct json_value v;

	if (json_value(r, buf, &v) != 0)
		return -1;
	if (v.type != JSON_STRING || v.len > IMPORT_META_MAX)
		return 1;
	*dst = v.s;
	return 0;
}

enum beacon_status beacon_parse_import_line(const char *line, size_t len, struct beacon_import_line *meta,
                                            struct beacon_batch *out, char *err, size_t errlen)
{
	static const char *const names[] = {"time", "client", "ua", "origin", "event"};
	enum { M_TIME, M_CLIENT, M_UA, M_ORIGIN, M_EVENT, M_COUNT };
	struct json_reader r;
	struct json_buf buf;
	enum json_type t;
	enum beacon_status rc = BEACON_BAD;
	int seen[M_COUNT] = {0};
	char why[BEACON_ERROR_MAX];

	memset(out, 0, sizeof *out);
	memset(meta, 0, sizeof *meta);
	put_err(err, errlen, "");
	why[0] = '\0';
	if (line == NULL)
		len = 0;
	if (len > BEACON_INPUT_MAX) {
		put_err(err, errlen, "line: too long");
		goto out;
	}
	json_init(&r, line != NULL ? line : "", len);
	if (json_peek(&r, &t) != 0)
		goto json_fail;
	if (t != JSON_OBJECT) {
		put_err(err, errlen, "line: must be a JSON object");
		goto out;
	}
	if (batch_alloc(out, 1, len) != 0) {
		rc = BEACON_NOMEM;
		put_err(err, errlen, "out of memory");
		goto out;
	}
	if (json_enter(&r) != 0)
		goto json_fail;
	for (;;) {
		const char *key;
		size_t key_len;
		int more, m = -1, bad = 0;
		struct json_value v;

		buf.base = out->arena;
		buf.cap = out->arena_cap;
		buf.used = out->arena_used;
		if (json_next_member(&r, &buf, &key, &key_len, &more) != 0)
			goto json_fail;
		out->arena_used = buf.used;
		if (!more)
			break;
		for (int k = 0; k < M_COUNT && m < 0; k++) {
			if (event_name_is(names[k], key, key_len))
				m = k;
		}
		if (m >= 0 && seen[m]) {
			snprintf(why, sizeof why, "%s: duplicate key", names[m]);
			goto refuse;
		}
		if (m >= 0)
			seen[m] = 1;
		switch (m) {
		case M_TIME:
			if (json_value(&r, &buf, &v) != 0)
				goto json_fail;
			if (v.type != JSON_STRING || tz_parse_rfc3339(v.s, v.len, &meta->time_ms) != 0)
				bad = 1;
			break;
		case M_CLIENT:
			bad = read_meta(&r, &buf, &meta->client);
			break;
		case M_UA:
			bad = read_meta(&r, &buf, &meta->ua);
			break;
		case M_ORIGIN:
			bad = read_meta(&r, &buf, &meta->origin);
			break;
		case M_EVENT:
			if (json_peek(&r, &t) != 0)
				goto json_fail;
			if (t == JSON_OBJECT) {
				rc = parse_event(&r, out, 0);
				if (rc != BEACON_OK)
					goto json_fail;
				buf.used = out->arena_used;
			} else {
				if (json_value(&r, NULL, &v) != 0)
					goto json_fail;
				add_reject(out, 0, "event: must be a JSON object", NULL, NULL, NULL);
			}
			break;
		default:
			if (json_value(&r, NULL, &v) != 0)
				goto json_fail;
			break;
		}
		if (bad < 0)
			goto json_fail;
		out->arena_used = buf.used;
		if (bad) {
			if (m == M_TIME)
				snprintf(why, sizeof why, "time: must be an RFC 3339 time");
			else
				snprintf(why, sizeof why, "%s: must be a string of at most 2048 bytes", names[m]);
			goto refuse;
		}
	}
	if (json_finish(&r) != 0)
		goto json_fail;
	if (!seen[M_TIME]) {
		snprintf(why, sizeof why, "time: required");
		goto refuse;
	}
	if (!seen[M_EVENT]) {
		snprintf(why, sizeof why, "event: required");
		goto refuse;
	}
	rc = BEACON_OK;
	goto out;
json_fail:
	if (rc != BEACON_NOMEM)
		rc = json_status(&r);
	json_err(&r, rc, "line", err, errlen);
	goto out;
refuse:
	rc = BEACON_BAD;
	put_err(err, errlen, why);
out:
	if (rc != BEACON_OK) {
		out->n_events = 0;
		out->n_rejects = 0;
		meta->client = meta->ua = meta->origin = NULL;
	}
	return rc;
}
