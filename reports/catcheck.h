/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * catcheck.h — `lotse-report --check-catalog`: tells the coordinators who
 * write the catalogue's path patterns whether they fit the portal. It prints
 * model.c's check (struct model_check) as plain text in German or English:
 * patterns that matched no pageview of a site they apply to, pages that
 * look like forms but no pattern matched (field errors were sent from them,
 * or their words say "antrag", "formular", "schritt", …), and pages that
 * patterns of several services or steps match. It computes nothing itself.
 */
#ifndef LOTSE_CATCHECK_H
#define LOTSE_CATCHECK_H

#include <stdio.h>

#include "catalog.h"
#include "model.h"

/*
 * Writes the check of r (r->check.done must be set) for the catalogue cat,
 * read from cat_path, to f. Returns 0, or -1 when writing failed.
 */
int catcheck_print(FILE *f, const struct model_result *r, const struct catalog *cat,
                   const char *cat_path, int lang_en);

#endif
