/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * backup.h — lotse-report --backup: an online, consistent copy of one Lotse
 * database while the collector keeps writing. The copy is of one snapshot
 * (a read transaction held from the first page to the last, so writes of
 * the collector neither restart nor change it), made in small steps with
 * pauses, written under a temporary name in the destination's folder,
 * checked, synced and renamed into place, mode 0640. Restoring is a copy
 * (docs/betrieb.md). It does not rotate or prune old backups.
 */
#ifndef LOTSE_BACKUP_H
#define LOTSE_BACKUP_H

#include <stddef.h>
#include <stdint.h>

/* Pages copied per step, the pause after each step, and the steps between syncs of the copy. */
#define BACKUP_STEP_PAGES 64
#define BACKUP_PAUSE_MS 5
#define BACKUP_SYNC_STEPS 16

struct backup_result {
	uint64_t pages;        /* pages of the snapshot */
	uint64_t bytes;        /* size of the copy */
	int64_t events_max_id; /* largest events id in the copy (0: none) */
	double seconds;
};

/*
 * Copies the database at src to dest (replacing dest atomically; never
 * leaving a partial file under that name). Returns 0 and *out, or -1 with a
 * one-line reason in err (src unreadable or not a Lotse database of a known
 * layout, dest's folder not writable, disk full, the copy failing its
 * check); on failure the temporary file is removed and dest is untouched.
 */
int backup_run(const char *src, const char *dest, struct backup_result *out, char *err, size_t errlen);

#endif
