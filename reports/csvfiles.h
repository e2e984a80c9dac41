/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * csvfiles.h — writes the CSV files of REPORT.md (services, funnel, fields,
 * search, pages, outlinks, daily, devices, feedback, problems, quality,
 * causes, weekly and, with --changes, changes) with
 * exactly their columns, in the chosen dialect. Number formats: rates and
 * p-values with 4 decimals, seconds with 1, rating means with 2; a number
 * that cannot be computed is an empty cell. It computes nothing itself
 * beyond metrics.c's figures.
 */
#ifndef LOTSE_CSVFILES_H
#define LOTSE_CSVFILES_H

#include <stddef.h>

#include "csvout.h"
#include "model.h"
#include "problems.h"

/*
 * Writes every CSV file into dir. compare adds the previous-period columns
 * to services.csv; changes writes changes.csv. Returns 0, or -1 with a
 * one-line reason in err.
 */
int csvfiles_write(const struct model_result *r, const struct problem *problems, size_t nproblems,
                   enum csv_dialect dialect, int compare, int changes, const char *dir, char *err,
                   size_t errlen);

#endif
