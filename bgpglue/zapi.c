/*
 * ZAPI wire format: the only place that knows its bytes.  Layouts and the
 * reasons for every number are in docs/zapi.md (sections 1-3 and 6).
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "pbuf.h"
#include "zapi.h"

/*
 * FRR 8.2 - 9.0 numbering (9.1 differs only in commands bgpglue does not
 * send; 7.5 - 8.1 only in ERROR, which the handshake does not rely on).
 */
static const struct zapi_proto zapi_frr8 = {
	.name = "frr8",
	.cmd_route_add = 8,
	.cmd_route_del = 9,
	.cmd_notify_owner = 10,
	.cmd_hello = 18,
	.cmd_capabilities = 19,
	.cmd_error = 118,
	.cmd_notify_request = 0,
	.cmd_max_iface = 7,
	.rt_static = 3, .rt_nhrp = 12, .rt_table = 15, .rt_babel = 22,
	.rt_openfabric = 26,
	.rt_max = 31,
	.hello_notify_byte = 1,
};

/*
 * FRR 10.2 - 10.7: INTERFACE_SET_ARP inserted at 7 and LOCAL at route type
 * 3 shift everything by one; the HELLO lost its notify byte, so
 * notifications are asked for with ROUTE_NOTIFY_REQUEST (124 in 10.0/10.1,
 * chosen by the caller from the CAPABILITIES size).
 */
static const struct zapi_proto zapi_frr10 = {
	.name = "frr10",
	.cmd_route_add = 9,
	.cmd_route_del = 10,
	.cmd_notify_owner = 11,
	.cmd_hello = 19,
	.cmd_capabilities = 20,
	.cmd_error = 120,
	.cmd_notify_request = 126,
	.cmd_max_iface = 7,
	.rt_static = 4, .rt_nhrp = 13, .rt_table = 16, .rt_babel = 23,
	.rt_openfabric = 27,
	.rt_max = 33,
	.hello_notify_byte = 0,
};

const struct zapi_proto *
zapi_proto(enum zapi_profile p)
{
	return p == ZAPI_PROFILE_FRR10 ? &zapi_frr10 : &zapi_frr8;
}

uint8_t
zapi_rtype_num(const struct zapi_proto *zp, enum zapi_rtype t)
{
	switch (t) {
	case ZAPI_RT_STATIC:
		return zp->rt_static;
	case ZAPI_RT_NHRP:
		return zp->rt_nhrp;
	case ZAPI_RT_BABEL:
		return zp->rt_babel;
	case ZAPI_RT_OPENFABRIC:
		return zp->rt_openfabric;
	case ZAPI_RT_TABLE:
	default:
		return zp->rt_table;
	}
}

static size_t
zapi_psize(uint8_t len)
{
	return ((size_t)len + 7) / 8;
}

static size_t
zapi_afbytes(uint8_t family)
{
	return family == ZAPI_AF_INET ? 4 : 16;
}

static int
zapi_prefix_valid(const struct zapi_prefix *p)
{
	if (p->family == ZAPI_AF_INET)
		return p->len <= 32;
	if (p->family == ZAPI_AF_INET6)
		return p->len <= 128;
	return 0;
}

void
zapi_prefix_mask(struct zapi_prefix *p)
{
	size_t	i, full = p->len / 8;

	for (i = full; i < sizeof(p->addr); i++) {
		if (i == full && p->len % 8)
			p->addr[i] &= (uint8_t)(0xff << (8 - p->len % 8));
		else
			p->addr[i] = 0;
	}
}

int
zapi_prefix_eq(const struct zapi_prefix *a, const struct zapi_prefix *b)
{
	return a->family == b->family && a->len == b->len &&
	    memcmp(a->addr, b->addr, zapi_afbytes(a->family)) == 0;
}

const char *
zapi_prefix_str(const struct zapi_prefix *p, char *buf, size_t len)
{
	char	a[INET6_ADDRSTRLEN];

	if (!zapi_prefix_valid(p) || inet_ntop(p->family == ZAPI_AF_INET ?
	    AF_INET : AF_INET6, p->addr, a, sizeof(a)) == NULL)
		snprintf(buf, len, "(bad prefix)");
	else
		snprintf(buf, len, "%s/%u", a, p->len);
	return buf;
}

const char *
zapi_note_str(uint32_t note)
{
	switch (note) {
	case ZAPI_NOTE_FAIL_INSTALL:
		return "fail_install";
	case ZAPI_NOTE_BETTER_ADMIN_WON:
		return "better_admin_won";
	case ZAPI_NOTE_INSTALLED:
		return "installed";
	case ZAPI_NOTE_REMOVED:
		return "removed";
	case ZAPI_NOTE_REMOVE_FAIL:
		return "remove_fail";
	default:
		return "unknown";
	}
}

/* Header with a length placeholder; zapi_end() fills it. */
static uint8_t *
zapi_begin(struct wbuf *w, uint16_t cmd)
{
	uint8_t	*lenp;

	lenp = wbuf_reserve(w, 2);
	wbuf_put_n8(w, ZAPI_MARKER);
	wbuf_put_n8(w, ZAPI_VERSION);
	wbuf_put_n32(w, 0);		/* VRF_DEFAULT */
	wbuf_put_n16(w, cmd);
	return lenp;
}

static int
zapi_end(struct wbuf *w, uint8_t *lenp, size_t start)
{
	size_t	len = w->len - start;

	if (!wbuf_ok(w) || lenp == NULL || len > ZAPI_MAX_MSG)
		return -1;
	wbuf_set_n16(lenp, (uint16_t)len);
	return (int)len;
}

int
zapi_hdr_decode(const struct pbuf *b, struct zapi_hdr *h)
{
	struct pbuf	c = *b;

	if (pbuf_left(&c) < ZAPI_HDR_LEN)
		return ZAPI_SHORT;
	pbuf_get_n16(&c, &h->len);
	pbuf_get_n8(&c, &h->marker);
	pbuf_get_n8(&c, &h->version);
	pbuf_get_n32(&c, &h->vrf);
	pbuf_get_n16(&c, &h->cmd);
	if (h->marker != ZAPI_MARKER || h->version != ZAPI_VERSION ||
	    h->len < ZAPI_HDR_LEN || h->len > ZAPI_MAX_MSG)
		return ZAPI_BAD;
	return ZAPI_OK;
}

int
zapi_enc_hello(struct wbuf *w, const struct zapi_proto *zp,
    const struct zapi_hello *h)
{
	size_t	 start = w->len;
	uint8_t	*lenp;

	lenp = zapi_begin(w, zp->cmd_hello);
	wbuf_put_n8(w, h->type);
	wbuf_put_n16(w, h->instance);
	wbuf_put_n32(w, h->session);
	if (zp->hello_notify_byte)
		wbuf_put_n8(w, h->notify);
	wbuf_put_n8(w, h->synchronous);
	return zapi_end(w, lenp, start);
}

int
zapi_dec_hello(struct pbuf *b, const struct zapi_proto *zp,
    struct zapi_hello *h)
{
	memset(h, 0, sizeof(*h));
	if (pbuf_get_n8(b, &h->type) == -1 ||
	    pbuf_get_n16(b, &h->instance) == -1 ||
	    pbuf_get_n32(b, &h->session) == -1)
		return ZAPI_SHORT;
	if (zp->hello_notify_byte && pbuf_get_n8(b, &h->notify) == -1)
		return ZAPI_SHORT;
	if (pbuf_get_n8(b, &h->synchronous) == -1)
		return ZAPI_SHORT;
	return pbuf_left(b) == 0 ? ZAPI_OK : ZAPI_BAD;
}

int
zapi_enc_notify_request(struct wbuf *w, const struct zapi_proto *zp, int on)
{
	size_t	 start = w->len;
	uint8_t	*lenp;

	if (zp->cmd_notify_request == 0)
		return -1;
	lenp = zapi_begin(w, zp->cmd_notify_request);
	wbuf_put_n8(w, on ? 1 : 0);
	return zapi_end(w, lenp, start);
}

int
zapi_enc_route(struct wbuf *w, const struct zapi_proto *zp, int add,
    const struct zapi_route *r)
{
	size_t	 start = w->len;
	uint8_t	*lenp;
	uint32_t msg;

	if (!zapi_prefix_valid(&r->prefix) || r->type >= zp->rt_max)
		return -1;
	msg = add ? (r->message & (ZAPI_MSG_DISTANCE | ZAPI_MSG_METRIC |
	    ZAPI_MSG_TAG)) | ZAPI_MSG_NEXTHOP : 0;
	if (add && r->nh_type != ZAPI_NH_BLACKHOLE &&
	    r->nh_type != ZAPI_NH_IFINDEX)
		return -1;
	lenp = zapi_begin(w, add ? zp->cmd_route_add : zp->cmd_route_del);
	wbuf_put_n8(w, r->type);
	wbuf_put_n16(w, r->instance);
	wbuf_put_n32(w, 0);			/* flags */
	wbuf_put_n32(w, msg);
	wbuf_put_n8(w, ZAPI_SAFI_UNICAST);
	wbuf_put_n8(w, r->prefix.family);
	wbuf_put_n8(w, r->prefix.len);
	wbuf_put(w, r->prefix.addr, zapi_psize(r->prefix.len));
	if (msg & ZAPI_MSG_NEXTHOP) {
		wbuf_put_n16(w, 1);
		wbuf_put_n32(w, 0);		/* nexthop vrf */
		wbuf_put_n8(w, r->nh_type);
		wbuf_put_n8(w, 0);		/* nexthop flags */
		if (r->nh_type == ZAPI_NH_BLACKHOLE)
			wbuf_put_n8(w, ZAPI_BH_NULL);
		else
			wbuf_put_n32(w, r->ifindex);
	}
	if (msg & ZAPI_MSG_DISTANCE)
		wbuf_put_n8(w, r->distance);
	if (msg & ZAPI_MSG_METRIC)
		wbuf_put_n32(w, r->metric);
	if (msg & ZAPI_MSG_TAG)
		wbuf_put_n32(w, r->tag);
	return zapi_end(w, lenp, start);
}

static int
zapi_dec_prefix_bytes(struct pbuf *b, struct zapi_prefix *p, size_t n)
{
	memset(p->addr, 0, sizeof(p->addr));
	if (n > sizeof(p->addr) || pbuf_get(b, p->addr, n) == -1)
		return ZAPI_SHORT;
	return ZAPI_OK;
}

/* One nexthop without flags (what an injector sends). */
static int
zapi_dec_nexthop(struct pbuf *b, struct zapi_route *r, int first)
{
	uint32_t	vrf, ifindex = 0;
	uint8_t		type, flags, bh;
	uint8_t		addr[16];

	if (pbuf_get_n32(b, &vrf) == -1 || pbuf_get_n8(b, &type) == -1 ||
	    pbuf_get_n8(b, &flags) == -1)
		return ZAPI_SHORT;
	if (flags != 0)
		return ZAPI_BAD;	/* labels, weights, SRv6: not ours */
	switch (type) {
	case ZAPI_NH_BLACKHOLE:
		if (pbuf_get_n8(b, &bh) == -1)
			return ZAPI_SHORT;
		break;
	case ZAPI_NH_IFINDEX:
		if (pbuf_get_n32(b, &ifindex) == -1)
			return ZAPI_SHORT;
		break;
	case ZAPI_NH_IPV4:
	case ZAPI_NH_IPV4_IFINDEX:
		if (pbuf_get(b, addr, 4) == -1 ||
		    pbuf_get_n32(b, &ifindex) == -1)
			return ZAPI_SHORT;
		break;
	case ZAPI_NH_IPV6:
	case ZAPI_NH_IPV6_IFINDEX:
		if (pbuf_get(b, addr, 16) == -1 ||
		    pbuf_get_n32(b, &ifindex) == -1)
			return ZAPI_SHORT;
		break;
	default:
		return ZAPI_BAD;
	}
	if (first) {
		r->nh_type = type;
		r->ifindex = ifindex;
	}
	return ZAPI_OK;
}

int
zapi_dec_route(struct pbuf *b, const struct zapi_proto *zp,
    struct zapi_route *r)
{
	uint32_t	flags, skip32;
	uint16_t	nnh, i, olen;
	uint8_t		safi, srclen;
	int		rc;

	memset(r, 0, sizeof(*r));
	if (pbuf_get_n8(b, &r->type) == -1 ||
	    pbuf_get_n16(b, &r->instance) == -1 ||
	    pbuf_get_n32(b, &flags) == -1 ||
	    pbuf_get_n32(b, &r->message) == -1 ||
	    pbuf_get_n8(b, &safi) == -1 ||
	    pbuf_get_n8(b, &r->prefix.family) == -1 ||
	    pbuf_get_n8(b, &r->prefix.len) == -1)
		return ZAPI_SHORT;
	if (r->type >= zp->rt_max || (safi != 1 && safi != 2) ||
	    !zapi_prefix_valid(&r->prefix))
		return ZAPI_BAD;
	if ((rc = zapi_dec_prefix_bytes(b, &r->prefix,
	    zapi_psize(r->prefix.len))) != ZAPI_OK)
		return rc;
	if (r->message & (ZAPI_MSG_BACKUP | ZAPI_MSG_SRTE))
		return ZAPI_BAD;
	if (r->message & ZAPI_MSG_SRCPFX) {
		if (pbuf_get_n8(b, &srclen) == -1)
			return ZAPI_SHORT;
		if (r->prefix.family != ZAPI_AF_INET6 || srclen == 0 ||
		    srclen > 128)
			return ZAPI_BAD;
		if (pbuf_skip(b, zapi_psize(srclen)) == -1)
			return ZAPI_SHORT;
	}
	if ((r->message & ZAPI_MSG_NHG) && pbuf_get_n32(b, &skip32) == -1)
		return ZAPI_SHORT;
	if (r->message & ZAPI_MSG_NEXTHOP) {
		if (pbuf_get_n16(b, &nnh) == -1)
			return ZAPI_SHORT;
		for (i = 0; i < nnh; i++)
			if ((rc = zapi_dec_nexthop(b, r, i == 0)) != ZAPI_OK)
				return rc;
	}
	if ((r->message & ZAPI_MSG_DISTANCE) &&
	    pbuf_get_n8(b, &r->distance) == -1)
		return ZAPI_SHORT;
	if ((r->message & ZAPI_MSG_METRIC) &&
	    pbuf_get_n32(b, &r->metric) == -1)
		return ZAPI_SHORT;
	if ((r->message & ZAPI_MSG_TAG) && pbuf_get_n32(b, &r->tag) == -1)
		return ZAPI_SHORT;
	if ((r->message & ZAPI_MSG_MTU) && pbuf_get_n32(b, &skip32) == -1)
		return ZAPI_SHORT;
	if ((r->message & ZAPI_MSG_TABLEID) &&
	    pbuf_get_n32(b, &skip32) == -1)
		return ZAPI_SHORT;
	if (r->message & ZAPI_MSG_OPAQUE) {
		if (pbuf_get_n16(b, &olen) == -1)
			return ZAPI_SHORT;
		if (olen > 1024)
			return ZAPI_BAD;
		if (pbuf_skip(b, olen) == -1)
			return ZAPI_SHORT;
	}
	(void)flags;
	return pbuf_left(b) == 0 ? ZAPI_OK : ZAPI_BAD;
}

/*
 * ROUTE_NOTIFY_OWNER: note (u32, host order: zebra copies the enum raw),
 * family, prefixlen, full-width prefix, then table id; afi and safi from
 * 8.0; a source prefix before the table id from 10.3.  The tail length
 * tells which.
 */
int
zapi_enc_notify_owner(struct wbuf *w, const struct zapi_proto *zp,
    const struct zapi_notify *n)
{
	size_t	 start = w->len;
	uint8_t	*lenp;
	uint32_t note = n->note;

	if (!zapi_prefix_valid(&n->prefix))
		return -1;
	lenp = zapi_begin(w, zp->cmd_notify_owner);
	wbuf_put(w, &note, sizeof(note));
	wbuf_put_n8(w, n->prefix.family);
	wbuf_put_n8(w, n->prefix.len);
	wbuf_put(w, n->prefix.addr, zapi_afbytes(n->prefix.family));
	wbuf_put_n32(w, n->table);
	wbuf_put_n8(w, n->prefix.family == ZAPI_AF_INET ? 1 : 2);	/* afi */
	wbuf_put_n8(w, ZAPI_SAFI_UNICAST);
	return zapi_end(w, lenp, start);
}

int
zapi_dec_notify_owner(struct pbuf *b, const struct zapi_proto *zp,
    struct zapi_notify *n)
{
	size_t	a, tail;
	int	rc;

	(void)zp;
	memset(n, 0, sizeof(*n));
	if (pbuf_get(b, &n->note, sizeof(n->note)) == -1 ||
	    pbuf_get_n8(b, &n->prefix.family) == -1 ||
	    pbuf_get_n8(b, &n->prefix.len) == -1)
		return ZAPI_SHORT;
	if (!zapi_prefix_valid(&n->prefix))
		return ZAPI_BAD;
	a = zapi_afbytes(n->prefix.family);
	if ((rc = zapi_dec_prefix_bytes(b, &n->prefix, a)) != ZAPI_OK)
		return rc;
	tail = pbuf_left(b);
	if (tail == 1 + a + 6) {	/* 10.3+: source prefix */
		if (pbuf_skip(b, 1 + a) == -1)
			return ZAPI_SHORT;
	} else if (tail != 4 && tail != 6)
		return ZAPI_BAD;
	if (pbuf_get_n32(b, &n->table) == -1)
		return ZAPI_SHORT;
	return pbuf_skip(b, pbuf_left(b)) == 0 ? ZAPI_OK : ZAPI_BAD;
}

/* The 8.4 layout: vrf backend u32, mpls u8, multipath u32, mlag role u8. */
int
zapi_enc_capabilities(struct wbuf *w, const struct zapi_proto *zp)
{
	size_t	 start = w->len;
	uint8_t	*lenp;

	lenp = zapi_begin(w, zp->cmd_capabilities);
	wbuf_put_n32(w, 0);
	wbuf_put_n8(w, 0);
	wbuf_put_n32(w, 256);
	wbuf_put_n8(w, 0);
	if (zp->cmd_notify_request != 0) {	/* 10.2: +v6_v4nh, +gr */
		wbuf_put_n8(w, 0);
		wbuf_put_n8(w, 0);
	}
	return zapi_end(w, lenp, start);
}

int
zapi_enc_error(struct wbuf *w, const struct zapi_proto *zp, uint32_t code)
{
	size_t	 start = w->len;
	uint8_t	*lenp;

	lenp = zapi_begin(w, zp->cmd_error);
	wbuf_put(w, &code, sizeof(code));	/* host order, like zebra */
	return zapi_end(w, lenp, start);
}

int
zapi_dec_error(struct pbuf *b, uint32_t *code)
{
	if (pbuf_get(b, code, sizeof(*code)) == -1)
		return ZAPI_SHORT;
	return pbuf_left(b) == 0 ? ZAPI_OK : ZAPI_BAD;
}
