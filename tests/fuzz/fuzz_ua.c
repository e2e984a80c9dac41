/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_ua.c — libFuzzer target for ua_classify: any bytes (not NUL-terminated)
 * in, and only the documented static names out. It does not judge whether a
 * classification is right; test_ua.c does.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ua.h"
#include "invariants.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int one_of(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s != NULL && strcmp(s, names[i]) == 0)
			return 1;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const devices[] = {"mobile", "tablet", "desktop"};
	static const char *const browsers[] = {"Chrome", "Edge", "Firefox", "Safari", "Opera", "Samsung Internet", "Other"};
	static const char *const oses[] = {"Windows", "macOS", "iOS", "iPadOS", "Android", "Linux", "ChromeOS", "Other"};
	struct ua_class c;
	/* An exact-size copy, so that reading past len is caught. */
	char *copy = malloc(size ? size : 1);

	if (copy == NULL)
		return 0;
	if (size > 0)
		memcpy(copy, data, size);
	ua_classify(copy, size, &c);
	REQUIRE(one_of(c.device, devices, 3));
	REQUIRE(one_of(c.browser, browsers, 7));
	REQUIRE(one_of(c.os, oses, 8));
	REQUIRE(c.is_bot == 0 || c.is_bot == 1);
	free(copy);
	return 0;
}
