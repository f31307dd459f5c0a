/*
 * relay6to4 verdict: native IPv6 for 2002::/16 in, IPv4 protocol 41 out.
 *
 * Checks in a fixed order, each refusal with its own counter
 * (conformance.md A1, A3, A7, A8, A17-A22, A28, A33):
 *   IPv6 well formed (IPv4 the kernel routes to our unique source, e.g.
 *     ICMPv4 errors about our packets, is counted and ignored: A9)
 *   dst in 2002::/16; src sane (RFC 3964 5.3.2); src not 6to4 (no
 *     6to4<->6to4 relaying)
 *   dst V4ADDR global (RFC 3964 5.3.1, 192.88.99.0/24, optional
 *     100.64/10, the relay's subnet broadcasts) and not ours (A22)
 *   src does not embed one of our IPv4 addresses (RFC 6324 3.3, A28); an
 *     extension header chain walked to its end (too long or truncated:
 *     dropped, never passed); no Type 0 Routing Header (RFC 5095)
 *   hop limit (Time Exceeded to the source; decremented only where the
 *     relay is the packet's forwarding hop, see r64_process); size
 *     against the tunnel MTU (Packet Too Big to the source, rate-limited)
 * Encapsulation prepends 20 bytes into the buffer's headroom.
 */
#include <string.h>

#include "r64.h"
#include "sixtofour.h"

const char *const r64_counter_names[] = { R64_COUNTERS(COUNTER_NAME) };

void
r64_init(struct r64 *r, const struct r64_conf *c,
    const uint8_t seed[IP4_IDGEN_SEED_LEN])
{
	size_t		i;

	memset(r, 0, sizeof(*r));
	r->conf = *c;
	r->own[r->nown++] = c->source;
	for (i = 0; i < c->relay_addrs.n && r->nown < R64_OWN_MAX; i++)
		if (c->relay_addrs.p[i].af == AF_INET)
			r->own[r->nown++] = c->relay_addrs.p[i].addr.v4;
	r->nbcast = sixtofour_subnet_bcasts(c->subnets.p, c->subnets.n,
	    r->bcast, CONF_LIST_MAX);
	r->bogon_flags = c->bogon100_64 ? SIXTOFOUR_BOGON_100_64 : 0;
	if (IN6_IS_ADDR_UNSPECIFIED(&c->native)) {
		sixtofour_prefix(c->source, &r->err_src);
		r->err_src.s6_addr[15] = 1;
	} else
		r->err_src = c->native;
	icmp6err_init(&r->icmp, c->icmp_rate, c->icmp_burst);
	ip4_idgen_init(&r->idgen, seed);
	counters_init(&r->cnt, r64_counter_names, R64_NCOUNTERS);
}

void
r64_free(struct r64 *r)
{
	counters_free(&r->cnt);
}

static enum r64_verdict
r64_drop(struct r64 *r, enum r64_counter why)
{
	counters_inc(&r->cnt, why);
	return R64_V_DROP;
}

/* An ICMPv6 error about p back to its source, written over p. */
static enum r64_verdict
r64_error(struct r64 *r, uint64_t now_ms, struct tb_pkt *p, uint8_t type,
    uint32_t param, enum r64_counter sent)
{
	size_t	len;

	switch (icmp6err_build(&r->icmp, now_ms, &r->err_src, type, 0, param,
	    p->data, p->len, r->scratch, sizeof(r->scratch), &len)) {
	case ICMP6ERR_BUILT:
		break;
	case ICMP6ERR_RATELIMITED:
		counters_inc(&r->cnt, R64_ICMP_RATELIMITED);
		return R64_V_DROP;
	default:
		counters_inc(&r->cnt, R64_ICMP_FORBIDDEN);
		return R64_V_DROP;
	}
	p->data = p->buf + TB_HEADROOM;
	memcpy(p->data, r->scratch, len);
	p->len = len;
	counters_inc(&r->cnt, sent);
	return R64_V_ERROR;
}

static enum r64_verdict
r64_encap(struct r64 *r, struct tb_pkt *p, const struct ip6_hdr_info *i,
    struct in_addr dst, int hop)
{
	struct ip4_hdr	h;

	if (hop)
		ip6_set_hlim(p->data, (uint8_t)(i->hlim - 1));
	memset(&h, 0, sizeof(h));
	h.tos = i->tclass;	/* RFC 6040 normal mode: ECN copied */
	h.total_len = (uint16_t)(p->len + IP4_HDR_LEN);
	h.id = ip4_idgen_next(&r->idgen, dst);
	h.frag = r->conf.dont_fragment ? IP4_DF : 0;
	h.ttl = (uint8_t)r->conf.ttl;
	h.proto = IPPROTO_6IN4;
	h.src = r->conf.source;
	h.dst = dst;
	p->data -= IP4_HDR_LEN;
	p->len += IP4_HDR_LEN;
	ip4_write(p->data, &h);
	counters_inc(&r->cnt, R64_FORWARDED);
	return R64_V_FORWARD;
}

enum r64_verdict
r64_process(struct r64 *r, uint64_t now_ms, struct tb_pkt *p, int hop)
{
	struct ip6_hdr_info	i;
	struct pbuf		pkt, pay;
	struct ip6_chain	chain;
	struct in_addr		v4;

	counters_inc(&r->cnt, R64_RX);
	if (ip_version(p->data, p->len) == 4)
		return r64_drop(r, R64_DROP_IP4_IGNORED);
	pbuf_init(&pkt, p->data, p->len);
	if (ip6_parse(&pkt, &i, &pay) != IP6_OK)
		return r64_drop(r, R64_DROP_IP6_MALFORMED);
	p->len = IP6_HDR_LEN + i.plen;		/* cut trailing bytes */
	if (!sixtofour_is_6to4(&i.dst))
		return r64_drop(r, R64_DROP_DST_NOT_6TO4);
	if (sixtofour_v6_insane(&i.src))
		return r64_drop(r, R64_DROP_SRC_V6_INSANE);
	if (sixtofour_is_6to4(&i.src))
		return r64_drop(r, R64_DROP_SRC_6TO4);
	v4 = sixtofour_v4(&i.dst);
	if (sixtofour_v4_bogon(v4, r->bogon_flags) ||
	    sixtofour_v4_listed(r->bcast, r->nbcast, v4))
		return r64_drop(r, R64_DROP_DST_V4_BOGON);
	if (sixtofour_v4_listed(r->own, r->nown, v4))
		return r64_drop(r, R64_DROP_DST_V4_OWN);
	if (sixtofour_embeds_any(&i.src, r->own, r->nown))
		return r64_drop(r, R64_DROP_LOOP);
	switch (ip6_chain_walk(i.nxt, &pay, &chain)) {
	case IP6_CHAIN_OK:
		break;
	case IP6_CHAIN_ERR_TOO_LONG:
		return r64_drop(r, R64_DROP_EXT_TOO_LONG);
	default:
		return r64_drop(r, R64_DROP_EXT_TRUNCATED);
	}
	if (chain.flags & IP6_CHAIN_RH0)
		return r64_drop(r, R64_DROP_RH0);
	/*
	 * The hop: at 1 or 0 Time Exceeded, else one off (RFC 8200 3).  The
	 * kernel took it already from what it forwarded into the TUN (and
	 * answered 1 or 0 itself); 0 is still no packet to pass on.
	 */
	if (i.hlim <= (hop ? 1 : 0)) {
		counters_inc(&r->cnt, R64_DROP_HOP_LIMIT);
		return r64_error(r, now_ms, p, ICMP6_TIME_EXCEEDED, 0,
		    R64_TIME_EXCEEDED_SENT);
	}
	if (p->len > r->conf.mtu) {
		counters_inc(&r->cnt, R64_DROP_TOO_BIG);
		return r64_error(r, now_ms, p, ICMP6_PACKET_TOO_BIG,
		    r->conf.mtu, R64_PTB_SENT);
	}
	return r64_encap(r, p, &i, v4, hop);
}

int
r64_verdict(void *arg, uint64_t now_ms, struct tb_pkt *p)
{
	return r64_process(arg, now_ms, p, 0) != R64_V_DROP;
}


/*
 * A packet ring hands over frames whose EtherType said IPv6: anything
 * but version 6 there is a malformed IPv6 packet, not IPv4 the kernel
 * routed to our source (which only the TUN carries).  No kernel
 * forwarding came before the ring: the relay is the hop.
 */
enum r64_verdict
r64_process_ring(struct r64 *r, uint64_t now_ms, struct tb_pkt *p)
{
	if (ip_version(p->data, p->len) != 6) {
		counters_inc(&r->cnt, R64_RX);
		return r64_drop(r, R64_DROP_IP6_MALFORMED);
	}
	return r64_process(r, now_ms, p, 1);
}

int
r64_verdict_ring(void *arg, uint64_t now_ms, struct tb_pkt *p)
{
	return r64_process_ring(arg, now_ms, p) != R64_V_DROP;
}
