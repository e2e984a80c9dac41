/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * config.h — the collector's command line: every option, its default and its
 * check. Parsing only: nothing is opened, bound or started here.
 */
#ifndef LOTSE_CONFIG_H
#define LOTSE_CONFIG_H

#include <stddef.h>
#include <sys/socket.h>

#include "proxy.h"

struct config {
	struct sockaddr_storage listen;
	char listen_text[128];
	const char *db;              /* default "lotse.db" */
	const char *sites;           /* NULL: every site and origin */
	size_t max_body;             /* default 16 KiB */
	unsigned rate_limit;         /* requests/s per address, default 50, 0 off */
	int visit_key;               /* 1: daily (default), 0: off */
	struct proxy_nets trust_proxy; /* --trust-proxy networks; none: X-Forwarded-For is ignored */
	int durability_full;         /* default 1 */
	unsigned threads;            /* default: number of CPUs */
	const char *import;          /* NULL: serve; "-": standard input */
	const char *import_db;       /* --import-db: a Lotse SQLite database to copy into --db; NULL: serve */
	unsigned max_connections;    /* default 8192 */
	unsigned max_connections_per_ip; /* default 64, 0 off */
	unsigned timeout_s;          /* default 15 */
	size_t queue;                /* events the write queue holds, default 16384 */
	const char *user;            /* drop privileges to this user after opening; NULL: stay */
	unsigned request_timeout_s;  /* a request must arrive whole within this, default 10 */
	unsigned long long min_free; /* /healthz 503 below these free bytes, default 64 MiB, 0 off */
	const char *runtime_dir;     /* the day's salt lives here; default $RUNTIME_DIRECTORY, NULL: none */
};

enum config_result { CONFIG_OK, CONFIG_EXIT_0, CONFIG_USAGE };

/*
 * Parses argv into cfg. CONFIG_EXIT_0: --help or --version was printed to
 * stdout. CONFIG_USAGE: err holds a one-line reason (exit 2).
 */
enum config_result config_parse(int argc, char **argv, struct config *cfg, char *err, size_t errlen);

/* Parses "ADDR:PORT" ("127.0.0.1:8080", "[::1]:8080") into cfg. Returns 0 or -1. */
int config_parse_listen(const char *text, struct config *cfg);

#endif
