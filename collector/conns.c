/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * conns.c — the connection registry behind conns.h: three intrusive lists
 * (armed connections in deadline order, idle connections oldest first in all
 * and per client network), a hash table of client networks with their
 * counts, and the sweeper thread. One mutex guards it all; every operation
 * is O(1) but the sweep and the drain, which walk only what they close.
 */
#include "conns.h"

#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "addr.h"
#include "clock.h"

#define SWEEP_PERIOD_MS 100
#define BUCKETS_MAX (1u << 20)

/* The lists a connection can be in; each has its own link in the connection. */
enum which { ARMED, IDLE, NET_IDLE, LISTS };

enum state {
	ST_IDLE,       /* waiting for (the headers of) its next request */
	ST_RECEIVING,  /* headers seen, the body still arriving */
	ST_PROCESSING, /* arrived whole: stored, answered; no deadline */
	ST_CLOSED      /* shut down by us (or gone): counts no more */
};

struct link {
	struct conn *prev, *next;
	int in;
};

struct list {
	struct conn *head, *tail;
};

/* A client network (an IPv4 address, an IPv6 /64) and what it holds. */
struct network {
	struct network *next;     /* in its bucket */
	unsigned char key[16];
	size_t len;
	unsigned count;           /* its counted connections */
	struct list idle;         /* its idle connections, oldest first */
};

struct conn {
	int fd;
	enum state state;
	int counted;              /* in cs->count (and net->count when net) */
	struct network *net;      /* NULL: exempt, or not counted */
	int64_t deadline_ms;      /* while in ARMED */
	struct link link[LISTS];
};

struct conns {
	struct conns_config cfg;
	struct metrics *metrics;
	pthread_mutex_t mu;
	size_t count;             /* counted connections */
	struct list list[LISTS - 1]; /* ARMED and IDLE of all; NET_IDLE lists live in the networks */
	struct network **buckets;
	size_t n_buckets;         /* a power of two */
	unsigned char hash_key[crypto_shorthash_KEYBYTES];
	int draining;
	/* The sweeper. */
	pthread_t thread;
	int has_thread;
	int stopping;             /* guarded by mu */
	pthread_cond_t wake;
};

/* --- lists ------------------------------------------------------------------ */

static void list_append(struct list *l, struct conn *c, enum which w)
{
	struct link *k = &c->link[w];

	assert(!k->in);
	k->prev = l->tail;
	k->next = NULL;
	if (l->tail != NULL)
		l->tail->link[w].next = c;
	else
		l->head = c;
	l->tail = c;
	k->in = 1;
}

static void list_remove(struct list *l, struct conn *c, enum which w)
{
	struct link *k = &c->link[w];

	if (!k->in)
		return;
	if (k->prev != NULL)
		k->prev->link[w].next = k->next;
	else
		l->head = k->next;
	if (k->next != NULL)
		k->next->link[w].prev = k->prev;
	else
		l->tail = k->prev;
	k->prev = k->next = NULL;
	k->in = 0;
}

/* --- networks ------------------------------------------------------------- */

static size_t bucket_of(struct conns *cs, const unsigned char *key, size_t len)
{
	unsigned char hash[crypto_shorthash_BYTES];
	uint64_t h;

	crypto_shorthash(hash, key, len, cs->hash_key);
	memcpy(&h, hash, sizeof h);
	return (size_t)(h & (cs->n_buckets - 1));
}

/* The network of a client address, created when new; NULL when out of memory. Lock held. */
static struct network *network_get(struct conns *cs, const unsigned char *addr, size_t len)
{
	unsigned char key[16];
	size_t n = addr_network(addr, len, key);
	size_t b = bucket_of(cs, key, n);
	struct network *net;

	for (net = cs->buckets[b]; net != NULL; net = net->next)
		if (net->len == n && memcmp(net->key, key, n) == 0)
			return net;
	net = calloc(1, sizeof *net);
	if (net == NULL)
		return NULL;
	memcpy(net->key, key, n);
	net->len = n;
	net->next = cs->buckets[b];
	cs->buckets[b] = net;
	return net;
}

/* Frees net once nothing counts against it. Lock held. */
static void network_release(struct conns *cs, struct network *net)
{
	struct network **p;

	if (net->count > 0)
		return;
	assert(net->idle.head == NULL);
	for (p = &cs->buckets[bucket_of(cs, net->key, net->len)]; *p != net; p = &(*p)->next)
		assert(*p != NULL);
	*p = net->next;
	free(net);
}

/* --- connection states ------------------------------------------------------ */

/* Takes c out of the idle lists. Lock held. */
static void leave_idle(struct conns *cs, struct conn *c)
{
	list_remove(&cs->list[IDLE], c, IDLE);
	if (c->net != NULL)
		list_remove(&c->net->idle, c, NET_IDLE);
}

/* Makes c idle and armed from now_ms. Lock held. */
static void become_idle(struct conns *cs, struct conn *c, int64_t now_ms)
{
	list_remove(&cs->list[ARMED], c, ARMED);
	leave_idle(cs, c);
	c->state = ST_IDLE;
	c->deadline_ms = now_ms + cs->cfg.request_timeout_ms;
	list_append(&cs->list[ARMED], c, ARMED);
	list_append(&cs->list[IDLE], c, IDLE);
	if (c->net != NULL)
		list_append(&c->net->idle, c, NET_IDLE);
}

/* c no longer counts against the limits. Lock held. */
static void forget(struct conns *cs, struct conn *c)
{
	list_remove(&cs->list[ARMED], c, ARMED);
	leave_idle(cs, c);
	c->state = ST_CLOSED;
	if (!c->counted)
		return;
	c->counted = 0;
	cs->count--;
	if (c->net != NULL) {
		c->net->count--;
		network_release(cs, c->net);
		c->net = NULL;
	}
	if (cs->metrics != NULL)
		metrics_conns_open(cs->metrics, cs->count);
}

/*
 * Closes c: shuts its socket down (libmicrohttpd sees the end of the stream
 * and closes the connection, then conns_close frees c) and forgets it. The
 * socket stays open until conns_close, which takes the same lock, so fd is
 * never another connection's. Lock held.
 */
static void cut(struct conns *cs, struct conn *c, enum metrics_conn_close why)
{
	shutdown(c->fd, SHUT_RDWR);
	forget(cs, c);
	if (cs->metrics != NULL)
		metrics_conn_closed(cs->metrics, why);
}

/*
 * Makes room for one more connection where l (idle connections, oldest
 * first) is full: closes its oldest. Returns 0, or -1 when none is idle.
 * Lock held.
 */
static int evict_oldest(struct conns *cs, struct list *l)
{
	if (l->head == NULL)
		return -1;
	cut(cs, l->head, CONN_IDLE_EVICTED);
	return 0;
}

/* --- the interface ---------------------------------------------------------- */

struct conn *conns_open(struct conns *cs, int fd, const unsigned char *addr, size_t len, int exempt,
                        int64_t now_ms)
{
	struct conn *c = calloc(1, sizeof *c);
	struct network *net = NULL;

	if (c == NULL) {
		shutdown(fd, SHUT_RDWR);
		return NULL;
	}
	c->fd = fd;
	pthread_mutex_lock(&cs->mu);
	if (!exempt && cs->cfg.per_address > 0 && len > 0)
		net = network_get(cs, addr, len); /* NULL when out of memory: then not limited by address */
	/* Counted first, so that an eviction cannot free its network. */
	c->counted = 1;
	c->net = net;
	cs->count++;
	if (net != NULL)
		net->count++;
	if (net != NULL && net->count > cs->cfg.per_address && evict_oldest(cs, &net->idle) != 0)
		cut(cs, c, CONN_PER_ADDRESS);
	else if (cs->count > cs->cfg.max && evict_oldest(cs, &cs->list[IDLE]) != 0)
		cut(cs, c, CONN_FULL);
	else
		become_idle(cs, c, now_ms);
	if (cs->metrics != NULL)
		metrics_conns_open(cs->metrics, cs->count);
	pthread_mutex_unlock(&cs->mu);
	return c;
}

void conns_request_begin(struct conns *cs, struct conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&cs->mu);
	if (c->state == ST_IDLE) {
		leave_idle(cs, c);
		c->state = ST_RECEIVING;
	}
	pthread_mutex_unlock(&cs->mu);
}

int conns_request_arrived(struct conns *cs, struct conn *c)
{
	int rc = 0;

	if (c == NULL)
		return 0;
	pthread_mutex_lock(&cs->mu);
	if (c->state == ST_CLOSED) {
		rc = -1;
	} else {
		list_remove(&cs->list[ARMED], c, ARMED);
		leave_idle(cs, c);
		c->state = ST_PROCESSING;
	}
	pthread_mutex_unlock(&cs->mu);
	return rc;
}

void conns_request_end(struct conns *cs, struct conn *c, int64_t now_ms)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&cs->mu);
	if (c->state != ST_CLOSED) {
		if (cs->draining)
			cut(cs, c, CONN_SHUTDOWN);
		else
			become_idle(cs, c, now_ms);
	}
	pthread_mutex_unlock(&cs->mu);
}

void conns_close(struct conns *cs, struct conn *c)
{
	if (c == NULL)
		return;
	pthread_mutex_lock(&cs->mu);
	forget(cs, c);
	pthread_mutex_unlock(&cs->mu);
	free(c);
}

size_t conns_sweep(struct conns *cs, int64_t now_ms)
{
	size_t n = 0;
	struct conn *c;

	pthread_mutex_lock(&cs->mu);
	/*
	 * ARMED is in deadline order: every entry was appended with its clock
	 * reading plus the same timeout (readings of different threads may be a
	 * few microseconds out of order; such a connection goes one sweep later).
	 */
	while ((c = cs->list[ARMED].head) != NULL && c->deadline_ms <= now_ms) {
		cut(cs, c, CONN_DEADLINE);
		n++;
	}
	pthread_mutex_unlock(&cs->mu);
	return n;
}

size_t conns_drain(struct conns *cs, int receiving_too)
{
	size_t n = 0;
	struct conn *c;

	pthread_mutex_lock(&cs->mu);
	cs->draining = 1;
	while ((c = cs->list[IDLE].head) != NULL) {
		cut(cs, c, CONN_SHUTDOWN);
		n++;
	}
	while (receiving_too && (c = cs->list[ARMED].head) != NULL) {
		cut(cs, c, CONN_SHUTDOWN);
		n++;
	}
	pthread_mutex_unlock(&cs->mu);
	return n;
}

size_t conns_count(struct conns *cs)
{
	size_t n;

	pthread_mutex_lock(&cs->mu);
	n = cs->count;
	pthread_mutex_unlock(&cs->mu);
	return n;
}

static void *sweeper_main(void *arg)
{
	struct conns *cs = arg;

	pthread_mutex_lock(&cs->mu);
	while (!cs->stopping) {
		struct timespec ts = clock_after_ms(CLOCK_MONOTONIC, SWEEP_PERIOD_MS);
		if (pthread_cond_timedwait(&cs->wake, &cs->mu, &ts) != ETIMEDOUT)
			continue;
		pthread_mutex_unlock(&cs->mu);
		conns_sweep(cs, clock_monotonic_ms());
		pthread_mutex_lock(&cs->mu);
	}
	pthread_mutex_unlock(&cs->mu);
	return NULL;
}

int conns_new(const struct conns_config *cfg, struct metrics *metrics, struct conns **out)
{
	struct conns *cs = calloc(1, sizeof *cs);
	pthread_condattr_t ca;

	*out = NULL;
	if (cs == NULL)
		return -1;
	assert(cfg->max >= 1 && cfg->request_timeout_ms >= 1);
	cs->cfg = *cfg;
	cs->metrics = metrics;
	/* At least as many buckets as networks can be held: chains stay short. */
	for (cs->n_buckets = 64; cs->n_buckets < cfg->max && cs->n_buckets < BUCKETS_MAX; cs->n_buckets *= 2)
		;
	cs->buckets = calloc(cs->n_buckets, sizeof *cs->buckets);
	if (cs->buckets == NULL) {
		free(cs);
		return -1;
	}
	crypto_shorthash_keygen(cs->hash_key);
	pthread_mutex_init(&cs->mu, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&cs->wake, &ca);
	pthread_condattr_destroy(&ca);
	if (cfg->sweeper) {
		if (pthread_create(&cs->thread, NULL, sweeper_main, cs) != 0) {
			conns_free(cs);
			return -1;
		}
		cs->has_thread = 1;
	}
	*out = cs;
	return 0;
}

void conns_free(struct conns *cs)
{
	if (cs == NULL)
		return;
	if (cs->has_thread) {
		pthread_mutex_lock(&cs->mu);
		cs->stopping = 1;
		pthread_cond_signal(&cs->wake);
		pthread_mutex_unlock(&cs->mu);
		pthread_join(cs->thread, NULL);
	}
	assert(cs->count == 0);
	free(cs->buckets);
	pthread_cond_destroy(&cs->wake);
	pthread_mutex_destroy(&cs->mu);
	free(cs);
}
