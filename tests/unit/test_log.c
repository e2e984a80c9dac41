/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_log.c — unit tests of the log's rate limit (common/log.c): a flood of
 * one reason is one line per second and then the count of what was left
 * out; other reasons are not held back by it; without the limit every line
 * is written. Standard error goes to a temporary file and is read back.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../test.h"
#include "log.h"

static char captured[65536];

/* Runs fn with stderr in a temporary file; captured holds what it wrote. */
static void capture(void (*fn)(void))
{
	char path[] = "/tmp/lotse-log-XXXXXX";
	int fd = mkstemp(path);
	int saved = dup(2);
	size_t n;
	FILE *f;

	fflush(stderr);
	dup2(fd, 2);
	fn();
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	f = fdopen(fd, "r");
	rewind(f);
	n = fread(captured, 1, sizeof captured - 1, f);
	captured[n] = '\0';
	fclose(f);
	unlink(path);
}

static size_t count(const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(captured, needle); p != NULL; p = strstr(p + 1, needle))
		n++;
	return n;
}

static void flood(void)
{
	log_limit_rate(1);
	for (int i = 0; i < 5000; i++)
		log_msg("http: bad request %d", i);
	log_msg("database write failed: %s", "disk I/O error");
	log_flush();
	log_limit_rate(0);
}

static void unlimited(void)
{
	for (int i = 0; i < 50; i++)
		log_msg("line %d", i);
}

static void test_flood_is_one_line_and_a_count(void)
{
	capture(flood);
	/* Within one second of the clock: the first line, and the other 4999 counted. A flood that
	 * crosses a second boundary writes one more line and two counts; still far from 5000. */
	size_t lines = count("lotse-test: http: bad request ");
	CHECK(lines >= 1 && lines <= 2);
	CHECK(strstr(captured, "lotse-test: http: bad request 0\n") != NULL);
	CHECK(count("more like this left out: http: bad request %d") >= 1);
	unsigned long left = 0;
	for (const char *p = strstr(captured, "lotse-test: "); p != NULL; p = strstr(p + 1, "lotse-test: ")) {
		unsigned long n;
		if (sscanf(p, "lotse-test: %lu more like this", &n) == 1)
			left += n;
	}
	CHECK_INT(left + lines, 5000);
	/* Another reason is written although the first is being held back. */
	CHECK_INT(count("database write failed: disk I/O error"), 1);
}

static void test_without_limit_every_line(void)
{
	capture(unlimited);
	CHECK_INT(count("lotse-test: line "), 50);
}

int main(void)
{
	log_set_program("lotse-test");
	RUN(test_flood_is_one_line_and_a_count);
	RUN(test_without_limit_every_line);
	return test_summary("log");
}
