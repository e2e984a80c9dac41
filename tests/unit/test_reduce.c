/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_reduce.c — unit tests for the privacy reductions (reduce.h, with
 * fold.h and redact.h behind them): every rule of PROTOCOL.md with its
 * examples and edges, and the redaction corpus of tests/redaction/ (every
 * personal value caught in every field, every ordinary one unchanged). It
 * does not test the beacon parser's use of them (test_beacon.c does).
 */
#include <stdlib.h>

#include "../test.h"
#include "fold.h"
#include "json.h"
#include "redact.h"
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

static const char *label(const char *s)
{
	if (reduce_label(s, strlen(s), out, sizeof out) != 0)
		return "(fail)";
	return out;
}

static const char *folded(const char *s, unsigned flags)
{
	size_t n;

	if (fold_text(s, strlen(s), flags, out, sizeof out - 1, &n) != 0)
		return "(fail)";
	out[n] = '\0';
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
	CHECK_STR(url_path("http://a.de/max@localhost"), "/:id");
	CHECK_STR(url_path("http://a.de/a@b.de"), "/:id");
}

/* Path parameters go; each segment is checked decoded and folded, stored as sent. */
static void test_url_segments(void)
{
	CHECK_STR(url_path("https://www.gladbeck.de/suche;jsessionid=8F3AC0DE99B1"), "/suche");
	CHECK_STR(url_path("https://a.de/formulare/vollmacht.pdf;jsessionid=8F3AC0DE99B1?x=1"), "/formulare/vollmacht.pdf");
	CHECK_STR(url_path("https://a.de/a;b=1/c;d/e"), "/a/c/e");
	CHECK_STR(url_path("https://a.de/;jsessionid=x"), "/");
	CHECK_STR(url_path("https://a.de/a%3Bb"), "/a%3Bb");
	/* identifiers only a path has */
	CHECK_STR(url_path("https://a.de/x/123e4567e89b12d3a456426614174000/y"), "/x/:id/y");
	CHECK_STR(url_path("https://a.de/x/abcdefabcdefabcdefabcdefabcdefab"), "/x/:id");
	CHECK_STR(url_path("https://a.de/x/abcdefabcdefabcdefabcdefabcdefa"), "/x/abcdefabcdefabcdefabcdefabcdefa");
	CHECK_STR(url_path("https://a.de/t/eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxIn0.c2ln"), "/t/:id");
	CHECK_STR(url_path("https://a.de/s/a1b2c3d4e5f6a7b8"), "/s/:id");
	CHECK_STR(url_path("https://a.de/s/a1b2c3d4e5f6a7b"), "/s/a1b2c3d4e5f6a7b");
	CHECK_STR(url_path("https://a.de/s/abcdefghijklmnopqrstuvwxyz"), "/s/abcdefghijklmnopqrstuvwxyz");
	CHECK_STR(url_path("https://a.de/s/dienstleistungen-a-z-2026"), "/s/dienstleistungen-a-z-2026");
	/* rules 1–6 in a segment */
	CHECK_STR(url_path("https://a.de/p/max%2540example.de"), "/p/:id");
	CHECK_STR(url_path("https://a.de/p/max(at)example.de"), "/p/:id");
	CHECK_STR(url_path("https://a.de/p/max%EF%BC%A0example.de"), "/p/:id");
	CHECK_STR(url_path("https://a.de/q%3Dmax%2540example.de"), "/:id");
	CHECK_STR(url_path("https://a.de/DE89%203704%200044%200532%200130%2000"), "/:id");
	CHECK_STR(url_path("https://a.de/geb-12.03.1985"), "/:id");
	CHECK_STR(url_path("https://a.de/0204%E2%80%91399%E2%80%911234"), "/:id");
	CHECK_STR(url_path("https://a.de/12%20345%20678%20901"), "/:id");
	CHECK_STR(url_path("https://a.de/L01X00T47"), "/:id");
	CHECK_STR(url_path("https://a.de/%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95"), "/:id");
	/* ordinary segments, encoded or not */
	CHECK_STR(url_path("https://a.de/b%C3%BCrgerb%C3%BCro/termin"), "/b%C3%BCrgerb%C3%BCro/termin");
	CHECK_STR(url_path("https://a.de/antrag/schritt1.html"), "/antrag/schritt1.html");
	CHECK_STR(url_path("https://a.de/2024/05/bericht"), "/2024/05/bericht");
	CHECK_STR(url_path("https://a.de/x/%zz%4"), "/x/%zz%4");
	CHECK_STR(url_path("https://a.de/x/%FF%FE"), "/x/%FF%FE");
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
	/* The page's own host is kept as sent, also when it is an address. */
	CHECK_STR(url_path("http://192.168.1.23/a"), "/a");
	CHECK_STR(host, "192.168.1.23");
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
				memset(url + p0, 'x', n);
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
	CHECK_STR(ref_of("https://192.168.1.23/x", "www.gladbeck.de"), "[ip]");
	CHECK_STR(ref_of("http://[2001:db8::1]:8080/a", "www.gladbeck.de"), "[ip]");
	CHECK_STR(ref_of("https://3232235777/", "www.gladbeck.de"), "[ip]");
	CHECK_STR(ref_of("https://0xC0A80117/", "www.gladbeck.de"), "[ip]");
	CHECK_STR(ref_of("https://10.0.0.1./", "www.gladbeck.de"), "[ip]");
	CHECK_STR(ref_of("https://192.168.1.23/a/b", "192.168.1.23"), "/a/b");
	CHECK_STR(ref_of("https://v1.2.example/", "www.gladbeck.de"), "v1.2.example");
	CHECK_STR(ref_of("https://x.0xfg/", "www.gladbeck.de"), "x.0xfg");
	CHECK_STR(ref_of("https://www.gladbeck.de/a;jsessionid=1/b", "www.gladbeck.de"), "/a/b");
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
	CHECK_STR(href_of("https://192.168.1.23:8443/x/12345"), "[ip]/x/:id");
	CHECK_STR(href_of("http://[2001:db8::1]/a.pdf;jsessionid=9"), "[ip]/a.pdf");
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
	CHECK_STR(query("Aktenzeichen 2024-12345"), "aktenzeichen [zahl]");
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

/* Step names and click targets: folded and redacted like q, letters keep their case. */
static void test_label(void)
{
	CHECK_STR(label("Angaben zur Person"), "Angaben zur Person");
	CHECK_STR(label("  Schritt\t2 \n von  5 "), "Schritt 2 von 5");
	CHECK_STR(label("Öffnungszeiten ÄÖÜ"), "Öffnungszeiten ÄÖÜ");
	CHECK_STR(label("A\tB\x7F\n C <b>"), "A B C <b>");
	CHECK_STR(label("Kontakt Max.Mustermann@Example.com"), "Kontakt [email]");
	CHECK_STR(label("Ausweis L01X00T47"), "Ausweis [id]");
	CHECK_STR(label("ＫＦＺ Ｚｕｌａｓｓｕｎｇ"), "KFZ Zulassung");
	CHECK_STR(label("Rückruf 0204\xE2\x80\x91" "399\xE2\x80\x91" "1234"), "Rückruf [tel]");
	CHECK_STR(label("button#absenden"), "button#absenden");
	CHECK_STR(label(""), "");
}

/* The folding of PROTOCOL.md, from the generated Unicode table. */
static void test_fold(void)
{
	CHECK(strcmp(fold_unicode_version(), "10.0.0") >= 0);
	/* compatibility forms to ASCII: full-width, small, mathematical, circled, super/subscript, ligatures */
	CHECK_STR(folded("ｍａｘ＠ｅｘａｍｐｌｅ．ｄｅ", 0), "max@example.de");
	CHECK_STR(folded("ＭＡＸ", FOLD_LOWER), "max");
	CHECK_STR(folded("max\xEF\xB9\xAB" "example.de", 0), "max@example.de"); /* U+FE6B small @ */
	CHECK_STR(folded("\xF0\x9D\x90\x8C\xF0\x9D\x9F\x8F", 0), "M1"); /* U+1D40C, U+1D7CF */
	CHECK_STR(folded("\xE2\x91\xA0\xE2\x91\xB4\xE2\x92\x87\xE2\x92\x88", 0), "1(1)(20)1."); /* ① ⑴ ⒇ ⒈ */
	CHECK_STR(folded("m\xC2\xB2 H\xE2\x82\x82O \xEF\xAC\x81" "le", 0), "m2 H2O file");
	CHECK_STR(folded("\xE2\x84\xAA", 0), "K"); /* Kelvin sign, a canonical singleton */
	/* every dash to "-", the minus sign included */
	CHECK_STR(folded("a\xE2\x80\x90" "b\xE2\x80\x91" "c\xE2\x80\x93" "d\xE2\x80\x94" "e\xE2\x88\x92" "f\xEF\xBC\x8D" "g",
	                 0), "a-b-c-d-e-f-g");
	/* every space to a space, runs to one, ends trimmed */
	CHECK_STR(folded("\xC2\xA0" "a\xE2\x80\x83\xE2\x80\xAF" "b\xE3\x80\x80" "c\xE2\x80\xA8" "d\xC2\x85" "e ", 0),
	          "a b c d e");
	CHECK_STR(folded(" \t\r\n a \t b \n", 0), "a b");
	/* format characters removed: soft hyphen, zero-width space and joiners, BOM, bidi controls, Hangul filler */
	CHECK_STR(folded("ma\xC2\xADx\xE2\x80\x8B@\xE2\x80\x8C" "ex\xE2\x80\x8D" "am\xEF\xBB\xBFple\xE2\x80\xAE.de", 0),
	          "max@example.de");
	CHECK_STR(folded("a\xE3\x85\xA4" "b\xE2\x81\xA0" "c", 0), "abc");
	/* controls, C1 included, dropped */
	CHECK_STR(folded("a\x01\x7F" "b\xC2\x80\xC2\x9F" "c", 0), "abc");
	/* letters without an ASCII form stay; lower-casing from UnicodeData */
	CHECK_STR(folded("Müller Straße Łódź", 0), "Müller Straße Łódź");
	CHECK_STR(folded("MÜLLER ẞ İ Ⱥ ΣΑ", FOLD_LOWER), "müller ß i ⱥ σα");
	CHECK_STR(folded("\xC2\xBD \xC3\xA9", 0), "\xC2\xBD \xC3\xA9"); /* ½ has no ASCII form; é stays */
	/* bytes that are not UTF-8 are kept as they are */
	CHECK_STR(folded("a\xFF" "b\xC3", 0), "a\xFF" "b\xC3");
	/* bounded: the output must fit, and grows by 3/2 at most */
	size_t n;
	char small[4];
	CHECK_INT(fold_text("abcd", 4, 0, small, 4, &n), 0);
	CHECK_INT(fold_text("abcde", 5, 0, small, 4, &n), -1);
	char big[600];
	for (int i = 0; i < 200; i++)
		memcpy(big + 2 * i, "\xC8\xBA", 2); /* Ⱥ, 2 bytes, lower-cases to 3 */
	CHECK_INT(fold_text(big, 400, FOLD_LOWER, out, FOLD_BOUND(400), &n), 0);
	CHECK_INT(n, 600);
	CHECK_INT(fold_text(big, 400, FOLD_LOWER, out, FOLD_BOUND(400) - 1, &n), -1);
}

/* Rules 1–6 one by one, with their edges. */
static void test_rules(void)
{
	/* 1: e-mail in every disguise */
	CHECK_STR(query("max＠example.de"), "[email]");
	CHECK_STR(query("max @ example.de"), "[email]");
	CHECK_STR(query("max%40example.de"), "[email]");
	CHECK_STR(query("max%2540example.de"), "[email]");
	CHECK_STR(query("max(at)example.de"), "[email]");
	CHECK_STR(query("max [AT] example.de"), "[email]");
	CHECK_STR(query("max{at}example(dot)de"), "[email]");
	CHECK_STR(query("max (at) example [punkt] de"), "[email]");
	CHECK_STR(query("max&#64;example.de"), "[email]");
	CHECK_STR(query("max&commat;example.de"), "[email]");
	CHECK_STR(query("a & b.de"), "a & b.de");
	CHECK_STR(query("\"max mustermann\"@example.de"), "[email]");
	CHECK_STR(query("jürgen.weiß@straße.de"), "[email]");
	CHECK_STR(query("mail: max@example.de, danke"), "mail: [email], danke");
	CHECK_STR(query("an max@x.de-"), "an [email]-");
	CHECK_STR(query("max@example"), "max@example");
	CHECK_STR(query("max@example.d"), "max@example.d");
	CHECK_STR(query("@gladbeck.de"), "@gladbeck.de");
	CHECK_STR(query("\"\"@example.de"), "\"\"@example.de");
	CHECK_STR(query("treffen (at) rathaus"), "treffen (at) rathaus");
	CHECK_STR(query("100%40 grad"), "100%40 grad");
	/* 2: IBAN, mod-97, separators, longest run */
	CHECK_STR(query("DE89.3704.0044.0532.0130.00"), "[iban]");
	CHECK_STR(query("DE89+3704+0044+0532+0130+00 ok"), "[iban] ok");
	CHECK_STR(query("de89 - 3704 - 0044 - 0532 - 0130 - 00"), "[iban]");
	CHECK_STR(query("DE89\xE2\x80\x8B" "3704\xE2\x80\x8B" "0044\xE2\x80\x8B" "0532\xE2\x80\x8B" "0130\xE2\x80\x8B" "00"),
	          "[iban]");
	CHECK_STR(query("NL91 ABNA 0417 1643 00 bitte"), "[iban] bitte");
	CHECK_STR(query("DE89 3704 0044 0532 0130 01"), "de[zahl]"); /* the check fails: digits still go */
	CHECK_STR(query("xDE89370400440532013000"), "xde[zahl]");
	CHECK(redact_is_iban("DE89-3704-0044-0532-0130-00", 27));
	CHECK(redact_is_iban("de89370400440532013000", 22));
	CHECK(!redact_is_iban("DE89370400440532013001", 22));
	CHECK(!redact_is_iban("DE89370400440532013000x", 23));
	CHECK(!redact_is_iban("iban_DE89370400440532013000", 27));
	CHECK(!redact_is_iban("", 0));
	/* 3: dates */
	CHECK_STR(query("geb. 12.03.1985"), "geb. [datum]");
	CHECK_STR(query("1.3.85"), "[datum]");
	CHECK_STR(query("1985-03-12"), "[datum]");
	CHECK_STR(query("12. 03. 1985"), "[datum]");
	CHECK_STR(query("32.03.1985"), "[zahl]");
	CHECK_STR(query("12.13.1985"), "[zahl]");
	CHECK_STR(query("am 12.03. um 9"), "am 12.03. um 9");
	CHECK_STR(query("version 1.2.3"), "version 1.2.3");
	/* 4: phone numbers */
	CHECK_STR(query("0 20 43 - 99 12 34"), "[tel]");
	CHECK_STR(query("+49 (0)2043 99 12 34 ab 9 uhr"), "[tel] ab 9 uhr");
	CHECK_STR(query("(02043) 99 12 34"), "[tel]");
	CHECK_STR(query("+49-(0)2043-991234"), "[tel]");
	CHECK_STR(query("tel:0176/1234567"), "tel:[tel]");
	CHECK_STR(query("0800 12345"), "[tel]");
	CHECK_STR(query("0201 12"), "[zahl]"); /* 0 and 5 more: no phone number */
	CHECK_STR(query("+49 1234"), "[tel]");
	CHECK_STR(query("+49 123"), "+[zahl]");
	CHECK_STR(query("+1 234"), "+1 234");
	/* 5: digit groups, letters touching */
	CHECK_STR(query("12 345 678 901"), "[zahl]");
	CHECK_STR(query("4111 1111 1111 1111"), "[zahl]");
	CHECK_STR(query("AZ12345x"), "az[zahl]x");
	CHECK_STR(query("2025 2026"), "[zahl]");
	CHECK_STR(query("1234 öffnungszeiten 2026"), "1234 öffnungszeiten 2026");
	CHECK_STR(query("12,50 euro"), "12,50 euro");
	CHECK_STR(query("1 2 3 4"), "1 2 3 4");
	/* 6: mixed identifiers */
	CHECK_STR(query("L01X00T47"), "[id]");
	CHECK_STR(query("ausweis t22000129x"), "ausweis t[zahl]x");
	CHECK_STR(query("schritt1 b224 abc12de"), "schritt1 b224 abc12de");
	CHECK_STR(query("abcdefgh12"), "[id]");
	CHECK_STR(query("abcdefghijk12"), "abcdefghijk12");
	CHECK_STR(query("a1b2c3d"), "a1b2c3d");
	CHECK_STR(query("abcdefgh1"), "abcdefgh1");
	/* the order: an earlier rule wins */
	CHECK_STR(query("01761234567@sms.de"), "[email]");
	CHECK_STR(query("01.02.2000"), "[datum]");
	/* again until nothing changes: "[id]" gives the phone number its start */
	CHECK_STR(query("ab12cd34 0 - 201 - 1234"), "[id] [tel]");
	/* bound: 6/5 is the largest growth ("12345" → "[zahl]") */
	char q[300];
	size_t n = 0;
	while (n + 6 <= 200) {
		memcpy(q + n, "12345a", 6);
		n += 6;
	}
	CHECK_INT(reduce_query(q, n, out, sizeof out), 0);
	CHECK(strlen(out) + 1 <= REDUCE_TEXT_BOUND(n));
}

static void test_message(void)
{
	CHECK_STR(message("TypeError"), "TypeError");
	CHECK_STR(message("TypeError /js/app.js:12:5"), "TypeError /js/app.js:12:5");
	CHECK_STR(message("Error /suche.html:26:11"), "Error /suche.html:26:11");
	CHECK_STR(message("TypeError https://www.gladbeck.de:8443/js/app.js?v=3#x:12:5"), "TypeError /js/app.js:12:5");
	CHECK_STR(message("ReferenceError http://a.de:1:2"), "ReferenceError /:1:2");
	CHECK_STR(message("TypeError /js/vorgang/12345/app.js:1:1"), "TypeError /js/vorgang/:id/app.js:1:1");
	CHECK_STR(message("TypeError /js/app.3f2a9b8c7d6e5f4a.js:1:34567"), "TypeError /js/:id:1:34567");
	CHECK_STR(message("TypeError /js/app.js;jsessionid=8F3A:1:2"), "TypeError /js/app.js:1:2");
	CHECK_STR(message("SyntaxError /:0:0"), "SyntaxError /:0:0");
	/* every other shape is refused: free text never reaches the disk */
	static const char *const bad[] = {
		"", "TypeError: x is undefined", "Uncaught TypeError", "Error Adresse nicht gefunden: Holunderweg 77a",
		"Error at line 42:17", "TypeError  /js/app.js:1:1", "TypeError /js/app.js:1", "TypeError /js/app.js",
		"TypeError app.js:1:1", "TypeError /js/app.js:1:1234567890", "TypeError /js/app.js:a:1",
		"TypeError /js/app.js::1", "TypeError :1:1", "TypeError blob:https://a.de/x:1:1",
		"TypeError ftp://a.de/x.js:1:1", "TypeError /js/a b.js:1:1", "TypeError /js/app.js:1:1 ",
		" TypeError", "TypeError ", "Type-Error", "Typ\xC3\xA9" "Error", "TypeError\t/js/app.js:1:1",
		"TypeError /js/\xFF.js:1:1", "AbcdefghijAbcdefghijAbcdefghijAbcdefghijA",
	};
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		if (strcmp(message(bad[i]), "(fail)") != 0)
			printf("  accepted: \"%s\" -> \"%s\"\n", bad[i], out);
		CHECK_STR(message(bad[i]), "(fail)");
	}
	CHECK_STR(message("AbcdefghijAbcdefghijAbcdefghijAbcdefghij"), "AbcdefghijAbcdefghijAbcdefghijAbcdefghij");
	char m[300];
	memset(m, 'x', sizeof m);
	CHECK_INT(reduce_message(m, 40, out, sizeof out), 0);
	memcpy(m, "E /", 3);
	memcpy(m + 196, ":1:1", 4);
	CHECK_INT(reduce_message(m, 200, out, sizeof out), 0);
	CHECK_INT(reduce_message(m, 201, out, sizeof out), -1);
	/* the output must fit; it is at most twice the input ("/@" → "/:id") */
	CHECK_INT(reduce_message("E /a:1:1", 8, out, 9), 0);
	CHECK_INT(reduce_message("E /a:1:1", 8, out, 8), -1);
	CHECK_STR(message("E /@/@:1:1"), "E /:id/:id:1:1");
}

/* ---- the corpus of tests/redaction ------------------------------------------ */

#define CORPUS_LINE 2048

/* Decodes the corpus's \uXXXX escapes in place. Returns 0, or -1 for a broken escape. */
static int unescape(char *s)
{
	char *w = s;

	for (const char *r = s; *r != '\0';) {
		if (r[0] == '\\' && r[1] == 'u') {
			char hex[5] = {0};
			char *end;
			memcpy(hex, r + 2, 4);
			unsigned long cp = strtoul(hex, &end, 16);
			if (end != hex + 4)
				return -1;
			char enc[4];
			size_t n = json_utf8_encode((uint32_t)cp, enc);
			memcpy(w, enc, n);
			w += n;
			r += 6;
		} else {
			*w++ = *r++;
		}
	}
	*w = '\0';
	return 0;
}

/* Percent-encodes every byte but letters, digits and "-._~", as a path segment. */
static void encode_segment(const char *s, char *dst, size_t cap)
{
	size_t n = 0;

	for (; *s != '\0' && n + 4 < cap; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || strchr("-._~", c))
			dst[n++] = (char)c;
		else
			n += (size_t)snprintf(dst + n, cap - n, "%%%02X", c);
	}
	dst[n] = '\0';
}

static int same_ignoring_ascii_case(const char *a, const char *b)
{
	for (; *a != '\0' && *b != '\0'; a++, b++) {
		char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a + 32) : *a;
		char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b + 32) : *b;
		if (x != y)
			return 0;
	}
	return *a == *b;
}

/* Counts a corpus value that failed, and says which and where. */
static int corpus_misses;

static void miss(const char *what, const char *value, const char *got, const char *want)
{
	printf("  corpus miss (%s): \"%s\" -> \"%s\", want \"%s\"\n", what, value, got, want);
	corpus_misses++;
}

/* Checks one path segment (as it appears in a URL) in url, same-host ref, href and message. */
static void check_segment(const char *seg, const char *want, const char *value)
{
	char url[4 * CORPUS_LINE], want_path[4 * CORPUS_LINE], got[4 * CORPUS_LINE];

	snprintf(url, sizeof url, "https://www.gladbeck.de/a/%s/b", seg);
	snprintf(want_path, sizeof want_path, "/a/%s/b", want);
	if (reduce_url(url, strlen(url), got, sizeof got, NULL, 0) != 0 || strcmp(got, want_path) != 0)
		miss("url", value, got, want_path);
	if (reduce_ref(url, strlen(url), "www.gladbeck.de", got, sizeof got) != 0 || strcmp(got, want_path) != 0)
		miss("ref", value, got, want_path);
	snprintf(url, sizeof url, "https://www.bottrop.de/a/%s/b", seg);
	snprintf(want_path, sizeof want_path, "www.bottrop.de/a/%s/b", want);
	if (reduce_href(url, strlen(url), got, sizeof got) != 0 || strcmp(got, want_path) != 0)
		miss("href", value, got, want_path);
	snprintf(url, sizeof url, "TypeError /js/%s/app.js:12:5", seg);
	snprintf(want_path, sizeof want_path, "TypeError /js/%s/app.js:12:5", want);
	if (strlen(url) <= 200 && (reduce_message(url, strlen(url), got, sizeof got) != 0 || strcmp(got, want_path) != 0))
		miss("message", value, got, want_path);
}

/* Opens a corpus file; the tests run from the top of the tree (tests/run.sh). */
static FILE *open_corpus(const char *name)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof path, "tests/redaction/%s", name);
	f = fopen(path, "r");
	if (f == NULL)
		printf("  cannot open %s (run from the top of the tree)\n", path);
	return f;
}

static size_t code_points(const char *s)
{
	size_t n = 0;

	CHECK_INT(json_utf8_check(s, strlen(s), &n), 0);
	return n;
}

/* Every personal value of pii.txt is caught in every field it can be sent in. */
static void test_corpus_pii(void)
{
	char line[CORPUS_LINE], enc[4 * CORPUS_LINE], got[4 * CORPUS_LINE], text[CORPUS_LINE + 32],
	    want[CORPUS_LINE + 32];
	size_t values = 0;
	FILE *f = open_corpus("pii.txt");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	corpus_misses = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		char *tab, *value;
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		tab = strchr(line, '\t');
		CHECK(tab != NULL);
		if (tab == NULL)
			continue;
		*tab = '\0';
		value = tab + 1;
		CHECK_INT(unescape(value), 0);
		values++;
		if (strcmp(line, ":id") == 0) {
			check_segment(value, ":id", value);
			continue;
		}
		if (strcmp(line, "[ip]") == 0) {
			char url[CORPUS_LINE + 32];
			snprintf(url, sizeof url, "https://%s/x", value);
			if (reduce_ref(url, strlen(url), "www.gladbeck.de", got, sizeof got) != 0 || strcmp(got, "[ip]") != 0)
				miss("ref host", value, got, "[ip]");
			if (reduce_href(url, strlen(url), got, sizeof got) != 0 || strcmp(got, "[ip]/x") != 0)
				miss("href host", value, got, "[ip]/x");
			continue;
		}
		if (reduce_query(value, strlen(value), got, sizeof got) != 0 || strcmp(got, line) != 0)
			miss("q", value, got, line);
		snprintf(text, sizeof text, "kontakt %s bitte", value);
		snprintf(want, sizeof want, "kontakt %s bitte", line);
		if (reduce_query(text, strlen(text), got, sizeof got) != 0 || strcmp(got, want) != 0)
			miss("q in words", value, got, want);
		CHECK(code_points(value) <= 80);
		if (reduce_label(value, strlen(value), got, sizeof got) != 0 || !same_ignoring_ascii_case(got, line))
			miss("step_name/target", value, got, line);
		encode_segment(value, enc, sizeof enc);
		check_segment(enc, ":id", value);
	}
	fclose(f);
	printf("  %zu personal values, %d missed\n", values, corpus_misses);
	CHECK(values >= 300);
	CHECK_INT(corpus_misses, 0);
}

/* Every ordinary value of benign.txt passes every field unchanged. */
static void test_corpus_benign(void)
{
	char line[CORPUS_LINE], enc[4 * CORPUS_LINE], got[4 * CORPUS_LINE], lower[4 * CORPUS_LINE];
	size_t values = 0;
	FILE *f = open_corpus("benign.txt");

	CHECK(f != NULL);
	if (f == NULL)
		return;
	corpus_misses = 0;
	while (fgets(line, sizeof line, f) != NULL) {
		line[strcspn(line, "\n")] = '\0';
		if (line[0] == '\0' || line[0] == '#')
			continue;
		values++;
		if (line[0] == '/') {
			char url[CORPUS_LINE + 64];
			snprintf(url, sizeof url, "https://www.gladbeck.de%s", line);
			if (reduce_url(url, strlen(url), got, sizeof got, NULL, 0) != 0 || strcmp(got, line) != 0)
				miss("url", line, got, line);
			if (reduce_ref(url, strlen(url), "www.gladbeck.de", got, sizeof got) != 0 || strcmp(got, line) != 0)
				miss("ref", line, got, line);
			snprintf(url, sizeof url, "Error %s:1:2", line);
			if (reduce_message(url, strlen(url), got, sizeof got) != 0 || strcmp(got, url) != 0)
				miss("message", line, got, url);
			continue;
		}
		/* q: lower-cased and nothing else (the fold of an ordinary value only lower-cases) */
		CHECK(strcmp(folded(line, 0), line) == 0);
		snprintf(lower, sizeof lower, "%s", folded(line, FOLD_LOWER));
		if (reduce_query(line, strlen(line), got, sizeof got) != 0 || strcmp(got, lower) != 0)
			miss("q", line, got, lower);
		if (code_points(line) <= 80 &&
		    (reduce_label(line, strlen(line), got, sizeof got) != 0 || strcmp(got, line) != 0))
			miss("step_name/target", line, got, line);
		encode_segment(line, enc, sizeof enc);
		check_segment(enc, enc, line);
	}
	fclose(f);
	printf("  %zu ordinary values, %d changed\n", values, corpus_misses);
	CHECK(values >= 300);
	CHECK_INT(corpus_misses, 0);
}

int main(void)
{
	RUN(test_url_paths);
	RUN(test_url_segments);
	RUN(test_url_hosts);
	RUN(test_url_invalid);
	RUN(test_url_bytes_in_every_lane);
	RUN(test_referer_origin);
	RUN(test_ref);
	RUN(test_href);
	RUN(test_query_normalize);
	RUN(test_query_redact);
	RUN(test_query_limits);
	RUN(test_label);
	RUN(test_fold);
	RUN(test_rules);
	RUN(test_message);
	RUN(test_corpus_pii);
	RUN(test_corpus_benign);
	return test_summary("reduce");
}
