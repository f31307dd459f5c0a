/*
 * relay4to6's XDP fast path: what the BPF program (relay4to6.bpf.c) and
 * the daemon's loader (relay4to6/r46_xdp.c) share.  Included by both, so
 * it uses only <linux/types.h> types.
 *
 * Counters: the program counts what it decides under relay4to6's own
 * counter names (relay4to6/r46.h), so the daemon adds them to its own by
 * name; what it hands to the slow path (XDP_PASS into the kernel and the
 * TUN, where relay4to6 decides as in tun mode and counts again) is counted
 * once more per reason under an xdp_slow_* name.
 */
#ifndef JF_R46_XDP_H
#define JF_R46_XDP_H

#include <linux/types.h>

#define R46X_OWN_MAX	2	/* R46_OWN_MAX: anycast, unicast */
#define R46X_BCAST_MAX	16	/* CONF_LIST_MAX LocalSubnet broadcasts */
#define R46X_F_BOGON100_64 0x1	/* SIXTOFOUR_BOGON_100_64 */

/* The one entry of the config map; addresses in network order. */
struct r46x_conf {
	__u32	own[R46X_OWN_MAX];
	__u32	bcast[R46X_BCAST_MAX];
	__u32	nown;
	__u32	nbcast;
	__u32	flags;
};

/*
 * Per-CPU counters.  The first group are relay4to6 counter names (the
 * unit test checks each is one); xdp_slow_* are the reasons for XDP_PASS;
 * xdp_pass_other is traffic that is not for the relay at all (not IPv4
 * protocol 41 to one of its addresses), left to the kernel untouched.
 */
#define R46X_COUNTERS(X) \
	X(R46X_RX, "rx") \
	X(R46X_FORWARDED, "forwarded") \
	X(R46X_ECN_CE, "ecn_ce_propagated") \
	X(R46X_DROP_IP4_MALFORMED, "drop_ip4_malformed") \
	X(R46X_DROP_IP4_CHECKSUM, "drop_ip4_checksum") \
	X(R46X_DROP_DST_V4_BOGON, "drop_dst_v4_bogon") \
	X(R46X_DROP_SRC_V4_BOGON, "drop_src_v4_bogon") \
	X(R46X_DROP_SRC_V4_BROADCAST, "drop_src_v4_broadcast") \
	X(R46X_DROP_IP6_MALFORMED, "drop_ip6_malformed") \
	X(R46X_DROP_SRC_NOT_6TO4, "drop_src_not_6to4") \
	X(R46X_DROP_SRC_V4_MISMATCH, "drop_src_v4_mismatch") \
	X(R46X_DROP_DST_6TO4, "drop_dst_6to4") \
	X(R46X_DROP_DST_V6_INSANE, "drop_dst_v6_insane") \
	X(R46X_DROP_ND, "drop_nd") \
	X(R46X_DROP_LOOP, "drop_loop") \
	X(R46X_DROP_ECN, "drop_ecn_ce_not_ect") \
	X(R46X_SLOW_IP4_OPTIONS, "xdp_slow_ip4_options") \
	X(R46X_SLOW_FRAGMENT, "xdp_slow_fragment") \
	X(R46X_SLOW_TRAILING, "xdp_slow_trailing_bytes") \
	X(R46X_SLOW_LOCAL, "xdp_slow_local") \
	X(R46X_SLOW_EXT_HEADER, "xdp_slow_ext_header") \
	X(R46X_SLOW_HOP_LIMIT, "xdp_slow_hop_limit") \
	X(R46X_SLOW_FIB_NO_NEIGH, "xdp_slow_fib_no_neigh") \
	X(R46X_SLOW_FIB_MTU, "xdp_slow_fib_mtu") \
	X(R46X_SLOW_FIB_OTHER, "xdp_slow_fib_other") \
	X(R46X_PASS_OTHER, "xdp_pass_other")

#define R46X_ENUM(e, name) e,
enum r46x_counter { R46X_COUNTERS(R46X_ENUM) R46X_NCOUNTERS };
#undef R46X_ENUM

/* First and last xdp_slow_* counter. */
#define R46X_SLOW_FIRST	R46X_SLOW_IP4_OPTIONS
#define R46X_SLOW_LAST	R46X_SLOW_FIB_OTHER

#endif /* JF_R46_XDP_H */
