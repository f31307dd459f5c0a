/*
 * libFuzzer harness for the relay4to6 verdict (relay4to6/r46.c) and,
 * through it, ip4_parse, frag4, ip6_parse, ip6_upper and icmp6err.  The
 * input is a sequence of packets, each prefixed by a 2-byte length, fed
 * to one engine with a clock that advances, so that reassembly state
 * carries over.  After each verdict the output must be well formed:
 * inside the buffer; FORWARD is IPv6 from 2002::/16 with a sane
 * destination; REPLY is IPv4 protocol 41 from one of our addresses with
 * a correct header checksum.  The policy oracle (policy6.h, a walk of its
 * own) aborts when a forwarded packet carries an RH0, an ND message or an
 * extension header chain the relay could not have walked to its end, or
 * when its source's V4ADDR is not the outer source of the record that
 * carried it (RFC 3964 5.2; an Echo Reply from our own /48 excepted).
 * Reassembly is small (16 datagrams, 16 KiB: a source's share is 2
 * datagrams, 2 KiB), so eviction of the oldest and the per-source cap run
 * all the time; after each packet it stays within its bounds, and at the
 * end it holds no memory (nothing leaked).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay4to6/r46.h"
#include "sixtofour.h"
#include "policy6.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define FUZZ_FRAG_DATAGRAMS	16

static struct r46	r;
static int		ready;
static uint8_t		buf[TB_HEADROOM + TB_PKT_MAX];
static struct in_addr	outer_src;	/* of the record being processed */

static void
fuzz_init(void)
{
	struct r46_conf	c;
	char		err[256];
	uint8_t		seed[IP4_IDGEN_SEED_LEN] = { 1 };

	if (conf_defaults(r46_conf_keys, &c, err, sizeof(err)) == -1)
		abort();
	c.unicast.s_addr = htonl(0xcb00710a);		/* 203.0.113.10 */
	c.frag_max_datagrams = FUZZ_FRAG_DATAGRAMS;
	c.frag_max_bytes = FRAG4_MIN_BYTES;
	if (r46_init(&r, &c, seed) == -1)
		abort();
	ready = 1;
}

static void
fuzz_check(enum r46_verdict v, const struct tb_pkt *p)
{
	struct pbuf		b, pay;
	struct ip4_hdr		o;
	struct ip6_hdr_info	i;

	CHECK(p->data >= p->buf && p->len <= p->cap &&
	    (size_t)(p->data - p->buf) <= p->cap - p->len);
	pbuf_init(&b, p->data, p->len);
	switch (v) {
	case R46_V_FORWARD:
		CHECK(ip6_parse(&b, &i, &pay) == IP6_OK);
		CHECK(p->len == IP6_HDR_LEN + i.plen);
		CHECK(sixtofour_is_6to4(&i.src));
		CHECK(!sixtofour_is_6to4(&i.dst));
		CHECK(!sixtofour_v6_insane(&i.dst));
		CHECK(i.hlim >= 1);
		CHECK(policy6_forwardable(p->data, p->len, IP6_CHAIN_MAX, 1));
		CHECK(sixtofour_v4(&i.src).s_addr == outer_src.s_addr ||
		    sixtofour_v4_listed(r.own, r.nown, sixtofour_v4(&i.src)));
		break;
	case R46_V_REPLY:
		CHECK(ip4_parse(&b, &o, &pay) == IP4_OK);
		CHECK(o.proto == IPPROTO_6IN4 && o.hlen == IP4_HDR_LEN);
		CHECK(o.src.s_addr == r.own[0].s_addr ||
		    o.src.s_addr == r.own[1].s_addr);
		CHECK(ip6_parse(&pay, &i, &b) == IP6_OK);
		break;
	default:
		break;
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tb_pkt	p = { buf, sizeof(buf), NULL, 0 };
	struct pbuf	in;
	uint16_t	len;
	uint64_t	now = 0;

	if (!ready)
		fuzz_init();
	pbuf_init(&in, data, size);
	while (pbuf_get_n16(&in, &len) == 0) {
		if (len > pbuf_left(&in))
			len = (uint16_t)pbuf_left(&in);
		tunbatch_pkt_reset(&p);
		(void)pbuf_get(&in, p.data, len);
		p.len = len;
		if (len >= 16)
			memcpy(&outer_src, p.data + 12, 4);
		fuzz_check(r46_process(&r, now, &p), &p);
		CHECK(frag4_pending(r.frag) <= FUZZ_FRAG_DATAGRAMS);
		CHECK(frag4_held_bytes(r.frag) <= FRAG4_MIN_BYTES);
		CHECK(r.cnt.v[R46_DROP_FRAG_EVICTED] ==
		    frag4_stats(r.frag)->evicted);
		CHECK(r.cnt.v[R46_DROP_FRAG_SOURCE_CAP] ==
		    frag4_stats(r.frag)->source_cap);
		now += 700;
	}
	r46_tick(&r, now + 60000);		/* leave no state behind */
	CHECK(frag4_pending(r.frag) == 0);
	CHECK(frag4_held_bytes(r.frag) == 0);
	return 0;
}
