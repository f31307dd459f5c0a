/*
 * relay6to4 engine: decides about one native IPv6 packet for 2002::/16
 * read from the TUN and encapsulates it in place into IPv4 protocol 41
 * towards the 6to4 site.  r64_process() is pure: bytes in, verdict and
 * bytes out, counters moved; no syscalls, no allocation after r64_init().
 */
#ifndef JF_R64_H
#define JF_R64_H

#include <stdint.h>
#include <netinet/in.h>

#include "conf.h"
#include "counters.h"
#include "icmp6err.h"
#include "inet.h"
#include "tunbatch.h"

#define R64_COUNTERS(X) \
	X(R64_RX, "rx") \
	X(R64_FORWARDED, "forwarded") \
	X(R64_TIME_EXCEEDED_SENT, "icmp6_time_exceeded_sent") \
	X(R64_PTB_SENT, "icmp6_packet_too_big_sent") \
	X(R64_ICMP_RATELIMITED, "icmp6_ratelimited") \
	X(R64_ICMP_FORBIDDEN, "icmp6_forbidden") \
	X(R64_DROP_IP4_IGNORED, "drop_ip4_ignored") \
	X(R64_DROP_IP6_MALFORMED, "drop_ip6_malformed") \
	X(R64_DROP_DST_NOT_6TO4, "drop_dst_not_6to4") \
	X(R64_DROP_SRC_V6_INSANE, "drop_src_v6_insane") \
	X(R64_DROP_SRC_6TO4, "drop_src_6to4") \
	X(R64_DROP_DST_V4_BOGON, "drop_dst_v4_bogon") \
	X(R64_DROP_DST_V4_OWN, "drop_dst_v4_own") \
	X(R64_DROP_LOOP, "drop_loop") \
	X(R64_DROP_EXT_TOO_LONG, "drop_ext_chain_too_long") \
	X(R64_DROP_EXT_TRUNCATED, "drop_ext_chain_truncated") \
	X(R64_DROP_RH0, "drop_rh0") \
	X(R64_DROP_HOP_LIMIT, "drop_hop_limit") \
	X(R64_DROP_TOO_BIG, "drop_too_big")

enum r64_counter { R64_COUNTERS(COUNTER_ENUM) R64_NCOUNTERS };
extern const char *const r64_counter_names[];

struct r64_conf {
	char			ifname[CONF_STR_MAX];
	char			ctlsock[CONF_STR_MAX];
	char			user[CONF_STR_MAX];
	struct in_addr		source;		/* unique 192.88.99.X */
	struct conf_prefix_list	relay_addrs;	/* own IPv4 (/32s) */
	struct in6_addr		native;		/* ICMPv6 error source */
	int			bogon100_64;
	struct conf_prefix_list	subnets;	/* broadcasts refused */
	uint32_t		mtu;		/* tunnel MTU (IPv6 bytes) */
	uint32_t		ttl;
	int			dont_fragment;
	uint32_t		txqueuelen;
	uint32_t		batch;
	int			output;		/* enum r64_output */
	int			input;		/* enum r64_input */
	char			input_if[CONF_STR_MAX];
	char			output_if[CONF_STR_MAX];	/* Output packet */
	struct in_addr		output_gw4;	/* 0.0.0.0: default route's */
	struct in6_addr		output_gw6;	/* ::: default route's */
	uint32_t		icmp_rate;
	uint32_t		icmp_burst;
};

/* Where relayed packets go (tunbatch.h): Output tun|raw|packet. */
enum r64_output {
	R64_OUTPUT_TUN,
	R64_OUTPUT_RAW,
	R64_OUTPUT_PACKET	/* pktout.h on output_if */
};

/* Where packets come from: the TUN, or a pktring on input_if. */
enum r64_input {
	R64_INPUT_TUN,
	R64_INPUT_PACKET
};

extern const struct conf_key r64_conf_keys[];
int	r64_conf_check(const char *file, void *r64_conf, char *err,
	    size_t errlen);

enum r64_verdict {
	R64_V_DROP,
	R64_V_FORWARD,		/* p holds the IPv4 protocol-41 packet */
	R64_V_ERROR,		/* p holds an ICMPv6 error for the source */
};

#define R64_OWN_MAX	(CONF_LIST_MAX + 1)

struct r64 {
	struct r64_conf		 conf;
	struct in_addr		 own[R64_OWN_MAX];
	size_t			 nown;
	struct in_addr		 bcast[CONF_LIST_MAX];
	size_t			 nbcast;
	unsigned int		 bogon_flags;
	struct in6_addr		 err_src;
	struct icmp6err		 icmp;
	struct ip4_idgen	 idgen;
	struct counters		 cnt;
	uint8_t			 scratch[ICMP6ERR_MAX_LEN];
};

void	r64_init(struct r64 *, const struct r64_conf *,
	    const uint8_t seed[IP4_IDGEN_SEED_LEN]);
void	r64_free(struct r64 *);
/*
 * hop: 1 when the relay is the packet's forwarding hop (Input packet's
 * ring: it decrements the hop limit, Time Exceeded at 1 or 0); 0 when the
 * kernel forwarded it into the TUN and took that hop already (the hop
 * limit stays, Time Exceeded only at 0).
 */
enum r64_verdict r64_process(struct r64 *, uint64_t now_ms, struct tb_pkt *,
	    int hop);
/* tb_verdict_fn adapter: from the TUN (hop 0). */
int	r64_verdict(void *r64, uint64_t now_ms, struct tb_pkt *);
/*
 * A packet from the ring of Input packet (EtherType IPv6, hop 1): a
 * version other than 6 is drop_ip6_malformed, not drop_ip4_ignored.
 */
enum r64_verdict r64_process_ring(struct r64 *, uint64_t now_ms,
	    struct tb_pkt *);
int	r64_verdict_ring(void *r64, uint64_t now_ms, struct tb_pkt *);

#endif /* JF_R64_H */
