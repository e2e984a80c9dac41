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
#include "tz.h"

extern char **environ;

#define LABEL_MAX 26
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

void chart_name_funnel(char *out, size_t outlen, const char *site, const char *service)
{
	char a[NAME_MAX_LEN + 1], b[NAME_MAX_LEN + 1];

	file_part(a, sizeof a, site);
	file_part(b, sizeof b, service);
	snprintf(out, outlen, "funnel-%s-%s", a, b);
}

void chart_name_site(char *out, size_t outlen, const char *kind, const char *site)
{
	char a[NAME_MAX_LEN + 1];

	file_part(a, sizeof a, site);
	snprintf(out, outlen, "%s-%s", kind, a);
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
 * Reduces a label to a safe set, at most LABEL_MAX bytes, never cutting
 * UTF-8; a cut label ends in "…" (the tables carry the full names). Longer
 * labels ran off the bottom of the funnel charts.
 */
static void safe_label(char *out, size_t outlen, const char *s)
{
	size_t o = 0, cap = outlen - 1 < LABEL_MAX ? outlen - 1 : LABEL_MAX;
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

struct script {
	FILE *f;
	int png;
	int lang_en;
	const char *png_font;
	const char *charts_dir;
	unsigned block;
};

static const char *L(const struct script *s, const char *de, const char *en)
{
	return s->lang_en ? en : de;
}

static void begin_chart(struct script *s, const char *name)
{
	char file[300];

	snprintf(file, sizeof file, "%s/%s.%s", s->charts_dir, name, s->png ? "png" : "svg");
	fputs("reset\n", s->f);
	if (s->png)
		fprintf(s->f, "set terminal png truecolor size 800,400 noenhanced font '%s,11' "
			      "background '#ffffff'\n",
			s->png_font);
	else
		fputs("set terminal svg size 800,400 noenhanced font 'sans,11' background '#ffffff'\n",
		      s->f);
	fputs("set output ", s->f);
	put_quoted(s->f, file);
	fputs("\nset datafile separator tab\nset border 3 lc rgb '#444444'\nset tics nomirror\n"
	      "set grid ytics lc rgb '#dddddd'\nset style fill solid 0.85 noborder\n",
	      s->f);
}

/* Ends the chart and moves on to the next data block. */
static void end_chart(struct script *s)
{
	fputs("set output\n", s->f);
	s->block++;
}

/* Closes the data block of a per-site chart of kind and begins the chart. */
static void begin_site_chart(struct script *s, const char *kind, const char *site)
{
	char name[256];

	fputs("EOD\n", s->f);
	chart_name_site(name, sizeof name, kind, site);
	begin_chart(s, name);
}

static void funnel_chart(struct script *s, const struct model_service *svc)
{
	char name[256];

	chart_name_funnel(name, sizeof name, svc->site, svc->service);
	fprintf(s->f, "$d%u << EOD\n", s->block);
	for (uint32_t k = 0; k <= svc->nsteps; k++) {
		char label[LABEL_MAX + 1];

		safe_label(label, sizeof label, svc->step_name[k] ? svc->step_name[k] : "");
		fprintf(s->f, "%u\t%u %s\t%.2f\n", k, k, label,
			svc->started ? 100.0 * svc->reached[k] / svc->started : 0.0);
	}
	fprintf(s->f, "%u\t%s\t%.2f\nEOD\n", svc->nsteps + 1, L(s, "Abschluss", "Completed"),
		svc->started ? 100.0 * svc->completed / svc->started : 0.0);
	begin_chart(s, name);
	/* libgd's character cell is lower than cairo's: one more line of margin for the labels. */
	fprintf(s->f, "set yrange [0:105]\nset ylabel '%s'\nset boxwidth 0.7\nunset key\n"
		      "set xtics rotate by -25\nset bmargin %d\n"
		      "plot $d%u using 1:3:xtic(2) with boxes lc rgb '#1f5fa8', "
		      "$d%u using 1:3:(sprintf('%%.0f %%%%', $3)) with labels offset 0,0.8 notitle\n",
		L(s, "Anteil der begonnenen Vorgänge (%)", "Share of started attempts (%)"),
		s->png ? 8 : 7, s->block, s->block);
	end_chart(s);
}

static void daily_chart(struct script *s, const struct model_result *r, const char *site)
{
	char date[11];
	int any = 0;

	for (size_t i = 0; i < r->ndays; i++) {
		if (strcmp(r->days[i].site, site) != 0)
			continue;
		if (!any)
			fprintf(s->f, "$d%u << EOD\n", s->block);
		any = 1;
		tz_format_day(r->days[i].day, date);
		fprintf(s->f, "%s\t%u\t%u\t%u\t%u\n", date, r->days[i].visits, r->days[i].started,
			r->days[i].completed, r->days[i].pageviews);
	}
	if (!any)
		return;
	begin_site_chart(s, "daily", site);
	fprintf(s->f, "set xdata time\nset timefmt '%%Y-%%m-%%d'\nset format x '%s'\n"
		      "set yrange [0:*]\nset key below horizontal\nset xtics rotate by -30\nset rmargin 5\n"
		      "plot $d%u using 1:%d with linespoints lw 2 pt 7 ps 0.5 lc rgb '#1f5fa8' title '%s', "
		      "$d%u using 1:3 with linespoints lw 2 dt 2 pt 5 ps 0.5 lc rgb '#b45309' title '%s', "
		      "$d%u using 1:4 with linespoints lw 2 dt 3 pt 9 ps 0.5 lc rgb '#15803d' title '%s'\n",
		s->lang_en ? "%m-%d" : "%d.%m.", s->block, r->any_keyed ? 2 : 5,
		r->any_keyed ? L(s, "Besuche", "Visits") : L(s, "Seitenaufrufe", "Page views"), s->block,
		L(s, "Begonnen", "Started"), s->block, L(s, "Abgeschlossen", "Completed"));
	end_chart(s);
}

static void devices_chart(struct script *s, const struct model_result *r, const char *site)
{
	unsigned n = 0;

	for (size_t i = 0; i < r->ndevices; i++) {
		const struct model_device *d = &r->devices[i];
		char label[LABEL_MAX + 1];
		double lo, hi;

		if (strcmp(d->site, site) != 0 || d->started == 0)
			continue;
		if (n == 0)
			fprintf(s->f, "$d%u << EOD\n", s->block);
		safe_label(label, sizeof label, d->device);
		double rate = metrics_completion(d->completed, d->started, &lo, &hi);

		fprintf(s->f, "%u\t%s (n=%u)\t%.2f\t%.2f\t%.2f\n", n, label, d->started, 100.0 * rate,
			100.0 * lo, 100.0 * hi);
		n++;
	}
	if (n == 0)
		return;
	begin_site_chart(s, "devices", site);
	fprintf(s->f, "set yrange [0:105]\nset xrange [-0.6:%u.6]\nset ylabel '%s'\nset boxwidth 0.6\nunset key\n"
		      "plot $d%u using 1:3:xtic(2) with boxes lc rgb '#1f5fa8', "
		      "$d%u using 1:3:4:5 with yerrorbars lc rgb '#111111' pt -1 lw 1.5\n",
		n - 1, L(s, "Abschlussquote (%), 95-%-Intervall", "Completion rate (%), 95 % interval"),
		s->block, s->block);
	end_chart(s);
}

static void times_chart(struct script *s, const struct model_result *r, const char *site)
{
	static const double upper[] = { 30, 60, 120, 300, 600, 1200, 1800, 3600, INFINITY };
	static const char *const label[] = { "< 30 s", "30-60 s", "1-2 min", "2-5 min", "5-10 min",
		"10-20 min", "20-30 min", "30-60 min", "> 60 min" };
	uint32_t bins[9] = { 0 }, total = 0;

	for (size_t i = 0; i < r->nservices; i++) {
		const struct model_service *svc = &r->services[i];

		if (strcmp(svc->site, site) != 0 || svc->times == NULL)
			continue;
		for (uint32_t k = 0; k < svc->completed; k++) {
			size_t b = 0;

			while (svc->times[k] >= upper[b] && b < 8)
				b++;
			bins[b]++;
			total++;
		}
	}
	if (total == 0)
		return;
	fprintf(s->f, "$d%u << EOD\n", s->block);
	for (int b = 0; b < 9; b++)
		fprintf(s->f, "%d\t%s\t%u\n", b, label[b], bins[b]);
	begin_site_chart(s, "times", site);
	fprintf(s->f, "set yrange [0:*]\nset ylabel '%s'\nset boxwidth 0.8\nunset key\nset xtics rotate by -25\n"
		      "plot $d%u using 1:3:xtic(2) with boxes lc rgb '#1f5fa8'\n",
		L(s, "Abgeschlossene Vorgänge", "Completed attempts"), s->block);
	end_chart(s);
}

static void ratings_chart(struct script *s, const struct model_result *r, const char *site)
{
	uint32_t counts[6] = { 0 }, total = 0;

	for (size_t i = 0; i < r->nfeedback; i++) {
		if (strcmp(r->feedback[i].site, site) != 0)
			continue;
		for (int k = 1; k <= 5; k++) {
			counts[k] += r->feedback[i].counts[k];
			total += r->feedback[i].counts[k];
		}
	}
	if (total == 0)
		return;
	fprintf(s->f, "$d%u << EOD\n", s->block);
	for (int k = 1; k <= 5; k++)
		fprintf(s->f, "%d\t%d\t%u\n", k, k, counts[k]);
	begin_site_chart(s, "ratings", site);
	fprintf(s->f, "set yrange [0:*]\nset xrange [0.4:5.6]\nset xlabel '%s'\nset ylabel '%s'\n"
		      "set boxwidth 0.7\nunset key\nplot $d%u using 1:3:xtic(2) with boxes lc rgb '#1f5fa8'\n",
		L(s, "Bewertung (1 = schlecht, 5 = sehr gut)", "Rating (1 = poor, 5 = very good)"),
		L(s, "Anzahl", "Count"), s->block);
	end_chart(s);
}

static int write_script(const char *path, const struct model_result *r, const char *charts_dir,
                        int png, int lang_en, char *err, size_t errlen)
{
	struct script s = { .png = png, .lang_en = lang_en, .charts_dir = charts_dir };

	s.png_font = access(PNG_FONT_FILE, R_OK) == 0 ? PNG_FONT_FILE : "sans";

	s.f = fopen(path, "w");
	if (s.f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -1;
	}
	fputs("set encoding utf8\n", s.f);
	for (size_t i = 0; i < r->nservices; i++) {
		if (r->services[i].started > 0)
			funnel_chart(&s, &r->services[i]);
	}
	for (size_t i = 0; i < r->nsites; i++) {
		daily_chart(&s, r, r->sites[i]);
		devices_chart(&s, r, r->sites[i]);
		times_chart(&s, r, r->sites[i]);
		ratings_chart(&s, r, r->sites[i]);
	}
	if (ferror(s.f) | fclose(s.f)) {
		snprintf(err, errlen, "%s: write failed", path);
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

struct chart_job {
	char dir[512];
	char paths[4][600]; /* svg.gp, png.gp, svg.log, png.log */
};

int chart_prepare(const struct model_result *r, const char *out_dir, int lang_en, struct chart_job **out,
                  char *err, size_t errlen)
{
	const char *tmp = getenv("TMPDIR");
	char charts[4096];
	struct chart_job *job;

	*out = NULL;
	if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 400)
		tmp = "/tmp";
	if (snprintf(charts, sizeof charts, "%s/charts", out_dir) >= (int)sizeof charts) {
		snprintf(err, errlen, "--out: path too long");
		return -1;
	}
	if (mkdir(charts, 0755) != 0 && errno != EEXIST) {
		snprintf(err, errlen, "%s: %s", charts, strerror(errno));
		return -1;
	}
	job = calloc(1, sizeof *job);
	if (job == NULL) {
		snprintf(err, errlen, "out of memory");
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
	if (write_script(job->paths[0], r, charts, 0, lang_en, err, errlen) != 0 ||
	    write_script(job->paths[1], r, charts, 1, lang_en, err, errlen) != 0) {
		chart_job_free(job);
		return -1;
	}
	*out = job;
	return 0;
}

int chart_draw(struct chart_job *job, enum chart_format format, char *err, size_t errlen)
{
	int i = format == CHART_PNG ? 1 : 0, st;
	struct timespec deadline;
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
	return 0;
}

void chart_job_free(struct chart_job *job)
{
	if (job == NULL)
		return;
	for (int i = 0; i < 4; i++)
		unlink(job->paths[i]);
	rmdir(job->dir);
	free(job);
}
