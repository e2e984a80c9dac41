/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fuzz_labels.c — libFuzzer target for the reporter's word files: the sites
 * file (--sites) and the field labels (--fields), both read by
 * reports/labels.c on common/csvread.c, and the reject-reason sentences. The
 * input is loaded as either file (the first byte picks which); a failed load
 * keeps nothing of the file, a loaded one answers lookups with bounded
 * strings; the input is also read as a reject reason and its sentence must
 * fit the buffer.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "invariants.h"
#include "labels.h"
#include "memfile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct labels l;
	char err[512], probe[96], out[160];
	size_t pn = size < sizeof probe - 1 ? size : sizeof probe - 1;
	const char *path = memfile_fill(data, size);
	int fields = size > 0 && (data[0] & 1);

	if (path == NULL)
		return 0;
	memcpy(probe, data, pn);
	probe[pn] = '\0';
	memset(&l, 0, sizeof l);
	if ((fields ? labels_load_fields(&l, path, err, sizeof err) : labels_load_sites(&l, path, err, sizeof err)) != 0) {
		REQUIRE(l.nsites == 0 && l.nfields == 0);
	} else {
		for (size_t i = 0; i < l.nsites; i++) {
			REQUIRE(strcmp(labels_site_name(&l, l.sites[i].site), l.sites[i].name) == 0 ||
			        (i > 0 && strcmp(l.sites[i].site, l.sites[i - 1].site) == 0) ||
			        (i + 1 < l.nsites && strcmp(l.sites[i].site, l.sites[i + 1].site) == 0));
			REQUIRE(strlen(l.sites[i].name) <= LABELS_MAX_TEXT);
		}
		for (size_t i = 0; i < l.nfields; i++) {
			const char *lab = labels_field(&l, l.fields[i].site, l.fields[i].service, l.fields[i].field);

			REQUIRE(lab != NULL && lab[0] != '\0' && strlen(lab) <= LABELS_MAX_TEXT);
		}
		REQUIRE(labels_site_name(&l, probe) != NULL);
		REQUIRE(labels_field(&l, "gladbeck", "hund", probe) != NULL);
	}
	labels_free(&l);
	labels_reject_reason(probe, (int)(size & 2), out, sizeof out);
	REQUIRE(strlen(out) < sizeof out);
	return 0;
}
