/* SPDX-License-Identifier: EUPL-1.2 */
/* log.c — one-line messages on standard error; no files, no levels, no visitor data. */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>

static const char *program = "lotse";

void log_set_program(const char *name)
{
	program = name;
}

void log_msg(const char *fmt, ...)
{
	char line[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	/* One fprintf call, so lines of concurrent threads do not interleave. */
	fprintf(stderr, "%s: %s\n", program, line);
}
