/*
 * pktout: packet output that bypasses the kernel's forwarding path.  A
 * relayed IPv4 or IPv6 packet is handed to the output interface's driver
 * through an AF_PACKET SOCK_DGRAM socket, addressed to the next hop's MAC
 * (nexthop.h), with PACKET_QDISC_BYPASS: no receive, no route lookup, no
 * forwarding, no netfilter, no neighbour lookup, no qdisc per packet.  The
 * relays already do what forwarding would (TTL/hop limit, checksums,
 * MTU/Packet Too Big), so what is left per packet is the driver's.
 *
 * What still needs the kernel goes the kernel's way (TUN write, or the
 * UDP socket in teredod): a family without a usable next hop, the
 * once-per-refresh kick (nexthop.h), a packet longer than the interface
 * MTU (the kernel fragments it or answers with ICMP), and a send the
 * driver refused with EMSGSIZE/ENETDOWN/ENXIO.  pktout_prepare says so by
 * returning 0; the caller counts and routes it.
 *
 * Host firewall rules on the output path (nft/iptables output/forward
 * hooks) do not see these packets: document it wherever Output packet is
 * offered.
 *
 * One pktout per output interface and thread.  The sockets only send (no
 * protocol bound, nothing queues to them).
 *
 * Two back ends for pktout_send (JF_PKTOUT_IO=mmsg|ring picks, for tests
 * and benches; see pktout_open): sendmmsg on po->fd, or a TPACKET_V2 TX
 * ring on a second socket (po->ring.fd, SOCK_RAW with PACKET_VNET_HDR):
 * the packets are copied into the ring's frames behind an Ethernet header
 * built from each message's sockaddr_ll, and the batch goes out with one
 * send().  A socket with a TX ring sends only its ring's frames whatever
 * the msghdr says, so po->fd never gets one: an io_uring SENDMSG on
 * po->fd works with either back end.
 */
#ifndef JF_PKTOUT_H
#define JF_PKTOUT_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <linux/if_packet.h>

#include "nexthop.h"

struct pktout_stats {
	uint64_t	sent;		/* handed to the driver */
	uint64_t	kernel_path;	/* prepare said 0 */
	uint64_t	too_big;	/* of which: longer than the MTU */
	uint64_t	send_errors;	/* the driver refused (caller's fallback) */
	uint64_t	syscalls;
	uint64_t	ring_full;	/* of send_errors: no free frame */
};

/* The TX ring (fd -1: pktout_send uses sendmmsg). */
struct pktout_ring {
	int			fd;
	uint8_t			*map;
	size_t			mapsize;
	unsigned int		frame_size;
	unsigned int		frame_nr;
	unsigned int		head;		/* next frame to fill */
	unsigned int		data_max;	/* packet bytes a frame holds */
	uint8_t			src_mac[6];	/* the interface's */
};

/* One send: what sendmmsg (or an io_uring SENDMSG) reads. */
struct pktout_msg {
	struct mmsghdr		mm;
	struct iovec		iov;
	struct sockaddr_ll	sll;
	size_t			cookie;	/* caller's: which packet this is */
};

struct pktout {
	int			fd;
	unsigned int		ifindex;
	char			ifname[16];
	unsigned int		mtu;	/* re-read by pktout_refresh */
	int			nlfd;	/* nexthop refreshes */
	struct nexthop		nh4;
	struct nexthop		nh6;
	struct pktout_stats	stats;
	int			mtu_err;	/* SIOCGIFMTU failing (logged once) */
	struct pktout_ring	ring;
};

/*
 * Opens the socket on ifname (CAP_NET_RAW: before dropping privileges)
 * and the netlink socket; gw4/gw6: a configured gateway (struct in_addr /
 * struct in6_addr) or NULL to follow the default route through ifname.
 * Runs a first refresh (failure there is not fatal: the kernel path
 * carries the packets until a next hop is usable).  -1 with errno.
 * The environment's JF_PKTOUT_IO picks pktout_send's back end: "mmsg"
 * (sendmmsg), "ring" (TX ring; sendmmsg if the kernel refuses the ring),
 * unset: the ring (PKTOUT_IO_DEFAULT in pktout.c).
 */
int	pktout_open(struct pktout *, const char *ifname, const void *gw4,
	    const void *gw6);
void	pktout_close(struct pktout *);
/* Once a second: the MTU and both next hops. */
void	pktout_refresh(struct pktout *);
/*
 * Hot path, no system call: fill m for the IPv4 or IPv6 packet pkt/len
 * (its first nibble tells the family).  1: send it with pktout_send (or
 * an io_uring SENDMSG of &m->mm.msg_hdr on po->fd); 0: the kernel path.
 */
int	pktout_prepare(struct pktout *, struct pktout_msg *m,
	    const uint8_t *pkt, size_t len);
/*
 * Sends m[0..n-1], MSG_DONTWAIT, retried past EINTR.  Returns how many
 * went out from the start; if fewer than n, *err is the errno of
 * m[returned] (the caller sends that one the kernel's way or counts it,
 * then calls again from returned + 1).  m[i].mm.msg_len is written for
 * the ones that went.
 * sendmmsg: m is an array of pktout_msg, not of mmsghdr: the headers are
 * copied into a contiguous array per sendmmsg (64 at a time).  TX ring:
 * each message's iovecs are copied into a frame; a run of messages with
 * the same sll (ifindex, protocol, MAC) is one send().  With no qdisc,
 * ENOBUFS means the driver's queue was full and the packet was dropped;
 * EAGAIN, the socket send buffer (or every ring frame) was still taken.
 */
size_t	pktout_send(struct pktout *, struct pktout_msg *m, size_t n,
	    int *err);
/* "ring" or "mmsg": pktout_send's back end. */
const char	*pktout_io_name(const struct pktout *);

#endif /* JF_PKTOUT_H */
