/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * log.c — one-line messages on standard error, optionally rate-limited per
 * format string; no files, no levels, no visitor data.
 */
#include "log.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define LOG_REASONS_MAX 64

/* One reason: a format string, the second of its last written line, and what was left out since. */
struct reason {
	const char *fmt;
	int64_t second;
	unsigned long left_out;
};

static const char *program = "lotse";
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static int limited;                             /* guarded by mu */
static struct reason reasons[LOG_REASONS_MAX];  /* guarded by mu */
static size_t n_reasons;                        /* guarded by mu */

void log_set_program(const char *name)
{
	program = name;
}

void log_limit_rate(int on)
{
	pthread_mutex_lock(&mu);
	limited = on;
	pthread_mutex_unlock(&mu);
}

static int64_t monotonic_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec;
}

/* Writes the count of lines left out for r and resets it. Lock held. */
static void write_left_out(struct reason *r)
{
	char fmt[81];
	size_t n = strcspn(r->fmt, "\n");

	if (r->left_out == 0)
		return;
	if (n > sizeof fmt - 1)
		n = sizeof fmt - 1;
	memcpy(fmt, r->fmt, n);
	fmt[n] = '\0';
	fprintf(stderr, "%s: %lu more like this left out: %s\n", program, r->left_out, fmt);
	r->left_out = 0;
}

/*
 * Whether a message of fmt may be written now; writes the pending counts of
 * reasons whose second is over. Lock held.
 */
static int may_write(const char *fmt, int64_t now)
{
	struct reason *r = NULL;

	for (size_t i = 0; i < n_reasons; i++) {
		if (reasons[i].fmt == fmt)
			r = &reasons[i];
		else if (reasons[i].second != now)
			write_left_out(&reasons[i]);
	}
	if (r == NULL) {
		if (n_reasons == LOG_REASONS_MAX)
			return 1;
		r = &reasons[n_reasons++];
		r->fmt = fmt;
		r->second = now;
		r->left_out = 0;
		return 1;
	}
	if (r->second == now) {
		r->left_out++;
		return 0;
	}
	write_left_out(r);
	r->second = now;
	return 1;
}

void log_msg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	pthread_mutex_lock(&mu);
	if (!limited || may_write(fmt, monotonic_s())) {
		va_start(ap, fmt);
		vsnprintf(line, sizeof line, fmt, ap);
		va_end(ap);
		/* One fprintf call, so lines of concurrent threads do not interleave. */
		fprintf(stderr, "%s: %s\n", program, line);
	}
	pthread_mutex_unlock(&mu);
}

void log_flush(void)
{
	pthread_mutex_lock(&mu);
	for (size_t i = 0; i < n_reasons; i++)
		write_left_out(&reasons[i]);
	pthread_mutex_unlock(&mu);
}
