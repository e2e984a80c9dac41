/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_clickhouse.c — unit tests of the ClickHouse client's pure parts: the
 * --db URL parser (churl), the TabSeparated reader fed in every split, the
 * arrays inside a field,
 * RowBinary writer's exact bytes and limits, and SQL string literals. The
 * HTTP client itself runs against a real server in
 * tests/clickhouse/test_client.py.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "churl.h"
#include "chwire.h"
#include "../test.h"

/* ---- churl -------------------------------------------------------------- */

static int parse(const char *s, struct churl *u, char *err)
{
	return churl_parse(s, strlen(s), u, err, 200);
}

static void test_url_full(void)
{
	struct churl u;
	char err[200];

	CHECK_INT(parse("clickhouse://ch1.example.org:9123/lotse?table=events_all&rejects=rej&user=lotse_w", &u, err), 0);
	CHECK_STR(u.host, "ch1.example.org");
	CHECK_INT(u.ipv6, 0);
	CHECK_INT(u.port, 9123);
	CHECK_STR(u.database, "lotse");
	CHECK_STR(u.table, "events_all");
	CHECK_STR(u.rejects, "rej");
	CHECK_STR(u.user, "lotse_w");
}

static void test_url_defaults(void)
{
	struct churl u;
	char err[200];

	CHECK_INT(parse("clickhouse://127.0.0.1", &u, err), 0);
	CHECK_STR(u.host, "127.0.0.1");
	CHECK_INT(u.port, 8123);
	CHECK_STR(u.database, "default");
	CHECK_STR(u.table, "events");
	CHECK_STR(u.rejects, "rejects");
	CHECK_STR(u.user, "");
	CHECK_INT(parse("clickhouse://h:1/", &u, err), 0);
	CHECK_INT(u.port, 1);
	CHECK_STR(u.database, "default");
	CHECK_INT(parse("clickhouse://h/db?", &u, err), 0);
	CHECK_STR(u.database, "db");
	CHECK_INT(parse("clickhouse://[::1]:8124/x_1", &u, err), 0);
	CHECK_STR(u.host, "::1");
	CHECK_INT(u.ipv6, 1);
	CHECK_INT(u.port, 8124);
	CHECK_STR(u.database, "x_1");
	CHECK_INT(parse("clickhouse://[2001:db8::7]/db", &u, err), 0);
	CHECK_STR(u.host, "2001:db8::7");
	CHECK_INT(u.port, 8123);
}

/* A refused URL whose reason contains want. */
static void refused(const char *url, const char *want)
{
	struct churl u;
	char err[200] = "";

	if (parse(url, &u, err) != -1 || strstr(err, want) == NULL) {
		printf("  %s: got \"%s\", want a refusal with \"%s\"\n", url, err, want);
		CHECK(0);
	}
}

static void test_url_refusals(void)
{
	refused("http://h:8123/db", "must begin with clickhouse://");
	refused("ClickHouse://h/db", "must begin with clickhouse://");
	refused("clickhouse://", "no host");
	refused("clickhouse://:8123/db", "no host");
	refused("clickhouse://user:secret@h/db", "LOTSE_CLICKHOUSE_PASSWORD");
	refused("clickhouse://h/db?password=x", "never a password in the URL");
	refused("clickhouse://h/db?key=x", "never a password in the URL");
	refused("clickhouse://h:0/db", "port");
	refused("clickhouse://h:65536/db", "port");
	refused("clickhouse://h:123456/db", "port");
	refused("clickhouse://h:/db", "port");
	refused("clickhouse://h:80a/db", "port");
	refused("clickhouse://h_x/db", "host may hold only");
	refused("clickhouse://[::1/db", "unclosed");
	refused("clickhouse://[zz]/db", "IPv6");
	refused("clickhouse://[::1]x/db", "port");
	refused("clickhouse://h/1db", "database must match");
	refused("clickhouse://h/db/x", "database must match");
	refused("clickhouse://h/d-b", "database must match");
	refused("clickhouse://h/db?table=ev;DROP", "table must match");
	refused("clickhouse://h/db?table=", "table must match");
	refused("clickhouse://h/db?rejects=r%20x", "'%'");
	refused("clickhouse://h/db?table=a&table=b", "table given twice");
	refused("clickhouse://h/db?table=a&", "trailing '&'");
	refused("clickhouse://h/db?user=a b", "spaces");
	refused("clickhouse://h/db?user=a\"b", "user must match");
	refused("clickhouse://h/db?table", "without '='");
	refused("clickhouse://h/db?tabel=x", "unknown parameter");
	refused("clickhouse://h/db?table=x&rejects=x", "must differ");
	refused("clickhouse://h/db#frag", "'#'");
	refused("clickhouse://h/d\xc3\xa4", "non-ASCII");
}

static void test_url_limits(void)
{
	char url[CHURL_MAX + 64], err[200];
	struct churl u;
	size_t n;

	/* A host of exactly CHURL_HOST_MAX bytes passes, one more does not. */
	n = (size_t)snprintf(url, sizeof url, "clickhouse://");
	memset(url + n, 'a', CHURL_HOST_MAX);
	strcpy(url + n + CHURL_HOST_MAX, "/db");
	CHECK_INT(parse(url, &u, err), 0);
	CHECK_INT(strlen(u.host), CHURL_HOST_MAX);
	memset(url + n, 'a', CHURL_HOST_MAX + 1);
	strcpy(url + n + CHURL_HOST_MAX + 1, "/db");
	CHECK_INT(parse(url, &u, err), -1);
	/* Names of 64 bytes pass, 65 do not. */
	n = (size_t)snprintf(url, sizeof url, "clickhouse://h/");
	memset(url + n, 'd', CHURL_NAME_MAX);
	url[n + CHURL_NAME_MAX] = '\0';
	CHECK_INT(parse(url, &u, err), 0);
	CHECK_INT(strlen(u.database), CHURL_NAME_MAX);
	url[n + CHURL_NAME_MAX] = 'd';
	url[n + CHURL_NAME_MAX + 1] = '\0';
	CHECK_INT(parse(url, &u, err), -1);
	/* Not NUL-terminated: only n bytes are read. */
	CHECK_INT(churl_parse("clickhouse://h/dbXXXX", 17, &u, err, sizeof err), 0);
	CHECK_STR(u.database, "db");
	CHECK_INT(churl_is("clickhouse://h"), 1);
	CHECK_INT(churl_is("/var/lib/lotse/lotse.db"), 0);
	CHECK_INT(churl_is(NULL), 0);
}

/* ---- TabSeparated reader ------------------------------------------------- */

struct rows {
	char text[4096]; /* rows rendered as [a|b|NULL]\n, bytes below 0x20 as <hh> */
	size_t len;
	int stop_after;  /* stop the reader at this row (0: never) */
	int seen;
};

/* Appends s to r->text, dropping what does not fit (a 1 MiB row is only counted). */
static void add(struct rows *r, const char *s)
{
	for (; *s && r->len + 1 < sizeof r->text; s++)
		r->text[r->len++] = *s;
	r->text[r->len] = '\0';
}

static int collect(void *ctx, const struct chwire_field *f, size_t n)
{
	struct rows *r = ctx;

	r->seen++;
	if (r->stop_after && r->seen == r->stop_after)
		return -1;
	add(r, "[");
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			add(r, "|");
		if (f[i].s == NULL) {
			add(r, "NULL");
			continue;
		}
		CHECK(f[i].s[f[i].n] == '\0');
		for (size_t k = 0; k < f[i].n; k++) {
			unsigned char c = (unsigned char)f[i].s[k];
			char one[8];

			if (c < 0x20)
				snprintf(one, sizeof one, "<%02x>", c);
			else
				snprintf(one, sizeof one, "%c", c);
			add(r, one);
		}
	}
	add(r, "]\n");
	return 0;
}

/* Reads input in chunks of chunk bytes; returns 0/-1 of feed+finish, rows in r. */
static int read_chunked(const char *input, size_t n, size_t chunk, struct rows *r, char *why)
{
	struct chwire_tsv t;
	int rc = 0;

	memset(r, 0, sizeof *r);
	chwire_tsv_init(&t, collect, r);
	for (size_t i = 0; i < n && rc == 0; i += chunk)
		rc = chwire_tsv_feed(&t, input + i, n - i < chunk ? n - i : chunk);
	if (rc == 0)
		rc = chwire_tsv_finish(&t);
	if (why != NULL)
		snprintf(why, CHWIRE_WHY_MAX, "%s", t.why);
	chwire_tsv_free(&t);
	return rc;
}

static void test_tsv_every_split(void)
{
	/* What ClickHouse 18.16 writes for: 'a\tb', NULL, '', '\\', "it's", '\n\r', ü; then one empty field. */
	static const char input[] = "a\\tb\t\\N\t\t\\\\\tit\\'s\t\\n\\r\\0\\b\\f\xc3\xbc\n\n7\t\\x41\\x7e\\q\n";
	static const char want[] = "[a<09>b|NULL||\\|it's|<0a><0d><00><08><0c>\xc3\xbc]\n[]\n[7|A~q]\n";
	struct rows r;

	for (size_t chunk = 1; chunk <= sizeof input; chunk++) {
		CHECK_INT(read_chunked(input, sizeof input - 1, chunk, &r, NULL), 0);
		if (strcmp(r.text, want) != 0) {
			printf("  chunk %zu: got %s", chunk, r.text);
			CHECK(0);
		}
	}
}

static void test_tsv_refusals(void)
{
	struct rows r;
	char why[CHWIRE_WHY_MAX];

	CHECK_INT(read_chunked("a\tb", 3, 2, &r, why), -1);
	CHECK_STR(why, "the answer ends inside a row");
	CHECK_INT(read_chunked("a\\", 2, 1, &r, why), -1);
	CHECK_INT(read_chunked("x\\N\n", 4, 1, &r, why), -1);
	CHECK_STR(why, "\\N inside a field");
	CHECK_INT(read_chunked("\\Nx\n", 4, 1, &r, why), -1);
	CHECK_INT(read_chunked("\\N\\t\n", 5, 1, &r, why), -1);
	CHECK_INT(read_chunked("\\xg1\n", 5, 3, &r, why), -1);
	CHECK_STR(why, "a bad \\x escape");
	/* 64 fields pass, 65 do not. */
	char many[200];
	size_t n = 0;
	for (int i = 0; i < 64; i++)
		many[n++] = i < 63 ? '\t' : '\n';
	CHECK_INT(read_chunked(many, n, 7, &r, why), 0);
	CHECK_INT(r.seen, 1);
	many[n - 1] = '\t';
	many[n++] = '\n';
	CHECK_INT(read_chunked(many, n, 7, &r, why), -1);
	CHECK_STR(why, "a row with more than 64 fields");
	/* The callback stops the reader; later feeds fail too. */
	memset(&r, 0, sizeof r);
	r.stop_after = 2;
	struct chwire_tsv t;
	chwire_tsv_init(&t, collect, &r);
	CHECK_INT(chwire_tsv_feed(&t, "1\n2\n3\n", 6), -1);
	CHECK_INT(t.rows, 1);
	CHECK_INT(chwire_tsv_feed(&t, "4\n", 2), -1);
	CHECK_INT(chwire_tsv_finish(&t), -1);
	CHECK_STR(t.why, "stopped by the row callback");
	chwire_tsv_free(&t);
}

static void test_tsv_row_limit(void)
{
	size_t n = CHWIRE_ROW_MAX + 2;
	char *big = malloc(n);
	struct rows r;
	char why[CHWIRE_WHY_MAX];

	CHECK(big != NULL);
	if (big == NULL)
		return;
	/* A row of CHWIRE_ROW_MAX - 1 bytes plus its NUL fits; one byte more does not. */
	memset(big, 'x', n);
	big[CHWIRE_ROW_MAX - 1] = '\n';
	CHECK_INT(read_chunked(big, CHWIRE_ROW_MAX, 65536, &r, why), 0);
	CHECK_INT(r.seen, 1);
	big[CHWIRE_ROW_MAX - 1] = 'x';
	big[CHWIRE_ROW_MAX] = '\n';
	CHECK_INT(read_chunked(big, CHWIRE_ROW_MAX + 1, 65536, &r, why), -1);
	CHECK_STR(why, "a row longer than 1 MiB");
	free(big);
}

/* ---- RowBinary writer ---------------------------------------------------- */

static int bytes_are(const struct chwire_buf *b, const char *want, size_t n)
{
	return b->len == n && memcmp(b->p, want, n) == 0;
}

static void test_rowbinary_bytes(void)
{
	struct chwire_buf b;

	chwire_buf_init(&b, 1 << 20);
	CHECK_INT(chwire_put_int64(&b, -2), 0);
	CHECK(bytes_are(&b, "\xfe\xff\xff\xff\xff\xff\xff\xff", 8));
	chwire_buf_reset(&b);
	CHECK_INT(chwire_put_uint64(&b, 0x0102030405060708ull), 0);
	CHECK_INT(chwire_put_uint32(&b, 86400000u), 0);
	CHECK_INT(chwire_put_uint8(&b, 50), 0);
	CHECK(bytes_are(&b, "\x08\x07\x06\x05\x04\x03\x02\x01\x00\x5c\x26\x05\x32", 13));
	chwire_buf_reset(&b);
	CHECK_INT(chwire_put_nullable_string(&b, NULL), 0);
	CHECK_INT(chwire_put_nullable_string(&b, ""), 0);
	CHECK_INT(chwire_put_nullable_string(&b, "a\tb"), 0);
	CHECK(bytes_are(&b, "\x01\x00\x00\x00\x03" "a\tb", 8));
	/* LEB128 lengths at the boundaries 127/128 and 16383/16384. */
	static const size_t lens[] = { 127, 128, 16383, 16384 };
	static const char *const prefix[] = { "\x7f", "\x80\x01", "\xff\x7f", "\x80\x80\x01" };
	char *s = calloc(1, 16384);
	CHECK(s != NULL);
	for (int i = 0; i < 4 && s != NULL; i++) {
		size_t pn = strlen(prefix[i]);
		chwire_buf_reset(&b);
		CHECK_INT(chwire_put_string(&b, s, lens[i]), 0);
		CHECK_INT(b.len, pn + lens[i]);
		CHECK(memcmp(b.p, prefix[i], pn) == 0);
	}
	free(s);
	chwire_buf_free(&b);
}

static void test_rowbinary_limit(void)
{
	struct chwire_buf b;

	chwire_buf_init(&b, 10);
	CHECK_INT(chwire_put_int64(&b, 1), 0);
	CHECK_INT(chwire_put_uint8(&b, 1), 0);
	CHECK_INT(chwire_put_uint8(&b, 1), 0);
	CHECK_INT(b.len, 10);
	CHECK_INT(chwire_put_uint8(&b, 1), -1);
	CHECK_INT(b.failed, 1);
	CHECK_INT(b.len, 10);
	/* Sticky: a put that would fit still fails until reset. */
	chwire_buf_reset(&b);
	CHECK_INT(b.failed, 0);
	CHECK_INT(chwire_put_string(&b, "123456789", 9), 0);
	CHECK_INT(chwire_put_string(&b, "", 0), -1);
	CHECK_INT(chwire_put_uint8(&b, 0), -1);
	chwire_buf_free(&b);
}

/* ---- literals ------------------------------------------------------------ */

/* ---- arrays in a field ------------------------------------------------ */

static int ints(struct chwire_array *a, const char *s)
{
	return chwire_array_ints(a, s, strlen(s));
}

static void test_array_ints(void)
{
	struct chwire_array a;

	chwire_array_init(&a);
	CHECK_INT(ints(&a, "[]"), 0);
	CHECK_INT(a.nints, 0);
	CHECK_INT(ints(&a, "[1743116400000,-7,0,9223372036854775807,-9223372036854775808]"), 0);
	CHECK_INT(a.nints, 5);
	CHECK(a.ints[0] == 1743116400000 && a.ints[1] == -7 && a.ints[2] == 0 && a.ints[3] == INT64_MAX &&
	      a.ints[4] == INT64_MIN);
	/* Refused: not an array, empty elements, overflow, other characters; nints is then not to be read. */
	static const char *const bad[] = { "", "[", "1,2", "[1,]", "[,1]", "[1,,2]", "[-]", "[+1]", "[1 ]",
	                                   "[9223372036854775808]", "[-9223372036854775809]",
	                                   "[99999999999999999999999]", "['1']", "[1.5]" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (ints(&a, bad[i]) != -1) {
			printf("  accepted %s\n", bad[i]);
			CHECK(0);
		}
	}
	chwire_array_free(&a);
}

static void test_array_strings(void)
{
	struct chwire_array a;
	const char *s = "['iban','a\\'b','back\\\\slash','']";

	chwire_array_init(&a);
	CHECK_INT(chwire_array_strings(&a, s, strlen(s)), 0);
	CHECK_INT(a.noffs, 4);
	CHECK_STR(a.text + a.offs[0], "iban");
	CHECK_STR(a.text + a.offs[1], "a'b");
	CHECK_STR(a.text + a.offs[2], "back\\slash");
	CHECK_STR(a.text + a.offs[3], "");
	/* A second array is appended behind the first; clearing empties both. */
	CHECK_INT(chwire_array_strings(&a, "['x']", 5), 0);
	CHECK_INT(a.noffs, 5);
	CHECK_STR(a.text + a.offs[4], "x");
	chwire_array_clear_strings(&a);
	CHECK_INT(chwire_array_strings(&a, "[]", 2), 0);
	CHECK_INT(a.noffs, 0);
	static const char *const bad[] = { "['a'", "[a]", "['a',]", "['a''b']", "['a' ,'b']", "['a]", "[\\'a']" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (chwire_array_strings(&a, bad[i], strlen(bad[i])) != -1) {
			printf("  accepted %s\n", bad[i]);
			CHECK(0);
		}
	}
	chwire_array_free(&a);
}

static void test_quote(void)
{
	char out[64];

	CHECK_INT(chwire_quote("gladbeck", 8, out, sizeof out), 10);
	CHECK_STR(out, "'gladbeck'");
	CHECK_INT(chwire_quote("a'b\\c\n\x7f\xc3\xbc", 9, out, sizeof out), 19);
	CHECK_STR(out, "'a\\'b\\\\c\\x0A\\x7F\xc3\xbc'");
	CHECK_INT(chwire_quote("", 0, out, 3), 2);
	CHECK_STR(out, "''");
	CHECK_INT(chwire_quote("abc", 3, out, 5), -1);
	CHECK_INT(chwire_quote("abc", 3, out, 6), -1); /* the check keeps room for an escape */
	CHECK_INT(chwire_quote("abc", 3, out, 9), 5);
}

int main(void)
{
	RUN(test_url_full);
	RUN(test_url_defaults);
	RUN(test_url_refusals);
	RUN(test_url_limits);
	RUN(test_tsv_every_split);
	RUN(test_tsv_refusals);
	RUN(test_tsv_row_limit);
	RUN(test_rowbinary_bytes);
	RUN(test_rowbinary_limit);
	RUN(test_array_ints);
	RUN(test_array_strings);
	RUN(test_quote);
	return test_summary("test_clickhouse");
}
