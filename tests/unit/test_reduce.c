/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_reduce.c — unit tests for the privacy reductions (reduce.h): every
 * rule of PROTOCOL.md with its examples and edges. It does not test the
 * beacon parser's use of them (test_beacon.c does).
 */
#include "../test.h"
#include "reduce.h"

static char out[4096];
static char host[4096];

static const char *url_path(const char *url)
{
	if (reduce_url(url, strlen(url), out, sizeof out, host, sizeof host) != 0)
		return "(fail)";
	return out;
}

static const char *ref_of(const char *ref, const char *page_host)
{
	if (reduce_ref(ref, strlen(ref), page_host, out, sizeof out) != 0)
		return "(fail)";
	return out;
}

static const char *href_of(const char *href)
{
	if (reduce_href(href, strlen(href), out, sizeof out) != 0)
		return "(fail)";
	return out;
}

static const char *query(const char *q)
{
	if (reduce_query(q, strlen(q), out, sizeof out) != 0)
		return "(fail)";
	return out;
}

static const char *message(const char *m)
{
	if (reduce_message(m, strlen(m), out, sizeof out) != 0)
		return "(fail)";
	return out;
}

static void test_url_paths(void)
{
	CHECK_STR(url_path("https://www.gladbeck.de/rathaus/buergerbuero?x=1#top"), "/rathaus/buergerbuero");
	CHECK_STR(host, "www.gladbeck.de");
	CHECK_STR(url_path("https://www.gladbeck.de"), "/");
	CHECK_STR(url_path("https://www.gladbeck.de?q=1"), "/");
	CHECK_STR(url_path("https://www.gladbeck.de#x"), "/");
	CHECK_STR(url_path("https://www.gladbeck.de/"), "/");
	CHECK_STR(url_path("http://a.de/antrag/12345/status"), "/antrag/:id/status");
	CHECK_STR(url_path("http://a.de/antrag/1234/status"), "/antrag/1234/status");
	CHECK_STR(url_path("http://a.de/vorgang-98765.html"), "/:id");
	CHECK_STR(url_path("http://a.de/2024/05/bericht"), "/2024/05/bericht");
	CHECK_STR(url_path("http://a.de/x/123e4567-E89B-12d3-a456-426614174000/y"), "/x/:id/y");
	CHECK_STR(url_path("http://a.de/f-123e4567-e89b-12d3-a456-426614174000.pdf"), "/:id");
	CHECK_STR(url_path("http://a.de/x/abcdefab-abcd-abcd-abcd-abcdefabcde/y"), "/x/abcdefab-abcd-abcd-abcd-abcdefabcde/y");
	CHECK_STR(url_path("http://a.de/x/ABCDEFAB-abcd-ABCD-abcd-abcdefabcdef/y"), "/x/:id/y");
	CHECK_STR(url_path("http://a.de/profil/max@example.com/edit"), "/profil/:id/edit");
	CHECK_STR(url_path("http://a.de/profil/max%40example.com"), "/profil/:id");
	CHECK_STR(url_path("http://a.de/stra%C3%9Fe/ab%20c"), "/stra%C3%9Fe/ab%20c");
	CHECK_STR(url_path("http://a.de//x//"), "//x//");
	CHECK_STR(url_path("http://a.de/@"), "/:id");
}

static void test_url_hosts(void)
{
	CHECK_STR(url_path("HTTPS://User:Secret@WWW.Gladbeck.DE:8443/Rathaus"), "/Rathaus");
	CHECK_STR(host, "www.gladbeck.de");
	CHECK_STR(url_path("http://max@mail.de@host.de/"), "/");
	CHECK_STR(host, "host.de");
	CHECK_STR(url_path("http://[2001:db8::1]:8080/a"), "/a");
	CHECK_STR(host, "[2001:db8::1]");
	CHECK_STR(url_path("http://localhost:/a"), "/a");
	CHECK_STR(host, "localhost");
}

static void test_url_invalid(void)
{
	CHECK_STR(url_path(""), "(fail)");
	CHECK_STR(url_path("/relative/path"), "(fail)");
	CHECK_STR(url_path("ftp://a.de/x"), "(fail)");
	CHECK_STR(url_path("javascript:alert(1)"), "(fail)");
	CHECK_STR(url_path("http:/a.de/x"), "(fail)");
	CHECK_STR(url_path("http://"), "(fail)");
	CHECK_STR(url_path("http:///x"), "(fail)");
	CHECK_STR(url_path("http://a.de:port/"), "(fail)");
	CHECK_STR(url_path("http://a.de:123456/"), "(fail)");
	CHECK_STR(url_path("http://a b.de/"), "(fail)");
	CHECK_STR(url_path("http://a.de/x y"), "(fail)");
	CHECK_STR(url_path("http://a.de/x\ty"), "(fail)");
	CHECK_STR(url_path("http://münchen.de/"), "(fail)");
	CHECK_STR(url_path("http://[::1/"), "(fail)");
	CHECK_STR(url_path("http://a.de/\xC3"), "(fail)");
	CHECK_INT(reduce_url("http://a.de/\0x", 14, out, sizeof out, NULL, 0), -1);
	/* 2048 bytes pass, 2049 do not. */
	char big[2100];
	memcpy(big, "http://a.de/", 12);
	memset(big + 12, 'x', sizeof big - 12);
	CHECK_INT(reduce_url(big, 2048, out, sizeof out, NULL, 0), 0);
	CHECK_INT(strlen(out), 2048 - 11);
	CHECK_INT(reduce_url(big, 2049, out, sizeof out, NULL, 0), -1);
	/* An output that does not fit fails rather than truncates. */
	CHECK_INT(reduce_url("http://a.de/abcdef", 18, out, 5, NULL, 0), -1);
	CHECK_INT(reduce_url("http://a.de/abc", 15, out, 5, NULL, 0), 0);
	CHECK_INT(reduce_url("http://www.a.de/abc", 19, out, 5, host, 4), -1);
}

/*
 * URL bytes are checked eight at a time while they are plain: put each kind
 * of byte the fast path must stop at in every lane of paths of 1..40 bytes,
 * before and after a '?', and compare with what the byte means.
 */
static void test_url_bytes_in_every_lane(void)
{
	static const char prefix[] = "https://www.Gladbeck.de/";
	static const unsigned char probes[] = { 0x00, 0x09, 0x20, 0x7F, 0x80, 0xFF, '?', '#', 'b' };
	char url[128], want[128];
	size_t p0 = sizeof prefix - 1;

	for (size_t n = 1; n <= 40; n++) {
		for (size_t at = 0; at < n; at++) {
			for (size_t k = 0; k < sizeof probes; k++) {
				unsigned char b = probes[k];
				memcpy(url, prefix, p0);
				memset(url + p0, 'a', n);
				url[p0 + at] = (char)b;
				int rc = reduce_url(url, p0 + n, out, sizeof out, NULL, 0);
				if (b <= 0x20 || b >= 0x7F) {
					CHECK_INT(rc, -1);
					continue;
				}
				/* the path runs up to a '?' or '#'; 'b' is plain */
				size_t path = b == 'b' ? n : at;
				snprintf(want, sizeof want, "/%.*s", (int)path, url + p0);
				CHECK_INT(rc, 0);
				if (rc == 0)
					CHECK_STR(out, want);
				/* after a '?' the bytes are checked all the same */
				if (at > 0 && b == '?') {
					static const unsigned char bad[] = { 0x01, 0x20, 0x7F, 0x80, 0xFF };
					url[p0] = '?';
					for (size_t j = 0; j < sizeof bad; j++) {
						url[p0 + at] = (char)bad[j];
						CHECK_INT(reduce_url(url, p0 + n, out, sizeof out, NULL, 0), -1);
					}
				}
			}
		}
	}
	/* Multi-byte UTF-8 shifts where the 8-byte steps begin: a bad byte after it still stops. */
	for (size_t lead = 0; lead < 8; lead++) {
		size_t n = (size_t)snprintf(url, sizeof url, "https://a.de/%.*s\xc3\xa4" "aaaaaaaaaaaaaaaa",
		                            (int)lead, "bbbbbbbb");
		CHECK_INT(reduce_url(url, n, out, sizeof out, NULL, 0), 0);
		for (size_t k = n - 16; k < n; k++) {
			char keep = url[k];
			url[k] = 0x7F;
			CHECK_INT(reduce_url(url, n, out, sizeof out, NULL, 0), -1);
			url[k] = '#';
			CHECK_INT(reduce_url(url, n, out, sizeof out, NULL, 0), 0);
			CHECK_INT(strlen(out), k - 12); /* the path from the '/' at 12 */
			url[k] = keep;
		}
	}
}

/* The origin of a Referer: scheme://host[:port] as sent, without user-info. */
static void test_referer_origin(void)
{
	char o[64];
	const char *r1 = "https://www.gladbeck.de:8443/rathaus/?q=1";
	CHECK_INT(reduce_origin(r1, strlen(r1), o, sizeof o), 28);
	CHECK_STR(o, "https://www.gladbeck.de:8443");
	const char *r2 = "http://a.de";
	CHECK_INT(reduce_origin(r2, strlen(r2), o, sizeof o), 11);
	CHECK_STR(o, "http://a.de");
	const char *r3 = "HTTPS://user:pw@A.de/x#y";
	CHECK_INT(reduce_origin(r3, strlen(r3), o, sizeof o), 12);
	CHECK_STR(o, "HTTPS://A.de");
	const char *r4 = "ftp://a.de/x";
	CHECK_INT(reduce_origin(r4, strlen(r4), o, sizeof o), -1);
	const char *r6 = "https://a-very-long-host-name-that-does-not-fit.example.de/";
	CHECK_INT(reduce_origin(r6, strlen(r6), o, 20), -1);
	/* Only scheme and authority are read: what follows may be long or anything. */
	const char *r5 = "https://a.de/x y\xff";
	CHECK_INT(reduce_origin(r5, strlen(r5), o, sizeof o), 12);
	CHECK_STR(o, "https://a.de");
	char long_ref[3000];
	snprintf(long_ref, sizeof long_ref, "https://a.de?q=%02900d", 0);
	CHECK_INT(reduce_origin(long_ref, strlen(long_ref), o, sizeof o), 12);
	CHECK_STR(o, "https://a.de");
	const char *r7 = "https://a.de:/x"; /* an empty port is no port */
	CHECK_INT(reduce_origin(r7, strlen(r7), o, sizeof o), 12);
	CHECK_STR(o, "https://a.de");
	const char *r8 = "https://a.de:8443#f";
	CHECK_INT(reduce_origin(r8, strlen(r8), o, sizeof o), 17);
	CHECK_STR(o, "https://a.de:8443");
	const char *bad[] = { "https://a b.de/", "https:/a.de", "https:", "https://", "https://a.de:123456/",
	                      "https://\xff.de/" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		CHECK_INT(reduce_origin(bad[i], strlen(bad[i]), o, sizeof o), -1);
}

static void test_ref(void)
{
	CHECK_STR(ref_of("https://www.google.com/search?q=personalausweis", "www.gladbeck.de"), "www.google.com");
	CHECK_STR(ref_of("https://WWW.Google.com:443/", "www.gladbeck.de"), "www.google.com");
	CHECK_STR(ref_of("https://www.gladbeck.de/buergerbuero/12345?x=1", "www.gladbeck.de"), "/buergerbuero/:id");
	CHECK_STR(ref_of("https://WWW.GLADBECK.DE", "www.gladbeck.de"), "/");
	CHECK_STR(ref_of("https://gladbeck.de/a", "www.gladbeck.de"), "gladbeck.de");
	CHECK_STR(ref_of("android-app://com.google.android.gm/", "www.gladbeck.de"), "com.google.android.gm");
	CHECK_STR(ref_of("https://x.de/a", NULL), "x.de");
	CHECK_STR(ref_of("not a url", "www.gladbeck.de"), "(fail)");
	CHECK_STR(ref_of("about:blank", "www.gladbeck.de"), "(fail)");
}

static void test_href(void)
{
	CHECK_STR(href_of("https://www.bottrop.de/formulare/antrag.pdf"), "www.bottrop.de/formulare/antrag.pdf");
	CHECK_STR(href_of("https://www.Bottrop.de:443/formulare/antrag.pdf?download=1#p2"),
	          "www.bottrop.de/formulare/antrag.pdf");
	CHECK_STR(href_of("https://service.example/termin/123456"), "service.example/termin/:id");
	CHECK_STR(href_of("https://example.org"), "example.org/");
	CHECK_STR(href_of("mailto:max@example.com"), "(fail)");
	CHECK_STR(href_of("tel:+492041990"), "(fail)");
}

static void test_query_normalize(void)
{
	CHECK_STR(query("Personalausweis"), "personalausweis");
	CHECK_STR(query("  Führerschein   UMTAUSCH \t\n "), "führerschein umtausch");
	CHECK_STR(query("ÄÖÜ äöü ß"), "äöü äöü ß");
	CHECK_STR(query("ÀÉÎÕØÞ × Ÿ"), "àéîõøþ × ÿ");
	CHECK_STR(query("ŁÓDŹ ŚLĄSK ČEŠKÁ İ"), "łódź śląsk češká i");
	CHECK_STR(query("a\xC2\xA0\xE2\x80\x83" "b"), "a b");
	CHECK_STR(query("a\x01\x7F" "b"), "ab");
	CHECK_STR(query(""), "");
	CHECK_STR(query("   "), "");
}

static void test_query_redact(void)
{
	CHECK_STR(query("Max.Mustermann@Example.com Antrag"), "[email] antrag");
	CHECK_STR(query("mail an a@b.de."), "mail an [email].");
	CHECK_STR(query("a@b"), "a@b");
	CHECK_STR(query("@home"), "@home");
	CHECK_STR(query("IBAN DE89 3704 0044 0532 0130 00 prüfen"), "iban [iban] prüfen");
	CHECK_STR(query("de89370400440532013000"), "[iban]");
	CHECK_STR(query("GB29 NWBK 6016 1331 9268 19"), "[iban]");
	CHECK_STR(query("AT61 1904 3002 3457 3201 und mehr"), "[iban] und mehr");
	CHECK_STR(query("Tel. 0201 12345678"), "tel. [tel]");
	CHECK_STR(query("+49 201 123-456"), "[tel]");
	CHECK_STR(query("0176/1234567 anrufen"), "[tel] anrufen");
	CHECK_STR(query("+49-201-9876"), "[tel]");
	CHECK_STR(query("0123456"), "[tel]");
	CHECK_STR(query("012345"), "[zahl]");
	CHECK_STR(query("01234"), "[zahl]");
	CHECK_STR(query("0 1 2 3 4 5 6"), "[tel]");
	CHECK_STR(query("Aktenzeichen 2024-12345"), "aktenzeichen 2024-[zahl]");
	CHECK_STR(query("plz 45964 gladbeck"), "plz [zahl] gladbeck");
	CHECK_STR(query("1234 öffnungszeiten 2024"), "1234 öffnungszeiten 2024");
	CHECK_STR(query("kontakt: 0201123456 oder x@y.org"), "kontakt: [tel] oder [email]");
	/* The order matters: an address with digits is an address, not a phone. */
	CHECK_STR(query("01761234567@sms.de"), "[email]");
	CHECK_STR(query("DE89 3704 0044 0532 0130 00"), "[iban]");
}

static void test_query_limits(void)
{
	char q[1000];
	memset(q, 'a', 200);
	CHECK_INT(reduce_query(q, 200, out, sizeof out), 0);
	CHECK_INT(reduce_query(q, 201, out, sizeof out), -1);
	/* 200 two-byte characters are 200 characters. */
	for (int i = 0; i < 200; i++)
		memcpy(q + 2 * i, "\xC3\xA4", 2);
	CHECK_INT(reduce_query(q, 400, out, sizeof out), 0);
	CHECK_INT(reduce_query(q, 402, out, sizeof out), -1);
	CHECK_INT(reduce_query("\xC0\x80", 2, out, sizeof out), -1);
	CHECK_INT(reduce_query("\xED\xA0\x80", 3, out, sizeof out), -1);
	CHECK_INT(reduce_query("ab", 2, out, 2), -1);
	CHECK_INT(reduce_query("ab", 2, out, 3), 0);
}

static void test_message(void)
{
	CHECK_STR(message("Uncaught TypeError: Cannot read properties of undefined (reading 'vorname')"),
	          "Uncaught TypeError: Cannot read properties of undefined (reading '…')");
	CHECK_STR(message("Error at line 42:17"), "Error at line N:N");
	CHECK_STR(message("Unexpected token '<', \"<!DOCTYPE \"... is not valid JSON"),
	          "Unexpected token '…', \"…\"... is not valid JSON");
	CHECK_STR(message("Can't find variable: `x1`"), "Can't find variable: `…`");
	CHECK_STR(message("don't 'stop'"), "don't '…'");
	CHECK_STR(message("it's a 'quote"), "it's a 'quote");
	CHECK_STR(message("user max@example.com not found"), "user [email] not found");
	CHECK_STR(message("id 1234567 / v2"), "id N / vN");
	CHECK_STR(message("a\nb\tc\x7F"), "abc");
	CHECK_STR(message("''"), "'…'");
	CHECK_STR(message(""), "");
	char m[300];
	memset(m, 'x', sizeof m);
	CHECK_INT(reduce_message(m, 200, out, sizeof out), 0);
	CHECK_INT(reduce_message(m, 201, out, sizeof out), -1);
	/* 100 empty quote pairs, the worst growth, still fit a 2.5x buffer. */
	memset(m, '\'', 200);
	CHECK_INT(reduce_message(m, 200, out, 501), 0);
	CHECK_INT(strlen(out), 500);
}

int main(void)
{
	RUN(test_url_paths);
	RUN(test_url_hosts);
	RUN(test_url_invalid);
	RUN(test_url_bytes_in_every_lane);
	RUN(test_referer_origin);
	RUN(test_ref);
	RUN(test_href);
	RUN(test_query_normalize);
	RUN(test_query_redact);
	RUN(test_query_limits);
	RUN(test_message);
	return test_summary("reduce");
}
