/*
 * relay4to6: the IPv4 -> IPv6 half of a 6to4 relay (RFC 3056, RFC 3068).
 *
 * One process, one thread, one event base.  The kernel routes the anycast
 * address (192.88.99.1/32) and the unicast equivalent into our TUN, so we
 * read whole IPv4 packets from it; r46_process() (relay4to6/r46.c) decides
 * about each, and the inner IPv6 packets (or our encapsulated replies) are
 * written back into the same TUN for the kernel to route.
 *
 * fds: the TUN (EV_READ|EV_PERSIST -> tunbatch), the control socket
 * (daemon.h), signals.  A one-second timer expires IPv4 fragments.
 * Output packet adds an AF_PACKET socket on OutputInterface and a netlink
 * socket (pktout.h), refreshed by another one-second timer.  Privileges
 * are dropped after the TUN and the sockets are open.
 * Input xdp loads bpf/relay4to6.bpf.c onto InputInterface through a
 * bpf_link (it goes when we go, kill -9 included); the TUN stays the
 * slow path, and a 100 ms timer adds the program's counters to ours.
 */
#include <sys/random.h>
#include <arpa/inet.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/event.h>
#include <net/if.h>

#include "clock.h"
#include "daemon.h"
#include "log.h"
#include "pktout.h"
#include "pktring.h"
#include "privdrop.h"
#include "sandbox.h"
#include "relay_io.h"
#include "relay4to6/r46.h"
#include "relay4to6/r46_xdp.h"
#include "tun.h"
#include "tunbatch.h"

#define RELAY4TO6_CONF	"/etc/justforward/relay4to6.conf"

static struct r46x		xdp;	/* Input xdp; xdp.obj NULL otherwise */

static void
r46_tick_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	r46_tick(arg, clock_mono_ms());
}

/* Input xdp: the program's counts into ours, ten times a second. */
static void
r46_xdp_sync_cb(evutil_socket_t fd, short what, void *arg)
{
	struct r46	*r = arg;

	(void)fd;
	(void)what;
	if (r46x_sync(&xdp, &r->cnt) == -1)
		log_warn("XDP counters");
}

static struct r46		eng;
static struct tunbatch		tb;
/* Input packet: the ring and the tunbatch it feeds (output: the TUN). */
static struct tunbatch		tbp;
static struct pktring		ring;
/* Output packet: one pktout for both tunbatches (the TUN: kernel path). */
static struct pktout		po;
static struct relay_io		io = { &tb, &tbp, &ring, 0, NULL, NULL };

/* Input xdp: where, and the program's own counts (xdp_ prefixed). */
static void
r46_xdp_status(struct ctl_reply *rep)
{
	uint64_t	v[R46X_NCOUNTERS];
	size_t		i;
	const char	*n;

	ctl_reply_printf(rep, "xdp_interface %s", eng.conf.input_if);
	if (r46x_counters(&xdp, v) == -1)
		return;
	for (i = 0; i < R46X_NCOUNTERS; i++) {
		n = r46x_counter_names[i];
		ctl_reply_printf(rep, "%s%s %llu",
		    strncmp(n, "xdp_", 4) == 0 ? "" : "xdp_", n,
		    (unsigned long long)v[i]);
	}
}

/*
 * Input xdp: load, program and attach (CAP_BPF, CAP_NET_ADMIN: before
 * privdrop).  The TUN path stays as it is for what the program passes.
 */
static void
r46_input_xdp_open(const struct r46_conf *c)
{
	char		err[256];
	unsigned int	ifindex;

	if ((ifindex = if_nametoindex(c->input_if)) == 0)
		fatal("InputInterface %s", c->input_if);
	if (r46x_open(&xdp, NULL, err, sizeof(err)) == -1)
		fatalx("XDP program: %s", err);
	if (r46x_configure(&xdp, &eng) == -1)
		fatal("XDP program configuration");
	if (r46x_attach(&xdp, (int)ifindex, err, sizeof(err)) == -1)
		fatalx("XDP on %s: %s", c->input_if, err);
	io.input = "xdp";
	log_info("XDP fast path on %s", c->input_if);
}

static void
r46_status(void *arg, struct ctl_reply *rep)
{
	const struct r46	*r = arg;

	ctl_reply_printf(rep, "interface %s", r->conf.ifname);
	ctl_reply_printf(rep, "frag_pending %zu", frag4_pending(r->frag));
	ctl_reply_printf(rep, "frag_bytes %zu", frag4_held_bytes(r->frag));
	relay_io_status(rep, &io);
	if (xdp.obj != NULL)
		r46_xdp_status(rep);
}

/*
 * Input packet: the relay's packets come from a ring on the ingress
 * interface (the ingress drop rule keeps the kernel from forwarding its
 * own copy); the TUN stays the output, and is still read for what is
 * routed into it.  Needs CAP_NET_RAW: before privdrop.
 */
static void
r46_input_packet_open(const struct r46_conf *c, int tunfd)
{
	struct sock_filter	prog[PKTRING_FILTER_MAX];
	struct in_addr		own[2];
	size_t			n = 0;

	own[n++] = c->anycast;
	if (c->unicast.s_addr != INADDR_ANY)
		own[n++] = c->unicast;
	n = pktring_filter_ip4(prog, IPPROTO_IPV6, own, n);
	if (pktring_open(&ring, c->input_if, prog, n, 0) == -1)
		fatal("packet input on %s", c->input_if);
	if (tunbatch_init(&tbp, tunfd, c->batch, r46_verdict, &eng) == -1)
		fatal("tunbatch");
	if (c->output == R46_OUTPUT_RAW && tunbatch_open_raw(&tbp) == -1)
		fatal("raw output sockets");
	if (c->output == R46_OUTPUT_PACKET &&
	    tunbatch_open_packet(&tbp, &po) == -1)
		fatal("packet output");
	tunbatch_set_input(&tbp, pktring_fill, &ring);
}

int
main(int argc, char *argv[])
{
	struct daemon_opts	 o;
	struct daemon		 d;
	struct r46_conf		 cfg;
	struct tun_dev		 tun;
	struct event		*ev_tun, *ev_pkt = NULL, *ev_tick, *ev_po = NULL;
	struct event		*ev_xdp = NULL;
	struct timeval		 sec = { 1, 0 }, tenth = { 0, 100000 };
	uint8_t			 seed[IP4_IDGEN_SEED_LEN];
	char			 abuf[INET_ADDRSTRLEN];

	sandbox_close_inherited();
	daemon_opts_parse(&o, "relay4to6", RELAY4TO6_CONF, argc, argv);
	daemon_config_checked(&o, r46_conf_keys, &cfg, r46_conf_check);
	daemon_init(&d, "relay4to6", &o);

	if (getrandom(seed, sizeof(seed), 0) != sizeof(seed))
		fatal("getrandom");
	if (r46_init(&eng, &cfg, seed) == -1)
		fatal("engine");
	if (tun_open(cfg.ifname, 0, &tun) == -1)
		fatal("tun_open %s", cfg.ifname);
	if (tun_configure(&tun, cfg.mtu, cfg.txqueuelen) == -1)
		fatal("tun_configure %s", tun.name);
	if (tunbatch_init(&tb, tun.fd, cfg.batch, r46_verdict, &eng) == -1)
		fatal("tunbatch");
	/* Raw sockets need CAP_NET_RAW, only to open them. */
	if (cfg.output == R46_OUTPUT_RAW && tunbatch_open_raw(&tb) == -1)
		fatal("raw output sockets");
	/* So does the packet socket; the netlink reads need nothing. */
	if (cfg.output == R46_OUTPUT_PACKET) {
		relay_io_pktout_open(&po, o.conf_path, cfg.output_if,
		    cfg.output_gw4, &cfg.output_gw6);
		if (tunbatch_open_packet(&tb, &po) == -1)
			fatal("packet output");
		io.po = &po;
	}
	if (cfg.input == R46_INPUT_PACKET)
		r46_input_packet_open(&cfg, tun.fd);
	if (cfg.input == R46_INPUT_XDP)
		r46_input_xdp_open(&cfg);
	if (daemon_ctl_open(&d, cfg.ctlsock, &eng.cnt, r46_status, &eng, NULL,
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
	ev_tick = event_new(d.base, -1, EV_PERSIST, r46_tick_cb, &eng);
	if (ev_tun == NULL || ev_tick == NULL || event_add(ev_tun, NULL) == -1 ||
	    event_add(ev_tick, &sec) == -1)
		fatalx("event setup");
	log_info("relaying on %s, anycast %s", tun.name,
	    inet_ntop(AF_INET, &cfg.anycast, abuf, sizeof(abuf)));
	if (io.po != NULL && ((ev_po = event_new(d.base, -1, EV_PERSIST,
	    relay_io_pktout_tick, &po)) == NULL ||
	    event_add(ev_po, &sec) == -1))
		fatalx("event setup");
	if (xdp.obj != NULL && ((ev_xdp = event_new(d.base, -1, EV_PERSIST,
	    r46_xdp_sync_cb, &eng)) == NULL || event_add(ev_xdp, &tenth) == -1))
		fatalx("event setup");
	if (sandbox_enter(xdp.obj != NULL ? SANDBOX_RELAY4TO6_XDP :
	    SANDBOX_RELAY4TO6) == -1)
		fatalx("sandbox");
	daemon_ready(&d);
	daemon_run(&d);

	if (ev_xdp != NULL)
		event_free(ev_xdp);
	event_free(ev_tick);
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
	r46x_close(&xdp);
	tun_close(&tun);
	r46_free(&eng);
	daemon_fini(&d);
	return 0;
}
