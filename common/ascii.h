/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ascii.h — ASCII character classes for the scanners of reduce.c and
 * redact.c and the decoders of chwire.c, locale-free (unlike <ctype.h>) and
 * for unsigned bytes: a byte of 0x80 or above is never a letter or digit
 * here. Header-only.
 */
#ifndef LOTSE_ASCII_H
#define LOTSE_ASCII_H

static inline int ascii_is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static inline int ascii_is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int ascii_is_alnum(unsigned char c)
{
	return ascii_is_digit(c) || ascii_is_alpha(c);
}

static inline int ascii_is_hex(unsigned char c)
{
	return ascii_is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/* The value of a hex digit, or -1 when c is none. */
static inline int ascii_hex_value(unsigned char c)
{
	if (ascii_is_digit(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static inline unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

#endif
