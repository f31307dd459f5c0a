/*
 * IPv4/IPv6/ICMP/UDP wire formats and Internet checksums.  See inet.h.
 */
#include <arpa/inet.h>

#include <string.h>

#include "inet.h"

/* IPv4 option types that carry no length byte (RFC 791). */
#define IP4_OPT_EOL	0
#define IP4_OPT_NOP	1

static inline __attribute__((always_inline)) uint32_t
inet_sum_body(uint32_t acc, const void *buf, size_t len)
{
	const uint8_t	*p = buf;
	uint64_t	 sum = 0, w8;
	uint64_t	 a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0, a5 = 0, a6 = 0,
			 a7 = 0;			/* one per word of a step */
	uint64_t	 x0, x1, x2, x3, x4, x5, x6, x7;	/* a step's words */
	uint32_t	 w4;
	uint16_t	 w2;
	uint8_t		 last[2] = { 0, 0 };

	/*
	 * The one's complement sum does not care about byte order (RFC 1071
	 * 2(B)): add native 32-bit halves of 8-byte words into 64-bit
	 * accumulators (no carry to wrap until the fold), fold, and swap the
	 * 16-bit result once.  Eight independent accumulators over 64 bytes
	 * a step: the compiler packs them into vector lanes (two AVX2 or
	 * four SSE2 registers), and no add waits for the one before.
	 */
#define INET_SUM_WORD(a, w, at) do {					\
	memcpy(&(w), p + (at), 8);					\
	(a) += ((w) & 0xffffffff) + ((w) >> 32);			\
} while (0)
	for (; len >= 64; p += 64, len -= 64) {
		INET_SUM_WORD(a0, x0, 0);
		INET_SUM_WORD(a1, x1, 8);
		INET_SUM_WORD(a2, x2, 16);
		INET_SUM_WORD(a3, x3, 24);
		INET_SUM_WORD(a4, x4, 32);
		INET_SUM_WORD(a5, x5, 40);
		INET_SUM_WORD(a6, x6, 48);
		INET_SUM_WORD(a7, x7, 56);
	}
#undef INET_SUM_WORD
	sum = a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7;
	for (; len >= 8; p += 8, len -= 8) {
		memcpy(&w8, p, 8);
		sum += (w8 & 0xffffffff) + (w8 >> 32);
	}
	if (len >= 4) {
		memcpy(&w4, p, 4);
		sum += w4;
		p += 4;
		len -= 4;
	}
	if (len >= 2) {
		memcpy(&w2, p, 2);
		sum += w2;
		p += 2;
		len -= 2;
	}
	if (len == 1) {
		last[0] = p[0];	/* the odd byte is a word's high half */
		memcpy(&w2, last, 2);
		sum += w2;
	}
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = (uint64_t)ntohs((uint16_t)sum) + acc;
	/* Keep the accumulator below 2^31 so callers can keep adding. */
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint32_t)sum;
}

uint32_t
inet_sum_generic(uint32_t acc, const void *buf, size_t len)
{
	return inet_sum_body(acc, buf, len);
}

#ifdef INET_SUM_AVX2
/*
 * The same loop compiled for AVX2: 64 bytes a step in two registers
 * where the x86-64 baseline (SSE2) needs four.  teredod checks every
 * client datagram's UDP checksum, whole.
 */
__attribute__((target("avx2"))) uint32_t
inet_sum_avx2(uint32_t acc, const void *buf, size_t len)
{
	return inet_sum_body(acc, buf, len);
}

uint32_t
inet_sum(uint32_t acc, const void *buf, size_t len)
{
	if (len < 128)			/* headers: not worth a call more */
		return inet_sum_body(acc, buf, len);
	/* A bit libgcc's constructor read from CPUID at start. */
	return __builtin_cpu_supports("avx2") ? inet_sum_avx2(acc, buf, len) :
	    inet_sum_generic(acc, buf, len);
}
#else
uint32_t
inet_sum(uint32_t acc, const void *buf, size_t len)
{
	return inet_sum_body(acc, buf, len);
}
#endif

uint16_t
inet_fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

uint16_t
inet_csum(const void *buf, size_t len)
{
	return inet_fold(inet_sum(0, buf, len));
}

uint32_t
inet_pseudo6(const struct in6_addr *src, const struct in6_addr *dst,
    uint32_t len, uint8_t proto)
{
	uint8_t	tail[8];
	uint32_t acc;

	acc = inet_sum(0, src->s6_addr, 16);
	acc = inet_sum(acc, dst->s6_addr, 16);
	wbuf_set_n32(tail, len);
	tail[4] = tail[5] = tail[6] = 0;
	tail[7] = proto;
	return inet_sum(acc, tail, sizeof(tail));
}

uint32_t
inet_pseudo4(struct in_addr src, struct in_addr dst, uint16_t len,
    uint8_t proto)
{
	uint8_t	tail[4];
	uint32_t acc;

	acc = inet_sum(0, &src.s_addr, 4);
	acc = inet_sum(acc, &dst.s_addr, 4);
	tail[0] = 0;
	tail[1] = proto;
	wbuf_set_n16(tail + 2, len);
	return inet_sum(acc, tail, sizeof(tail));
}

uint16_t
inet_csum6(const struct in6_addr *src, const struct in6_addr *dst,
    uint8_t proto, const void *msg, size_t len)
{
	return inet_fold(inet_sum(inet_pseudo6(src, dst, (uint32_t)len, proto),
	    msg, len));
}

uint16_t
inet_csum4(struct in_addr src, struct in_addr dst, uint8_t proto,
    const void *msg, size_t len)
{
	return inet_fold(inet_sum(inet_pseudo4(src, dst, (uint16_t)len, proto),
	    msg, len));
}

/* RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'). */
uint16_t
inet_csum_update16(uint16_t csum, uint16_t old, uint16_t new_)
{
	uint32_t	sum;

	sum = (uint16_t)~csum;
	sum += (uint16_t)~old;
	sum += new_;
	return inet_fold(sum);
}

int
ecn_decap(uint8_t outer, uint8_t inner)
{
	outer &= 3;
	inner &= 3;
	if (outer != ECN_CE)
		return inner;
	if (inner == ECN_NOT_ECT)
		return -1;
	return ECN_CE;
}

/*
 * Options: EOL ends the list, NOP is one byte, everything else is
 * type, length (>= 2, within the area), data.
 */
int
ip4_options_ok(const uint8_t *opts, size_t len)
{
	struct pbuf	b;
	uint8_t		type, olen;

	pbuf_init(&b, opts, len);
	while (pbuf_left(&b) > 0) {
		if (pbuf_get_n8(&b, &type) == -1)
			return -1;
		if (type == IP4_OPT_EOL)
			return 0;
		if (type == IP4_OPT_NOP)
			continue;
		if (pbuf_get_n8(&b, &olen) == -1 || olen < 2 ||
		    pbuf_skip(&b, olen - 2) == -1)
			return -1;
	}
	return 0;
}

static void
ip4_unpack(const uint8_t *p, struct ip4_hdr *h)
{
	struct pbuf	b;
	uint8_t		vihl;

	pbuf_init(&b, p, IP4_HDR_LEN);
	(void)pbuf_get_n8(&b, &vihl);
	h->hlen = (uint8_t)((vihl & 0x0f) * 4);
	(void)pbuf_get_n8(&b, &h->tos);
	(void)pbuf_get_n16(&b, &h->total_len);
	(void)pbuf_get_n16(&b, &h->id);
	(void)pbuf_get_n16(&b, &h->frag);
	(void)pbuf_get_n8(&b, &h->ttl);
	(void)pbuf_get_n8(&b, &h->proto);
	(void)pbuf_get_n16(&b, &h->csum);
	(void)pbuf_get(&b, &h->src.s_addr, 4);
	(void)pbuf_get(&b, &h->dst.s_addr, 4);
}

enum ip4_err
ip4_parse(const struct pbuf *pkt, struct ip4_hdr *h, struct pbuf *payload)
{
	struct pbuf	b;
	uint8_t		hdr[IP4_HDR_MAX];
	uint8_t		vihl;
	size_t		avail = pbuf_left(pkt);

	if (pbuf_peek(pkt, 0, hdr, IP4_HDR_LEN) == -1)
		return IP4_ERR_SHORT;
	vihl = hdr[0];
	if ((vihl >> 4) != 4)
		return IP4_ERR_VERSION;
	ip4_unpack(hdr, h);
	if (h->hlen < IP4_HDR_LEN || h->hlen > avail)
		return IP4_ERR_HLEN;
	if (h->total_len < h->hlen || h->total_len > avail)
		return IP4_ERR_LEN;
	if (pbuf_peek(pkt, 0, hdr, h->hlen) == -1)
		return IP4_ERR_HLEN;
	if (inet_csum(hdr, h->hlen) != 0)
		return IP4_ERR_CSUM;
	if (ip4_options_ok(hdr + IP4_HDR_LEN, h->hlen - IP4_HDR_LEN) == -1)
		return IP4_ERR_OPTIONS;
	b = *pkt;
	(void)pbuf_skip(&b, h->hlen);
	(void)pbuf_sub(&b, h->total_len - h->hlen, payload);
	return IP4_OK;
}

void
ip4_write(uint8_t *d, const struct ip4_hdr *h)
{
	struct wbuf	w;
	uint8_t		*csum;

	wbuf_init(&w, d, IP4_HDR_LEN);
	wbuf_put_n8(&w, 0x45);
	wbuf_put_n8(&w, h->tos);
	wbuf_put_n16(&w, h->total_len);
	wbuf_put_n16(&w, h->id);
	wbuf_put_n16(&w, h->frag);
	wbuf_put_n8(&w, h->ttl);
	wbuf_put_n8(&w, h->proto);
	csum = wbuf_reserve(&w, 2);
	wbuf_put(&w, &h->src.s_addr, 4);
	wbuf_put(&w, &h->dst.s_addr, 4);
	wbuf_set_n16(csum, 0);
	wbuf_set_n16(csum, inet_csum(d, IP4_HDR_LEN));
}

int
ip4_build(struct wbuf *w, const struct ip4_hdr *h)
{
	uint8_t	*d = wbuf_reserve(w, IP4_HDR_LEN);

	if (d == NULL)
		return -1;
	ip4_write(d, h);
	return 0;
}

enum ip6_err
ip6_parse(const struct pbuf *pkt, struct ip6_hdr_info *h, struct pbuf *payload)
{
	struct pbuf	b = *pkt;
	uint32_t	vtf;

	if (pbuf_left(&b) < IP6_HDR_LEN)
		return IP6_ERR_SHORT;
	(void)pbuf_get_n32(&b, &vtf);
	if ((vtf >> 28) != 6)
		return IP6_ERR_VERSION;
	h->tclass = (uint8_t)(vtf >> 20);
	h->flow = vtf & 0xfffff;
	(void)pbuf_get_n16(&b, &h->plen);
	(void)pbuf_get_n8(&b, &h->nxt);
	(void)pbuf_get_n8(&b, &h->hlim);
	(void)pbuf_get(&b, h->src.s6_addr, 16);
	(void)pbuf_get(&b, h->dst.s6_addr, 16);
	/* Jumbograms (plen 0 + hop-by-hop option) are not for tunnels. */
	if (pbuf_sub(&b, h->plen, payload) == -1 ||
	    (h->plen == 0 && h->nxt != IPPROTO_NONE))
		return IP6_ERR_LEN;
	return IP6_OK;
}

int
ip6_build(struct wbuf *w, const struct ip6_hdr_info *h)
{
	wbuf_put_n32(w, 6u << 28 | (uint32_t)h->tclass << 20 |
	    (h->flow & 0xfffff));
	wbuf_put_n16(w, h->plen);
	wbuf_put_n8(w, h->nxt);
	wbuf_put_n8(w, h->hlim);
	wbuf_put(w, h->src.s6_addr, 16);
	wbuf_put(w, h->dst.s6_addr, 16);
	return wbuf_ok(w) ? 0 : -1;
}

/*
 * One extension header at b, of type *nxt: advance past it, set *nxt to
 * the next one and return 0; 1 for a non-first fragment (the upper layer
 * is not in this packet); -1 when it is truncated.
 */
static int
ip6_ext_next(uint8_t *nxt, struct pbuf *b, uint8_t *flags)
{
	uint8_t		hdr[2], rtype;
	uint16_t	frag;
	size_t		len;

	if (pbuf_peek(b, 0, hdr, 2) == -1)
		return -1;
	switch (*nxt) {
	case IPPROTO_FRAGMENT:
		if (pbuf_peek_n16(b, 2, &frag) == -1 || pbuf_skip(b, 8) == -1)
			return -1;
		*nxt = (frag & 0xfff8) ? IPPROTO_FRAGMENT : hdr[0];
		return (frag & 0xfff8) ? 1 : 0;
	case IPPROTO_AH:
		len = ((size_t)hdr[1] + 2) * 4;
		break;
	case IPPROTO_ROUTING:
		if (pbuf_peek_n8(b, 2, &rtype) == -1)
			return -1;
		if (rtype == 0)
			*flags |= IP6_CHAIN_RH0;
		/* FALLTHROUGH */
	default:
		len = ((size_t)hdr[1] + 1) * 8;
		break;
	}
	if (pbuf_skip(b, len) == -1)
		return -1;
	*nxt = hdr[0];
	return 0;
}

static int
ip6_is_ext(uint8_t nxt)
{
	switch (nxt) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_DSTOPTS:
	case IPPROTO_AH:
	case IPPROTO_MH:		/* Mobility (RFC 6275) */
	case 139:			/* HIP (RFC 7401) */
	case 140:			/* Shim6 (RFC 5533) */
	case 253:			/* experimental (RFC 3692) */
	case 254:
		return 1;
	default:
		return 0;
	}
}

enum ip6_chain_err
ip6_chain_walk(uint8_t nxt, const struct pbuf *payload, struct ip6_chain *c)
{
	struct pbuf	b = *payload;
	int		r;

	c->flags = 0;
	c->nhdrs = 0;
	while (ip6_is_ext(nxt)) {
		if (c->nhdrs == IP6_CHAIN_MAX)
			return IP6_CHAIN_ERR_TOO_LONG;
		c->nhdrs++;
		if ((r = ip6_ext_next(&nxt, &b, &c->flags)) == -1)
			return IP6_CHAIN_ERR_TRUNCATED;
		if (r == 1)		/* non-first fragment */
			break;
	}
	c->proto = nxt;
	c->upper = b;
	return IP6_CHAIN_OK;
}

int
ip6_upper(uint8_t nxt, const struct pbuf *payload, uint8_t *proto,
    struct pbuf *upper)
{
	struct ip6_chain	c;

	if (ip6_chain_walk(nxt, payload, &c) != IP6_CHAIN_OK)
		return -1;
	*proto = c.proto;
	*upper = c.upper;
	return 0;
}

uint8_t
ip6_get_hlim(const uint8_t *pkt)
{
	return pkt[7];
}

void
ip6_set_hlim(uint8_t *pkt, uint8_t hlim)
{
	pkt[7] = hlim;
}

void
ip_hop_credit(uint8_t *pkt, size_t len)
{
	uint32_t	sum;

	switch (ip_version(pkt, len)) {
	case 6:
		if (len >= IP6_HDR_LEN && pkt[7] < 255)
			pkt[7]++;
		return;
	case 4:
		if (len < IP4_HDR_LEN || pkt[8] == 255)
			return;
		/* RFC 1624 eqn 3: HC' = ~(~HC + ~m + m'), m the TTL/proto word. */
		sum = (uint16_t)~(pkt[10] << 8 | pkt[11]);
		sum += (uint16_t)~(pkt[8] << 8 | pkt[9]);
		pkt[8]++;
		sum += (uint32_t)(pkt[8] << 8 | pkt[9]);
		sum = (sum & 0xffff) + (sum >> 16);
		sum = (sum & 0xffff) + (sum >> 16);
		pkt[10] = (uint8_t)(~sum >> 8);
		pkt[11] = (uint8_t)~sum;
		return;
	default:
		return;
	}
}

uint8_t
ip6_get_tclass(const uint8_t *pkt)
{
	return (uint8_t)((pkt[0] & 0x0f) << 4 | pkt[1] >> 4);
}

/* ECN is the low two bits of the traffic class: bits 4..5 of byte 1. */
void
ip6_set_ecn(uint8_t *pkt, uint8_t ecn)
{
	pkt[1] = (uint8_t)((pkt[1] & 0xcf) | (ecn & 3) << 4);
}

void
ip6_swap_addrs(uint8_t *pkt)
{
	uint8_t	tmp[16];

	memcpy(tmp, pkt + 8, 16);
	memmove(pkt + 8, pkt + 24, 16);
	memcpy(pkt + 24, tmp, 16);
}

void
icmp6_echo_to_reply(uint8_t *msg)
{
	uint16_t	csum = (uint16_t)(msg[2] << 8 | msg[3]);

	/* The type/code word goes from 0x8000 to 0x8100. */
	csum = inet_csum_update16(csum, (uint16_t)(msg[0] << 8 | msg[1]),
	    (uint16_t)(ICMP6_ECHO_REPLY << 8 | msg[1]));
	msg[0] = ICMP6_ECHO_REPLY;
	wbuf_set_n16(msg + 2, csum);
}

int
icmp_parse(struct pbuf *b, struct icmp_hdr *h)
{
	if (pbuf_left(b) < ICMP6_HDR_LEN)
		return -1;
	(void)pbuf_get_n8(b, &h->type);
	(void)pbuf_get_n8(b, &h->code);
	(void)pbuf_get_n16(b, &h->csum);
	(void)pbuf_get_n32(b, &h->word);
	return 0;
}

int
udp_parse(struct pbuf *b, struct udp_hdr *h, struct pbuf *payload)
{
	size_t	avail = pbuf_left(b);

	if (avail < UDP_HDR_LEN)
		return -1;
	(void)pbuf_get_n16(b, &h->sport);
	(void)pbuf_get_n16(b, &h->dport);
	(void)pbuf_get_n16(b, &h->len);
	(void)pbuf_get_n16(b, &h->csum);
	if (h->len < UDP_HDR_LEN || h->len > avail)
		return -1;
	return pbuf_sub(b, h->len - UDP_HDR_LEN, payload);
}

int
udp_build(struct wbuf *w, const struct udp_hdr *h)
{
	wbuf_put_n16(w, h->sport);
	wbuf_put_n16(w, h->dport);
	wbuf_put_n16(w, h->len);
	wbuf_put_n16(w, h->csum);
	return wbuf_ok(w) ? 0 : -1;
}

/* splitmix64 (public domain construction): a good 64-bit mixer. */
uint64_t
inet_mix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

void
ip4_idgen_init(struct ip4_idgen *g, const uint8_t seed[IP4_IDGEN_SEED_LEN])
{
	uint64_t	s;
	size_t		i;

	memcpy(&g->k0, seed, 8);
	memcpy(&g->k1, seed + 8, 8);
	s = g->k0 ^ inet_mix64(g->k1);
	for (i = 0; i < IP4_IDGEN_BUCKETS; i++) {
		s = inet_mix64(s);
		g->next[i] = (uint16_t)(s >> 24);
	}
}

uint16_t
ip4_idgen_next(struct ip4_idgen *g, struct in_addr dst)
{
	uint64_t	h;

	h = inet_mix64((uint64_t)dst.s_addr ^ g->k0) ^ g->k1;
	h = inet_mix64(h);
	return g->next[h % IP4_IDGEN_BUCKETS]++;
}
