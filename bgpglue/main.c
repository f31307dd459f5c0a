/*
 * bgpglue: announce a relay's prefixes through the local FRR while the
 * relay is healthy, and withdraw them the moment it is not.
 *
 * Two processes (style.md practice 6), joined by two socketpairs that
 * carry fixed-size messages (gmsg.h):
 *  - the health process (this one, dropped to HealthUser): relay control
 *    socket monitor, data-plane probe (raw sockets opened first), checks,
 *    decisions, drain file, bgpglue's own control socket;
 *  - the announcer (forked child, User (frr) without capabilities): the
 *    zebra session, the bgpd hooks, and opening the relay's control
 *    socket for the health process.
 * Either one's death ends the other, and zebra removes the routes when
 * the announcer's zserv socket closes.
 */
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "announce.h"
#include "daemon.h"
#include "glue.h"
#include "log.h"
#include "privdrop.h"
#include "sandbox.h"

#define BGPGLUE_CONF	"/etc/justforward/bgpglue.conf"

static void
bgpglue_load_config(const struct daemon_opts *o, struct glue_conf *cfg)
{
	char	err[1024];

	if (conf_load(o->conf_path, glue_conf_keys, cfg, err,
	    sizeof(err)) == -1 ||
	    glue_conf_check(o->conf_path, cfg, err, sizeof(err)) == -1) {
		fprintf(stderr, "%s\n", err);
		exit(1);
	}
	if (o->check_only) {
		conf_print(stdout, glue_conf_keys, cfg);
		exit(fflush(stdout) == 0 ? 0 : 1);
	}
}

/*
 * The announcer runs as User (frr: zserv.api is frr:frr 0700, so only its
 * owner may connect; frr's groups include frrvty for vtysh in the hooks)
 * with no capabilities, plus the group of the relay's control socket
 * (root:root 0660 as a relay creates it), which it opens for the health
 * process.  docs/bgpglue.md says why nothing more.
 */
static void __attribute__((noreturn))
bgpglue_announcer(const struct daemon_opts *o, const struct glue_conf *cfg,
    int async_fd, int sync_fd)
{
	struct stat	st;
	gid_t		relay_gid[1];
	char		dir[sizeof(cfg->relay_ctl)], *slash;

	log_init("bgpglue-announce", o->foreground, o->verbose);
	signal(SIGPIPE, SIG_IGN);
	if (fcntl(async_fd, F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	/* The relay may not be up yet: then its directory's group. */
	snprintf(dir, sizeof(dir), "%s", cfg->relay_ctl);
	if ((slash = strrchr(dir, '/')) != NULL)
		*(slash == dir ? slash + 1 : slash) = '\0';
	if (stat(cfg->relay_ctl, &st) == -1 && stat(slash != NULL ? dir :
	    ".", &st) == -1)
		fatal("announcer: %s", cfg->relay_ctl);
	relay_gid[0] = st.st_gid;
	if (privdrop_groups(cfg->user, relay_gid, 1, NULL, 0) == -1)
		fatalx("announcer: privilege drop failed");
	exit(announce_main(cfg, async_fd, sync_fd));
}

int
main(int argc, char *argv[])
{
	struct daemon_opts	 o;
	struct daemon		 d;
	static struct glue_conf	 cfg;
	struct glue		*g;
	int			 async[2], sync[2];
	pid_t			 pid;

	sandbox_close_inherited();
	daemon_opts_parse(&o, "bgpglue", BGPGLUE_CONF, argc, argv);
	bgpglue_load_config(&o, &cfg);

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, async) == -1 ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sync) == -1)
		fatal("socketpair");
	if ((pid = fork()) == -1)
		fatal("fork");
	if (pid == 0) {
		close(async[0]);
		close(sync[0]);
		bgpglue_announcer(&o, &cfg, async[1], sync[1]);
	}
	close(async[1]);
	close(sync[1]);

	daemon_init(&d, "bgpglue", &o);
	if (fcntl(async[0], F_SETFL, O_NONBLOCK) == -1)
		fatal("fcntl");
	if ((g = glue_new(d.base, &cfg, async[0], sync[0])) == NULL)
		fatalx("glue setup");	/* probe sockets need root */
	if (daemon_ctl_open(&d, cfg.ctlsock, glue_counters(g), glue_status, g,
	    glue_ctl_commands, g) == -1)
		fatalx("control socket %s", cfg.ctlsock);
	if (privdrop(cfg.health_user, NULL, 0) == -1)
		fatalx("privilege drop failed");
	glue_start(g);
	if (sandbox_enter(SANDBOX_GLUE_HEALTH) == -1)
		fatalx("sandbox");
	daemon_ready(&d);
	daemon_run(&d);

	glue_free(g);
	daemon_fini(&d);
	close(async[0]);	/* the announcer exits, zebra withdraws */
	close(sync[0]);
	waitpid(pid, NULL, 0);
	return 0;
}
