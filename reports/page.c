/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * page.c — the report's HTML writer; see page.h. One style sheet serves
 * every page: phone first (one column, tables in their own scroll box,
 * charts scaled to the width), wider screens get more columns, and print
 * gets a page header with the period and the date, page numbers, nothing
 * collapsed and no navigation. The sheet is inline: the report needs no
 * network and no second file.
 */
#include "page.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "metrics.h"
#include "words.h"

#define NBSP "&nbsp;"

static const char css[] =
	"*{box-sizing:border-box}"
	"body{font-family:system-ui,'Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a;background:#fff;"
	"margin:0 auto;max-width:64rem;padding:.75rem 1rem 2rem;line-height:1.5;overflow-wrap:break-word}"
	"h1{font-size:1.35rem;line-height:1.25;margin:.4rem 0}@media(min-width:48rem){h1{font-size:1.6rem}}"
	"h2{font-size:1.3rem;line-height:1.3;border-bottom:2px solid #1f5fa8;padding-bottom:.2rem;margin:2rem 0 .75rem}"
	"h3{font-size:1.1rem;margin:1.25rem 0 .4rem}"
	"a{color:#0b4f9c}"
	".meta{color:#333;margin:.2rem 0}.back{margin:0}"
	"nav ul{list-style:none;padding:0;margin:.6rem 0;display:flex;flex-wrap:wrap;gap:.2rem 1rem}"
	".scroll{overflow-x:auto;max-width:100%}.scroll:focus{outline:2px solid #0b4f9c}"
	"table{border-collapse:collapse;margin:.25rem 0 1rem;font-size:.95rem}"
	"caption{text-align:left;font-weight:600;padding:.3rem 0}"
	"th,td{border-bottom:1px solid #d0d0d0;padding:.3rem .5rem;text-align:left;vertical-align:top}"
	"thead th{border-bottom:2px solid #555;background:#f1f4f9;vertical-align:bottom}"
	".n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}th.n,.n .sub{white-space:normal}"
	"@media(max-width:30rem){th,td{padding:.3rem .3rem}}"
	".few{color:#8a3b00;font-style:italic;white-space:nowrap}"
	".ci,.sub{color:#444;font-size:.85em;font-weight:400}.sub{display:block}.rate{white-space:nowrap}"
	".worst{color:#a3200f;font-weight:600}"
	".bar{display:inline-block;position:relative;width:6rem;height:.8rem;background:#e3e7ee;"
	"vertical-align:middle;margin-right:.4rem}"
	".bar i{position:absolute;left:0;top:0;bottom:0;background:#1f5fa8}"
	".bar b{position:absolute;top:-.2rem;bottom:-.2rem;border-left:2px solid #111;border-right:2px solid #111}"
	".bar.few i{background:repeating-linear-gradient(45deg,#7f9cc4 0 3px,#e3e7ee 3px 6px)}"
	".kpi{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.6rem;margin:.75rem 0;padding:0}"
	"@media(min-width:48rem){.kpi{grid-template-columns:repeat(3,minmax(0,1fr))}}"
	".kpi>div{border:1px solid #c8c8c8;border-radius:.4rem;padding:.5rem .7rem}"
	".kpi dt{font-size:.9rem;color:#333}.kpi dd{margin:0}"
	".kpi .v{display:block;font-size:1.4rem;font-weight:650}"
	".kpi img{display:block;width:100%;max-width:12rem;height:auto;margin-top:.3rem}"
	".up{color:#0b5d1e}.down{color:#a3200f}"
	"ul.key{padding-left:1.1rem}.key li{margin:.35rem 0}"
	"ol.causes{padding-left:1.4rem}ol.causes>li{margin:.8rem 0}"
	"ol.causes p{margin:.15rem 0}"
	"figure{margin:1rem 0}.charts figure{margin:.5rem 0}figure img{display:block;max-width:100%;height:auto}"
	"figcaption{font-size:.9rem;color:#333}"
	".charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,24rem),1fr));gap:0 1.5rem}"
	"dl.gloss dt,dl.dir dt{font-weight:600;margin-top:.5rem}dl.gloss dd,dl.dir dd{margin:0}"
	"@media print{body{max-width:none;padding:0;font-size:10pt}nav,.noprint{display:none}"
	"a{color:inherit;text-decoration:none}.scroll{overflow:visible}h2,h3{break-after:avoid}"
	"tr,figure,.kpi>div,ol.causes>li{break-inside:avoid}thead{display:table-header-group}caption{break-after:avoid}"
	".charts{grid-template-columns:repeat(2,minmax(0,1fr))}"
	"*{print-color-adjust:exact;-webkit-print-color-adjust:exact}}";

const char *page_L(const struct page *p, const char *de, const char *en)
{
	return p->lang_en ? en : de;
}

void page_put(struct page *p, const char *s)
{
	fputs(s, p->f);
}

void page_p(struct page *p, const char *de, const char *en)
{
	fprintf(p->f, "<p>%s</p>\n", page_L(p, de, en));
}

void page_printf(struct page *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(p->f, fmt, ap);
	va_end(ap);
}

void page_esc(struct page *p, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", p->f); break;
		case '<': fputs("&lt;", p->f); break;
		case '>': fputs("&gt;", p->f); break;
		case '"': fputs("&quot;", p->f); break;
		case '\'': fputs("&#39;", p->f); break;
		default: fputc(*s, p->f);
		}
	}
}

/* Writes s as the inside of a CSS string in a <style> element: no quote, backslash or '<' gets through. */
static void css_string(struct page *p, const char *s)
{
	for (; s != NULL && *s; s++) {
		if (*s == '"' || *s == '\\' || *s == '<' || *s == '\n' || *s == '\r')
			fprintf(p->f, "\\%x ", (unsigned char)*s);
		else
			fputc(*s, p->f);
	}
}

/* Writes a number formatted by words.c, turning its no-break spaces into the entity. */
static void put_words(struct page *p, const char *s)
{
	if (s[0] == '\0') {
		fputs("–", p->f);
		return;
	}
	for (; *s; s++) {
		if ((unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) {
			fputs(NBSP, p->f);
			s++;
		} else {
			fputc(*s, p->f);
		}
	}
}

void page_int(struct page *p, uint64_t v)
{
	char buf[WORDS_NUM_MAX];

	words_int(buf, sizeof buf, v, p->lang_en);
	put_words(p, buf);
}

void page_num(struct page *p, double v, int decimals)
{
	char buf[WORDS_NUM_MAX];

	words_num(buf, sizeof buf, v, decimals, p->lang_en);
	put_words(p, buf);
}

void page_pct(struct page *p, double share, int decimals)
{
	char buf[WORDS_NUM_MAX];

	words_pct(buf, sizeof buf, share, decimals, p->lang_en);
	put_words(p, buf);
}

void page_duration(struct page *p, double s)
{
	char buf[WORDS_NUM_MAX];

	words_duration(buf, sizeof buf, s, p->lang_en);
	put_words(p, buf);
}

void page_few(struct page *p)
{
	fprintf(p->f, " <span class=\"few\">%s</span>", page_L(p, "wenige Daten", "little data"));
}

void page_rate(struct page *p, uint64_t x, uint64_t n)
{
	if (n == 0) {
		page_put(p, "–");
		return;
	}
	if (n < WORDS_FEW) {
		page_int(p, x);
		page_put(p, page_L(p, " von ", " of "));
		page_int(p, n);
		page_few(p);
		return;
	}
	page_pct(p, metrics_rate(x, n), 1);
}

void page_ci(struct page *p, uint64_t x, uint64_t n)
{
	double lo, hi;

	if (n < WORDS_FEW)
		return;
	metrics_completion(x, n, &lo, &hi);
	page_put(p, " <span class=\"ci sub\">95" NBSP "%: ");
	page_num(p, lo * 100.0, 1);
	page_put(p, "–");
	page_pct(p, hi, 1);
	page_put(p, "</span>");
}

void page_before(struct page *p)
{
	page_put(p, " <span class=\"sub change\">");
	page_put(p, page_L(p, "vorher ", "before "));
}

void page_change(struct page *p, uint64_t x, uint64_t n, uint64_t px, uint64_t pn, double p_value)
{
	double delta;

	page_before(p);
	if (pn == 0) {
		page_put(p, page_L(p, "nicht begonnen", "not started"));
		page_put(p, "</span>");
		return;
	}
	page_rate(p, px, pn);
	if (n > 0) {
		delta = 100.0 * (metrics_rate(x, n) - metrics_rate(px, pn));
		page_put(p, " · ");
		/* Colour only a significant change: one that may be chance is not good or bad news. */
		page_printf(p, "<span class=\"%s\">%s",
			    isnan(p_value) || p_value >= 0.05 ? "same" : delta > 0 ? "up" : "down",
			    delta > 0 ? "+" : delta < 0 ? "−" : "±");
		page_num(p, fabs(delta), 1);
		page_put(p, page_L(p, "&nbsp;Prozentpunkte</span>, ", "&nbsp;percentage points</span>, "));
		page_put(p, !isnan(p_value) && p_value < 0.05
				    ? page_L(p, "statistisch signifikant", "statistically significant")
				    : page_L(p, "nicht signifikant", "not significant"));
	}
	page_put(p, "</span>");
}

/* A percentage 0..100 for a style attribute, with a decimal point whatever the language. */
static double clamp_pct(double share)
{
	if (isnan(share) || share < 0)
		return 0;
	return share > 1 ? 100.0 : share * 100.0;
}

void page_bar(struct page *p, uint64_t x, uint64_t n)
{
	double lo, hi, rate;

	if (n == 0)
		return;
	rate = metrics_completion(x, n, &lo, &hi);
	fprintf(p->f, "<span class=\"bar%s\" aria-hidden=\"true\"><i style=\"width:%.1f%%\"></i>",
		n < WORDS_FEW ? " few" : "", clamp_pct(rate));
	if (n >= WORDS_FEW)
		fprintf(p->f, "<b style=\"left:%.1f%%;width:%.1f%%\"></b>", clamp_pct(lo),
			clamp_pct(hi) - clamp_pct(lo));
	page_put(p, "</span>");
}

void page_share_bar(struct page *p, double share)
{
	fprintf(p->f, "<span class=\"bar\" aria-hidden=\"true\"><i style=\"width:%.1f%%\"></i></span>",
		clamp_pct(share));
}

void page_kpi(struct page *p, const char *de, const char *en)
{
	fprintf(p->f, "<div><dt>%s</dt><dd><span class=\"v\">", page_L(p, de, en));
}

void page_kpi_end(struct page *p)
{
	page_put(p, "</dd></div>\n");
}

void page_kpi_rate(struct page *p, uint64_t x, uint64_t n)
{
	page_rate(p, x, n);
	page_put(p, "</span>");
	page_ci(p, x, n);
}

void page_kpi_time(struct page *p, double median_s, uint64_t n)
{
	page_duration(p, median_s);
	page_put(p, "</span>");
	if (n > 0 && n < WORDS_FEW)
		page_few(p);
}

void page_kpi_rating(struct page *p, double mean, uint64_t n, unsigned min_count)
{
	if (n == 0) {
		page_put(p, "–</span>");
	} else if (n < min_count) {
		fprintf(p->f, "</span><span class=\"few\">%s</span>",
			page_L(p, "zu wenige Bewertungen", "too few ratings"));
	} else {
		page_num(p, mean, 1);
		page_put(p, page_L(p, " von 5</span>", " of 5</span>"));
		if (n < WORDS_FEW)
			page_few(p);
	}
}

void page_section(struct page *p, const char *id, const char *title_de, const char *title_en)
{
	fprintf(p->f, "<section id=\"%s\" aria-labelledby=\"h-%s\">\n<h2 id=\"h-%s\">%s</h2>\n", id, id, id,
		page_L(p, title_de, title_en));
}

void page_section_end(struct page *p)
{
	page_put(p, "</section>\n");
}

void page_table(struct page *p, const char *caption)
{
	p->tables++;
	fprintf(p->f, "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"t%u\">\n"
		      "<table>\n<caption id=\"t%u\">",
		p->tables, p->tables);
	page_esc(p, caption);
	page_put(p, "</caption>\n<thead><tr>");
}

void page_th(struct page *p, const char *de, const char *en, int numeric)
{
	fprintf(p->f, "<th scope=\"col\"%s>%s</th>", numeric ? " class=\"n\"" : "", page_L(p, de, en));
}

void page_table_body(struct page *p)
{
	page_put(p, "</tr></thead>\n<tbody>\n");
}

void page_table_end(struct page *p)
{
	page_put(p, "</tbody>\n</table>\n</div>\n");
}

void page_figure(struct page *p, const char *name, unsigned width, unsigned height, const char *alt,
                 const char *caption)
{
	page_put(p, "<figure>\n<figcaption>");
	page_esc(p, caption);
	fprintf(p->f, " <a class=\"noprint\" href=\"%scharts/%s.png\">%s</a></figcaption>\n", p->root, name,
		page_L(p, "(als PNG-Bild)", "(as PNG image)"));
	fprintf(p->f, "<img src=\"%scharts/%s.svg\" width=\"%u\" height=\"%u\" alt=\"", p->root, name, width,
		height);
	page_esc(p, alt);
	page_put(p, "\">\n</figure>\n");
}

int page_open(struct page *p, const char *path, int lang_en, const char *root, const struct page_head *h,
              char *err, size_t errlen)
{
	memset(p, 0, sizeof *p);
	p->lang_en = lang_en;
	p->root = root;
	snprintf(p->path, sizeof p->path, "%s", path);
	p->f = fopen(path, "wb");
	if (p->f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fprintf(p->f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
		lang_en ? "en" : "de");
	page_esc(p, h->title);
	page_put(p, "</title>\n<style>");
	page_put(p, css);
	/* The print header and footer: Chromium and Firefox fill the page margin boxes. */
	page_put(p, "@page{size:A4;margin:17mm 13mm 15mm;@top-left{content:\"");
	css_string(p, page_L(p, "Lotse-Bericht · Zeitraum ", "Lotse report · period "));
	css_string(p, h->period);
	page_put(p, "\";font:8pt sans-serif;color:#444}@top-right{content:\"");
	css_string(p, page_L(p, "erstellt am ", "generated on "));
	css_string(p, h->generated);
	page_put(p, "\";font:8pt sans-serif;color:#444}@bottom-right{content:\"");
	css_string(p, page_L(p, "Seite ", "Page "));
	page_put(p, "\" counter(page) \"");
	css_string(p, page_L(p, " von ", " of "));
	page_put(p, "\" counter(pages);font:8pt sans-serif;color:#444}}");
	page_put(p, "</style>\n</head>\n<body>\n<header>\n");
	if (h->back)
		fprintf(p->f, "<p class=\"back noprint\"><a href=\"%sindex.html\">%s</a></p>\n", root,
			page_L(p, "← Zurück zur Übersicht", "← Back to the overview"));
	page_put(p, "<h1>");
	page_esc(p, h->title);
	page_put(p, "</h1>\n<p class=\"meta\">");
	page_put(p, page_L(p, "Zeitraum: ", "Period: "));
	page_esc(p, h->period);
	if (h->compare != NULL) {
		page_put(p, page_L(p, " · verglichen mit ", " · compared with "));
		page_esc(p, h->compare);
	}
	if (h->sites != NULL) {
		page_put(p, page_L(p, " · Portale: ", " · Sites: "));
		page_esc(p, h->sites);
	}
	page_put(p, page_L(p, " · erstellt am ", " · generated on "));
	page_esc(p, h->generated);
	page_put(p, "</p>\n</header>\n");
	return 0;
}

void page_main(struct page *p)
{
	page_put(p, "<main>\n");
}

int page_close(struct page *p, char *err, size_t errlen)
{
	int bad;

	page_put(p, "</main>\n<footer><p class=\"meta\">Lotse · EUPL-1.2</p></footer>\n</body>\n</html>\n");
	bad = ferror(p->f);
	if (fclose(p->f) != 0)
		bad = 1;
	p->f = NULL;
	if (bad) {
		snprintf(err, errlen, "%s: write failed", p->path);
		return -1;
	}
	return 0;
}
