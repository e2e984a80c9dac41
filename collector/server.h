/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * server.h — the collector's HTTP side (libmicrohttpd): routes, statuses,
 * limits, CORS, the pixel, /lotse.js, /healthz and /metrics. It parses
 * nothing itself (beacon.h does) and writes nothing itself (writer.h does):
 * a request whose events must be stored is suspended until the writer has
 * committed them, then answered.
 */
#ifndef LOTSE_SERVER_H
#define LOTSE_SERVER_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "metrics.h"
#include "proxy.h"
#include "ratelimit.h"
#include "sites.h"
#include "visitkey.h"
#include "writer.h"

struct server_config {
	struct sockaddr_storage addr; /* where to listen */
	unsigned threads;             /* MHD thread pool size */
	size_t max_body;              /* bytes */
	unsigned max_connections;     /* counted connections (conns.h) */
	unsigned max_connections_per_ip; /* per client network; 0: no per-address limit */
	unsigned timeout_s;           /* idle connection timeout (libmicrohttpd's) */
	unsigned request_timeout_s;   /* a request must arrive whole within this (conns.h) */
	struct proxy_nets trust_proxy; /* --trust-proxy; none: X-Forwarded-For is ignored */
	const char *db_path;          /* for the free-space check of /healthz */
	unsigned long long min_free;  /* /healthz 503 below these free bytes; 0: no check */
};

/* What the server uses but does not own; all must outlive it. */
struct server_deps {
	struct writer *writer;
	struct metrics *metrics;
	struct ratelimit *ratelimit;
	struct visitkey *visitkey;    /* NULL: --visit-key off */
};

struct server;

/*
 * Starts serving with sites (may be NULL: every site and origin; the server
 * takes ownership). Returns 0 and *out, or -1 with a reason in err.
 */
int server_start(const struct server_config *cfg, const struct server_deps *deps, struct sites *sites,
                 struct server **out, char *err, size_t errlen);

/* The port actually bound (useful with port 0). */
unsigned server_port(struct server *srv);

/* Replaces the sites (SIGHUP); the server owns the new ones and frees the old. */
void server_set_sites(struct server *srv, struct sites *sites);

/*
 * The sockets the server may hold at once with cfg (connections, listener,
 * wake-up pipes): the least file descriptor limit it needs beside the
 * database's.
 */
unsigned server_sockets_max(const struct server_config *cfg);

/*
 * Shutdown, in this order. server_quiesce: stops accepting connections,
 * closes the idle ones, and from now on each connection after its answer.
 * server_wait: waits up to wait_ms for the beacon requests in progress
 * (their events are committed by the writer meanwhile); returns how many
 * are still in progress. server_cut: closes the connections whose requests
 * are still arriving. server_stop: stops the daemon and frees srv (NULL is
 * ignored); every connection suspended for the writer must have been
 * resumed by then (writer.h: writer_abandon answers those the writer still
 * holds), or libmicrohttpd aborts.
 */
void server_quiesce(struct server *srv);
size_t server_wait(struct server *srv, unsigned wait_ms);
void server_cut(struct server *srv);
void server_stop(struct server *srv);

#endif
