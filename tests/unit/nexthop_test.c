/*
 * nexthop (common/nexthop.c) parsers on real-shaped rtnetlink replies
 * built here byte by byte: which default route is the gateway (main
 * table, the output interface, the lowest metric, multipath), what a
 * neighbour entry's state and MAC are, stale answers skipped by seq and
 * port id, NLMSG_ERROR/DONE, and every truncated or lying length refused
 * without reading past the buffer (each case parses an exact-size heap
 * copy).  Then pktout_prepare (common/pktout.c) on a pktout whose next
 * hops are filled by hand: the sockaddr_ll, the once-per-refresh kick,
 * too big and unusable going the kernel's way.  Last, the same against
 * the kernel (as root, in a private network namespace per case, set up
 * with ip(8)): nexthop_refresh on a veth with decoy routes, every
 * neighbour state ip(8) can set, a dump spanning many recv buffers, a
 * configured gateway, and one packet through pktout_open/pktout_send.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <sched.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "nexthop.h"
#include "pbuf.h"
#include "pktout.h"

#define SEQ	77
#define PORTID	4242
#define IFX	3

/* ---- a netlink reply builder (host byte order, through wbuf) ---------- */

struct nlb {
	struct wbuf	 w;
	uint8_t		 buf[8192];
	uint8_t		*lenp;
	size_t		 start;
};

static void
nlb_init(struct nlb *b)
{
	wbuf_init(&b->w, b->buf, sizeof(b->buf));
}

static void
nlb_msg(struct nlb *b, uint16_t type, uint32_t seq, uint32_t pid)
{
	uint16_t	flags = NLM_F_MULTI;

	b->start = b->w.len;
	b->lenp = wbuf_reserve(&b->w, 4);
	wbuf_put(&b->w, &type, 2);
	wbuf_put(&b->w, &flags, 2);
	wbuf_put(&b->w, &seq, 4);
	wbuf_put(&b->w, &pid, 4);
}

static void
nlb_end(struct nlb *b)
{
	uint32_t	len = (uint32_t)(b->w.len - b->start);

	memcpy(b->lenp, &len, 4);
	wbuf_put_zero(&b->w, ((len + 3) & ~3U) - len);
	ck_assert(wbuf_ok(&b->w));
}

static void
nlb_attr(struct nlb *b, uint16_t type, const void *p, uint16_t len)
{
	uint16_t	alen = (uint16_t)(len + 4);

	wbuf_put(&b->w, &alen, 2);
	wbuf_put(&b->w, &type, 2);
	wbuf_put(&b->w, p, len);
	wbuf_put_zero(&b->w, ((alen + 3U) & ~3U) - alen);
}

static void
nlb_attr_u32(struct nlb *b, uint16_t type, uint32_t v)
{
	nlb_attr(b, type, &v, 4);
}

static void
nlb_done(struct nlb *b, uint32_t seq)
{
	int32_t	zero = 0;

	nlb_msg(b, NLMSG_DONE, seq, PORTID);
	wbuf_put(&b->w, &zero, 4);
	nlb_end(b);
}

static void
nlb_error(struct nlb *b, uint32_t seq, int32_t error)
{
	uint8_t	orig[16] = { 0 };

	nlb_msg(b, NLMSG_ERROR, seq, PORTID);
	wbuf_put(&b->w, &error, 4);
	wbuf_put(&b->w, orig, sizeof(orig));
	nlb_end(b);
}

struct rt {
	int		 family;
	uint8_t		 dst_len;
	uint8_t		 rtm_table;
	uint8_t		 type;
	int		 rta_table;	/* -1: no RTA_TABLE */
	int		 oif;		/* -1: no RTA_OIF */
	const char	*gw;		/* NULL: none */
	int		 prio;		/* -1: no RTA_PRIORITY */
};

static void
nlb_pton(int family, const char *s, uint8_t *out)
{
	ck_assert_int_eq(inet_pton(family, s, out), 1);
}

static void
nlb_route(struct nlb *b, uint32_t seq, const struct rt *r)
{
	uint8_t		rtm[12] = { 0 }, dst[16] = { 0 }, gw[16];
	uint16_t	alen = r->family == AF_INET ? 4 : 16;

	nlb_msg(b, RTM_NEWROUTE, seq, PORTID);
	rtm[0] = (uint8_t)r->family;
	rtm[1] = r->dst_len;
	rtm[4] = r->rtm_table;
	rtm[5] = RTPROT_BOOT;
	rtm[7] = r->type;
	wbuf_put(&b->w, rtm, sizeof(rtm));
	if (r->rta_table >= 0)
		nlb_attr_u32(b, RTA_TABLE, (uint32_t)r->rta_table);
	if (r->dst_len > 0)
		nlb_attr(b, RTA_DST, dst, alen);
	if (r->prio >= 0)
		nlb_attr_u32(b, RTA_PRIORITY, (uint32_t)r->prio);
	if (r->gw != NULL) {
		nlb_pton(r->family, r->gw, gw);
		nlb_attr(b, RTA_GATEWAY, gw, alen);
	}
	if (r->oif >= 0)
		nlb_attr_u32(b, RTA_OIF, (uint32_t)r->oif);
	nlb_end(b);
}

static void
nlb_neigh(struct nlb *b, uint32_t seq, int family, int ifindex,
    const char *dst, uint16_t state, const uint8_t *mac)
{
	uint8_t		ndm[12] = { 0 }, addr[16];
	int32_t		ifx = ifindex;

	nlb_msg(b, RTM_NEWNEIGH, seq, PORTID);
	ndm[0] = (uint8_t)family;
	memcpy(ndm + 4, &ifx, 4);
	memcpy(ndm + 8, &state, 2);
	wbuf_put(&b->w, ndm, sizeof(ndm));
	nlb_pton(family, dst, addr);
	nlb_attr(b, NDA_DST, addr, family == AF_INET ? 4 : 16);
	if (mac != NULL)
		nlb_attr(b, NDA_LLADDR, mac, 6);
	nlb_attr_u32(b, NDA_PROBES, 0);
	nlb_end(b);
}

static struct nexthop_query
query(int family, const char *gw)
{
	struct nexthop_query	q;

	memset(&q, 0, sizeof(q));
	q.seq = SEQ;
	q.portid = PORTID;
	q.family = family;
	q.ifindex = IFX;
	if (gw != NULL)
		nlb_pton(family, gw, q.gw);
	return q;
}

typedef int (*parse_fn)(const void *, size_t, const struct nexthop_query *,
    struct nexthop_answer *);

/* Parse an exact-size heap copy: a read past len is a real overrun. */
static int
parse_exact(parse_fn fn, const uint8_t *buf, size_t len,
    const struct nexthop_query *q, struct nexthop_answer *a)
{
	uint8_t	*copy = malloc(len > 0 ? len : 1);
	int	 r;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, buf, len);
	r = fn(copy, len, q, a);
	free(copy);
	return r;
}

static void
assert_addr(int family, const uint8_t *got, const char *want)
{
	uint8_t	a[16];

	nlb_pton(family, want, a);
	ck_assert_mem_eq(got, a, family == AF_INET ? 4 : 16);
}

static const uint8_t mac1[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x01 };

/* ---- routes ----------------------------------------------------------- */

START_TEST(test_routes_pick_main_default)
{
	struct nlb		b1, b2;
	struct nexthop_query	q = query(AF_INET, NULL);
	struct nexthop_answer	a;
	static const struct rt	decoys[] = {
		/* another table, by rtm_table and by RTA_TABLE */
		{ AF_INET, 0, 100, RTN_UNICAST, 100, IFX, "192.0.2.91", -1 },
		{ AF_INET, 0, RT_TABLE_MAIN, RTN_UNICAST, 1254, IFX,
		    "192.0.2.92", -1 },
		/* another interface */
		{ AF_INET, 0, RT_TABLE_MAIN, RTN_UNICAST, 254, IFX + 1,
		    "192.0.2.93", -1 },
		/* not a default route */
		{ AF_INET, 24, RT_TABLE_MAIN, RTN_UNICAST, 254, IFX,
		    "192.0.2.94", -1 },
		/* no gateway (on-link), and a blackhole */
		{ AF_INET, 0, RT_TABLE_MAIN, RTN_UNICAST, 254, IFX, NULL, -1 },
		{ AF_INET, 0, RT_TABLE_MAIN, RTN_BLACKHOLE, 254, -1, NULL, -1 },
		/* the other family */
		{ AF_INET6, 0, RT_TABLE_MAIN, RTN_UNICAST, 254, IFX,
		    "2001:db8::95", -1 },
	};
	static const struct rt	right = {
		AF_INET, 0, RT_TABLE_MAIN, RTN_UNICAST, 254, IFX, "192.0.2.1",
		100
	};
	size_t			i;

	nlb_init(&b1);
	for (i = 0; i < sizeof(decoys) / sizeof(decoys[0]); i++)
		nlb_route(&b1, SEQ, &decoys[i]);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b1.buf, b1.w.len,
	    &q, &a), NEXTHOP_PARSE_MORE);
	ck_assert_int_eq(a.found, 0);

	/* The answer goes on in a second recv buffer. */
	nlb_init(&b2);
	nlb_route(&b2, SEQ, &right);
	nlb_done(&b2, SEQ);
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b2.buf, b2.w.len,
	    &q, &a), NEXTHOP_PARSE_DONE);
	ck_assert_int_eq(a.found, 1);
	ck_assert_uint_eq(a.priority, 100);
	assert_addr(AF_INET, a.gw, "192.0.2.1");
}
END_TEST

START_TEST(test_routes_lowest_metric_no_rta_table)
{
	struct nlb		b;
	struct nexthop_query	q = query(AF_INET, NULL);
	struct nexthop_answer	a;
	/* Without RTA_TABLE, rtm_table decides. */
	static const struct rt	r200 = { AF_INET, 0, RT_TABLE_MAIN,
	    RTN_UNICAST, -1, IFX, "192.0.2.2", 200 };
	static const struct rt	r100 = { AF_INET, 0, RT_TABLE_MAIN,
	    RTN_UNICAST, -1, IFX, "192.0.2.1", 100 };
	static const struct rt	r300 = { AF_INET, 0, RT_TABLE_MAIN,
	    RTN_UNICAST, -1, IFX, "192.0.2.3", 300 };

	nlb_init(&b);
	nlb_route(&b, SEQ, &r200);
	nlb_route(&b, SEQ, &r100);
	nlb_route(&b, SEQ, &r300);
	nlb_done(&b, SEQ);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_DONE);
	ck_assert_int_eq(a.found, 1);
	assert_addr(AF_INET, a.gw, "192.0.2.1");
}
END_TEST

START_TEST(test_routes_ipv6_linklocal)
{
	struct nlb		b;
	struct nexthop_query	q = query(AF_INET6, NULL);
	struct nexthop_answer	a;
	static const struct rt	v4 = { AF_INET, 0, RT_TABLE_MAIN,
	    RTN_UNICAST, 254, IFX, "192.0.2.1", 0 };
	static const struct rt	lo = { AF_INET6, 0, RT_TABLE_MAIN,
	    RTN_UNREACHABLE, 254, 1, NULL, -1 };
	static const struct rt	v6 = { AF_INET6, 0, RT_TABLE_MAIN,
	    RTN_UNICAST, 254, IFX, "fe80::1", 1024 };

	nlb_init(&b);
	nlb_route(&b, SEQ, &v4);
	nlb_route(&b, SEQ, &lo);
	nlb_route(&b, SEQ, &v6);
	nlb_done(&b, SEQ);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_DONE);
	ck_assert_int_eq(a.found, 1);
	assert_addr(AF_INET6, a.gw, "fe80::1");
}
END_TEST

/* RTA_MULTIPATH: the nexthop through our interface, not the first one. */
START_TEST(test_routes_multipath)
{
	struct nlb		b;
	struct nexthop_query	q = query(AF_INET6, NULL);
	struct nexthop_answer	a;
	uint8_t			rtm[12] = { 0 }, mp[64], gw[16];
	struct wbuf		w;
	uint16_t		len = 8 + 20, type = RTA_GATEWAY, alen = 20;
	int32_t			ifx;
	const char		*gws[2] = { "2001:db8::a", "2001:db8::b" };
	int			i;

	wbuf_init(&w, mp, sizeof(mp));
	for (i = 0; i < 2; i++) {
		ifx = i == 0 ? IFX + 5 : IFX;
		wbuf_put(&w, &len, 2);
		wbuf_put_n8(&w, 0);		/* flags */
		wbuf_put_n8(&w, 0);		/* hops */
		wbuf_put(&w, &ifx, 4);
		wbuf_put(&w, &alen, 2);
		wbuf_put(&w, &type, 2);
		nlb_pton(AF_INET6, gws[i], gw);
		wbuf_put(&w, gw, 16);
	}
	ck_assert(wbuf_ok(&w));
	nlb_init(&b);
	nlb_msg(&b, RTM_NEWROUTE, SEQ, PORTID);
	rtm[0] = AF_INET6;
	rtm[4] = RT_TABLE_MAIN;
	rtm[7] = RTN_UNICAST;
	wbuf_put(&b.w, rtm, sizeof(rtm));
	nlb_attr_u32(&b, RTA_TABLE, RT_TABLE_MAIN);
	nlb_attr(&b, RTA_MULTIPATH, mp, (uint16_t)w.len);
	nlb_end(&b);
	nlb_done(&b, SEQ);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_DONE);
	ck_assert_int_eq(a.found, 1);
	assert_addr(AF_INET6, a.gw, "2001:db8::b");

	/* A bad rtnh_len inside RTA_MULTIPATH: malformed. */
	len = 200;
	memcpy(mp, &len, 2);
	nlb_init(&b);
	nlb_msg(&b, RTM_NEWROUTE, SEQ, PORTID);
	wbuf_put(&b.w, rtm, sizeof(rtm));
	nlb_attr(&b, RTA_MULTIPATH, mp, (uint16_t)w.len);
	nlb_end(&b);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_BAD);
}
END_TEST

/* Late answers to an earlier request (seq) or to another socket: skipped. */
START_TEST(test_routes_seq_pid_error)
{
	struct nlb		b;
	struct nexthop_query	q = query(AF_INET, NULL);
	struct nexthop_answer	a;
	static const struct rt	r = { AF_INET, 0, RT_TABLE_MAIN,
	    RTN_UNICAST, 254, IFX, "192.0.2.1", 0 };
	static const struct rt	old = { AF_INET, 0, RT_TABLE_MAIN,
	    RTN_UNICAST, 254, IFX, "192.0.2.66", 0 };

	nlb_init(&b);
	nlb_route(&b, SEQ - 1, &old);
	nlb_error(&b, SEQ - 1, -ENOBUFS);
	nlb_done(&b, SEQ - 1);
	nlb_route(&b, SEQ, &r);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_MORE);
	ck_assert_int_eq(a.found, 1);
	assert_addr(AF_INET, a.gw, "192.0.2.1");

	q.portid = PORTID + 1;
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_MORE);
	ck_assert_int_eq(a.found, 0);

	/* Our own request refused. */
	q.portid = PORTID;
	nlb_init(&b);
	nlb_error(&b, SEQ, -EINVAL);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_BAD);
	ck_assert_int_eq(a.nlerr, EINVAL);

	/* An ACK (error 0) ends it. */
	nlb_init(&b);
	nlb_error(&b, SEQ, 0);
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_DONE);
}
END_TEST

/* Every prefix of a valid reply: no overrun; a cut message is malformed. */
START_TEST(test_routes_truncated)
{
	struct nlb		b;
	struct nexthop_query	q = query(AF_INET, NULL);
	struct nexthop_answer	a;
	static const struct rt	r = { AF_INET, 0, RT_TABLE_MAIN,
	    RTN_UNICAST, 254, IFX, "192.0.2.1", 7 };
	size_t			cut, first;
	int			ret;

	nlb_init(&b);
	nlb_route(&b, SEQ, &r);
	first = b.w.len;
	nlb_done(&b, SEQ);
	for (cut = 0; cut < b.w.len; cut++) {
		memset(&a, 0, sizeof(a));
		ret = parse_exact(nexthop_parse_routes, b.buf, cut, &q, &a);
		if (cut == 0 || cut == first)
			ck_assert_int_eq(ret, NEXTHOP_PARSE_MORE);
		else
			ck_assert_int_eq(ret, NEXTHOP_PARSE_BAD);
	}
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_DONE);
}
END_TEST

/* Lying lengths: nlmsg_len 0, < header, > buffer; rta_len 0, 3, > msg. */
START_TEST(test_routes_bad_lengths)
{
	struct nlb		b;
	struct nexthop_query	q = query(AF_INET, NULL);
	struct nexthop_answer	a;
	static const struct rt	r = { AF_INET, 0, RT_TABLE_MAIN,
	    RTN_UNICAST, 254, IFX, "192.0.2.1", -1 };
	static const uint32_t	nlens[] = { 0, 4, 15, 10000, 0xffffffffU };
	static const uint16_t	rlens[] = { 0, 3, 200, 0xffff };
	uint8_t			copy[256];
	size_t			i, len, rta;

	nlb_init(&b);
	nlb_route(&b, SEQ, &r);
	len = b.w.len;
	ck_assert_uint_le(len, sizeof(copy));
	for (i = 0; i < sizeof(nlens) / sizeof(nlens[0]); i++) {
		memcpy(copy, b.buf, len);
		memcpy(copy, &nlens[i], 4);
		memset(&a, 0, sizeof(a));
		ck_assert_int_eq(parse_exact(nexthop_parse_routes, copy, len,
		    &q, &a), NEXTHOP_PARSE_BAD);
		ck_assert_int_eq(a.found, 0);
	}
	rta = 16 + 12;		/* the first attribute: RTA_TABLE */
	for (i = 0; i < sizeof(rlens) / sizeof(rlens[0]); i++) {
		memcpy(copy, b.buf, len);
		memcpy(copy + rta, &rlens[i], 2);
		memset(&a, 0, sizeof(a));
		ck_assert_int_eq(parse_exact(nexthop_parse_routes, copy, len,
		    &q, &a), NEXTHOP_PARSE_BAD);
	}
	/* A message too short for its rtmsg. */
	nlb_init(&b);
	nlb_msg(&b, RTM_NEWROUTE, SEQ, PORTID);
	wbuf_put_zero(&b.w, 8);
	nlb_end(&b);
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_BAD);
	/* RTA_OIF of the wrong size. */
	nlb_init(&b);
	nlb_msg(&b, RTM_NEWROUTE, SEQ, PORTID);
	wbuf_put_zero(&b.w, 12);
	nlb_attr(&b, RTA_OIF, "ab", 2);
	nlb_end(&b);
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, b.w.len,
	    &q, &a), NEXTHOP_PARSE_BAD);
	/* An empty buffer is no answer yet. */
	ck_assert_int_eq(parse_exact(nexthop_parse_routes, b.buf, 0, &q, &a),
	    NEXTHOP_PARSE_MORE);
}
END_TEST

/* ---- neighbours ------------------------------------------------------- */

START_TEST(test_neigh_states)
{
	static const struct {
		uint16_t	state;
		int		mac;
		int		usable;
	} cases[] = {
		{ NUD_REACHABLE, 1, 1 }, { NUD_STALE, 1, 1 },
		{ NUD_DELAY, 1, 1 }, { NUD_PROBE, 1, 1 },
		{ NUD_PERMANENT, 1, 1 }, { NUD_NOARP, 1, 1 },
		{ NUD_FAILED, 1, 0 }, { NUD_FAILED, 0, 0 },
		{ NUD_INCOMPLETE, 0, 0 }, { NUD_NONE, 0, 0 },
	};
	struct nlb		b;
	struct nexthop_query	q = query(AF_INET, "192.0.2.1");
	struct nexthop_answer	a;
	static const uint8_t	other[6] = { 2, 0, 0, 0, 0, 9 };
	size_t			i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		nlb_init(&b);
		/* decoys: another address, interface, family */
		nlb_neigh(&b, SEQ, AF_INET, IFX, "192.0.2.2", NUD_REACHABLE,
		    other);
		nlb_neigh(&b, SEQ, AF_INET, IFX + 1, "192.0.2.1",
		    NUD_REACHABLE, other);
		nlb_neigh(&b, SEQ, AF_INET6, IFX, "2001:db8::1",
		    NUD_REACHABLE, other);
		nlb_neigh(&b, SEQ, AF_INET, IFX, "192.0.2.1", cases[i].state,
		    cases[i].mac ? mac1 : NULL);
		nlb_done(&b, SEQ);
		memset(&a, 0, sizeof(a));
		ck_assert_int_eq(parse_exact(nexthop_parse_neigh, b.buf,
		    b.w.len, &q, &a), NEXTHOP_PARSE_DONE);
		ck_assert_int_eq(a.found, 1);
		ck_assert_uint_eq(a.nud_state, cases[i].state);
		ck_assert_int_eq(a.has_mac, cases[i].mac);
		if (cases[i].mac)
			ck_assert_mem_eq(a.mac, mac1, 6);
		ck_assert_int_eq(a.has_mac &&
		    (a.nud_state & NEXTHOP_NUD_USABLE) != 0, cases[i].usable);
	}
	/* No entry at all. */
	nlb_init(&b);
	nlb_neigh(&b, SEQ, AF_INET, IFX, "192.0.2.2", NUD_REACHABLE, other);
	nlb_done(&b, SEQ);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_neigh, b.buf, b.w.len, &q,
	    &a), NEXTHOP_PARSE_DONE);
	ck_assert_int_eq(a.found, 0);
}
END_TEST

START_TEST(test_neigh_ipv6_and_truncated)
{
	struct nlb		b;
	struct nexthop_query	q = query(AF_INET6, "fe80::1");
	struct nexthop_answer	a;
	size_t			cut, first;
	int			ret;

	nlb_init(&b);
	nlb_neigh(&b, SEQ, AF_INET6, IFX, "fe80::1", NUD_STALE, mac1);
	first = b.w.len;
	nlb_done(&b, SEQ);
	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_exact(nexthop_parse_neigh, b.buf, b.w.len, &q,
	    &a), NEXTHOP_PARSE_DONE);
	ck_assert_int_eq(a.found, 1);
	ck_assert_uint_eq(a.nud_state, NUD_STALE);
	ck_assert_mem_eq(a.mac, mac1, 6);
	for (cut = 1; cut < b.w.len; cut++) {
		memset(&a, 0, sizeof(a));
		ret = parse_exact(nexthop_parse_neigh, b.buf, cut, &q, &a);
		ck_assert_int_eq(ret, cut == first ? NEXTHOP_PARSE_MORE :
		    NEXTHOP_PARSE_BAD);
	}
	/* ndmsg cut short inside a well-framed message. */
	nlb_init(&b);
	nlb_msg(&b, RTM_NEWNEIGH, SEQ, PORTID);
	wbuf_put_zero(&b.w, 8);
	nlb_end(&b);
	ck_assert_int_eq(parse_exact(nexthop_parse_neigh, b.buf, b.w.len, &q,
	    &a), NEXTHOP_PARSE_BAD);
}
END_TEST

/* ---- requests --------------------------------------------------------- */

START_TEST(test_build_requests)
{
	struct nexthop_query	q = query(AF_INET6, NULL);
	uint8_t			buf[64];
	struct pbuf		b;
	uint32_t		len, seq, v;
	uint16_t		type, flags, alen, atype;
	uint8_t			fam;
	size_t			n;

	n = nexthop_build_route_dump(buf, sizeof(buf), &q);
	ck_assert_uint_eq(n, 16 + 12 + 8 + 8);
	pbuf_init(&b, buf, n);
	pbuf_get(&b, &len, 4);
	pbuf_get(&b, &type, 2);
	pbuf_get(&b, &flags, 2);
	pbuf_get(&b, &seq, 4);
	ck_assert_uint_eq(len, n);
	ck_assert_uint_eq(type, RTM_GETROUTE);
	ck_assert_uint_eq(flags, NLM_F_REQUEST | NLM_F_DUMP);
	ck_assert_uint_eq(seq, SEQ);
	pbuf_skip(&b, 4);
	pbuf_get(&b, &fam, 1);
	ck_assert_uint_eq(fam, AF_INET6);
	pbuf_skip(&b, 11);
	pbuf_get(&b, &alen, 2);
	pbuf_get(&b, &atype, 2);
	pbuf_get(&b, &v, 4);
	ck_assert_uint_eq(alen, 8);
	ck_assert_uint_eq(atype, RTA_TABLE);
	ck_assert_uint_eq(v, RT_TABLE_MAIN);
	pbuf_get(&b, &alen, 2);
	pbuf_get(&b, &atype, 2);
	pbuf_get(&b, &v, 4);
	ck_assert_uint_eq(atype, RTA_OIF);
	ck_assert_uint_eq(v, IFX);

	n = nexthop_build_neigh_dump(buf, sizeof(buf), &q);
	ck_assert_uint_eq(n, 16 + 12 + 8);
	memcpy(&type, buf + 4, 2);
	ck_assert_uint_eq(type, RTM_GETNEIGH);
	memcpy(&atype, buf + 16 + 12 + 2, 2);
	ck_assert_uint_eq(atype, NDA_IFINDEX);
	/* No room: 0, nothing claimed. */
	ck_assert_uint_eq(nexthop_build_route_dump(buf, 20, &q), 0);
}
END_TEST

/* ---- nexthop state and pktout_prepare --------------------------------- */

START_TEST(test_state_names_format)
{
	struct nexthop	nh;
	uint8_t		gw[4] = { 192, 0, 2, 1 };
	char		line[128];

	ck_assert_str_eq(nexthop_state_name(NUD_REACHABLE), "REACHABLE");
	ck_assert_str_eq(nexthop_state_name(NUD_FAILED), "FAILED");
	ck_assert_str_eq(nexthop_state_name(0), "none");
	nexthop_init(&nh, AF_INET, IFX, NULL);
	ck_assert_str_eq(nexthop_format(&nh, line, sizeof(line)),
	    "IPv4 no gateway");
	nexthop_init(&nh, AF_INET, IFX, gw);
	memcpy(nh.mac, mac1, 6);
	nh.nud_state = NUD_STALE;
	nh.usable = 1;
	ck_assert_str_eq(nexthop_format(&nh, line, sizeof(line)),
	    "IPv4 gw 192.0.2.1 (configured) mac 02:00:5e:00:53:01 STALE usable");
	/* Unusable: always the kernel path, no kick counted. */
	nh.usable = 0;
	nh.kick = 1;
	ck_assert_int_eq(nexthop_take_kick(&nh), 1);
	ck_assert_int_eq(nexthop_take_kick(&nh), 1);
	ck_assert_uint_eq(nh.stats.kicks, 0);
}
END_TEST

static const uint8_t mac6[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x06 };

static void
pktout_by_hand(struct pktout *po)
{
	memset(po, 0, sizeof(*po));
	po->fd = po->nlfd = -1;
	po->ifindex = 7;
	po->mtu = 1500;
	nexthop_init(&po->nh4, AF_INET, 7, NULL);
	nexthop_init(&po->nh6, AF_INET6, 7, NULL);
	memcpy(po->nh4.mac, mac1, 6);
	memcpy(po->nh6.mac, mac6, 6);
	po->nh4.usable = po->nh6.usable = 1;
	po->nh4.kick = po->nh6.kick = 1;	/* as after a refresh */
}

START_TEST(test_prepare)
{
	struct pktout		po;
	struct pktout_msg	m;
	static uint8_t		pkt[2000];
	uint8_t			zero[8] = { 0 };

	pktout_by_hand(&po);
	pkt[0] = 0x60;
	/* First IPv6 packet after a refresh: the kick. */
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 1280), 0);
	ck_assert_uint_eq(po.stats.kernel_path, 1);
	ck_assert_uint_eq(po.nh6.stats.kicks, 1);
	memset(&m, 0xa5, sizeof(m));
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 1280), 1);
	ck_assert_int_eq(m.sll.sll_family, AF_PACKET);
	ck_assert_uint_eq(m.sll.sll_protocol, htons(ETH_P_IPV6));
	ck_assert_int_eq(m.sll.sll_ifindex, 7);
	ck_assert_uint_eq(m.sll.sll_halen, 6);
	ck_assert_mem_eq(m.sll.sll_addr, mac6, 6);
	ck_assert_mem_eq(m.sll.sll_addr + 6, zero, 2);
	ck_assert_ptr_eq(m.mm.msg_hdr.msg_name, &m.sll);
	ck_assert_uint_eq(m.mm.msg_hdr.msg_namelen, sizeof(m.sll));
	ck_assert_ptr_eq(m.mm.msg_hdr.msg_iov, &m.iov);
	ck_assert_uint_eq(m.mm.msg_hdr.msg_iovlen, 1);
	ck_assert_ptr_null(m.mm.msg_hdr.msg_control);
	ck_assert_uint_eq(m.mm.msg_hdr.msg_controllen, 0);
	ck_assert_ptr_eq(m.iov.iov_base, pkt);
	ck_assert_uint_eq(m.iov.iov_len, 1280);

	/* IPv4 has a kick of its own, then its MAC and ethertype. */
	pkt[0] = 0x45;
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 1500), 0);
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 1500), 1);
	ck_assert_uint_eq(m.sll.sll_protocol, htons(ETH_P_IP));
	ck_assert_mem_eq(m.sll.sll_addr, mac1, 6);
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 20), 1);
	ck_assert_uint_eq(po.stats.kernel_path, 2);
	ck_assert_uint_eq(po.nh4.stats.kicks, 1);

	/* Longer than the MTU: the kernel fragments or says Too Big. */
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 1501), 0);
	pkt[0] = 0x60;
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 1501), 0);
	ck_assert_uint_eq(po.stats.too_big, 2);
	ck_assert_uint_eq(po.stats.kernel_path, 4);
	/* Neither 4 nor 6, or empty. */
	pkt[0] = 0x50;
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 100), 0);
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 0), 0);
	ck_assert_uint_eq(po.stats.kernel_path, 6);

	/* The next refresh sets the kick again: one packet the kernel's way. */
	po.nh6.kick = 1;
	pkt[0] = 0x60;
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 100), 0);
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 100), 1);
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 100), 1);
	ck_assert_uint_eq(po.nh6.stats.kicks, 2);

	/* Unusable: every packet, without counting kicks. */
	po.nh6.usable = 0;
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 100), 0);
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 100), 0);
	ck_assert_uint_eq(po.nh6.stats.kicks, 2);
	ck_assert_uint_eq(po.stats.kernel_path, 9);
	/* IPv4 still goes out. */
	pkt[0] = 0x45;
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, 100), 1);
	ck_assert_uint_eq(po.stats.sent, 0);	/* prepare sends nothing */
}
END_TEST

/* ---- against the kernel ------------------------------------------------ */

static void
sh(const char *fmt, ...)
{
	char	cmd[1024];
	va_list	ap;
	int	rc, n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	ck_assert_int_lt(n, (int)sizeof(cmd));
	rc = system(cmd);
	ck_assert_msg(rc != -1 && WIFEXITED(rc) && WEXITSTATUS(rc) == 0,
	    "failed: %s", cmd);
}

/*
 * A private namespace: v0 (192.0.2.10/24, 2001:db8:1::10/64, default via
 * .1 / ::1) and its peer v1 (198.51.100.10/24, a lower-metric default via
 * .1 there); decoy defaults in table 100.
 */
static unsigned int
kernel_setup(void)
{
	ck_assert_msg(geteuid() == 0, "nexthop_test (kernel) must run as root");
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	sh("ip link set lo up && ip link add v0 type veth peer name v1 && "
	    "ip link set v0 up && ip link set v1 up && "
	    "ip addr add 192.0.2.10/24 dev v0 && "
	    "ip addr add 2001:db8:1::10/64 dev v0 nodad && "
	    "ip addr add 198.51.100.10/24 dev v1 && "
	    "ip addr add 2001:db8:2::10/64 dev v1 nodad && "
	    "ip route add default via 192.0.2.1 metric 100 && "
	    "ip route add default via 198.51.100.1 metric 10 && "
	    "ip route add default via 192.0.2.99 table 100 && "
	    "ip -6 route add default via 2001:db8:1::1 metric 100 && "
	    "ip -6 route add default via 2001:db8:2::1 metric 10 && "
	    "ip -6 route add default via 2001:db8:1::99 dev v0 table 100");
	return if_nametoindex("v0");
}

static const char *const mac_a = "02:00:5e:00:53:01";	/* mac1 */

START_TEST(test_kernel_refresh)
{
	struct nexthop	nh4, nh6;
	unsigned int	ifx = kernel_setup();
	int		fd = nexthop_socket();

	ck_assert_int_ge(fd, 0);
	sh("ip neigh replace 192.0.2.1 lladdr %s dev v0 nud stale", mac_a);
	sh("ip neigh replace 2001:db8:1::1 lladdr %s dev v0 nud reachable",
	    mac_a);
	nexthop_init(&nh4, AF_INET, ifx, NULL);
	nexthop_init(&nh6, AF_INET6, ifx, NULL);
	ck_assert_int_eq(nexthop_refresh(&nh4, fd), 0);
	ck_assert_int_eq(nexthop_refresh(&nh6, fd), 0);
	assert_addr(AF_INET, nh4.gw, "192.0.2.1");
	assert_addr(AF_INET6, nh6.gw, "2001:db8:1::1");
	ck_assert_mem_eq(nh4.mac, mac1, 6);
	ck_assert_mem_eq(nh6.mac, mac1, 6);
	ck_assert_uint_eq(nh4.nud_state, NUD_STALE);
	ck_assert_uint_eq(nh6.nud_state, NUD_REACHABLE);
	ck_assert_int_eq(nh4.kick, 1);
	ck_assert_uint_eq(nh4.stats.refresh_errors + nh6.stats.refresh_errors,
	    0);

	/* The route goes: no gateway, unusable. */
	sh("ip route del default via 192.0.2.1");
	ck_assert_int_eq(nexthop_refresh(&nh4, fd), -1);
	ck_assert_int_eq(nh4.usable, 0);
	ck_assert_int_eq(nh4.gw_known, 0);
	ck_assert_uint_eq(nh4.stats.no_gateway, 1);
	ck_assert_uint_eq(nh4.stats.unusable, 1);
	/* Another gateway: followed, but no entry yet. */
	sh("ip route add default via 192.0.2.2 metric 100");
	ck_assert_int_eq(nexthop_refresh(&nh4, fd), -1);
	assert_addr(AF_INET, nh4.gw, "192.0.2.2");
	ck_assert_uint_eq(nh4.nud_state, 0);
	ck_assert_uint_eq(nh4.stats.refresh_errors, 0);
	close(fd);
}
END_TEST

START_TEST(test_kernel_states)
{
	/*
	 * states: what the entry may be in when read back.  DELAY's timer
	 * fires at once and, the entry having been confirmed just before,
	 * makes it REACHABLE; PROBE's sends a probe and waits.
	 */
	static const struct {
		const char	*nud;
		uint16_t	 states;
		int		 usable;
	} cases[] = {
		{ "reachable", NUD_REACHABLE, 1 }, { "stale", NUD_STALE, 1 },
		{ "delay", NUD_DELAY | NUD_REACHABLE, 1 },
		{ "probe", NUD_PROBE | NUD_REACHABLE, 1 },
		{ "permanent", NUD_PERMANENT, 1 }, { "noarp", NUD_NOARP, 1 },
		{ "failed", NUD_FAILED, 0 }, { "incomplete", NUD_INCOMPLETE, 0 },
	};
	struct nexthop	nh;
	unsigned int	ifx = kernel_setup();
	int		fd = nexthop_socket();
	size_t		i;

	ck_assert_int_ge(fd, 0);
	nexthop_init(&nh, AF_INET6, ifx, NULL);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		sh("ip neigh replace 2001:db8:1::1 lladdr %s dev v0 nud %s",
		    mac_a, cases[i].nud);
		ck_assert_int_eq(nexthop_refresh(&nh, fd),
		    cases[i].usable ? 0 : -1);
		ck_assert_msg(nh.nud_state != 0 &&
		    (nh.nud_state & ~cases[i].states) == 0,
		    "nud %s: state %s", cases[i].nud,
		    nexthop_state_name(nh.nud_state));
		ck_assert_int_eq(nh.usable, cases[i].usable);
		if (cases[i].usable)
			ck_assert_mem_eq(nh.mac, mac1, 6);
	}
	sh("ip neigh del 2001:db8:1::1 dev v0");
	ck_assert_int_eq(nexthop_refresh(&nh, fd), -1);
	ck_assert_uint_eq(nh.nud_state, 0);
	ck_assert_uint_eq(nh.stats.refresh_errors, 0);
	close(fd);
}
END_TEST

/* 3000 routes and neighbours through v0: dumps of many recv buffers. */
START_TEST(test_kernel_big_dump)
{
	struct nexthop	nh;
	unsigned int	ifx = kernel_setup();
	int		fd = nexthop_socket();
	char		path[64];
	FILE		*f;
	int		i;

	ck_assert_int_ge(fd, 0);
	snprintf(path, sizeof(path), "/tmp/nexthop_test.%d.batch", getpid());
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < 3000; i++)
		fprintf(f, "route add 198.18.%d.%d/32 via 192.0.2.%d\n",
		    i / 250, i % 250, 2 + i % 200);
	for (i = 0; i < 200; i++)
		fprintf(f, "neigh add 192.0.2.%d lladdr 00:00:5e:00:53:%02x "
		    "dev v0 nud permanent\n", 2 + i, i);
	fclose(f);
	sh("ip -batch %s; rc=$?; rm -f %s; [ $rc = 0 ] && "
	    "[ $(ip route show | wc -l) -gt 3000 ] && "
	    "[ $(ip neigh show dev v0 | wc -l) -ge 200 ]", path, path);
	sh("ip neigh replace 192.0.2.1 lladdr %s dev v0 nud permanent", mac_a);
	nexthop_init(&nh, AF_INET, ifx, NULL);
	ck_assert_int_eq(nexthop_refresh(&nh, fd), 0);
	assert_addr(AF_INET, nh.gw, "192.0.2.1");
	ck_assert_mem_eq(nh.mac, mac1, 6);
	ck_assert_uint_eq(nh.stats.refresh_errors, 0);
	close(fd);
}
END_TEST

/* A configured gateway wins over the route; one packet really leaves. */
START_TEST(test_kernel_configured_and_send)
{
	struct pktout		po;
	struct pktout_msg	m;
	uint8_t			gw4[4] = { 192, 0, 2, 77 }, pkt[64] = { 0x45 };
	size_t			sent;
	int			err;

	kernel_setup();
	sh("ip neigh replace 192.0.2.77 lladdr %s dev v0 nud permanent",
	    mac_a);
	ck_assert_int_eq(pktout_open(&po, "v0", gw4, NULL), 0);
	ck_assert_uint_eq(po.mtu, 1500);
	ck_assert_int_eq(po.nh4.gw_fixed, 1);
	ck_assert_int_eq(po.nh4.usable, 1);
	assert_addr(AF_INET, po.nh4.gw, "192.0.2.77");
	ck_assert_mem_eq(po.nh4.mac, mac1, 6);
	ck_assert_int_eq(po.nh6.usable, 0);	/* no entry for ::1 */
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, sizeof(pkt)), 0);
	ck_assert_int_eq(pktout_prepare(&po, &m, pkt, sizeof(pkt)), 1);
	sent = pktout_send(&po, &m, 1, &err);
	ck_assert_uint_eq(sent, 1);
	ck_assert_int_eq(err, 0);
	ck_assert_uint_eq(po.stats.sent, 1);
	ck_assert_uint_eq(m.mm.msg_len, sizeof(pkt));
	/* MTU re-read on refresh. */
	sh("ip link set v0 mtu 1400");
	pktout_refresh(&po);
	ck_assert_uint_eq(po.mtu, 1400);
	pktout_close(&po);
	ck_assert_int_eq(po.fd, -1);
}
END_TEST

static Suite *
nexthop_suite(void)
{
	Suite	*s = suite_create("nexthop");
	TCase	*tc = tcase_create("parse");

	tcase_add_test(tc, test_routes_pick_main_default);
	tcase_add_test(tc, test_routes_lowest_metric_no_rta_table);
	tcase_add_test(tc, test_routes_ipv6_linklocal);
	tcase_add_test(tc, test_routes_multipath);
	tcase_add_test(tc, test_routes_seq_pid_error);
	tcase_add_test(tc, test_routes_truncated);
	tcase_add_test(tc, test_routes_bad_lengths);
	tcase_add_test(tc, test_neigh_states);
	tcase_add_test(tc, test_neigh_ipv6_and_truncated);
	tcase_add_test(tc, test_build_requests);
	suite_add_tcase(s, tc);
	tc = tcase_create("prepare");
	tcase_add_test(tc, test_state_names_format);
	tcase_add_test(tc, test_prepare);
	suite_add_tcase(s, tc);
	tc = tcase_create("kernel");
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_kernel_refresh);
	tcase_add_test(tc, test_kernel_states);
	tcase_add_test(tc, test_kernel_big_dump);
	tcase_add_test(tc, test_kernel_configured_and_send);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(nexthop_suite());
	int	 failed;

	/* Each kernel case unshares its own namespace: it needs its fork. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
