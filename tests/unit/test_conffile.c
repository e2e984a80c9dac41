/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_conffile.c — unit tests of common/conffile.c: the file's options come
 * before the command line's, the command line wins, the other program's
 * section is ignored, and every refusal names the file and the line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "../test.h"

static const struct option opts[] = {
	{ "listen", required_argument, NULL, 1 },
	{ "db", required_argument, NULL, 2 },
	{ "quiet", no_argument, NULL, 3 },
	{ "verbose", no_argument, NULL, 4 },
	{ "import", required_argument, NULL, 5 },
	{ "config", required_argument, NULL, 6 },
	{ "retain-days", required_argument, NULL, 7 },
	{ NULL, 0, NULL, 0 },
};
static const char *const not_in_file[] = { "import", NULL };
static char path[64];

/* Writes text to the test's configuration file. */
static void write_conf(const char *text)
{
	FILE *f = fopen(path, "w");

	if (f == NULL)
		return;
	fputs(text, f);
	fclose(f);
}

/* Merges a command line of n arguments with the file; returns conffile_merge's result. */
static int merge(struct conffile *cf, const char *section, const char *const *only, char *err, size_t errlen,
                 int n, ...)
{
	struct conffile_spec spec = { .options = opts, .section = section, .not_in_file = not_in_file, .only = only };
	char *argv[16];
	va_list ap;

	argv[0] = (char *)"prog";
	va_start(ap, n);
	for (int i = 0; i < n; i++)
		argv[i + 1] = va_arg(ap, char *);
	va_end(ap);
	argv[n + 1] = NULL;
	err[0] = '\0';
	return conffile_merge(n + 1, argv, &spec, cf, err, errlen);
}

static void test_file_first_command_line_wins(void)
{
	struct conffile cf;
	char err[300], where[300];

	write_conf("# comment\n\n[collector]\nlisten = 127.0.0.1:9000  # trailing comment\n"
	           "db = /var/lib/lotse/lotse.db\nquiet = true\nverbose = false\n"
	           "[report]\nretain-days = 90\nnot-checked-here = 1\n");
	CHECK_INT(merge(&cf, "collector", NULL, err, sizeof err, 4, "--config", path, "--db", "x.db"), 0);
	CHECK_INT(cf.argc, 7);
	CHECK_STR(cf.argv[0], "prog");
	CHECK_STR(cf.argv[1], "--listen=127.0.0.1:9000");
	CHECK_STR(cf.argv[2], "--quiet");
	CHECK_STR(cf.argv[3], "--config");
	CHECK_STR(cf.argv[5], "--db");
	CHECK_STR(cf.argv[6], "x.db");
	CHECK(cf.argv[7] == NULL);
	CHECK_INT(conffile_where(&cf, 1, where, sizeof where), 1);
	CHECK(strstr(where, ":4") != NULL);
	CHECK_INT(conffile_where(&cf, 2, where, sizeof where), 1);
	CHECK(strstr(where, ":6") != NULL);
	CHECK_INT(conffile_where(&cf, 3, where, sizeof where), 0);
	snprintf(err, sizeof err, "--listen: bad");
	conffile_blame(&cf, 1, err, sizeof err);
	CHECK(strncmp(err, path, strlen(path)) == 0 && strstr(err, ":4: --listen: bad") != NULL);
	conffile_free(&cf);

	/* An abbreviated option on the command line wins too. */
	char config_arg[100];
	snprintf(config_arg, sizeof config_arg, "--conf=%s", path);
	CHECK_INT(merge(&cf, "collector", NULL, err, sizeof err, 3, config_arg, "--lis=1", "--q"), 0);
	CHECK_INT(cf.argc, 5);
	CHECK_STR(cf.argv[1], "--db=/var/lib/lotse/lotse.db");
	CHECK_STR(cf.argv[2], config_arg);
	conffile_free(&cf);
}

static void test_sections_and_modes(void)
{
	static const char *const only[] = { "retain-days", NULL };
	struct conffile cf;
	char err[300];

	write_conf("[report]\nretain-days = 90\ndb = a.db\ndb = b.db\n[collector]\nlisten = x\n");
	CHECK_INT(merge(&cf, "report", NULL, err, sizeof err, 2, "--config", path), 0);
	CHECK_INT(cf.argc, 6);
	CHECK_STR(cf.argv[1], "--retain-days=90");
	CHECK_STR(cf.argv[2], "--db=a.db");
	CHECK_STR(cf.argv[3], "--db=b.db");
	conffile_free(&cf);
	CHECK_INT(merge(&cf, "report", only, err, sizeof err, 2, "--config", path), 0);
	CHECK_INT(cf.argc, 4);
	CHECK_STR(cf.argv[1], "--retain-days=90");
	conffile_free(&cf);
	/* Without --config: the command line as it is. */
	CHECK_INT(merge(&cf, "report", NULL, err, sizeof err, 2, "--db", "--config"), 0);
	CHECK_INT(cf.argc, 3);
	CHECK_STR(cf.argv[2], "--config");
	conffile_free(&cf);
}

/* The file text must be refused with a message naming the file and the line and holding what. */
static void refused(const char *text, const char *line, const char *what)
{
	struct conffile cf;
	char err[300], want[120];

	write_conf(text);
	CHECK_INT(merge(&cf, "collector", NULL, err, sizeof err, 2, "--config", path), -1);
	snprintf(want, sizeof want, "%s:%s: ", path, line);
	if (strncmp(err, want, strlen(want)) != 0 || strstr(err, what) == NULL) {
		printf("  refusal of %s: got \"%s\", want \"%s…%s\"\n", text, err, want, what);
		CHECK(0);
	}
	CHECK(cf.argv == NULL);
	conffile_free(&cf);
}

static void test_refusals(void)
{
	struct conffile cf;
	char err[300];

	refused("[collector]\nlistn = 1\n", "2", "unknown key 'listn'");
	refused("listen = 1\n", "1", "outside a section");
	refused("[collector]\n\n[reports]\n", "3", "unknown section [reports]");
	refused("[collector\n", "1", "section header");
	refused("[collector]\nlisten\n", "2", "expected key = value");
	refused("[collector]\n= 1\n", "2", "no key");
	refused("[collector]\nlisten =\n", "2", "has no value");
	refused("[collector]\nquiet = yes\n", "2", "true or false");
	refused("[collector]\nimport = x\n", "2", "cannot be set");
	refused("[collector]\nconfig = x\n", "2", "cannot be set");
	refused("[report]\nfoo bar\n", "2", "expected key = value");
	CHECK_INT(merge(&cf, "collector", NULL, err, sizeof err, 2, "--config", "/nonexistent/lotse.conf"), -1);
	CHECK(strstr(err, "/nonexistent/lotse.conf: cannot read") == err);
	write_conf("[collector]\n");
	CHECK_INT(merge(&cf, "collector", NULL, err, sizeof err, 4, "--config", path, "--config", path), -1);
	CHECK(strstr(err, "twice") != NULL);
}

static void test_given(void)
{
	char *argv[] = { (char *)"prog", (char *)"--db", (char *)"--prune", (char *)"--pr", NULL };

	CHECK_INT(conffile_given(4, argv, opts, "db"), 1);
	CHECK_INT(conffile_given(3, argv, opts, "quiet"), 0);
	/* "--prune" is --db's value; "--pr" abbreviates nothing known here. */
	CHECK_INT(conffile_given(4, argv, opts, "retain-days"), 0);
}

int main(void)
{
	char dir[] = "/tmp/lotse-conffile-XXXXXX";

	if (mkdtemp(dir) == NULL)
		return 1;
	snprintf(path, sizeof path, "%s/lotse.conf", dir);
	RUN(test_file_first_command_line_wins);
	RUN(test_sections_and_modes);
	RUN(test_refusals);
	RUN(test_given);
	unlink(path);
	rmdir(dir);
	return test_summary("test_conffile");
}
