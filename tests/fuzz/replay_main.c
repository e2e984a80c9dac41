/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * replay_main.c — a main() for fuzz targets built without libFuzzer: runs
 * LLVMFuzzerTestOneInput once on each file named on the command line, so that
 * `make test` replays every checked-in corpus under the normal and the
 * sanitizer build. Prints "NAME: N passed, 0 failed"; a crash fails the run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int main(int argc, char **argv)
{
	int n = 0;

	for (int i = 1; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		if (f == NULL) {
			fprintf(stderr, "replay: cannot open %s\n", argv[i]);
			return 1;
		}
		size_t cap = 1 << 16, len = 0;
		uint8_t *buf = malloc(cap);
		size_t got;
		while (buf != NULL && (got = fread(buf + len, 1, cap - len, f)) > 0) {
			len += got;
			if (len == cap) {
				uint8_t *nb = realloc(buf, cap * 2);
				if (nb == NULL) {
					free(buf);
					buf = NULL;
					break;
				}
				buf = nb;
				cap *= 2;
			}
		}
		fclose(f);
		if (buf == NULL) {
			fprintf(stderr, "replay: out of memory\n");
			return 1;
		}
		LLVMFuzzerTestOneInput(buf, len);
		free(buf);
		n++;
	}
	const char *name = strrchr(argv[0], '/');
	printf("%s: %d passed, 0 failed\n", name ? name + 1 : argv[0], n);
	return 0;
}
