/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * redact.c — the rules of redact.h. Each rule is a matcher: given a position
 * it says where a match starting there ends (or that none starts there).
 * redact_text runs the rules one after the other over the whole text, each
 * on the previous one's output, so a placeholder is never matched again and
 * an earlier rule wins over a later one ("01761234567@sms.de" is an e-mail
 * address, not a phone number); then again over the result until nothing
 * changes (REDACT_ROUNDS). A text with neither a digit nor anything that can
 * spell "@" skips all of this: no rule can match it.
 *
 * Decisions beyond PROTOCOL.md (all on the side of privacy; the folded text
 * has single spaces only, so "a space" below is any run of whitespace as
 * sent):
 *  - E-mail: the local part is RFC 5322 atext (letters of any script,
 *    digits, ".!#$%&'*+-/=?^_`{|}~") or a quoted string; the "@" may be
 *    written "@", "(at)", "[at]", "{at}" (any case), "%40", "%2540" or as an
 *    HTML entity ("&#64;", "&#x40;", "&commat;"), each with or without a
 *    space on either side; the domain has at least one dot, written "." or
 *    as "(dot)" or "(punkt)" in any of the three brackets, with or without
 *    spaces, and ends in a label of two or more characters with a letter;
 *    dots doubled or leading ("gmx..de", "@.gmx.de") are typos, still
 *    caught. Sentence punctuation after the domain is not part of it.
 *    Overlapping addresses merge into one "[email]". Not caught: "max at
 *    example dot de" spelled with bare words, and addresses without a dot
 *    in the domain.
 *  - IBAN: between any two of its characters a run of up to three
 *    separators (" - " is three); it must start after a non-alphanumeric
 *    character and end before one. The longest run that passes mod-97 wins.
 *  - Dates: day and month may have one or two digits ("1.3.1985"), and a
 *    space may follow each dot ("12. 03. 1985"); digits right before or after
 *    the date make it no date (rule 5 then takes the digits).
 *  - Phone numbers: between digits a run of up to three of space, "/", "-",
 *    "." (" - " in "0 20 43 - 99 12 34"); the bracketed group may also open
 *    the number when it starts with 0 ("(02043) 99 12 34"); a number does
 *    not start in the middle of a word or of a run of digit groups ("3704
 *    0044 …" is one run for rule 5, not a phone number from "0044" on), but
 *    a "+" may follow anything.
 *  - Digit groups and identifiers count ASCII digits only (after folding,
 *    full-width and mathematical digits are ASCII); digits of other scripts
 *    (Arabic-Indic, Devanagari …) are not counted. Rule 6's tokens are runs
 *    of ASCII letters and digits.
 */
#include "redact.h"

#include <assert.h>
#include <stdint.h>
#include <string.h>

/* Work buffers: a folded text of 200 characters is at most 1200 bytes, and
 * redaction grows it by 6/5 at most. */
#define REDACT_BUF 4096
/*
 * The rules run again over their own output until nothing changes, at most
 * this often: a replacement can give a neighbour the boundary it lacked
 * ("ab12cd34 0 - 201 - 1234": once the identifier is "[id]", the phone
 * number no longer starts in the middle of a digit run). Ordinary text takes
 * one round, personal data two.
 */
#define REDACT_ROUNDS 8

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static int is_alnum(unsigned char c)
{
	return is_digit(c) || is_alpha(c);
}

static unsigned char lower(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') ? (unsigned char)(c + 32) : c;
}

/* Do the n bytes at s[i..] spell word (lower-case ASCII), in any case? */
static int has_word(const char *s, size_t n, size_t i, const char *word)
{
	size_t w = strlen(word);

	if (n - i < w)
		return 0;
	for (size_t k = 0; k < w; k++) {
		if (lower((unsigned char)s[i + k]) != (unsigned char)word[k])
			return 0;
	}
	return 1;
}

static size_t skip_space(const char *s, size_t n, size_t i)
{
	return i < n && s[i] == ' ' ? i + 1 : i;
}

/* ---- rule 1: e-mail addresses --------------------------------------------- */

static int is_atext(unsigned char c)
{
	return is_alnum(c) || c >= 0x80 || (c != '\0' && strchr(".!#$%&'*+-/=?^_`{|}~", c) != NULL);
}

static int is_label_char(unsigned char c)
{
	return is_alnum(c) || c >= 0x80 || c == '-';
}

/*
 * The length of a bracketed word at s[i] ("(at)", "[dot]", "{at}"), or 0.
 */
static size_t bracket_word(const char *s, size_t n, size_t i, const char *word)
{
	static const char open[] = "([{", close[] = ")]}";
	const char *o = s[i] != '\0' ? strchr(open, s[i]) : NULL;
	size_t w = strlen(word);

	if (o == NULL || n - i < w + 2 || !has_word(s, n, i + 1, word))
		return 0;
	return s[i + 1 + w] == close[o - open] ? w + 2 : 0;
}

/* The length of an "@" written any of rule 1's ways at s[i] (without spaces), or 0. */
static size_t at_sign(const char *s, size_t n, size_t i)
{
	static const char *const encoded[] = {"%40", "%2540", "&#64;", "&#x40;", "&commat;"};

	if (s[i] == '@')
		return 1;
	if (s[i] == '%' || s[i] == '&') {
		for (size_t k = 0; k < sizeof encoded / sizeof encoded[0]; k++) {
			if (has_word(s, n, i, encoded[k]))
				return strlen(encoded[k]);
		}
		return 0;
	}
	return bracket_word(s, n, i, "at");
}

/* The length of a dot written "." or "(dot)", "(punkt)" (spaces allowed around those) at s[i], or 0. */
static size_t dot_sign(const char *s, size_t n, size_t i)
{
	size_t j = skip_space(s, n, i), w;

	if (s[i] == '.')
		return 1;
	if (j >= n)
		return 0;
	w = bracket_word(s, n, j, "dot");
	if (w == 0)
		w = bracket_word(s, n, j, "punkt");
	if (w == 0)
		return 0;
	return skip_space(s, n, j + w) - i;
}

/*
 * The end of a domain starting at s[i]: labels joined by dots, at least one
 * dot, the last label two or more characters with a letter among them
 * (hyphens at its end, sentence punctuation, are not part of it). Labels are
 * not checked further ("a-.de", "gmx.de1" count): what a person mistypes is
 * still theirs, and a later rule must not turn the rest into an address
 * ("x@gmx.de89.37" would be "x@gmx.de[zahl]"). 0 when there is none.
 */
static size_t domain_end(const char *s, size_t n, size_t i)
{
	size_t j = i, end = 0, dots = 0;

	while (j < n && s[j] == '.')
		j++; /* "max@.gmx.de", a typo */
	for (;;) {
		size_t start = j, stop, d;
		int letter = 0;

		while (j < n && is_label_char((unsigned char)s[j]))
			j++;
		stop = j;
		while (stop > start && s[stop - 1] == '-')
			stop--;
		if (j == start)
			break;
		for (size_t k = start; k < stop; k++)
			letter |= !is_digit((unsigned char)s[k]) && s[k] != '-';
		if (dots > 0 && letter && stop - start >= 2)
			end = stop; /* a top-level domain could end here */
		if (j >= n || (d = dot_sign(s, n, j)) == 0)
			break;
		dots++;
		j += d;
		while (j < n && s[j] == '.')
			j++; /* "gmx..de", a typo, is still an address */
	}
	return end;
}

/* Where the local part ending at s[at] begins (at itself when there is none). */
static size_t local_start(const char *s, size_t at)
{
	size_t k = at;

	if (at > 0 && s[at - 1] == '"') {
		/* a quoted local part: back to its opening quote; it must hold something */
		size_t close = at - 1;
		for (k = close; k > 0; k--) {
			if (s[k - 1] == '"')
				return k < close ? k - 1 : at;
		}
		return at;
	}
	while (k > 0 && is_atext((unsigned char)s[k - 1]))
		k--;
	return k;
}

/*
 * An e-mail address whose "@" (any form) is at s[i]: *start gets where its
 * local part begins. Returns the end, or 0.
 */
static size_t match_email_at(const char *s, size_t n, size_t i, size_t *start)
{
	size_t at = at_sign(s, n, i), local_end = i, dom;

	if (at == 0)
		return 0;
	if (local_end > 0 && s[local_end - 1] == ' ')
		local_end--;
	*start = local_start(s, local_end);
	if (*start == local_end)
		return 0;
	dom = skip_space(s, n, i + at);
	return domain_end(s, n, dom);
}

/* ---- rule 2: IBANs ------------------------------------------------------------ */

static int is_iban_sep(unsigned char c)
{
	return c == ' ' || c == '.' || c == '-' || c == '+';
}

/* The value of an IBAN character in the mod-97 check: digits 0–9, letters 10–35. */
static unsigned iban_value(unsigned char c)
{
	return is_digit(c) ? (unsigned)(c - '0') : (unsigned)(lower(c) - 'a') + 10;
}

static unsigned mod97_add(unsigned r, unsigned char c)
{
	unsigned v = iban_value(c);

	return (v < 10 ? r * 10 + v : r * 100 + v) % 97;
}

/* After s[j], skips up to three separators if an alphanumeric character follows them. */
static size_t iban_next(const char *s, size_t n, size_t j)
{
	size_t k = j;

	while (k < n && k - j < 3 && is_iban_sep((unsigned char)s[k]))
		k++;
	return k < n && is_alnum((unsigned char)s[k]) ? k : j;
}

/*
 * The end of the longest IBAN starting at s[i] that passes mod-97, or 0.
 * whole: the IBAN must be all of s (for redact_is_iban).
 */
static size_t match_iban_run(const char *s, size_t n, size_t i, int whole)
{
	unsigned char head[4];
	unsigned r = 0;
	size_t j = i, count = 0, best = 0;

	if (i > 0 && is_alnum((unsigned char)s[i - 1]))
		return 0;
	while (j < n && is_alnum((unsigned char)s[j])) {
		unsigned char c = (unsigned char)s[j];
		if (count < 4) {
			if ((count < 2 && !is_alpha(c)) || (count >= 2 && !is_digit(c)))
				return 0;
			head[count] = c;
		} else {
			r = mod97_add(r, c);
		}
		count++;
		if (count > 34)
			break;
		j++;
		if (count >= 14 && (j == n || !is_alnum((unsigned char)s[j]))) {
			unsigned f = r;
			for (int h = 0; h < 4; h++)
				f = mod97_add(f, head[h]);
			if (f == 1 && (!whole || j == n))
				best = j;
		}
		if (j < n && !is_alnum((unsigned char)s[j]))
			j = iban_next(s, n, j);
	}
	return best;
}

static size_t match_iban(const char *s, size_t n, size_t i)
{
	if (!is_alpha((unsigned char)s[i]))
		return 0;
	return match_iban_run(s, n, i, 0);
}

int redact_is_iban(const char *s, size_t n)
{
	return n > 0 && match_iban_run(s, n, 0, 1) == n;
}

/* ---- rule 3: dates -------------------------------------------------------------- */

/* Reads 1..max digits at s[*j] into *v; returns how many (0: none or too many). */
static size_t read_number(const char *s, size_t n, size_t *j, size_t max, unsigned *v)
{
	size_t k = *j;

	*v = 0;
	while (k < n && is_digit((unsigned char)s[k]) && k - *j <= max) {
		*v = *v * 10 + (unsigned)(s[k] - '0');
		k++;
	}
	if (k == *j || k - *j > max)
		return 0;
	max = k - *j;
	*j = k;
	return max;
}

static int day_month_ok(unsigned d, unsigned m)
{
	return d >= 1 && d <= 31 && m >= 1 && m <= 12;
}

static size_t match_date(const char *s, size_t n, size_t i)
{
	size_t j = i, dl, ml, yl;
	unsigned d, m, y;

	if (!is_digit((unsigned char)s[i]) || (i > 0 && is_digit((unsigned char)s[i - 1])))
		return 0;
	/* JJJJ-MM-TT */
	if (read_number(s, n, &j, 4, &y) == 4 && j < n && s[j] == '-') {
		j++;
		if (read_number(s, n, &j, 2, &m) > 0 && j < n && s[j] == '-') {
			j++;
			if (read_number(s, n, &j, 2, &d) > 0 && day_month_ok(d, m) &&
			    (j == n || !is_digit((unsigned char)s[j])))
				return j;
		}
	}
	/* TT.MM.JJJJ and TT.MM.JJ, a space allowed after each dot */
	j = i;
	dl = read_number(s, n, &j, 2, &d);
	if (dl == 0 || j >= n || s[j] != '.')
		return 0;
	j = skip_space(s, n, j + 1);
	ml = read_number(s, n, &j, 2, &m);
	if (ml == 0 || j >= n || s[j] != '.')
		return 0;
	j = skip_space(s, n, j + 1);
	yl = read_number(s, n, &j, 4, &y);
	if ((yl != 2 && yl != 4) || !day_month_ok(d, m))
		return 0;
	return j;
}

/* ---- rule 4: phone numbers ---------------------------------------------------------- */

static int is_phone_sep(unsigned char c)
{
	return c == ' ' || c == '/' || c == '-' || c == '.';
}

/* Is s[i] right after a digit group and one separator (inside a run of groups)? */
static int inside_digit_run(const char *s, size_t i)
{
	return i >= 2 && is_phone_sep((unsigned char)s[i - 1]) && is_digit((unsigned char)s[i - 2]);
}

/*
 * A bracketed group at s[j] ("(0)", "(02043)", optional spaces around):
 * returns its end (the next digit), or 0. *digits gets the digits inside.
 */
static size_t phone_bracket(const char *s, size_t n, size_t j, size_t *digits)
{
	size_t k = skip_space(s, n, j), d = 0;

	if (k >= n || s[k] != '(')
		return 0;
	for (k++; k < n && is_digit((unsigned char)s[k]); k++)
		d++;
	if (d == 0 || d > 6 || k >= n || s[k] != ')')
		return 0;
	k = skip_space(s, n, k + 1);
	if (k >= n || !is_digit((unsigned char)s[k]))
		return 0;
	*digits = d;
	return k;
}

static size_t match_phone(const char *s, size_t n, size_t i)
{
	size_t j = i, digits = 0, need = 7, end = 0;
	int bracket = 0;
	unsigned char c = (unsigned char)s[i];

	if (c != '+' && c != '0' && c != '(')
		return 0;
	/* A number does not start inside a word or a run of digit groups: rule 5
	 * takes those whole. A '+' may follow anything ("Tel.+49 …", "9+49 …"):
	 * rule 5 would leave the digits after it. */
	if (c != '+' && i > 0 && (is_alnum((unsigned char)s[i - 1]) || inside_digit_run(s, i)))
		return 0;
	if (c == '+') {
		if (i + 1 >= n || !is_digit((unsigned char)s[i + 1]))
			return 0;
		j = i + 1;
		need = 6;
	} else if (c == '(') {
		size_t d;
		if (i + 1 >= n || s[i + 1] != '0' || (j = phone_bracket(s, n, i, &d)) == 0)
			return 0;
		digits = d;
		bracket = 1;
	}
	while (j < n) {
		size_t k, d;
		if (is_digit((unsigned char)s[j])) {
			digits++;
			end = ++j;
			continue;
		}
		if (!bracket && (k = phone_bracket(s, n, j, &d)) != 0) {
			bracket = 1;
			digits += d;
			j = k;
			continue;
		}
		for (k = j; k < n && k - j < 3 && is_phone_sep((unsigned char)s[k]); k++)
			;
		if (k > j && k < n && s[k] == '(' && !bracket && phone_bracket(s, n, k, &d) != 0) {
			j = k; /* "+49-(0)2043": the bracket after a separator */
			continue;
		}
		if (k == j || k >= n || !is_digit((unsigned char)s[k]))
			break;
		j = k;
	}
	return digits >= need ? end : 0;
}

/* ---- rule 5: digit groups ---------------------------------------------------------- */

static int is_group_sep(unsigned char c)
{
	return c == ' ' || c == '.' || c == '-' || c == '/';
}

static size_t match_digits(const char *s, size_t n, size_t i)
{
	size_t j = i, digits = 0;

	if (!is_digit((unsigned char)s[i]) || (i > 0 && is_digit((unsigned char)s[i - 1])))
		return 0;
	for (;;) {
		while (j < n && is_digit((unsigned char)s[j])) {
			digits++;
			j++;
		}
		if (j + 1 < n && is_group_sep((unsigned char)s[j]) && is_digit((unsigned char)s[j + 1]))
			j++;
		else
			break;
	}
	return digits >= 5 ? j : 0;
}

/* ---- rule 6: mixed identifiers ------------------------------------------------------ */

static size_t match_id(const char *s, size_t n, size_t i)
{
	size_t j = i, digits = 0;

	if (!is_alnum((unsigned char)s[i]) || (i > 0 && is_alnum((unsigned char)s[i - 1])))
		return 0;
	while (j < n && is_alnum((unsigned char)s[j])) {
		digits += is_digit((unsigned char)s[j]);
		j++;
	}
	if (j - i < 8 || j - i > 12 || digits < 2 || digits == j - i)
		return 0;
	return j;
}

/* ---- running the rules -------------------------------------------------------------- */

typedef size_t (*matcher)(const char *s, size_t n, size_t i);

struct rule {
	matcher match;
	const char *word;
};

/* Rule 1 is not a plain matcher: its match starts before the "@" that finds it. */
static const struct rule rules[] = {
	{match_iban, "[iban]"}, {match_date, "[datum]"}, {match_phone, "[tel]"},
	{match_digits, "[zahl]"}, {match_id, "[id]"},
};

/* A bounded output, as in reduce.c. */
struct rbuf {
	char *p;
	size_t cap, len;
	int overflow;
};

static void rb_put(struct rbuf *b, const char *s, size_t n)
{
	if (b->overflow || b->cap - b->len < n) {
		b->overflow = 1;
		return;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
}

/*
 * Rule 1 over all of s: every "@" form is tried on its own and each run of
 * characters that some address covers becomes one "[email]". Overlapping
 * matches merge: an address in a quoted local part and the address around it
 * ("\"a@b.de\"@c.de") go together, whichever "@" comes first.
 */
static void run_email(const char *s, size_t n, struct rbuf *out)
{
	unsigned char cover[REDACT_BUF];
	size_t i = 0;

	if (n > sizeof cover) {
		out->overflow = 1;
		return;
	}
	memset(cover, 0, n);
	for (size_t at = 0; at < n; at++) {
		size_t start, end = match_email_at(s, n, at, &start);
		if (end != 0)
			memset(cover + start, 1, end - start);
	}
	while (i < n) {
		size_t j = i;
		while (j < n && cover[j] == cover[i])
			j++;
		if (cover[i])
			rb_put(out, "[email]", 7);
		else
			rb_put(out, s + i, j - i);
		i = j;
	}
}

static void run_rule(const char *s, size_t n, const struct rule *r, struct rbuf *out)
{
	size_t emitted = 0, i = 0;

	while (i < n) {
		size_t end = r->match(s, n, i);
		if (end > i) {
			rb_put(out, s + emitted, i - emitted);
			rb_put(out, r->word, strlen(r->word));
			emitted = i = end;
		} else {
			i++;
		}
	}
	rb_put(out, s + emitted, n - emitted);
}

/* What in s could start a match: 1 a digit (rules 2–6), 2 an "@" form (rule 1). */
static unsigned triggers(const char *s, size_t n)
{
	unsigned t = 0;

	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (is_digit(c))
			t |= 1;
		else if (c == '@' || c == '%' || c == '&' || c == '(' || c == '[' || c == '{')
			t |= 2;
	}
	return t;
}

/*
 * One round of rules 1–6 over s (n bytes) into keep (REDACT_BUF bytes), its
 * length to *len. Returns 1 when something was replaced, 0 when nothing was
 * (keep is then not written), -1 when a result does not fit.
 */
static int redact_round(const char *s, size_t n, char *keep, size_t *len)
{
	char a[REDACT_BUF], b[REDACT_BUF];
	const char *cur = s;
	size_t cur_len = n;
	unsigned t = triggers(s, n);
	struct rbuf rb;

	if (t & 2) {
		rb = (struct rbuf){a, sizeof a, 0, 0};
		run_email(cur, cur_len, &rb);
		if (rb.overflow)
			return -1;
		cur = a;
		cur_len = rb.len;
	}
	for (size_t k = 0; k < sizeof rules / sizeof rules[0] && (t & 1); k++) {
		char *dst = cur == a ? b : a;
		rb = (struct rbuf){dst, REDACT_BUF, 0, 0};
		run_rule(cur, cur_len, &rules[k], &rb);
		if (rb.overflow)
			return -1;
		cur = dst;
		cur_len = rb.len;
	}
	/* A replacement always changes the text: no placeholder is matched again. */
	if (cur == s || (cur_len == n && memcmp(cur, s, n) == 0))
		return 0;
	memcpy(keep, cur, cur_len);
	*len = cur_len;
	return 1;
}

int redact_text(const char *s, size_t n, char *out, size_t cap)
{
	char keep[2][REDACT_BUF];
	const char *cur = s;
	size_t cur_len = n;

	for (int round = 0; round < REDACT_ROUNDS; round++) {
		size_t len;
		int rc = redact_round(cur, cur_len, keep[round & 1], &len);
		if (rc < 0)
			return -1;
		if (rc == 0)
			break;
		cur = keep[round & 1];
		cur_len = len;
	}
	if (cap == 0 || cur_len >= cap)
		return -1;
	memcpy(out, cur, cur_len);
	out[cur_len] = '\0';
	assert(cur_len <= REDACT_BOUND(n));
	return 0;
}

int redact_finds(const char *s, size_t n)
{
	unsigned t = triggers(s, n);

	for (size_t i = 0; i < n && (t & 2); i++) {
		size_t start;
		if (match_email_at(s, n, i, &start) != 0)
			return 1;
	}
	for (size_t k = 0; k < sizeof rules / sizeof rules[0] && (t & 1); k++) {
		for (size_t i = 0; i < n; i++) {
			if (rules[k].match(s, n, i) > i)
				return 1;
		}
	}
	return 0;
}
