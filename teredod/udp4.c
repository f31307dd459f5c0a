/*
 * IPv4+UDP envelope of Teredo datagrams.  See udp4.h.
 */
#include <arpa/inet.h>

#include <string.h>

#include "pbuf.h"
#include "udp4.h"

#define TD_TTL	64

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
	    inet_csum4(h.src, h.dst, IPPROTO_UDP, ub.p, u.len) != 0)
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
	csum = inet_csum4(src, dst, IPPROTO_UDP, hdr + IP4_HDR_LEN, u.len);
	/* RFC 768: a computed zero is sent as all ones. */
	wbuf_set_n16(hdr + IP4_HDR_LEN + 6, csum == 0 ? 0xffff : csum);
}
