/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * publish.h — lotse-report --publish DIR: a report folder kept per period
 * for the coordinators. The report of FROM..TO goes to DIR/FROM_TO/, written
 * under a temporary name in DIR and swapped in atomically (an earlier report
 * of the same period is replaced whole, never mixed), and DIR/latest then
 * points at it. Reports of other periods stay. It writes no report itself
 * (main.c runs the report into the temporary folder) and serves nothing.
 */
#ifndef LOTSE_PUBLISH_H
#define LOTSE_PUBLISH_H

#include <stddef.h>

/* "YYYY-MM-DD_YYYY-MM-DD" and its NUL. */
#define PUBLISH_NAME_LEN 22

/*
 * Creates a fresh, empty temporary folder in the existing folder DIR (mode
 * 0777 less the umask, keeping a set-group-ID bit DIR hands down), whose
 * path goes to tmp. Returns 0, or -1 with a one-line reason in err.
 */
int publish_begin(const char *dir, char *tmp, size_t tmplen, char *err, size_t errlen);

/*
 * Puts the finished folder tmp in place as DIR/name (exchanging it with an
 * existing one, which is then removed) and points DIR/latest at name.
 * Returns 0, or -1 with err set (tmp is then removed).
 */
int publish_commit(const char *dir, const char *name, const char *tmp, char *err, size_t errlen);

/* Removes the temporary folder tmp and everything in it (a failed report). */
void publish_abort(const char *tmp);

#endif
