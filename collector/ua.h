/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ua.h — reduces a User-Agent string to device class, browser family and OS
 * family, and recognises bots and headless browsers. The raw string is never
 * kept; the results are static strings.
 */
#ifndef LOTSE_UA_H
#define LOTSE_UA_H

#include <stddef.h>

struct ua_class {
	const char *device;  /* "mobile", "tablet" or "desktop" */
	const char *browser; /* "Chrome", "Edge", "Firefox", "Safari", "Opera", "Samsung Internet", "Other" */
	const char *os;      /* "Windows", "macOS", "iOS", "iPadOS", "Android", "Linux", "ChromeOS", "Other" */
	int is_bot;          /* crawler or headless browser: not stored */
};

/* Classifies ua (len bytes, need not be NUL-terminated; NULL or empty is "Other"/desktop). */
void ua_classify(const char *ua, size_t len, struct ua_class *out);

#endif
