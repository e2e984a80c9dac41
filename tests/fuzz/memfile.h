/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * memfile.h — for fuzz targets of file loaders: puts the input into an
 * in-memory file (memfd) that the real loader opens by its /proc path, so
 * that fopen and getline run as in production. Nothing is written to disk.
 * Header-only, for fuzz targets only; one memfd per process.
 */
#ifndef LOTSE_FUZZ_MEMFILE_H
#define LOTSE_FUZZ_MEMFILE_H

#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

/*
 * Replaces the memfd's contents with data and returns its path (valid for
 * the life of the process), or NULL for inputs over 1 MiB (no loader reads
 * such configuration files) and when the memfd cannot be made or written.
 */
static const char *memfile_fill(const uint8_t *data, size_t size)
{
	static int fd = -1;
	static char path[64];
	size_t at = 0;

	if (size > (size_t)1 << 20)
		return NULL;
	if (fd < 0) {
		fd = memfd_create("lotse_fuzz", 0);
		if (fd < 0)
			return NULL;
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0)
		return NULL;
	while (at < size) {
		ssize_t n = pwrite(fd, data + at, size - at, (off_t)at);
		if (n <= 0)
			return NULL;
		at += (size_t)n;
	}
	return path;
}

#endif
