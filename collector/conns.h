/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * conns.h — the collector's open connections and the limits that keep it
 * serving while they are abused: a deadline for each request to arrive whole
 * (headers and body, however slowly they trickle), connections per client
 * network (an IPv4 address, an IPv6 /64) and in all, and, when a slot is
 * needed, idle connections closed first, oldest first (as nginx reuses its
 * idle keep-alive connections).
 *
 * A connection is idle from its accept, and again from the end of each
 * request, until the server sees the next request's headers; it is "armed"
 * (under the deadline) from the same moment until its request has arrived
 * whole. The deadline runs from that moment, so the time a kept-alive
 * connection waits for its next request counts too. Closing means
 * shutdown(2) of the socket: libmicrohttpd then reads the end of the stream
 * and closes the connection itself, and tells conns_close. Knows nothing of
 * HTTP or libmicrohttpd: sockets, addresses and times come from the caller,
 * which makes the rules unit-testable. Thread-safe.
 */
#ifndef LOTSE_CONNS_H
#define LOTSE_CONNS_H

#include <stddef.h>
#include <stdint.h>

#include "metrics.h"

struct conns_config {
	unsigned max;                 /* connections counted at most (>= 1) */
	unsigned per_address;         /* per client network; 0: no limit */
	unsigned request_timeout_ms;  /* deadline for a request to arrive whole (>= 1) */
	int sweeper;                  /* 1: a thread enforces the deadlines; 0: the caller calls conns_sweep */
};

struct conns;
struct conn;

/*
 * Creates the registry (and its sweeper thread when cfg->sweeper). metrics
 * (may be NULL) gets the closes and the number open. Returns 0 and *out, or
 * -1. Requires sodium_init() to have succeeded.
 */
int conns_new(const struct conns_config *cfg, struct metrics *metrics, struct conns **out);

/*
 * Registers a new connection on socket fd from the client address addr (len
 * bytes, 4 or 16, canonical: see addr_unmap). exempt: not counted against its
 * address (a trusted proxy speaks for many clients). When the address or all
 * connections are at their limit, the oldest idle connection of the address
 * (or of all) is closed to make room; when none is idle, the new one is
 * closed at once. Returns the connection (to give back to the other calls),
 * or NULL when out of memory, and then fd is shut down.
 */
struct conn *conns_open(struct conns *cs, int fd, const unsigned char *addr, size_t len, int exempt,
                        int64_t now_ms);

/*
 * The calls below take the connection conns_open returned; a NULL one (out
 * of memory) is accepted and not limited.
 */

/* The headers of a request have arrived: c is no longer idle (still armed). */
void conns_request_begin(struct conns *cs, struct conn *c);

/*
 * The request has arrived whole: the deadline no longer applies. Returns 0,
 * or -1 when c was closed meanwhile (its answer cannot be delivered).
 */
int conns_request_arrived(struct conns *cs, struct conn *c);

/*
 * The request is answered (or aborted): c is idle and armed again from now_ms,
 * or closed while the registry drains.
 */
void conns_request_end(struct conns *cs, struct conn *c, int64_t now_ms);

/* The connection is gone (libmicrohttpd closed it): frees c (NULL is ignored). */
void conns_close(struct conns *cs, struct conn *c);

/* Closes every armed connection whose deadline is past now_ms; returns how many. */
size_t conns_sweep(struct conns *cs, int64_t now_ms);

/*
 * Shutdown: closes every idle connection now, and from now on each
 * connection at the end of its request. With receiving_too, also closes the
 * connections whose request is still arriving. Returns how many it closed.
 */
size_t conns_drain(struct conns *cs, int receiving_too);

/* Connections counted against the limits (closed ones are not). */
size_t conns_count(struct conns *cs);

/* Stops the sweeper and frees cs; every connection must have been closed. NULL is ignored. */
void conns_free(struct conns *cs);

#endif
