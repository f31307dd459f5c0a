/*
 * libFuzzer harness for the relay6to4 verdict (relay6to4/r64.c) and,
 * through it, ip6_parse, ip6_upper and icmp6err.  Each input is one
 * packet as read from the TUN.  FORWARD output must be IPv4 protocol 41
 * with a correct header checksum, from our source, to a global V4ADDR
 * that matches the inner destination, inner hop limit decremented and no
 * larger than the tunnel MTU; ERROR output an ICMPv6 error of at most
 * 1280 bytes, to the offending packet's source, with a correct checksum.
 * The policy oracle (policy6.h, a walk of its own) aborts when a packet
 * forwarded carries an RH0 or an extension header chain the relay could
 * not have walked to its end, or breaks a source rule (6to4 or insane
 * source, a source embedding one of our addresses) or goes to one of our
 * own IPv4 addresses.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "relay6to4/r64.h"
#include "sixtofour.h"
#include "policy6.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static struct r64	r;
static int		ready;
static uint8_t		buf[TB_HEADROOM + TB_PKT_MAX];
static uint8_t		orig[TB_PKT_MAX];

static void
fuzz_init(void)
{
	struct r64_conf	c;
	char		err[256];
	uint8_t		seed[IP4_IDGEN_SEED_LEN] = { 2 };

	if (conf_defaults(r64_conf_keys, &c, err, sizeof(err)) == -1)
		abort();
	c.source.s_addr = htonl(0xc0586302);		/* 192.88.99.2 */
	r64_init(&r, &c, seed);
	ready = 1;
}

static void
fuzz_check_forward(const struct tb_pkt *p, size_t inlen)
{
	struct pbuf		b, pay, up;
	struct ip4_hdr		o;
	struct ip6_hdr_info	i;

	pbuf_init(&b, p->data, p->len);
	CHECK(ip4_parse(&b, &o, &pay) == IP4_OK);
	CHECK(o.proto == IPPROTO_6IN4 && o.hlen == IP4_HDR_LEN);
	CHECK(o.src.s_addr == r.conf.source.s_addr);
	CHECK(!sixtofour_v4_bogon(o.dst, 0));
	CHECK(ip6_parse(&pay, &i, &up) == IP6_OK);
	CHECK(sixtofour_v4(&i.dst).s_addr == o.dst.s_addr);
	CHECK(i.hlim + (inlen & 1) == orig[7]);	/* hop: size & 1 */
	CHECK(pay.len <= r.conf.mtu && pay.len <= inlen);
	CHECK(memcmp(pay.p + 8, orig + 8, pay.len - 8) == 0);
	CHECK(policy6_forwardable(orig, inlen, IP6_CHAIN_MAX, 0));
	CHECK(!sixtofour_is_6to4(&i.src) && !sixtofour_v6_insane(&i.src));
	CHECK(!sixtofour_embeds_any(&i.src, r.own, r.nown));
	CHECK(!sixtofour_v4_listed(r.own, r.nown, o.dst));
}

static void
fuzz_check_error(const struct tb_pkt *p)
{
	struct pbuf		b, pay;
	struct ip6_hdr_info	i;

	pbuf_init(&b, p->data, p->len);
	CHECK(p->len <= IP6_MIN_MTU);
	CHECK(ip6_parse(&b, &i, &pay) == IP6_OK);
	CHECK(i.nxt == IPPROTO_ICMPV6);
	CHECK(memcmp(&i.dst, orig + 8, 16) == 0);
	CHECK(inet_csum6(&i.src, &i.dst, IPPROTO_ICMPV6, pay.p, pay.len) == 0);
	CHECK(icmp6_is_error(pay.p[0]));
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tb_pkt	p = { buf, sizeof(buf), NULL, 0 };

	if (!ready)
		fuzz_init();
	if (size > TB_PKT_MAX)
		return 0;
	tunbatch_pkt_reset(&p);
	memcpy(p.data, data, size);
	memcpy(orig, data, size);
	p.len = size;
	switch (r64_process(&r, 0, &p, size & 1)) {
	case R64_V_FORWARD:
		fuzz_check_forward(&p, size);
		break;
	case R64_V_ERROR:
		fuzz_check_error(&p);
		break;
	default:
		break;
	}
	CHECK(p.data >= p.buf && (size_t)(p.data - p.buf) + p.len <= p.cap);
	return 0;
}
