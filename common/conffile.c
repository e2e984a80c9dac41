/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * conffile.c — reads the --config file of conffile.h and merges its options
 * into the command line. Values are passed on as written; the program's own
 * option parser checks them (conffile_blame then names the line).
 */
#include "conffile.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const known_sections[] = { "collector", "report", NULL };

/* While reading one file. */
struct parser {
	const struct conffile_spec *spec;
	const unsigned char *given; /* per option of spec->options: set on the command line */
	struct conffile *cf;
	unsigned line;
	int in_section, in_own;
	char *err;
	size_t errlen;
};

static int in_list(const char *const *list, const char *s)
{
	for (; list != NULL && *list != NULL; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

/*
 * The option that name[0..len) stands for on a command line: the one with
 * exactly that name, else the only one it abbreviates (getopt_long's rule).
 * NULL when none or ambiguous; getopt_long then refuses it itself.
 */
static const struct option *resolve(const struct option *opts, const char *name, size_t len)
{
	const struct option *found = NULL;
	int n = 0;

	if (len == 0)
		return NULL;
	for (const struct option *o = opts; o->name != NULL; o++) {
		if (strncmp(o->name, name, len) != 0)
			continue;
		if (o->name[len] == '\0')
			return o;
		found = o;
		n++;
	}
	return n == 1 ? found : NULL;
}

/*
 * Marks in given (one byte per option) the options argv sets, and sets
 * *config to the value of --config (NULL when absent). Returns 0, or -1 when
 * --config is given twice.
 */
static int scan_command_line(int argc, char *const *argv, const struct option *opts, unsigned char *given,
                             const char **config)
{
	*config = NULL;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq;
		const struct option *o;

		if (strcmp(a, "--") == 0)
			break;
		if (strncmp(a, "--", 2) != 0)
			continue;
		eq = strchr(a + 2, '=');
		o = resolve(opts, a + 2, eq != NULL ? (size_t)(eq - a - 2) : strlen(a + 2));
		if (o == NULL)
			continue;
		given[o - opts] = 1;
		const char *value = eq != NULL ? eq + 1 : NULL;
		if (o->has_arg == required_argument && eq == NULL && i + 1 < argc)
			value = argv[++i];
		if (strcmp(o->name, "config") == 0 && value != NULL) {
			if (*config != NULL)
				return -1;
			*config = value;
		}
	}
	return 0;
}

static size_t count_options(const struct option *opts)
{
	size_t n = 0;

	while (opts[n].name != NULL)
		n++;
	return n;
}

int conffile_given(int argc, char *const *argv, const struct option *options, const char *name)
{
	unsigned char *given = calloc(count_options(options) + 1, 1);
	const char *config;
	const struct option *o = resolve(options, name, strlen(name));
	int rc;

	if (given == NULL)
		return 0;
	(void)scan_command_line(argc, argv, options, given, &config);
	rc = o != NULL && given[o - options];
	free(given);
	return rc;
}

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t' || end[-1] == '\r' || end[-1] == '\n'))
		end--;
	*end = '\0';
	return s;
}

/* Writes "FILE:LINE: message" to the parser's err and returns -1. */
__attribute__((format(printf, 2, 3)))
static int fail(struct parser *p, const char *fmt, ...)
{
	char msg[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	snprintf(p->err, p->errlen, "%s:%u: %s", p->cf->path, p->line, msg);
	return -1;
}

/* Appends the option text (a copy is kept) as coming from the current line. */
static int add(struct parser *p, const char *key, const char *value)
{
	struct conffile *cf = p->cf;
	size_t n = strlen(key) + (value ? strlen(value) + 1 : 0) + 3;
	char *s;

	if (cf->n_from_file == CONFFILE_MAX_ENTRIES)
		return fail(p, "more than %d settings", CONFFILE_MAX_ENTRIES);
	s = malloc(n);
	if (s == NULL)
		return fail(p, "out of memory");
	snprintf(s, n, value ? "--%s=%s" : "--%s", key, value);
	cf->from_file[cf->n_from_file] = s;
	cf->lines[cf->n_from_file] = p->line;
	cf->n_from_file++;
	return 0;
}

/* "[name]": a section header. */
static int parse_section(struct parser *p, char *s)
{
	size_t n = strlen(s);
	char *name;

	if (n < 2 || s[n - 1] != ']')
		return fail(p, "a section header is written [collector] or [report]");
	s[n - 1] = '\0';
	name = trim(s + 1);
	if (!in_list(known_sections, name))
		return fail(p, "unknown section [%.64s]; sections are [collector] and [report]", name);
	p->in_section = 1;
	p->in_own = strcmp(name, p->spec->section) == 0;
	return 0;
}

/* One line, without its line break. */
static int parse_line(struct parser *p, char *s)
{
	const struct option *o = NULL;
	char *eq, *key, *value;

	s = trim(s);
	if (*s == '\0' || *s == '#')
		return 0;
	if (*s == '[')
		return parse_section(p, s);
	/* A comment may also follow a value after white space. */
	for (char *c = strchr(s, '#'); c != NULL; c = strchr(c + 1, '#'))
		if (c[-1] == ' ' || c[-1] == '\t') {
			*c = '\0';
			break;
		}
	eq = strchr(s, '=');
	if (eq == NULL)
		return fail(p, "expected key = value, a [section] or a # comment");
	*eq = '\0';
	key = trim(s);
	value = trim(eq + 1);
	if (*key == '\0')
		return fail(p, "no key before '='");
	if (!p->in_section)
		return fail(p, "'%.64s' outside a section: put it under [collector] or [report]", key);
	if (!p->in_own)
		return 0;
	for (const struct option *q = p->spec->options; q->name != NULL; q++)
		if (strcmp(q->name, key) == 0)
			o = q;
	if (o == NULL)
		return fail(p, "unknown key '%.64s'; keys are the long options without --, see --help", key);
	if (strcmp(key, "config") == 0 || in_list(p->spec->not_in_file, key))
		return fail(p, "'%.64s' cannot be set in a configuration file", key);
	if (*value == '\0')
		return fail(p, "'%.64s' has no value", key);
	if (o->has_arg == no_argument && strcmp(value, "true") != 0 && strcmp(value, "false") != 0)
		return fail(p, "'%.64s' is a flag: its value is true or false", key);
	if ((p->spec->only != NULL && !in_list(p->spec->only, key)) || p->given[o - p->spec->options])
		return 0; /* not used in this mode, or the command line wins */
	if (o->has_arg == no_argument)
		return strcmp(value, "true") == 0 ? add(p, key, NULL) : 0;
	return add(p, key, value);
}

/* Reads path line by line into p. Returns 0 or -1 with p->err set. */
static int read_file(struct parser *p, const char *path)
{
	FILE *f = fopen(path, "r");
	char *line = NULL;
	size_t cap = 0, total = 0;
	ssize_t n;
	int rc = -1;

	if (f == NULL) {
		snprintf(p->err, p->errlen, "%s: cannot read: %s", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		p->line++;
		total += (size_t)n;
		if (total > CONFFILE_MAX_BYTES) {
			fail(p, "the file is larger than %d bytes", CONFFILE_MAX_BYTES);
			goto out;
		}
		if (n > CONFFILE_MAX_LINE) {
			fail(p, "line longer than %d bytes", CONFFILE_MAX_LINE);
			goto out;
		}
		if (memchr(line, '\0', (size_t)n) != NULL) {
			fail(p, "NUL byte in the line");
			goto out;
		}
		if (parse_line(p, line) != 0)
			goto out;
	}
	if (ferror(f)) {
		snprintf(p->err, p->errlen, "%s: cannot read: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	free(line);
	fclose(f);
	return rc;
}

int conffile_merge(int argc, char **argv, const struct conffile_spec *spec, struct conffile *cf,
                   char *err, size_t errlen)
{
	size_t nopt = count_options(spec->options);
	unsigned char *given = calloc(nopt + 1, 1);
	const char *path = NULL;
	int rc = -1, k = 0;

	memset(cf, 0, sizeof *cf);
	if (given == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	if (scan_command_line(argc, argv, spec->options, given, &path) != 0) {
		snprintf(err, errlen, "--config given twice");
		goto out;
	}
	if (path != NULL) {
		struct parser p = { .spec = spec, .given = given, .cf = cf, .err = err, .errlen = errlen };

		cf->path = strdup(path);
		cf->from_file = calloc(CONFFILE_MAX_ENTRIES, sizeof *cf->from_file);
		cf->lines = calloc(CONFFILE_MAX_ENTRIES, sizeof *cf->lines);
		if (cf->path == NULL || cf->from_file == NULL || cf->lines == NULL) {
			snprintf(err, errlen, "out of memory");
			goto out;
		}
		if (read_file(&p, path) != 0)
			goto out;
	}
	cf->argc = argc + (int)cf->n_from_file;
	cf->argv = calloc((size_t)cf->argc + 1, sizeof *cf->argv);
	if (cf->argv == NULL) {
		snprintf(err, errlen, "out of memory");
		goto out;
	}
	cf->argv[k++] = argv[0];
	for (size_t i = 0; i < cf->n_from_file; i++)
		cf->argv[k++] = cf->from_file[i];
	for (int i = 1; i < argc; i++)
		cf->argv[k++] = argv[i];
	rc = 0;
out:
	free(given);
	if (rc != 0)
		conffile_free(cf);
	return rc;
}

int conffile_where(const struct conffile *cf, int i, char *out, size_t outlen)
{
	if (cf == NULL || cf->argv == NULL || i < 0 || i >= cf->argc)
		return 0;
	for (size_t k = 0; k < cf->n_from_file; k++)
		if (cf->argv[i] == cf->from_file[k]) {
			snprintf(out, outlen, "%s:%u", cf->path, cf->lines[k]);
			return 1;
		}
	return 0;
}

void conffile_blame(const struct conffile *cf, int i, char *err, size_t errlen)
{
	char where[512], msg[512];

	if (!conffile_where(cf, i, where, sizeof where))
		return;
	snprintf(msg, sizeof msg, "%s", err);
	snprintf(err, errlen, "%s: %s", where, msg);
}

void conffile_free(struct conffile *cf)
{
	for (size_t k = 0; k < cf->n_from_file; k++)
		free(cf->from_file[k]);
	free(cf->from_file);
	free(cf->lines);
	free(cf->path);
	free(cf->argv);
	memset(cf, 0, sizeof *cf);
}
