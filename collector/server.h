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
#include "ratelimit.h"
#include "sites.h"
#include "visitkey.h"
#include "writer.h"

struct server_config {
	struct sockaddr_storage addr; /* where to listen */
	unsigned threads;             /* MHD thread pool size */
	size_t max_body;              /* bytes */
	unsigned max_connections;
	unsigned max_connections_per_ip; /* 0: no per-address limit */
	unsigned timeout_s;           /* idle connection timeout */
	int trust_proxy;              /* take the client address from X-Forwarded-For */
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
 * Stops accepting connections, waits up to wait_ms for requests in progress
 * (their events are committed by the writer meanwhile), then stops the
 * daemon and frees srv. NULL is ignored.
 */
void server_stop(struct server *srv, unsigned wait_ms);

#endif
