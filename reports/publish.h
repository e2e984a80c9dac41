/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * publish.h — lotse-report --publish DIR: a report folder kept per period
 * for the coordinators. main.c writes the report of FROM..TO to
 * DIR/FROM_TO/ (replaced as a whole by outdir.h, so an earlier report of
 * the same period never mixes with the new one); this module then points
 * DIR/latest at it. Reports of other periods stay. It writes no report.
 */
#ifndef LOTSE_PUBLISH_H
#define LOTSE_PUBLISH_H

#include <stddef.h>

/* "YYYY-MM-DD_YYYY-MM-DD" and its NUL. */
#define PUBLISH_NAME_LEN 22

/*
 * Points the symbolic link DIR/latest at name (a folder in DIR), replacing
 * an earlier link atomically. Returns 0, or -1 with a one-line reason in err.
 */
int publish_latest(const char *dir, const char *name, char *err, size_t errlen);

#endif
