/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * saltfile.c — the runtime directory's salt file (see saltfile.h). The file
 * is one line, "lotse-visit-salt 1 DAY HEX\n"; a file of another shape,
 * owner or mode is not used (it is replaced). A new file is written under a
 * temporary name and renamed over the old one, whose bytes are zeroed
 * first: on tmpfs that overwrites the very pages that held the salt.
 */
#include "saltfile.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/magic.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#define PATH_LEN 4096
#define LINE_MAX_LEN 128
#define MAGIC "lotse-visit-salt 1 "

struct paths {
	char file[PATH_LEN], tmp[PATH_LEN], lock[PATH_LEN];
};

static int make_paths(const char *dir, struct paths *p)
{
	return (size_t)snprintf(p->file, sizeof p->file, "%s/visit-salt", dir) < sizeof p->file &&
	       (size_t)snprintf(p->tmp, sizeof p->tmp, "%s/visit-salt.new", dir) < sizeof p->tmp &&
	       (size_t)snprintf(p->lock, sizeof p->lock, "%s/visit-salt.lock", dir) < sizeof p->lock ? 0 : -1;
}

int saltfile_check_dir(const char *dir, char *err, size_t errlen)
{
	struct stat st;
	struct statfs fs;

	if (lstat(dir, &st) != 0) {
		snprintf(err, errlen, "--runtime-dir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (!S_ISDIR(st.st_mode)) {
		snprintf(err, errlen, "--runtime-dir %s: not a directory (a link is not followed)", dir);
		return -1;
	}
	if (statfs(dir, &fs) != 0) {
		snprintf(err, errlen, "--runtime-dir %s: %s", dir, strerror(errno));
		return -1;
	}
	if (fs.f_type != TMPFS_MAGIC && fs.f_type != RAMFS_MAGIC) {
		snprintf(err, errlen, "--runtime-dir %s: not on tmpfs or ramfs (file system 0x%lx): the visit-key "
		         "salt must never reach persistent storage; use a RAM-backed directory such as systemd's "
		         "RuntimeDirectory=, or --runtime-dir \"\" for none", dir, (unsigned long)fs.f_type);
		return -1;
	}
	if (access(dir, W_OK | X_OK) != 0) {
		snprintf(err, errlen, "--runtime-dir %s: not writable: %s", dir, strerror(errno));
		return -1;
	}
	return 0;
}

/* Takes the directory's lock; returns its descriptor, or -1 with err. */
static int lock(const struct paths *p, char *err, size_t errlen)
{
	int fd = open(p->lock, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);

	if (fd < 0 || flock(fd, LOCK_EX) != 0) {
		snprintf(err, errlen, "%s: %s", p->lock, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

static void unlock(int fd)
{
	flock(fd, LOCK_UN);
	close(fd);
}

/*
 * Reads the file: its day into *day and its salt into key when it is ours
 * (a regular file of this user, mode 0600 or stricter) and well-formed.
 * Returns 1 when read, 0 when absent or unusable, -1 on an error (err).
 */
static int read_file(const struct paths *p, int64_t *day, unsigned char key[SALTFILE_KEY_BYTES], char *err,
                     size_t errlen)
{
	char line[LINE_MAX_LEN];
	struct stat st;
	int fd = open(p->file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	ssize_t n;
	int rc = 0;

	if (fd < 0) {
		if (errno == ENOENT || errno == ELOOP)
			return 0;
		snprintf(err, errlen, "%s: %s", p->file, strerror(errno));
		return -1;
	}
	n = read(fd, line, sizeof line - 1);
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && (st.st_mode & 077) == 0 &&
	    n > (ssize_t)strlen(MAGIC) && memcmp(line, MAGIC, strlen(MAGIC)) == 0) {
		char hex[2 * SALTFILE_KEY_BYTES + 1];
		size_t bin_len = 0;
		line[n] = '\0';
		if (sscanf(line + strlen(MAGIC), "%" SCNd64 " %32[0-9a-f]", day, hex) == 2 &&
		    sodium_hex2bin(key, SALTFILE_KEY_BYTES, hex, strlen(hex), NULL, &bin_len, NULL) == 0 &&
		    bin_len == SALTFILE_KEY_BYTES)
			rc = 1;
		sodium_memzero(hex, sizeof hex);
	}
	sodium_memzero(line, sizeof line);
	close(fd);
	return rc;
}

/* Overwrites the bytes of the file (when there is one) with zeros, in place. */
static void wipe(const struct paths *p)
{
	static const char zeros[LINE_MAX_LEN];
	struct stat st;
	int fd = open(p->file, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);

	if (fd < 0)
		return;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		for (off_t at = 0; at < st.st_size; at += (off_t)sizeof zeros) {
			size_t n = st.st_size - at < (off_t)sizeof zeros ? (size_t)(st.st_size - at) : sizeof zeros;
			if (pwrite(fd, zeros, n, at) < 0)
				break;
		}
		fdatasync(fd);
	}
	close(fd);
}

/* Writes day and key as the new file (temporary name, mode 0600, then renamed over the wiped old one). */
static int write_file(const struct paths *p, int64_t day, const unsigned char key[SALTFILE_KEY_BYTES], char *err,
                      size_t errlen)
{
	char line[LINE_MAX_LEN], hex[2 * SALTFILE_KEY_BYTES + 1];
	int n, fd, rc = -1;

	sodium_bin2hex(hex, sizeof hex, key, SALTFILE_KEY_BYTES);
	n = snprintf(line, sizeof line, MAGIC "%" PRId64 " %s\n", day, hex);
	unlink(p->tmp);
	fd = open(p->tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || fchmod(fd, 0600) != 0 || write(fd, line, (size_t)n) != n) {
		snprintf(err, errlen, "%s: %s", p->tmp, strerror(errno));
		goto out;
	}
	wipe(p);
	if (rename(p->tmp, p->file) != 0) {
		snprintf(err, errlen, "%s: %s", p->file, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(p->tmp);
	sodium_memzero(line, sizeof line);
	sodium_memzero(hex, sizeof hex);
	return rc;
}

/*
 * Takes dir's lock and reads its salt file (read_file) into *day and key.
 * Returns read_file's answer with *fd the lock to give back (unlock), or -1
 * with *fd -1 when the paths or the lock failed (err says why).
 */
static int lock_and_read(const char *dir, struct paths *p, int *fd, int64_t *day,
                         unsigned char key[SALTFILE_KEY_BYTES], char *err, size_t errlen)
{
	*fd = -1;
	if (make_paths(dir, p) != 0) {
		snprintf(err, errlen, "--runtime-dir %.80s...: path too long", dir);
		return -1;
	}
	*fd = lock(p, err, errlen);
	if (*fd < 0)
		return -1;
	return read_file(p, day, key, err, errlen);
}

int saltfile_get(const char *dir, int64_t day, unsigned char key[SALTFILE_KEY_BYTES], char *err, size_t errlen)
{
	struct paths p;
	unsigned char found[SALTFILE_KEY_BYTES];
	int64_t found_day = 0;
	int fd, rc = -1;
	int got = lock_and_read(dir, &p, &fd, &found_day, found, err, errlen);

	if (got < 0)
		goto out;
	if (got == 0 || found_day != day) {
		crypto_shorthash_keygen(found);
		if (write_file(&p, day, found, err, errlen) != 0)
			goto out;
	}
	memcpy(key, found, SALTFILE_KEY_BYTES);
	rc = 0;
out:
	sodium_memzero(found, sizeof found);
	if (fd >= 0)
		unlock(fd);
	return rc;
}

int saltfile_expire(const char *dir, int64_t day, char *err, size_t errlen)
{
	struct paths p;
	unsigned char found[SALTFILE_KEY_BYTES];
	int64_t found_day = 0;
	int fd, rc = 0;
	int got = lock_and_read(dir, &p, &fd, &found_day, found, err, errlen);

	sodium_memzero(found, sizeof found);
	if (got < 0) {
		rc = -1;
	} else if (got == 1 && found_day < day) {
		wipe(&p);
		if (unlink(p.file) != 0) {
			snprintf(err, errlen, "%s: %s", p.file, strerror(errno));
			rc = -1;
		}
	}
	if (fd >= 0)
		unlock(fd);
	return rc;
}
