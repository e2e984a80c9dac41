/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * swar.h — byte tests on eight bytes at once (SIMD within a register), for
 * the scanners of json.c and reduce.c. Each answers "is some byte of w …?"
 * exactly: a borrow or carry only runs on from a byte that already
 * answered yes. Nonzero means yes. Header-only.
 */
#ifndef LOTSE_SWAR_H
#define LOTSE_SWAR_H

#include <stdint.h>
#include <string.h>

#define SWAR_ONES UINT64_C(0x0101010101010101)
#define SWAR_HIGH (SWAR_ONES * 0x80)

/* The 8 bytes at p (any alignment). */
static inline uint64_t swar_load(const char *p)
{
	uint64_t w;

	memcpy(&w, p, 8);
	return w;
}

/* Some byte is below n (n <= 0x80). */
static inline uint64_t swar_below(uint64_t w, unsigned char n)
{
	return (w - SWAR_ONES * n) & ~w & SWAR_HIGH;
}

/* Some byte is c. */
static inline uint64_t swar_has(uint64_t w, unsigned char c)
{
	return swar_below(w ^ (SWAR_ONES * c), 1);
}

/* Some byte is 0x80 or above. */
static inline uint64_t swar_high(uint64_t w)
{
	return w & SWAR_HIGH;
}

/* Some byte is 0x7F or above. */
static inline uint64_t swar_above_7e(uint64_t w)
{
	return (w | (w + SWAR_ONES)) & SWAR_HIGH;
}

#endif
