/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * chart.c — writes two gnuplot scripts (one for SVG, one for PNG) into a
 * private temporary directory, with every chart's data as an inline data
 * block; then runs gnuplot on one of them at a time through posix_spawnp
 * with a timeout. The caller draws the SVGs, writes the HTML that embeds
 * them, frees its model and only then has the PNGs drawn, so that the run
 * never holds the model and a 20 MiB gnuplot, or two gnuplots, at once. Labels that came from beacons are reduced to letters, digits,
 * spaces and a few punctuation marks before they reach a data block, and a
 * data block is never executed, so nothing a visitor sent can become a
 * gnuplot command. Output paths are single-quoted gnuplot strings.
 *
 * The PNGs come from gnuplot's libgd terminal ("png truecolor"), not from
 * pngcairo. The report's peak memory is that of its largest child, and
 * pngcairo pulls in the pages of cairo, pango, harfbuzz and fontconfig:
 * about 23.5 MiB for the demo's charts, 21 MiB even for one trivial plot,
 * against about 20 MiB for libgd with a font file named by path (which
 * skips fontconfig) and 16 MiB for the SVG terminal. libgd draws text
 * antialiased with the same DejaVu Sans, bars and colours look the same;
 * its lines are not antialiased and it has no dash patterns, so in the PNG
 * the daily chart's series differ by colour and point shape only. The SVG
 * terminal is unaffected. When the font file is missing, libgd asks
 * fontconfig for "sans" instead.
 */
#include "chart.h"

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <math.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "metrics.h"
#include "trend.h"
#include "tz.h"
#include "words.h"

extern char **environ;

#define LABEL_MAX 26
#define CHART_SVG_MAX (4u << 20)
#define CHART_SPARK_MAX_DAYS 3660
#define NAME_MAX_LEN 100
#define PNG_FONT_FILE "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"

/* Copies s into out keeping [a-z0-9._-]; anything else becomes '_'. */
static void file_part(char *out, size_t outlen, const char *s)
{
	size_t o = 0;

	for (; *s && o + 1 < outlen && o < NAME_MAX_LEN; s++) {
		char c = *s;
		int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
			 c == '_';
		out[o++] = ok ? c : '_';
	}
	out[o] = '\0';
}

void chart_name_service(char *out, size_t outlen, const char *kind, const char *site, const char *service)
{
	char a[NAME_MAX_LEN + 1], b[NAME_MAX_LEN + 1];

	file_part(a, sizeof a, site);
	file_part(b, sizeof b, service);
	snprintf(out, outlen, "%s_%s_%s", kind, a, b);
}

/* The first n bytes of s without a UTF-8 sequence the cut at n left incomplete. */
static size_t utf8_whole(const char *s, size_t n)
{
	size_t lead = n;

	while (lead > 0 && ((unsigned char)s[lead - 1] & 0xC0) == 0x80)
		lead--;
	if (lead == 0)
		return n;
	unsigned char c = (unsigned char)s[lead - 1];
	size_t need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;

	return n - (lead - 1) >= need ? n : lead - 1;
}

/*
 * Reduces a label to a safe set, at most outlen - 1 bytes, never cutting
 * UTF-8; a cut label ends in "…" (the tables carry the full names). Longer
 * labels ran off the bottom of the funnel charts.
 */
static void safe_label(char *out, size_t outlen, const char *s)
{
	size_t o = 0, cap = outlen - 1;
	const unsigned char *p = (const unsigned char *)s;

	for (; *p && o < cap; p++) {
		unsigned char c = *p;
		int ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
			 c >= 0x80 || strchr(" .,-/()", c) != NULL;
		out[o++] = ok ? (char)c : ' ';
	}
	if (*p != '\0' && cap >= 4) {
		o = utf8_whole(out, cap - 3); /* room for the ellipsis */
		while (o > 0 && out[o - 1] == ' ')
			o--;
		memcpy(out + o, "\xE2\x80\xA6", 3);
		o += 3;
	} else {
		o = utf8_whole(out, o);
	}
	out[o] = '\0';
}

/* Writes s as a single-quoted gnuplot string. */
static void put_quoted(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputc('\'', f);
		if (*s != '\n' && *s != '\r')
			fputc(*s, f);
	}
	fputc('\'', f);
}

/* A chart of the job: its file stem and the title its SVG gets (plain text). */
struct chart_entry {
	char name[CHART_NAME_MAX];
	char title[200];
};

struct script {
	FILE *f;
	int png;
	int lang_en;
	const char *png_font;
	const char *charts_dir;
	unsigned block;
	struct chart_job *job;    /* charts are listed here (SVG script only) */
	unsigned *change_numbers; /* of r->changes (trend_change_numbers) */
	int failed;               /* out of memory while listing */
};

struct chart_job {
	char dir[512];
	char paths[4][600]; /* svg.gp, png.gp, svg.log, png.log */
	char charts_dir[4096];
	struct chart_entry *charts;
	size_t ncharts, cap;
};

static const char *L(const struct script *s, const char *de, const char *en)
{
	return s->lang_en ? en : de;
}

/* Lists the chart for the title fix after drawing (SVG pass only). */
static void list_chart(struct script *s, const char *name, const char *title)
{
	struct chart_job *j = s->job;

	if (s->png)
		return;
	if (j->ncharts == j->cap) {
		size_t nc = j->cap ? j->cap * 2 : 16;
		struct chart_entry *e = realloc(j->charts, nc * sizeof *e);

		if (e == NULL) {
			s->failed = 1;
			return;
		}
		j->charts = e;
		j->cap = nc;
	}
	snprintf(j->charts[j->ncharts].name, sizeof j->charts[0].name, "%s", name);
	snprintf(j->charts[j->ncharts].title, sizeof j->charts[0].title, "%s", title);
	j->ncharts++;
}

/*
 * Starts a chart of width × height pixels (SVG user units; the PNG has the
 * same size) into charts/NAME.svg or .png, with the report's defaults. The
 * text is 12 px in a chart about 440 px wide, so that it stays readable
 * when a phone shows the chart at about 360 px.
 */
static void begin_chart(struct script *s, const char *name, const char *title, unsigned width, unsigned height)
{
	char file[4400];

	list_chart(s, name, title);
	snprintf(file, sizeof file, "%s/%s.%s", s->charts_dir, name, s->png ? "png" : "svg");
	fputs("reset\n", s->f);
	if (s->png)
		fprintf(s->f, "set terminal png truecolor size %u,%u noenhanced font '%s,10' background '#ffffff'\n",
			width, height, s->png_font);
	else
		fprintf(s->f, "set terminal svg size %u,%u noenhanced font 'sans,12' background '#ffffff'\n", width,
			height);
	fputs("set output ", s->f);
	put_quoted(s->f, file);
	fputs("\nset datafile separator tab\nset border 3 lc rgb '#444444'\nset tics nomirror\n"
	      "set style fill solid 0.85 noborder\nunset key\n",
	      s->f);
}

/* Ends the chart and moves on to the next data block. */
static void end_chart(struct script *s)
{
	fputs("set output\n", s->f);
	s->block++;
}

/* ---- the regional comparison ------------------------------------------------ */

/*
 * The regional chart in rows: for every service key started on two sites
 * or more (trend_services' order), a heading and its sites, highest rate
 * first (metrics_regions). Calls head(ctx, s, y) for a heading and
 * row(ctx, region, y) for a site, if not NULL; y grows downwards, a site
 * one unit below the one before, a heading one and a half. Returns the
 * number of rows (headings and sites), 0 when there is no such service,
 * -1 when out of memory; *last is the last y.
 */
static long regions_layout(const struct model_result *r, void *ctx,
                           void (*head)(void *, const struct model_service *, double),
                           void (*row)(void *, const struct metrics_region *, double), double *last)
{
	const struct model_service **keys = malloc((r->nservices + 1) * sizeof *keys);
	struct metrics_region *sites = malloc((r->nsites + 1) * sizeof *sites);
	size_t nkeys;
	long rows = -1;
	double y = -1.5;

	if (keys == NULL || sites == NULL)
		goto out;
	rows = 0;
	nkeys = trend_services(r, keys, r->nservices);
	for (size_t k = 0; k < nkeys; k++) {
		size_t n = metrics_regions(r, keys[k]->service, sites, r->nsites), started = 0;

		while (started < n && sites[started].s->started > 0)
			started++; /* those without a start come last */
		if (started < 2)
			continue;
		y += 1.5;
		if (head != NULL)
			head(ctx, keys[k], y);
		rows++;
		for (size_t i = 0; i < started; i++) {
			y += 1;
			if (row != NULL)
				row(ctx, &sites[i], y);
			rows++;
		}
	}
	*last = y;
out:
	free(keys);
	free(sites);
	return rows;
}

#define REGIONS_ROW_PX 16
#define REGIONS_EXTRA_PX 60

unsigned chart_regions_height(const struct model_result *r)
{
	double last = 0;
	long rows = regions_layout(r, NULL, NULL, NULL, &last);

	return rows <= 0 ? 0 : (unsigned)((last + 1.5) * REGIONS_ROW_PX + REGIONS_EXTRA_PX);
}

struct regions_ctx {
	FILE *f;
	int few;
};

static void regions_row(void *ctx, const struct metrics_region *g, double y)
{
	struct regions_ctx *c = ctx;
	char label[LABEL_MAX + 1];

	if ((g->s->started < WORDS_FEW) != c->few)
		return;
	safe_label(label, sizeof label, g->s->site_name);
	fprintf(c->f, "%.1f\t%s\t%.2f\t%.2f\t%.2f\n", y, label, 100 * g->rate, 100 * g->ci_low, 100 * g->ci_high);
}

static void regions_head(void *ctx, const struct model_service *s, double y)
{
	struct regions_ctx *c = ctx;
	char label[2 * LABEL_MAX + 1];

	safe_label(label, sizeof label, s->name);
	fprintf(c->f, "%.1f\t%s\n", y, label);
}

/*
 * One row per service and site: the completion rate as a point with its
 * 95 % interval, hollow below WORDS_FEW started; the service's name above
 * its sites, the best site first.
 */
static void regions_chart(struct script *s, const struct model_result *r)
{
	struct regions_ctx c = { .f = s->f };
	double last = 0;
	long rows = regions_layout(r, NULL, NULL, NULL, &last);

	if (rows < 0)
		s->failed = 1;
	if (rows <= 0)
		return;
	for (c.few = 0; c.few < 2; c.few++) {
		fprintf(s->f, "$d%u_%d << EOD\n", s->block, c.few);
		regions_layout(r, &c, NULL, regions_row, &last);
		/* A data block may not be empty: a row outside the range. */
		fprintf(s->f, "-10\t\t0\t0\t0\nEOD\n");
	}
	fprintf(s->f, "$d%u_h << EOD\n", s->block);
	regions_layout(r, &c, regions_head, NULL, &last);
	fputs("EOD\n", s->f);
	begin_chart(s, "regions",
		    L(s, "Abschlussquote je Dienst und Portal mit 95-%-Intervall",
		      "Completion rate by service and site with 95 % interval"),
		    CHART_WIDTH, chart_regions_height(r));
	fprintf(s->f, "set yrange [%.1f:-0.7]\nset xrange [0:100]\nset xtics 0,20,100 format '%%g %%%%'\n"
		      "set ytics scale 0\nset grid xtics lc rgb '#dddddd'\nset border 1 lc rgb '#444444'\n"
		      "set bmargin 2.5\nset tmargin 0.5\nset rmargin 3\n"
		      "plot $d%u_0 using 3:1:4:5:ytic(2) with xerrorbars pt 7 ps 1 lw 1.5 lc rgb '#1f5fa8', "
		      "$d%u_1 using 3:1:4:5:ytic(2) with xerrorbars pt 6 ps 1 lw 1.5 lc rgb '#1f5fa8', "
		      "$d%u_h using (0):1:2 with labels left tc rgb '#1a1a1a'\n",
		last + 0.6, s->block, s->block, s->block);
	end_chart(s);
}

/* ---- sparklines ------------------------------------------------------------ */

/*
 * A small line of the daily values of what (1 visits, 2 started), summed
 * over the sites; quiet days count as 0.
 */
static void spark_chart(struct script *s, const struct model_result *r, int what, const char *name,
                        const char *title)
{
	int64_t first = INT64_MAX, last = INT64_MIN;
	uint64_t *sum;

	for (size_t i = 0; i < r->ndays; i++) {
		first = r->days[i].day < first ? r->days[i].day : first;
		last = r->days[i].day > last ? r->days[i].day : last;
	}
	if (r->ndays == 0 || last - first > CHART_SPARK_MAX_DAYS)
		return;
	sum = calloc((size_t)(last - first + 1), sizeof *sum);
	if (sum == NULL) {
		s->failed = 1;
		return;
	}
	for (size_t i = 0; i < r->ndays; i++)
		sum[r->days[i].day - first] += what == 1 ? r->days[i].visits : r->days[i].started;
	fprintf(s->f, "$d%u << EOD\n", s->block);
	for (int64_t d = 0; d <= last - first; d++)
		fprintf(s->f, "%lld\t%llu\n", (long long)d, (unsigned long long)sum[d]);
	fputs("EOD\n", s->f);
	free(sum);
	begin_chart(s, name, title, CHART_SPARK_WIDTH, CHART_SPARK_HEIGHT);
	fputs("unset border\nunset tics\nset lmargin at screen 0.02\nset rmargin at screen 0.98\n"
	      "set tmargin at screen 0.94\nset bmargin at screen 0.06\nset yrange [0:*]\n", s->f);
	fprintf(s->f, "plot $d%u using 1:2 with lines lw 2 lc rgb '#1f5fa8'\n", s->block);
	end_chart(s);
}

/* ---- weekly completion rates ----------------------------------------------- */

/*
 * The weekly completion rate of site and service (site NULL: summed over
 * the sites; both NULL: everything) with its 95 % band; weeks not complete
 * in the data on grey, weeks from fewer than WORDS_FEW started as hollow
 * points, and the changes of --changes that concern it as dashed vertical
 * lines with their numbers. small: a sparkline without axes.
 */
static void weekly_chart(struct script *s, const struct model_result *r, const char *site, const char *service,
                         const char *name, const char *title, unsigned height, int small)
{
	struct trend_week w[TREND_MAX_WEEKS];
	size_t n = trend_weeks(r, site, service, w, TREND_MAX_WEEKS);
	const struct change *drawn = NULL;
	unsigned naxis, step;
	int64_t first;
	char week[16];

	trend_axis(r, &first, &naxis);
	if (n == 0)
		return;
	fprintf(s->f, "$d%u << EOD\n", s->block);
	for (size_t k = 0; k < n; k++) {
		double lo, hi, rate = metrics_completion(w[k].completed, w[k].started, &lo, &hi);

		fprintf(s->f, "%u\t%.2f\t%.2f\t%.2f\t%d\n", w[k].x, 100 * rate, 100 * lo, 100 * hi,
			w[k].started < WORDS_FEW);
	}
	fputs("EOD\n", s->f);
	begin_chart(s, name, title, small ? CHART_SPARK_WIDTH : CHART_WIDTH, height);
	fprintf(s->f, "set xrange [-0.5:%u.5]\nset yrange [0:%d]\n", naxis - 1, small ? 100 : 108);
	if (small) {
		fputs("unset border\nunset tics\nset lmargin at screen 0.02\nset rmargin at screen 0.98\n"
		      "set tmargin at screen 0.94\nset bmargin at screen 0.06\n", s->f);
	} else {
		/* At most about eight week names fit the axis. */
		step = (naxis + 7) / 8;
		fputs("set ytics 0,20,100 format '%g %%'\nset grid ytics lc rgb '#dddddd'\nset xtics (", s->f);
		for (unsigned x = 0; x < naxis; x += step) {
			trend_week_name(week, sizeof week, first + 7 * (int64_t)x, s->lang_en);
			fprintf(s->f, "%s'%s' %u", x ? ", " : "", week, x);
		}
		fputs(") scale 0\nset bmargin 2.5\nset tmargin 1.2\nset rmargin 2\n", s->f);
		for (size_t k = 0; k < n; k++) {
			if (!w[k].complete)
				fprintf(s->f, "set object rect from %.1f,graph 0 to %.1f,graph 1 fc rgb '#e8e8e8' "
					      "fs solid 1.0 noborder behind\n",
					w[k].x - 0.5, w[k].x + 0.5);
		}
		/* The changes of this service (on this site): one line each, numbered as on the pages. */
		for (size_t i = 0; i < r->nchanges && service != NULL; i++) {
			const struct change_row *c = &r->changes[i];
			double x = trend_day_x(c->change->day, first);

			/* A change for "*" has a row per site: one line for all of them. */
			if (strcmp(c->service, service) != 0 || (site != NULL && strcmp(c->site, site) != 0) ||
			    x < -0.5 || x > naxis - 0.5 || c->change == drawn)
				continue;
			drawn = c->change;
			fprintf(s->f, "set arrow from %.3f,0 to %.3f,100 nohead dt 2 lw 1.5 lc rgb '#a3200f' front\n"
				      "set label '%u' at %.3f,104 center tc rgb '#a3200f' front\n",
				x, x, s->change_numbers[i], x);
		}
	}
	fprintf(s->f, "plot $d%u using 1:3:4 with filledcurves fc rgb '#1f5fa8' fs transparent solid 0.2 noborder, "
		      "$d%u using 1:2 with lines lw 2 lc rgb '#1f5fa8'",
		s->block, s->block);
	if (!small)
		fprintf(s->f, ", $d%u using 1:($5 == 0 ? $2 : 1/0) with points pt 7 ps 0.9 lc rgb '#1f5fa8', "
			      "$d%u using 1:($5 == 1 ? $2 : 1/0) with points pt 6 ps 0.9 lc rgb '#1f5fa8'",
			s->block, s->block);
	fputs("\n", s->f);
	end_chart(s);
}

/* The weekly chart of every service and site, and of every service key over the sites (index.html). */
static void weekly_charts(struct script *s, const struct model_result *r)
{
	const struct model_service **keys = malloc((r->nservices + 1) * sizeof *keys);
	char name[CHART_NAME_MAX], title[400];
	size_t nkeys;

	if (keys == NULL) {
		s->failed = 1;
		return;
	}
	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *v = &r->services[i];

		chart_name_service(name, sizeof name, "weekly", v->site, v->service);
		snprintf(title, sizeof title, "%s: %s (%s)", L(s, "Abschlussquote je Woche", "Completion rate by week"),
			 v->name, v->site_name);
		weekly_chart(s, r, v->site, v->service, name, title, CHART_WEEKLY_HEIGHT, 0);
	}
	nkeys = trend_services(r, keys, r->nservices);
	for (size_t i = 0; i < nkeys; i++) {
		chart_name_service(name, sizeof name, "trend", "all", keys[i]->service);
		snprintf(title, sizeof title, "%s: %s", L(s, "Abschlussquote je Woche", "Completion rate by week"),
			 keys[i]->name);
		weekly_chart(s, r, NULL, keys[i]->service, name, title, CHART_TREND_HEIGHT, 0);
	}
	free(keys);
	weekly_chart(s, r, NULL, NULL, "spark-rate", L(s, "Abschlussquote je Woche", "Completion rate by week"),
		     CHART_SPARK_HEIGHT, 1);
}

static int write_script(const char *path, const struct model_result *r, struct chart_job *job, int png,
                        int lang_en, char *err, size_t errlen)
{
	struct script s = { .png = png, .lang_en = lang_en, .charts_dir = job->charts_dir, .job = job };

	s.png_font = access(PNG_FONT_FILE, R_OK) == 0 ? PNG_FONT_FILE : "sans";

	s.f = fopen(path, "w");
	if (s.f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fputs("set encoding utf8\n", s.f);
	if (r->any_keyed)
		spark_chart(&s, r, 1, "spark-visits", L(&s, "Besuche je Tag", "Visits per day"));
	spark_chart(&s, r, 2, "spark-started", L(&s, "Begonnene Vorgänge je Tag", "Attempts started per day"));
	regions_chart(&s, r);
	s.change_numbers = calloc(r->nchanges + 1, sizeof *s.change_numbers);
	if (s.change_numbers != NULL) {
		trend_change_numbers(r, s.change_numbers);
		weekly_charts(&s, r);
	} else {
		s.failed = 1;
	}
	free(s.change_numbers);
	if (ferror(s.f) | fclose(s.f)) {
		snprintf(err, errlen, "%s: write failed", path);
		return -1;
	}
	if (s.failed) {
		snprintf(err, errlen, "out of memory while preparing the charts");
		return -1;
	}
	return 0;
}

/* Starts gnuplot on script with its output in log. Returns 0 and *pid, or -1. */
static int spawn_gnuplot(const char *script, const char *log, pid_t *pid, char *err, size_t errlen)
{
	posix_spawn_file_actions_t fa;
	char *argv[] = { (char *)"gnuplot", (char *)script, NULL };
	int rc;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", 0, 0);
	posix_spawn_file_actions_addopen(&fa, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	posix_spawn_file_actions_adddup2(&fa, 1, 2);
	rc = posix_spawnp(pid, "gnuplot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (rc == ENOENT) {
		snprintf(err, errlen,
			 "gnuplot not found: install it (Debian: gnuplot-nox) or run with --no-charts");
		return -1;
	}
	if (rc != 0) {
		snprintf(err, errlen, "cannot start gnuplot: %s", strerror(rc));
		return -1;
	}
	return 0;
}

/* Waits for pid until deadline; kills it when late. Returns its exit status or -1. */
static int wait_with_timeout(pid_t pid, const struct timespec *deadline)
{
	for (;;) {
		int status;
		pid_t w = waitpid(pid, &status, WNOHANG);
		struct timespec now, nap = { 0, 20 * 1000 * 1000 };

		if (w == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
		if (w < 0 && errno != EINTR)
			return -1;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec > deadline->tv_sec) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -2;
		}
		nanosleep(&nap, NULL);
	}
}

/* Copies the first line of the log into err after prefix. */
static void log_reason(const char *log, const char *prefix, char *err, size_t errlen)
{
	char line[300] = "";
	FILE *f = fopen(log, "r");

	if (f != NULL) {
		while (fgets(line, sizeof line, f) != NULL) {
			line[strcspn(line, "\r\n")] = '\0';
			if (line[0] != '\0' && strspn(line, " ^") != strlen(line))
				break;
		}
		fclose(f);
	}
	snprintf(err, errlen, "%s%s", prefix, line[0] ? line : "see gnuplot's output");
}

/*
 * Gives the pages of freed memory back to the system before gnuplot starts:
 * glibc keeps what was freed (several MiB after a large database) mapped,
 * and it would count twice while gnuplot runs.
 */
static void release_free_memory(void)
{
#ifdef __GLIBC__
	malloc_trim(0);
#endif
}

int chart_prepare(const struct model_result *r, const char *out_dir, int lang_en, struct chart_job **out,
                  char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	struct chart_job *job;

	*out = NULL;
	if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 400)
		tmp = "/tmp";
	job = calloc(1, sizeof *job);
	if (job == NULL) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	if (snprintf(job->charts_dir, sizeof job->charts_dir, "%s/charts", out_dir) >= (int)sizeof job->charts_dir) {
		snprintf(err, errlen, "--out: path too long");
		free(job);
		return -1;
	}
	if (mkdir(job->charts_dir, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", job->charts_dir, strerror(errno));
		free(job);
		return -1;
	}
	snprintf(job->dir, sizeof job->dir, "%s/lotse-chart-XXXXXX", tmp);
	if (mkdtemp(job->dir) == NULL) {
		snprintf(err, errlen, "%s: %s", job->dir, strerror(errno));
		free(job);
		return -1;
	}
	snprintf(job->paths[0], sizeof job->paths[0], "%s/svg.gp", job->dir);
	snprintf(job->paths[1], sizeof job->paths[1], "%s/png.gp", job->dir);
	snprintf(job->paths[2], sizeof job->paths[2], "%s/svg.log", job->dir);
	snprintf(job->paths[3], sizeof job->paths[3], "%s/png.log", job->dir);
	if (write_script(job->paths[0], r, job, 0, lang_en, err, errlen) != 0 ||
	    write_script(job->paths[1], r, job, 1, lang_en, err, errlen) != 0) {
		chart_job_free(job);
		return -1;
	}
	*out = job;
	return 0;
}

/* Writes s XML-escaped. */
static void put_xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '<')
			fputs("&lt;", f);
		else if (*s == '>')
			fputs("&gt;", f);
		else if (*s == '&')
			fputs("&amp;", f);
		else
			fputc(*s, f);
	}
}

/*
 * Rewrites an SVG gnuplot drew: its <title>Gnuplot</title>, the <desc> and
 * the title of every plot (which browsers show as tooltips: "Gnuplot",
 * "gnuplot_plot_1") go; the chart's own title comes right after the <svg>
 * start tag. Returns 0, or -1 with err set.
 */
static const char *const cut_tags[] = { "title", "desc" };

static int fix_svg(const char *path, const char *title, char *err, size_t errlen)
{
	char tmp[4420], *buf = NULL, *p, *end;
	FILE *f = NULL;
	size_t n;
	int rc = -1;

	snprintf(tmp, sizeof tmp, "%s.tmp", path);
	f = fopen(path, "rb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	buf = malloc(CHART_SVG_MAX + 1);
	if (buf == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	n = fread(buf, 1, CHART_SVG_MAX + 1, f);
	fclose(f);
	f = NULL;
	if (n > CHART_SVG_MAX) {
		snprintf(err, errlen, "%s: larger than %u bytes", path, CHART_SVG_MAX);
		goto out;
	}
	buf[n] = '\0';
	/* Cut every <title>…</title> and <desc>…</desc> out of buf, in place. */
	for (size_t t = 0; t < sizeof cut_tags / sizeof cut_tags[0]; t++) {
		char open[16], close[16];

		snprintf(open, sizeof open, "<%s>", cut_tags[t]);
		snprintf(close, sizeof close, "</%s>", cut_tags[t]);
		for (p = strstr(buf, open); p != NULL; p = strstr(p, open)) {
			end = strstr(p, close);
			if (end == NULL)
				break;
			end += strlen(close);
			memmove(p, end, strlen(end) + 1);
		}
	}
	p = strstr(buf, "<svg");
	end = p != NULL ? strchr(p, '>') : NULL;
	if (end == NULL) {
		snprintf(err, errlen, "%s: not an SVG file", path);
		goto out;
	}
	f = fopen(tmp, "wb");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", tmp, strerror(errno));
		goto out;
	}
	fwrite(buf, 1, (size_t)(end + 1 - buf), f);
	fputs("\n<title>", f);
	put_xml(f, title);
	fputs("</title>", f);
	fputs(end + 1, f);
	if (ferror(f) | fclose(f)) {
		f = NULL;
		snprintf(err, errlen, "%s: write failed", tmp);
		goto out;
	}
	f = NULL;
	if (rename(tmp, path) != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f != NULL)
		fclose(f);
	if (rc != 0)
		unlink(tmp);
	free(buf);
	return rc;
}

int chart_draw(struct chart_job *job, enum chart_format format, char *err, size_t errlen)
{
	int i = format == CHART_PNG ? 1 : 0, st;
	struct timespec deadline;
	char path[4400];
	pid_t pid;

	release_free_memory();
	clock_gettime(CLOCK_MONOTONIC, &deadline);
	deadline.tv_sec += CHART_TIMEOUT_S;
	if (spawn_gnuplot(job->paths[i], job->paths[2 + i], &pid, err, errlen) != 0)
		return -1;
	st = wait_with_timeout(pid, &deadline);
	if (st == -2) {
		snprintf(err, errlen, "gnuplot took longer than %d s and was stopped", CHART_TIMEOUT_S);
		return -1;
	}
	if (st != 0) {
		log_reason(job->paths[2 + i], "gnuplot failed: ", err, errlen);
		return -1;
	}
	for (size_t k = 0; format == CHART_SVG && k < job->ncharts; k++) {
		snprintf(path, sizeof path, "%s/%s.svg", job->charts_dir, job->charts[k].name);
		if (fix_svg(path, job->charts[k].title, err, errlen) != 0)
			return -1;
	}
	return 0;
}

void chart_job_free(struct chart_job *job)
{
	if (job == NULL)
		return;
	for (int i = 0; i < 4; i++)
		unlink(job->paths[i]);
	rmdir(job->dir);
	free(job->charts);
	free(job);
}
