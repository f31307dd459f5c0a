/*
 * nexthop: the one link-layer next hop that packet output (pktout.h)
 * sends a family's packets to, learnt from the kernel over rtnetlink, off
 * the hot path.  Per address family: the gateway (configured, or the
 * gateway of the main table's default route through the output
 * interface) and its MAC from the kernel's neighbour table.  A refresh
 * (the daemons run it once a second) re-reads both; the packets in
 * between go to the MAC read last.
 *
 * Why one next hop: a relay VM has one way out, its uplink's gateway.  A
 * host with several ways out keeps `Output tun`, where the kernel routes
 * every packet.
 *
 * Keeping the neighbour entry honest: packet output bypasses the kernel's
 * neighbour state machine, so the entry would go STALE and never be
 * checked again (a VRRP/failover gateway could move and we would not
 * notice).  After each refresh one packet of the family is sent through
 * the kernel path instead (nexthop_take_kick): the kernel then moves a
 * STALE entry through DELAY/PROBE, and if the gateway stopped answering
 * the entry goes FAILED, the next refresh sees that and every packet
 * takes the kernel path (which resolves again) until the entry is usable.
 *
 * The wire formats (RTM_GETROUTE dump, RTM_GETNEIGH) live here only; the
 * parsers read through the pbuf cursor and are pure (unit tests, fuzzer).
 */
#ifndef JF_NEXTHOP_H
#define JF_NEXTHOP_H

#include <stddef.h>
#include <stdint.h>

#define NEXTHOP_ADDR_MAX	16
#define NEXTHOP_MAC_LEN		6

struct nexthop_stats {
	uint64_t	refreshes;
	uint64_t	refresh_errors;	/* netlink failed or answered garbage */
	uint64_t	no_gateway;	/* no default route via the interface */
	uint64_t	unusable;	/* refreshes that found no usable MAC */
	uint64_t	kicks;		/* packets sent the kernel's way */
};

struct nexthop {
	int			family;		/* AF_INET or AF_INET6 */
	unsigned int		ifindex;	/* the output interface */
	int			gw_fixed;	/* gateway from config */
	int			gw_known;
	uint8_t			gw[NEXTHOP_ADDR_MAX];	/* IPv4: gw[0..3] */
	uint8_t			mac[NEXTHOP_MAC_LEN];
	uint16_t		nud_state;	/* NUD_* seen last, 0: none */
	int			usable;		/* mac can be used now */
	int			kick;		/* next packet: kernel path */
	struct nexthop_stats	stats;
};

/* gw: NULL to follow the default route through ifindex. */
void	nexthop_init(struct nexthop *, int family, unsigned int ifindex,
	    const void *gw);
/* A NETLINK_ROUTE socket for refreshes (unprivileged; -1 with errno). */
int	nexthop_socket(void);
/*
 * Re-read the gateway (unless fixed) and its neighbour entry; sets
 * usable and, when usable, kick.  Blocks at most ~100 ms on netlink.
 * 0: usable, -1: not (the packets take the kernel path meanwhile).
 */
int	nexthop_refresh(struct nexthop *, int nlfd);
/*
 * Hot path: 1 if this packet must take the kernel path (no usable MAC,
 * or the once-per-refresh kick, which this call consumes).  stats.kicks
 * counts the kicks only, not the packets of an unusable family.
 */
int	nexthop_take_kick(struct nexthop *);
/* "REACHABLE", "STALE", ... "none" (status lines). */
const char *nexthop_state_name(uint16_t nud_state);
/*
 * One status line's worth: "gw 192.0.2.1 mac 02:00:5e:00:53:01 REACHABLE
 * usable" (or "no gateway").  Returns buf.
 */
const char *nexthop_format(const struct nexthop *, char *buf, size_t len);

/*
 * The pure half: parsers of one recv() buffer of netlink replies (several
 * nlmsghdr), no system call, used by nexthop_refresh, the unit tests and
 * the fuzzer.  Messages whose seq or portid are not the query's are
 * skipped (a late answer to an earlier request).  Each returns
 *   NEXTHOP_PARSE_MORE  the dump goes on in the next buffer,
 *   NEXTHOP_PARSE_DONE  NLMSG_DONE (or an ACK) ended it,
 *   NEXTHOP_PARSE_BAD   a length that does not fit, NLMSG_ERROR/OVERRUN
 * and accumulates what it found into the answer across buffers.
 */
#define NEXTHOP_PARSE_BAD	(-1)
#define NEXTHOP_PARSE_MORE	0
#define NEXTHOP_PARSE_DONE	1

/* The usable neighbour states (REACHABLE STALE DELAY PROBE PERMANENT NOARP). */
#define NEXTHOP_NUD_USABLE	(0x02 | 0x04 | 0x08 | 0x10 | 0x80 | 0x40)

struct nexthop_query {
	uint32_t	seq;		/* of our request */
	uint32_t	portid;		/* our socket's; 0: any */
	int		family;		/* AF_INET or AF_INET6 */
	unsigned int	ifindex;
	uint8_t		gw[NEXTHOP_ADDR_MAX];	/* neighbour: whose entry */
};

struct nexthop_answer {
	int		found;
	int		nlerr;		/* NLMSG_ERROR's errno, 0: none */
	uint32_t	priority;	/* route: RTA_PRIORITY of the best */
	uint8_t		gw[NEXTHOP_ADDR_MAX];	/* route: its gateway */
	uint8_t		mac[NEXTHOP_MAC_LEN];	/* neighbour: NDA_LLADDR */
	int		has_mac;
	uint16_t	nud_state;	/* neighbour: NUD_* */
};

/*
 * RTM_NEWROUTE messages of a dump: the main table's unicast default route
 * (dst_len 0) with a gateway through q->ifindex (RTA_OIF, or a nexthop of
 * RTA_MULTIPATH); of several, the lowest RTA_PRIORITY.
 */
int	nexthop_parse_routes(const void *buf, size_t len,
	    const struct nexthop_query *q, struct nexthop_answer *a);
/* RTM_NEWNEIGH messages: the entry of q->gw on q->ifindex. */
int	nexthop_parse_neigh(const void *buf, size_t len,
	    const struct nexthop_query *q, struct nexthop_answer *a);
/* The requests (wbuf): a route dump of q->family, a neighbour dump of
 * q->family on q->ifindex.  Length written, 0 if cap is too small. */
size_t	nexthop_build_route_dump(void *buf, size_t cap,
	    const struct nexthop_query *q);
size_t	nexthop_build_neigh_dump(void *buf, size_t cap,
	    const struct nexthop_query *q);

#endif /* JF_NEXTHOP_H */
