/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * test_collector_units.c — unit tests for the collector's small modules:
 * visit-key rotation at the Berlin day change (injected clock), the rate
 * limiter (also what an attacker would try and loopback cannot reach: one
 * bucket per IPv6 /64, IPv4-mapped addresses as IPv4), the sites file,
 * --listen parsing, metrics rendering, and the client address in the visit key.
 */
#include <linux/magic.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "../test.h"
#include "addr.h"
#include "config.h"
#include "metrics.h"
#include "ratelimit.h"
#include "saltfile.h"
#include "sites.h"
#include "tz.h"
#include "visitkey.h"

/* 1 when dir is on tmpfs or ramfs, 0 when not, -1 when unknown. */
static int statfs_is_ram(const char *dir)
{
	struct statfs fs;

	if (statfs(dir, &fs) != 0)
		return -1;
	return fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC;
}

static int64_t at(const char *rfc3339)
{
	int64_t ms = 0;
	CHECK_INT(tz_parse_rfc3339(rfc3339, strlen(rfc3339), &ms), 0);
	return ms;
}

/* The visit key of a client given as text, the way --import takes it (addr_of_text). */
static uint64_t key(struct visitkey *vk, int64_t when, const char *site, const char *client, const char *ua)
{
	unsigned char raw[16];
	size_t n;
	const unsigned char *bytes = addr_of_text(client, strlen(client), raw, &n);

	return visitkey_compute(vk, when, site, bytes, n, ua, strlen(ua));
}

static void test_visitkey_same_day_same_key(void)
{
	struct visitkey *vk;
	CHECK_INT(visitkey_new(1, &vk), 0);
	uint64_t a = key(vk, at("2026-11-19T08:00:00+01:00"), "gladbeck", "203.0.113.7", "UA");
	uint64_t b = key(vk, at("2026-11-19T23:59:59+01:00"), "gladbeck", "203.0.113.7", "UA");
	uint64_t other_addr = key(vk, at("2026-11-19T09:00:00+01:00"), "gladbeck", "203.0.113.8", "UA");
	uint64_t other_site = key(vk, at("2026-11-19T09:00:00+01:00"), "bottrop", "203.0.113.7", "UA");
	uint64_t other_ua = key(vk, at("2026-11-19T09:00:00+01:00"), "gladbeck", "203.0.113.7", "UB");
	CHECK(a == b);
	CHECK(a != other_addr);
	CHECK(a != other_site);
	CHECK(a != other_ua);
	CHECK_INT(visitkey_salts_held(vk), 1);
	visitkey_free(vk);
}

static void test_visitkey_rotates_at_berlin_midnight(void)
{
	struct visitkey *vk;
	CHECK_INT(visitkey_new(1, &vk), 0);
	/* 22:59:59Z is 23:59:59 in Berlin (winter); 23:00:00Z is the next local day. */
	uint64_t before = key(vk, at("2026-11-19T22:59:59Z"), "gladbeck", "203.0.113.7", "UA");
	uint64_t after = key(vk, at("2026-11-19T23:00:00Z"), "gladbeck", "203.0.113.7", "UA");
	CHECK(before != after);
	CHECK_INT(visitkey_salts_held(vk), 1); /* the old salt is gone */
	/* Going back to the old day cannot recompute the old key: its salt was wiped. */
	uint64_t again = key(vk, at("2026-11-19T22:00:00Z"), "gladbeck", "203.0.113.7", "UA");
	CHECK(again != before);
	/* A new instance (a restart) gives other keys for the same day. */
	struct visitkey *vk2;
	CHECK_INT(visitkey_new(1, &vk2), 0);
	CHECK(key(vk2, at("2026-11-19T23:00:00Z"), "gladbeck", "203.0.113.7", "UA") != after);
	visitkey_free(vk2);
	visitkey_free(vk);
}

/* A RAM-backed folder for the salt file; "" when there is none (then the tests say so). */
static const char *runtime_dir(char *dir, size_t cap)
{
	snprintf(dir, cap, "/dev/shm/lotse-salt-XXXXXX");
	return access("/dev/shm", W_OK) == 0 && mkdtemp(dir) != NULL ? dir : "";
}

static int read_salt_file(const char *dir, char *line, size_t cap)
{
	char path[300];
	FILE *f;

	snprintf(path, sizeof path, "%s/visit-salt", dir);
	f = fopen(path, "r");
	line[0] = '\0';
	if (f == NULL)
		return -1;
	if (fgets(line, (int)cap, f) == NULL)
		line[0] = '\0';
	fclose(f);
	return 0;
}

static void test_visitkey_salt_in_runtime_dir(void)
{
	char dir[64], other[64], err[256], line[128], line2[128], path[300];
	struct visitkey *vk, *restarted, *rebooted;
	struct stat st;
	int64_t t = at("2026-11-19T10:00:00+01:00");

	if (runtime_dir(dir, sizeof dir)[0] == '\0' || runtime_dir(other, sizeof other)[0] == '\0') {
		printf("  no /dev/shm: not run\n");
		CHECK(0);
		return;
	}
	CHECK_INT(saltfile_check_dir(dir, err, sizeof err), 0);
	CHECK_INT(visitkey_new(1, &vk), 0);
	visitkey_keep_in(vk, dir);
	uint64_t a = key(vk, t, "gladbeck", "203.0.113.7", "UA");
	/* A restart during the day: the same salt from the file. */
	CHECK_INT(visitkey_new(1, &restarted), 0);
	visitkey_keep_in(restarted, dir);
	CHECK(key(restarted, t + 3600000, "gladbeck", "203.0.113.7", "UA") == a);
	/* A reboot (a fresh runtime directory): a new salt. */
	CHECK_INT(visitkey_new(1, &rebooted), 0);
	visitkey_keep_in(rebooted, other);
	CHECK(key(rebooted, t, "gladbeck", "203.0.113.7", "UA") != a);
	/* The file: mode 0600, the day's number. */
	snprintf(path, sizeof path, "%s/visit-salt", dir);
	CHECK_INT(stat(path, &st), 0);
	CHECK_INT(st.st_mode & 0777, 0600);
	CHECK_INT(read_salt_file(dir, line, sizeof line), 0);
	char want[64];
	snprintf(want, sizeof want, "lotse-visit-salt 1 %lld ", (long long)tz_local_day(t));
	CHECK(strncmp(line, want, strlen(want)) == 0);
	/* The next day: a new salt replaces the file; the old day's key cannot be made again. */
	uint64_t next = key(vk, t + 86400000, "gladbeck", "203.0.113.7", "UA");
	CHECK(next != a);
	CHECK_INT(read_salt_file(dir, line2, sizeof line2), 0);
	CHECK(strcmp(line, line2) != 0);
	CHECK(key(restarted, t + 86400000, "gladbeck", "203.0.113.7", "UA") == next); /* shared */
	/* A day later with no event: the tick wipes and removes the file. */
	visitkey_tick(vk, t + 2 * 86400000);
	CHECK_INT(read_salt_file(dir, line2, sizeof line2), -1);
	CHECK_INT(visitkey_salts_held(vk), 0);
	visitkey_free(vk);
	visitkey_free(restarted);
	visitkey_free(rebooted);
	/* Persistent storage is refused (when this test finds a folder that is not in RAM). */
	if (statfs_is_ram(".") == 0) {
		CHECK_INT(saltfile_check_dir(".", err, sizeof err), -1);
		CHECK(strstr(err, "not on tmpfs or ramfs") != NULL);
	}
}

static void test_visitkey_import_keeps_days(void)
{
	struct visitkey *vk;
	CHECK_INT(visitkey_new(3, &vk), 0);
	uint64_t d1 = key(vk, at("2026-11-01T12:00:00Z"), "s", "a", "u");
	key(vk, at("2026-11-02T12:00:00Z"), "s", "a", "u");
	CHECK(key(vk, at("2026-11-01T13:00:00Z"), "s", "a", "u") == d1);
	key(vk, at("2026-11-03T12:00:00Z"), "s", "a", "u");
	key(vk, at("2026-11-04T12:00:00Z"), "s", "a", "u"); /* evicts day 1 */
	CHECK_INT(visitkey_salts_held(vk), 3);
	CHECK(key(vk, at("2026-11-01T13:00:00Z"), "s", "a", "u") != d1);
	visitkey_free(vk);
}

static void test_ratelimit(void)
{
	struct ratelimit *rl;
	unsigned retry = 0;
	unsigned char a[4] = { 127, 0, 0, 2 }, b[4] = { 127, 0, 0, 3 };
	int allowed = 0;

	CHECK_INT(ratelimit_new(10, &rl), 0);
	for (int i = 0; i < 25; i++)
		allowed += ratelimit_allow(rl, a, 4, 1000, &retry);
	CHECK_INT(allowed, 20); /* the burst is 2N */
	CHECK(retry >= 1);
	CHECK_INT(ratelimit_allow(rl, b, 4, 1000, NULL), 1); /* another address is unaffected */
	CHECK_INT(ratelimit_allow(rl, a, 4, 1050, NULL), 0); /* half a token back */
	CHECK_INT(ratelimit_allow(rl, a, 4, 1100, NULL), 1); /* one token back after 100 ms */
	CHECK_INT(ratelimit_allow(rl, a, 4, 1100, NULL), 0);
	ratelimit_free(rl);

	CHECK_INT(ratelimit_new(0, &rl), 0);
	for (int i = 0; i < 1000; i++)
		CHECK_INT(ratelimit_allow(rl, a, 4, 1000, NULL), 1);
	ratelimit_free(rl);
}

static void test_ratelimit_bounded_table(void)
{
	struct ratelimit *rl;
	CHECK_INT(ratelimit_new(1, &rl), 0);
	/* Far more addresses than slots: memory stays fixed, nothing crashes. */
	for (uint32_t i = 0; i < 200000; i++)
		ratelimit_allow(rl, &i, sizeof i, i, NULL);
	uint32_t x = 7;
	CHECK_INT(ratelimit_allow(rl, &x, sizeof x, 300000, NULL), 1);
	ratelimit_free(rl);
}

static char *write_tmp(const char *text)
{
	static char path[64];
	snprintf(path, sizeof path, "/tmp/lotse-sites-XXXXXX");
	int fd = mkstemp(path);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK_INT(write(fd, text, strlen(text)), (long long)strlen(text));
		close(fd);
	}
	return path;
}

/* Rotating addresses inside one /64 shares one bucket. */
static void test_ipv6_limited_per_64(void)
{
	struct ratelimit *rl = NULL;
	unsigned char a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 1 };
	unsigned allowed = 0, retry = 0;

	CHECK_INT(ratelimit_new(5, &rl), 0);
	for (unsigned i = 0; i < 100; i++) {
		a[15] = (unsigned char)i;  /* a new interface id per request */
		a[12] = (unsigned char)(i * 7);
		allowed += (unsigned)ratelimit_allow(rl, a, 16, 1000, &retry);
	}
	CHECK_INT(allowed, 10); /* the burst of 2N, not 100 */
	CHECK(retry >= 1);
	a[7] = 2; /* another /64: its own bucket */
	CHECK_INT(ratelimit_allow(rl, a, 16, 1000, NULL), 1);
	ratelimit_free(rl);
}

/* An IPv4-mapped IPv6 address is its IPv4 address: not one /64 for all of IPv4. */
static void test_sites_load(void)
{
	struct sites *s = NULL;
	char err[256] = "";
	char *p = write_tmp("site,name,origins\n"
	                    "gladbeck,Stadt Gladbeck,https://www.gladbeck.de https://gladbeck.de\n"
	                    "bottrop,\"Stadt Bottrop, Rathaus\",https://www.bottrop.de\n");
	CHECK_INT(sites_load(p, &s, err, sizeof err), 0);
	unlink(p);
	if (s == NULL)
		return;
	CHECK_INT(sites_count(s), 2);
	CHECK_INT(sites_check(s, "gladbeck", NULL, 0), SITE_OK);
	CHECK_INT(sites_check(s, "herten", NULL, 0), SITE_UNKNOWN);
	CHECK_INT(sites_check(s, "herten", "https://gladbeck.de", 19), SITE_UNKNOWN);
	CHECK_INT(sites_check(s, "gladbeck", "https://gladbeck.de", 19), SITE_OK);
	CHECK_INT(sites_check(s, "gladbeck", "HTTPS://WWW.GLADBECK.DE", 23), SITE_OK);
	CHECK_INT(sites_check(s, "gladbeck", "https://www.bottrop.de", 22), SITE_ORIGIN_DENIED);
	CHECK_INT(sites_check(s, "gladbeck", "https://evil.example", 20), SITE_ORIGIN_DENIED);
	CHECK_INT(sites_check(s, "gladbeck", "https://gladbeck.de/", 20), SITE_ORIGIN_DENIED);
	CHECK_INT(sites_origin_known(s, "https://www.bottrop.de", 22), 1);
	CHECK_INT(sites_origin_known(s, "https://www.bottrop.de.evil", 27), 0);
	sites_free(s);
}

static void test_sites_errors_name_line(void)
{
	struct sites *s = NULL;
	char err[256] = "";
	char *p = write_tmp("site,name,origins\ngladbeck,G,https://www.gladbeck.de\nBad Site,B,https://b.de\n");
	CHECK_INT(sites_load(p, &s, err, sizeof err), -1);
	CHECK(s == NULL);
	char want[128];
	snprintf(want, sizeof want, "%s:3: site id", p);
	CHECK(strncmp(err, want, strlen(want)) == 0);
	unlink(p);

	/* Not an origin as a browser sends it: path, user-info, empty or bad port, scheme, bad IPv6. */
	static const char *const bad[] = { "https://www.gladbeck.de/path", "https://u@gladbeck.de",
		                           "https://gladbeck.de:", "https://gladbeck.de:123456", "ftp://gladbeck.de",
		                           "https://[zz::1]", "https://", "gladbeck.de" };
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		char line[128];
		snprintf(line, sizeof line, "gladbeck,G,%s\n", bad[i]);
		p = write_tmp(line);
		CHECK_INT(sites_load(p, &s, err, sizeof err), -1);
		if (strstr(err, ":1: origin") == NULL)
			printf("  accepted or other error for %s: %s\n", bad[i], err);
		CHECK(strstr(err, ":1: origin") != NULL);
		unlink(p);
	}
	p = write_tmp("gladbeck,G,http://[2001:db8::1]:8080 HTTPS://WWW.Gladbeck.de\n");
	CHECK_INT(sites_load(p, &s, err, sizeof err), 0);
	sites_free(s);
	s = NULL;
	unlink(p);

	p = write_tmp("gladbeck,G\n");
	CHECK_INT(sites_load(p, &s, err, sizeof err), -1);
	CHECK(strstr(err, ":1: expected 3 columns") != NULL);
	unlink(p);

	p = write_tmp("a,A,https://a.de\na,A2,https://a2.de\n");
	CHECK_INT(sites_load(p, &s, err, sizeof err), -1);
	CHECK(strstr(err, ":2: site 'a' is listed twice") != NULL);
	unlink(p);

	p = write_tmp("a,\"unterminated,https://a.de\n");
	CHECK_INT(sites_load(p, &s, err, sizeof err), -1);
	CHECK(strstr(err, ":1: ") != NULL);
	unlink(p);

	CHECK_INT(sites_load("/nonexistent/sites.csv", &s, err, sizeof err), -1);
	CHECK(strstr(err, "/nonexistent/sites.csv: ") != NULL);
}

/* 20 000 sites, each with two origins (one in capitals): every lookup finds what it must. */
static void test_sites_20000(void)
{
	struct sites *s = NULL;
	char err[256] = "", id[40], origin[80];
	char path[] = "/tmp/lotse-sites-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs("site,name,origins\n", f);
	for (int i = 0; i < 20000; i++)
		fprintf(f, "ort-%05d,Gemeinde %d,https://www.ort-%05d.de HTTPS://ORT-%05d.DE:8443\n", i, i, i, i);
	fclose(f);
	CHECK_INT(sites_load(path, &s, err, sizeof err), 0);
	unlink(path);
	if (s == NULL)
		return;
	CHECK_INT(sites_count(s), 20000);
	int ok = 0, denied = 0, unknown = 0, known = 0;
	for (int i = 0; i < 20000; i++) {
		snprintf(id, sizeof id, "ort-%05d", i);
		snprintf(origin, sizeof origin, "https://www.ort-%05d.de", i);
		ok += sites_check(s, id, origin, strlen(origin)) == SITE_OK;
		snprintf(origin, sizeof origin, "https://ort-%05d.de:8443", i);
		ok += sites_check(s, id, origin, strlen(origin)) == SITE_OK;
		known += sites_origin_known(s, origin, strlen(origin));
		snprintf(origin, sizeof origin, "https://www.ort-%05d.de", (i + 1) % 20000);
		denied += sites_check(s, id, origin, strlen(origin)) == SITE_ORIGIN_DENIED;
		snprintf(id, sizeof id, "ort-%05d", 20000 + i);
		unknown += sites_check(s, id, NULL, 0) == SITE_UNKNOWN;
	}
	CHECK_INT(ok, 40000);
	CHECK_INT(known, 20000);
	CHECK_INT(denied, 20000);
	CHECK_INT(unknown, 20000);
	CHECK_INT(sites_origin_known(s, "https://www.ort-20000.de", 24), 0);
	sites_free(s);
}

static void test_listen_parse(void)
{
	struct config cfg;
	CHECK_INT(config_parse_listen("127.0.0.1:8080", &cfg), 0);
	CHECK_INT(cfg.listen.ss_family, AF_INET);
	CHECK_INT(config_parse_listen("[::1]:0", &cfg), 0);
	CHECK_INT(cfg.listen.ss_family, AF_INET6);
	CHECK_INT(config_parse_listen(":9000", &cfg), 0);
	CHECK_INT(config_parse_listen("127.0.0.1", &cfg), -1);
	CHECK_INT(config_parse_listen("127.0.0.1:99999", &cfg), -1);
	CHECK_INT(config_parse_listen("localhost:80", &cfg), -1);
	CHECK_INT(config_parse_listen("[::1:80", &cfg), -1);
}

static void test_config_parse(void)
{
	struct config cfg;
	char err[256];
	char *ok[] = { (char[]){"x"}, (char[]){"--db"}, (char[]){"a.db"}, (char[]){"--rate-limit"}, (char[]){"0"}, (char[]){"--visit-key"}, (char[]){"off"}, (char[]){"--durability"}, (char[]){"normal"}, NULL };
	CHECK_INT(config_parse(9, ok, &cfg, err, sizeof err), CONFIG_OK);
	CHECK_STR(cfg.db, "a.db");
	CHECK_INT(cfg.rate_limit, 0);
	CHECK_INT(cfg.visit_key, 0);
	CHECK_INT(cfg.durability_full, 0);
	CHECK_INT(cfg.request_timeout_s, 10);
	CHECK(cfg.min_free == 64ULL << 20);
	CHECK_INT(cfg.trust_proxy.n, 0);
	char *net[] = { (char[]){"x"}, (char[]){"--trust-proxy"}, (char[]){"127.0.0.1/32, ::1/128"},
		        (char[]){"--trust-proxy=10.0.0.0/8"}, (char[]){"--request-timeout"}, (char[]){"3"},
		        (char[]){"--min-free"}, (char[]){"0"}, (char[]){"--runtime-dir"}, (char[]){"/run/lotse"}, NULL };
	CHECK_INT(config_parse(10, net, &cfg, err, sizeof err), CONFIG_OK);
	CHECK_INT(cfg.trust_proxy.n, 3);
	CHECK_INT(cfg.request_timeout_s, 3);
	CHECK(cfg.min_free == 0);
	CHECK_STR(cfg.runtime_dir, "/run/lotse");
	char *no_dir[] = { (char[]){"x"}, (char[]){"--runtime-dir"}, (char[]){""}, NULL };
	CHECK_INT(config_parse(3, no_dir, &cfg, err, sizeof err), CONFIG_OK);
	CHECK(cfg.runtime_dir == NULL);
	char *bad_net[] = { (char[]){"x"}, (char[]){"--trust-proxy"}, (char[]){"--rate-limit"}, NULL };
	CHECK_INT(config_parse(3, bad_net, &cfg, err, sizeof err), CONFIG_USAGE);
	CHECK(strstr(err, "'--rate-limit' is not an address") != NULL);
	char *bad_timeout[] = { (char[]){"x"}, (char[]){"--request-timeout"}, (char[]){"0"}, NULL };
	CHECK_INT(config_parse(3, bad_timeout, &cfg, err, sizeof err), CONFIG_USAGE);
	char *bad[] = { (char[]){"x"}, (char[]){"--visit-key"}, (char[]){"weekly"}, NULL };
	CHECK_INT(config_parse(3, bad, &cfg, err, sizeof err), CONFIG_USAGE);
	CHECK(strstr(err, "--visit-key") != NULL);
	char *unknown[] = { (char[]){"x"}, (char[]){"--frobnicate"}, NULL };
	CHECK_INT(config_parse(2, unknown, &cfg, err, sizeof err), CONFIG_USAGE);
	char *missing[] = { (char[]){"x"}, (char[]){"--db"}, NULL };
	CHECK_INT(config_parse(2, missing, &cfg, err, sizeof err), CONFIG_USAGE);
	CHECK(strstr(err, "--db") != NULL);
	char *neg[] = { (char[]){"x"}, (char[]){"--max-body"}, (char[]){"-5"}, NULL };
	CHECK_INT(config_parse(3, neg, &cfg, err, sizeof err), CONFIG_USAGE);
}

static void test_metrics_render(void)
{
	struct metrics *m = metrics_new();
	char *text = NULL;
	size_t len = 0;

	CHECK(m != NULL);
	if (m == NULL)
		return;
	{
		struct event evs[3] = { { .site = "gladbeck", .type = EVENT_PAGEVIEW },
			                { .site = "bottrop", .type = EVENT_FLOW_START },
			                { .site = "gladbeck", .type = EVENT_PAGEVIEW } };

		metrics_stored(m, evs, 3);
	}
	metrics_reject(m, REJECT_RATE_LIMITED, 3);
	metrics_drop(m, DROP_DNT, 2);
	metrics_status(m, 204);
	metrics_commit(m, 0.003, 5, 1);
	CHECK_INT(metrics_render(m, &text, &len), 0);
	CHECK(text != NULL && strlen(text) == len);
	if (text != NULL) {
		CHECK(strstr(text, "lotse_events_stored_total{site=\"gladbeck\",type=\"pageview\"} 2\n") != NULL);
		CHECK(strstr(text, "lotse_events_stored_total{site=\"bottrop\",type=\"flow_start\"} 1\n") != NULL);
		CHECK(strstr(text, "lotse_rejected_total{reason=\"rate_limited\"} 3\n") != NULL);
		CHECK(strstr(text, "lotse_not_stored_total{reason=\"dnt\"} 2\n") != NULL);
		CHECK(strstr(text, "lotse_requests_total{code=\"204\"} 1\n") != NULL);
		CHECK(strstr(text, "lotse_commit_seconds_bucket{le=\"0.005\"} 1\n") != NULL);
		CHECK(strstr(text, "lotse_commit_seconds_bucket{le=\"0.002\"} 0\n") != NULL);
	}
	free(text);
	/* Many sites: the table is capped, the rest count as _other. */
	for (int i = 0; i < 300; i++) {
		char site[16];
		struct event e = { .site = site, .type = EVENT_SEARCH };

		snprintf(site, sizeof site, "s%d", i);
		metrics_stored(m, &e, 1);
	}
	CHECK_INT(metrics_render(m, &text, &len), 0);
	if (text != NULL)
		CHECK(strstr(text, "site=\"_other\",type=\"search\"} 46\n") != NULL);
	free(text);
	metrics_free(m);
}

/* One client, one address: spellings and IPv4-mapped addresses give one key; the input is framed. */
static void test_addr_one_client_one_key(void)
{
	unsigned char a[16], b[16];
	struct visitkey *vk;
	int64_t t = at("2026-11-19T10:00:00+01:00");

	CHECK_INT(addr_parse("2001:DB8::1", 11, a), 16);
	CHECK_INT(addr_parse("2001:db8:0::1", 13, b), 16);
	CHECK(memcmp(a, b, 16) == 0);
	CHECK_INT(addr_unmap(a, addr_parse("::ffff:203.0.113.7", 18, a)), 4);
	CHECK_INT(addr_parse("203.0.113.7", 11, b), 4);
	CHECK(memcmp(a, b, 4) == 0);
	CHECK_INT(addr_unmap(a, addr_parse("::203.0.113.7", 13, a)), 16); /* IPv4-compatible: not mapped */
	CHECK_INT(addr_unmap(a, addr_parse("::1", 3, a)), 16);
	CHECK_INT(addr_parse("not an address", 14, a), 0);
	CHECK_INT(addr_parse("1.2.3.4 ", 8, a), 0);
	const char *longer = "0000:0000:0000:0000:0000:0000:0000:0000:0000:0000"; /* over 45 bytes */
	CHECK_INT(addr_parse(longer, strlen(longer), a), 0);

	CHECK_INT(visitkey_new(1, &vk), 0);
	CHECK(key(vk, t, "s", "::ffff:203.0.113.7", "UA") == key(vk, t, "s", "203.0.113.7", "UA"));
	CHECK(key(vk, t, "s", "2001:DB8::1", "UA") == key(vk, t, "s", "2001:db8:0::1", "UA"));
	CHECK(key(vk, t, "s", "2001:db8::1", "UA") != key(vk, t, "s", "2001:db8::2", "UA"));
	/* The address comes with its length: bytes cannot move between address and User-Agent. */
	CHECK(visitkey_compute(vk, t, "s", (const unsigned char *)"12", 2, "3", 1) !=
	      visitkey_compute(vk, t, "s", (const unsigned char *)"1", 1, "23", 2));
	visitkey_free(vk);
}

int main(void)
{
	if (sodium_init() < 0)
		return 1;
	RUN(test_addr_one_client_one_key);
	RUN(test_visitkey_same_day_same_key);
	RUN(test_visitkey_rotates_at_berlin_midnight);
	RUN(test_visitkey_import_keeps_days);
	RUN(test_visitkey_salt_in_runtime_dir);
	RUN(test_ratelimit);
	RUN(test_ratelimit_bounded_table);
	RUN(test_ipv6_limited_per_64);
	RUN(test_sites_load);
	RUN(test_sites_errors_name_line);
	RUN(test_sites_20000);
	RUN(test_listen_parse);
	RUN(test_config_parse);
	RUN(test_metrics_render);
	return test_summary("collector_units");
}
