/*
 * Shared daemon wiring, see daemon.h.
 */
#include <sys/types.h>
#include <sys/stat.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "conf.h"
#include "counters.h"
#include "ctl.h"
#include "daemon.h"
#include "log.h"
#include "sdnotify.h"

static void	daemon_usage(const char *, int) __attribute__((noreturn));
static void	daemon_signal_cb(evutil_socket_t, short, void *);
static int	daemon_ctl_extra(void *, int, char **, struct ctl_reply *);
static void	daemon_ctl_mkdir(const char *);

static const struct ctl_command daemon_std_cmds[] = {
	{ "status", daemon_ctl_status, "daemon, pid, state, uptime and more" },
	{ "stats", daemon_ctl_stats, "every counter" },
	{ NULL, NULL, NULL }
};

static void
daemon_usage(const char *progname, int rc)
{
	fprintf(rc == 0 ? stdout : stderr,
	    "usage: %s [-dfhn] [-c file]\n"
	    "  -c file  configuration file\n"
	    "  -n       check the configuration, print it normalized, exit\n"
	    "  -f       stay in the foreground, log to stderr\n"
	    "  -d       debug logging (repeat for more)\n"
	    "  -h       this help\n", progname);
	exit(rc);
}

void
daemon_opts_parse(struct daemon_opts *o, const char *progname,
    const char *default_conf, int argc, char **argv)
{
	int	ch;

	memset(o, 0, sizeof(*o));
	o->conf_path = default_conf;
	optind = 1;
	while ((ch = getopt(argc, argv, "c:dfhn")) != -1) {
		switch (ch) {
		case 'c':
			o->conf_path = optarg;
			break;
		case 'd':
			o->verbose++;
			break;
		case 'f':
			o->foreground = 1;
			break;
		case 'h':
			daemon_usage(progname, 0);
			/* NOTREACHED */
		case 'n':
			o->check_only = 1;
			break;
		default:
			daemon_usage(progname, 1);
			/* NOTREACHED */
		}
	}
	if (optind != argc || o->conf_path == NULL)
		daemon_usage(progname, 1);
}

void
daemon_config(const struct daemon_opts *o, const struct conf_key *keys,
    void *cfg)
{
	daemon_config_checked(o, keys, cfg, NULL);
}

void
daemon_config_checked(const struct daemon_opts *o,
    const struct conf_key *keys, void *cfg, daemon_conf_check_fn check)
{
	char	err[1024];

	if (conf_load(o->conf_path, keys, cfg, err, sizeof(err)) == -1 ||
	    (check != NULL && check(o->conf_path, cfg, err,
	    sizeof(err)) == -1)) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	if (o->check_only) {
		conf_print(stdout, keys, cfg);
		if (fflush(stdout) == EOF || ferror(stdout))
			exit(1);
		exit(0);
	}
}

static void
daemon_signal_cb(evutil_socket_t sig, short what, void *arg)
{
	struct daemon	*d = arg;

	(void)what;
	log_info("signal %d, stopping", (int)sig);
	d->stop_signal = (int)sig;
	daemon_stop(d);
}

/*
 * A reload would have to reopen the TUN and sockets after the privilege
 * drop, which is exactly what we gave up; so SIGHUP must not kill the
 * daemon (its default action) but say that a restart is the way.
 */
static void
daemon_sighup_cb(evutil_socket_t sig, short what, void *arg)
{
	(void)sig;
	(void)what;
	(void)arg;
	log_info("SIGHUP: configuration reload is not supported, "
	    "restart the daemon to apply changes");
}

void
daemon_stop(struct daemon *d)
{
	d->state = "stopping";
	if (d->stop_fn != NULL)
		d->stop_fn(d->stop_arg);
	event_base_loopexit(d->base, NULL);
}

void
daemon_init(struct daemon *d, const char *name, const struct daemon_opts *o)
{
	memset(d, 0, sizeof(*d));
	d->name = name;
	d->state = "starting";
	d->start_ms = clock_mono_ms();
	log_init(name, o->foreground, o->verbose);
	if (signal(SIGPIPE, SIG_IGN) == SIG_ERR)
		fatal("signal SIGPIPE");
	if ((d->base = event_base_new()) == NULL)
		fatalx("event_base_new failed");
	d->ev_sigint = evsignal_new(d->base, SIGINT, daemon_signal_cb, d);
	d->ev_sigterm = evsignal_new(d->base, SIGTERM, daemon_signal_cb, d);
	d->ev_sighup = evsignal_new(d->base, SIGHUP, daemon_sighup_cb, d);
	if (d->ev_sigint == NULL || d->ev_sigterm == NULL ||
	    d->ev_sighup == NULL ||
	    evsignal_add(d->ev_sigint, NULL) == -1 ||
	    evsignal_add(d->ev_sigterm, NULL) == -1 ||
	    evsignal_add(d->ev_sighup, NULL) == -1)
		fatalx("cannot install signal handlers");
}

void
daemon_on_stop(struct daemon *d, daemon_stop_fn fn, void *arg)
{
	d->stop_fn = fn;
	d->stop_arg = arg;
}

/* Daemon-specific commands: the ctl arg is the daemon, find theirs. */
static int
daemon_ctl_extra(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct daemon			*d = arg;
	const struct ctl_command	*c;

	for (c = d->cmds; c != NULL && c->name != NULL; c++)
		if (strcmp(c->name, argv[0]) == 0)
			return c->fn(d->cmd_arg, argc, argv, r);
	ctl_reply_error(r, "unknown command");
	return -1;
}

/*
 * Create the socket's directory (/run/justforward) when it is missing, as
 * systemd's RuntimeDirectory= would; a failure shows up in the bind.
 */
static void
daemon_ctl_mkdir(const char *path)
{
	char	dir[256], *slash;

	if (strlen(path) >= sizeof(dir))
		return;
	strcpy(dir, path);
	if ((slash = strrchr(dir, '/')) == NULL || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) == -1 && errno != EEXIST)
		log_warn("mkdir %s", dir);
}

int
daemon_ctl_open(struct daemon *d, const char *path,
    const struct counters *cnt, daemon_status_fn status_fn, void *status_arg,
    const struct ctl_command *cmds, void *cmd_arg)
{
	const struct ctl_command	*c;
	size_t				 n = 0, i = 0;

	d->counters = cnt;
	d->status_fn = status_fn;
	d->status_arg = status_arg;
	d->cmds = cmds;
	d->cmd_arg = cmd_arg;
	daemon_ctl_mkdir(path);
	for (c = cmds; c != NULL && c->name != NULL; c++)
		n++;
	n += sizeof(daemon_std_cmds) / sizeof(daemon_std_cmds[0]);
	if ((d->table = calloc(n, sizeof(*d->table))) == NULL) {
		log_warn("daemon_ctl_open");
		return -1;
	}
	for (c = daemon_std_cmds; c->name != NULL; c++)
		d->table[i++] = *c;
	for (c = cmds; c != NULL && c->name != NULL; c++) {
		d->table[i] = *c;
		d->table[i++].fn = daemon_ctl_extra;
	}
	if ((d->ctl = ctl_server_open(d->base, path, d->table, d)) == NULL) {
		log_warn("control socket %s", path);
		free(d->table);
		d->table = NULL;
		return -1;
	}
	return 0;
}

void
daemon_set_state(struct daemon *d, const char *state)
{
	d->state = state;
	sdnotify_status(state);
}

void
daemon_ready(struct daemon *d)
{
	d->state = "running";
	if (sdnotify_send("READY=1\nSTATUS=running") == -1)
		log_warn("sd_notify READY=1");
	d->wd = sdnotify_watchdog_start(d->base);
	log_info("running");
}

int
daemon_run(struct daemon *d)
{
	int	rc;

	rc = event_base_dispatch(d->base);
	if (sdnotify_stopping() == -1)
		log_warn("sd_notify STOPPING=1");
	if (rc == -1) {
		log_warnx("event loop failed");
		return -1;
	}
	return 0;
}

void
daemon_fini(struct daemon *d)
{
	sdnotify_watchdog_stop(d->wd);
	d->wd = NULL;
	ctl_server_close(d->ctl);
	d->ctl = NULL;
	free(d->table);
	d->table = NULL;
	if (d->ev_sigint != NULL)
		event_free(d->ev_sigint);
	if (d->ev_sigterm != NULL)
		event_free(d->ev_sigterm);
	if (d->ev_sighup != NULL)
		event_free(d->ev_sighup);
	d->ev_sigint = d->ev_sigterm = d->ev_sighup = NULL;
	if (d->base != NULL)
		event_base_free(d->base);
	d->base = NULL;
}

uint64_t
daemon_uptime_s(const struct daemon *d)
{
	return (clock_mono_ms() - d->start_ms) / 1000;
}

int
daemon_ctl_status(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct daemon	*d = arg;

	(void)argv;
	if (argc != 1) {
		ctl_reply_error(r, "usage: status");
		return -1;
	}
	ctl_reply_printf(r, "daemon %s", d->name);
	ctl_reply_printf(r, "pid %ld", (long)getpid());
	ctl_reply_printf(r, "state %s", d->state);
	ctl_reply_printf(r, "uptime_s %llu",
	    (unsigned long long)daemon_uptime_s(d));
	if (d->counters != NULL)
		ctl_reply_printf(r, "drops %llu",
		    (unsigned long long)counters_drops(d->counters));
	if (d->status_fn != NULL)
		d->status_fn(d->status_arg, r);
	return 0;
}

int
daemon_ctl_stats(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct daemon	*d = arg;

	(void)argv;
	if (argc != 1) {
		ctl_reply_error(r, "usage: stats");
		return -1;
	}
	if (d->counters != NULL)
		ctl_reply_counters(r, d->counters);
	return 0;
}
