/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * saltfile.h — the day's visit-key salt in the runtime directory
 * (--runtime-dir, systemd's RuntimeDirectory=): one file, DIR/visit-salt,
 * mode 0600, holding the salt of one local day, so that a restart during the
 * day keeps visits whole and collectors sharing the directory share the
 * salt. The directory must be RAM-backed (tmpfs or ramfs): a reboot starts a
 * new salt and no salt reaches persistent storage. At the day change the
 * file's bytes are overwritten with zeros before it is replaced or removed.
 * Every access holds an exclusive lock (flock of DIR/visit-salt.lock), so
 * collectors never make two salts for one day. Knows nothing of hashing.
 */
#ifndef LOTSE_SALTFILE_H
#define LOTSE_SALTFILE_H

#include <stddef.h>
#include <stdint.h>

#define SALTFILE_KEY_BYTES 16

/*
 * Checks that dir is a directory (not a link) on tmpfs or ramfs, writable
 * by this process. Returns 0, or -1 with a reason naming dir in err.
 */
int saltfile_check_dir(const char *dir, char *err, size_t errlen);

/*
 * The salt of day (a local day number, tz_local_day) into key: the one in
 * the file when it is of that day, else a new random one, which replaces
 * (and wipes) the file. Returns 0, or -1 with a reason in err (key is then
 * untouched).
 */
int saltfile_get(const char *dir, int64_t day, unsigned char key[SALTFILE_KEY_BYTES], char *err,
                 size_t errlen);

/*
 * Wipes and removes the file when it holds a day before day (the day
 * changed and no salt of the new day was needed yet). Returns 0, or -1 with
 * a reason in err.
 */
int saltfile_expire(const char *dir, int64_t day, char *err, size_t errlen);

#endif
