/* SPDX-License-Identifier: EUPL-1.2 */
/* event.c — names of the event types; nothing else about events lives here. */
#include "event.h"

#include <string.h>

static const char *const type_names[EVENT_TYPE_COUNT] = {
	[EVENT_PAGEVIEW] = "pageview",
	[EVENT_ENGAGEMENT] = "engagement",
	[EVENT_SEARCH] = "search",
	[EVENT_OUTLINK] = "outlink",
	[EVENT_FLOW_START] = "flow_start",
	[EVENT_FLOW_STEP] = "flow_step",
	[EVENT_FIELD_ERROR] = "field_error",
	[EVENT_FLOW_COMPLETE] = "flow_complete",
	[EVENT_FLOW_ABORT] = "flow_abort",
	[EVENT_FEEDBACK] = "feedback",
	[EVENT_JS_ERROR] = "js_error",
	[EVENT_RAGE_CLICK] = "rage_click",
};

const char *event_type_name(enum event_type type)
{
	if ((unsigned)type >= EVENT_TYPE_COUNT)
		return "unknown";
	return type_names[type];
}

int event_name_is(const char *name, const char *key, size_t len)
{
	size_t i = 0;

	while (i < len && name[i] != '\0' && name[i] == key[i])
		i++;
	return i == len && name[i] == '\0';
}

int event_type_from_name(const char *name, size_t n, enum event_type *out)
{
	for (int i = 0; i < EVENT_TYPE_COUNT; i++) {
		if (event_name_is(type_names[i], name, n)) {
			*out = (enum event_type)i;
			return 0;
		}
	}
	return -1;
}

int event_key_valid(const char *s, size_t max, const char *extra)
{
	size_t n = strlen(s);

	if (n == 0 || n > max)
		return 0;
	for (const char *p = s; *p; p++) {
		if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || strchr(extra, *p) != NULL))
			return 0;
	}
	return 1;
}

int event_site_valid(const char *s)
{
	return event_key_valid(s, EVENT_SITE_MAX, "-");
}
