/* SPDX-License-Identifier: EUPL-1.2 */
/*
 * config.c — getopt_long over the collector's options, with range checks and
 * --help; the [collector] section of a --config file comes first (conffile.h).
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "conffile.h"
#include "version.h"

static const char usage_text[] =
	"Usage: lotse-collector [OPTION]...\n"
	"Cookieless beacon endpoint of Lotse: stores anonymous usability events in SQLite\n"
	"or ClickHouse.\n"
	"\n"
	"  --listen ADDR:PORT     where to listen (default 127.0.0.1:8080; [::1]:8080 for IPv6)\n"
	"  --db PATH              SQLite database, created when absent (default lotse.db), or\n"
	"                         clickhouse://HOST:PORT/DATABASE[?table=T&rejects=R&user=U]\n"
	"                         (password from LOTSE_CLICKHOUSE_PASSWORD; docs/scale.md)\n"
	"  --sites FILE.csv       allowed sites and origins (columns site,name,origins);\n"
	"                         without it every site and origin is accepted; SIGHUP re-reads it\n"
	"  --max-body BYTES       largest request body (default 16384)\n"
	"  --rate-limit N         requests per second per client address, bursts of 2N\n"
	"                         (default 50; 0 turns it off)\n"
	"  --visit-key daily|off  daily keyed hash linking a visit's events, or none (default daily)\n"
	"  --trust-proxy CIDR...  networks of the reverse proxies in front (space- or comma-\n"
	"                         separated): X-Forwarded-For is walked from the right past\n"
	"                         them, the first address outside is the client; without it\n"
	"                         the header is ignored\n"
	"  --durability normal|full  fsync every group commit (full, default) or not\n"
	"  --threads N            HTTP worker threads (default: number of CPUs)\n"
	"  --max-connections N    open connections at most (default 8192); when all are\n"
	"                         taken, the longest idle one is closed for a new one\n"
	"  --max-connections-per-ip N  per client address, an IPv6 /64 counting as one\n"
	"                         address (default 64; 0: no limit; not for --trust-proxy peers)\n"
	"  --timeout SECONDS      idle connection timeout (default 15)\n"
	"  --queue N              events waiting for the database at most (default 16384)\n"
	"  --user NAME            after opening the database and binding, run as this user\n"
	"  --request-timeout S    a request must arrive whole, headers and body, within S\n"
	"                         seconds of its connection's accept or previous answer\n"
	"                         (default 10)\n"
	"  --min-free BYTES       /healthz answers 503 below this much free space on the\n"
	"                         database's file system (default 67108864; 0: no check)\n"
	"  --runtime-dir DIR      keep the day's visit-key salt in DIR (tmpfs or ramfs), so that\n"
	"                         a restart during the day keeps visits whole (default\n"
	"                         $RUNTIME_DIRECTORY, else none; \"\" for none)\n"
	"  --config FILE          read the [collector] section of FILE first (lotse.conf(5));\n"
	"                         options given here win\n"
	"  --import FILE|-        store dated NDJSON events instead of serving, then exit\n"
	"  --import-db FILE       copy the events and rejects of a Lotse SQLite database as\n"
	"                         stored (e.g. into ClickHouse) instead of serving, then exit\n"
	"  --version              print the version and exit\n"
	"  --help                 print this help and exit\n"
	"\n"
	"Exit status: 0 after a clean shutdown, 2 on usage or configuration errors,\n"
	"1 on runtime failure. Protocol: docs/protocol.md; privacy: docs/datenschutz.md.\n";

enum {
	OPT_LISTEN = 256, OPT_DB, OPT_SITES, OPT_MAX_BODY, OPT_RATE, OPT_VISIT, OPT_PROXY, OPT_DURABILITY,
	OPT_THREADS, OPT_IMPORT, OPT_VERSION, OPT_HELP, OPT_MAXCONN, OPT_MAXCONN_IP, OPT_TIMEOUT,
	OPT_QUEUE, OPT_USER,
	OPT_REQUEST_TIMEOUT, OPT_MIN_FREE, OPT_RUNTIME_DIR, OPT_CONFIG, OPT_IMPORT_DB
};

static const struct option options[] = {
	{ "listen", required_argument, NULL, OPT_LISTEN },
	{ "db", required_argument, NULL, OPT_DB },
	{ "sites", required_argument, NULL, OPT_SITES },
	{ "max-body", required_argument, NULL, OPT_MAX_BODY },
	{ "rate-limit", required_argument, NULL, OPT_RATE },
	{ "visit-key", required_argument, NULL, OPT_VISIT },
	{ "trust-proxy", required_argument, NULL, OPT_PROXY },
	{ "durability", required_argument, NULL, OPT_DURABILITY },
	{ "threads", required_argument, NULL, OPT_THREADS },
	{ "import", required_argument, NULL, OPT_IMPORT },
	{ "import-db", required_argument, NULL, OPT_IMPORT_DB },
	{ "max-connections", required_argument, NULL, OPT_MAXCONN },
	{ "max-connections-per-ip", required_argument, NULL, OPT_MAXCONN_IP },
	{ "timeout", required_argument, NULL, OPT_TIMEOUT },
	{ "queue", required_argument, NULL, OPT_QUEUE },
	{ "user", required_argument, NULL, OPT_USER },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "request-timeout", required_argument, NULL, OPT_REQUEST_TIMEOUT },
	{ "min-free", required_argument, NULL, OPT_MIN_FREE },
	{ "runtime-dir", required_argument, NULL, OPT_RUNTIME_DIR },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ NULL, 0, NULL, 0 },
};

/* Options a configuration file may not set: they are one run's, not the service's. */
static const char *const not_in_file[] = { "import", "import-db", "version", "help", NULL };

int config_parse_listen(const char *text, struct config *cfg)
{
	char host[64];
	const char *colon;
	size_t hn;
	char *end;
	unsigned long port;

	memset(&cfg->listen, 0, sizeof cfg->listen);
	if (text[0] == '[') {
		const char *close = strchr(text, ']');
		if (close == NULL || close[1] != ':')
			return -1;
		hn = (size_t)(close - text - 1);
		if (hn >= sizeof host)
			return -1;
		memcpy(host, text + 1, hn);
		colon = close + 1;
	} else {
		colon = strrchr(text, ':');
		if (colon == NULL)
			return -1;
		hn = (size_t)(colon - text);
		if (hn >= sizeof host)
			return -1;
		memcpy(host, text, hn);
	}
	host[hn] = '\0';
	errno = 0;
	port = strtoul(colon + 1, &end, 10);
	if (colon[1] == '\0' || *end != '\0' || errno != 0 || port > 65535)
		return -1;
	if (hn == 0)
		snprintf(host, sizeof host, "0.0.0.0");

	struct sockaddr_in *in = (struct sockaddr_in *)&cfg->listen;
	struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&cfg->listen;
	if (inet_pton(AF_INET, host, &in->sin_addr) == 1) {
		in->sin_family = AF_INET;
		in->sin_port = htons((uint16_t)port);
	} else if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
		in6->sin6_family = AF_INET6;
		in6->sin6_port = htons((uint16_t)port);
	} else {
		return -1;
	}
	snprintf(cfg->listen_text, sizeof cfg->listen_text, "%s", text);
	return 0;
}

/* Parses a whole number in [min, max]. Returns 0 or -1. */
static int parse_num(const char *s, unsigned long long min, unsigned long long max, unsigned long long *out)
{
	char *end;

	errno = 0;
	if (s[0] == '-' || s[0] == '\0')
		return -1;
	*out = strtoull(s, &end, 10);
	return (errno == 0 && *end == '\0' && *out >= min && *out <= max) ? 0 : -1;
}

/*
 * The directory systemd made for RuntimeDirectory= ($RUNTIME_DIRECTORY; of a
 * colon-separated list, the first), or NULL when unset.
 */
static const char *runtime_dir_default(void)
{
	static char first[4096];
	const char *env = getenv("RUNTIME_DIRECTORY");
	size_t n;

	if (env == NULL || env[0] == '\0')
		return NULL;
	n = strcspn(env, ":");
	if (n >= sizeof first)
		return NULL;
	memcpy(first, env, n);
	first[n] = '\0';
	return first;
}

static enum config_result parse_argv(int argc, char **argv, struct config *cfg, char *err, size_t errlen)
{
	int c;
	unsigned long long v;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	memset(cfg, 0, sizeof *cfg);
	config_parse_listen("127.0.0.1:8080", cfg);
	cfg->db = "lotse.db";
	cfg->max_body = 16384;
	cfg->rate_limit = 50;
	cfg->visit_key = 1;
	cfg->durability_full = 1;
	cfg->threads = ncpu > 0 ? (unsigned)ncpu : 2;
	cfg->max_connections = 8192;
	cfg->max_connections_per_ip = 64;
	cfg->timeout_s = 15;
	cfg->queue = 16384;
	cfg->request_timeout_s = 10;
	cfg->min_free = 64ULL << 20;
	cfg->runtime_dir = runtime_dir_default();

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "", options, NULL)) != -1) {
		switch (c) {
		case OPT_LISTEN:
			if (config_parse_listen(optarg, cfg) != 0) {
				snprintf(err, errlen, "--listen: '%s' is not ADDR:PORT", optarg);
				return CONFIG_USAGE;
			}
			break;
		case OPT_DB:
			cfg->db = optarg;
			break;
		case OPT_SITES:
			cfg->sites = optarg;
			break;
		case OPT_MAX_BODY:
			if (parse_num(optarg, 256, 16 * 1024 * 1024, &v) != 0) {
				snprintf(err, errlen, "--max-body: must be a number of bytes 256..16777216");
				return CONFIG_USAGE;
			}
			cfg->max_body = (size_t)v;
			break;
		case OPT_RATE:
			if (parse_num(optarg, 0, 1000000, &v) != 0) {
				snprintf(err, errlen, "--rate-limit: must be a number 0..1000000");
				return CONFIG_USAGE;
			}
			cfg->rate_limit = (unsigned)v;
			break;
		case OPT_VISIT:
			if (strcmp(optarg, "daily") == 0)
				cfg->visit_key = 1;
			else if (strcmp(optarg, "off") == 0)
				cfg->visit_key = 0;
			else {
				snprintf(err, errlen, "--visit-key: must be daily or off");
				return CONFIG_USAGE;
			}
			break;
		case OPT_PROXY:
			if (proxy_nets_add(&cfg->trust_proxy, optarg, err, errlen) != 0)
				return CONFIG_USAGE;
			break;
		case OPT_DURABILITY:
			if (strcmp(optarg, "full") == 0)
				cfg->durability_full = 1;
			else if (strcmp(optarg, "normal") == 0)
				cfg->durability_full = 0;
			else {
				snprintf(err, errlen, "--durability: must be normal or full");
				return CONFIG_USAGE;
			}
			break;
		case OPT_THREADS:
			if (parse_num(optarg, 1, 256, &v) != 0) {
				snprintf(err, errlen, "--threads: must be a number 1..256");
				return CONFIG_USAGE;
			}
			cfg->threads = (unsigned)v;
			break;
		case OPT_IMPORT:
			cfg->import = optarg;
			break;
		case OPT_IMPORT_DB:
			cfg->import_db = optarg;
			break;
		case OPT_MAXCONN:
			if (parse_num(optarg, 1, 100000, &v) != 0) {
				snprintf(err, errlen, "--max-connections: must be a number 1..100000");
				return CONFIG_USAGE;
			}
			cfg->max_connections = (unsigned)v;
			break;
		case OPT_MAXCONN_IP:
			if (parse_num(optarg, 0, 100000, &v) != 0) {
				snprintf(err, errlen, "--max-connections-per-ip: must be a number 0..100000");
				return CONFIG_USAGE;
			}
			cfg->max_connections_per_ip = (unsigned)v;
			break;
		case OPT_TIMEOUT:
			if (parse_num(optarg, 1, 3600, &v) != 0) {
				snprintf(err, errlen, "--timeout: must be a number of seconds 1..3600");
				return CONFIG_USAGE;
			}
			cfg->timeout_s = (unsigned)v;
			break;
		case OPT_QUEUE:
			if (parse_num(optarg, 64, 10000000, &v) != 0) {
				snprintf(err, errlen, "--queue: must be a number 64..10000000");
				return CONFIG_USAGE;
			}
			cfg->queue = (size_t)v;
			break;
		case OPT_USER:
			cfg->user = optarg;
			break;
		case OPT_REQUEST_TIMEOUT:
			if (parse_num(optarg, 1, 3600, &v) != 0) {
				snprintf(err, errlen, "--request-timeout: must be a number of seconds 1..3600");
				return CONFIG_USAGE;
			}
			cfg->request_timeout_s = (unsigned)v;
			break;
		case OPT_MIN_FREE:
			if (parse_num(optarg, 0, 1ULL << 50, &v) != 0) {
				snprintf(err, errlen, "--min-free: must be a number of bytes 0..2^50");
				return CONFIG_USAGE;
			}
			cfg->min_free = v;
			break;
		case OPT_RUNTIME_DIR:
			cfg->runtime_dir = optarg[0] != '\0' ? optarg : NULL;
			break;
		case OPT_CONFIG:
			break; /* read by config_parse before */
		case OPT_VERSION:
			printf("lotse-collector %s (beacon protocol 1)\n", LOTSE_VERSION);
			return CONFIG_EXIT_0;
		case OPT_HELP:
			fputs(usage_text, stdout);
			return CONFIG_EXIT_0;
		default:
			if (optopt != 0) {
				const char *name = "?";
				for (const struct option *o = options; o->name != NULL; o++)
					if (o->val == optopt)
						name = o->name;
				snprintf(err, errlen, "option --%s needs a value; see --help", name);
			} else
				snprintf(err, errlen, "unknown option '%s'; see --help", argv[optind - 1]);
			return CONFIG_USAGE;
		}
	}
	if (optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'; see --help", argv[optind]);
		return CONFIG_USAGE;
	}
	if (cfg->import != NULL && cfg->import_db != NULL) {
		snprintf(err, errlen, "--import and --import-db: one at a time");
		return CONFIG_USAGE;
	}
	return CONFIG_OK;
}

enum config_result config_parse(int argc, char **argv, struct config *cfg, char *err, size_t errlen)
{
	/* Holds the strings cfg points into, for the life of the process. */
	static struct conffile file;
	static const struct conffile_spec spec = {
		.options = options, .section = "collector", .not_in_file = not_in_file,
	};
	enum config_result r;

	conffile_free(&file);
	if (conffile_merge(argc, argv, &spec, &file, err, errlen) != 0)
		return CONFIG_USAGE;
	r = parse_argv(file.argc, file.argv, cfg, err, errlen);
	if (r == CONFIG_USAGE)
		conffile_blame(&file, optind - 1, err, errlen);
	return r;
}
