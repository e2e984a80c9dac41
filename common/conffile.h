/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * conffile.h — the configuration file both programs read with --config FILE
 * (lotse.conf(5)): lines "key = value", "#" comments, sections [collector]
 * and [report]. It does not interpret values: it turns the lines of the
 * program's own section into long options ("--key=value", "--flag") placed
 * before the command line's, so that each program's own option parser checks
 * them and the command line wins. The other program's section is only read
 * for its syntax.
 */
#ifndef LOTSE_CONFFILE_H
#define LOTSE_CONFFILE_H

#include <getopt.h>
#include <stddef.h>

/* Limits of a configuration file. */
#define CONFFILE_MAX_BYTES (1 << 20)
#define CONFFILE_MAX_LINE 4096
#define CONFFILE_MAX_ENTRIES 256

/* What one program takes from the file. */
struct conffile_spec {
	const struct option *options;   /* the program's getopt_long table, ended by a NULL name */
	const char *section;            /* "collector" or "report" */
	const char *const *not_in_file; /* options a file may not set (modes, --help …); NULL-terminated */
	const char *const *only;        /* NULL, or the only keys taken (the others are checked, then ignored) */
};

/*
 * The merged command line: argv[0], the file's options, then argv[1..]
 * unchanged; argv[argc] is NULL. Owns everything it points to.
 */
struct conffile {
	int argc;
	char **argv;
	char *path;           /* the --config file, NULL without one */
	char **from_file;     /* the elements of argv that came from the file … */
	unsigned *lines;      /* … and their line numbers */
	size_t n_from_file;
};

/*
 * Builds cf from argv: without --config a copy of argv; with --config FILE
 * (given once) FILE's options of spec->section, except those the command line
 * also gives, come first. Returns 0, or -1 with "FILE:LINE: reason" (or
 * "FILE: reason") in err for an unreadable file, a syntax error, an unknown
 * section, a key outside a section, a key that is not an option of the
 * program or that a file may not set, and a flag whose value is not true or
 * false — a usage error (exit 2). On failure cf holds nothing; in either case
 * conffile_free(cf) is safe.
 */
int conffile_merge(int argc, char **argv, const struct conffile_spec *spec, struct conffile *cf,
                   char *err, size_t errlen);

/*
 * Whether cf->argv[i] came from the file: then writes "FILE:LINE" to out and
 * returns 1, else returns 0. cf may be NULL.
 */
int conffile_where(const struct conffile *cf, int i, char *out, size_t outlen);

/*
 * Prefixes the message in err with "FILE:LINE: " when cf->argv[i] came from
 * the file (the option the program's parser refused at index i).
 */
void conffile_blame(const struct conffile *cf, int i, char *err, size_t errlen);

/*
 * Whether the long option name (a full name of options) is given in argv,
 * also abbreviated or as --name=value, before any "--". A value following an
 * option that takes one is not read as an option.
 */
int conffile_given(int argc, char *const *argv, const struct option *options, const char *name);

/* Frees what cf holds and empties it; safe on an empty or failed cf. */
void conffile_free(struct conffile *cf);

#endif
