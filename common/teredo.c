/*
 * Teredo address codec and UDP payload parser.  See teredo.h.
 */
#include <string.h>
#include <arpa/inet.h>

#include "teredo.h"

int
teredo_addr_is(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0x20 && a->s6_addr[1] == 0x01 &&
	    a->s6_addr[2] == 0 && a->s6_addr[3] == 0;
}

int
teredo_addr_decode(const struct in6_addr *a, struct teredo_addr *out)
{
	const uint8_t	*b = a->s6_addr;
	uint32_t	 client;

	if (!teredo_addr_is(a))
		return -1;
	memcpy(&out->server, b + 4, 4);
	out->flags = (uint16_t)(b[8] << 8 | b[9]);
	out->port = (uint16_t)~(b[10] << 8 | b[11]);
	memcpy(&client, b + 12, 4);
	out->client.s_addr = ~client;
	return 0;
}

void
teredo_addr_encode(const struct teredo_addr *t, struct in6_addr *a)
{
	uint8_t		*b = a->s6_addr;
	uint16_t	 port = (uint16_t)~t->port;
	uint32_t	 client = ~t->client.s_addr;

	b[0] = 0x20; b[1] = 0x01; b[2] = 0; b[3] = 0;
	memcpy(b + 4, &t->server, 4);
	b[8] = (uint8_t)(t->flags >> 8);
	b[9] = (uint8_t)t->flags;
	b[10] = (uint8_t)(port >> 8);
	b[11] = (uint8_t)port;
	memcpy(b + 12, &client, 4);
}

/* 00 01 id-len au-len ID AU nonce(8) confirmation(1) */
static enum teredo_err
teredo_parse_auth(struct pbuf *b, struct teredo_auth *auth)
{
	struct pbuf	hdr;
	uint16_t	type;

	if (pbuf_peek_n8(b, 2, &auth->id_len) == -1 ||
	    pbuf_peek_n8(b, 3, &auth->au_len) == -1)
		return TEREDO_ERR_AUTH;
	if (pbuf_sub(b, (size_t)TEREDO_AUTH_MIN + auth->id_len + auth->au_len,
	    &hdr) == -1)
		return TEREDO_ERR_AUTH;
	if (pbuf_get_n16(&hdr, &type) == -1 || pbuf_skip(&hdr, 2) == -1 ||
	    pbuf_skip(&hdr, (size_t)auth->id_len + auth->au_len) == -1 ||
	    pbuf_get(&hdr, auth->nonce, sizeof(auth->nonce)) == -1 ||
	    pbuf_get_n8(&hdr, &auth->confirm) == -1)
		return TEREDO_ERR_AUTH;
	return TEREDO_OK;
}

/* 00 00 port^0xffff addr^0xffffffff */
static enum teredo_err
teredo_parse_origin(struct pbuf *b, struct teredo_origin *o)
{
	struct pbuf	hdr;
	uint16_t	type, port;
	uint32_t	addr;

	if (pbuf_sub(b, TEREDO_ORIGIN_LEN, &hdr) == -1)
		return TEREDO_ERR_ORIGIN;
	if (pbuf_get_n16(&hdr, &type) == -1 || pbuf_get_n16(&hdr, &port) == -1 ||
	    pbuf_get_n32(&hdr, &addr) == -1)
		return TEREDO_ERR_ORIGIN;
	o->port = (uint16_t)~port;
	o->addr.s_addr = htonl(~addr);
	return TEREDO_OK;
}

/* Type of the indicator at the cursor: -1 = none (IPv6 or unknown). */
static int
teredo_indicator(const struct pbuf *b)
{
	uint8_t	b0, b1;

	if (pbuf_peek_n8(b, 0, &b0) == -1 || b0 != 0)
		return -1;
	if (pbuf_peek_n8(b, 1, &b1) == -1)
		return -2;
	return b1;
}

enum teredo_err
teredo_parse(const struct pbuf *payload, struct teredo_pkt *pkt)
{
	struct pbuf	b = *payload, ip6pl;
	enum teredo_err	e;
	int		ind;

	memset(pkt, 0, sizeof(*pkt));
	ind = teredo_indicator(&b);
	if (ind == 1) {
		if ((e = teredo_parse_auth(&b, &pkt->auth)) != TEREDO_OK)
			return e;
		pkt->has_auth = 1;
		ind = teredo_indicator(&b);
	}
	if (ind == 0) {
		if ((e = teredo_parse_origin(&b, &pkt->origin)) != TEREDO_OK)
			return e;
		pkt->has_origin = 1;
		ind = teredo_indicator(&b);
	}
	if (ind != -1)
		return ind == -2 ? TEREDO_ERR_SHORT : TEREDO_ERR_INDICATOR;
	switch (ip6_parse(&b, &pkt->ip6, &ip6pl)) {
	case IP6_OK:
		break;
	case IP6_ERR_SHORT:
		return TEREDO_ERR_SHORT;
	case IP6_ERR_VERSION:
		return TEREDO_ERR_VERSION;
	default:
		return TEREDO_ERR_LEN;
	}
	pkt->ip6_off = payload->len - b.len;
	pkt->ip6_len = IP6_HDR_LEN + (size_t)pkt->ip6.plen;
	pkt->trailer_len = b.len - pkt->ip6_len;
	return TEREDO_OK;
}

const char *
teredo_err_str(enum teredo_err e)
{
	switch (e) {
	case TEREDO_OK:			return "ok";
	case TEREDO_ERR_AUTH:		return "truncated authentication header";
	case TEREDO_ERR_ORIGIN:		return "truncated origin indication";
	case TEREDO_ERR_INDICATOR:	return "unknown indicator type";
	case TEREDO_ERR_SHORT:		return "short IPv6 packet";
	case TEREDO_ERR_VERSION:	return "IP version not 6";
	case TEREDO_ERR_LEN:		return "IPv6 payload length beyond data";
	}
	return "?";
}

int
teredo_origin_build(struct wbuf *w, const struct teredo_origin *o)
{
	wbuf_put_n16(w, 0);
	wbuf_put_n16(w, (uint16_t)~o->port);
	wbuf_put_n32(w, ~ntohl(o->addr.s_addr));
	return wbuf_ok(w) ? 0 : -1;
}

int
teredo_auth_build(struct wbuf *w, const struct teredo_auth *a,
    const uint8_t *id, const uint8_t *au)
{
	wbuf_put_n16(w, 1);
	wbuf_put_n8(w, a->id_len);
	wbuf_put_n8(w, a->au_len);
	wbuf_put(w, id, a->id_len);
	wbuf_put(w, au, a->au_len);
	wbuf_put(w, a->nonce, sizeof(a->nonce));
	wbuf_put_n8(w, a->confirm);
	return wbuf_ok(w) ? 0 : -1;
}

int
teredo_bubble_build(struct wbuf *w, const struct in6_addr *src,
    const struct in6_addr *dst)
{
	struct ip6_hdr_info	h;

	memset(&h, 0, sizeof(h));
	h.plen = 0;
	h.nxt = IPPROTO_NONE;
	h.hlim = 0;
	h.src = *src;
	h.dst = *dst;
	return ip6_build(w, &h);
}
