/*
 * ICMPv6 error messages (RFC 4443).  See icmp6err.h.
 */
#include <string.h>

#include "icmp6err.h"

void
icmp6err_init(struct icmp6err *e, uint32_t per_second, uint32_t burst)
{
	memset(e, 0, sizeof(*e));
	tbucket_init(&e->bucket, per_second, burst);
}

static int
icmp6err_bad_source(const struct in6_addr *a)
{
	static const uint8_t	v4mapped[12] = { 0,0,0,0, 0,0,0,0, 0,0,0xff,0xff };
	size_t			i;

	if (a->s6_addr[0] == 0xff)		/* multicast */
		return 1;
	if (memcmp(a->s6_addr, v4mapped, sizeof(v4mapped)) == 0)
		return 1;
	for (i = 0; i < 15; i++)
		if (a->s6_addr[i] != 0)
			return 0;
	return a->s6_addr[15] <= 1;		/* :: or ::1 */
}

int
icmp6err_allowed(const uint8_t *orig, size_t origlen, uint8_t type,
    uint8_t code)
{
	struct pbuf		pkt, payload, upper;
	struct ip6_hdr_info	h;
	uint8_t			proto, itype;

	(void)code;
	pbuf_init(&pkt, orig, origlen);
	/* A truncated packet still deserves an error: trust what is there. */
	if (origlen < IP6_HDR_LEN || (orig[0] >> 4) != 6)
		return 0;
	if (ip6_parse(&pkt, &h, &payload) != IP6_OK) {
		struct pbuf	b = pkt;

		(void)pbuf_skip(&b, IP6_HDR_LEN);
		payload = b;
		memcpy(h.src.s6_addr, orig + 8, 16);
		memcpy(h.dst.s6_addr, orig + 24, 16);
		h.nxt = orig[6];
	}
	if (icmp6err_bad_source(&h.src))
		return 0;
	if (h.dst.s6_addr[0] == 0xff && type != ICMP6_PACKET_TOO_BIG)
		return 0;
	if (ip6_upper(h.nxt, &payload, &proto, &upper) == -1)
		return 0;
	if (proto == IPPROTO_ICMPV6) {
		if (pbuf_peek_n8(&upper, 0, &itype) == -1 ||
		    icmp6_is_error(itype))
			return 0;
	}
	return 1;
}

enum icmp6err_result
icmp6err_build(struct icmp6err *e, uint64_t now_ms, const struct in6_addr *src,
    uint8_t type, uint8_t code, uint32_t param, const uint8_t *orig,
    size_t origlen, uint8_t *out, size_t cap, size_t *outlen)
{
	struct ip6_hdr_info	h;
	struct wbuf		w;
	size_t			quote, room;
	uint8_t			*msg;

	if (origlen < IP6_HDR_LEN || (orig[0] >> 4) != 6)
		return ICMP6ERR_MALFORMED;
	if (!icmp6err_allowed(orig, origlen, type, code)) {
		e->forbidden++;
		return ICMP6ERR_FORBIDDEN;
	}
	if (cap > ICMP6ERR_MAX_LEN)
		cap = ICMP6ERR_MAX_LEN;
	if (cap < IP6_HDR_LEN + ICMP6_HDR_LEN + IP6_HDR_LEN)
		return ICMP6ERR_NOSPACE;
	if (!tbucket_take(&e->bucket, now_ms)) {
		e->ratelimited++;
		return ICMP6ERR_RATELIMITED;
	}
	room = cap - IP6_HDR_LEN - ICMP6_HDR_LEN;
	quote = origlen < room ? origlen : room;

	memset(&h, 0, sizeof(h));
	h.plen = (uint16_t)(ICMP6_HDR_LEN + quote);
	h.nxt = IPPROTO_ICMPV6;
	h.hlim = ICMP6ERR_HLIM;
	h.src = *src;
	memcpy(h.dst.s6_addr, orig + 8, 16);
	wbuf_init(&w, out, cap);
	ip6_build(&w, &h);
	msg = out + w.len;
	wbuf_put_n8(&w, type);
	wbuf_put_n8(&w, code);
	wbuf_put_n16(&w, 0);
	wbuf_put_n32(&w, param);
	wbuf_put(&w, orig, quote);
	if (!wbuf_ok(&w))
		return ICMP6ERR_NOSPACE;
	wbuf_set_n16(msg + 2, inet_csum6(&h.src, &h.dst, IPPROTO_ICMPV6, msg,
	    h.plen));
	*outlen = w.len;
	e->built++;
	return ICMP6ERR_BUILT;
}
