/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * main.c — lotse-collector's entry point: reads the command line, acquires
 * what it needs (database, listening socket), then restricts itself (--user),
 * serves until SIGTERM/SIGINT, and shuts down without losing a queued event.
 * Signals are taken synchronously with sigwait() on this thread; no code
 * runs in a signal handler. Also runs --import instead of serving.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "importer.h"
#include "log.h"
#include "metrics.h"
#include "ratelimit.h"
#include "server.h"
#include "sites.h"
#include "store.h"
#include "visitkey.h"
#include "writer.h"

#define EXIT_USAGE 2
#define SHUTDOWN_WAIT_MS 10000

/* The signals main's thread takes with sigwait(): stop (TERM, INT) and re-read the sites (HUP). */
static void handled_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
}

static int load_sites(const struct config *cfg, struct sites **out)
{
	char err[512];

	*out = NULL;
	if (cfg->sites == NULL) {
		log_msg("warning: no --sites file: every well-formed site id and every origin is accepted");
		return 0;
	}
	if (sites_load(cfg->sites, out, err, sizeof err) != 0) {
		log_msg("%s", err);
		return -1;
	}
	return 0;
}

/*
 * Loads --sites and opens --db. Returns EXIT_SUCCESS with both set (sites may
 * be NULL), or the exit status to end with, having freed what it made.
 */
static int open_inputs(const struct config *cfg, struct sites **sites, struct store **store)
{
	char err[512];

	*store = NULL;
	if (load_sites(cfg, sites) != 0)
		return EXIT_USAGE;
	if (store_open(cfg->db, cfg->durability_full, store, err, sizeof err) != 0) {
		log_msg("%s", err);
		sites_free(*sites);
		*sites = NULL;
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
}

static int run_import(const struct config *cfg)
{
	struct sites *sites = NULL;
	struct store *store = NULL;
	struct import_counts counts;
	char err[512];
	int rc = open_inputs(cfg, &sites, &store);

	if (rc != EXIT_SUCCESS)
		return rc;
	rc = EXIT_FAILURE;
	if (importer_run(cfg->import, store, sites, cfg->visit_key, &counts, err, sizeof err) != 0) {
		log_msg("import failed: %s", err);
		goto out;
	}
	printf("imported %llu, rejected %llu\n", (unsigned long long)counts.imported,
	       (unsigned long long)counts.rejected);
	if (counts.bots > 0)
		printf("not stored: %llu events from bots\n", (unsigned long long)counts.bots);
	rc = EXIT_SUCCESS;
out:
	store_close(store);
	sites_free(sites);
	return rc;
}

/* Hands the database files to user, then becomes that user for good. */
static int drop_privileges(const char *user, const char *db)
{
	struct passwd *pw = getpwnam(user);
	char path[4096];
	static const char *const suffixes[] = { "", "-wal", "-shm" };

	if (pw == NULL) {
		log_msg("--user: no user '%s'", user);
		return -1;
	}
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof path, "%s%s", db, suffixes[i]);
		if (chown(path, pw->pw_uid, pw->pw_gid) != 0 && errno != ENOENT) {
			log_msg("--user: cannot hand %s to %s: %s", path, user, strerror(errno));
			return -1;
		}
	}
	if (setgroups(0, NULL) != 0 || setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
		log_msg("--user: cannot become %s: %s", user, strerror(errno));
		return -1;
	}
	if (setuid(0) == 0) {
		log_msg("--user: privileges could not be dropped");
		return -1;
	}
	return 0;
}

static int serve(const struct config *cfg)
{
	struct sites *sites = NULL;
	struct store *store = NULL;
	struct metrics *metrics = NULL;
	struct ratelimit *rl = NULL;
	struct visitkey *vk = NULL;
	struct writer *writer = NULL;
	struct server *srv = NULL;
	sigset_t set;
	char err[512];
	int rc = open_inputs(cfg, &sites, &store);

	if (rc != EXIT_SUCCESS)
		return rc;
	rc = EXIT_FAILURE;
	metrics = metrics_new();
	if (metrics == NULL || ratelimit_new(cfg->rate_limit, &rl) != 0 ||
	    (cfg->visit_key && visitkey_new(1, &vk) != 0)) {
		log_msg("out of memory");
		goto out;
	}
	if (writer_start(store, cfg->queue, metrics, &writer) != 0) {
		log_msg("cannot start the writer thread");
		goto out;
	}
	store = NULL; /* the writer owns it now */

	struct server_config scfg = {
		.addr = cfg->listen,
		.threads = cfg->threads,
		.max_body = cfg->max_body,
		.max_connections = cfg->max_connections,
		.max_connections_per_ip = cfg->max_connections_per_ip,
		.timeout_s = cfg->timeout_s,
		.trust_proxy = cfg->trust_proxy,
	};
	struct server_deps deps = { .writer = writer, .metrics = metrics, .ratelimit = rl, .visitkey = vk };
	if (server_start(&scfg, &deps, sites, &srv, err, sizeof err) != 0) {
		log_msg("--listen %s: %s", cfg->listen_text, err);
		goto out;
	}
	sites = NULL; /* the server owns them now */
	if (cfg->user != NULL && drop_privileges(cfg->user, cfg->db) != 0)
		goto out;
	if (geteuid() == 0)
		log_msg("warning: serving as root; use --user to drop privileges");
	log_msg("listening on port %u, database %s", server_port(srv), cfg->db);

	handled_signals(&set);
	for (;;) {
		int sig = 0;
		if (sigwait(&set, &sig) != 0)
			continue;
		if (sig != SIGHUP)
			break;
		struct sites *fresh = NULL;
		if (cfg->sites == NULL)
			continue;
		if (sites_load(cfg->sites, &fresh, err, sizeof err) != 0) {
			log_msg("SIGHUP: keeping the old sites: %s", err);
			continue;
		}
		server_set_sites(srv, fresh);
		log_msg("SIGHUP: re-read %s (%zu sites)", cfg->sites, sites_count(fresh));
	}
	log_msg("shutting down: finishing requests and committing the queue");
	rc = EXIT_SUCCESS;
out:
	server_stop(srv, SHUTDOWN_WAIT_MS);
	writer_stop(writer);
	store_close(store);
	visitkey_free(vk);
	ratelimit_free(rl);
	metrics_free(metrics);
	sites_free(sites);
	return rc;
}

int main(int argc, char **argv)
{
	struct config cfg;
	char err[512];
	sigset_t set;

	log_set_program("lotse-collector");
	switch (config_parse(argc, argv, &cfg, err, sizeof err)) {
	case CONFIG_EXIT_0:
		return EXIT_SUCCESS;
	case CONFIG_USAGE:
		log_msg("%s", err);
		return EXIT_USAGE;
	case CONFIG_OK:
		break;
	}
	if (sodium_init() < 0) {
		log_msg("libsodium could not be initialised");
		return EXIT_FAILURE;
	}
	/* Block the signals before any thread starts, so that only sigwait() sees them. */
	handled_signals(&set);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (cfg.import != NULL)
		return run_import(&cfg);
	return serve(&cfg);
}
