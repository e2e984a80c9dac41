/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * main.c — lotse-collector's entry point: reads the command line, acquires
 * what it needs (database, listening socket), then restricts itself (--user),
 * serves until SIGTERM/SIGINT, and shuts down without losing a queued event.
 * Signals are taken synchronously with sigwait() on this thread; no code
 * runs in a signal handler. Also runs --import or --import-db instead of
 * serving.
 */
#include <errno.h>
#include <grp.h>
#include <malloc.h>
#include <pwd.h>
#include <signal.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "churl.h"
#include "clock.h"
#include "config.h"
#include "copydb.h"
#include "dbfiles.h"
#include "importer.h"
#include "log.h"
#include "metrics.h"
#include "notify.h"
#include "ratelimit.h"
#include "saltfile.h"
#include "server.h"
#include "sites.h"
#include "store.h"
#include "visitkey.h"
#include "writer.h"

#define EXIT_USAGE 2
/* Shutdown: for the requests in progress and their commits; then for the 503s of those given up; then for the writer. */
#define SHUTDOWN_WAIT_MS 10000
#define ANSWER_WAIT_MS 2000
#define WRITER_STOP_MS 2000
/* File descriptors beside the sockets: stdio, the database and its -wal/-shm, notify and salt files. */
#define FDS_BESIDE_SOCKETS 32
/* How often the main thread looks at the clock for the day change of the visit-key salt. */
#define TICK_S 30
/* Free memory at the top of a heap kept for reuse before it is given back (see serve). */
#define MALLOC_TRIM_BYTES (16 << 20)
/* --import into ClickHouse: the bound of one insert (a commit of IMPORT_COMMIT_EVERY events). */
#define IMPORT_TIMEOUT_MS 60000

/* A writer whose commit stalled past the shutdown: kept (reachable) until the process ends. */
static struct writer *stalled_writer;

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
	int importing = cfg->import != NULL || cfg->import_db != NULL;
	struct store_config sc = { .db = cfg->db, .durability_full = cfg->durability_full,
	                           .timeout_ms = importing ? IMPORT_TIMEOUT_MS : 0, .pipelined = importing };

	*store = NULL;
	*sites = NULL;
	/* --import-db copies rows as stored: no sites to check them against. */
	if (cfg->import_db == NULL && load_sites(cfg, sites) != 0)
		return EXIT_USAGE;
	if (store_open(&sc, store, err, sizeof err) != 0) {
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

/* --import-db: copies a Lotse SQLite database's rows into --db. */
static int run_import_db(const struct config *cfg)
{
	struct sites *sites = NULL;
	struct store *store = NULL;
	struct copydb_counts counts;
	char err[512];
	int rc = open_inputs(cfg, &sites, &store);

	if (rc != EXIT_SUCCESS)
		return rc;
	rc = EXIT_FAILURE;
	if (copydb_run(cfg->import_db, store, &counts, err, sizeof err) != 0) {
		log_msg("--import-db failed: %s", err);
		goto out;
	}
	printf("copied %llu events and %llu rejects\n", (unsigned long long)counts.events,
	       (unsigned long long)counts.rejects);
	if (counts.skipped > 0)
		printf("not copied: %llu events of types this version does not know\n",
		       (unsigned long long)counts.skipped);
	rc = EXIT_SUCCESS;
out:
	store_close(store);
	sites_free(sites);
	return rc;
}

/*
 * Hands the database files to user (dbfiles_hand_over: no link followed, no
 * third user's file taken; a ClickHouse store has none), then becomes that
 * user for good.
 */
static int drop_privileges(const char *user, const char *db)
{
	struct passwd *pw = getpwnam(user);
	char err[512];

	if (pw == NULL) {
		log_msg("--user: no user '%s'", user);
		return -1;
	}
	if (!churl_is(db) && dbfiles_hand_over(db, pw->pw_uid, pw->pw_gid, user, err, sizeof err) != 0) {
		log_msg("%s", err);
		return -1;
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

/*
 * Raises the soft limit on open files to what the server may hold with scfg
 * (as far as the hard limit allows); when the hard limit is lower, lowers
 * scfg->max_connections to fit and says so.
 */
static void fit_fd_limit(struct server_config *scfg)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)server_sockets_max(scfg) + FDS_BESIDE_SOCKETS;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
		return;
	rl.rlim_cur = rl.rlim_max == RLIM_INFINITY || rl.rlim_max > need ? need : rl.rlim_max;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0 || getrlimit(RLIMIT_NOFILE, &rl) != 0)
		rl.rlim_cur = 1024;
	unsigned wanted = scfg->max_connections;
	while (scfg->max_connections > 1 && (rlim_t)server_sockets_max(scfg) + FDS_BESIDE_SOCKETS > rl.rlim_cur)
		scfg->max_connections -= scfg->max_connections / 16 + 1;
	if (scfg->max_connections != wanted)
		log_msg("warning: the limit of %llu open files allows %u connections, not --max-connections %u "
		        "(raise LimitNOFILE=)", (unsigned long long)rl.rlim_cur, scfg->max_connections, wanted);
}

/*
 * SIGTERM/SIGINT: stop accepting, finish the requests in progress while the
 * writer commits their events, and when that takes longer than
 * SHUTDOWN_WAIT_MS (another process holds the database lock, the disk
 * stalls) give up on them: every waiting request is answered 503 before the
 * daemon stops, so libmicrohttpd never finds a suspended connection, and
 * nothing is answered 204 that is not committed. Returns the exit status
 * (1 when any request of the shutdown could not be committed) and frees
 * srv and, unless its commit stalled, writer (*writer = NULL then). When
 * the writer stalled while it read a transaction's rows, those requests
 * cannot be answered and libmicrohttpd cannot be stopped (it would abort):
 * srv and the writer are left to the process's end.
 */
static int shut_down(struct server *srv, struct writer **writer, size_t failures_before)
{
	char why[256];
	size_t left, given_up = 0, unanswered = 0, failed;

	server_quiesce(srv);
	left = server_wait(srv, SHUTDOWN_WAIT_MS);
	if (left > 0) {
		given_up = writer_abandon(*writer, &unanswered);
		server_cut(srv);
		server_wait(srv, ANSWER_WAIT_MS);
	}
	if (unanswered > 0) {
		stalled_writer = *writer;
		*writer = NULL;
		log_msg("shutdown: a database write did not finish within %u s (a stalled disk?): exiting without "
		        "it; %zu requests were answered 503 and %zu get no answer; none was answered 204",
		        (SHUTDOWN_WAIT_MS + ANSWER_WAIT_MS) / 1000, given_up, unanswered);
		return EXIT_FAILURE;
	}
	server_stop(srv);
	failed = writer_failures(*writer, why, sizeof why) - failures_before;
	if (writer_stop(*writer, WRITER_STOP_MS) != 0) {
		stalled_writer = *writer;
		*writer = NULL;
		log_msg("shutdown: a database commit did not finish within %u s (a stalled disk?): exiting "
		        "without it; %zu requests were answered 503, none of them 204",
		        (SHUTDOWN_WAIT_MS + ANSWER_WAIT_MS + WRITER_STOP_MS) / 1000, failed);
		return EXIT_FAILURE;
	}
	*writer = NULL;
	if (failed > 0) {
		log_msg("shutdown: the events of %zu requests could not be committed (%s%s) and were answered "
		        "503; every event answered 204 is in the database",
		        failed, given_up > 0 ? "still waiting after the shutdown wait; " : "", why);
		return EXIT_FAILURE;
	}
	return EXIT_SUCCESS;
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
	struct notify *nt = NULL;
	sigset_t set;
	char err[512], status[600];
	int rc = open_inputs(cfg, &sites, &store);

	if (rc != EXIT_SUCCESS)
		return rc;
	rc = EXIT_FAILURE;
	log_limit_rate(1);
	/*
	 * Every POST allocates its batch block (tens of KiB) and frees it soon
	 * after; with glibc's default trim threshold the HTTP threads' heaps
	 * were shrunk (madvise) and grown (brk) again around those blocks on
	 * many requests. A fixed threshold keeps the freed memory for the next.
	 */
	mallopt(M_TRIM_THRESHOLD, MALLOC_TRIM_BYTES);
	if (notify_open(&nt, err, sizeof err) != 0) { /* before privileges are dropped: see notify.h */
		log_msg("%s", err);
		goto out;
	}
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
		.request_timeout_s = cfg->request_timeout_s,
		.trust_proxy = cfg->trust_proxy,
		.db_path = cfg->db,
		/* The disk of a ClickHouse store is ClickHouse's to watch (docs/scale.md): no free-space check. */
		.min_free = churl_is(cfg->db) ? 0 : cfg->min_free,
	};
	struct server_deps deps = { .writer = writer, .metrics = metrics, .ratelimit = rl, .visitkey = vk };
	fit_fd_limit(&scfg);
	if (server_start(&scfg, &deps, sites, &srv, err, sizeof err) != 0) {
		log_msg("--listen %s: %s", cfg->listen_text, err);
		goto out;
	}
	sites = NULL; /* the server owns them now */
	if (cfg->user != NULL && drop_privileges(cfg->user, cfg->db) != 0)
		goto out;
	if (vk != NULL && cfg->runtime_dir != NULL) { /* checked as the user that will write there */
		if (saltfile_check_dir(cfg->runtime_dir, err, sizeof err) != 0) {
			log_msg("%s", err);
			rc = EXIT_USAGE;
			goto out;
		}
		visitkey_keep_in(vk, cfg->runtime_dir);
	}
	if (geteuid() == 0)
		log_msg("warning: serving as root; use --user to drop privileges");
	log_msg("listening on port %u, database %s", server_port(srv), cfg->db);
	snprintf(status, sizeof status, "READY=1\nSTATUS=listening on port %u, database %s", server_port(srv),
	         cfg->db);
	notify_send(nt, status);

	handled_signals(&set);
	for (;;) {
		struct timespec tick = { TICK_S, 0 };
		int sig = sigtimedwait(&set, NULL, &tick);
		if (sig < 0) {
			if (vk != NULL)
				visitkey_tick(vk, clock_realtime_ms()); /* an old day's salt goes when its day is over */
			continue;
		}
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
		snprintf(status, sizeof status, "STATUS=listening on port %u, database %s, %zu sites",
		         server_port(srv), cfg->db, sites_count(fresh));
		notify_send(nt, status);
	}
	log_msg("shutting down: finishing requests and committing the queue");
	notify_send(nt, "STOPPING=1\nSTATUS=shutting down: finishing requests and committing the queue");
	rc = shut_down(srv, &writer, writer_failures(writer, err, sizeof err));
	srv = NULL;
out:
	if (srv != NULL) { /* a start that failed after the server started: answer what came meanwhile */
		size_t unanswered;
		server_quiesce(srv);
		writer_abandon(writer, &unanswered);
		server_wait(srv, ANSWER_WAIT_MS);
		server_stop(srv);
	}
	writer_stop(writer, WRITER_STOP_MS);
	store_close(store);
	visitkey_free(vk);
	ratelimit_free(rl);
	if (stalled_writer == NULL)
		metrics_free(metrics); /* else the stalled writer still counts into it */
	sites_free(sites);
	notify_close(nt);
	log_flush();
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
	if (cfg.import_db != NULL)
		return run_import_db(&cfg);
	return serve(&cfg);
}
