/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * ascii.h — ASCII character classes for the scanners of reduce.c and
 * redact.c, locale-free (unlike <ctype.h>) and for unsigned bytes: a byte of
 * 0x80 or above is never a letter or digit here. Header-only.
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

static inline unsigned char ascii_lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + ('a' - 'A')) : c;
}

#endif
