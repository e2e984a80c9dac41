/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_conns.c — unit tests of the connection registry (collector/conns.c)
 * on real sockets (socketpairs: "closed" means the peer reads the end of the
 * stream) with an injected clock: the whole-request deadline also for a
 * request that trickles, idle connections closed oldest first when the
 * address's or all slots are taken and new ones refused when none is idle,
 * an IPv6 /64 counted as one address, trusted proxies exempt, and the drain
 * of a shutdown.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "../test.h"
#include "conns.h"
#include "metrics.h"

#define TIMEOUT_MS 1000

/* One registered connection: its registry entry and the client's end of the socketpair. */
struct pair {
	struct conn *c;
	int server_fd, client_fd;
};

static struct conns *registry(unsigned max, unsigned per_address)
{
	struct conns_config cfg = { .max = max, .per_address = per_address, .request_timeout_ms = TIMEOUT_MS };
	struct conns *cs = NULL;

	CHECK_INT(conns_new(&cfg, NULL, &cs), 0);
	return cs;
}

static struct pair open_conn(struct conns *cs, const unsigned char *addr, size_t len, int exempt, int64_t now)
{
	struct pair p = { NULL, -1, -1 };
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) {
		CHECK(0);
		return p;
	}
	p.server_fd = sv[0];
	p.client_fd = sv[1];
	fcntl(p.client_fd, F_SETFL, O_NONBLOCK);
	p.c = conns_open(cs, p.server_fd, addr, len, exempt, now);
	CHECK(p.c != NULL);
	return p;
}

/* 1 when the registry shut the server's end down: the client reads the end of the stream. */
static int closed(const struct pair *p)
{
	char b;
	ssize_t n = recv(p->client_fd, &b, 1, 0);

	return n == 0;
}

/* What libmicrohttpd does after a shutdown, or when the client goes: the connection is gone. */
static void gone(struct conns *cs, struct pair *p)
{
	conns_close(cs, p->c);
	close(p->server_fd);
	close(p->client_fd);
	p->c = NULL;
}

static const unsigned char v4_a[4] = { 203, 0, 113, 7 };
static const unsigned char v4_b[4] = { 203, 0, 113, 8 };

static void test_deadline_even_while_trickling(void)
{
	struct conns *cs = registry(100, 0);
	struct pair idle = open_conn(cs, v4_a, 4, 0, 0);
	struct pair slow = open_conn(cs, v4_a, 4, 0, 0);
	struct pair done = open_conn(cs, v4_a, 4, 0, 0);

	conns_request_begin(cs, slow.c);   /* headers came; the body trickles */
	conns_request_begin(cs, done.c);
	CHECK_INT(conns_request_arrived(cs, done.c), 0);
	CHECK_INT(conns_sweep(cs, TIMEOUT_MS - 1), 0);
	CHECK(!closed(&idle) && !closed(&slow));
	CHECK_INT(conns_sweep(cs, TIMEOUT_MS), 2);
	CHECK(closed(&idle));
	CHECK(closed(&slow));
	CHECK(!closed(&done)); /* arrived whole: being answered, no deadline */
	CHECK_INT(conns_count(cs), 1);
	/* A request cut while its body arrived cannot be answered. */
	CHECK_INT(conns_request_arrived(cs, slow.c), -1);
	/* After its answer the connection is armed again, from then on. */
	conns_request_end(cs, done.c, 5000);
	CHECK_INT(conns_sweep(cs, 5000 + TIMEOUT_MS - 1), 0);
	CHECK_INT(conns_sweep(cs, 5000 + TIMEOUT_MS), 1);
	CHECK(closed(&done));
	gone(cs, &idle);
	gone(cs, &slow);
	gone(cs, &done);
	CHECK_INT(conns_count(cs), 0);
	conns_free(cs);
}

static void test_per_address_idle_first(void)
{
	struct conns *cs = registry(100, 2);
	struct pair a1 = open_conn(cs, v4_a, 4, 0, 0);
	struct pair a2 = open_conn(cs, v4_a, 4, 0, 1);
	struct pair b1 = open_conn(cs, v4_b, 4, 0, 2);

	/* The third of address a: its oldest idle connection makes room. */
	struct pair a3 = open_conn(cs, v4_a, 4, 0, 3);
	CHECK(closed(&a1));
	CHECK(!closed(&a2) && !closed(&a3) && !closed(&b1));
	/* All of a's connections busy: a new one is closed at once. */
	conns_request_begin(cs, a2.c);
	conns_request_begin(cs, a3.c);
	struct pair a4 = open_conn(cs, v4_a, 4, 0, 4);
	CHECK(closed(&a4));
	CHECK(!closed(&a2) && !closed(&a3));
	CHECK_INT(conns_count(cs), 3);
	/* Another address is not affected; a trusted proxy is not limited by address. */
	struct pair b2 = open_conn(cs, v4_b, 4, 0, 5);
	struct pair p1 = open_conn(cs, v4_a, 4, 1, 6);
	CHECK(!closed(&b2) && !closed(&p1));
	CHECK_INT(conns_count(cs), 5);
	gone(cs, &a1);
	gone(cs, &a2);
	gone(cs, &a3);
	gone(cs, &a4);
	gone(cs, &b1);
	gone(cs, &b2);
	gone(cs, &p1);
	CHECK_INT(conns_count(cs), 0);
	conns_free(cs);
}

static void test_ipv6_counted_per_64(void)
{
	struct conns *cs = registry(100, 2);
	unsigned char a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	struct pair p[3];

	for (int i = 0; i < 3; i++) {
		a[15] = (unsigned char)(i + 1); /* three addresses of one /64, each busy */
		p[i] = open_conn(cs, a, 16, 0, i);
		conns_request_begin(cs, p[i].c);
	}
	CHECK(!closed(&p[0]) && !closed(&p[1]));
	CHECK(closed(&p[2]));
	a[7] = 2; /* another /64 */
	struct pair q = open_conn(cs, a, 16, 0, 9);
	CHECK(!closed(&q));
	for (int i = 0; i < 3; i++)
		gone(cs, &p[i]);
	gone(cs, &q);
	conns_free(cs);
}

static void test_all_slots_idle_first(void)
{
	struct conns *cs = registry(3, 0);
	unsigned char addr[4] = { 198, 51, 100, 0 };
	struct pair p[5];

	for (int i = 0; i < 3; i++) {
		addr[3] = (unsigned char)i;
		p[i] = open_conn(cs, addr, 4, 0, i);
	}
	conns_request_begin(cs, p[0].c);   /* the oldest is busy: the next oldest idle goes */
	addr[3] = 3;
	p[3] = open_conn(cs, addr, 4, 0, 3);
	CHECK(!closed(&p[0]));
	CHECK(closed(&p[1]));
	CHECK(!closed(&p[2]) && !closed(&p[3]));
	/* A kept-alive connection idle again after its answer is the youngest. */
	conns_request_begin(cs, p[2].c);
	CHECK_INT(conns_request_arrived(cs, p[2].c), 0);
	conns_request_end(cs, p[2].c, 10);
	conns_request_begin(cs, p[3].c);
	addr[3] = 4;
	p[4] = open_conn(cs, addr, 4, 0, 11);
	CHECK(closed(&p[2]) == 1); /* the only idle one */
	CHECK(!closed(&p[4]));
	/* Nothing idle: the new one is refused. */
	conns_request_begin(cs, p[4].c);
	struct pair x = open_conn(cs, addr, 4, 0, 12);
	CHECK(closed(&x));
	CHECK_INT(conns_count(cs), 3);
	for (int i = 0; i < 5; i++)
		gone(cs, &p[i]);
	gone(cs, &x);
	conns_free(cs);
}

static void test_drain(void)
{
	struct conns *cs = registry(10, 0);
	struct pair idle = open_conn(cs, v4_a, 4, 0, 0);
	struct pair recv_ = open_conn(cs, v4_a, 4, 0, 0);
	struct pair busy = open_conn(cs, v4_a, 4, 0, 0);

	conns_request_begin(cs, recv_.c);
	conns_request_begin(cs, busy.c);
	CHECK_INT(conns_request_arrived(cs, busy.c), 0);
	CHECK_INT(conns_drain(cs, 0), 1);
	CHECK(closed(&idle));
	CHECK(!closed(&recv_) && !closed(&busy));
	conns_request_end(cs, busy.c, 1); /* answered while draining: closed, not kept alive */
	CHECK(closed(&busy));
	CHECK_INT(conns_drain(cs, 1), 1);
	CHECK(closed(&recv_));
	struct pair late = open_conn(cs, v4_b, 4, 0, 2);
	CHECK(!closed(&late));
	gone(cs, &idle);
	gone(cs, &recv_);
	gone(cs, &busy);
	gone(cs, &late);
	conns_free(cs);
}

/* The sweeper thread closes an overdue connection by itself. */
static void test_sweeper_thread(void)
{
	struct conns_config cfg = { .max = 10, .per_address = 0, .request_timeout_ms = 50, .sweeper = 1 };
	struct conns *cs = NULL;
	struct timespec ts;

	CHECK_INT(conns_new(&cfg, NULL, &cs), 0);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	struct pair p = open_conn(cs, v4_a, 4, 0, (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
	int waited = 0;
	while (!closed(&p) && waited < 3000) {
		usleep(10000);
		waited += 10;
	}
	CHECK(waited < 3000);
	gone(cs, &p);
	conns_free(cs);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_deadline_even_while_trickling);
	RUN(test_per_address_idle_first);
	RUN(test_ipv6_counted_per_64);
	RUN(test_all_slots_idle_first);
	RUN(test_drain);
	RUN(test_sweeper_thread);
	return test_summary("conns");
}
