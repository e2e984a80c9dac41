/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * clickhouse.c — clickhouse.h on a libcurl easy handle. The handle keeps
 * its connection between requests (HTTP/1.1 keep-alive); curl drops a
 * connection idle for longer than MAX_IDLE_S, below ClickHouse's default
 * keep_alive_timeout (3 s), so a request rarely meets a connection the
 * server is closing. The user and password travel in the headers
 * X-ClickHouse-User and X-ClickHouse-Key, never in a URL that a log could
 * show. A query's answer goes through chwire's reader as it arrives, so
 * memory is bounded by one row; an error answer (any status but 200) is
 * kept, up to CLICKHOUSE_ERROR_MAX bytes, as the error text instead.
 */
#include "clickhouse.h"

#include <assert.h>
#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_IDLE_S 2L
#define CONNECT_MAX_MS 5000L
#define ORIGIN_MAX (CHURL_HOST_MAX + 24) /* http://[HOST]:PORT */
#define BASE_MAX (ORIGIN_MAX + CHURL_NAME_MAX + 16)

struct clickhouse {
	CURL *curl;
	struct curl_slist *headers;
	char origin[ORIGIN_MAX];       /* http://HOST:PORT */
	char base[BASE_MAX];           /* http://HOST:PORT/?database=DB */
	long timeout_ms;
	long status;
	char error[CLICKHOUSE_ERROR_MAX];
	char curl_error[CURL_ERROR_SIZE];
	/* The answer being received. */
	struct chwire_tsv tsv;
	int parse_rows;                /* feed 200 answers to tsv */
	char body[CLICKHOUSE_ERROR_MAX];
	size_t body_len;
};

static CURLcode global_rc = CURLE_OK;

static void global_init(void)
{
	global_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Adds "name: value" to the header list. Returns 0 or -1 (out of memory). */
static int add_header(struct curl_slist **list, const char *name, const char *value)
{
	char line[CLICKHOUSE_PASSWORD_MAX + 64];
	struct curl_slist *n;

	if ((size_t)snprintf(line, sizeof line, "%s: %s", name, value) >= sizeof line)
		return -1;
	n = curl_slist_append(*list, line);
	if (n == NULL)
		return -1;
	*list = n;
	return 0;
}

int clickhouse_open(const struct churl *url, long timeout_ms, struct clickhouse **out, char *err, size_t errlen)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	struct clickhouse *c;
	const char *password = getenv(CLICKHOUSE_PASSWORD_ENV);
	int rc = -1;

	*out = NULL;
	assert(timeout_ms > 0);
	if (password != NULL && strlen(password) > CLICKHOUSE_PASSWORD_MAX) {
		snprintf(err, errlen, "%s: longer than %d bytes", CLICKHOUSE_PASSWORD_ENV, CLICKHOUSE_PASSWORD_MAX);
		return -1;
	}
	pthread_once(&once, global_init);
	if (global_rc != CURLE_OK) {
		snprintf(err, errlen, "libcurl: %s", curl_easy_strerror(global_rc));
		return -1;
	}
	c = calloc(1, sizeof *c);
	if (c == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	c->timeout_ms = timeout_ms;
	snprintf(c->origin, sizeof c->origin, "http://%s%s%s:%u", url->ipv6 ? "[" : "", url->host,
	         url->ipv6 ? "]" : "", url->port);
	snprintf(c->base, sizeof c->base, "%s/?database=%s", c->origin, url->database);
	c->curl = curl_easy_init();
	if (c->curl == NULL) {
		snprintf(err, errlen, "libcurl: cannot make a handle");
		goto out;
	}
	/* "Expect:" off: curl would wait for a 100 Continue before large bodies. */
	if (add_header(&c->headers, "Expect", "") != 0 ||
	    (url->user[0] != '\0' && add_header(&c->headers, "X-ClickHouse-User", url->user) != 0) ||
	    (password != NULL && password[0] != '\0' && add_header(&c->headers, "X-ClickHouse-Key", password) != 0)) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http") != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_TCP_NODELAY, 1L) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, timeout_ms) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS,
	                     timeout_ms < CONNECT_MAX_MS ? timeout_ms : CONNECT_MAX_MS) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_MAXAGE_CONN, MAX_IDLE_S) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, c->headers) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->curl_error) != CURLE_OK) {
		snprintf(err, errlen, "libcurl: an option was refused");
		goto out;
	}
	*out = c;
	rc = 0;
out:
	if (rc != 0)
		clickhouse_close(c);
	return rc;
}

void clickhouse_close(struct clickhouse *c)
{
	if (c == NULL)
		return;
	if (c->curl != NULL)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers);
	chwire_tsv_free(&c->tsv);
	free(c);
}

const char *clickhouse_error(const struct clickhouse *c)
{
	return c->error;
}

long clickhouse_status(const struct clickhouse *c)
{
	return c->status;
}

/* libcurl's write callback: rows of a 200 answer to the reader, anything else to the error text. */
static size_t on_data(char *data, size_t size, size_t nmemb, void *arg)
{
	struct clickhouse *c = arg;
	size_t n = size * nmemb;

	if (c->status == 0)
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status);
	if (c->status == 200 && c->parse_rows)
		return chwire_tsv_feed(&c->tsv, data, n) == 0 ? n : 0;
	size_t room = sizeof c->body - 1 - c->body_len;
	size_t k = n < room ? n : room;

	memcpy(c->body + c->body_len, data, k);
	c->body_len += k;
	return n;
}

/* Writes ClickHouse's message (its first line) after "HTTP status: ". */
static void error_from_body(struct clickhouse *c)
{
	size_t n = 0;

	c->body[c->body_len] = '\0';
	while (n < c->body_len && c->body[n] != '\n' && c->body[n] != '\r')
		n++;
	snprintf(c->error, sizeof c->error, "HTTP %ld: %.*s", c->status, (int)n,
	         n ? c->body : "(no message)");
}

/* Appends the percent-encoded s to out (at *o, outlen bytes). Returns 0 or -1 when full. */
static int url_encode(const char *s, char *out, size_t outlen, size_t *o)
{
	static const char hex[] = "0123456789ABCDEF";

	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		int plain = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		            strchr("-._~", *p) != NULL;

		if (*o + 4 >= outlen)
			return -1;
		if (plain) {
			out[(*o)++] = (char)*p;
		} else {
			out[(*o)++] = '%';
			out[(*o)++] = hex[*p >> 4];
			out[(*o)++] = hex[*p & 15];
		}
	}
	out[*o] = '\0';
	return 0;
}

/*
 * One POST: url_sql (may be NULL) goes into the URL as query=, body is the
 * request body. With fn, a 200 answer is read as rows. Returns 0 on HTTP
 * 200 with a complete answer, else -1 with c->error.
 */
static int perform(struct clickhouse *c, const char *url_sql, const char *settings, const void *body,
                   size_t len, chwire_row_fn fn, void *ctx)
{
	char url[BASE_MAX + 4096];
	size_t o;
	CURLcode cc;
	int rc = -1;

	c->status = 0;
	c->error[0] = '\0';
	c->curl_error[0] = '\0';
	c->body_len = 0;
	c->parse_rows = fn != NULL;
	chwire_tsv_free(&c->tsv);
	chwire_tsv_init(&c->tsv, fn, ctx);
	o = (size_t)snprintf(url, sizeof url, "%s%s%s", c->base, settings && settings[0] ? "&" : "",
	                     settings ? settings : "");
	if (o >= sizeof url) {
		snprintf(c->error, sizeof c->error, "settings too long");
		return -1;
	}
	if (url_sql != NULL) {
		if (o + 7 >= sizeof url) {
			snprintf(c->error, sizeof c->error, "statement too long for a URL");
			return -1;
		}
		memcpy(url + o, "&query=", 8);
		o += 7;
		if (url_encode(url_sql, url, sizeof url, &o) != 0) {
			snprintf(c->error, sizeof c->error, "statement too long for a URL");
			return -1;
		}
	}
	if (curl_easy_setopt(c->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_POST, 1L) != CURLE_OK ||
	    /* Never NULL: libcurl would then read the body from its read callback (stdin). */
	    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, body != NULL ? body : "") != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)len) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c) != CURLE_OK) {
		snprintf(c->error, sizeof c->error, "libcurl: an option was refused");
		return -1;
	}
	cc = curl_easy_perform(c->curl);
	if (c->status == 0)
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status);
	if (cc == CURLE_WRITE_ERROR && c->tsv.failed) {
		snprintf(c->error, sizeof c->error, "reading the answer: %s", c->tsv.why);
		goto out;
	}
	if (cc != CURLE_OK) {
		snprintf(c->error, sizeof c->error, "%s: %s", curl_easy_strerror(cc),
		         c->curl_error[0] ? c->curl_error : "no detail");
		goto out;
	}
	if (c->status != 200) {
		error_from_body(c);
		goto out;
	}
	if (fn != NULL && chwire_tsv_finish(&c->tsv) != 0) {
		snprintf(c->error, sizeof c->error, "reading the answer: %s", c->tsv.why);
		goto out;
	}
	rc = 0;
out:
	chwire_tsv_free(&c->tsv);
	return rc;
}

int clickhouse_query(struct clickhouse *c, const char *sql, const char *settings, chwire_row_fn fn, void *ctx)
{
	char s[1024];

	if ((size_t)snprintf(s, sizeof s, "wait_end_of_query=1%s%s", settings && settings[0] ? "&" : "",
	                     settings ? settings : "") >= sizeof s) {
		snprintf(c->error, sizeof c->error, "settings too long");
		return -1;
	}
	return perform(c, NULL, s, sql, strlen(sql), fn, ctx);
}

int clickhouse_insert(struct clickhouse *c, const char *sql, const char *settings, const void *body, size_t len)
{
	return perform(c, sql, settings, body, len, NULL, NULL);
}

int clickhouse_ping(struct clickhouse *c)
{
	char url[ORIGIN_MAX + 8];
	CURLcode cc;

	snprintf(url, sizeof url, "%s/ping", c->origin);
	c->status = 0;
	c->body_len = 0;
	c->parse_rows = 0;
	c->error[0] = '\0';
	c->curl_error[0] = '\0';
	if (curl_easy_setopt(c->curl, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_data) != CURLE_OK ||
	    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c) != CURLE_OK) {
		snprintf(c->error, sizeof c->error, "libcurl: an option was refused");
		return -1;
	}
	cc = curl_easy_perform(c->curl);
	if (cc != CURLE_OK) {
		snprintf(c->error, sizeof c->error, "%s: %s", curl_easy_strerror(cc),
		         c->curl_error[0] ? c->curl_error : "no detail");
		return -1;
	}
	if (c->status == 0)
		curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &c->status);
	if (c->status != 200 || c->body_len < 3 || memcmp(c->body, "Ok.", 3) != 0) {
		error_from_body(c);
		return -1;
	}
	return 0;
}
