/*
 * Verdicts: pure functions from packet bytes (plus, for the second stage,
 * the peer entry) to an action and a counter.  No I/O, no allocation, no
 * clock reads: the engine (relay.c) applies the action; unit tests and the
 * fuzzer call these directly.
 *
 * Native -> Teredo (a packet read from the TUN), in this order:
 *	malformed IPv6				drop
 *	multicast destination			drop
 *	source Teredo / multicast / unspecified / link-local / loopback  drop
 *	extension header chain we cannot walk to its end (more than
 *	IP6_CHAIN_MAX headers, or truncated)	drop (never a pass)
 *	routing header type 0 (RFC 5095; MTFL-SA-0701 amplification)	drop
 *	destination not in 2001:0::/32		ICMPv6 unreachable (code 3)
 *	embedded client IPv4 not global		drop, silently (RFC 4380 5.4.1)
 *	embedded client IPv4 a LocalSubnet broadcast	drop (RFC 4380 5.4.1)
 *	embedded server IPv4 not global		drop (the bubble would go there)
 *	embedded server IPv4 a LocalSubnet broadcast	drop (the same)
 *	client or server IPv4 is our own	drop (loop, B33)
 *	longer than the MTU			ICMPv6 Packet Too Big
 *	else					to the peer stage
 * Peer stage (tx_peer_decide): valid trusted -> send to the mapping;
 * pending -> queue; failed -> ICMPv6 unreachable; none -> create, queue,
 * bubble.
 *
 * Teredo -> native (a UDP datagram), in this order:
 *	Teredo headers / IPv6 malformed		drop (per-reason counters)
 *	IPv6 source not a Teredo address	drop
 *	UDP source, or the source's client or server IPv4, a LocalSubnet
 *	broadcast				drop (the UDP source becomes the
 *						mapping we send to; RFC 4380 5.4.1)
 *	multicast destination			drop (local discovery; no state)
 *	bubble					RX_BUBBLE (consumed; the peer
 *						stage decides whether it counts)
 *	destination Teredo			drop (no hairpin: loops)
 *	destination not global unicast		drop (not served)
 *	extension header chain too long or truncated	drop
 *	routing header type 0			drop (RFC 5095)
 *	else					RX_FORWARD (hop limit checked by
 *						the engine after the peer stage)
 * Peer stage (rx_peer_check): the UDP source must equal the mapping in the
 * Teredo source address, or the mapping of a trusted entry (learnt from an
 * authenticated bubble), or the packet is a bubble to our keyed nonce
 * address fe80::N (symmetric NATs, RFC 6081 / Miredo's extension).
 */
#ifndef TD_VERDICT_H
#define TD_VERDICT_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "conf.h"
#include "counters.h"
#include "siphash.h"
#include "teredo.h"

struct peer;
struct peers;

#define TD_COUNTERS(X) \
	X(C_RX_PACKETS, "rx_packets") \
	X(C_RX_FORWARDED, "rx_forwarded") \
	X(C_RX_BYTES, "rx_forwarded_bytes") \
	X(C_RX_BUBBLES, "rx_bubbles") \
	X(C_RX_BUBBLES_NONCE, "rx_bubbles_nonce_ok") \
	X(C_RX_UNKNOWN_PEER, "rx_from_unknown_peer") \
	X(C_TX_PACKETS, "tx_packets") \
	X(C_TX_FORWARDED, "tx_forwarded") \
	X(C_TX_BYTES, "tx_forwarded_bytes") \
	X(C_TX_QUEUED, "tx_queued") \
	X(C_TX_DEQUEUED, "tx_dequeued") \
	X(C_BUBBLES_SENT, "bubbles_sent") \
	X(C_BUBBLES_RETRIED, "bubbles_retried") \
	X(C_BUBBLES_SUPPRESSED, "bubbles_suppressed_server_rate") \
	X(C_PEERS_CREATED, "peers_created") \
	X(C_PEERS_TRUSTED, "peers_trusted") \
	X(C_PEERS_GIVEN_UP, "peers_given_up") \
	X(C_PEERS_EVICTED, "peers_evicted") \
	X(C_ICMP6_PTB, "icmp6_packet_too_big") \
	X(C_ICMP6_UNREACH, "icmp6_unreachable") \
	X(C_ICMP6_TIME_EXCEEDED, "icmp6_time_exceeded") \
	X(C_ICMP6_SUPPRESSED, "icmp6_suppressed") \
	X(D_RX_AUTH, "drop_rx_truncated_auth") \
	X(D_RX_ORIGIN, "drop_rx_truncated_origin") \
	X(D_RX_INDICATOR, "drop_rx_bad_indicator") \
	X(D_RX_SHORT, "drop_rx_short") \
	X(D_RX_VERSION, "drop_rx_not_ipv6") \
	X(D_RX_PLEN, "drop_rx_bad_payload_length") \
	X(D_RX_OVERSIZE, "drop_rx_oversize") \
	X(D_RX_SRC_NOT_TEREDO, "drop_rx_src_not_teredo") \
	X(D_RX_SRC_BCAST, "drop_rx_src_broadcast") \
	X(D_RX_MISMATCH, "drop_rx_mapping_mismatch") \
	X(D_RX_BAD_NONCE, "drop_rx_bubble_bad_nonce") \
	X(D_RX_DST_MULTICAST, "drop_rx_dst_multicast") \
	X(D_RX_DST_TEREDO, "drop_rx_dst_teredo") \
	X(D_RX_DST_NOT_SERVED, "drop_rx_dst_not_served") \
	X(D_RX_HLIM, "drop_rx_hop_limit") \
	X(D_RX_RH0, "drop_rx_routing_header0") \
	X(D_RX_EXT_TOO_LONG, "drop_rx_ext_chain_too_long") \
	X(D_RX_EXT_TRUNCATED, "drop_rx_ext_chain_truncated") \
	X(D_RX_TUN, "drop_rx_tun_write") \
	X(D_TX_MALFORMED, "drop_tx_malformed") \
	X(D_TX_DST_MULTICAST, "drop_tx_dst_multicast") \
	X(D_TX_BAD_SRC, "drop_tx_bad_src") \
	X(D_TX_RH0, "drop_tx_routing_header0") \
	X(D_TX_EXT_TOO_LONG, "drop_tx_ext_chain_too_long") \
	X(D_TX_EXT_TRUNCATED, "drop_tx_ext_chain_truncated") \
	X(D_TX_NOT_TEREDO, "drop_tx_dst_not_teredo") \
	X(D_TX_CLIENT_BOGON, "drop_tx_client_not_global") \
	X(D_TX_CLIENT_BCAST, "drop_tx_client_broadcast") \
	X(D_TX_SERVER_BOGON, "drop_tx_server_not_global") \
	X(D_TX_SERVER_BCAST, "drop_tx_server_broadcast") \
	X(D_TX_OWN_ADDR, "drop_tx_own_address") \
	X(D_TX_TOO_BIG, "drop_tx_too_big") \
	X(D_TX_QUEUE_FULL, "drop_tx_queue_full") \
	X(D_TX_POOL_EMPTY, "drop_tx_queue_pool_empty") \
	X(D_TX_PEER_FAILED, "drop_tx_peer_unreachable") \
	X(D_TX_GIVEUP, "drop_tx_given_up") \
	X(D_TX_RATE_NEW, "drop_tx_new_peer_rate") \
	X(D_TX_TABLE_FULL, "drop_tx_table_full") \
	X(D_TX_SEND, "drop_tx_send_error") \
	X(D_RX_BAD_IPV4, "drop_rx_bad_ipv4") \
	X(D_RX_BAD_IPV4_SRC, "drop_rx_bad_ipv4_source") \
	X(D_RX_BAD_UDP, "drop_rx_bad_udp") \
	X(D_RX_UDP_CSUM, "drop_rx_udp_checksum") \
	X(D_TX_HLIM, "drop_tx_hop_limit") \
	X(D_TX_OVERSIZE, "drop_tx_oversize") \
	X(D_TX_GSO, "drop_tx_gso_merged") \
	X(D_TX_CSUM_PARTIAL, "drop_tx_checksum_partial")

enum td_counter { TD_COUNTERS(COUNTER_ENUM) TD_NCOUNTERS };
extern const char *const td_counter_names[];

/* What the verdicts need to know about this relay. */
struct td_policy {
	struct in_addr		bind_addr;	/* our IPv4 (network order) */
	uint16_t		bind_port;	/* host order */
	uint32_t		mtu;		/* Teredo link MTU */
	/* LocalSubnet directed broadcasts, never a Teredo client or server. */
	struct in_addr		bcast[CONF_LIST_MAX];
	size_t			nbcast;
	struct siphash_key	nonce_key;
};

enum tx_action {
	TX_DROP,
	TX_UNREACH,		/* ICMPv6 unreachable to the source */
	TX_PTB,			/* ICMPv6 Packet Too Big */
	TX_PEER,		/* go on with the peer stage */
};

struct tx_verdict {
	enum tx_action		act;
	enum td_counter		counter;	/* the drop reason */
	struct ip6_hdr_info	ip6;
	struct teredo_addr	dst;
};

void	tx_classify(const struct td_policy *, const uint8_t *pkt, size_t len,
	    struct tx_verdict *);

enum tx_peer_action {
	TXP_SEND,		/* valid trusted: send to the mapping */
	TXP_QUEUE,		/* bubbles in flight: queue */
	TXP_REFUSE,		/* given up: ICMPv6 unreachable */
	TXP_CREATE,		/* no usable entry: create, queue, bubble */
};

enum tx_peer_action tx_peer_decide(const struct peers *, const struct peer *,
	    uint64_t now_ms);

enum rx_action {
	RX_DROP,
	RX_BUBBLE,
	RX_FORWARD,
};

struct rx_verdict {
	enum rx_action		act;
	enum td_counter		counter;
	struct teredo_pkt	pkt;
	struct teredo_addr	src;
	int			map_match;	/* UDP src == embedded mapping */
	int			nonce_ok;	/* bubble to our nonce */
};

void	rx_classify(const struct td_policy *, const uint8_t *payload,
	    size_t len, struct in_addr from, uint16_t fport, uint64_t now_ms,
	    struct rx_verdict *);
/* 0 if accepted, else the drop counter. */
int	rx_peer_check(const struct rx_verdict *, const struct peer *,
	    struct in_addr from, uint16_t fport);

/*
 * Our bubble source for a client: fe80::/64 with an interface ID that is
 * SipHash(key, client address, epoch); epochs last 30 s and the current
 * and previous ones are accepted.
 */
#define TD_NONCE_EPOCH_MS	30000
void	td_nonce_addr(const struct td_policy *, const struct in6_addr *client,
	    uint64_t now_ms, struct in6_addr *out);
int	td_nonce_check(const struct td_policy *, const struct in6_addr *client,
	    const struct in6_addr *dst, uint64_t now_ms);

/* 2000::/3 minus 2001:0::/32: what a public Teredo relay serves. */
int	td_dst_served(const struct in6_addr *);

#endif /* TD_VERDICT_H */
