/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * outdir.h — the report folder, replaced as a whole (REPORT.md): a run
 * writes into a new folder next to --out (".NAME.new-PID" in the same
 * parent, so on the same file system) and only a finished report takes its
 * place, by one atomic exchange of the two names (renameat2 with
 * RENAME_EXCHANGE; two renames where the file system cannot exchange). The
 * earlier report is then deleted: nothing of it stays, and a reader never
 * sees a half-written folder. It refuses to replace a folder that is
 * neither empty nor a report (no index.html or services.csv in it), so a
 * mistyped --out cannot delete someone's files. It writes no report files.
 */
#ifndef LOTSE_OUTDIR_H
#define LOTSE_OUTDIR_H

#include <stddef.h>

#define OUTDIR_PATH_MAX 4096

struct outdir {
	char final[OUTDIR_PATH_MAX];  /* --out */
	char work[OUTDIR_PATH_MAX];   /* where this run writes */
	int active;                   /* work exists and is ours */
};

/*
 * Checks that out may be replaced, creates its parents and the work folder.
 * Returns 0 (write into d->work), or -1 with a one-line reason in err.
 */
int outdir_begin(struct outdir *d, const char *out, char *err, size_t errlen);

/*
 * Puts the work folder in the place of out and deletes the earlier report.
 * Returns 0, or -1 with a reason in err (the work folder is then removed).
 */
int outdir_commit(struct outdir *d, char *err, size_t errlen);

/* Removes the work folder of a run that failed (nothing when not active). */
void outdir_abort(struct outdir *d);

#endif
