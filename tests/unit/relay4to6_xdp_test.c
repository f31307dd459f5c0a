/*
 * relay4to6's XDP fast path (bpf/relay4to6.bpf.c) against its userspace
 * verdict (relay4to6/r46.c): the real BPF object, loaded with libbpf and
 * run with BPF_PROG_TEST_RUN on crafted Ethernet frames, and r46_process()
 * on the same IPv4 bytes.  For every frame:
 *   - XDP_DROP: r46 drops it too, under the same counter name;
 *   - XDP_REDIRECT: r46 forwards it, and the program's output is r46's
 *     output byte for byte (hop limit 1 lower, ECN) behind an Ethernet
 *     header with the MAC addresses of the kernel's neighbour entry, to
 *     the ifindex of the route;
 *   - XDP_PASS (slow path): the reason is the expected xdp_slow_* one and
 *     r46, which gets the packet in that case, decides as expected.
 * Each test runs in a network namespace of its own (Check forks every
 * test; the fixture unshares it) with a veth pair, a route and a
 * neighbour entry, so that bpf_fib_lookup succeeds or fails on purpose.
 * Needs root (CAP_BPF, CAP_NET_ADMIN), as the netns tier does.
 */
#include <check.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>

#include "relay4to6/r46.h"
#include "relay4to6/r46_xdp.h"
#include "sixtofour.h"
#include "pkt6to4.h"


#define SITE4	"198.51.100.7"
#define SITE6	"2002:c633:6407::1"
#define NATIVE	"2001:db8:6::6"		/* routed, neighbour known */
#define NONEIGH	"2001:db8:6::7"		/* routed, neighbour unknown */
#define NOROUTE	"2001:db8:7::1"
#define ANY4	"192.88.99.1"
#define UNI4	"203.0.113.10"
#define BCAST4	"203.0.113.255"		/* LocalSubnet 203.0.113.0/24 */

static const uint8_t	in_mac[6] = { 0x02, 0, 0, 0, 0, 0x10 };
static const uint8_t	out_mac[6] = { 0x02, 0, 0, 0, 0, 0x11 };
static const uint8_t	nh_mac[6] = { 0x02, 0, 0, 0, 0, 0x66 };

static struct r46	r;
static struct r46x	x;
static int		in_ifindex, out_ifindex;
static uint8_t		buf[TB_HEADROOM + TB_PKT_MAX];
static struct tb_pkt	p = { buf, sizeof(buf), NULL, 0 };
static uint8_t		in6[4000], pkt[4000];
static const uint8_t	seed[IP4_IDGEN_SEED_LEN] = { 7 };

static void
sh(const char *cmd)
{
	ck_assert_msg(system(cmd) == 0, "failed: %s", cmd);
}

static void
put_sysctl(const char *path, const char *v)
{
	FILE	*f = fopen(path, "w");

	ck_assert_msg(f != NULL, "%s", path);
	ck_assert_int_ge(fputs(v, f), 0);
	ck_assert_int_eq(fclose(f), 0);
}

/* The namespace: xin (ingress) <-> xout (egress, route and neighbour). */
static void
setup_netns(void)
{
	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare: needs root");
	sh("ip link set lo up && "
	    "ip link add xin address 02:00:00:00:00:10 type veth "
	    "peer name xout address 02:00:00:00:00:11 && "
	    "ip link set xin up && ip link set xout up mtu 1400 && "
	    "ip -6 route add 2001:db8:6::/64 dev xout && "
	    "ip -6 neigh add " NATIVE " lladdr 02:00:00:00:00:66 dev xout "
	    "nud permanent");
	put_sysctl("/proc/sys/net/ipv6/conf/all/forwarding", "1");
	in_ifindex = (int)if_nametoindex("xin");
	out_ifindex = (int)if_nametoindex("xout");
	ck_assert_int_gt(in_ifindex, 0);
	ck_assert_int_gt(out_ifindex, 0);
}

static void
setup_with(const char *unicast)
{
	struct r46_conf	c;
	char		err[256];

	setup_netns();
	ck_assert_int_eq(conf_defaults(r46_conf_keys, &c, err, sizeof(err)), 0);
	c.unicast = tp_a4(unicast);
	c.subnets.n = 1;
	ck_assert_int_eq(conf_parse_prefix("203.0.113.0/24", &c.subnets.p[0]),
	    0);
	ck_assert_int_eq(r46_init(&r, &c, seed), 0);
	ck_assert_msg(r46x_open(&x, NULL, err, sizeof(err)) == 0,
	    "%s", err);
	ck_assert_int_eq(r46x_configure(&x, &r), 0);
}

static void
setup(void)
{
	setup_with(UNI4);
}

/* A relay whose UnicastAddress is a LocalSubnet broadcast (refused). */
static void
setup_bcast_unicast(void)
{
	setup_with(BCAST4);
}

static void
teardown(void)
{
	r46x_close(&x);
	r46_free(&r);
}

/* What one frame did in the BPF program. */
struct xdp_run {
	int		act;
	uint64_t	d[R46X_NCOUNTERS];	/* counters moved */
	uint8_t		out[4096];
	uint32_t	outlen;
};

static void
run_xdp(const uint8_t *frame, size_t len, struct xdp_run *o)
{
	uint64_t	before[R46X_NCOUNTERS], after[R46X_NCOUNTERS];
	struct xdp_md	ctx = { 0 };
	size_t		i;
	LIBBPF_OPTS(bpf_test_run_opts, opts);

	ctx.data_end = (uint32_t)len;
	ctx.ingress_ifindex = (uint32_t)in_ifindex;
	opts.data_in = frame;
	opts.data_size_in = (uint32_t)len;
	opts.data_out = o->out;
	opts.data_size_out = sizeof(o->out);
	opts.ctx_in = &ctx;
	opts.ctx_size_in = sizeof(ctx);
	opts.repeat = 1;
	ck_assert_int_eq(r46x_counters(&x, before), 0);
	ck_assert_int_eq(bpf_prog_test_run_opts(x.prog_fd, &opts), 0);
	ck_assert_int_eq(r46x_counters(&x, after), 0);
	o->act = (int)opts.retval;
	o->outlen = opts.data_size_out;
	for (i = 0; i < R46X_NCOUNTERS; i++)
		o->d[i] = after[i] - before[i];
}

/* r46_process on the IPv4 packet; the index of the counter that moved
 * (other than rx and the side counters), or -1. */
static enum r46_verdict
run_r46(const uint8_t *ip, size_t len, int *moved)
{
	uint64_t		before[R46_NCOUNTERS];
	enum r46_verdict	v;
	size_t			i;

	memcpy(before, r.cnt.v, sizeof(before));
	tunbatch_pkt_reset(&p);
	memcpy(p.data, ip, len);
	p.len = len;
	v = r46_process(&r, 0, &p);
	*moved = -1;
	for (i = 0; i < R46_NCOUNTERS; i++) {
		if (i == R46_RX || i == R46_ECN_CE ||
		    i == R46_TIME_EXCEEDED_SENT || i == R46_ICMP_RATELIMITED ||
		    i == R46_ICMP_FORBIDDEN || r.cnt.v[i] == before[i])
			continue;
		ck_assert_msg(*moved == -1, "two verdict counters moved");
		*moved = (int)i;
	}
	return v;
}

static int
r46_index(const char *name)
{
	size_t	i;

	for (i = 0; i < R46_NCOUNTERS; i++)
		if (strcmp(r46_counter_names[i], name) == 0)
			return (int)i;
	return -1;
}

static size_t
frame_of(uint8_t *f, const uint8_t *ip, size_t len, uint16_t ethertype)
{
	memcpy(f, in_mac, 6);
	memcpy(f + 6, nh_mac, 6);
	tp_put16(f + 12, ethertype);
	memcpy(f + 14, ip, len);
	return 14 + len;
}

/*
 * The program and r46 agree on what the program decided (o, from the frame
 * of the IPv4 packet ip): a drop under the same counter name, or the same
 * forwarded bytes behind the next hop's Ethernet header.  XDP_PASS: the
 * slow path (r46) decides, counted once under an xdp_* reason.  Returns
 * the r46 counter that moved (-1: none).
 */
static int
agree(const char *what, const uint8_t *ip, size_t len,
    const struct xdp_run *o, size_t flen, const uint8_t *f)
{
	enum r46_verdict	 v;
	size_t			 i;
	uint64_t		 sum = 0;
	int			 moved;

	for (i = 0; i < R46X_NCOUNTERS; i++)
		if (i != R46X_ECN_CE)
			sum += o->d[i];
	v = run_r46(ip, len, &moved);
	if (o->act == XDP_PASS) {
		ck_assert_msg(sum == 1, "%s: slow path counted %llu times",
		    what, (unsigned long long)sum);
		/* Unchanged bytes go to the kernel (and the TUN). */
		ck_assert_uint_eq(o->outlen, flen);
		ck_assert(memcmp(o->out, f, flen) == 0);
		return moved;
	}
	ck_assert_msg(sum == 2 && o->d[R46X_RX] == 1, "%s: rx + 1 reason",
	    what);
	for (i = 0; i < R46X_NCOUNTERS; i++)
		if (i != R46X_RX && i != R46X_ECN_CE && o->d[i] == 1)
			break;
	ck_assert_msg(moved >= 0 && i < R46X_NCOUNTERS &&
	    strcmp(r46_counter_names[moved], r46x_counter_names[i]) == 0,
	    "%s: XDP counted %s, r46 %s", what,
	    i < R46X_NCOUNTERS ? r46x_counter_names[i] : "nothing",
	    moved < 0 ? "nothing" : r46_counter_names[moved]);
	if (o->act == XDP_DROP) {
		ck_assert_int_eq(v, R46_V_DROP);
		return moved;
	}
	ck_assert_msg(o->act == XDP_REDIRECT, "%s: action %d", what, o->act);
	ck_assert_int_eq(v, R46_V_FORWARD);
	ck_assert_uint_eq(o->outlen, 14 + p.len);
	ck_assert(memcmp(o->out, nh_mac, 6) == 0);
	ck_assert(memcmp(o->out + 6, out_mac, 6) == 0);
	ck_assert_uint_eq(tp_get16(o->out + 12), 0x86dd);
	ck_assert_msg(memcmp(o->out + 14, p.data, p.len) == 0,
	    "%s: XDP output differs from r46's", what);
	return moved;
}

/* Run the frame of ip through both; return the XDP action. */
static int
both(const char *what, const uint8_t *ip, size_t len)
{
	static uint8_t		 f[4096];
	static struct xdp_run	 o;
	size_t			 flen = frame_of(f, ip, len, 0x0800);

	run_xdp(f, flen, &o);
	(void)agree(what, ip, len, &o, flen, f);
	return o.act;
}

/*
 * One vector: the IPv4 packet ip, what the program must do (act, counter
 * index in R46X_COUNTERS) and, for XDP_PASS, the r46 counter the slow
 * path moves.
 */
static void
vector(const char *what, const uint8_t *ip, size_t len, int act,
    enum r46x_counter why, const char *slow_r46)
{
	static uint8_t		 f[4096];
	static struct xdp_run	 o;
	size_t			 flen = frame_of(f, ip, len, 0x0800);
	int			 moved;

	run_xdp(f, flen, &o);
	ck_assert_msg(o.act == act, "%s: XDP action %d, expected %d", what,
	    o.act, act);
	ck_assert_msg(o.d[why] == 1, "%s: %s did not move", what,
	    r46x_counter_names[why]);
	moved = agree(what, ip, len, &o, flen, f);
	if (act == XDP_PASS)
		ck_assert_msg(slow_r46 != NULL && moved == r46_index(slow_r46),
		    "%s: slow path r46 counted %s, expected %s", what,
		    moved < 0 ? "nothing" : r46_counter_names[moved],
		    slow_r46 ? slow_r46 : "-");
}

static size_t
encap(const char *src, const char *dst, uint8_t tos, const uint8_t *inner,
    size_t ilen)
{
	return tp_ip4(pkt, src, dst, 41, 50, tos, 0x1111, 0, NULL, 0, inner,
	    ilen);
}

/* Every XDP counter that is not xdp_* is one of relay4to6's names. */
START_TEST(test_counter_names)
{
	size_t	i;

	for (i = 0; i < R46X_NCOUNTERS; i++) {
		if (strncmp(r46x_counter_names[i], "xdp_", 4) == 0)
			continue;
		ck_assert_msg(r46_index(r46x_counter_names[i]) >= 0,
		    "%s is not a relay4to6 counter", r46x_counter_names[i]);
	}
}
END_TEST

START_TEST(test_forwarded)
{
	size_t	ilen, len;

	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 100);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("udp to anycast", pkt, len, XDP_REDIRECT, R46X_FORWARDED, NULL);
	ck_assert_uint_eq(p.data[7], 9);	/* one hop, taken here */
	len = encap(SITE4, UNI4, 0, in6, ilen);
	vector("udp to unicast", pkt, len, XDP_REDIRECT, R46X_FORWARDED, NULL);
	ilen = tp_icmp6(in6, SITE6, NATIVE, 64, ICMP6_ECHO_REQUEST, 0, 1, 56);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("echo to native", pkt, len, XDP_REDIRECT, R46X_FORWARDED, NULL);
	/* hop limit 2: the lowest the fast path forwards (leaves with 1). */
	ilen = tp_udp6(in6, SITE6, NATIVE, 2, 0, 10);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("hop limit 2", pkt, len, XDP_REDIRECT, R46X_FORWARDED, NULL);
	ck_assert_uint_eq(p.data[7], 1);
}
END_TEST

START_TEST(test_ecn)
{
	struct xdp_run	o;
	size_t		ilen, len;
	uint8_t		f[4096];

	/* RFC 6040: outer CE onto ECT(0) inner. */
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0x02, 10);
	len = encap(SITE4, ANY4, 0x03, in6, ilen);
	vector("ce onto ect0", pkt, len, XDP_REDIRECT, R46X_FORWARDED, NULL);
	ck_assert_uint_eq(r.cnt.v[R46_ECN_CE], 1);
	run_xdp(f, frame_of(f, pkt, len, 0x0800), &o);
	ck_assert_uint_eq(o.d[R46X_ECN_CE], 1);
	ck_assert_uint_eq((o.out[14] << 4 | o.out[15] >> 4) & 3, 3);
	/* Outer ECT(1) leaves the inner ECN alone. */
	len = encap(SITE4, ANY4, 0x01, in6, ilen);
	vector("ect1 outer", pkt, len, XDP_REDIRECT, R46X_FORWARDED, NULL);
	ck_assert_uint_eq((p.data[0] << 4 | p.data[1] >> 4) & 3, 2);
	/* Outer CE on a not-ECT inner packet is dropped. */
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 10);
	len = encap(SITE4, ANY4, 0x03, in6, ilen);
	vector("ce onto not-ect", pkt, len, XDP_DROP, R46X_DROP_ECN, NULL);
}
END_TEST

START_TEST(test_outer_drops)
{
	size_t	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20), len;

	len = encap(SITE4, ANY4, 0, in6, ilen);
	pkt[10] ^= 0xff;
	vector("checksum", pkt, len, XDP_DROP, R46X_DROP_IP4_CHECKSUM, NULL);
	pkt[10] ^= 0xff;
	vector("total length > frame", pkt, len - 1, XDP_DROP,
	    R46X_DROP_IP4_MALFORMED, NULL);
	pkt[0] = 0x44;
	vector("ihl 4", pkt, len, XDP_DROP, R46X_DROP_IP4_MALFORMED, NULL);
	/* The source is checked against the RFC 3964 bogons and broadcasts. */
	len = encap("10.1.2.3", ANY4, 0, in6, ilen);
	vector("src 10/8", pkt, len, XDP_DROP, R46X_DROP_SRC_V4_BOGON, NULL);
	len = encap("224.0.0.5", ANY4, 0, in6, ilen);
	vector("src 224/4", pkt, len, XDP_DROP, R46X_DROP_SRC_V4_BOGON, NULL);
	len = encap("169.254.3.3", UNI4, 0, in6, ilen);
	vector("src 169.254/16", pkt, len, XDP_DROP, R46X_DROP_SRC_V4_BOGON,
	    NULL);
	len = encap(BCAST4, ANY4, 0, in6, ilen);
	vector("src broadcast", pkt, len, XDP_DROP,
	    R46X_DROP_SRC_V4_BROADCAST, NULL);
	/* Another relay's anycast source is allowed (then fails the /48). */
	len = encap("192.88.99.7", ANY4, 0, in6, ilen);
	vector("src anycast /24", pkt, len, XDP_DROP,
	    R46X_DROP_SRC_V4_MISMATCH, NULL);
}
END_TEST

START_TEST(test_dst_bogon)
{
	size_t	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	size_t	len = encap(SITE4, BCAST4, 0, in6, ilen);

	vector("dst broadcast", pkt, len, XDP_DROP, R46X_DROP_DST_V4_BOGON,
	    NULL);
}
END_TEST

START_TEST(test_inner_drops)
{
	size_t	ilen, len;
	uint8_t	udp[8] = { 0 };

	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	in6[0] = 0x45;
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("inner not v6", pkt, len, XDP_DROP, R46X_DROP_IP6_MALFORMED,
	    NULL);
	len = encap(SITE4, ANY4, 0, in6, 30);
	vector("inner short", pkt, len, XDP_DROP, R46X_DROP_IP6_MALFORMED,
	    NULL);
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	tp_put16(in6 + 4, 29);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("payload length > packet", pkt, len, XDP_DROP,
	    R46X_DROP_IP6_MALFORMED, NULL);
	ilen = tp_ip6(in6, SITE6, NATIVE, 17, 10, 0, udp, 0);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("payload length 0", pkt, len, XDP_DROP,
	    R46X_DROP_IP6_MALFORMED, NULL);
	ilen = tp_udp6(in6, "2001:db8::1", NATIVE, 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("src native", pkt, len, XDP_DROP, R46X_DROP_SRC_NOT_6TO4, NULL);
	ilen = tp_udp6(in6, "2002:c633:6408::1", NATIVE, 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("src other v4", pkt, len, XDP_DROP, R46X_DROP_SRC_V4_MISMATCH,
	    NULL);
	ilen = tp_udp6(in6, SITE6, "2002:102:304::1", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("dst 6to4", pkt, len, XDP_DROP, R46X_DROP_DST_6TO4, NULL);
	ilen = tp_udp6(in6, SITE6, "fe80::1", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("dst link-local", pkt, len, XDP_DROP, R46X_DROP_DST_V6_INSANE,
	    NULL);
	ilen = tp_udp6(in6, SITE6, "ff0e::1", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("dst multicast", pkt, len, XDP_DROP, R46X_DROP_DST_V6_INSANE,
	    NULL);
	ilen = tp_udp6(in6, SITE6, "::ffff:1.2.3.4", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("dst ::/16", pkt, len, XDP_DROP, R46X_DROP_DST_V6_INSANE, NULL);
	ilen = tp_icmp6(in6, SITE6, NATIVE, 255, ICMP6_ND_NS, 0, 0, 16);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("neighbour solicitation", pkt, len, XDP_DROP, R46X_DROP_ND,
	    NULL);
	ilen = tp_icmp6(in6, SITE6, NATIVE, 255, ICMP6_ND_REDIRECT, 0, 0, 32);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("redirect", pkt, len, XDP_DROP, R46X_DROP_ND, NULL);
	ilen = tp_icmp6(in6, SITE6, NATIVE, 255, ICMP6_ND_RS, 0, 0, 0);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("router solicitation", pkt, len, XDP_DROP, R46X_DROP_ND, NULL);
	/* RFC 6324: ISATAP and Teredo forms of our own addresses. */
	ilen = tp_udp6(in6, SITE6, "2001:db8::5efe:c058:6301", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("isatap of anycast", pkt, len, XDP_DROP, R46X_DROP_LOOP, NULL);
	ilen = tp_udp6(in6, SITE6, "2001:db8::200:5efe:cb00:710a", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("isatap of unicast", pkt, len, XDP_DROP, R46X_DROP_LOOP, NULL);
	ilen = tp_udp6(in6, SITE6, "2001:0:cb00:710a::1", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("teredo server", pkt, len, XDP_DROP, R46X_DROP_LOOP, NULL);
	ilen = tp_udp6(in6, SITE6, "2001:0:102:304::3fa7:9cfe", 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("teredo client", pkt, len, XDP_DROP, R46X_DROP_LOOP, NULL);
}
END_TEST

START_TEST(test_slow_path)
{
	uint8_t	opts[4] = { 1, 1, 1, 0 };
	uint8_t	hbh[16] = { 17, 0, 1, 4, 0, 0, 0, 0, 0x0f, 0xa0, 0x13, 0x88,
		    0, 8, 0, 0 };
	size_t	ilen, len;

	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 1, 0, opts, 4, in6, ilen);
	vector("ipv4 options", pkt, len, XDP_PASS, R46X_SLOW_IP4_OPTIONS,
	    "forwarded");
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 24);	/* 72: 8 | len */
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 1, 0x2000, NULL, 0, in6,
	    ilen);
	vector("first fragment", pkt, len, XDP_PASS, R46X_SLOW_FRAGMENT,
	    "frag_held");
	len = tp_ip4(pkt, SITE4, ANY4, 41, 50, 0, 2, 0x0010, NULL, 0, in6,
	    ilen);
	vector("later fragment", pkt, len, XDP_PASS, R46X_SLOW_FRAGMENT,
	    "frag_held");
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	/* Link padding after the IPv4 total length, bytes after the IPv6. */
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("link padding", pkt, len + 4, XDP_PASS, R46X_SLOW_TRAILING,
	    "forwarded");
	tp_put16(in6 + 4, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("bytes after ipv6", pkt, len, XDP_PASS, R46X_SLOW_TRAILING,
	    "forwarded");
	/* Hop limit 1 and 0: Time Exceeded is built by the daemon. */
	ilen = tp_udp6(in6, SITE6, NATIVE, 1, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("hop limit 1", pkt, len, XDP_PASS, R46X_SLOW_HOP_LIMIT,
	    "drop_hop_limit");
	ilen = tp_udp6(in6, SITE6, NATIVE, 0, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("hop limit 0", pkt, len, XDP_PASS, R46X_SLOW_HOP_LIMIT,
	    "drop_hop_limit");
	/* Echo to our own /48: answered by the daemon. */
	ilen = tp_icmp6(in6, SITE6, "2002:c058:6301::1", 64,
	    ICMP6_ECHO_REQUEST, 0, 1, 8);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("echo to own /48", pkt, len, XDP_PASS, R46X_SLOW_LOCAL,
	    "echo_replied");
	ilen = tp_icmp6(in6, "2001:db8:1::1", "2002:cb00:710a::1", 64,
	    ICMP6_ECHO_REQUEST, 0, 1, 8);
	len = encap("192.88.99.7", UNI4, 0, in6, ilen);
	vector("native echo via a relay", pkt, len, XDP_PASS, R46X_SLOW_LOCAL,
	    "echo_replied");
	/* Extension headers are walked by the daemon only. */
	ilen = tp_rh0_6(in6, SITE6, NATIVE, 10);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("rh0", pkt, len, XDP_PASS, R46X_SLOW_EXT_HEADER, "drop_rh0");
	ilen = tp_ip6(in6, SITE6, NATIVE, 0, 10, 0, hbh, sizeof(hbh));
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("hop-by-hop", pkt, len, XDP_PASS, R46X_SLOW_EXT_HEADER,
	    "forwarded");
	/* A truncated chain: the daemon's walker drops it (fail closed). */
	ilen = tp_ip6(in6, SITE6, NATIVE, 0, 10, 0, hbh, 4);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("truncated hop-by-hop", pkt, len, XDP_PASS,
	    R46X_SLOW_EXT_HEADER, "drop_ext_chain_truncated");
}
END_TEST

/* Sweeps: every ICMPv6 type, every hop limit, outer sources across the
 * IPv4 space; both must agree on each, whatever it is. */
START_TEST(test_sweeps)
{
	char	src4[32], src6[64];
	size_t	ilen, len;
	int	t, a, k, nfwd = 0, ndrop = 0;
	static const int second[] = { 0, 15, 16, 31, 32, 63, 64, 88, 127, 128,
	    168, 191, 254, 255 };

	for (t = 0; t < 256; t++) {
		ilen = tp_icmp6(in6, SITE6, NATIVE, 64, (uint8_t)t, 0, 0, 8);
		len = encap(SITE4, ANY4, 0, in6, ilen);
		ck_assert_int_eq(both("icmp6 type", pkt, len),
		    t >= 133 && t <= 137 ? XDP_DROP : XDP_REDIRECT);
	}
	for (t = 0; t < 256; t++) {
		ilen = tp_udp6(in6, SITE6, NATIVE, (uint8_t)t, 0, 8);
		len = encap(SITE4, ANY4, 0, in6, ilen);
		ck_assert_int_eq(both("hop limit", pkt, len),
		    t <= 1 ? XDP_PASS : XDP_REDIRECT);
	}
	for (a = 0; a < 256; a++)
		for (k = 0; k < (int)(sizeof(second) / sizeof(second[0]));
		    k++) {
			snprintf(src4, sizeof(src4), "%d.%d.99.1", a,
			    second[k]);
			snprintf(src6, sizeof(src6), "2002:%02x%02x:6301::1",
			    a, second[k]);
			ilen = tp_udp6(in6, src6, NATIVE, 9, 0, 8);
			len = encap(src4, ANY4, 0, in6, ilen);
			if (both("outer source", pkt, len) == XDP_DROP)
				ndrop++;
			else
				nfwd++;
		}
	/* Both outcomes were exercised, not one of them throughout. */
	ck_assert_int_gt(ndrop, 100);
	ck_assert_int_gt(nfwd, 1000);
}
END_TEST

/* The FIB decides: no route, no neighbour, over the egress MTU. */
START_TEST(test_fib)
{
	size_t	ilen, len;

	ilen = tp_udp6(in6, SITE6, NOROUTE, 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("no route", pkt, len, XDP_PASS, R46X_SLOW_FIB_OTHER,
	    "forwarded");
	ilen = tp_udp6(in6, SITE6, NONEIGH, 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("no neighbour", pkt, len, XDP_PASS, R46X_SLOW_FIB_NO_NEIGH,
	    "forwarded");
	/* xout has MTU 1400: 1400 fits, 1401 does not. */
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 1400 - 48);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("at mtu", pkt, len, XDP_REDIRECT, R46X_FORWARDED, NULL);
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 1401 - 48);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("over mtu", pkt, len, XDP_PASS, R46X_SLOW_FIB_MTU, "forwarded");
	/* Forwarding off on the ingress: the kernel path decides. */
	put_sysctl("/proc/sys/net/ipv6/conf/xin/forwarding", "0");
	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	len = encap(SITE4, ANY4, 0, in6, ilen);
	vector("forwarding off", pkt, len, XDP_PASS, R46X_SLOW_FIB_OTHER,
	    "forwarded");
}
END_TEST

/* Not relay traffic: the host's own, left to the kernel untouched. */
START_TEST(test_not_relay_traffic)
{
	static struct xdp_run	o;
	size_t			ilen, len, flen;
	uint8_t			f[256], udp[8] = { 0 };

	ilen = tp_udp6(in6, SITE6, NATIVE, 10, 0, 20);
	len = encap(SITE4, "198.51.100.99", 0, in6, ilen);
	vector("proto 41 to another host", pkt, len, XDP_PASS,
	    R46X_PASS_OTHER, "drop_dst_v4_not_own");
	len = tp_ip4(pkt, SITE4, ANY4, 17, 50, 0, 1, 0, NULL, 0, udp, 8);
	vector("udp to anycast", pkt, len, XDP_PASS, R46X_PASS_OTHER,
	    "drop_not_proto41");
	memset(pkt, 0, 28);
	flen = frame_of(f, pkt, 28, 0x0806);	/* ARP */
	run_xdp(f, flen, &o);
	ck_assert_int_eq(o.act, XDP_PASS);
	ck_assert_uint_eq(o.d[R46X_PASS_OTHER], 1);
	ck_assert_uint_eq(o.d[R46X_RX], 0);
	flen = frame_of(f, in6, ilen, 0x86dd);	/* IPv6 */
	run_xdp(f, flen, &o);
	ck_assert_int_eq(o.act, XDP_PASS);
	ck_assert_uint_eq(o.d[R46X_PASS_OTHER], 1);
}
END_TEST

static Suite *
r46x_suite(void)
{
	Suite	*s = suite_create("relay4to6_xdp");
	TCase	*tc = tcase_create("vectors");

	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_counter_names);
	tcase_add_test(tc, test_forwarded);
	tcase_add_test(tc, test_ecn);
	tcase_add_test(tc, test_outer_drops);
	tcase_add_test(tc, test_inner_drops);
	tcase_add_test(tc, test_slow_path);
	tcase_add_test(tc, test_sweeps);
	tcase_add_test(tc, test_fib);
	tcase_add_test(tc, test_not_relay_traffic);
	suite_add_tcase(s, tc);
	tc = tcase_create("dst_bogon");
	tcase_set_timeout(tc, 30);
	tcase_add_checked_fixture(tc, setup_bcast_unicast, teardown);
	tcase_add_test(tc, test_dst_bogon);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(r46x_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
