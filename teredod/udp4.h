/*
 * The IPv4+UDP envelope of Teredo datagrams when teredod handles it
 * itself instead of the kernel's UDP socket (Input packet / Output
 * packet, pktio.h).  Every byte goes through common/inet.c (ip4_parse,
 * udp_parse, ip4_write, udp_build, the RFC 1071 checksums); this file
 * only says what a relay accepts and what it sends.  Pure: no I/O.
 */
#ifndef TD_UDP4_H
#define TD_UDP4_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "inet.h"
#include "verdict.h"

#define TD_UDP4_HDR	(IP4_HDR_LEN + UDP_HDR_LEN)	/* what we prepend */

/* How the UDP checksum of a received frame stands (ring status bits). */
enum td_csum_state {
	TD_CSUM_CHECK,		/* verify it here */
	TD_CSUM_VALID,		/* the NIC verified it (TP_STATUS_CSUM_VALID) */
	TD_CSUM_LOCAL,		/* a local sender's, left to offload */
};

struct td_udp4_in {
	struct in_addr	src;
	uint16_t	sport;		/* host order */
	const uint8_t	*payload;	/* inside the frame */
	size_t		len;
};

/*
 * A frame the ring took as UDP to dst:port (the filter's promise is
 * checked again, not trusted): IPv4 header sane (version, IHL, lengths,
 * header checksum, options well formed, no fragment), source a possible
 * host (not 0/8, 127/8, multicast, class E, broadcast), UDP length
 * within the packet, checksum correct unless zero (none, legal over
 * IPv4) or vouched for.  0 and *in, or the drop counter.
 */
int	td_udp4_parse(const uint8_t *frame, size_t len, enum td_csum_state,
	    struct in_addr dst, uint16_t port, struct td_udp4_in *in);

/*
 * Write the 28-byte IPv4+UDP header in front of the len payload bytes at
 * hdr + TD_UDP4_HDR: source src:sport, DF clear (RFC 4380 5.1.2), TTL
 * 64, the given ID, UDP checksum over the payload.
 */
void	td_udp4_write(uint8_t *hdr, size_t len, struct in_addr src,
	    uint16_t sport, struct in_addr dst, uint16_t dport, uint16_t id);

#endif /* TD_UDP4_H */
