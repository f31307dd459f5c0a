/*
 * Input packet / Output packet: teredod's kernel bypass (see
 * docs/teredod.md "Input packet, Output packet").
 *
 * Input: a TPACKET_V3 ring (common/pktring.h) on InputInterface takes
 * clients' unfragmented UDP to BindAddress:BindPort before the ingress
 * hooks (an nft netdev drop rule keeps the kernel from delivering its
 * own copy to the socket); teredod checks the IPv4+UDP envelope itself
 * (udp4.h, checksum included).  A second ring on NativeInputInterface
 * takes native IPv6 to 2001::/32 instead of the kernel forwarding it
 * into the TUN; teredod is then the forwarding hop (hop limit).
 * Fragments and anything else the filters do not take keep the kernel
 * path: the UDP socket and the TUN are still read.
 *
 * Output: datagrams to clients get their IPv4+UDP header from teredod
 * and go to OutputInterface's driver through common/pktout.h; relayed
 * native IPv6 goes to NativeOutputInterface's (or the same pktout).  What
 * pktout cannot take (no usable next hop, the refresh kick, too big, a
 * refused send) goes the kernel's way: the UDP socket or the TUN.
 */
#ifndef TD_PKTIO_H
#define TD_PKTIO_H

#include <stddef.h>
#include <stdint.h>

#include "inet.h"
#include "pktout.h"
#include "pktring.h"

#define PKTIO_BATCH	64		/* = RELAY_BATCH */

struct ctl_reply;
struct event;
struct event_base;
struct relay;
struct td_config;

struct pktio {
	int			 in;		/* Input packet */
	struct pktring		 ring4;		/* clients' UDP */
	struct pktring		 ring6;		/* native 2001::/32 */
	uint64_t		 kdrops4, kdrops6;
	uint64_t		 csum_checked, csum_nic, csum_local;
	uint64_t		 csum6_completed;
	int			 npo;		/* pktouts open: 0, 1 or 2 */
	struct pktout		 po[2];
	struct pktout		*out4, *out6;	/* NULL: the kernel's way */
	struct ip4_idgen	 idgen;
	uint64_t		 tun_fallback, sock_fallback;
	struct event		*ev_ring4, *ev_ring6, *ev_refresh;
	struct pktout_msg	 m[PKTIO_BATCH];
	/* Relayed native IPv6 waiting for the batch's pktout_send. */
	uint8_t			*n6pkt[PKTIO_BATCH];
	size_t			 n6len[PKTIO_BATCH];
	unsigned int		 n6;
};

/* Opens the rings and pktouts the config asks for (as root); 0 or -1. */
int	pktio_open(struct pktio *, const struct td_config *);
int	pktio_start(struct pktio *, struct relay *, struct event_base *);
void	pktio_close(struct pktio *);

/* Engine hooks (relay.c): send the batch's datagrams / native packets. */
void	pktio_flush4(struct relay *);
void	pktio_native_add(struct relay *, uint8_t *pkt, size_t len);
void	pktio_flush6(struct relay *);

void	pktio_status(struct ctl_reply *, struct pktio *);

#endif /* TD_PKTIO_H */
