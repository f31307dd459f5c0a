/*
 * relay4to6 engine: decides about one IPv4 packet read from the TUN
 * (protocol 41 from 6to4 sites to the relay's anycast or unicast address)
 * and rewrites it in place.  r46_process() is pure: bytes in, verdict and
 * bytes out, counters moved; no syscalls, no allocation after r46_init().
 */
#ifndef JF_R46_H
#define JF_R46_H

#include <stdint.h>
#include <netinet/in.h>

#include "conf.h"
#include "counters.h"
#include "frag4.h"
#include "icmp6err.h"
#include "inet.h"
#include "tunbatch.h"

/* Counters, in the order of the checks. */
#define R46_COUNTERS(X) \
	X(R46_RX, "rx") \
	X(R46_FORWARDED, "forwarded") \
	X(R46_ECHO_REPLIED, "echo_replied") \
	X(R46_TIME_EXCEEDED_SENT, "icmp6_time_exceeded_sent") \
	X(R46_ICMP_RATELIMITED, "icmp6_ratelimited") \
	X(R46_ICMP_FORBIDDEN, "icmp6_forbidden") \
	X(R46_ECN_CE, "ecn_ce_propagated") \
	X(R46_FRAG_HELD, "frag_held") \
	X(R46_FRAG_REASSEMBLED, "frag_reassembled") \
	X(R46_DROP_NOT_IP4, "drop_not_ipv4") \
	X(R46_DROP_IP4_MALFORMED, "drop_ip4_malformed") \
	X(R46_DROP_IP4_CHECKSUM, "drop_ip4_checksum") \
	X(R46_DROP_IP4_OPTIONS, "drop_ip4_options") \
	X(R46_DROP_DST_V4_BOGON, "drop_dst_v4_bogon") \
	X(R46_DROP_DST_V4_NOT_OWN, "drop_dst_v4_not_own") \
	X(R46_DROP_SRC_V4_BOGON, "drop_src_v4_bogon") \
	X(R46_DROP_SRC_V4_BROADCAST, "drop_src_v4_broadcast") \
	X(R46_DROP_NOT_PROTO41, "drop_not_proto41") \
	X(R46_DROP_FRAG_OVERLAP, "drop_frag_overlap") \
	X(R46_DROP_FRAG_EVICTED, "drop_frag_evicted") \
	X(R46_DROP_FRAG_SOURCE_CAP, "drop_frag_source_cap") \
	X(R46_DROP_FRAG_TOOBIG, "drop_frag_toobig") \
	X(R46_DROP_FRAG_BAD, "drop_frag_bad") \
	X(R46_DROP_FRAG_TIMEOUT, "drop_frag_timeout") \
	X(R46_DROP_IP6_MALFORMED, "drop_ip6_malformed") \
	X(R46_DROP_SRC_NOT_6TO4, "drop_src_not_6to4") \
	X(R46_DROP_SRC_V4_MISMATCH, "drop_src_v4_mismatch") \
	X(R46_DROP_DST_6TO4, "drop_dst_6to4") \
	X(R46_DROP_DST_V6_INSANE, "drop_dst_v6_insane") \
	X(R46_DROP_EXT_TOO_LONG, "drop_ext_chain_too_long") \
	X(R46_DROP_EXT_TRUNCATED, "drop_ext_chain_truncated") \
	X(R46_DROP_ND, "drop_nd") \
	X(R46_DROP_RH0, "drop_rh0") \
	X(R46_DROP_LOOP, "drop_loop") \
	X(R46_DROP_HOP_LIMIT, "drop_hop_limit") \
	X(R46_DROP_ECN, "drop_ecn_ce_not_ect") \
	X(R46_DROP_LOCAL_NOT_ECHO, "drop_local_not_echo") \
	X(R46_DROP_LOCAL_MALFORMED, "drop_local_malformed")

enum r46_counter { R46_COUNTERS(COUNTER_ENUM) R46_NCOUNTERS };
extern const char *const r46_counter_names[];

struct r46_conf {
	char			ifname[CONF_STR_MAX];
	char			ctlsock[CONF_STR_MAX];
	char			user[CONF_STR_MAX];
	struct in_addr		anycast;
	struct in_addr		unicast;	/* 0.0.0.0: none */
	struct in6_addr		native;		/* ICMPv6 error source; :: */
	int			bogon100_64;
	struct conf_prefix_list	subnets;	/* broadcasts refused */
	uint32_t		mtu;
	uint32_t		txqueuelen;
	uint32_t		batch;
	int			output;		/* enum r46_output */
	int			input;		/* enum r46_input */
	char			input_if[CONF_STR_MAX];
	char			output_if[CONF_STR_MAX];	/* Output packet */
	struct in_addr		output_gw4;	/* 0.0.0.0: default route's */
	struct in6_addr		output_gw6;	/* ::: default route's */
	uint32_t		frag_max_bytes;
	uint32_t		frag_max_datagrams;
	uint32_t		frag_timeout;	/* seconds */
	uint32_t		icmp_rate;
	uint32_t		icmp_burst;
	uint32_t		ttl;		/* of replies we originate */
};

/* Where relayed packets go (tunbatch.h): Output tun|raw|packet. */
enum r46_output {
	R46_OUTPUT_TUN,
	R46_OUTPUT_RAW,
	R46_OUTPUT_PACKET	/* pktout.h on output_if */
};

/*
 * Where packets come from: the TUN, a pktring on input_if, or the XDP
 * program on input_if (bpf/relay4to6.bpf.c) with the TUN as slow path.
 */
enum r46_input {
	R46_INPUT_TUN,
	R46_INPUT_PACKET,
	R46_INPUT_XDP
};

extern const struct conf_key r46_conf_keys[];
/* Semantic checks after conf_load; -1 with "file:line: key: why". */
int	r46_conf_check(const char *file, void *r46_conf, char *err,
	    size_t errlen);

enum r46_verdict {
	R46_V_DROP,		/* counted by reason */
	R46_V_HELD,		/* fragment kept for reassembly */
	R46_V_FORWARD,		/* p holds an IPv6 packet for the native side */
	R46_V_REPLY,		/* p holds an IPv4 packet we originate */
};

#define R46_OWN_MAX	2

struct r46 {
	struct r46_conf		 conf;
	struct in_addr		 own[R46_OWN_MAX];
	size_t			 nown;
	struct in_addr		 bcast[CONF_LIST_MAX];
	size_t			 nbcast;
	unsigned int		 bogon_flags;
	struct in6_addr		 err_src;
	struct frag4		*frag;
	struct icmp6err		 icmp;
	struct ip4_idgen	 idgen;
	struct counters		 cnt;
	uint8_t			 scratch[ICMP6ERR_MAX_LEN];
};

/* -1 with errno (bad fragment limits, ENOMEM). */
int	r46_init(struct r46 *, const struct r46_conf *,
	    const uint8_t seed[IP4_IDGEN_SEED_LEN]);
void	r46_free(struct r46 *);
enum r46_verdict r46_process(struct r46 *, uint64_t now_ms, struct tb_pkt *);
/* tb_verdict_fn adapter: 1 for FORWARD and REPLY. */
int	r46_verdict(void *r46, uint64_t now_ms, struct tb_pkt *);
/* Timers: expire fragments, refresh derived counters. */
void	r46_tick(struct r46 *, uint64_t now_ms);

#endif /* JF_R46_H */
