/*
 * A relay's I/O outside the engine: status lines, Output packet's setup.
 * See relay_io.h.
 */
#include <arpa/inet.h>
#include <net/if.h>

#include <stdio.h>
#include <string.h>

#include "conf.h"
#include "ctl.h"
#include "log.h"
#include "pktout.h"
#include "pktring.h"
#include "relay_io.h"
#include "tunbatch.h"

static void	relay_io_status_tun(struct ctl_reply *, const struct relay_io *);
static void	relay_io_status_packet(struct ctl_reply *, struct relay_io *);
static void	relay_io_status_output(struct ctl_reply *,
		    const struct pktout *);
static void	relay_io_status_nexthop(struct ctl_reply *,
		    const struct nexthop *, char);

/* TUN I/O figures, kept by tunbatch outside the (pure) engine. */
static void
relay_io_status_tun(struct ctl_reply *rep, const struct relay_io *io)
{
	ctl_reply_printf(rep, "tun_io %s", tunbatch_io_name(io->tb));
	ctl_reply_printf(rep, "output %s", tunbatch_output_name(io->tb));
	ctl_reply_printf(rep, "tun_wakeups %llu",
	    (unsigned long long)io->tb->stats.wakeups);
	ctl_reply_printf(rep, "tun_rx %llu",
	    (unsigned long long)io->tb->stats.rx);
	ctl_reply_printf(rep, "tun_tx %llu",
	    (unsigned long long)io->tb->stats.tx);
	ctl_reply_printf(rep, "tun_read_errors %llu",
	    (unsigned long long)io->tb->stats.read_errors);
	ctl_reply_printf(rep, "tun_write_errors %llu",
	    (unsigned long long)io->tb->stats.write_errors);
	ctl_reply_printf(rep, "tun_syscalls %llu",
	    (unsigned long long)io->tb->stats.syscalls);
	ctl_reply_printf(rep, "raw_tun_fallback %llu",
	    (unsigned long long)(io->tb->stats.raw_tun_fallback +
	    io->tbp->stats.raw_tun_fallback));
}

/* Input packet figures (status lines). */
static void
relay_io_status_packet(struct ctl_reply *rep, struct relay_io *io)
{
	if (io->ring->map == NULL) {
		ctl_reply_printf(rep, "input %s",
		    io->input != NULL ? io->input : "tun");
		return;
	}
	io->kernel_drops += pktring_kernel_drops(io->ring);
	ctl_reply_printf(rep, "input packet");
	ctl_reply_printf(rep, "pkt_wakeups %llu",
	    (unsigned long long)io->tbp->stats.wakeups);
	ctl_reply_printf(rep, "pkt_rx %llu",
	    (unsigned long long)io->tbp->stats.rx);
	ctl_reply_printf(rep, "pkt_tx %llu",
	    (unsigned long long)io->tbp->stats.tx);
	ctl_reply_printf(rep, "pkt_write_errors %llu",
	    (unsigned long long)io->tbp->stats.write_errors);
	ctl_reply_printf(rep, "pkt_syscalls %llu",
	    (unsigned long long)io->tbp->stats.syscalls);
	ctl_reply_printf(rep, "pkt_blocks %llu",
	    (unsigned long long)io->ring->stats.blocks);
	ctl_reply_printf(rep, "pkt_truncated %llu",
	    (unsigned long long)io->ring->stats.truncated);
	ctl_reply_printf(rep, "pkt_csum_partial %llu",
	    (unsigned long long)io->ring->stats.csum_partial);
	ctl_reply_printf(rep, "pkt_bad_frame %llu",
	    (unsigned long long)io->ring->stats.bad_frame);
	ctl_reply_printf(rep, "pkt_kernel_drops %llu",
	    (unsigned long long)io->kernel_drops);
}

/* One family's next hop: gateway, MAC, neighbour state, usable. */
static void
relay_io_status_nexthop(struct ctl_reply *rep, const struct nexthop *nh,
    char v)
{
	char	buf[INET6_ADDRSTRLEN];
	const uint8_t *m = nh->mac;

	if (nh->gw_fixed || nh->gw_known)
		ctl_reply_printf(rep, "output_gw%c %s", v,
		    inet_ntop(nh->family, nh->gw, buf, sizeof(buf)));
	else
		ctl_reply_printf(rep, "output_gw%c none", v);
	if (nh->usable)
		ctl_reply_printf(rep,
		    "output_mac%c %02x:%02x:%02x:%02x:%02x:%02x", v,
		    m[0], m[1], m[2], m[3], m[4], m[5]);
	else
		ctl_reply_printf(rep, "output_mac%c none", v);
	ctl_reply_printf(rep, "output_nud%c %s", v,
	    nexthop_state_name(nh->nud_state));
	ctl_reply_printf(rep, "output_usable%c %d", v, nh->usable ? 1 : 0);
	ctl_reply_printf(rep, "output_kicks%c %llu", v,
	    (unsigned long long)nh->stats.kicks);
	ctl_reply_printf(rep, "output_unusable%c %llu", v,
	    (unsigned long long)nh->stats.unusable);
}

/* Output packet figures (status lines). */
static void
relay_io_status_output(struct ctl_reply *rep, const struct pktout *po)
{
	ctl_reply_printf(rep, "output_interface %s", po->ifname);
	ctl_reply_printf(rep, "output_io %s", pktout_io_name(po));
	ctl_reply_printf(rep, "output_mtu %u", po->mtu);
	relay_io_status_nexthop(rep, &po->nh4, '4');
	relay_io_status_nexthop(rep, &po->nh6, '6');
	ctl_reply_printf(rep, "output_sent %llu",
	    (unsigned long long)po->stats.sent);
	ctl_reply_printf(rep, "output_kernel_path %llu",
	    (unsigned long long)po->stats.kernel_path);
	ctl_reply_printf(rep, "output_too_big %llu",
	    (unsigned long long)po->stats.too_big);
	ctl_reply_printf(rep, "output_send_errors %llu",
	    (unsigned long long)po->stats.send_errors);
	ctl_reply_printf(rep, "output_ring_full %llu",
	    (unsigned long long)po->stats.ring_full);
	ctl_reply_printf(rep, "output_kicks %llu",
	    (unsigned long long)(po->nh4.stats.kicks + po->nh6.stats.kicks));
	ctl_reply_printf(rep, "output_refresh_errors %llu",
	    (unsigned long long)(po->nh4.stats.refresh_errors +
	    po->nh6.stats.refresh_errors));
}

void
relay_io_status(struct ctl_reply *rep, struct relay_io *io)
{
	relay_io_status_tun(rep, io);
	if (io->po != NULL)
		relay_io_status_output(rep, io->po);
	relay_io_status_packet(rep, io);
}

const char *
relay_io_gateway4_bad(struct in_addr a)
{
	uint32_t	h = ntohl(a.s_addr);

	if (h == 0)
		return NULL;
	if ((h >> 24) == 0 || (h >> 24) == 127)
		return "not a unicast address";
	if (h >= 0xe0000000U)
		return "multicast, reserved or broadcast";
	return NULL;
}

const char *
relay_io_gateway6_bad(const struct in6_addr *a)
{
	if (IN6_IS_ADDR_UNSPECIFIED(a))
		return NULL;
	if (IN6_IS_ADDR_MULTICAST(a) || IN6_IS_ADDR_LOOPBACK(a) ||
	    IN6_IS_ADDR_V4MAPPED(a))
		return "not a unicast address";
	return NULL;
}

int
relay_io_output_check(const char *file, int packet, const char *ifname,
    struct in_addr gw4, const struct in6_addr *gw6, char *err, size_t errlen)
{
	const char	*why;

	if (packet && ifname[0] == '\0')
		return conf_fail(err, errlen, file, "Output", 1, "%s",
		    "packet needs OutputInterface");
	if (!packet) {
		if (ifname[0] != '\0')
			return conf_fail(err, errlen, file, "OutputInterface",
			    1, "%s", "only with Output packet");
		if (gw4.s_addr != INADDR_ANY)
			return conf_fail(err, errlen, file, "OutputGateway4",
			    1, "%s", "only with Output packet");
		if (!IN6_IS_ADDR_UNSPECIFIED(gw6))
			return conf_fail(err, errlen, file, "OutputGateway6",
			    1, "%s", "only with Output packet");
	}
	if (strlen(ifname) >= IFNAMSIZ)
		return conf_fail(err, errlen, file, "OutputInterface", 1, "%s",
		    "interface name too long");
	if ((why = relay_io_gateway4_bad(gw4)) != NULL)
		return conf_fail(err, errlen, file, "OutputGateway4", 1, "%s",
		    why);
	if ((why = relay_io_gateway6_bad(gw6)) != NULL)
		return conf_fail(err, errlen, file, "OutputGateway6", 1, "%s",
		    why);
	return 0;
}

void
relay_io_pktout_open(struct pktout *po, const char *file, const char *ifname,
    struct in_addr gw4, const struct in6_addr *gw6)
{
	char	err[512];

	if (if_nametoindex(ifname) == 0) {
		conf_fail(err, sizeof(err), file, "OutputInterface", 1,
		    "no such interface: %s", ifname);
		fatalx("%s", err);
	}
	if (pktout_open(po, ifname, gw4.s_addr != INADDR_ANY ? &gw4 : NULL,
	    IN6_IS_ADDR_UNSPECIFIED(gw6) ? NULL : gw6) == -1)
		fatal("packet output on %s", ifname);
}

void
relay_io_pktout_tick(int fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	pktout_refresh(arg);
}
