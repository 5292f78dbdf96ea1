/* skua-notifyd: prints the notifications skua sends (one line each) and may
 * run a command for each. main() reads the options, opens the listeners and
 * hands over to the event loop in server.c. */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "notify/notify_token.h"
#include "notifyd/listener.h"
#include "notifyd/report.h"
#include "notifyd/runner.h"
#include "notifyd/server.h"
#include "util/err.h"

#define DEFAULT_ADDR "127.0.0.1"
#define DEFAULT_PORT 9999

enum {
	OPT_TOKEN_FILE = 256,
	OPT_EXEC,
	OPT_INSECURE,
	OPT_MAX_CLIENTS,
	OPT_IDLE_TIMEOUT,
};

struct options {
	const char *addrs[LISTENER_MAX];
	size_t naddrs;
	unsigned port;
	const char *token_file;
	const char *exec;
	int insecure;
	int quiet;
	int max_clients;
	int idle_timeout_s;
};

static void usage(FILE *f)
{
	fprintf(f,
	        "usage: skua-notifyd [-qhV] [-l address]... [-p port] [--token-file file]\n"
	        "                    [--exec command] [--insecure-no-token]\n"
	        "                    [--max-clients n] [--idle-timeout seconds]\n"
	        "\n"
	        "Prints the notifications skua sends, one line each:\n"
	        "  [NOTIFICATION] <time> <type>: <text>\n"
	        "\n"
	        "  -l, --listen ADDR      address to listen on (default " DEFAULT_ADDR
	        "; repeatable)\n"
	        "  -p, --port PORT        TCP port (default %d; 0 picks a free one)\n"
	        "      --token-file FILE  require the shared secret in FILE on every line\n"
	        "      --exec CMD         run CMD TYPE TEXT for each notification (no shell)\n"
	        "      --insecure-no-token  allow a non-loopback address without a token\n"
	        "      --max-clients N    connections served at once (default %d)\n"
	        "      --idle-timeout S   close connections silent for S seconds (default %d)\n"
	        "  -q, --quiet            log only errors on stderr\n"
	        "  -h, --help             this help\n"
	        "  -V, --version          print the version\n",
	        DEFAULT_PORT, SERVER_MAX_CLIENTS_DEFAULT, SERVER_IDLE_TIMEOUT_DEFAULT_MS / 1000);
}

/* A decimal number within [min, max]; 0 or -1 with e filled. */
static int parse_number(const char *opt, const char *s, long min, long max, long *out,
                        struct err *e)
{
	char *end;

	errno = 0;
	long v = strtol(s, &end, 10);
	if (*s == '\0' || *end != '\0' || errno != 0 || v < min || v > max)
		return err_set(e, ERR_USAGE, "%s needs a number from %ld to %ld, not '%s'", opt,
		               min, max, s);
	*out = v;
	return 0;
}

static int parse_options(int argc, char **argv, struct options *o, int *exit_now, struct err *e)
{
	static const struct option longopts[] = {
	    {"listen", required_argument, NULL, 'l'},
	    {"port", required_argument, NULL, 'p'},
	    {"quiet", no_argument, NULL, 'q'},
	    {"help", no_argument, NULL, 'h'},
	    {"version", no_argument, NULL, 'V'},
	    {"token-file", required_argument, NULL, OPT_TOKEN_FILE},
	    {"exec", required_argument, NULL, OPT_EXEC},
	    {"insecure-no-token", no_argument, NULL, OPT_INSECURE},
	    {"max-clients", required_argument, NULL, OPT_MAX_CLIENTS},
	    {"idle-timeout", required_argument, NULL, OPT_IDLE_TIMEOUT},
	    {NULL, 0, NULL, 0},
	};
	long v;
	int c;

	memset(o, 0, sizeof *o);
	o->port = DEFAULT_PORT;
	o->max_clients = SERVER_MAX_CLIENTS_DEFAULT;
	o->idle_timeout_s = SERVER_IDLE_TIMEOUT_DEFAULT_MS / 1000;
	*exit_now = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":l:p:qhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (o->naddrs == LISTENER_MAX)
				return err_set(e, ERR_USAGE, "at most %d -l options", LISTENER_MAX);
			o->addrs[o->naddrs++] = optarg;
			break;
		case 'p':
			if (parse_number("-p", optarg, 0, 65535, &v, e) != 0)
				return -1;
			o->port = (unsigned)v;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case 'h':
			usage(stdout);
			*exit_now = 1;
			return 0;
		case 'V':
			printf("skua-notifyd %s\n", PACKAGE_VERSION);
			*exit_now = 1;
			return 0;
		case OPT_TOKEN_FILE:
			o->token_file = optarg;
			break;
		case OPT_EXEC:
			o->exec = optarg;
			break;
		case OPT_INSECURE:
			o->insecure = 1;
			break;
		case OPT_MAX_CLIENTS:
			if (parse_number("--max-clients", optarg, 1, 4096, &v, e) != 0)
				return -1;
			o->max_clients = (int)v;
			break;
		case OPT_IDLE_TIMEOUT:
			if (parse_number("--idle-timeout", optarg, 1, 3600, &v, e) != 0)
				return -1;
			o->idle_timeout_s = (int)v;
			break;
		case ':':
			return err_set(e, ERR_USAGE, "option %s needs an argument",
			               argv[optind - 1]);
		default:
			return err_set(e, ERR_USAGE, "unknown option %s (see skua-notifyd -h)",
			               argv[optind - 1]);
		}
	}
	if (optind < argc)
		return err_set(e, ERR_USAGE, "unexpected argument '%s' (see skua-notifyd -h)",
		               argv[optind]);
	if (o->naddrs == 0)
		o->addrs[o->naddrs++] = DEFAULT_ADDR;
	return 0;
}

/* Every client holds a descriptor: make sure the limit allows them all. */
static int raise_fd_limit(int max_clients, struct err *e)
{
	struct rlimit rl;
	rlim_t need = (rlim_t)max_clients + LISTENER_MAX + 32;

	if (getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur >= need)
		return 0;
	if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < need)
		return err_set(e, ERR_USAGE,
		               "--max-clients %d needs %lu file descriptors, the limit is %lu",
		               max_clients, (unsigned long)need, (unsigned long)rl.rlim_max);
	rl.rlim_cur = need;
	if (setrlimit(RLIMIT_NOFILE, &rl) != 0)
		return err_set(e, ERR_USAGE, "cannot raise the file descriptor limit to %lu: %s",
		               (unsigned long)need, strerror(errno));
	return 0;
}

static int run(const struct options *o, struct err *e)
{
	struct listener ls[LISTENER_MAX];
	size_t nls = 0;
	char *token = NULL;
	struct runner *runner = NULL;
	struct server *s = NULL;
	int rc = -1;

	if (o->token_file != NULL) {
		int loose = 0;
		token = notify_token_read_file(o->token_file, &loose, e);
		if (token == NULL)
			return -1;
		if (loose)
			report_info("warning: other users can read the token file %s",
			            o->token_file);
	}
	if (raise_fd_limit(o->max_clients, e) != 0)
		goto out;
	if (o->exec != NULL && (runner = runner_new(o->exec, e)) == NULL)
		goto out;
	for (size_t i = 0; i < o->naddrs; i++)
		if (listener_open(o->addrs[i], (uint16_t)o->port, token != NULL || o->insecure, ls,
		                  LISTENER_MAX, &nls, e) != 0)
			goto out;
	struct server_config cfg = {
	    .token = token,
	    .max_clients = o->max_clients,
	    .idle_timeout_ms = o->idle_timeout_s * 1000,
	};
	if ((s = server_new(&cfg, ls, nls, runner, e)) == NULL)
		goto out;
	/* Always printed, -q or not: with -p 0 it is the only way to learn the port. */
	for (size_t i = 0; i < nls; i++)
		fprintf(stderr, "skua-notifyd: listening on %s port %u\n", ls[i].addr,
		        (unsigned)ls[i].port);
	fflush(stderr);
	rc = server_run(s, e);
out:
	server_free(s);
	for (size_t i = 0; i < nls; i++)
		listener_close(&ls[i]);
	runner_free(runner);
	if (token != NULL) {
		explicit_bzero(token, strlen(token));
		free(token);
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct options o;
	struct err e;
	int exit_now;

	err_clear(&e);
	if (parse_options(argc, argv, &o, &exit_now, &e) != 0) {
		fprintf(stderr, "skua-notifyd: %s\n", e.msg);
		return ERR_USAGE;
	}
	if (exit_now)
		return fflush(stdout) == 0 ? 0 : ERR_IO;
	report_init(o.quiet);
	if (run(&o, &e) != 0) {
		fprintf(stderr, "skua-notifyd: %s\n", e.msg);
		return e.code != ERR_NONE ? (int)e.code : ERR_INTERNAL;
	}
	return 0;
}
