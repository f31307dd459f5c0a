/*
 * teredod: a Teredo relay (RFC 4380 relay role, RFC 5991, the relay parts
 * of RFC 6081) for 2001::/32.
 *
 * One process, one thread, one libevent base.  It owns three fds: the UDP
 * socket on BindAddress:BindPort (every packet to clients leaves from it),
 * the TUN that the host routes 2001::/32 into, and the control socket.
 * Native IPv6 read from the TUN goes to Teredo clients over UDP (after a
 * bubble exchange for peers not yet trusted); UDP from clients is checked
 * and written to the TUN.  The engine is relay.c, the decisions are the
 * pure functions of verdict.c, the state is peers.c.  Input packet and
 * Output packet (pktio.c) add packet rings and AF_PACKET output on the
 * hot path; they are opened with the rest, before the privilege drop.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"

#include "config.h"
#include "control.h"
#include "daemon.h"
#include "log.h"
#include "privdrop.h"
#include "relay.h"
#include "sandbox.h"
#include "state.h"

int
main(int argc, char **argv)
{
	struct daemon_opts	 o;
	struct daemon		 d;
	static struct td_config	 cfg;
	static struct relay	 r;

	sandbox_close_inherited();
	daemon_opts_parse(&o, "teredod", TEREDOD_CONF, argc, argv);
	daemon_config_checked(&o, td_conf_keys, &cfg, td_config_check);
	daemon_init(&d, "teredod", &o);
	if (relay_open(&r, &cfg) == -1)
		fatalx("cannot set up the relay");
	if (daemon_ctl_open(&d, cfg.control_socket, &r.ctr, td_ctl_status, &r,
	    td_ctl_commands, &r) == -1)
		fatalx("control socket %s", cfg.control_socket);
	if (privdrop(cfg.user, NULL, 0) == -1)
		fatalx("cannot drop privileges");
	/* As the user that writes it: root never opens its directory's names. */
	if (cfg.state_file[0] != '\0')
		(void)state_load(cfg.state_file, &r.peers, r.pol.bcast,
		    r.pol.nbcast, r.now);
	if (relay_start(&r, d.base) == -1)
		fatalx("event setup");
	log_info("relaying 2001::/32 on %s, UDP %s:%u, input %s, output %s",
	    r.tun.name, inet_ntoa(cfg.bind_address), cfg.bind_port,
	    cfg.input == TD_IO_PACKET ? "packet" : "kernel",
	    cfg.output == TD_IO_PACKET ? "packet" : "kernel");
	if (sandbox_enter(SANDBOX_TEREDOD) == -1)
		fatalx("sandbox");
	daemon_ready(&d);
	daemon_run(&d);
	if (cfg.state_file[0] != '\0')
		(void)state_save(cfg.state_file, &r.peers, clock_mono_ms());
	relay_close(&r);
	daemon_fini(&d);
	return 0;
}
