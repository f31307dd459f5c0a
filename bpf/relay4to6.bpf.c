/*
 * relay4to6's XDP fast path: 6to4 decapsulation for the common case.
 *
 * The rules are relay4to6's (relay4to6/r46.c, docs/6to4.md "What relay4to6
 * checks"), in the same order; tests/unit/relay4to6_xdp_test.c runs this
 * object and r46_process() on the same frames and asserts the same
 * verdict, counter and output bytes.  A packet gets one of three outcomes:
 *   - forwarded here: decapsulated, hop limit - 1 (the only hop the relay
 *     host takes: nothing else forwards it), ECN per RFC 6040, routed with
 *     bpf_fib_lookup and redirected with the next hop's MAC addresses;
 *   - dropped here, counted under relay4to6's own counter name;
 *   - XDP_PASS to the slow path (the kernel routes it into the TUN, where
 *     relay4to6 decides exactly as in tun mode), counted per reason:
 *     IPv4 options, fragments, trailing bytes, our own /48s (echo),
 *     any next header but TCP, UDP and ICMPv6 (no extension header walk
 *     here), hop limit <= 1 (Time Exceeded), and a route or neighbour the
 *     FIB cannot give (unresolved neighbour, over MTU, no route).
 * Anything that is not IPv4 protocol 41 to one of the relay's addresses
 * is not relay traffic and passes untouched.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "r46_xdp.h"

#define AF_INET6	10
#define IP4_LEN		20
#define IP6_LEN		40
#define IP4_MF_OFF	0x3fff		/* MF | fragment offset */
#define ECN_CE		3
#define PROTO_ICMPV6	58
#define PROTO_NONE	59

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct r46x_conf);
} r46x_conf_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, R46X_NCOUNTERS);
	__type(key, __u32);
	__type(value, __u64);
} r46x_counters SEC(".maps");

static __always_inline void
count(__u32 idx)
{
	__u64	*v = bpf_map_lookup_elem(&r46x_counters, &idx);

	if (v)
		(*v)++;
}

static __always_inline int
drop(__u32 why)
{
	count(R46X_RX);
	count(why);
	return XDP_DROP;
}

static __always_inline int
slow(__u32 why)
{
	count(why);
	return XDP_PASS;
}

/* RFC 3964 5.3.1 bogons, 192.88.99.0/24 allowed (sixtofour.c). */
static __always_inline int
v4_bogon_noanycast(__u32 be, __u32 flags)
{
	__u32	a = bpf_ntohl(be);

	if ((a & 0xff000000) == 0x00000000 || (a & 0xff000000) == 0x0a000000 ||
	    (a & 0xff000000) == 0x7f000000 || (a & 0xfff00000) == 0xac100000 ||
	    (a & 0xffff0000) == 0xc0a80000 || (a & 0xffff0000) == 0xa9fe0000 ||
	    (a & 0xf0000000) == 0xe0000000 || (a & 0xf0000000) == 0xf0000000)
		return 1;
	return (flags & R46X_F_BOGON100_64) && (a & 0xffc00000) == 0x64400000;
}

static __always_inline int
v4_is_own(const struct r46x_conf *c, __u32 a)
{
	for (__u32 i = 0; i < R46X_OWN_MAX; i++)
		if (i < c->nown && c->own[i] == a)
			return 1;
	return 0;
}

static __always_inline int
v4_is_bcast(const struct r46x_conf *c, __u32 a)
{
	for (__u32 i = 0; i < R46X_BCAST_MAX; i++)
		if (i < c->nbcast && c->bcast[i] == a)
			return 1;
	return 0;
}

/* Bytes 2..5 of an IPv6 address: V4ADDR of 2002::/16. */
static __always_inline __u32
v6_embedded_v4(const __u8 *a, int off)
{
	return (__u32)a[off] | (__u32)a[off + 1] << 8 |
	    (__u32)a[off + 2] << 16 | (__u32)a[off + 3] << 24;
}

static __always_inline int
v6_is_6to4(const __u8 *a)
{
	return a[0] == 0x20 && a[1] == 0x02;
}

/* RFC 3964 5.3.2: ::/16, fe80::/10, fec0::/10, ff00::/8. */
static __always_inline int
v6_insane(const __u8 *a)
{
	return (a[0] == 0 && a[1] == 0) ||
	    (a[0] == 0xfe && (a[1] & 0x80) == 0x80) || a[0] == 0xff;
}

/* RFC 6324 3.3: 6to4, ISATAP or Teredo form embedding one of ours. */
static __always_inline int
v6_embeds_own(const struct r46x_conf *c, const __u8 *a)
{
	int	isatap = (a[8] & ~0x02) == 0 && a[9] == 0 && a[10] == 0x5e &&
		    a[11] == 0xfe;
	int	teredo = a[0] == 0x20 && a[1] == 0x01 && a[2] == 0 && a[3] == 0;

	for (__u32 i = 0; i < R46X_OWN_MAX; i++) {
		__u32 own = c->own[i];

		if (i >= c->nown)
			break;
		if (v6_is_6to4(a) && v6_embedded_v4(a, 2) == own)
			return 1;
		if (isatap && v6_embedded_v4(a, 12) == own)
			return 1;
		if (teredo && (v6_embedded_v4(a, 4) == own ||
		    (v6_embedded_v4(a, 12) ^ 0xffffffff) == own))
			return 1;
	}
	return 0;
}

/* 1 if a is in one of our own 2002:OWN::/48s. */
static __always_inline int
v6_is_own(const struct r46x_conf *c, const __u8 *a)
{
	return v6_is_6to4(a) && v4_is_own(c, v6_embedded_v4(a, 2));
}

/* RFC 1071 over the 20-byte header: 0 when it verifies. */
static __always_inline __u16
ip4_csum20(const __u8 *h)
{
	__u32	sum = 0;

	for (int i = 0; i < IP4_LEN; i += 2)
		sum += (__u32)h[i] << 8 | h[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;
}

SEC("xdp")
int
relay4to6_xdp(struct xdp_md *ctx)
{
	void			*data = (void *)(long)ctx->data;
	void			*end = (void *)(long)ctx->data_end;
	struct ethhdr		*eth = data;
	const struct r46x_conf	*c;
	struct bpf_fib_lookup	 fib = {};
	__u8			*o, *in, nxt, hlim, ecn_out, ecn_in, ecn_o;
	__u32			 key = 0, src, dst, avail, total, plen;
	long			 rc;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(ETH_P_IP))
		return slow(R46X_PASS_OTHER);
	o = (__u8 *)(eth + 1);
	if ((void *)(o + IP4_LEN) > end || (o[0] >> 4) != 4)
		return slow(R46X_PASS_OTHER);
	if ((c = bpf_map_lookup_elem(&r46x_conf_map, &key)) == NULL)
		return XDP_PASS;
	__builtin_memcpy(&src, o + 12, 4);
	__builtin_memcpy(&dst, o + 16, 4);
	if (o[9] != IPPROTO_IPV6 || !v4_is_own(c, dst))
		return slow(R46X_PASS_OTHER);

	/*
	 * 1. Outer header (ip4_parse: IHL, total length, checksum).  The
	 * length comes from a helper, not from pointer arithmetic: without
	 * CAP_PERFMON (the daemon loads this with CAP_BPF) the verifier
	 * refuses pointer differences and variable packet offsets.
	 */
	avail = (__u32)bpf_xdp_get_buff_len(ctx) - ETH_HLEN;
	total = (__u32)o[2] << 8 | o[3];
	if ((o[0] & 0x0f) < 5 || total < IP4_LEN || total > avail)
		return drop(R46X_DROP_IP4_MALFORMED);
	if ((o[0] & 0x0f) > 5)
		return slow(R46X_SLOW_IP4_OPTIONS);
	if (ip4_csum20(o) != 0)
		return drop(R46X_DROP_IP4_CHECKSUM);
	/* 2., 3. Destination (ours, checked above) and source sanity. */
	if (v4_bogon_noanycast(dst, c->flags) || v4_is_bcast(c, dst))
		return drop(R46X_DROP_DST_V4_BOGON);
	if (v4_bogon_noanycast(src, c->flags))
		return drop(R46X_DROP_SRC_V4_BOGON);
	if (v4_is_bcast(c, src))
		return drop(R46X_DROP_SRC_V4_BROADCAST);
	/* 4. Protocol 41 (checked above); fragments are reassembled there. */
	if (((__u32)o[6] << 8 | o[7]) & IP4_MF_OFF)
		return slow(R46X_SLOW_FRAGMENT);

	/* 5. Inner IPv6 (ip6_parse): version, payload length. */
	in = o + IP4_LEN;
	if (total < IP4_LEN + IP6_LEN || (void *)(in + IP6_LEN) > end ||
	    (in[0] >> 4) != 6)
		return drop(R46X_DROP_IP6_MALFORMED);
	plen = (__u32)in[4] << 8 | in[5];
	nxt = in[6];
	hlim = in[7];
	if (plen > total - IP4_LEN - IP6_LEN || (plen == 0 && nxt != PROTO_NONE))
		return drop(R46X_DROP_IP6_MALFORMED);
	/* Bytes after the inner packet are cut there, not here. */
	if (total != avail || plen != total - IP4_LEN - IP6_LEN)
		return slow(R46X_SLOW_TRAILING);

	/* 6. Inner source 2002:V4ADDR:: with V4ADDR == outer source. */
	if (!v6_is_6to4(in + 8)) {
		if (v6_is_own(c, in + 24))	/* maybe another relay's echo */
			return slow(R46X_SLOW_LOCAL);
		return drop(R46X_DROP_SRC_NOT_6TO4);
	}
	if (v6_embedded_v4(in + 8, 2) != src)
		return drop(R46X_DROP_SRC_V4_MISMATCH);
	/* 7. Inner destination not 6to4, but our own /48s answer echo. */
	if (v6_is_6to4(in + 24)) {
		if (v6_is_own(c, in + 24))
			return slow(R46X_SLOW_LOCAL);
		return drop(R46X_DROP_DST_6TO4);
	}
	/* 8. Sane destination; no ND; extension headers go slow (RH0 and all). */
	if (v6_insane(in + 24))
		return drop(R46X_DROP_DST_V6_INSANE);
	if (nxt == PROTO_ICMPV6) {
		if ((void *)(in + IP6_LEN + 1) > end)
			return drop(R46X_DROP_IP6_MALFORMED);	/* plen >= 1 */
		if (in[IP6_LEN] >= 133 && in[IP6_LEN] <= 137)
			return drop(R46X_DROP_ND);
	} else if (nxt != IPPROTO_TCP && nxt != IPPROTO_UDP)
		return slow(R46X_SLOW_EXT_HEADER);
	/* 9. RFC 6324 loop check. */
	if (v6_embeds_own(c, in + 24))
		return drop(R46X_DROP_LOOP);
	/* 10. Hop limit: Time Exceeded is built there. */
	if (hlim <= 1)
		return slow(R46X_SLOW_HOP_LIMIT);
	/* 11. RFC 6040 ECN (ecn_decap). */
	ecn_o = o[1] & 3;
	ecn_in = (in[1] >> 4) & 3;
	ecn_out = ecn_in;
	if (ecn_o == ECN_CE) {
		if (ecn_in == 0)
			return drop(R46X_DROP_ECN);
		ecn_out = ECN_CE;
	}

	/* Route: the kernel's FIB and neighbour table, MTU included. */
	fib.family = AF_INET6;
	fib.l4_protocol = nxt;
	fib.tot_len = (__u16)(IP6_LEN + plen);
	fib.ifindex = ctx->ingress_ifindex;
	__builtin_memcpy(&fib.flowinfo, in, 4);
	fib.flowinfo &= bpf_htonl(0x0fffffff);
	__builtin_memcpy(fib.ipv6_src, in + 8, 16);
	__builtin_memcpy(fib.ipv6_dst, in + 24, 16);
	rc = bpf_fib_lookup(ctx, &fib, sizeof(fib), 0);
	if (rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return slow(R46X_SLOW_FIB_NO_NEIGH);
	if (rc == BPF_FIB_LKUP_RET_FRAG_NEEDED)
		return slow(R46X_SLOW_FIB_MTU);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return slow(R46X_SLOW_FIB_OTHER);

	/* Forward: edit the inner header, drop the outer one, new Ethernet. */
	in[7] = hlim - 1;
	if (ecn_out != ecn_in) {
		in[1] = (__u8)((in[1] & ~0x30) | ecn_out << 4);
		count(R46X_ECN_CE);
	}
	if (bpf_xdp_adjust_head(ctx, IP4_LEN) != 0)
		return XDP_ABORTED;	/* cannot happen: it shrinks */
	data = (void *)(long)ctx->data;
	end = (void *)(long)ctx->data_end;
	eth = data;
	if ((void *)(eth + 1) > end)
		return XDP_ABORTED;
	__builtin_memcpy(eth->h_dest, fib.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, fib.smac, ETH_ALEN);
	eth->h_proto = bpf_htons(ETH_P_IPV6);
	count(R46X_RX);
	count(R46X_FORWARDED);
	return (int)bpf_redirect(fib.ifindex, 0);
}

char LICENSE[] SEC("license") = "GPL";
