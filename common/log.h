/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * log.h — one line per message on standard error, prefixed with the program
 * name. Callers never pass addresses, User-Agents or other visitor input:
 * a log line must be safe to keep.
 */
#ifndef LOTSE_LOG_H
#define LOTSE_LOG_H

/* Sets the prefix ("lotse-collector"); the string must outlive all logging. */
void log_set_program(const char *name);

/* Writes "PROGRAM: message\n" to stderr. */
void log_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
