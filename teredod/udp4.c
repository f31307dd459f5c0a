/*
 * IPv4+UDP envelope of Teredo datagrams.  See udp4.h.
 */
#include <arpa/inet.h>

#include <string.h>

#include "pbuf.h"
#include "udp4.h"

#define TD_TTL	64

/* The 16-bit sum (not complemented) of len bytes, as a number. */
static uint32_t
td_sum(const uint8_t *p, size_t len)
{
	uint32_t	s = inet_sum(0, p, len);

	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/*
 * The sum of a Teredo payload to send.  When it is an IPv6 packet whose
 * upper layer carries a checksum over all of it (TCP, ICMPv6, UDP with
 * one), that checksum already makes the upper layer sum to minus its
 * pseudo-header: the payload's sum is then its 40-byte header's plus
 * that, whatever its length (what Linux calls local checksum offload).
 * An inner packet corrupted before it reached us keeps its bad inner
 * checksum; it then fails the outer one at the client instead of the
 * inner one at the end host.  Anything else is summed byte by byte.
 */
static uint32_t
td_payload_sum(const uint8_t *pkt, size_t len)
{
	struct pbuf		b, pl;
	struct ip6_hdr_info	h;
	uint16_t		ucsum;

	pbuf_init(&b, pkt, len);
	if (len < IP6_HDR_LEN + UDP_HDR_LEN || ip6_parse(&b, &h, &pl) != IP6_OK ||
	    pl.len + IP6_HDR_LEN != len)
		return td_sum(pkt, len);
	switch (h.nxt) {
	case IPPROTO_UDP:
		if (pbuf_peek_n16(&pl, 6, &ucsum) == -1 || ucsum == 0)
			return td_sum(pkt, len);
		break;
	case IPPROTO_TCP:
	case IPPROTO_ICMPV6:
		break;
	default:
		return td_sum(pkt, len);
	}
	return td_sum(pkt, IP6_HDR_LEN) +
	    inet_fold(inet_pseudo6(&h.src, &h.dst, h.plen, h.nxt));
}

/* What the kernel would not deliver to a socket as a source. */
static int
td_udp4_src_bad(struct in_addr a)
{
	uint32_t	h = ntohl(a.s_addr);

	return (h >> 24) == 0 || (h >> 24) == 127 || (h >> 28) >= 14;
}

int
td_udp4_parse(const uint8_t *frame, size_t len, enum td_csum_state cs,
    struct in_addr dst, uint16_t port, struct td_udp4_in *in)
{
	struct pbuf	b, ip4pl, ub, pl;
	struct ip4_hdr	h;
	struct udp_hdr	u;

	pbuf_init(&b, frame, len);
	if (ip4_parse(&b, &h, &ip4pl) != IP4_OK)
		return D_RX_BAD_IPV4;
	if (h.proto != IPPROTO_UDP || h.dst.s_addr != dst.s_addr ||
	    ip4_is_fragment(&h))
		return D_RX_BAD_IPV4;
	if (td_udp4_src_bad(h.src))
		return D_RX_BAD_IPV4_SRC;
	ub = ip4pl;
	if (udp_parse(&ip4pl, &u, &pl) == -1)
		return D_RX_BAD_UDP;
	if (u.dport != port)
		return D_RX_BAD_UDP;
	/* ub: the UDP header and payload (u.len <= its bytes, parsed). */
	if (u.csum != 0 && cs == TD_CSUM_CHECK &&
	    inet_fold(inet_pseudo4(h.src, h.dst, u.len, IPPROTO_UDP) +
	    td_sum(ub.p, u.len)) != 0)
		return D_RX_UDP_CSUM;
	in->src = h.src;
	in->sport = u.sport;
	in->payload = pl.p;
	in->len = pl.len;
	return 0;
}

void
td_udp4_write(uint8_t *hdr, size_t len, struct in_addr src, uint16_t sport,
    struct in_addr dst, uint16_t dport, uint16_t id)
{
	struct ip4_hdr	h;
	struct udp_hdr	u;
	struct wbuf	w;
	uint16_t	csum;

	memset(&h, 0, sizeof(h));
	h.total_len = (uint16_t)(TD_UDP4_HDR + len);
	h.id = id;
	h.ttl = TD_TTL;
	h.proto = IPPROTO_UDP;
	h.src = src;
	h.dst = dst;
	ip4_write(hdr, &h);
	u.sport = sport;
	u.dport = dport;
	u.len = (uint16_t)(UDP_HDR_LEN + len);
	u.csum = 0;
	wbuf_init(&w, hdr + IP4_HDR_LEN, UDP_HDR_LEN);
	(void)udp_build(&w, &u);
	csum = inet_fold(inet_pseudo4(src, dst, u.len, IPPROTO_UDP) +
	    td_sum(hdr + IP4_HDR_LEN, UDP_HDR_LEN) +
	    td_payload_sum(hdr + TD_UDP4_HDR, len));
	/* RFC 768: a computed zero is sent as all ones. */
	wbuf_set_n16(hdr + IP4_HDR_LEN + 6, csum == 0 ? 0xffff : csum);
}
