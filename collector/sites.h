/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * sites.h — the --sites file: which site ids exist and from which origins
 * their pages may send beacons. Read with libcsv (columns site,name,origins;
 * origins space-separated "scheme://host[:port]"; an optional header row).
 * An immutable object: a reload builds a new one. Knows nothing of HTTP.
 */
#ifndef LOTSE_SITES_H
#define LOTSE_SITES_H

#include <stddef.h>

struct sites;

/*
 * Reads path. Returns 0 and *out (free with sites_free), or -1 with err set
 * to "PATH:LINE: reason" for a malformed file.
 */
int sites_load(const char *path, struct sites **out, char *err, size_t errlen);

enum site_verdict { SITE_OK, SITE_UNKNOWN, SITE_ORIGIN_DENIED };

/*
 * Whether id is a listed site and, when origin is not NULL, whether origin
 * (len bytes, "scheme://host[:port]", compared without regard to case) is
 * listed for it. One lookup per event.
 */
enum site_verdict sites_check(const struct sites *s, const char *id, const char *origin, size_t len);

/* Returns 1 when any site lists origin (for CORS preflights, which name no site). */
int sites_origin_known(const struct sites *s, const char *origin, size_t len);

/* Returns the number of sites. */
size_t sites_count(const struct sites *s);

void sites_free(struct sites *s);

#endif
