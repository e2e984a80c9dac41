/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * main.c — lotse-report's command line: parses and checks the options, then
 * either prunes one database or runs the report (query → model → CSV,
 * charts, HTML). Exit 0 on success, 2 on usage errors, 1 on failure, each
 * with one line on stderr. It holds no report logic of its own.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "backup.h"
#include "catalog.h"
#include "catcheck.h"
#include "changes.h"
#include "chart.h"
#include "chprune.h"
#include "churl.h"
#include "conffile.h"
#include "csvfiles.h"
#include "event.h"
#include "html.h"
#include "labels.h"
#include "log.h"
#include "model.h"
#include "outdir.h"
#include "period.h"
#include "problems.h"
#include "prune.h"
#include "publish.h"
#include "query.h"
#include "source.h"
#include "tz.h"
#include "version.h"

#define EXIT_USAGE 2
#define MAX_MIN_COUNT 1000000

static const char usage_text[] =
	"usage: lotse-report --db PATH [--db PATH …] --out DIR\n"
	"                    [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--period P [--today D]]\n"
	"                    [--site ID] [--services FILE.csv] [--sites FILE.csv]\n"
	"                    [--fields FILE.csv] [--changes FILE.csv]\n"
	"                    [--compare-from D --compare-to D] [--no-compare]\n"
	"                    [--lang de|en] [--min-count K] [--csv excel|rfc4180]\n"
	"                    [--no-charts] [--quiet]\n"
	"       lotse-report --check-catalog --services FILE.csv --db PATH [--db PATH …]\n"
	"                    [--from D] [--to D] [--period P] [--site ID] [--lang de|en]\n"
	"       lotse-report --prune [--retain-days N] --db PATH\n"
	"       lotse-report --backup DEST --db PATH\n"
	"       lotse-report --publish DIR --period P [--site ID] … (instead of --out)\n"
	"       lotse-report --config FILE …   (the [report] section of FILE first;\n"
	"                    options given here win; see lotse.conf(5))\n"
	"       lotse-report --version\n"
	"\n"
	"--db is a SQLite file, or one clickhouse://HOST:PORT/DATABASE[?table=T&rejects=R&user=U]\n"
	"(the password from LOTSE_CLICKHOUSE_PASSWORD; docs/scale.md).\n"
	"Reads Lotse collector databases (read-only, one snapshot) and writes a report\n"
	"folder: index.html, charts/*.svg and *.png, and the CSV files of REPORT.md.\n"
	"Dates are local days in Europe/Berlin; --to is inclusive. --period P is\n"
	"last-week, last-month, last-28-days, YYYY-MM or YYYY-Www instead of --from/--to,\n"
	"counted back from today (or --today D), with the previous period of the same\n"
	"kind as comparison unless --compare-from/--to or --no-compare. --min-count K\n"
	"(default 5) folds search, page and link rows of fewer than K visits into\n"
	"\"(weitere)\". --csv defaults to excel with --lang de, rfc4180 with --lang en.\n"
	"--check-catalog prints which catalogue path patterns matched no pageview,\n"
	"which form-looking pages no pattern matches, and which pages several\n"
	"services or steps match; it writes no report.\n"
	"--prune deletes events and rejects older than N days (default 180), in small\n"
	"batches. --backup writes a consistent copy of a database that is in use.\n"
	"--publish DIR writes the report to DIR/FROM_TO/, replacing an earlier one of\n"
	"that period atomically, and points DIR/latest at it.\n"
	"Exit status: 0 success, 2 usage error, 1 failure.\n";

struct options {
	const char *db[QUERY_MAX_DB];
	size_t ndb;
	const char *out, *site, *services, *sites, *fields, *changes;
	const char *from_s, *to_s, *cfrom_s, *cto_s, *period_s, *today_s;
	char from_buf[11], to_buf[11], cfrom_buf[11], cto_buf[11]; /* dates a --period computed */
	int64_t from, to, cfrom, cto; /* local days; INT64_MIN/MAX = open */
	int lang_en, csv_set, no_charts, quiet, prune, compare, no_compare, check_catalog;
	enum csv_dialect csv;
	unsigned min_count;
	int retain_days;
	const char *backup;          /* --backup DEST, or NULL */
	const char *publish;         /* --publish DIR, or NULL */
};

/* The merged command line (conffile.h): owns the strings the options point into. */
static struct conffile config_file;

/*
 * Prints "msg" or "msg: arg" as a usage error, prefixed with "FILE:LINE: "
 * when the option being parsed came from the --config file, and returns the
 * usage exit status.
 */
static int usage_error(const char *msg, const char *arg)
{
	char where[600] = "";

	if (conffile_where(&config_file, optind - 1, where, sizeof where - 2))
		strcat(where, ": ");
	if (arg != NULL)
		log_msg("%s%s: %s (see --help)", where, msg, arg);
	else
		log_msg("%s%s (see --help)", where, msg);
	return EXIT_USAGE;
}

/* Whether the option getopt_long returned last came from the --config file. */
static int from_config_file(void)
{
	char where[8];

	return conffile_where(&config_file, optind - 1, where, sizeof where);
}

/* The keys a mode other than the report takes from the --config file (NULL: all). */
static const char *const *mode_keys(int argc, char **argv, const struct option *longopts)
{
	static const char *const prune_keys[] = { "db", "retain-days", NULL };
	static const char *const backup_keys[] = { "db", NULL };

	if (conffile_given(argc, argv, longopts, "prune"))
		return prune_keys;
	if (conffile_given(argc, argv, longopts, "backup"))
		return backup_keys;
	return NULL;
}

/* Merges the --config file's [report] section into the command line. Returns 0 or -1. */
static int merge_config(int *argc, char ***argv, const struct option *longopts)
{
	static const char *const not_in_file[] = { "prune", "backup", "help", "version", NULL };
	struct conffile_spec spec = { .options = longopts, .section = "report", .not_in_file = not_in_file };
	char err[600];

	spec.only = mode_keys(*argc, *argv, longopts);
	conffile_free(&config_file);
	if (conffile_merge(*argc, *argv, &spec, &config_file, err, sizeof err) != 0) {
		log_msg("%s", err);
		return -1;
	}
	*argc = config_file.argc;
	*argv = config_file.argv;
	return 0;
}

static int parse_uint(const char *s, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || end == s || *end != '\0' || v < 0 || v > max)
		return -1;
	*out = v;
	return 0;
}

/* Sets a day option from a computed day, with its text in buf. */
static void set_day(int64_t day, int64_t *out, char buf[11], const char **text)
{
	*out = day;
	tz_format_day(day, buf);
	*text = buf;
}

/*
 * Turns --period (and --today) into the period's days and, unless a
 * comparison was given or --no-compare, the previous period as comparison.
 * Returns 0 or the usage exit status.
 */
static int apply_period(struct options *o)
{
	struct period p;
	int64_t today;

	if (o->from_s || o->to_s)
		return usage_error("--period replaces --from and --to", NULL);
	if (o->today_s == NULL)
		today = tz_local_day((int64_t)time(NULL) * 1000);
	else if (tz_parse_date(o->today_s, &today) != 0)
		return usage_error("--today: not a date YYYY-MM-DD", o->today_s);
	if (period_parse(o->period_s, today, &p) != 0)
		return usage_error("--period: must be last-week, last-month, last-28-days, YYYY-MM or YYYY-Www",
				   o->period_s);
	set_day(p.from, &o->from, o->from_buf, &o->from_s);
	set_day(p.to, &o->to, o->to_buf, &o->to_s);
	if (!o->compare && !o->no_compare && !o->check_catalog) {
		set_day(p.prev_from, &o->cfrom, o->cfrom_buf, &o->cfrom_s);
		set_day(p.prev_to, &o->cto, o->cto_buf, &o->cto_s);
		o->compare = 1;
	}
	return 0;
}

/* Parses argv into *o. Returns 0, or an exit status after printing the reason. */
static int parse_args(int argc, char **argv, struct options *o, int *done)
{
	enum { O_DB = 256, O_OUT, O_FROM, O_TO, O_SITE, O_SERVICES, O_CFROM, O_CTO, O_LANG,
	       O_MIN, O_CSV, O_NOCHARTS, O_QUIET, O_PRUNE, O_RETAIN, O_CHECK, O_PERIOD, O_TODAY,
	       O_NOCOMPARE, O_SITES, O_FIELDS, O_CHANGES, O_HELP,
	       O_CONFIG, O_VERSION, O_BACKUP, O_PUBLISH };
	static const struct option longopts[] = {
		{ "db", required_argument, NULL, O_DB },
		{ "out", required_argument, NULL, O_OUT },
		{ "from", required_argument, NULL, O_FROM },
		{ "to", required_argument, NULL, O_TO },
		{ "site", required_argument, NULL, O_SITE },
		{ "services", required_argument, NULL, O_SERVICES },
		{ "compare-from", required_argument, NULL, O_CFROM },
		{ "compare-to", required_argument, NULL, O_CTO },
		{ "lang", required_argument, NULL, O_LANG },
		{ "min-count", required_argument, NULL, O_MIN },
		{ "csv", required_argument, NULL, O_CSV },
		{ "no-charts", no_argument, NULL, O_NOCHARTS },
		{ "quiet", no_argument, NULL, O_QUIET },
		{ "prune", no_argument, NULL, O_PRUNE },
		{ "retain-days", required_argument, NULL, O_RETAIN },
		{ "check-catalog", no_argument, NULL, O_CHECK },
		{ "period", required_argument, NULL, O_PERIOD },
		{ "today", required_argument, NULL, O_TODAY },
		{ "no-compare", no_argument, NULL, O_NOCOMPARE },
		{ "sites", required_argument, NULL, O_SITES },
		{ "fields", required_argument, NULL, O_FIELDS },
		{ "changes", required_argument, NULL, O_CHANGES },
		{ "help", no_argument, NULL, O_HELP },
		{ "config", required_argument, NULL, O_CONFIG },
		{ "version", no_argument, NULL, O_VERSION },
		{ "backup", required_argument, NULL, O_BACKUP },
		{ "publish", required_argument, NULL, O_PUBLISH },
		{ NULL, 0, NULL, 0 },
	};
	int c, retain_set = 0;
	long v;

	*done = 0;
	memset(o, 0, sizeof *o);
	o->min_count = 5;
	o->retain_days = PRUNE_DEFAULT_DAYS;
	if (merge_config(&argc, &argv, longopts) != 0)
		return EXIT_USAGE;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
		switch (c) {
		case O_DB:
			if (o->ndb == QUERY_MAX_DB)
				return usage_error("at most 10 --db", NULL);
			o->db[o->ndb++] = optarg;
			break;
		case O_OUT: o->out = optarg; break;
		case O_FROM: o->from_s = optarg; break;
		case O_TO: o->to_s = optarg; break;
		case O_CFROM: o->cfrom_s = optarg; break;
		case O_CTO: o->cto_s = optarg; break;
		case O_SERVICES: o->services = optarg; break;
		case O_SITE:
			if (!event_site_valid(optarg))
				return usage_error("--site: must be [a-z0-9-]{1,32}", NULL);
			o->site = optarg;
			break;
		case O_LANG:
			if (strcmp(optarg, "de") == 0)
				o->lang_en = 0;
			else if (strcmp(optarg, "en") == 0)
				o->lang_en = 1;
			else
				return usage_error("--lang: must be de or en", NULL);
			break;
		case O_MIN:
			if (parse_uint(optarg, MAX_MIN_COUNT, &v) != 0)
				return usage_error("--min-count: must be an integer 0..1000000", NULL);
			o->min_count = (unsigned)v;
			break;
		case O_CSV:
			o->csv_set = 1;
			if (strcmp(optarg, "excel") == 0)
				o->csv = CSV_EXCEL;
			else if (strcmp(optarg, "rfc4180") == 0)
				o->csv = CSV_RFC4180;
			else
				return usage_error("--csv: must be excel or rfc4180", NULL);
			break;
		case O_NOCHARTS: o->no_charts = 1; break;
		case O_QUIET: o->quiet = 1; break;
		case O_PRUNE: o->prune = 1; break;
		case O_CHECK: o->check_catalog = 1; break;
		case O_PERIOD: o->period_s = optarg; break;
		case O_TODAY: o->today_s = optarg; break;
		case O_NOCOMPARE: o->no_compare = 1; break;
		case O_SITES: o->sites = optarg; break;
		case O_FIELDS: o->fields = optarg; break;
		case O_CHANGES: o->changes = optarg; break;
		case O_RETAIN:
			if (parse_uint(optarg, PRUNE_MAX_DAYS, &v) != 0 || v < 1)
				return usage_error("--retain-days: must be an integer 1..36500", NULL);
			o->retain_days = (int)v;
			/* From the --config file it is the prune's setting, not an error of a report run. */
			retain_set = !from_config_file();
			break;
		case O_HELP:
			fputs(usage_text, stdout);
			*done = 1;
			return 0;
		case O_VERSION:
			printf("lotse-report %s\n", LOTSE_VERSION);
			*done = 1;
			return 0;
		case O_CONFIG:
			break; /* read by merge_config */
		case O_BACKUP: o->backup = optarg; break;
		case O_PUBLISH: o->publish = optarg; break;
		default:
			if (optopt != 0)
				return usage_error("option needs an argument or is unknown",
						   argv[optind - 1]);
			return usage_error("unknown option", argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error("unexpected argument", argv[optind]);
	if (o->ndb == 0)
		return usage_error("--db is required", NULL);
	if (o->ndb > 1 && source_any_clickhouse(o->db, o->ndb))
		return usage_error("a clickhouse:// --db is the only --db (several collectors write into one "
		                   "ClickHouse; a cluster is one Distributed table)", NULL);
	if (o->backup) {
		if (churl_is(o->db[0]))
			return usage_error("--backup copies a SQLite database; a ClickHouse database is backed up "
			                   "with ClickHouse's own means (docs/scale.md, \"Backup\")", o->db[0]);
		if (o->ndb != 1 || o->prune || retain_set || o->out || o->from_s || o->to_s || o->site ||
		    o->services || o->cfrom_s || o->cto_s || o->check_catalog || o->period_s || o->today_s ||
		    o->no_compare)
			return usage_error("--backup takes only one --db", NULL);
		return 0;
	}
	if (o->prune) {
		if (o->ndb != 1)
			return usage_error("--prune takes exactly one --db", NULL);
		if (o->out || o->from_s || o->to_s || o->site || o->services || o->cfrom_s || o->cto_s ||
		    o->check_catalog || o->period_s || o->today_s || o->no_compare || o->sites || o->fields ||
		    o->changes)
			return usage_error("--prune takes only --retain-days and --db", NULL);
		return 0;
	}
	if (retain_set)
		return usage_error("--retain-days only with --prune", NULL);
	if (o->check_catalog) {
		if (o->services == NULL)
			return usage_error("--check-catalog needs --services", NULL);
		if (o->out || o->cfrom_s || o->cto_s)
			return usage_error("--check-catalog writes no report: no --out or comparison", NULL);
	} else if (o->out == NULL && o->publish == NULL) {
		return usage_error("--out is required", NULL);
	}
	if (o->publish && (o->out || o->check_catalog))
		return usage_error("--publish replaces --out", NULL);
	o->from = INT64_MIN;
	o->to = INT64_MAX;
	if (o->from_s && tz_parse_date(o->from_s, &o->from) != 0)
		return usage_error("--from: not a date YYYY-MM-DD", o->from_s);
	if (o->to_s && tz_parse_date(o->to_s, &o->to) != 0)
		return usage_error("--to: not a date YYYY-MM-DD", o->to_s);
	if (o->from > o->to)
		return usage_error("--from is after --to", NULL);
	if ((o->cfrom_s == NULL) != (o->cto_s == NULL))
		return usage_error("--compare-from and --compare-to go together", NULL);
	if (o->cfrom_s) {
		if (o->no_compare)
			return usage_error("--no-compare contradicts --compare-from/--compare-to", NULL);
		if (tz_parse_date(o->cfrom_s, &o->cfrom) != 0)
			return usage_error("--compare-from: not a date YYYY-MM-DD", o->cfrom_s);
		if (tz_parse_date(o->cto_s, &o->cto) != 0)
			return usage_error("--compare-to: not a date YYYY-MM-DD", o->cto_s);
		if (o->cfrom > o->cto)
			return usage_error("--compare-from is after --compare-to", NULL);
		o->compare = 1;
	}
	if (o->today_s && o->period_s == NULL)
		return usage_error("--today only with --period", NULL);
	if (o->period_s) {
		int rc = apply_period(o);

		if (rc != 0)
			return rc;
	}
	if (o->publish && (o->from_s == NULL || o->to_s == NULL))
		return usage_error("--publish needs a period: --period, or --from and --to", NULL);
	if (!o->csv_set)
		o->csv = o->lang_en ? CSV_RFC4180 : CSV_EXCEL;
	return 0;
}

static int64_t period_start_ms(int64_t day)
{
	return day == INT64_MIN ? INT64_MIN : tz_day_start_ms(day);
}

static int64_t period_end_ms(int64_t day)
{
	return day == INT64_MAX ? INT64_MAX : tz_day_start_ms(day + 1);
}

/* Reads the period's days into m: the report's period, or the comparison's (source.h). */
static int read_period(struct source *src, const struct options *o, int64_t from, int64_t to,
                       struct model *m, int comparison, const char *what, char *err,
                       size_t errlen)
{
	return source_read(src, period_start_ms(from), period_end_ms(to), o->site, m, comparison, what, err,
	                   errlen);
}

static int run_prune(const struct options *o)
{
	char err[512], day[11];
	uint64_t ev, rj;
	int64_t cutoff_day;

	int (*run)(const char *, int, int64_t, uint64_t *, uint64_t *, int64_t *, char *, size_t) =
		churl_is(o->db[0]) ? chprune_run : prune_run;

	if (run(o->db[0], o->retain_days, (int64_t)time(NULL) * 1000, &ev, &rj, &cutoff_day, err, sizeof err) != 0) {
		log_msg("%s", err);
		return 1;
	}
	tz_format_day(cutoff_day, day);
	printf("pruned %llu events and %llu rejects before %s from %s\n", (unsigned long long)ev,
	       (unsigned long long)rj, day, o->db[0]);
	return 0;
}

static int run_backup(const struct options *o)
{
	struct backup_result r;
	char err[1024];

	if (backup_run(o->db[0], o->backup, &r, err, sizeof err) != 0) {
		log_msg("--backup: %s", err);
		return 1;
	}
	if (!o->quiet)
		printf("backup of %s written to %s: %.1f MiB, events up to id %lld, in %.1f s\n", o->db[0],
		       o->backup, (double)r.bytes / 1048576.0, (long long)r.events_max_id, r.seconds);
	return 0;
}

static int run_report(const struct options *o);

/* --publish DIR: the report into DIR/FROM_TO (replaced as a whole), then DIR/latest points at it. */
static int run_publish(struct options *o)
{
	char out[4200], name[PUBLISH_NAME_LEN], err[1024];
	int rc;

	snprintf(name, sizeof name, "%.10s_%.10s", o->from_s, o->to_s);
	snprintf(out, sizeof out, "%s/%s", o->publish, name);
	o->out = out;
	rc = run_report(o);
	o->out = NULL;
	if (rc != 0)
		return rc;
	if (publish_latest(o->publish, name, err, sizeof err) != 0) {
		log_msg("--publish: %s", err);
		return 1;
	}
	if (!o->quiet)
		printf("lotse-report: published as %s/%s (%s/latest)\n", o->publish, name, o->publish);
	return 0;
}

/* The files a report reads besides the databases: --services, --sites, --fields, --changes. */
struct inputs {
	struct catalog cat;
	struct labels labels;
	struct changes changes;
};

/* Loads the input files. Returns 0, or -1 after printing the reason (a usage error). */
static int inputs_load(struct inputs *in, const struct options *o)
{
	char err[1024];

	memset(in, 0, sizeof *in);
	if ((o->services && catalog_load(&in->cat, o->services, err, sizeof err) != 0) ||
	    (o->sites && labels_load_sites(&in->labels, o->sites, err, sizeof err) != 0) ||
	    (o->fields && labels_load_fields(&in->labels, o->fields, err, sizeof err) != 0) ||
	    (o->changes && changes_load(&in->changes, o->changes, err, sizeof err) != 0)) {
		log_msg("%s", err);
		return -1;
	}
	return 0;
}

static void inputs_free(struct inputs *in)
{
	catalog_free(&in->cat);
	labels_free(&in->labels);
	changes_free(&in->changes);
}

/*
 * Writes the report of m (its comparison attached) into a new folder that
 * replaces o->out when complete; frees m before gnuplot draws the PNGs
 * (*m_init cleared). Returns 0, or -1 with a reason in err.
 */
static int write_report(const struct options *o, struct model *m, int *m_init, char *err, size_t errlen)
{
	struct problem problems[PROBLEMS_MAX];
	size_t nproblems = 0;
	struct html_opts ho;
	struct chart_job *job = NULL;
	struct outdir od;
	char why[512];
	unsigned long long events = (unsigned long long)m->res.events;
	int rc = -1, png_failed = 0;

	problems_build(&m->res, problems, &nproblems);
	if (outdir_begin(&od, o->out, err, errlen) != 0)
		return -1;
	if (csvfiles_write(&m->res, problems, nproblems, o->csv, o->compare, o->changes != NULL, od.work, err,
			   errlen) != 0)
		goto out;
	if (!o->no_charts) {
		if (chart_prepare(&m->res, od.work, o->lang_en, &job, err, errlen) != 0 ||
		    chart_draw(job, CHART_SVG, err, errlen) != 0)
			goto out;
	}
	memset(&ho, 0, sizeof ho);
	ho.lang_en = o->lang_en;
	ho.compare = o->compare;
	ho.charts = job != NULL;
	ho.min_count = o->min_count;
	ho.from = o->from_s;
	ho.to = o->to_s;
	ho.prev_from = o->cfrom_s;
	ho.prev_to = o->cto_s;
	ho.ndb = o->ndb;
	if (html_write(&m->res, &ho, od.work, err, errlen) != 0)
		goto out;
	/* Counting and HTML are done: free the model before gnuplot draws the PNGs. */
	model_free(m);
	*m_init = 0;
	/* The report is complete without the PNG copies (for print and mail): it replaces the old one anyway. */
	png_failed = job != NULL && chart_draw(job, CHART_PNG, why, sizeof why) != 0;
	if (outdir_commit(&od, err, errlen) != 0)
		goto out;
	if (png_failed) {
		snprintf(err, errlen, "PNG charts: %s (%s/index.html and its SVG charts are written)", why, o->out);
		goto out;
	}
	if (!o->quiet)
		printf("lotse-report: %llu events; report written to %s/index.html\n", events, o->out);
	rc = 0;
out:
	chart_job_free(job);
	outdir_abort(&od);
	return rc;
}

static int run_report(const struct options *o)
{
	struct inputs in;
	struct source src;
	struct model m, prev;
	struct model_config cfg, prev_cfg;
	char err[1024];
	int rc = 1, prev_init = 0, m_init = 0;

	memset(&src, 0, sizeof src);
	if (inputs_load(&in, o) != 0) {
		inputs_free(&in);
		return EXIT_USAGE;
	}
	memset(&cfg, 0, sizeof cfg);
	cfg.cat = o->services ? &in.cat : NULL;
	cfg.labels = &in.labels;
	cfg.changes = o->changes ? &in.changes : NULL;
	cfg.min_count = o->min_count;
	cfg.check_catalog = o->check_catalog;
	cfg.period_to = o->to;
	if (model_init(&m, &cfg) != 0) {
		snprintf(err, sizeof err, "out of memory");
		goto fail;
	}
	m_init = 1;
	if (source_open(&src, o->db, o->ndb, isatty(2) && !o->quiet, err, sizeof err) != 0)
		goto fail;
	if (read_period(&src, o, o->from, o->to, &m, 0, "period", err, sizeof err) != 0)
		goto fail;
	if (o->compare) {
		/* The comparison needs only its services' counts. */
		prev_cfg = cfg;
		prev_cfg.changes = NULL;
		prev_cfg.check_catalog = 0;
		prev_cfg.period_to = o->cto;
		if (model_init(&prev, &prev_cfg) != 0) {
			snprintf(err, sizeof err, "out of memory");
			goto fail;
		}
		prev_init = 1;
		if (read_period(&src, o, o->cfrom, o->cto, &prev, 1, "comparison", err, sizeof err) != 0)
			goto fail;
	}
	source_close(&src);
	if (model_finish(&m) != 0 || (o->compare && model_finish(&prev) != 0)) {
		snprintf(err, sizeof err, "out of memory while finishing the report");
		goto fail;
	}
	if (o->check_catalog) {
		if (catcheck_print(stdout, &m.res, &in.cat, o->services, o->lang_en) != 0) {
			snprintf(err, sizeof err, "writing the catalogue check failed");
			goto fail;
		}
		rc = 0;
		goto out;
	}
	if (o->compare) {
		/* The comparison period's model is read only here: free it before the charts and the HTML. */
		model_attach_previous(&m, &prev);
		model_free(&prev);
		prev_init = 0;
	}
	if (write_report(o, &m, &m_init, err, sizeof err) != 0)
		goto fail;
	rc = 0;
	goto out;
fail:
	log_msg("%s", err);
out:
	source_close(&src);
	if (prev_init)
		model_free(&prev);
	if (m_init)
		model_free(&m);
	inputs_free(&in);
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	int done, rc;

	log_set_program("lotse-report");
	rc = parse_args(argc, argv, &o, &done);
	if (rc == 0 && !done)
		rc = o.backup ? run_backup(&o) : o.prune ? run_prune(&o) : o.publish ? run_publish(&o) : run_report(&o);
	conffile_free(&config_file);
	return rc;
}
