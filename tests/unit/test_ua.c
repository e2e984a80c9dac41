/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_ua.c — unit tests for User-Agent reduction (ua.h) on real, current
 * User-Agent strings of browsers, tablets, phones and bots, and for the cache
 * of classes (uacache.h). It does not test how the collector uses the result.
 */
#include <sodium.h>
#include <stdio.h>

#include "../test.h"
#include "ua.h"
#include "uacache.h"

struct ua_case {
	const char *ua;
	const char *device, *browser, *os;
	int is_bot;
};

static const struct ua_case cases[] = {
	/* Chrome on Windows, macOS, Linux, ChromeOS, Android, iOS. */
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	 "desktop", "Chrome", "Windows", 0},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	 "desktop", "Chrome", "macOS", 0},
	{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	 "desktop", "Chrome", "Linux", 0},
	{"Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	 "desktop", "Chrome", "ChromeOS", 0},
	{"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
	 "mobile", "Chrome", "Android", 0},
	{"Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
	 "tablet", "Chrome", "Android", 0},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
	 "mobile", "Chrome", "iOS", 0},
	/* Edge on Windows, macOS, Android, iOS. */
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
	 "desktop", "Edge", "Windows", 0},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.70",
	 "desktop", "Edge", "macOS", 0},
	{"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 EdgA/131.0.0.0",
	 "mobile", "Edge", "Android", 0},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/131.2903.68 Mobile/15E148 Safari/605.1.15",
	 "mobile", "Edge", "iOS", 0},
	/* Firefox on Windows, macOS, Linux, Android phone and tablet, iOS. */
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0",
	 "desktop", "Firefox", "Windows", 0},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 14.7; rv:133.0) Gecko/20100101 Firefox/133.0",
	 "desktop", "Firefox", "macOS", 0},
	{"Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
	 "desktop", "Firefox", "Linux", 0},
	{"Mozilla/5.0 (Android 14; Mobile; rv:133.0) Gecko/133.0 Firefox/133.0",
	 "mobile", "Firefox", "Android", 0},
	{"Mozilla/5.0 (Android 14; Tablet; rv:133.0) Gecko/133.0 Firefox/133.0",
	 "tablet", "Firefox", "Android", 0},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/133.0 Mobile/15E148 Safari/605.1.15",
	 "mobile", "Firefox", "iOS", 0},
	/* Safari on macOS, iPhone, iPad; iPadOS desktop mode looks like macOS. */
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
	 "desktop", "Safari", "macOS", 0},
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
	 "mobile", "Safari", "iOS", 0},
	{"Mozilla/5.0 (iPad; CPU OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.7 Mobile/15E148 Safari/604.1",
	 "tablet", "Safari", "iPadOS", 0},
	{"Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1",
	 "tablet", "Chrome", "iPadOS", 0},
	/* Samsung Internet, Opera. */
	{"Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/26.0 Chrome/122.0.0.0 Mobile Safari/537.36",
	 "mobile", "Samsung Internet", "Android", 0},
	{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 OPR/115.0.0.0",
	 "desktop", "Opera", "Windows", 0},
	{"Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36 OPR/86.0.0.0",
	 "mobile", "Opera", "Android", 0},
	/* A Cubot phone is not a bot. */
	{"Mozilla/5.0 (Linux; Android 10; CUBOT_X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
	 "mobile", "Chrome", "Android", 0},
	/* In-app web view without a browser token. */
	{"Mozilla/5.0 (iPhone; CPU iPhone OS 17_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
	 "mobile", "Other", "iOS", 0},
	/* Bots and tools. */
	{"Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "desktop", "Other", "Other", 1},
	{"Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.69 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
	 "mobile", "Chrome", "Android", 1},
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm) Chrome/116.0.1938.76 Safari/537.36",
	 "desktop", "Chrome", "Other", 1},
	{"Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36",
	 "desktop", "Chrome", "Linux", 1},
	{"Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", "desktop", "Other", "Other", 1},
	{"Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", "desktop", "Other", "Other", 1},
	{"Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)", "desktop", "Other", "Other", 1},
	{"facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", "desktop", "Other", "Other", 1},
	{"Mozilla/5.0 (Unknown; Linux x86_64) AppleWebKit/538.1 (KHTML, like Gecko) PhantomJS/2.1.1 Safari/538.1",
	 "desktop", "Other", "Linux", 1},
	{"Mozilla/5.0 (Linux; Android 11; moto g power (2022)) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36 Chrome-Lighthouse",
	 "mobile", "Chrome", "Android", 1},
	{"curl/8.5.0", "desktop", "Other", "Other", 1},
	{"Wget/1.21.4", "desktop", "Other", "Other", 1},
	{"python-requests/2.32.3", "desktop", "Other", "Other", 1},
	{"Go-http-client/2.0", "desktop", "Other", "Other", 1},
	{"Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
	 "desktop", "Other", "Other", 1},
	{"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_10_1) AppleWebKit/600.2.5 (KHTML, like Gecko) Version/8.0.2 Safari/600.2.5 (Applebot/0.1; +http://www.apple.com/go/applebot)",
	 "desktop", "Safari", "macOS", 1},
};

static void test_real_user_agents(void)
{
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		struct ua_class c;
		ua_classify(cases[i].ua, strlen(cases[i].ua), &c);
		if (strcmp(c.device, cases[i].device) != 0 || strcmp(c.browser, cases[i].browser) != 0 ||
		    strcmp(c.os, cases[i].os) != 0 || c.is_bot != cases[i].is_bot)
			printf("  case %zu: got %s/%s/%s bot=%d\n", i, c.device, c.browser, c.os, c.is_bot);
		CHECK_STR(c.device, cases[i].device);
		CHECK_STR(c.browser, cases[i].browser);
		CHECK_STR(c.os, cases[i].os);
		CHECK_INT(c.is_bot, cases[i].is_bot);
	}
}

static void test_empty_and_odd(void)
{
	struct ua_class c;

	ua_classify(NULL, 0, &c);
	CHECK_STR(c.device, "desktop");
	CHECK_STR(c.browser, "Other");
	CHECK_STR(c.os, "Other");
	CHECK_INT(c.is_bot, 0);
	ua_classify("", 0, &c);
	CHECK_STR(c.browser, "Other");
	CHECK_INT(c.is_bot, 0);
	/* Not NUL-terminated: only len bytes count. */
	ua_classify("curl/8.5.0", 4, &c);
	CHECK_INT(c.is_bot, 0);
	ua_classify("CURL/8", 6, &c);
	CHECK_INT(c.is_bot, 1);
	/* Case-insensitive markers, "bot" inside a word too. */
	ua_classify("SomeRoBoT 1.0", 13, &c);
	CHECK_INT(c.is_bot, 1);
	ua_classify("Cubot", 5, &c);
	CHECK_INT(c.is_bot, 0);
	/* A very long string is looked at only in part, and does not crash. */
	char big[5000];
	memset(big, 'A', sizeof big);
	ua_classify(big, sizeof big, &c);
	CHECK_STR(c.browser, "Other");
}

static int same_class(const struct ua_class *a, const struct ua_class *b)
{
	return a->device == b->device && a->browser == b->browser && a->os == b->os && a->is_bot == b->is_bot;
}

/* The cache answers exactly what ua_classify answers: first, again, after evictions, for NULL. */
static void test_cache_same_as_classify(void)
{
	struct ua_cache *cache;
	int mismatches = 0;
	char gen[160];

	CHECK_INT(sodium_init() >= 0, 1);
	CHECK_INT(ua_cache_new(&cache), 0);
	if (cache == NULL)
		return;
	for (int round = 0; round < 3; round++) {
		for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			struct ua_class want, got;

			ua_classify(cases[i].ua, strlen(cases[i].ua), &want);
			ua_cache_classify(cache, cases[i].ua, strlen(cases[i].ua), &got);
			if (!same_class(&want, &got))
				mismatches++;
		}
		/* 2000 other User-Agents push the cases out of their slots between rounds. */
		for (int k = 0; k < 2000; k++) {
			struct ua_class want, got;
			int n = snprintf(gen, sizeof gen, k % 3 ? "Mozilla/5.0 (iPhone; CPU iPhone OS 17_%d like Mac OS X) Safari/%d"
			                                       : "Googlebot/%d.%d", k, round);

			ua_classify(gen, (size_t)n, &want);
			ua_cache_classify(cache, gen, (size_t)n, &got);
			if (!same_class(&want, &got))
				mismatches++;
		}
	}
	CHECK_INT(mismatches, 0);
	{
		struct ua_class want, got;

		ua_classify(NULL, 0, &want);
		ua_cache_classify(cache, NULL, 0, &got);
		CHECK(same_class(&want, &got));
	}
	ua_cache_free(cache);
}

int main(void)
{
	RUN(test_real_user_agents);
	RUN(test_empty_and_odd);
	RUN(test_cache_same_as_classify);
	return test_summary("ua");
}
