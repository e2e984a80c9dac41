/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * servicepage.h — the page of one service on one site
 * (dienste/SITE_SERVICE.html), linked from index.html: its key figures,
 * where people give up (the funnel), the fields that stop them, the time
 * it takes, the ratings, the weekly trend and the changes made to it. It
 * writes HTML through page.h and computes nothing itself.
 */
#ifndef LOTSE_SERVICEPAGE_H
#define LOTSE_SERVICEPAGE_H

#include <stddef.h>

#include "html.h"
#include "model.h"
#include "page.h"

/* The folder of the service pages inside the report folder. */
#define SERVICEPAGE_DIR "dienste"

/*
 * The page's path relative to the report folder: "dienste/SITE_SERVICE.html"
 * (site keys have no '_', so the name is unique; keys are [a-z0-9._-]).
 */
void servicepage_href(char *out, size_t outlen, const struct model_service *s);

/*
 * A link to the page of s: its name, and with with_site " (portal)"; the
 * path starts from p's place in the report folder.
 */
void servicepage_link(struct page *p, const struct model_service *s, int with_site);

/*
 * The table of the changes made to the portal (--changes) and whether they
 * helped, numbered as the charts number them: those of site and service,
 * or all of them (both NULL: index.html, each with its service and portal
 * linked to the service's page). Writes nothing when there are none.
 */
void servicepage_changes(struct page *p, const struct model_result *r, const char *site, const char *service);

/*
 * Writes the page of r->services[i] into dir/dienste (which must exist),
 * with the header head (its title is replaced by the service's). Returns 0,
 * or -1 with a one-line reason in err.
 */
int servicepage_write(const struct model_result *r, size_t i, const struct html_opts *o,
                      const struct page_head *head, const char *dir, char *err, size_t errlen);

#endif
