/*
 * The relay engine: one UDP socket (BindAddress:BindPort, DF clear) toward
 * Teredo clients, one TUN toward native IPv6, the peer table, and a 100 ms
 * timer for bubble retries and expiry.  Single-threaded on one libevent
 * base.  Packets move in batches: recvmmsg on the socket, up to
 * RELAY_BATCH reads from the TUN per wake-up, and every datagram to
 * clients goes out through one sendmmsg per batch.  Input packet and
 * Output packet (pktio.h) replace the socket and the TUN on the hot path
 * and keep them for what must go the kernel's way.
 */
#ifndef TD_RELAY_H
#define TD_RELAY_H

#include <stdint.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "counters.h"
#include "icmp6err.h"
#include "log.h"
#include "peers.h"
#include "pktio.h"
#include "tun.h"
#include "verdict.h"

#define RELAY_BATCH	64
#define RELAY_BUF	2048
#define RELAY_TICK_MS	100
/* Room in front of every datagram to clients for its IPv4+UDP header. */
#define RELAY_HR	32

struct event;
struct event_base;
struct td_config;

/*
 * Datagrams to clients of one batch.  iov[i] is the Teredo payload and
 * has RELAY_HR writable bytes in front of it (Output packet writes the
 * IPv4+UDP header there); msg[0..n) is what goes to the UDP socket.
 */
struct relay_out {
	struct mmsghdr		msg[RELAY_BATCH];
	struct iovec		iov[RELAY_BATCH];
	struct sockaddr_in	to[RELAY_BATCH];
	uint8_t			copy[RELAY_BATCH][RELAY_HR + RELAY_BUF];
	unsigned int		n;
};

struct relay {
	const struct td_config	*cfg;
	struct td_policy	 pol;
	struct peers		 peers;
	struct counters		 ctr;
	struct icmp6err		 icmp;
	struct log_rl		 rl;
	int			 udp;
	struct tun_dev		 tun;
	struct event		*ev_udp, *ev_tun, *ev_tick;
	uint64_t		 now;		/* read once per batch */

	struct mmsghdr		 rmsg[RELAY_BATCH];
	struct iovec		 riov[RELAY_BATCH];
	struct sockaddr_in	 rfrom[RELAY_BATCH];
	uint8_t			 rbuf[RELAY_BATCH][RELAY_BUF];
	uint8_t			 tbuf[RELAY_BATCH][RELAY_HR + RELAY_BUF];
	struct relay_out	 out;
	uint8_t			 scratch[RELAY_BUF];
	struct pktio		 pio;
};

/* Opens the socket, the TUN and the tables (as root); 0 or -1 logged. */
int	relay_open(struct relay *, const struct td_config *);
/* Registers the I/O and timer events. */
int	relay_start(struct relay *, struct event_base *);
void	relay_close(struct relay *);

/*
 * The per-packet entry points.  A native pkt has RELAY_HR writable bytes
 * in front of it; hop: 1 when the kernel did not forward it to us (Input
 * packet), so the relay is the hop that decrements the hop limit.
 */
void	relay_from_client(struct relay *, uint8_t *payload, size_t len,
	    const struct sockaddr_in *from);
void	relay_from_native(struct relay *, uint8_t *pkt, size_t len, int hop);
/* A native packet too long to copy: Packet Too Big, nothing else. */
void	relay_native_oversize(struct relay *, const uint8_t *pkt, size_t len);
/*
 * The kernel paths: one packet into the TUN (its hop limit raised by one
 * first: the kernel's forwarding takes that hop, and the packet leaves
 * with the hop limit teredod chose); msg[k] of out = entry i.
 */
void	relay_tun_write(struct relay *, uint8_t *pkt, size_t len);
void	relay_out_msg(struct relay_out *, unsigned int k, unsigned int i);
void	relay_tick(struct relay *);
void	relay_flush(struct relay *);

#endif /* TD_RELAY_H */
