/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * log.h — one line per message on standard error, prefixed with the program
 * name. Callers never pass addresses, User-Agents or other visitor input:
 * a log line must be safe to keep. A serving collector turns on the rate
 * limit, so that a flood of bad requests cannot flood the log: one line per
 * reason (format string) per second, then a line with the count of the
 * lines left out.
 */
#ifndef LOTSE_LOG_H
#define LOTSE_LOG_H

/* Sets the prefix ("lotse-collector"); the string must outlive all logging. */
void log_set_program(const char *name);

/*
 * With on, messages of one format string are written at most once per second
 * of the monotonic clock; the others are counted, and the count is written
 * ("N more like this left out: FORMAT") with the next message of any reason
 * after that second, or by log_flush. The first LOG_REASONS_MAX format
 * strings seen are limited; later ones (there are fewer in the collector)
 * are written as they come. Off by default.
 */
void log_limit_rate(int on);

/* Writes "PROGRAM: message\n" to stderr (subject to the rate limit). */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Writes the counts of lines left out that are still pending (before exit). */
void log_flush(void);

#endif
