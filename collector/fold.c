/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * fold.c — the folding of fold.h. ASCII, by far the most common input, is
 * handled by a 128-entry class table; every other code point is looked up in
 * a two-stage table generated from the Unicode Character Database
 * (build/gen/fold_table.h, made by scripts/gen_fold.py): one byte per 128
 * code points picks a block, the block gives the entry. Lookups are O(1) and
 * the table is about 50 KiB. Which characters fold to what is decided in the
 * generator and documented there.
 *
 * It deliberately does not normalise anything without an ASCII form (no
 * NFC/NFKC of letters with diacritics: "Müller" stays "Müller"), and does not
 * map look-alike letters of other scripts (Cyrillic "а") to Latin ones.
 */
#include "fold.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

#include "json.h"

#define FOLD_NOT 0xFF /* the entry has no ASCII form, only a lower case */

struct fold_entry {
	uint32_t lower; /* FOLD_NOT entries: the simple lower-case mapping */
	uint8_t len;    /* bytes of to (0: the code point is removed), or FOLD_NOT */
	char to[8];     /* its ASCII form */
};

#include "fold_table.h"

_Static_assert(FOLD_TO_MAX < sizeof(((struct fold_entry *)0)->to), "fold entries hold the longest form");
_Static_assert(sizeof fold_stage1 == (0x110000 >> FOLD_BLOCK_SHIFT), "stage one covers all code points");

/* What an ASCII byte does. */
enum ascii_class { A_COPY, A_UPPER, A_SPACE, A_DROP };

static const unsigned char ascii_class[128] = {
	[0x00] = A_DROP, [0x01] = A_DROP, [0x02] = A_DROP, [0x03] = A_DROP, [0x04] = A_DROP,
	[0x05] = A_DROP, [0x06] = A_DROP, [0x07] = A_DROP, [0x08] = A_DROP,
	['\t'] = A_SPACE, ['\n'] = A_SPACE, ['\v'] = A_SPACE, ['\f'] = A_SPACE, ['\r'] = A_SPACE,
	[0x0E] = A_DROP, [0x0F] = A_DROP, [0x10] = A_DROP, [0x11] = A_DROP, [0x12] = A_DROP,
	[0x13] = A_DROP, [0x14] = A_DROP, [0x15] = A_DROP, [0x16] = A_DROP, [0x17] = A_DROP,
	[0x18] = A_DROP, [0x19] = A_DROP, [0x1A] = A_DROP, [0x1B] = A_DROP, [0x1C] = A_DROP,
	[0x1D] = A_DROP, [0x1E] = A_DROP, [0x1F] = A_DROP, [' '] = A_SPACE,
	['A'] = A_UPPER, ['B'] = A_UPPER, ['C'] = A_UPPER, ['D'] = A_UPPER, ['E'] = A_UPPER,
	['F'] = A_UPPER, ['G'] = A_UPPER, ['H'] = A_UPPER, ['I'] = A_UPPER, ['J'] = A_UPPER,
	['K'] = A_UPPER, ['L'] = A_UPPER, ['M'] = A_UPPER, ['N'] = A_UPPER, ['O'] = A_UPPER,
	['P'] = A_UPPER, ['Q'] = A_UPPER, ['R'] = A_UPPER, ['S'] = A_UPPER, ['T'] = A_UPPER,
	['U'] = A_UPPER, ['V'] = A_UPPER, ['W'] = A_UPPER, ['X'] = A_UPPER, ['Y'] = A_UPPER,
	['Z'] = A_UPPER, [0x7F] = A_DROP,
};

/* The output: a space is held back until a character follows it. */
struct fold_out {
	char *p;
	size_t cap, len;
	int space;    /* a space is pending */
	int overflow;
	int lower;
};

static void put_bytes(struct fold_out *o, const char *s, size_t n)
{
	size_t need = n + (o->space && o->len > 0);

	if (o->overflow || o->cap - o->len < need) {
		o->overflow = 1;
		return;
	}
	if (o->space && o->len > 0)
		o->p[o->len++] = ' ';
	o->space = 0;
	memcpy(o->p + o->len, s, n);
	o->len += n;
}

static void put_ascii(struct fold_out *o, unsigned char c)
{
	char ch = (char)c;

	switch (ascii_class[c]) {
	case A_UPPER:
		if (o->lower)
			ch = (char)(c + ('a' - 'A'));
		put_bytes(o, &ch, 1);
		break;
	case A_SPACE:
		o->space = 1;
		break;
	case A_DROP:
		break;
	default:
		put_bytes(o, &ch, 1);
		break;
	}
}

static const struct fold_entry *lookup(uint32_t cp)
{
	uint16_t i;

	assert(cp < 0x110000);
	i = fold_stage2[fold_stage1[cp >> FOLD_BLOCK_SHIFT]][cp & ((1u << FOLD_BLOCK_SHIFT) - 1)];
	assert(i < FOLD_ENTRIES);
	return i != 0 ? &fold_entries[i] : NULL;
}

int fold_text(const char *s, size_t n, unsigned flags, char *out, size_t cap, size_t *out_len)
{
	struct fold_out o = {out, cap, 0, 0, 0, (flags & FOLD_LOWER) != 0};
	size_t k = 0;

	while (k < n) {
		unsigned char c = (unsigned char)s[k];
		const struct fold_entry *e;
		uint32_t cp;
		size_t seq;

		if (c < 0x80) {
			put_ascii(&o, c);
			k++;
			continue;
		}
		seq = json_utf8_seq(s + k, n - k, &cp);
		if (seq == 0) {
			put_bytes(&o, s + k, 1); /* not UTF-8: kept as an opaque byte */
			k++;
			continue;
		}
		e = lookup(cp);
		if (e == NULL || (e->len == FOLD_NOT && !o.lower)) {
			put_bytes(&o, s + k, seq);
		} else if (e->len == FOLD_NOT) {
			char enc[4];
			put_bytes(&o, enc, json_utf8_encode(e->lower, enc));
		} else {
			for (size_t j = 0; j < e->len; j++)
				put_ascii(&o, (unsigned char)e->to[j]);
		}
		k += seq;
	}
	*out_len = o.len;
	return o.overflow ? -1 : 0;
}

const char *fold_unicode_version(void)
{
	return FOLD_UNICODE_VERSION;
}
