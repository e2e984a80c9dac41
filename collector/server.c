/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * server.c — libmicrohttpd glue. Per request: routing and the cheap refusals
 * (rate limit, content type, declared size) on the first call, a bounded
 * body buffer on the chunk calls, parse + ingest on the final call, then
 * suspension until the writer has committed. Request state is freed in the
 * completion callback, which also runs for aborted requests.
 */
#include "server.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sodium.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "beacon.h"
#include "clock.h"
#include "conns.h"
#include "httpval.h"
#include "ingest.h"
#include "log.h"
#include "lotse_js.h"
#include "lotse_js_gz.h"
#include "reduce.h"
#include "uacache.h"

#define ORIGIN_MAX 256
#define PIXEL_PARAMS_MAX 16
/* X-Forwarded-For field lines read (the last ones: the walk starts at the right). */
#define XFF_LINES_MAX 8

/*
 * The 204 of a stored beacon, made once per echoed origin and queued on every
 * connection that needs it (libmicrohttpd counts the references). Building
 * it per request took about ten allocations (the response and a name and
 * value copy per header). Origins beyond NO_CONTENT_CACHED get a fresh one.
 */
#define NO_CONTENT_CACHED 64

struct cached_no_content {
	char origin[ORIGIN_MAX];
	size_t len;
	struct MHD_Response *resp;
};

struct server {
	struct MHD_Daemon *daemon;
	MHD_socket listen_fd;         /* closed by us after the daemon stopped */
	struct server_config cfg;
	struct server_deps deps;
	struct conns *conns;
	_Atomic int xff_warned;       /* the one warning about an ignored X-Forwarded-For is out */
	pthread_rwlock_t sites_lock;
	struct sites *sites;          /* guarded by sites_lock */
	_Atomic long active;          /* requests with state, not yet completed */
	char js_etag[24];             /* of lotse.js as it is */
	char js_etag_gz[27];          /* of its gzip encoding: a representation of its own */
	struct MHD_Response *js;      /* 200 (and 304: libmicrohttpd sends no body with it) */
	struct MHD_Response *js_gz;
	struct ua_cache *uacache;     /* classes of recent User-Agents, by keyed hash */
	pthread_mutex_t cache_lock;
	struct MHD_Response *no_content;                         /* without CORS */
	struct MHD_Response *pixel;                              /* the GIF of a stored pixel beacon */
	struct cached_no_content no_content_cors[NO_CONTENT_CACHED]; /* guarded by cache_lock */
	size_t n_no_content_cors;                                /* guarded by cache_lock */
};

enum route { ROUTE_POST, ROUTE_PIXEL };
enum phase { PHASE_RECEIVING, PHASE_WAITING, PHASE_WRITTEN };

struct request {
	struct writer_item item;      /* first: the writer hands it back */
	struct server *srv;
	struct MHD_Connection *conn;
	struct conn *cn;              /* its connection in the registry (NULL when out of memory) */
	enum route route;
	_Atomic int phase;
	int write_ok;                 /* set before phase becomes PHASE_WRITTEN: 1 committed, 0 not,
	                                 else the writer's refusal (enum writer_refusal) */
	int too_large;
	int dnt;                      /* DNT: 1 or Sec-GPC: 1: answer as usual, store nothing */
	enum metrics_drop dnt_kind;
	int64_t received_ms;
	unsigned char addr[16];       /* the client's address (addr_len bytes), canonical */
	size_t addr_len;
	char origin[ORIGIN_MAX];      /* for the CORS echo and the origin check; "" when none */
	size_t origin_len;
	const char *cors;             /* r->origin when CORS may read our answers, else NULL */
	char *body;
	size_t len, cap;
	size_t declared;              /* Content-Length when given and <= --max-body, else 0 */
	const char *ua;               /* User-Agent header (libmicrohttpd's, valid for the request) */
	size_t ua_len;
	struct beacon_batch batch;
};

static const unsigned char gif_1x1[] = {
	0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b
};

/* --- responses ------------------------------------------------------------ */

/* Whether a CORS request from origin may read our answers. */
static int origin_allowed_for_cors(struct server *srv, const char *origin, size_t len)
{
	int ok;

	if (len == 0)
		return 0;
	pthread_rwlock_rdlock(&srv->sites_lock);
	ok = srv->sites == NULL || sites_origin_known(srv->sites, origin, len);
	pthread_rwlock_unlock(&srv->sites_lock);
	return ok;
}

/* Echoes an origin already found allowed. */
static void add_cors(struct MHD_Response *resp, const char *allowed_origin)
{
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Origin");
	MHD_add_response_header(resp, "Access-Control-Allow-Origin", allowed_origin);
}

/* A response with Cache-Control: no-store, type when not NULL, and the CORS echo when cors is not NULL. */
static struct MHD_Response *new_response(const void *data, size_t len, enum MHD_ResponseMemoryMode mode,
                                         const char *type, const char *cors)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, mode);

	if (resp == NULL)
		return NULL;
	if (type != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (cors != NULL)
		add_cors(resp, cors);
	return resp;
}

/* Queues resp, which the server keeps (libmicrohttpd counts the references), and counts the status. */
static enum MHD_Result send_kept(struct server *srv, struct MHD_Connection *c, unsigned status,
                                 struct MHD_Response *resp)
{
	enum MHD_Result ret = MHD_queue_response(c, status, resp);

	metrics_status(srv->deps.metrics, status);
	return ret;
}

/* Queues resp and gives back our reference to it, counting the status. Returns MHD's verdict. */
static enum MHD_Result send_response(struct server *srv, struct MHD_Connection *c, unsigned status,
                                     struct MHD_Response *resp)
{
	enum MHD_Result ret = send_kept(srv, c, status, resp);

	MHD_destroy_response(resp);
	return ret;
}

/*
 * Queues a response of len bytes from data (copied). cors, when not NULL, is
 * an allowed origin to echo (decided once per request, see begin_beacon);
 * retry_after > 0 adds Retry-After. Returns MHD's verdict.
 */
static enum MHD_Result respond(struct server *srv, struct MHD_Connection *c, unsigned status,
                               const char *type, const void *data, size_t len, const char *cors,
                               unsigned retry_after)
{
	struct MHD_Response *resp = new_response(data, len, MHD_RESPMEM_MUST_COPY, type, cors);

	if (resp == NULL)
		return MHD_NO;
	if (retry_after > 0) {
		char ra[16];
		snprintf(ra, sizeof ra, "%u", retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (status == MHD_HTTP_METHOD_NOT_ALLOWED)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, "POST, GET, OPTIONS");
	return send_response(srv, c, status, resp);
}

/* A new 204 for a stored beacon, echoing cors when not NULL. */
static struct MHD_Response *make_no_content(const char *cors)
{
	return new_response("", 0, MHD_RESPMEM_PERSISTENT, NULL, cors);
}

/*
 * The cached 204 for cors (an allowed origin of len bytes, shorter than
 * ORIGIN_MAX, or NULL), made when first needed; NULL when the cache is full.
 */
static struct MHD_Response *cached_no_content(struct server *srv, const char *cors, size_t len)
{
	struct MHD_Response *resp = NULL;

	if (cors == NULL)
		return srv->no_content;
	pthread_mutex_lock(&srv->cache_lock);
	for (size_t i = 0; i < srv->n_no_content_cors && resp == NULL; i++) {
		struct cached_no_content *e = &srv->no_content_cors[i];

		if (e->len == len && memcmp(e->origin, cors, len) == 0)
			resp = e->resp;
	}
	if (resp == NULL && srv->n_no_content_cors < NO_CONTENT_CACHED && (resp = make_no_content(cors)) != NULL) {
		struct cached_no_content *e = &srv->no_content_cors[srv->n_no_content_cors++];

		memcpy(e->origin, cors, len + 1);
		e->len = len;
		e->resp = resp;
	}
	pthread_mutex_unlock(&srv->cache_lock);
	return resp;
}

/* Answers 204 to a stored (or deliberately not stored) beacon. */
static enum MHD_Result respond_no_content(struct request *r)
{
	struct server *srv = r->srv;
	struct MHD_Response *resp = cached_no_content(srv, r->cors, r->origin_len);

	if (resp != NULL)
		return send_kept(srv, r->conn, MHD_HTTP_NO_CONTENT, resp);
	if ((resp = make_no_content(r->cors)) == NULL)
		return MHD_NO;
	return send_response(srv, r->conn, MHD_HTTP_NO_CONTENT, resp);
}

/* Answers {"error":"msg"} and counts the refusal; cors as for respond(). */
static enum MHD_Result refuse(struct server *srv, struct MHD_Connection *c, unsigned status,
                              enum metrics_reject why, const char *msg, const char *cors,
                              unsigned retry_after)
{
	char body[256];
	int n = snprintf(body, sizeof body, "{\"error\":\"%s\"}", msg);

	metrics_reject(srv->deps.metrics, why, 1);
	return respond(srv, c, status, "application/json", body, (size_t)n, cors, retry_after);
}

/* Appends s as a JSON string body (escaped) to buf; returns the new length, capped. */
static size_t json_string(char *buf, size_t at, size_t cap, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	if (at + 1 < cap)
		buf[at++] = '"';
	for (; *s != '\0' && at + 7 < cap; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\') {
			buf[at++] = '\\';
			buf[at++] = (char)ch;
		} else if (ch < 0x20) {
			memcpy(buf + at, "\\u00", 4);
			buf[at + 4] = hex[ch >> 4];
			buf[at + 5] = hex[ch & 15];
			at += 6;
		} else {
			buf[at++] = (char)ch;
		}
	}
	if (at + 1 < cap)
		buf[at++] = '"';
	return at;
}

/* The 400 body: {"accepted":N,"rejected":[{"index":I,"error":"…"},…]}. */
static enum MHD_Result respond_rejects(struct request *r)
{
	/* Sized for the worst case: every byte of every error escaped as \u00XX. */
	const size_t cap = BEACON_MAX_EVENTS * (6 * BEACON_ERROR_MAX + 48) + 64;
	char *body = malloc(cap);
	size_t at;
	enum MHD_Result ret;

	if (body == NULL)
		return MHD_NO;
	at = (size_t)snprintf(body, cap, "{\"accepted\":%zu,\"rejected\":[", r->batch.n_events);
	for (size_t i = 0; i < r->batch.n_rejects && i < BEACON_MAX_EVENTS; i++) {
		at += (size_t)snprintf(body + at, cap - at, "%s{\"index\":%zu,\"error\":", i ? "," : "",
		                       r->batch.rejects[i].index);
		at = json_string(body, at, cap - 8, r->batch.rejects[i].error);
		body[at++] = '}';
	}
	at += (size_t)snprintf(body + at, cap - at, "]}");
	ret = respond(r->srv, r->conn, MHD_HTTP_BAD_REQUEST, "application/json", body, at,
	              r->cors, 0);
	free(body);
	return ret;
}

/* The answer once the events are stored (or deliberately not stored). */
static enum MHD_Result respond_stored(struct request *r)
{
	if (r->batch.n_rejects > 0)
		return respond_rejects(r);
	if (r->route == ROUTE_PIXEL)
		return send_kept(r->srv, r->conn, MHD_HTTP_OK, r->srv->pixel);
	return respond_no_content(r);
}

/* --- request state -------------------------------------------------------- */

/*
 * The request headers the collector reads, found in one pass over them: the
 * first value of each name, as MHD_lookup_connection_value would find it
 * (six lookups per beacon walked the header list six times), and how often
 * each name came, which decides whether the body's framing is unambiguous.
 */
enum header {
	H_DNT, H_ORIGIN, H_REFERER, H_GPC, H_USER_AGENT, H_CONTENT_TYPE, H_CONTENT_LENGTH,
	H_FORWARDED_FOR, H_TRANSFER_ENCODING, H_COUNT
};

static const struct {
	const char *name;
	size_t len;
} header_names[H_COUNT] = {
#define NAME(s) { s, sizeof s - 1 }
	[H_DNT] = NAME("DNT"),
	[H_ORIGIN] = NAME(MHD_HTTP_HEADER_ORIGIN),
	[H_REFERER] = NAME(MHD_HTTP_HEADER_REFERER),
	[H_GPC] = NAME("Sec-GPC"),
	[H_USER_AGENT] = NAME(MHD_HTTP_HEADER_USER_AGENT),
	[H_CONTENT_TYPE] = NAME(MHD_HTTP_HEADER_CONTENT_TYPE),
	[H_CONTENT_LENGTH] = NAME(MHD_HTTP_HEADER_CONTENT_LENGTH),
	[H_FORWARDED_FOR] = NAME("X-Forwarded-For"),
	[H_TRANSFER_ENCODING] = NAME(MHD_HTTP_HEADER_TRANSFER_ENCODING),
#undef NAME
};

struct headers {
	const char *value[H_COUNT]; /* the first of each name, or NULL */
	size_t len[H_COUNT];        /* its length */
	unsigned count[H_COUNT];
	/* The last XFF_LINES_MAX X-Forwarded-For lines, in the order received. */
	const char *xff[XFF_LINES_MAX];
	size_t xff_len[XFF_LINES_MAX];
	size_t n_xff;
	/* Where the next field line must begin (see line_layout_ok); NULL: a line broke the rule. */
	const char *next_line;
};

/*
 * Strict parsing beyond what libmicrohttpd 0.9.75 checks (it takes a bare LF
 * as a line end, a name with whitespace before the colon as a name, and an
 * obs-fold continuation as part of the name): every field line must end in
 * CRLF, its name must be a token, its value a field value (RFC 9112 2.2,
 * 5.1, 5.2; RFC 9110 5.5, 5.6.2).
 *
 * The line ends are checked where libmicrohttpd leaves them: it parses the
 * header in place in its read buffer, replacing each CRLF with two NULs, a
 * bare LF with one, and the colon with one, and hands out pointers into that
 * buffer (connection.c: get_next_header_line, process_header_line). So after
 * the request line's version (with its CRLF) the first name must begin two
 * bytes after the version's end, and each next name two bytes after the
 * previous value's end, with only SP/HTAB between a name's NUL and its
 * value; a bare LF puts the next name one byte early, and a continuation
 * line is copied elsewhere. The blank line after the last field must be two
 * NULs as well, which tells a bare LF from a CRLF unless the byte after the
 * header (the body's first) is a NUL. Both bytes after a value are inside
 * the buffer: at least the blank line follows every field line.
 */
static void line_layout_ok(struct headers *h, const char *key, size_t key_size, const char *value,
                           size_t value_size)
{
	const char *p = key + key_size + 1;

	if (h->next_line == NULL)
		return;
	if (key != h->next_line || !httpval_token(key, key_size) || key[key_size] != '\0' ||
	    !httpval_field_value(value, value_size)) {
		h->next_line = NULL;
		return;
	}
	while (p < value && (*p == ' ' || *p == '\t'))
		p++;
	if (p != value || value[value_size] != '\0' || value[value_size + 1] != '\0') {
		h->next_line = NULL;
		return;
	}
	h->next_line = value + value_size + 2;
}

static enum MHD_Result collect_header(void *cls, enum MHD_ValueKind kind, const char *key, size_t key_size,
                                      const char *value, size_t value_size)
{
	struct headers *h = cls;

	(void)kind;
	line_layout_ok(h, key, key_size, value, value_size);
	for (size_t i = 0; i < H_COUNT; i++) {
		if (header_names[i].len == key_size && strncasecmp(key, header_names[i].name, key_size) == 0) {
			if (h->count[i]++ == 0) {
				h->value[i] = value;
				h->len[i] = value_size;
			}
			if (i == H_FORWARDED_FOR) {
				if (h->n_xff == XFF_LINES_MAX) {
					memmove(h->xff, h->xff + 1, (XFF_LINES_MAX - 1) * sizeof h->xff[0]);
					memmove(h->xff_len, h->xff_len + 1, (XFF_LINES_MAX - 1) * sizeof h->xff_len[0]);
					h->n_xff--;
				}
				h->xff[h->n_xff] = value;
				h->xff_len[h->n_xff++] = value_size;
			}
			break;
		}
	}
	return MHD_YES;
}

/*
 * Reads the request's fields (version: as libmicrohttpd gave it to the
 * handler, inside its read buffer). Returns 0, or -1 when a line breaks
 * the strict rules of line_layout_ok.
 */
static int read_headers(struct MHD_Connection *c, const char *version, struct headers *h)
{
	size_t vlen = strlen(version);

	memset(h, 0, sizeof *h);
	/* HTTP/1.0 and 1.1 only reach the handler: the version is in the buffer, CRLF after it. */
	h->next_line = vlen > 0 && version[vlen + 1] == '\0' ? version + vlen + 2 : NULL;
	MHD_get_connection_values_n(c, MHD_HEADER_KIND, collect_header, h);
	if (h->next_line == NULL || h->next_line[0] != '\0' || h->next_line[1] != '\0')
		return -1; /* a line that is not CRLF-terminated, or the blank line is a bare LF */
	return 0;
}

/*
 * Whether the body's length is unambiguous (RFC 9112 section 6): at most one
 * Content-Length, at most one Transfer-Encoding and then exactly "chunked",
 * never both. libmicrohttpd 0.9.75 reads the first Content-Length, prefers
 * chunked over Content-Length, and reads a body of another transfer coding
 * until the client closes; a proxy in front may frame the same bytes
 * differently (request smuggling). Such requests are refused on their first
 * call, which also closes the connection.
 */
static int framing_ok(const struct headers *h)
{
	unsigned cl = h->count[H_CONTENT_LENGTH], te = h->count[H_TRANSFER_ENCODING];

	if (cl > 1 || te > 1)
		return 0;
	if (te == 1 && (cl > 0 || h->value[H_TRANSFER_ENCODING] == NULL ||
	                strcasecmp(h->value[H_TRANSFER_ENCODING], "chunked") != 0))
		return 0;
	return 1;
}

/* The connection's entry in the registry (set when it was accepted); NULL when out of memory. */
static struct conn *conn_of(struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);

	return ci != NULL ? ci->socket_context : NULL;
}

/* The socket peer's address as canonical bytes (see addr_unmap); 0 bytes when unknown. */
static size_t peer_address(struct MHD_Connection *c, unsigned char raw[16])
{
	const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
	const struct sockaddr *sa = ci ? ci->client_addr : NULL;
	size_t len = 0;

	if (sa != NULL && sa->sa_family == AF_INET) {
		memcpy(raw, &((const struct sockaddr_in *)(const void *)sa)->sin_addr, 4);
		len = 4;
	} else if (sa != NULL && sa->sa_family == AF_INET6) {
		memcpy(raw, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr, 16);
		len = 16;
	}
	return addr_unmap(raw, len);
}

static int loopback(const unsigned char *addr, size_t len)
{
	static const unsigned char v6_loopback[16] = { [15] = 1 };

	return (len == 4 && addr[0] == 127) || (len == 16 && memcmp(addr, v6_loopback, 16) == 0);
}

/*
 * The client's address as bytes (for the rate limit and the visit key): the
 * peer, or with --trust-proxy the client that X-Forwarded-For names
 * (proxy_client). An X-Forwarded-For from a loopback peer without
 * --trust-proxy is ignored, and said so once: most likely a proxy on this
 * host that the operator forgot to name.
 */
static void client_address(struct server *srv, struct MHD_Connection *c, const struct headers *h,
                           unsigned char raw[16], size_t *raw_len)
{
	unsigned char peer[16];
	size_t peer_len = peer_address(c, peer);

	if (h->n_xff > 0 && srv->cfg.trust_proxy.n == 0 && loopback(peer, peer_len) &&
	    atomic_exchange(&srv->xff_warned, 1) == 0)
		log_msg("warning: requests with X-Forwarded-For come from a loopback address, and "
		        "--trust-proxy is not set: the header is ignored, all its clients count as one "
		        "address (rate limit, visit key); name the proxy with --trust-proxy");
	*raw_len = proxy_client(&srv->cfg.trust_proxy, peer, peer_len, h->xff, h->xff_len, h->n_xff, raw);
}

/* An origin we can compare with the sites: a marker that matches none. */
static void origin_unusable(struct request *r)
{
	memcpy(r->origin, "invalid:", 9);
	r->origin_len = 8;
}

/* Origin of the request: the Origin header, else the origin of the Referer; "" when neither. */
static void request_origin(struct request *r, const struct headers *h)
{
	const char *o = h->value[H_ORIGIN], *ref = h->value[H_REFERER];

	r->origin[0] = '\0';
	r->origin_len = 0;
	if (o != NULL) {
		size_t n = h->len[H_ORIGIN];
		if (n < sizeof r->origin) {
			memcpy(r->origin, o, n + 1);
			r->origin_len = n;
		} else {
			origin_unusable(r); /* too long to be an origin we list */
		}
		return;
	}
	if (ref == NULL)
		return;
	int n = reduce_origin(ref, h->len[H_REFERER], r->origin, sizeof r->origin);

	if (n > 0)
		r->origin_len = (size_t)n;
	else
		origin_unusable(r); /* a Referer that is no http(s) URL names no allowed origin */
}

static void dnt_of(struct request *r, const char *dnt, const char *gpc)
{
	if (dnt != NULL && strcmp(dnt, "1") == 0) {
		r->dnt = 1;
		r->dnt_kind = DROP_DNT;
	} else if (gpc != NULL && strcmp(gpc, "1") == 0) {
		r->dnt = 1;
		r->dnt_kind = DROP_GPC;
	}
}

/* text/plain or application/json, with at most a UTF-8 charset parameter. */
static int content_type_ok(const char *ct)
{
	size_t n;

	if (ct == NULL)
		return 0;
	while (*ct == ' ')
		ct++;
	n = strcspn(ct, "; ");
	if (!((n == 10 && strncasecmp(ct, "text/plain", 10) == 0) ||
	      (n == 16 && strncasecmp(ct, "application/json", 16) == 0)))
		return 0;
	ct += n;
	while (*ct != '\0') {
		while (*ct == ' ' || *ct == ';')
			ct++;
		if (*ct == '\0')
			break;
		size_t pn = strcspn(ct, ";");
		if (strncasecmp(ct, "charset=", 8) == 0) {
			const char *v = ct + 8;
			size_t vn = pn - 8;
			while (vn > 0 && v[vn - 1] == ' ')
				vn--;
			if (vn >= 2 && v[0] == '"' && v[vn - 1] == '"') {
				v++;
				vn -= 2;
			}
			if (!((vn == 5 && strncasecmp(v, "utf-8", 5) == 0) ||
			      (vn == 4 && strncasecmp(v, "utf8", 4) == 0)))
				return 0;
		}
		ct += pn;
	}
	return 1;
}

static void on_written(struct writer_item *item, int ok)
{
	struct request *r = (struct request *)item;

	r->write_ok = ok;
	atomic_store(&r->phase, PHASE_WRITTEN);
	MHD_resume_connection(r->conn);
}

/*
 * Hands the batch to the writer and suspends the connection until on_written
 * resumes it; the answer is given on the call after the resume.
 */
static enum MHD_Result submit(struct request *r)
{
	r->item.batch = &r->batch;
	r->item.received_ms = r->received_ms;
	r->item.done = on_written;
	atomic_store(&r->phase, PHASE_WAITING);
	MHD_suspend_connection(r->conn);
	int queued = writer_submit(r->srv->deps.writer, &r->item);
	if (queued != WRITER_QUEUED) {
		/* Not queued: done will never run, so answer 503 after resuming ourselves. */
		r->write_ok = queued;
		atomic_store(&r->phase, PHASE_WRITTEN);
		MHD_resume_connection(r->conn);
	}
	return MHD_YES;
}

/*
 * The batch is parsed: apply the request, then answer at once or hand the
 * events to the writer and suspend the connection until they are committed.
 */
static enum MHD_Result process_batch(struct request *r)
{
	struct server *srv = r->srv;
	const char *origin = r->origin_len ? r->origin : NULL;
	struct ingest_request ir = {
		.received_ms = r->received_ms,
		.addr = r->addr,
		.addr_len = r->addr_len,
		.ua = r->ua,
		.ua_len = r->ua_len,
		.uacache = srv->uacache,
		.origin = origin,
		.origin_len = r->origin_len,
		.visitkey = r->dnt ? NULL : srv->deps.visitkey, /* nothing of a DNT request is stored */
	};
	enum ingest_result res;
	/* The parser's rejects are invalid events; any ingest adds are unlisted sites. */
	size_t invalid = r->batch.n_rejects;

	pthread_rwlock_rdlock(&srv->sites_lock);
	ir.sites = srv->sites;
	res = ingest_apply(&ir, &r->batch);
	pthread_rwlock_unlock(&srv->sites_lock);

	switch (res) {
	case INGEST_NOMEM:
		return refuse(srv, r->conn, MHD_HTTP_SERVICE_UNAVAILABLE, REJECT_DB_UNAVAILABLE,
		              "out of memory", r->cors, 1);
	case INGEST_ORIGIN_DENIED:
		return refuse(srv, r->conn, MHD_HTTP_FORBIDDEN, REJECT_ORIGIN, "origin not allowed", r->cors, 0);
	case INGEST_BOT:
		metrics_drop(srv->deps.metrics, DROP_BOT, r->batch.n_events + r->batch.n_rejects);
		return respond_stored(r);
	case INGEST_STORE:
		break;
	}
	metrics_reject(srv->deps.metrics, REJECT_INVALID_EVENT, invalid);
	metrics_reject(srv->deps.metrics, REJECT_UNKNOWN_SITE, r->batch.n_rejects - invalid);
	if (r->dnt) {
		metrics_drop(srv->deps.metrics, r->dnt_kind, r->batch.n_events + r->batch.n_rejects);
		return respond_stored(r);
	}
	if (r->batch.n_events + r->batch.n_rejects == 0)
		return respond_stored(r);

	return submit(r);
}

static enum MHD_Result finish_post(struct request *r)
{
	struct server *srv = r->srv;
	char err[BEACON_ERROR_MAX];

	if (r->too_large)
		return refuse(srv, r->conn, MHD_HTTP_CONTENT_TOO_LARGE, REJECT_BODY_TOO_LARGE,
		              "body: larger than --max-body", r->cors, 0);
	err[0] = '\0';
	switch (beacon_parse_body(r->body ? r->body : "", r->len, &r->batch, err, sizeof err)) {
	case BEACON_OK:
		return process_batch(r);
	case BEACON_TOO_MANY:
		return refuse(srv, r->conn, MHD_HTTP_CONTENT_TOO_LARGE, REJECT_BATCH_TOO_LARGE, err, r->cors, 0);
	case BEACON_NOMEM:
		return refuse(srv, r->conn, MHD_HTTP_SERVICE_UNAVAILABLE, REJECT_DB_UNAVAILABLE,
		              "out of memory", r->cors, 1);
	case BEACON_BAD:
		break;
	}
	/* The whole body is refused: one reject row stands for it (the parser left no rows). */
	metrics_reject(srv->deps.metrics, REJECT_INVALID_BODY, 1);
	if (beacon_batch_add_body_reject(&r->batch, err[0] ? err : "body: invalid") != 0)
		return refuse(srv, r->conn, MHD_HTTP_SERVICE_UNAVAILABLE, REJECT_DB_UNAVAILABLE,
		              "out of memory", r->cors, 1);
	if (r->dnt)
		return respond_rejects(r);
	return submit(r);
}

struct pixel_args {
	struct beacon_kv kv[PIXEL_PARAMS_MAX];
	size_t n;
};

static enum MHD_Result collect_arg(void *cls, enum MHD_ValueKind kind, const char *key, const char *value)
{
	struct pixel_args *a = cls;

	(void)kind;
	if (a->n == PIXEL_PARAMS_MAX)
		return MHD_NO;
	a->kv[a->n].key = key;
	a->kv[a->n].value = value ? value : "";
	a->n++;
	return MHD_YES;
}

static enum MHD_Result finish_pixel(struct request *r)
{
	struct pixel_args args = { .n = 0 };
	char err[BEACON_ERROR_MAX] = "";

	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, collect_arg, &args);
	switch (beacon_parse_pixel(args.kv, args.n, &r->batch, err, sizeof err)) {
	case BEACON_OK:
		return process_batch(r);
	case BEACON_NOMEM:
		return refuse(r->srv, r->conn, MHD_HTTP_SERVICE_UNAVAILABLE, REJECT_DB_UNAVAILABLE,
		              "out of memory", NULL, 1);
	default:
		return refuse(r->srv, r->conn, MHD_HTTP_BAD_REQUEST, REJECT_INVALID_BODY,
		              err[0] ? err : "query: invalid", NULL, 0);
	}
}

/* --- fixed endpoints -------------------------------------------------------- */

/*
 * /lotse.js as it is, or gzip-compressed (compressed once at build time)
 * when the request accepts gzip: each encoding is its own representation
 * with its own ETag, and If-None-Match naming the one that would be sent is
 * a 304 (RFC 9110 13.1.2). Vary: Accept-Encoding tells caches that both
 * exist.
 */
static enum MHD_Result serve_js(struct server *srv, struct MHD_Connection *c)
{
	const char *ae = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT_ENCODING);
	const char *inm = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_IF_NONE_MATCH);
	int gz = httpval_accepts_gzip(ae, ae != NULL ? strlen(ae) : 0);
	const char *etag = gz ? srv->js_etag_gz : srv->js_etag;
	int not_modified = httpval_none_match(inm, inm != NULL ? strlen(inm) : 0, etag);

	return send_kept(srv, c, not_modified ? MHD_HTTP_NOT_MODIFIED : MHD_HTTP_OK, gz ? srv->js_gz : srv->js);
}

/* A kept response of lotse.js (data, len bytes) with its ETag; gzip: Content-Encoding too. */
static struct MHD_Response *make_js(const char *data, size_t len, const char *etag, int gzip)
{
	struct MHD_Response *resp = MHD_create_response_from_buffer(len, (void *)data, MHD_RESPMEM_PERSISTENT);

	if (resp == NULL)
		return NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/javascript; charset=utf-8");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_ETAG, etag);
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "public, max-age=3600");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (gzip)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	return resp;
}

/*
 * Free bytes for the database on its file system, as an unprivileged writer
 * sees them (f_bavail); -1 when statvfs fails.
 */
static long long free_bytes(const char *path)
{
	struct statvfs st;

	if (statvfs(path, &st) != 0)
		return -1;
	return (long long)st.f_bavail * (long long)st.f_frsize;
}

/*
 * 200 while the database can be written and its file system has --min-free
 * bytes: a disk about to fill is reported before the first write fails.
 */
static enum MHD_Result serve_health(struct server *srv, struct MHD_Connection *c)
{
	char body[200];
	size_t depth = writer_depth(srv->deps.writer);
	long long avail = srv->cfg.min_free > 0 ? free_bytes(srv->cfg.db_path) : -1;
	int low = avail >= 0 && (unsigned long long)avail < srv->cfg.min_free;
	int ok = writer_healthy(srv->deps.writer) && !low;
	int n;

	if (ok)
		n = snprintf(body, sizeof body, "{\"status\":\"ok\",\"queue\":%zu}", depth);
	else if (low)
		n = snprintf(body, sizeof body,
		             "{\"status\":\"unavailable\",\"error\":\"disk: %lld bytes free, below --min-free %llu\"}",
		             avail, srv->cfg.min_free);
	else
		n = snprintf(body, sizeof body,
		             "{\"status\":\"unavailable\",\"error\":\"database cannot be written\"}");
	return respond(srv, c, ok ? MHD_HTTP_OK : MHD_HTTP_SERVICE_UNAVAILABLE, "application/json", body,
	               (size_t)n, NULL, ok ? 0 : 5);
}

static enum MHD_Result serve_metrics(struct server *srv, struct MHD_Connection *c)
{
	char *text;
	size_t len;
	struct MHD_Response *resp;

	if (metrics_render(srv->deps.metrics, &text, &len) != 0)
		return refuse(srv, c, MHD_HTTP_SERVICE_UNAVAILABLE, REJECT_DB_UNAVAILABLE, "out of memory",
		              NULL, 1);
	resp = new_response(text, len, MHD_RESPMEM_MUST_FREE, "text/plain; version=0.0.4; charset=utf-8", NULL);
	if (resp == NULL) {
		free(text);
		return MHD_NO;
	}
	return send_response(srv, c, MHD_HTTP_OK, resp);
}

static enum MHD_Result serve_preflight(struct server *srv, struct MHD_Connection *c)
{
	const char *origin = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_ORIGIN);
	size_t len = origin != NULL ? strlen(origin) : 0;
	struct MHD_Response *resp = MHD_create_response_from_buffer(0, (void *)"", MHD_RESPMEM_PERSISTENT);

	if (resp == NULL)
		return MHD_NO;
	if (len > 0 && len < ORIGIN_MAX && origin_allowed_for_cors(srv, origin, len))
		add_cors(resp, origin);
	MHD_add_response_header(resp, "Access-Control-Allow-Methods", "POST, GET");
	MHD_add_response_header(resp, "Access-Control-Allow-Headers", "Content-Type");
	MHD_add_response_header(resp, "Access-Control-Max-Age", "86400");
	return send_response(srv, c, MHD_HTTP_NO_CONTENT, resp);
}

/* --- the access handler ----------------------------------------------------- */

/* First call of a request to /e with POST or GET: the cheap checks, then state. */
static enum MHD_Result begin_beacon(struct server *srv, struct MHD_Connection *c, enum route route,
                                    const struct headers *h, void **con_cls)
{
	struct request *r;
	unsigned retry;
	enum MHD_Result ret;

	r = calloc(1, sizeof *r);
	if (r == NULL)
		return MHD_NO;
	r->srv = srv;
	r->conn = c;
	r->cn = conn_of(c);
	r->route = route;
	r->received_ms = clock_realtime_ms();
	r->ua = h->value[H_USER_AGENT];
	r->ua_len = h->len[H_USER_AGENT];
	client_address(srv, c, h, r->addr, &r->addr_len);
	request_origin(r, h);
	if (origin_allowed_for_cors(srv, r->origin, r->origin_len))
		r->cors = r->origin;
	if (!ratelimit_allow(srv->deps.ratelimit, r->addr, r->addr_len, clock_monotonic_ms(), &retry)) {
		ret = refuse(srv, c, MHD_HTTP_TOO_MANY_REQUESTS, REJECT_RATE_LIMITED, "rate limit exceeded", r->cors,
		             retry);
		goto refused;
	}
	if (route == ROUTE_POST) {
		unsigned long long declared = h->value[H_CONTENT_LENGTH] ? strtoull(h->value[H_CONTENT_LENGTH], NULL, 10) : 0;

		if (!content_type_ok(h->value[H_CONTENT_TYPE])) {
			ret = refuse(srv, c, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, REJECT_CONTENT_TYPE,
			             "content type: must be text/plain or application/json, UTF-8", r->cors, 0);
			goto refused;
		}
		if (declared > srv->cfg.max_body) {
			ret = refuse(srv, c, MHD_HTTP_CONTENT_TOO_LARGE, REJECT_BODY_TOO_LARGE,
			             "body: larger than --max-body", r->cors, 0);
			goto refused;
		}
		r->declared = (size_t)declared;
	}
	dnt_of(r, h->value[H_DNT], h->value[H_GPC]);
	atomic_fetch_add(&srv->active, 1);
	*con_cls = r;
	return MHD_YES;
refused:
	free(r);
	return ret;
}

/*
 * Requests without state (fixed endpoints, refusals) are answered on their
 * second call: libmicrohttpd 0.9.75 closes the connection after a response
 * queued on the first call. The first call marks them with one of these.
 */
enum simple_route { SIMPLE_JS, SIMPLE_HEALTH, SIMPLE_METRICS, SIMPLE_PREFLIGHT, SIMPLE_NOT_FOUND,
	            SIMPLE_METHOD, SIMPLE_COUNT };
static char simple_marks[SIMPLE_COUNT];

static int is_simple(const void *p)
{
	return (const char *)p >= simple_marks && (const char *)p < simple_marks + SIMPLE_COUNT;
}

static enum MHD_Result serve_simple(struct server *srv, struct MHD_Connection *c, enum simple_route route)
{
	switch (route) {
	case SIMPLE_JS:
		return serve_js(srv, c);
	case SIMPLE_HEALTH:
		return serve_health(srv, c);
	case SIMPLE_METRICS:
		return serve_metrics(srv, c);
	case SIMPLE_PREFLIGHT:
		return serve_preflight(srv, c);
	case SIMPLE_NOT_FOUND:
		return refuse(srv, c, MHD_HTTP_NOT_FOUND, REJECT_NOT_FOUND, "not found", NULL, 0);
	case SIMPLE_METHOD:
	case SIMPLE_COUNT:
		break;
	}
	return refuse(srv, c, MHD_HTTP_METHOD_NOT_ALLOWED, REJECT_METHOD, "method not allowed", NULL, 0);
}

/* Routes a request on its first call: state for beacons, a mark for the rest; url NULL: no route. */
static enum MHD_Result route_request(struct server *srv, struct MHD_Connection *c, const char *url,
                                     const char *method, const struct headers *h, void **con_cls)
{
	int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0;
	enum simple_route simple;

	if (url == NULL) {
		simple = SIMPLE_NOT_FOUND;
	} else if (strcmp(url, "/e") == 0) {
		if (strcmp(method, MHD_HTTP_METHOD_POST) == 0)
			return begin_beacon(srv, c, ROUTE_POST, h, con_cls);
		if (get)
			return begin_beacon(srv, c, ROUTE_PIXEL, h, con_cls);
		simple = strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0 ? SIMPLE_PREFLIGHT : SIMPLE_METHOD;
	} else if (strcmp(url, "/lotse.js") == 0) {
		simple = get ? SIMPLE_JS : SIMPLE_METHOD;
	} else if (strcmp(url, "/healthz") == 0) {
		simple = get ? SIMPLE_HEALTH : SIMPLE_METHOD;
	} else if (strcmp(url, "/metrics") == 0) {
		simple = get ? SIMPLE_METRICS : SIMPLE_METHOD;
	} else {
		simple = SIMPLE_NOT_FOUND;
	}
	*con_cls = &simple_marks[simple];
	return MHD_YES;
}

/*
 * libmicrohttpd decodes the request target in place, and a "%00" cuts the
 * C string it hands the handler: "/e%00x" would be routed as "/e", and
 * "site=hx%00evil" read as "hx". The raw target is seen once, before
 * decoding, by the URI log callback, whose return value becomes the
 * request's first con_cls: one of these marks, which also tells the
 * handler's first call.
 */
enum uri_mark { URI_PLAIN, URI_NUL_PATH, URI_NUL_QUERY, URI_MARK_COUNT };
static char uri_marks[URI_MARK_COUNT];

static int is_uri_mark(const void *p)
{
	return (const char *)p >= uri_marks && (const char *)p < uri_marks + URI_MARK_COUNT;
}

static void *on_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	(void)cls;
	(void)c;
	switch (uri != NULL ? httpval_uri_nul(uri, strlen(uri)) : HTTPVAL_NUL_NONE) {
	case HTTPVAL_NUL_PATH:
		return &uri_marks[URI_NUL_PATH];
	case HTTPVAL_NUL_QUERY:
		return &uri_marks[URI_NUL_QUERY];
	case HTTPVAL_NUL_NONE:
		break;
	}
	return &uri_marks[URI_PLAIN];
}

/* The first call of a request: its fields are checked, then it is routed. */
static enum MHD_Result first_call(struct server *srv, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version, void **con_cls)
{
	enum uri_mark mark = (enum uri_mark)((char *)*con_cls - uri_marks);
	struct headers h;

	conns_request_begin(srv->conns, conn_of(c));
	if (read_headers(c, version, &h) != 0)
		return refuse(srv, c, MHD_HTTP_BAD_REQUEST, REJECT_FRAMING,
		              "header: every line must end in CRLF, names must be tokens (no space before ':')",
		              NULL, 0);
	if (!framing_ok(&h))
		return refuse(srv, c, MHD_HTTP_BAD_REQUEST, REJECT_FRAMING,
		              "framing: one Content-Length, or Transfer-Encoding: chunked alone", NULL, 0);
	if (mark == URI_NUL_QUERY)
		return refuse(srv, c, MHD_HTTP_BAD_REQUEST, REJECT_INVALID_BODY,
		              "query: a parameter holds a NUL (%00)", NULL, 0);
	return route_request(srv, c, mark == URI_NUL_PATH ? NULL : url, method, &h, con_cls);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
	struct server *srv = cls;
	struct request *r = *con_cls;

	if (r == NULL || is_uri_mark(r)) {
		if (r == NULL)
			*con_cls = &uri_marks[URI_PLAIN];
		return first_call(srv, c, url, method, version, con_cls);
	}
	if (is_simple(r)) {
		if (*upload_size > 0) {
			*upload_size = 0; /* a body where none belongs is read and dropped */
			return MHD_YES;
		}
		if (conns_request_arrived(srv->conns, conn_of(c)) != 0)
			return MHD_NO; /* closed meanwhile: no answer can reach the client */
		return serve_simple(srv, c, (enum simple_route)((char *)r - simple_marks));
	}

	if (atomic_load(&r->phase) == PHASE_WRITTEN) {
		if (r->write_ok == 1)
			return respond_stored(r);
		if (r->write_ok == WRITER_FULL)
			return refuse(srv, c, MHD_HTTP_SERVICE_UNAVAILABLE, REJECT_QUEUE_FULL, "write queue full",
			              r->cors, 1);
		return refuse(srv, c, MHD_HTTP_SERVICE_UNAVAILABLE, REJECT_DB_UNAVAILABLE,
		              r->write_ok == 0 ? "database unavailable" : "shutting down", r->cors, 1);
	}
	if (atomic_load(&r->phase) != PHASE_RECEIVING)
		return MHD_YES;
	if (*upload_size > 0) {
		size_t n = *upload_size;
		*upload_size = 0;
		if (r->too_large || r->route != ROUTE_POST)
			return MHD_YES;
		if (r->len + n > srv->cfg.max_body) {
			/* A body without a (truthful) Content-Length: stop buffering, answer 413 at the end. */
			r->too_large = 1;
			free(r->body);
			r->body = NULL;
			r->len = r->cap = 0;
			return MHD_YES;
		}
		if (r->len + n > r->cap) {
			/* The declared length first (allocated only once data comes), then doubling. */
			size_t ncap = r->cap ? r->cap : r->declared > 1024 ? r->declared : 1024;
			while (ncap < r->len + n)
				ncap *= 2;
			if (ncap > srv->cfg.max_body)
				ncap = srv->cfg.max_body;
			char *nb = realloc(r->body, ncap);
			if (nb == NULL)
				return MHD_NO;
			r->body = nb;
			r->cap = ncap;
		}
		memcpy(r->body + r->len, upload_data, n);
		r->len += n;
		return MHD_YES;
	}
	if (conns_request_arrived(srv->conns, r->cn) != 0)
		return MHD_NO; /* cut at its deadline meanwhile: nothing is stored that cannot be answered */
	return r->route == ROUTE_POST ? finish_post(r) : finish_pixel(r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe)
{
	struct server *srv = cls;
	struct request *r = *con_cls;

	(void)toe;
	conns_request_end(srv->conns, conn_of(c), clock_monotonic_ms());
	if (r == NULL || is_simple(r) || is_uri_mark(r))
		return;
	beacon_batch_free(&r->batch);
	free(r->body);
	free(r);
	*con_cls = NULL;
	atomic_fetch_sub(&srv->active, 1);
}

/* A connection accepted (registered, perhaps closed at once by the limits) or gone. */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode toe)
{
	struct server *srv = cls;
	const union MHD_ConnectionInfo *fd;
	unsigned char peer[16];
	size_t len;

	if (toe != MHD_CONNECTION_NOTIFY_STARTED) {
		conns_close(srv->conns, *socket_context);
		*socket_context = NULL;
		return;
	}
	fd = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	len = peer_address(c, peer);
	*socket_context = fd == NULL ? NULL :
		conns_open(srv->conns, fd->connect_fd, peer, len, proxy_trusted(&srv->cfg.trust_proxy, peer, len),
		           clock_monotonic_ms());
}

static void on_mhd_error(void *cls, const char *fmt, va_list ap)
{
	char line[512];

	(void)cls;
	vsnprintf(line, sizeof line, fmt, ap);
	line[strcspn(line, "\n")] = '\0';
	log_msg("http: %s", line);
}

/* --- life cycle ------------------------------------------------------------- */

/* Frees the caches: responses (after the daemon stopped using them) and User-Agent classes. */
static void free_caches(struct server *srv)
{
	ua_cache_free(srv->uacache);
	srv->uacache = NULL;
	for (size_t i = 0; i < srv->n_no_content_cors; i++)
		MHD_destroy_response(srv->no_content_cors[i].resp);
	srv->n_no_content_cors = 0;
	if (srv->no_content != NULL)
		MHD_destroy_response(srv->no_content);
	srv->no_content = NULL;
	if (srv->pixel != NULL)
		MHD_destroy_response(srv->pixel);
	srv->pixel = NULL;
	if (srv->js != NULL)
		MHD_destroy_response(srv->js);
	srv->js = NULL;
	if (srv->js_gz != NULL)
		MHD_destroy_response(srv->js_gz);
	srv->js_gz = NULL;
	pthread_mutex_destroy(&srv->cache_lock);
}

/*
 * libmicrohttpd's own connection limit: the registry's, plus room for
 * connections the registry has closed and libmicrohttpd not yet reaped, so
 * that libmicrohttpd keeps accepting (and the registry decides) instead of
 * leaving new connections in the kernel's backlog.
 */
static unsigned mhd_connection_limit(unsigned max)
{
	return max + max / 4 + 64;
}

unsigned server_sockets_max(const struct server_config *cfg)
{
	return mhd_connection_limit(cfg->max_connections) + 1 + 2 * cfg->threads; /* + listener, ITCs */
}

int server_start(const struct server_config *cfg, const struct server_deps *deps, struct sites *sites,
                 struct server **out, char *err, size_t errlen)
{
	struct server *srv = calloc(1, sizeof *srv);
	unsigned char h[8];
	struct conns_config ccfg = {
		.max = cfg->max_connections,
		.per_address = cfg->max_connections_per_ip,
		.request_timeout_ms = cfg->request_timeout_s * 1000,
		.sweeper = 1,
	};
	/*
	 * epoll, not poll(): poll() costs each wake-up O(connections) in the
	 * kernel and in libmicrohttpd's loop, which also accepts only one
	 * connection per pass; with thousands of abusive connections held
	 * (5 000 idle, 2 000 slowloris) legitimate requests waited for seconds,
	 * where epoll answers them in milliseconds (docs/performance.md, "Under
	 * abuse"). The price: every durable answer suspends its connection until
	 * the commit, and libmicrohttpd takes a suspended connection out of the
	 * epoll set and puts it back on resume, two epoll_ctl calls per request
	 * (about a third more CPU per single-event request than poll() at 64
	 * connections).
	 */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ITC |
	                 MHD_USE_ERROR_LOG;

	*out = NULL;
	if (srv == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	srv->cfg = *cfg;
	srv->deps = *deps;
	srv->sites = sites;
	srv->listen_fd = MHD_INVALID_SOCKET;
	pthread_rwlock_init(&srv->sites_lock, NULL);
	pthread_mutex_init(&srv->cache_lock, NULL);
	srv->no_content = make_no_content(NULL);
	srv->pixel = new_response(gif_1x1, sizeof gif_1x1, MHD_RESPMEM_PERSISTENT, "image/gif", NULL);
	crypto_generichash(h, sizeof h, (const unsigned char *)lotse_js, lotse_js_len, NULL, 0);
	snprintf(srv->js_etag, sizeof srv->js_etag, "\"%02x%02x%02x%02x%02x%02x%02x%02x\"", h[0], h[1], h[2],
	         h[3], h[4], h[5], h[6], h[7]);
	snprintf(srv->js_etag_gz, sizeof srv->js_etag_gz, "\"%.16s-gz\"", srv->js_etag + 1);
	srv->js = make_js(lotse_js, lotse_js_len, srv->js_etag, 0);
	srv->js_gz = make_js(lotse_js_gz, lotse_js_gz_len, srv->js_etag_gz, 1);
	if (srv->no_content == NULL || srv->pixel == NULL || srv->js == NULL || srv->js_gz == NULL ||
	    ua_cache_new(&srv->uacache) != 0 || conns_new(&ccfg, deps->metrics, &srv->conns) != 0) {
		snprintf(err, errlen, "out of memory");
		goto fail;
	}
	if (cfg->addr.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;

	srv->daemon = MHD_start_daemon(
		flags, 0, NULL, NULL, on_request, srv,
		MHD_OPTION_EXTERNAL_LOGGER, on_mhd_error, NULL,
		MHD_OPTION_SOCK_ADDR, (const struct sockaddr *)&cfg->addr,
		MHD_OPTION_THREAD_POOL_SIZE, cfg->threads,
		MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)cfg->timeout_s,
		/* The limits per address and in all are the registry's (conns.h). */
		MHD_OPTION_CONNECTION_LIMIT, mhd_connection_limit(cfg->max_connections),
		/* libmicrohttpd zeroes the unused part of this pool after every
		 * request of a kept-alive connection: 32 KiB of memset per beacon
		 * was the largest user-space cost under load. 16 KiB still holds a
		 * request's headers (a 10 KB Origin is tested); bodies are copied
		 * out chunk by chunk into our own buffer. */
		MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)16384,
		MHD_OPTION_LISTEN_BACKLOG_SIZE, (unsigned)1024,
		/* 1: an HTTP/1.1 request without Host and a target with spaces are
		 * refused (400). The rest of strict parsing is read_headers'. */
		MHD_OPTION_STRICT_FOR_CLIENT, (int)1,
		MHD_OPTION_URI_LOG_CALLBACK, on_uri, NULL,
		MHD_OPTION_NOTIFY_CONNECTION, on_connection, srv,
		MHD_OPTION_NOTIFY_COMPLETED, on_completed, srv,
		MHD_OPTION_END);
	if (srv->daemon == NULL) {
		snprintf(err, errlen, "cannot listen on the given address (in use, or not permitted)");
		goto fail;
	}
	*out = srv;
	return 0;
fail:
	conns_free(srv->conns);
	free_caches(srv);
	pthread_rwlock_destroy(&srv->sites_lock);
	free(srv);
	return -1;
}

unsigned server_port(struct server *srv)
{
	const union MHD_DaemonInfo *di = MHD_get_daemon_info(srv->daemon, MHD_DAEMON_INFO_BIND_PORT);

	return di ? di->port : 0;
}

void server_set_sites(struct server *srv, struct sites *sites)
{
	struct sites *old;

	pthread_rwlock_wrlock(&srv->sites_lock);
	old = srv->sites;
	srv->sites = sites;
	pthread_rwlock_unlock(&srv->sites_lock);
	sites_free(old);
}

void server_quiesce(struct server *srv)
{
	srv->listen_fd = MHD_quiesce_daemon(srv->daemon);
	conns_drain(srv->conns, 0);
}

size_t server_wait(struct server *srv, unsigned wait_ms)
{
	struct timespec pause = { 0, 10 * 1000 * 1000 };
	long active;

	for (unsigned waited = 0; (active = atomic_load(&srv->active)) > 0 && waited < wait_ms; waited += 10)
		nanosleep(&pause, NULL);
	return active > 0 ? (size_t)active : 0;
}

void server_cut(struct server *srv)
{
	conns_drain(srv->conns, 1);
}

void server_stop(struct server *srv)
{
	if (srv == NULL)
		return;
	MHD_stop_daemon(srv->daemon);
	if (srv->listen_fd != MHD_INVALID_SOCKET)
		close(srv->listen_fd);
	conns_free(srv->conns);
	sites_free(srv->sites);
	free_caches(srv);
	pthread_rwlock_destroy(&srv->sites_lock);
	free(srv);
}
