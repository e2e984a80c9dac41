/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * page.h — the HTML writer every page of the report uses (index.html and
 * the page of each service and site): the document frame with its one
 * style sheet (phone layout, print layout with page header and page
 * numbers), escaping, numbers for reading, the honest display of rates
 * ("wenige Daten" below WORDS_FEW), rate bars, tables that scroll inside
 * their own box, and charts referenced as files. It knows nothing of the
 * report's sections (html.c and servicepage.c do) and computes no
 * statistics (metrics.c does).
 */
#ifndef LOTSE_PAGE_H
#define LOTSE_PAGE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "words.h"

struct page {
	FILE *f;
	int lang_en;
	const char *root;      /* from this page to the report folder: "" or "../" */
	unsigned tables;       /* tables so far, for their ids */
	char path[4200];
};

/* What the head of a page says; plain text, escaped by page_open. */
struct page_head {
	const char *title;     /* <title> and <h1> */
	const char *period;    /* "06.11.2026 – 04.12.2026" */
	const char *compare;   /* the comparison period, or NULL */
	const char *sites;     /* "Stadt Gladbeck, Stadt Bottrop", or NULL */
	const char *generated; /* the day the report was made */
	int back;              /* link back to index.html */
};

/* The text in the page's language. */
const char *page_L(const struct page *p, const char *de, const char *en);

/*
 * Creates path and writes the document up to and including its <header>
 * (the caller may add a <nav>, then calls page_main). root is the way from
 * the page to the report folder ("" or "../"). Returns 0, or -1 with a
 * one-line reason in err (nothing to close then).
 */
int page_open(struct page *p, const char *path, int lang_en, const char *root, const struct page_head *h,
              char *err, size_t errlen);

/* Opens <main>, which page_close closes. */
void page_main(struct page *p);

/* Writes the end of the document and closes it. Returns 0, or -1 with err set when any write failed. */
int page_close(struct page *p, char *err, size_t errlen);

/* Writes s as it is (markup of our own). */
void page_put(struct page *p, const char *s);

/* A paragraph of fixed text, <p>…</p>, in the page's language (text is HTML). */
void page_p(struct page *p, const char *de, const char *en);

/* printf for markup of our own; values from the data go through page_esc. */
void page_printf(struct page *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Writes s HTML-escaped (every value that came from beacons, catalogue or options). */
void page_esc(struct page *p, const char *s);

/* Whole numbers, decimals, shares and durations in the language's format ("–" when NaN). */
void page_int(struct page *p, uint64_t v);
void page_num(struct page *p, double v, int decimals);
void page_pct(struct page *p, double share, int decimals);
void page_duration(struct page *p, double s);

/* The marker of an uncertain figure: " wenige Daten" in its own span. */
void page_few(struct page *p);

/*
 * A completion rate x of n as readers see it: "–" for n = 0; "3 von 4"
 * and the "wenige Daten" marker below WORDS_FEW (no percentage that looks
 * certain); else "57,6 %".
 */
void page_rate(struct page *p, uint64_t x, uint64_t n);

/*
 * The 95 % interval of the rate x of n on a line of its own:
 * "95 %: 56,2–59,0 %"; nothing below WORDS_FEW (the rate says "wenige
 * Daten" there).
 */
void page_ci(struct page *p, uint64_t x, uint64_t n);

/*
 * The change of the rate x of n against the comparison period's px of pn,
 * on a line of its own: "vorher 30,0 % · +60,0 Prozentpunkte, statistisch
 * signifikant" (p_value < 0.05) or "…, nicht signifikant". Below
 * WORDS_FEW on either side the rates read "3 von 4" with "wenige Daten".
 */
/* Opens the comparison period's value under a figure: ` <span class="sub change">vorher `; close with </span>. */
void page_before(struct page *p);

void page_change(struct page *p, uint64_t x, uint64_t n, uint64_t px, uint64_t pn, double p_value);

/*
 * A horizontal bar for the rate x of n with its 95 % interval as whiskers;
 * hatched below WORDS_FEW; nothing for n = 0. Decorative: the rate is
 * always written beside it as text.
 */
void page_bar(struct page *p, uint64_t x, uint64_t n);

/* A share 0..1 as a bar without interval (funnel steps, distributions). */
void page_share_bar(struct page *p, double share);

/*
 * Key figures are boxes in a <dl class="kpi">: page_kpi opens a box with
 * its term and the value's big span, the caller writes the value, closes
 * the span, may add lines (page_ci, page_change, an image), and
 * page_kpi_end closes the box. The page_kpi_* writers below write a whole
 * value and close its span.
 */
void page_kpi(struct page *p, const char *de, const char *en);
void page_kpi_end(struct page *p);

/* A completion rate x of n (page_rate) and its interval below it. */
void page_kpi_rate(struct page *p, uint64_t x, uint64_t n);

/* A median time to complete from n completed attempts, marked below WORDS_FEW. */
void page_kpi_time(struct page *p, double median_s, uint64_t n);

/*
 * A mean rating from n ratings: "–" without ratings, "zu wenige
 * Bewertungen" below min_count (no mean), "4,2 von 5", marked below
 * WORDS_FEW.
 */
void page_kpi_rating(struct page *p, double mean, uint64_t n, unsigned min_count);

/* Opens a top-level section with its heading; id is a fixed ASCII name. */
void page_section(struct page *p, const char *id, const char *title_de, const char *title_en);
void page_section_end(struct page *p);

/*
 * Opens a table in a box that scrolls sideways on its own when the table
 * is wider than the screen; caption is plain text (escaped). Then the
 * header cells (page_th), page_table_body, the rows, page_table_end.
 */
void page_table(struct page *p, const char *caption);
void page_th(struct page *p, const char *de, const char *en, int numeric);
void page_table_body(struct page *p);
void page_table_end(struct page *p);

/*
 * A chart drawn by chart.c: charts/NAME.svg as an image of width × height
 * pixels with alt text, and a caption (both plain text) with a link to the
 * PNG copy.
 */
void page_figure(struct page *p, const char *name, unsigned width, unsigned height, const char *alt,
                 const char *caption);

#endif
