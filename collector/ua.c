/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ua.c — reduces a User-Agent to device class, browser family and OS family
 * and spots bots, by looking for the tokens current browsers send. It keeps
 * nothing of the string and returns static names only.
 *
 * It deliberately does not parse versions, does not try to see through
 * spoofed strings, and does not use Client Hints (the collector reads no
 * device properties). Known limits, accepted:
 *  - iPadOS 13 and later ask for desktop sites by default and then send the
 *    macOS Safari User-Agent: such iPads count as desktop/macOS.
 *  - Bots are recognised by substrings, as common bot lists do. A "bot"
 *    inside a word also matches, except in "cubot" (Cubot phones send
 *    "CUBOT_X30" and similar in their Android User-Agent).
 *  - Chromium-based browsers that do not name themselves (Brave, Vivaldi in
 *    their default strings) count as Chrome.
 *  - Only the first UA_SCAN_MAX bytes are looked at.
 */
#include "ua.h"

#include <pthread.h>
#include <stdint.h>
#include <string.h>

#define UA_SCAN_MAX 1024

/*
 * Case-insensitive substrings that mark crawlers, tools and headless
 * browsers. "bot" itself is checked by has_bot_word. Left out on purpose,
 * because real people's browsers carry them: "yandex" and "sogou" (their
 * browsers), "baidu" (baiduboxapp), "electron/" (desktop apps).
 */
static const char *const bot_markers[] = {
	"crawl", "spider", "slurp", "facebookexternalhit", "facebookcatalog",
	"headlesschrome", "headless", "phantomjs", "lighthouse", "pagespeed", "ptst/",
	"curl/", "wget", "python-requests", "python-urllib", "python/", "aiohttp",
	"go-http-client", "java/", "okhttp", "libwww", "httpclient", "apache-http",
	"node-fetch", "axios/", "undici", "scrapy", "httpx", "postmanruntime",
	"insomnia", "mediapartners", "feedfetcher", "archiver", "whatsapp",
	"preview", "embedly", "validator", "monitoring", "uptime", "pingdom",
	"statuscake", "gtmetrix", "semrush", "ahrefs", "bytespider", "petalsearch",
	"qwantify", "ccbot", "chatgpt", "claude-web", "anthropic", "perplexity",
	"cohere-ai", "diffbot", "selenium", "puppeteer", "playwright", "zgrab",
	"masscan", "nmap", "nikto", "sqlmap", "wordpress/", "dataprovider", "censys",
};

/* Lower-cases up to cap bytes of ua into buf; returns the length. */
static size_t lower_copy(const char *ua, size_t len, char *buf, size_t cap)
{
	size_t n = len < cap ? len : cap;

	for (size_t i = 0; i < n; i++) {
		char c = ua[i];
		buf[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	return n;
}

#define BOT_MARKERS (sizeof bot_markers / sizeof bot_markers[0])

/* The case-sensitive tokens that decide device, OS and browser, and their bits. */
enum {
	T_IPAD, T_IPHONE, T_IPOD, T_ANDROID, T_MOBILE, T_CROS, T_WINPHONE, T_WINDOWS, T_MACINTOSH,
	T_MACOSX, T_LINUX, T_X11, T_MOBI, T_EDG, T_EDGA, T_EDGIOS, T_EDGE, T_SAMSUNG, T_OPR, T_OPT,
	T_OPIOS, T_OPERA, T_FIREFOX, T_FXIOS, T_CHROME, T_CRIOS, T_CHROMIUM, T_SAFARI, T_VERSION,
	T_COUNT
};
static const char *const class_tokens[T_COUNT] = {
	"iPad", "iPhone", "iPod", "Android", "Mobile", "CrOS", "Windows Phone", "Windows", "Macintosh",
	"Mac OS X", "Linux", "X11", "Mobi", "Edg/", "EdgA/", "EdgiOS/", "Edge/", "SamsungBrowser/", "OPR/",
	"OPT/", "OPiOS/", "Opera", "Firefox/", "FxiOS/", "Chrome/", "CriOS/", "Chromium/", "Safari/",
	"Version/",
};
#define BIT(t) ((uint32_t)1 << (t))

/*
 * A set of tokens indexed for one pass over a string: at each position only
 * the tokens whose first two bytes occur there are compared (a bit per byte
 * pair tells), instead of one scan of the string per token. Built once,
 * read-only afterwards.
 */
struct token_index {
	const char *const *tok;
	size_t n;
	unsigned char start[257];            /* tokens of first byte c: order[start[c] .. start[c+1]) */
	unsigned char order[BOT_MARKERS];    /* indexes into tok */
	unsigned char len[BOT_MARKERS];
	unsigned char pair[65536 / 8];       /* bit (b0 << 8 | b1): some token starts with b0 b1 */
};
_Static_assert(T_COUNT <= BOT_MARKERS, "class tokens fit the index");

static struct token_index bot_index, class_index;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

static void build_index(struct token_index *ix, const char *const *tok, size_t n)
{
	unsigned count[256] = { 0 };
	unsigned at = 0;

	ix->tok = tok;
	ix->n = n;
	for (size_t k = 0; k < n; k++) {
		unsigned pr = (unsigned)(unsigned char)tok[k][0] << 8 | (unsigned char)tok[k][1];
		count[(unsigned char)tok[k][0]]++;
		ix->len[k] = (unsigned char)strlen(tok[k]);
		ix->pair[pr >> 3] |= (unsigned char)(1u << (pr & 7));
	}
	for (unsigned c = 0; c < 256; c++) {
		ix->start[c] = (unsigned char)at;
		at += count[c];
	}
	ix->start[256] = (unsigned char)at;
	memset(count, 0, sizeof count);
	for (size_t k = 0; k < n; k++) {
		unsigned c = (unsigned char)tok[k][0];
		ix->order[ix->start[c] + count[c]++] = (unsigned char)k;
	}
}

static void build_indexes(void)
{
	build_index(&bot_index, bot_markers, BOT_MARKERS);
	build_index(&class_index, class_tokens, T_COUNT);
}

/*
 * Looks for the tokens of ix in s[0..n) (every token is at least 2 bytes).
 * With first_only, returns 1 at the first token found (mask untouched);
 * otherwise sets bit k of *mask for every token k found and returns 0.
 */
static int scan_tokens(const struct token_index *ix, const char *s, size_t n, int first_only,
                       uint32_t *mask)
{
	for (size_t i = 0; i + 1 < n; i++) {
		unsigned pr = (unsigned)(unsigned char)s[i] << 8 | (unsigned char)s[i + 1];
		if (!(ix->pair[pr >> 3] & (1u << (pr & 7))))
			continue;
		unsigned c = (unsigned char)s[i];
		for (unsigned j = ix->start[c]; j < ix->start[c + 1]; j++) {
			unsigned k = ix->order[j];
			if (ix->len[k] <= n - i && memcmp(s + i, ix->tok[k], ix->len[k]) == 0) {
				if (first_only)
					return 1;
				*mask |= BIT(k);
			}
		}
	}
	return 0;
}

/* Whether a marker, or "bot" outside "cubot", occurs in the lower-cased low[0..n). */
static int is_bot(const char *low, size_t n)
{
	for (const char *p = memchr(low, 'b', n); p != NULL;
	     p = memchr(p + 1, 'b', (size_t)(low + n - p - 1))) {
		size_t i = (size_t)(p - low);
		if (n - i >= 3 && p[1] == 'o' && p[2] == 't' && !(i >= 2 && p[-2] == 'c' && p[-1] == 'u'))
			return 1;
	}
	return scan_tokens(&bot_index, low, n, 1, NULL);
}

/* Device class and OS, from the tokens found in the raw (case-preserving) string. */
static void classify_os(uint32_t m, struct ua_class *out)
{
	out->device = "desktop";
	out->os = "Other";
	if (m & BIT(T_IPAD)) {
		/* iPad Safari says "iPad" and "Mobile"; the iPad decides. */
		out->device = "tablet";
		out->os = "iPadOS";
	} else if (m & (BIT(T_IPHONE) | BIT(T_IPOD))) {
		out->device = "mobile";
		out->os = "iOS";
	} else if (m & BIT(T_ANDROID)) {
		/* Android phones say "Mobile", tablets do not (Firefox: "Tablet"). */
		out->os = "Android";
		out->device = (m & BIT(T_MOBILE)) ? "mobile" : "tablet";
	} else if (m & BIT(T_CROS)) {
		out->os = "ChromeOS";
	} else if (m & BIT(T_WINPHONE)) {
		out->device = "mobile";
	} else if (m & BIT(T_WINDOWS)) {
		out->os = "Windows";
	} else if (m & (BIT(T_MACINTOSH) | BIT(T_MACOSX))) {
		/* Includes iPadOS 13+ in desktop mode, which is indistinguishable. */
		out->os = "macOS";
	} else if (m & (BIT(T_LINUX) | BIT(T_X11))) {
		out->os = "Linux";
	} else if (m & BIT(T_MOBI)) {
		out->device = "mobile";
	}
}

/* Browser family; the order matters, as the others all also say "Chrome" or "Safari". */
static const char *classify_browser(uint32_t m)
{
	if (m & (BIT(T_EDG) | BIT(T_EDGA) | BIT(T_EDGIOS) | BIT(T_EDGE)))
		return "Edge";
	if (m & BIT(T_SAMSUNG))
		return "Samsung Internet";
	if (m & (BIT(T_OPR) | BIT(T_OPT) | BIT(T_OPIOS) | BIT(T_OPERA)))
		return "Opera";
	if (m & (BIT(T_FIREFOX) | BIT(T_FXIOS)))
		return "Firefox";
	if (m & (BIT(T_CHROME) | BIT(T_CRIOS) | BIT(T_CHROMIUM)))
		return "Chrome";
	if ((m & BIT(T_SAFARI)) && (m & BIT(T_VERSION)))
		return "Safari";
	return "Other";
}

void ua_classify(const char *ua, size_t len, struct ua_class *out)
{
	char low[UA_SCAN_MAX];
	size_t n;

	out->device = "desktop";
	out->browser = "Other";
	out->os = "Other";
	out->is_bot = 0;
	if (ua == NULL || len == 0)
		return;
	if (len > UA_SCAN_MAX)
		len = UA_SCAN_MAX;
	pthread_once(&index_once, build_indexes);
	n = lower_copy(ua, len, low, sizeof low);
	out->is_bot = is_bot(low, n);
	uint32_t found = 0;
	scan_tokens(&class_index, ua, len, 0, &found);
	classify_os(found, out);
	out->browser = classify_browser(found);
}
