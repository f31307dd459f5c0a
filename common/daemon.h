/*
 * The wiring every daemon shares, so that each main.c stays small:
 *
 *	struct daemon_opts	 o;
 *	struct daemon		 d;
 *
 *	daemon_opts_parse(&o, "relay4to6", RELAY4TO6_CONF, argc, argv);
 *	daemon_config(&o, r46_conf_keys, &cfg);	// -n prints and exits here
 *	daemon_init(&d, "relay4to6", &o);	// log, event base, signals
 *	... open TUN and sockets as root ...
 *	daemon_ctl_open(&d, cfg.control_socket, &counters, status_cb, eng,
 *	    extra_cmds, eng);
 *	privdrop(cfg.user, NULL, 0) == -1 && fatalx(...);
 *	daemon_ready(&d);			// state running, READY=1
 *	daemon_run(&d);				// until SIGINT/SIGTERM
 *	... free engine ...
 *	daemon_fini(&d);
 *
 * Options: -c FILE (config), -n (check config, print it normalized, exit
 * 0; a bad config prints "file:line: key: why" on stderr and exits 1),
 * -f (foreground: log to stderr instead of syslog), -d (debug; repeat for
 * more), -h.  The daemon never forks: systemd runs it as Type=notify.
 */
#ifndef JF_DAEMON_H
#define JF_DAEMON_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "ctl.h"

struct event;
struct event_base;
struct counters;
struct sdnotify_watchdog;

struct daemon_opts {
	const char	*conf_path;
	int		 check_only;	/* -n */
	int		 foreground;	/* -f */
	int		 verbose;	/* -d count */
};

/* Daemon-specific lines appended to "status" (after the standard ones). */
typedef void	(*daemon_status_fn)(void *arg, struct ctl_reply *);
/* Called in loop context on SIGINT/SIGTERM, before the loop exits. */
typedef void	(*daemon_stop_fn)(void *arg);

struct daemon {
	const char		*name;
	struct event_base	*base;
	const char		*state;		/* starting|running|draining|stopping */
	uint64_t		 start_ms;	/* clock_mono_ms() at init */
	int			 stop_signal;	/* signal that stopped the loop */

	/* Private. */
	const struct counters	*counters;
	daemon_status_fn	 status_fn;
	void			*status_arg;
	daemon_stop_fn		 stop_fn;
	void			*stop_arg;
	const struct ctl_command *cmds;
	void			*cmd_arg;
	struct ctl_command	*table;
	struct ctl_server	*ctl;
	struct event		*ev_sigint;
	struct event		*ev_sigterm;
	struct event		*ev_sighup;
	struct sdnotify_watchdog *wd;
};

/*
 * -c -n -f -d -h.  default_conf (may be NULL: then -c is required) is used
 * without -c.  Exits 0 after -h, 1 on a usage error.
 */
void	daemon_opts_parse(struct daemon_opts *, const char *progname,
	    const char *default_conf, int argc, char **argv);
/*
 * conf_load() the file into cfg.  On error print the "file:line: key:
 * why" line on stderr and exit 1.  With -n, print the normalized config on
 * stdout and exit 0.  Returns only when the daemon should start.
 */
void	daemon_config(const struct daemon_opts *, const struct conf_key *,
	    void *cfg);
/*
 * The same with a daemon-specific check run after conf_load() (relations
 * between keys); it returns 0, or -1 with "file:line: key: why" in err.
 */
typedef int	(*daemon_conf_check_fn)(const char *path, void *cfg,
		    char *err, size_t errlen);
void	daemon_config_checked(const struct daemon_opts *,
	    const struct conf_key *, void *cfg, daemon_conf_check_fn);
/* log_init, event base, SIGINT/SIGTERM handlers, SIGPIPE ignored. */
void	daemon_init(struct daemon *, const char *name,
	    const struct daemon_opts *);
void	daemon_on_stop(struct daemon *, daemon_stop_fn, void *arg);
/*
 * Open the control socket answering "status" and "stats" (from counters,
 * may be NULL) plus cmds (may be NULL, ends with {NULL}; called with
 * cmd_arg).  0, or -1 logged.
 */
int	daemon_ctl_open(struct daemon *, const char *path,
	    const struct counters *, daemon_status_fn, void *status_arg,
	    const struct ctl_command *cmds, void *cmd_arg);
void	daemon_set_state(struct daemon *, const char *state);
/* State "running", sd_notify READY=1 and STATUS, watchdog timer. */
void	daemon_ready(struct daemon *);
/* Run the loop until a stop signal; 0 after a clean stop, -1 on error. */
int	daemon_run(struct daemon *);
/* Ask the loop to stop (as SIGTERM does), e.g. from a ctl command. */
void	daemon_stop(struct daemon *);
/* Close the control socket, signals and the event base. */
void	daemon_fini(struct daemon *);
uint64_t daemon_uptime_s(const struct daemon *);

/* The standard commands, usable in any ctl table whose arg is a daemon. */
int	daemon_ctl_status(void *daemon, int, char **, struct ctl_reply *);
int	daemon_ctl_stats(void *daemon, int, char **, struct ctl_reply *);

#endif /* JF_DAEMON_H */
