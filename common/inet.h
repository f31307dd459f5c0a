/*
 * inet: the one place where the IPv4, IPv6, ICMPv4, ICMPv6 and UDP wire
 * formats live.  Parsers read through struct pbuf and fill small host-order
 * structs (addresses stay in network order, as struct in_addr/in6_addr);
 * builders write through struct wbuf.  In-place editors (hop limit, ECN)
 * exist for the hot paths, which rewrite packets without copying.
 *
 * Checksums follow RFC 1071 (one's complement sum, 32-bit accumulator
 * folded at the end) and RFC 1624 for incremental updates.
 *
 * Nothing here allocates, logs or makes a syscall.
 */
#ifndef JF_INET_H
#define JF_INET_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "pbuf.h"

#define IP4_HDR_LEN	20		/* without options */
#define IP4_HDR_MAX	60
#define IP6_HDR_LEN	40
#define IP6_MIN_MTU	1280
#define UDP_HDR_LEN	8
#define ICMP6_HDR_LEN	8		/* type, code, csum, 4 bytes of body */
#define ICMP4_HDR_LEN	8

#define IPPROTO_6IN4	41		/* RFC 3056 encapsulation */

/* IPv4 fragment field bits (host order of the 16-bit field). */
#define IP4_DF		0x4000
#define IP4_MF		0x2000
#define IP4_OFFMASK	0x1fff

/* ECN codepoints (the two low bits of TOS / traffic class). */
#define ECN_NOT_ECT	0
#define ECN_ECT1	1
#define ECN_ECT0	2
#define ECN_CE		3

/* ICMPv6 types this project uses (RFC 4443, RFC 4861). */
#define ICMP6_DST_UNREACH	1
#define ICMP6_PACKET_TOO_BIG	2
#define ICMP6_TIME_EXCEEDED	3
#define ICMP6_PARAM_PROB	4
#define ICMP6_ECHO_REQUEST	128
#define ICMP6_ECHO_REPLY	129
#define ICMP6_ND_RS		133
#define ICMP6_ND_RA		134
#define ICMP6_ND_NS		135
#define ICMP6_ND_NA		136
#define ICMP6_ND_REDIRECT	137

/* IP version of a raw packet (4 or 6 for IP), 0 when empty. */
static inline unsigned int
ip_version(const uint8_t *pkt, size_t len)
{
	return len > 0 ? pkt[0] >> 4 : 0;
}

/* A parsed IPv4 header.  Lengths and offsets are in bytes. */
struct ip4_hdr {
	uint8_t		hlen;		/* IHL * 4, 20..60 */
	uint8_t		tos;		/* DSCP << 2 | ECN */
	uint16_t	total_len;
	uint16_t	id;
	uint16_t	frag;		/* raw field: DF | MF | offset/8 */
	uint8_t		ttl;
	uint8_t		proto;
	uint16_t	csum;
	struct in_addr	src;
	struct in_addr	dst;
};

/* Why ip4_parse refused a packet (negative, so callers can map to counters). */
enum ip4_err {
	IP4_OK = 0,
	IP4_ERR_SHORT = -1,	/* fewer than 20 bytes */
	IP4_ERR_VERSION = -2,	/* version != 4 */
	IP4_ERR_HLEN = -3,	/* IHL < 5 or header longer than the packet */
	IP4_ERR_LEN = -4,	/* total length < IHL*4 or > bytes received */
	IP4_ERR_CSUM = -5,	/* header checksum wrong */
	IP4_ERR_OPTIONS = -6,	/* malformed options (ip4_options_ok) */
};

static inline int
ip4_is_fragment(const struct ip4_hdr *h)
{
	return (h->frag & (IP4_MF | IP4_OFFMASK)) != 0;
}

static inline unsigned int
ip4_frag_offset(const struct ip4_hdr *h)
{
	return (unsigned int)(h->frag & IP4_OFFMASK) * 8;
}

/*
 * Parse the IPv4 header at the start of pkt: version, IHL, total length
 * (trailing link padding beyond it is cut off), header checksum, options
 * well formed.  On IP4_OK, payload is the bytes between the header (options
 * included) and total_len.
 */
enum ip4_err	ip4_parse(const struct pbuf *pkt, struct ip4_hdr *,
		    struct pbuf *payload);
/* Options area (hlen - 20 bytes) is a well-formed TLV list; 0 or -1. */
int		ip4_options_ok(const uint8_t *opts, size_t len);
/*
 * Write a 20-byte header (no options) with its checksum.  hlen is forced
 * to 20; csum is computed, not taken from h.
 */
int		ip4_build(struct wbuf *, const struct ip4_hdr *);
/* Same into a raw 20-byte area (used to prepend into headroom). */
void		ip4_write(uint8_t *dst20, const struct ip4_hdr *);

/* A parsed fixed IPv6 header. */
struct ip6_hdr_info {
	uint8_t		tclass;		/* DSCP << 2 | ECN */
	uint32_t	flow;		/* 20 bits */
	uint16_t	plen;		/* payload length */
	uint8_t		nxt;		/* next header */
	uint8_t		hlim;
	struct in6_addr	src;
	struct in6_addr	dst;
};

enum ip6_err {
	IP6_OK = 0,
	IP6_ERR_SHORT = -1,	/* fewer than 40 bytes */
	IP6_ERR_VERSION = -2,	/* version != 6 */
	IP6_ERR_LEN = -3,	/* payload length > bytes left (or jumbogram 0 with data) */
};

/*
 * Parse the fixed header; payload is exactly plen bytes (anything after
 * it is ignored, as a router would).  Returns IP6_OK or an ip6_err.
 */
enum ip6_err	ip6_parse(const struct pbuf *pkt, struct ip6_hdr_info *,
		    struct pbuf *payload);
int		ip6_build(struct wbuf *, const struct ip6_hdr_info *);

/*
 * The extension header chain (RFC 8200 4, RFC 7045), walked in one place
 * so that every filter fails closed: a verdict that cannot see the whole
 * chain drops the packet, it never guesses.  Headers walked: hop-by-hop,
 * routing, fragment, destination options, AH, and the uniform-format
 * ones of the IANA registry (Mobility, HIP, Shim6, experimental 253 and
 * 254; RFC 6564).  Anything else ends the chain as the upper layer (ESP
 * included: what follows it is encrypted).
 */
#define IP6_CHAIN_MAX	16	/* more extension headers: refused */
#define IP6_CHAIN_RH0	0x01	/* a Type 0 Routing Header (RFC 5095) */

struct ip6_chain {
	uint8_t		proto;	/* upper layer; IPPROTO_FRAGMENT for a
				   non-first fragment; IPPROTO_NONE as is */
	uint8_t		flags;	/* IP6_CHAIN_* */
	uint8_t		nhdrs;	/* extension headers walked */
	struct pbuf	upper;	/* the upper-layer bytes */
};

enum ip6_chain_err {
	IP6_CHAIN_OK = 0,
	IP6_CHAIN_ERR_TRUNCATED = -1,	/* a header runs past the payload */
	IP6_CHAIN_ERR_TOO_LONG = -2,	/* more than IP6_CHAIN_MAX headers */
};

/*
 * Walk the chain from nxt/payload (the fixed header's next header and
 * payload).  On IP6_CHAIN_OK, c holds the upper layer and flags; on an
 * error, c->flags holds what was seen before it, and the caller drops.
 */
enum ip6_chain_err ip6_chain_walk(uint8_t nxt, const struct pbuf *payload,
		    struct ip6_chain *c);

/*
 * ip6_chain_walk for callers that only need the upper layer: 0, or -1
 * when the chain cannot be walked to its end.
 */
int		ip6_upper(uint8_t nxt, const struct pbuf *payload,
		    uint8_t *proto, struct pbuf *upper);

/* In-place accessors on a validated IPv6 packet (>= 40 bytes). */
uint8_t		ip6_get_hlim(const uint8_t *pkt);
void		ip6_set_hlim(uint8_t *pkt, uint8_t);
uint8_t		ip6_get_tclass(const uint8_t *pkt);
void		ip6_set_ecn(uint8_t *pkt, uint8_t ecn);
/* Swap source and destination (upper-layer checksums stay valid). */
void		ip6_swap_addrs(uint8_t *pkt);

/*
 * The hop the kernel takes when it forwards what a relay writes into a
 * TUN, given back in advance: IPv6 hop limit + 1, or IPv4 TTL + 1 with
 * the header checksum updated incrementally (RFC 1624), so that the
 * packet leaves the host with the hop limit or TTL the relay chose.  At
 * 255 the field stays (the kernel's hop then shows); anything too short
 * to be an IPv4 or IPv6 header is left alone.
 */
void		ip_hop_credit(uint8_t *pkt, size_t len);

/* ICMPv6 / ICMPv4 / UDP headers. */
struct icmp_hdr {
	uint8_t		type;
	uint8_t		code;
	uint16_t	csum;
	uint32_t	word;		/* id/seq, MTU, pointer or unused */
};

int		icmp_parse(struct pbuf *, struct icmp_hdr *);	/* 0 / -1 */
/*
 * Turn the ICMPv6 Echo Request message at msg (type byte first, >= 8
 * bytes) into an Echo Reply, updating its checksum (RFC 1624).
 */
void		icmp6_echo_to_reply(uint8_t *msg);
static inline int
icmp6_is_error(uint8_t type)
{
	return type < 128;
}
static inline int
icmp6_is_nd(uint8_t type)
{
	return type >= ICMP6_ND_RS && type <= ICMP6_ND_REDIRECT;
}

struct udp_hdr {
	uint16_t	sport;
	uint16_t	dport;
	uint16_t	len;
	uint16_t	csum;
};

/* Parse and check len against what is left; payload = the datagram body. */
int		udp_parse(struct pbuf *, struct udp_hdr *, struct pbuf *payload);
int		udp_build(struct wbuf *, const struct udp_hdr *);

/* RFC 1071 checksum pieces. */
uint32_t	inet_sum(uint32_t acc, const void *, size_t);
/* inet_sum's implementations, for the tests: it picks one by length and CPU. */
uint32_t	inet_sum_generic(uint32_t acc, const void *, size_t);
#if defined(__x86_64__) && defined(__GNUC__)
#define INET_SUM_AVX2	1
uint32_t	inet_sum_avx2(uint32_t acc, const void *, size_t);
#endif
uint16_t	inet_fold(uint32_t acc);	/* fold and complement */
uint16_t	inet_csum(const void *, size_t);
/* Pseudo-header partial sums (RFC 8200 8.1, RFC 768). */
uint32_t	inet_pseudo6(const struct in6_addr *src,
		    const struct in6_addr *dst, uint32_t len, uint8_t proto);
uint32_t	inet_pseudo4(struct in_addr src, struct in_addr dst,
		    uint16_t len, uint8_t proto);
/*
 * Checksum of an upper-layer message of len bytes over IPv6/IPv4, the
 * checksum field inside msg counted as is (set it to 0 before building;
 * a received message verifies when the result is 0).
 */
uint16_t	inet_csum6(const struct in6_addr *src, const struct in6_addr *dst,
		    uint8_t proto, const void *msg, size_t len);
uint16_t	inet_csum4(struct in_addr src, struct in_addr dst,
		    uint8_t proto, const void *msg, size_t len);
/* RFC 1624 eqn. 3: new checksum after a 16-bit word changed old -> new. */
uint16_t	inet_csum_update16(uint16_t csum, uint16_t old, uint16_t new_);

/* splitmix64's mixer: keyed hashes of addresses (x = value ^ key). */
uint64_t	inet_mix64(uint64_t x);

/*
 * IPv4 identification generator for encapsulators: a keyed hash of the
 * destination picks one of IP4_IDGEN_BUCKETS counters, each starting at
 * a random value.  Consecutive datagrams to one destination get distinct
 * IDs, while an observer of one destination learns nothing about the
 * traffic to others (no global +1 counter).  The seed (key and starts)
 * comes from the caller (getrandom at startup), so this stays pure.
 */
#define IP4_IDGEN_BUCKETS	1024
#define IP4_IDGEN_SEED_LEN	16
struct ip4_idgen {
	uint64_t	k0, k1;
	uint16_t	next[IP4_IDGEN_BUCKETS];
};
void		ip4_idgen_init(struct ip4_idgen *,
		    const uint8_t seed[IP4_IDGEN_SEED_LEN]);
uint16_t	ip4_idgen_next(struct ip4_idgen *, struct in_addr dst);

/*
 * RFC 6040 normal-mode decapsulation: the inner ECN to write, or -1 when
 * the packet must be dropped (outer CE on a not-ECT inner packet).
 */
int		ecn_decap(uint8_t outer_ecn, uint8_t inner_ecn);

#endif /* JF_INET_H */
