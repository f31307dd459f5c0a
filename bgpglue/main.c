/*
 * bgpglue: announce a relay's prefixes through the local FRR while the
 * relay is healthy, and withdraw them the moment it is not.
 *
 * One process, one event base: the zebra session (zclient.c), the relay's
 * control socket (ctlmon.c), bgpglue's own control socket (daemon.h), a
 * drain-file timer.  The decision logic (check.c, decide.c) has no I/O,
 * so it can move into an unprivileged process later; only zclient.c needs
 * the zserv socket (root or user frr).
 */
#include <linux/capability.h>

#include <stdio.h>
#include <stdlib.h>

#include "daemon.h"
#include "glue.h"
#include "log.h"
#include "privdrop.h"

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

int
main(int argc, char *argv[])
{
	struct daemon_opts	 o;
	struct daemon		 d;
	static struct glue_conf	 cfg;
	struct glue		*g;
	static const int	 keep[] = { CAP_DAC_OVERRIDE };

	daemon_opts_parse(&o, "bgpglue", BGPGLUE_CONF, argc, argv);
	bgpglue_load_config(&o, &cfg);
	daemon_init(&d, "bgpglue", &o);

	if ((g = glue_new(d.base, &cfg)) == NULL)
		fatalx("glue setup");
	if (daemon_ctl_open(&d, cfg.ctlsock, glue_counters(g), glue_status, g,
	    glue_ctl_commands, g) == -1)
		fatalx("control socket %s", cfg.ctlsock);
	/*
	 * zserv.api is frr:frr 0700.  As user frr we own it; staying root we
	 * need CAP_DAC_OVERRIDE for it (and for a relay control socket that
	 * user frr could not open), and nothing else.
	 */
	if (privdrop(cfg.user, cfg.user[0] ? NULL : keep, cfg.user[0] ? 0 :
	    1) == -1)
		fatalx("privilege drop failed");
	glue_start(g);
	daemon_ready(&d);
	daemon_run(&d);

	glue_free(g);
	daemon_fini(&d);
	return 0;
}
