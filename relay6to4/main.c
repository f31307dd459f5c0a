/*
 * relay6to4: the IPv6 -> IPv4 half of a 6to4 relay (RFC 3056, RFC 3964).
 *
 * One process, one thread, one event base.  The kernel routes 2002::/16
 * into our TUN; r64_process() (relay6to4/r64.c) checks each packet and
 * wraps it in IPv4 protocol 41 from our unique 192.88.99.X to the site's
 * V4ADDR, written back into the same TUN for the kernel to route.  ICMPv6
 * errors (Time Exceeded, Packet Too Big) go back the same way as IPv6.
 *
 * fds: the TUN (EV_READ|EV_PERSIST -> tunbatch), the control socket
 * (daemon.h), signals.  Output packet adds an AF_PACKET socket on
 * OutputInterface and a netlink socket (pktout.h), refreshed by a
 * one-second timer.  Privileges are dropped once all are open.
 */
#include <sys/random.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>

#include <event2/event.h>

#include "daemon.h"
#include "log.h"
#include "pktout.h"
#include "pktring.h"
#include "privdrop.h"
#include "sandbox.h"
#include "relay_io.h"
#include "relay6to4/r64.h"
#include "tun.h"
#include "tunbatch.h"

#define RELAY6TO4_CONF	"/etc/justforward/relay6to4.conf"
/* The TUN takes any size, so that oversize packets reach our PTB path. */
#define RELAY6TO4_TUN_MTU	65535

static struct r64		eng;
static struct tunbatch		tb;
/* Input packet: the ring and the tunbatch it feeds (output: the TUN). */
static struct tunbatch		tbp;
static struct pktring		ring;
/* Output packet: one pktout for both tunbatches (the TUN: kernel path). */
static struct pktout		po;
static struct relay_io		io = { &tb, &tbp, &ring, 0, NULL, NULL };

static void
r64_status(void *arg, struct ctl_reply *rep)
{
	const struct r64	*r = arg;
	char			 buf[INET_ADDRSTRLEN];

	ctl_reply_printf(rep, "interface %s", r->conf.ifname);
	ctl_reply_printf(rep, "source %s",
	    inet_ntop(AF_INET, &r->conf.source, buf, sizeof(buf)));
	ctl_reply_printf(rep, "mtu %u", r->conf.mtu);
	relay_io_status(rep, &io);
}

/*
 * Input packet: the relay's packets come from a ring on the ingress
 * interface (the ingress drop rule keeps the kernel from forwarding its
 * own copy); the TUN stays the output, and is still read for what is
 * routed into it.  Needs CAP_NET_RAW: before privdrop.
 */
static void
r64_input_packet_open(const struct r64_conf *c, int tunfd)
{
	struct sock_filter	prog[PKTRING_FILTER_MAX];
	size_t			n;

	n = pktring_filter_ip6_16(prog, 0x2002);
	if (pktring_open(&ring, c->input_if, prog, n, 0) == -1)
		fatal("packet input on %s", c->input_if);
	/* No kernel forwarding before the ring: the relay is the hop. */
	if (tunbatch_init(&tbp, tunfd, c->batch, r64_verdict_ring, &eng) ==
	    -1)
		fatal("tunbatch");
	if (c->output == R64_OUTPUT_RAW && tunbatch_open_raw(&tbp) == -1)
		fatal("raw output sockets");
	if (c->output == R64_OUTPUT_PACKET &&
	    tunbatch_open_packet(&tbp, &po) == -1)
		fatal("packet output");
	tunbatch_set_input(&tbp, pktring_fill, &ring);
}

int
main(int argc, char *argv[])
{
	struct daemon_opts	 o;
	struct daemon		 d;
	struct r64_conf		 cfg;
	struct tun_dev		 tun;
	struct event		*ev_tun, *ev_pkt = NULL, *ev_po = NULL;
	struct timeval		 po_sec = { 1, 0 };
	uint8_t			 seed[IP4_IDGEN_SEED_LEN];
	char			 abuf[INET_ADDRSTRLEN];

	sandbox_close_inherited();
	daemon_opts_parse(&o, "relay6to4", RELAY6TO4_CONF, argc, argv);
	daemon_config_checked(&o, r64_conf_keys, &cfg, r64_conf_check);
	daemon_init(&d, "relay6to4", &o);

	if (getrandom(seed, sizeof(seed), 0) != sizeof(seed))
		fatal("getrandom");
	r64_init(&eng, &cfg, seed);
	if (tun_open(cfg.ifname, 0, &tun) == -1)
		fatal("tun_open %s", cfg.ifname);
	if (tun_configure(&tun, RELAY6TO4_TUN_MTU, cfg.txqueuelen) == -1)
		fatal("tun_configure %s", tun.name);
	if (tunbatch_init(&tb, tun.fd, cfg.batch, r64_verdict, &eng) == -1)
		fatal("tunbatch");
	/* Raw sockets need CAP_NET_RAW, only to open them. */
	if (cfg.output == R64_OUTPUT_RAW && tunbatch_open_raw(&tb) == -1)
		fatal("raw output sockets");
	/* So does the packet socket; the netlink reads need nothing. */
	if (cfg.output == R64_OUTPUT_PACKET) {
		relay_io_pktout_open(&po, o.conf_path, cfg.output_if,
		    cfg.output_gw4, &cfg.output_gw6);
		if (tunbatch_open_packet(&tb, &po) == -1)
			fatal("packet output");
		io.po = &po;
	}
	if (cfg.input == R64_INPUT_PACKET)
		r64_input_packet_open(&cfg, tun.fd);
	if (daemon_ctl_open(&d, cfg.ctlsock, &eng.cnt, r64_status, &eng, NULL,
	    NULL) == -1)
		fatalx("control socket %s", cfg.ctlsock);
	if (privdrop(cfg.user, NULL, 0) == -1)
		fatalx("privilege drop failed");

	ev_tun = event_new(d.base, tun.fd, EV_READ | EV_PERSIST,
	    tunbatch_event_cb, &tb);
	if (ring.map != NULL && ((ev_pkt = event_new(d.base, ring.fd,
	    EV_READ | EV_PERSIST, tunbatch_event_cb, &tbp)) == NULL ||
	    event_add(ev_pkt, NULL) == -1))
		fatalx("event setup");
	if (ev_tun == NULL || event_add(ev_tun, NULL) == -1)
		fatalx("event setup");
	log_info("relaying on %s, source %s", tun.name,
	    inet_ntop(AF_INET, &cfg.source, abuf, sizeof(abuf)));
	if (io.po != NULL && ((ev_po = event_new(d.base, -1, EV_PERSIST,
	    relay_io_pktout_tick, &po)) == NULL ||
	    event_add(ev_po, &po_sec) == -1))
		fatalx("event setup");
	if (sandbox_enter(SANDBOX_RELAY6TO4) == -1)
		fatalx("sandbox");
	daemon_ready(&d);
	daemon_run(&d);

	event_free(ev_tun);
	if (ev_pkt != NULL) {
		event_free(ev_pkt);
		tunbatch_free(&tbp);
		pktring_close(&ring);
	}
	tunbatch_free(&tb);
	if (ev_po != NULL) {
		event_free(ev_po);
		pktout_close(&po);
	}
	tun_close(&tun);
	r64_free(&eng);
	daemon_fini(&d);
	return 0;
}
