/*
 * relay4to6 verdict: protocol 41 from a 6to4 site in, native IPv6 out.
 *
 * Checks run in a fixed order and each refusal bumps its own counter
 * (conformance.md A2-A4, A8, A11, A13, A16-A21, A25, A29-A32):
 *   outer IPv4 well formed (length, IHL, options, checksum)
 *   outer dst is ours and sane; outer src sane (RFC 3964 5.3.1, the
 *     relay's subnet broadcasts; 192.88.99.0/24 is allowed as a source:
 *     other relays send from it)
 *   protocol 41; fragments reassembled (frag4)
 *   inner IPv6 well formed; inner src 2002:V4ADDR:: with V4ADDR == outer
 *     src (RFC 3964 5.2); the one exception is an Echo Request from a
 *     native source to our own /48 relayed by another relay (outer src in
 *     192.88.99.0/24), answered natively
 *   inner dst not 6to4 (no 6to4<->6to4 relaying), except our own /48s,
 *     which are answered locally (ICMPv6 echo)
 *   inner dst sane (RFC 3964 5.3.2); an extension header chain walked
 *     to its end (too long or truncated: dropped, never passed); no ND;
 *     no RH0 (RFC 5095); RFC 6324 loop check
 *   hop limit (Time Exceeded back to the site, encapsulated); RFC 6040 ECN
 * Decapsulation only advances p->data; the hop limit and ECN are edited in
 * place.
 */
#include <errno.h>
#include <string.h>

#include "r46.h"
#include "sixtofour.h"

const char *const r46_counter_names[] = { R46_COUNTERS(COUNTER_NAME) };

/* A packet being decided: the outer header and where the inner one is. */
struct r46_ctx {
	struct ip4_hdr		 o;
	struct ip6_hdr_info	 i;
	struct pbuf		 ipay;	/* inner IPv6 payload */
	uint8_t			*in;	/* inner packet (p->data after decap) */
	size_t			 inlen;
};

int
r46_init(struct r46 *r, const struct r46_conf *c,
    const uint8_t seed[IP4_IDGEN_SEED_LEN])
{
	struct frag4_conf	fc;
	struct in_addr		any;

	memset(r, 0, sizeof(*r));
	r->conf = *c;
	r->own[r->nown++] = c->anycast;
	if (c->unicast.s_addr != INADDR_ANY)
		r->own[r->nown++] = c->unicast;
	r->nbcast = sixtofour_subnet_bcasts(c->subnets.p, c->subnets.n,
	    r->bcast, CONF_LIST_MAX);
	r->bogon_flags = c->bogon100_64 ? SIXTOFOUR_BOGON_100_64 : 0;
	if (IN6_IS_ADDR_UNSPECIFIED(&c->native)) {
		any.s_addr = htonl(SIXTOFOUR_ANYCAST);
		sixtofour_prefix(any, &r->err_src);
		r->err_src.s6_addr[15] = 1;
	} else
		r->err_src = c->native;
	ip4_idgen_init(&r->idgen, seed);
	fc.max_bytes = c->frag_max_bytes;
	fc.max_datagrams = c->frag_max_datagrams;
	fc.timeout_ms = c->frag_timeout * 1000;
	/* Keyed with the ID generator's secret: hash chains stay short. */
	fc.hash_key = inet_mix64(r->idgen.k0 ^ r->idgen.k1);
	if ((r->frag = frag4_new(&fc)) == NULL)
		return -1;
	icmp6err_init(&r->icmp, c->icmp_rate, c->icmp_burst);
	counters_init(&r->cnt, r46_counter_names, R46_NCOUNTERS);
	return 0;
}

void
r46_free(struct r46 *r)
{
	frag4_free(r->frag);
	r->frag = NULL;
	counters_free(&r->cnt);
}

/* Datagrams frag4 dropped on its own (not the verdict of a packet). */
static void
r46_frag_sync(struct r46 *r)
{
	const struct frag4_stats *st = frag4_stats(r->frag);

	r->cnt.v[R46_DROP_FRAG_TIMEOUT] = st->timeout;
	r->cnt.v[R46_DROP_FRAG_EVICTED] = st->evicted;
	r->cnt.v[R46_DROP_FRAG_SOURCE_CAP] = st->source_cap;
}

void
r46_tick(struct r46 *r, uint64_t now_ms)
{
	frag4_expire(r->frag, now_ms);
	r46_frag_sync(r);
}

static enum r46_verdict
r46_drop(struct r46 *r, enum r46_counter why)
{
	counters_inc(&r->cnt, why);
	return R46_V_DROP;
}

/* 1 if a is in one of our own 2002:OWN::/48 prefixes. */
static int
r46_is_own6(const struct r46 *r, const struct in6_addr *a)
{
	return sixtofour_is_6to4(a) &&
	    sixtofour_v4_listed(r->own, r->nown, sixtofour_v4(a));
}

/*
 * Prepend an IPv4 protocol-41 header to p (which holds an IPv6 packet we
 * originate), from our address `src` to the site at `dst`.
 */
static enum r46_verdict
r46_encap_reply(struct r46 *r, struct tb_pkt *p, struct in_addr src,
    struct in_addr dst)
{
	struct ip4_hdr	h;

	memset(&h, 0, sizeof(h));
	h.total_len = (uint16_t)(p->len + IP4_HDR_LEN);
	h.id = ip4_idgen_next(&r->idgen, dst);
	h.ttl = (uint8_t)r->conf.ttl;
	h.proto = IPPROTO_6IN4;
	h.src = src;
	h.dst = dst;
	p->data -= IP4_HDR_LEN;
	p->len += IP4_HDR_LEN;
	ip4_write(p->data, &h);
	return R46_V_REPLY;
}

/* Outer header: parse and sanity, in the documented order. */
static enum r46_verdict
r46_outer(struct r46 *r, struct tb_pkt *p, struct r46_ctx *x,
    struct pbuf *opay)
{
	struct pbuf	pkt;

	pbuf_init(&pkt, p->data, p->len);
	switch (ip4_parse(&pkt, &x->o, opay)) {
	case IP4_OK:
		break;
	case IP4_ERR_CSUM:
		return r46_drop(r, R46_DROP_IP4_CHECKSUM);
	case IP4_ERR_OPTIONS:
		return r46_drop(r, R46_DROP_IP4_OPTIONS);
	case IP4_ERR_VERSION:	/* the kernel's own IPv6 chatter on the TUN */
		return r46_drop(r, R46_DROP_NOT_IP4);
	default:
		return r46_drop(r, R46_DROP_IP4_MALFORMED);
	}
	if (sixtofour_v4_bogon_noanycast(x->o.dst, r->bogon_flags) ||
	    sixtofour_v4_listed(r->bcast, r->nbcast, x->o.dst))
		return r46_drop(r, R46_DROP_DST_V4_BOGON);
	if (!sixtofour_v4_listed(r->own, r->nown, x->o.dst))
		return r46_drop(r, R46_DROP_DST_V4_NOT_OWN);
	if (sixtofour_v4_bogon_noanycast(x->o.src, r->bogon_flags))
		return r46_drop(r, R46_DROP_SRC_V4_BOGON);
	if (sixtofour_v4_listed(r->bcast, r->nbcast, x->o.src))
		return r46_drop(r, R46_DROP_SRC_V4_BROADCAST);
	if (x->o.proto != IPPROTO_6IN4)
		return r46_drop(r, R46_DROP_NOT_PROTO41);
	return R46_V_FORWARD;
}

/* Fragments: hold, or continue with the whole payload copied into p. */
static enum r46_verdict
r46_reassemble(struct r46 *r, uint64_t now_ms, struct tb_pkt *p,
    struct r46_ctx *x, struct pbuf *opay)
{
	const uint8_t		*out;
	size_t			 outlen;
	enum frag4_result	 fr;

	fr = frag4_input(r->frag, now_ms, &x->o, opay->p, opay->len, &out,
	    &outlen);
	r46_frag_sync(r);
	switch (fr) {
	case FRAG4_DONE:
		break;
	case FRAG4_HELD:
		counters_inc(&r->cnt, R46_FRAG_HELD);
		return R46_V_HELD;
	case FRAG4_DROP_OVERLAP:
		return r46_drop(r, R46_DROP_FRAG_OVERLAP);
	case FRAG4_DROP_TOOBIG:
		return r46_drop(r, R46_DROP_FRAG_TOOBIG);
	default:
		return r46_drop(r, R46_DROP_FRAG_BAD);
	}
	if (outlen > p->cap - TB_HEADROOM)
		return r46_drop(r, R46_DROP_FRAG_TOOBIG);
	counters_inc(&r->cnt, R46_FRAG_REASSEMBLED);
	p->data = p->buf + TB_HEADROOM;
	memcpy(p->data, out, outlen);
	pbuf_init(opay, p->data, outlen);
	return R46_V_FORWARD;
}

/*
 * Echo Request to one of our /48s: answer it in place.  The reply goes
 * back encapsulated to the 6to4 site, or, for a native source relayed to
 * us by another relay (outer source in 192.88.99.0/24), natively.
 */
static enum r46_verdict
r46_local(struct r46 *r, struct tb_pkt *p, struct r46_ctx *x, int native)
{
	struct pbuf	up;
	struct icmp_hdr	ic;
	uint8_t		proto, *msg;

	if (ip6_upper(x->i.nxt, &x->ipay, &proto, &up) == -1)
		return r46_drop(r, R46_DROP_LOCAL_MALFORMED);
	if (proto != IPPROTO_ICMPV6 || x->i.nxt != IPPROTO_ICMPV6)
		return r46_drop(r, R46_DROP_LOCAL_NOT_ECHO);
	msg = x->in + IP6_HDR_LEN;
	if (icmp_parse(&up, &ic) == -1 ||
	    inet_csum6(&x->i.src, &x->i.dst, IPPROTO_ICMPV6, msg,
	    x->i.plen) != 0)
		return r46_drop(r, R46_DROP_LOCAL_MALFORMED);
	if (ic.type != ICMP6_ECHO_REQUEST || ic.code != 0)
		return r46_drop(r, R46_DROP_LOCAL_NOT_ECHO);
	ip6_swap_addrs(x->in);
	ip6_set_hlim(x->in, 64);
	icmp6_echo_to_reply(msg);
	p->data = x->in;
	p->len = IP6_HDR_LEN + x->i.plen;
	counters_inc(&r->cnt, R46_ECHO_REPLIED);
	if (native)
		return R46_V_FORWARD;
	return r46_encap_reply(r, p, x->o.dst, x->o.src);
}

/* Hop limit exhausted: Time Exceeded back to the site, encapsulated. */
static enum r46_verdict
r46_time_exceeded(struct r46 *r, uint64_t now_ms, struct tb_pkt *p,
    struct r46_ctx *x)
{
	size_t	len;

	counters_inc(&r->cnt, R46_DROP_HOP_LIMIT);
	switch (icmp6err_build(&r->icmp, now_ms, &r->err_src,
	    ICMP6_TIME_EXCEEDED, 0, 0, x->in, x->inlen, r->scratch,
	    sizeof(r->scratch), &len)) {
	case ICMP6ERR_BUILT:
		break;
	case ICMP6ERR_RATELIMITED:
		counters_inc(&r->cnt, R46_ICMP_RATELIMITED);
		return R46_V_DROP;
	default:
		counters_inc(&r->cnt, R46_ICMP_FORBIDDEN);
		return R46_V_DROP;
	}
	p->data = p->buf + TB_HEADROOM;
	memcpy(p->data, r->scratch, len);
	p->len = len;
	counters_inc(&r->cnt, R46_TIME_EXCEEDED_SENT);
	return r46_encap_reply(r, p, x->o.dst, x->o.src);
}

/* Inner packet checks (after decapsulation). */
static enum r46_verdict
r46_inner(struct r46 *r, uint64_t now_ms, struct tb_pkt *p, struct r46_ctx *x)
{
	struct pbuf		pkt;
	struct ip6_chain	chain;
	uint8_t			type;
	int			ecn;

	pbuf_init(&pkt, x->in, x->inlen);
	if (ip6_parse(&pkt, &x->i, &x->ipay) != IP6_OK)
		return r46_drop(r, R46_DROP_IP6_MALFORMED);
	x->inlen = IP6_HDR_LEN + x->i.plen;	/* cut trailing bytes */
	if (!sixtofour_is_6to4(&x->i.src)) {
		/* Another relay's native traffic to our own address. */
		if (r46_is_own6(r, &x->i.dst) &&
		    sixtofour_v4_is_anycast24(x->o.src) &&
		    !sixtofour_v6_insane(&x->i.src))
			return r46_local(r, p, x, 1);
		return r46_drop(r, R46_DROP_SRC_NOT_6TO4);
	}
	if (sixtofour_v4(&x->i.src).s_addr != x->o.src.s_addr)
		return r46_drop(r, R46_DROP_SRC_V4_MISMATCH);
	if (sixtofour_is_6to4(&x->i.dst)) {
		if (r46_is_own6(r, &x->i.dst))
			return r46_local(r, p, x, 0);
		return r46_drop(r, R46_DROP_DST_6TO4);
	}
	if (sixtofour_v6_insane(&x->i.dst))
		return r46_drop(r, R46_DROP_DST_V6_INSANE);
	switch (ip6_chain_walk(x->i.nxt, &x->ipay, &chain)) {
	case IP6_CHAIN_OK:
		break;
	case IP6_CHAIN_ERR_TOO_LONG:
		return r46_drop(r, R46_DROP_EXT_TOO_LONG);
	default:
		return r46_drop(r, R46_DROP_EXT_TRUNCATED);
	}
	if (chain.proto == IPPROTO_ICMPV6 &&
	    pbuf_peek_n8(&chain.upper, 0, &type) == 0 && icmp6_is_nd(type))
		return r46_drop(r, R46_DROP_ND);
	if (chain.flags & IP6_CHAIN_RH0)
		return r46_drop(r, R46_DROP_RH0);
	if (sixtofour_embeds_any(&x->i.dst, r->own, r->nown))
		return r46_drop(r, R46_DROP_LOOP);
	if (x->i.hlim <= 1)
		return r46_time_exceeded(r, now_ms, p, x);
	if ((ecn = ecn_decap(x->o.tos, x->i.tclass)) == -1)
		return r46_drop(r, R46_DROP_ECN);
	if (ecn != (x->i.tclass & 3)) {
		ip6_set_ecn(x->in, (uint8_t)ecn);
		counters_inc(&r->cnt, R46_ECN_CE);
	}
	ip6_set_hlim(x->in, (uint8_t)(x->i.hlim - 1));
	p->data = x->in;
	p->len = x->inlen;
	counters_inc(&r->cnt, R46_FORWARDED);
	return R46_V_FORWARD;
}

enum r46_verdict
r46_process(struct r46 *r, uint64_t now_ms, struct tb_pkt *p)
{
	struct r46_ctx		x;
	struct pbuf		opay = { 0 };	/* set by r46_outer on FORWARD */
	enum r46_verdict	v;

	counters_inc(&r->cnt, R46_RX);
	if ((v = r46_outer(r, p, &x, &opay)) != R46_V_FORWARD)
		return v;
	if (ip4_is_fragment(&x.o) &&
	    (v = r46_reassemble(r, now_ms, p, &x, &opay)) != R46_V_FORWARD)
		return v;
	x.in = p->buf + (opay.p - p->buf);	/* writable view of opay */
	x.inlen = opay.len;
	return r46_inner(r, now_ms, p, &x);
}

int
r46_verdict(void *arg, uint64_t now_ms, struct tb_pkt *p)
{
	enum r46_verdict v = r46_process(arg, now_ms, p);

	return v == R46_V_FORWARD || v == R46_V_REPLY;
}
