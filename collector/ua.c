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

/*
 * Returns the position of needle in hay[0..n), or -1. memchr jumps to the
 * candidates for the first byte, so a miss costs a few vector compares, not
 * a loop over every byte (this runs some twenty times per request).
 */
static long find(const char *hay, size_t n, const char *needle)
{
	size_t m = strlen(needle);
	const char *p = hay, *end = hay + n;

	if (m == 0 || m > n)
		return -1;
	while ((size_t)(end - p) >= m) {
		p = memchr(p, needle[0], (size_t)(end - p) - m + 1);
		if (p == NULL)
			return -1;
		if (memcmp(p, needle, m) == 0)
			return (long)(p - hay);
		p++;
	}
	return -1;
}

static int has(const char *hay, size_t n, const char *needle)
{
	return find(hay, n, needle) >= 0;
}

#define BOT_MARKERS (sizeof bot_markers / sizeof bot_markers[0])

/*
 * The markers grouped by their first byte, so that is_bot reads the string
 * once and tries at each position only the markers that start with its byte
 * (instead of scanning the string once per marker). Built once, read-only
 * afterwards.
 */
static struct {
	unsigned char start[257];          /* markers of byte c: order[start[c] .. start[c+1]) */
	unsigned char order[BOT_MARKERS];  /* indexes into bot_markers */
	unsigned char len[BOT_MARKERS];    /* strlen of each marker */
} bot_index;
static pthread_once_t bot_index_once = PTHREAD_ONCE_INIT;

static void build_bot_index(void)
{
	unsigned count[256] = { 0 };
	unsigned at = 0;

	for (size_t k = 0; k < BOT_MARKERS; k++) {
		count[(unsigned char)bot_markers[k][0]]++;
		bot_index.len[k] = (unsigned char)strlen(bot_markers[k]);
	}
	for (unsigned c = 0; c < 256; c++) {
		bot_index.start[c] = (unsigned char)at;
		at += count[c];
	}
	bot_index.start[256] = (unsigned char)at;
	memset(count, 0, sizeof count);
	for (size_t k = 0; k < BOT_MARKERS; k++) {
		unsigned c = (unsigned char)bot_markers[k][0];
		bot_index.order[bot_index.start[c] + count[c]++] = (unsigned char)k;
	}
}

/* Whether a marker, or "bot" outside "cubot", occurs in the lower-cased low[0..n). */
static int is_bot(const char *low, size_t n)
{
	pthread_once(&bot_index_once, build_bot_index);
	for (size_t i = 0; i < n; i++) {
		unsigned c = (unsigned char)low[i];
		size_t left = n - i;
		if (c == 'b' && left >= 3 && low[i + 1] == 'o' && low[i + 2] == 't' &&
		    !(i >= 2 && low[i - 2] == 'c' && low[i - 1] == 'u'))
			return 1;
		for (unsigned j = bot_index.start[c]; j < bot_index.start[c + 1]; j++) {
			unsigned k = bot_index.order[j];
			if (bot_index.len[k] <= left && low[i + 1] == bot_markers[k][1] &&
			    memcmp(low + i, bot_markers[k], bot_index.len[k]) == 0)
				return 1;
		}
	}
	return 0;
}

/* Device class and OS, from the raw (case-preserving) string. */
static void classify_os(const char *s, size_t n, struct ua_class *out)
{
	out->device = "desktop";
	out->os = "Other";
	if (has(s, n, "iPad")) {
		/* iPad Safari says "iPad" and "Mobile"; the iPad decides. */
		out->device = "tablet";
		out->os = "iPadOS";
	} else if (has(s, n, "iPhone") || has(s, n, "iPod")) {
		out->device = "mobile";
		out->os = "iOS";
	} else if (has(s, n, "Android")) {
		/* Android phones say "Mobile", tablets do not (Firefox: "Tablet"). */
		out->os = "Android";
		out->device = has(s, n, "Mobile") ? "mobile" : "tablet";
	} else if (has(s, n, "CrOS")) {
		out->os = "ChromeOS";
	} else if (has(s, n, "Windows Phone")) {
		out->device = "mobile";
	} else if (has(s, n, "Windows")) {
		out->os = "Windows";
	} else if (has(s, n, "Macintosh") || has(s, n, "Mac OS X")) {
		/* Includes iPadOS 13+ in desktop mode, which is indistinguishable. */
		out->os = "macOS";
	} else if (has(s, n, "Linux") || has(s, n, "X11")) {
		out->os = "Linux";
	} else if (has(s, n, "Mobi")) {
		out->device = "mobile";
	}
}

/* Browser family; the order matters, as the others all also say "Chrome" or "Safari". */
static const char *classify_browser(const char *s, size_t n)
{
	if (has(s, n, "Edg/") || has(s, n, "EdgA/") || has(s, n, "EdgiOS/") || has(s, n, "Edge/"))
		return "Edge";
	if (has(s, n, "SamsungBrowser/"))
		return "Samsung Internet";
	if (has(s, n, "OPR/") || has(s, n, "OPT/") || has(s, n, "OPiOS/") || has(s, n, "Opera"))
		return "Opera";
	if (has(s, n, "Firefox/") || has(s, n, "FxiOS/"))
		return "Firefox";
	if (has(s, n, "Chrome/") || has(s, n, "CriOS/") || has(s, n, "Chromium/"))
		return "Chrome";
	if (has(s, n, "Safari/") && has(s, n, "Version/"))
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
	n = lower_copy(ua, len, low, sizeof low);
	out->is_bot = is_bot(low, n);
	classify_os(ua, len, out);
	out->browser = classify_browser(ua, len);
}
