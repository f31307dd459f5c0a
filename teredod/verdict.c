/*
 * Pure verdict functions for both directions.  See verdict.h for the
 * order of the checks and why.
 */
#include <string.h>
#include <arpa/inet.h>

#include "peers.h"
#include "sixtofour.h"
#include "verdict.h"

const char *const td_counter_names[] = { TD_COUNTERS(COUNTER_NAME) };

static int
v6_is_multicast(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xff;
}

static int
v6_is_bad_src(const struct in6_addr *a)
{
	static const struct in6_addr zero;

	return v6_is_multicast(a) || teredo_addr_is(a) ||
	    sixtofour_v6_linklocal(a) || memcmp(a, &zero, 15) == 0;
}

int
td_dst_served(const struct in6_addr *a)
{
	return (a->s6_addr[0] & 0xe0) == 0x20 && !teredo_addr_is(a);
}

static int
v4_bogon(struct in_addr a)
{
	return sixtofour_v4_bogon(a, SIXTOFOUR_BOGON_100_64);
}

static int
v4_bcast(const struct td_policy *pol, struct in_addr a)
{
	return sixtofour_v4_listed(pol->bcast, pol->nbcast, a);
}

/*
 * The extension header chain: 1 with *drop set when the packet must be
 * dropped (a chain we cannot walk to its end is never forwarded, nor one
 * holding RH0), 0 when it may go on.
 */
static int
td_chain_drop(uint8_t nxt, const struct pbuf *pl, enum td_counter too_long,
    enum td_counter truncated, enum td_counter rh0, enum td_counter *drop)
{
	struct ip6_chain	c;

	switch (ip6_chain_walk(nxt, pl, &c)) {
	case IP6_CHAIN_OK:
		if (!(c.flags & IP6_CHAIN_RH0))
			return 0;
		*drop = rh0;
		return 1;
	case IP6_CHAIN_ERR_TOO_LONG:
		*drop = too_long;
		return 1;
	default:
		*drop = truncated;
		return 1;
	}
}

void
tx_classify(const struct td_policy *pol, const uint8_t *pkt, size_t len,
    struct tx_verdict *v)
{
	struct pbuf	b, pl;

	memset(v, 0, sizeof(*v));
	v->act = TX_DROP;
	pbuf_init(&b, pkt, len);
	if (ip6_parse(&b, &v->ip6, &pl) != IP6_OK) {
		v->counter = D_TX_MALFORMED;
		return;
	}
	if (v6_is_multicast(&v->ip6.dst)) {
		v->counter = D_TX_DST_MULTICAST;
		return;
	}
	if (v6_is_bad_src(&v->ip6.src)) {
		v->counter = D_TX_BAD_SRC;
		return;
	}
	if (td_chain_drop(v->ip6.nxt, &pl, D_TX_EXT_TOO_LONG,
	    D_TX_EXT_TRUNCATED, D_TX_RH0, &v->counter))
		return;
	if (teredo_addr_decode(&v->ip6.dst, &v->dst) == -1) {
		v->counter = D_TX_NOT_TEREDO;
		v->act = TX_UNREACH;
		return;
	}
	if (v4_bogon(v->dst.client)) {
		v->counter = D_TX_CLIENT_BOGON;
		return;
	}
	if (v4_bcast(pol, v->dst.client)) {
		v->counter = D_TX_CLIENT_BCAST;
		return;
	}
	if (v4_bogon(v->dst.server)) {
		v->counter = D_TX_SERVER_BOGON;
		return;
	}
	if (v4_bcast(pol, v->dst.server)) {
		v->counter = D_TX_SERVER_BCAST;
		return;
	}
	if (sixtofour_embeds_v4(&v->ip6.dst, pol->bind_addr)) {
		v->counter = D_TX_OWN_ADDR;
		return;
	}
	if (len > pol->mtu) {
		v->counter = D_TX_TOO_BIG;
		v->act = TX_PTB;
		return;
	}
	v->act = TX_PEER;
}

enum tx_peer_action
tx_peer_decide(const struct peers *t, const struct peer *p, uint64_t now_ms)
{
	if (p == NULL)
		return TXP_CREATE;
	switch (p->state) {
	case PEER_TRUSTED:
		return peer_is_valid(t, p, now_ms) ? TXP_SEND : TXP_CREATE;
	case PEER_PENDING:
		return TXP_QUEUE;
	case PEER_FAILED:
		return TXP_REFUSE;
	default:
		return TXP_CREATE;
	}
}

static int
rx_parse_counter(enum teredo_err e)
{
	switch (e) {
	case TEREDO_ERR_AUTH:		return D_RX_AUTH;
	case TEREDO_ERR_ORIGIN:		return D_RX_ORIGIN;
	case TEREDO_ERR_INDICATOR:	return D_RX_INDICATOR;
	case TEREDO_ERR_SHORT:		return D_RX_SHORT;
	case TEREDO_ERR_VERSION:	return D_RX_VERSION;
	default:			return D_RX_PLEN;
	}
}

void
rx_classify(const struct td_policy *pol, const uint8_t *payload, size_t len,
    struct in_addr from, uint16_t fport, uint64_t now_ms,
    struct rx_verdict *v)
{
	struct pbuf	b;
	enum teredo_err	e;

	memset(v, 0, sizeof(*v));
	v->act = RX_DROP;
	pbuf_init(&b, payload, len);
	if ((e = teredo_parse(&b, &v->pkt)) != TEREDO_OK) {
		v->counter = rx_parse_counter(e);
		return;
	}
	if (teredo_addr_decode(&v->pkt.ip6.src, &v->src) == -1) {
		v->counter = D_RX_SRC_NOT_TEREDO;
		return;
	}
	if (v4_bcast(pol, from) || v4_bcast(pol, v->src.client) ||
	    v4_bcast(pol, v->src.server)) {
		v->counter = D_RX_SRC_BCAST;
		return;
	}
	if (v6_is_multicast(&v->pkt.ip6.dst)) {
		v->counter = D_RX_DST_MULTICAST;
		return;
	}
	v->map_match = v->src.client.s_addr == from.s_addr &&
	    v->src.port == fport;
	if (teredo_is_bubble(&v->pkt.ip6)) {
		v->nonce_ok = td_nonce_check(pol, &v->pkt.ip6.src,
		    &v->pkt.ip6.dst, now_ms);
		v->act = RX_BUBBLE;
		return;
	}
	if (teredo_addr_is(&v->pkt.ip6.dst)) {
		v->counter = D_RX_DST_TEREDO;
		return;
	}
	if (!td_dst_served(&v->pkt.ip6.dst)) {
		v->counter = D_RX_DST_NOT_SERVED;
		return;
	}
	pbuf_init(&b, payload + v->pkt.ip6_off + IP6_HDR_LEN, v->pkt.ip6.plen);
	if (td_chain_drop(v->pkt.ip6.nxt, &b, D_RX_EXT_TOO_LONG,
	    D_RX_EXT_TRUNCATED, D_RX_RH0, &v->counter))
		return;
	v->act = RX_FORWARD;
}

int
rx_peer_check(const struct rx_verdict *v, const struct peer *p,
    struct in_addr from, uint16_t fport)
{
	if (v->map_match)
		return 0;
	if (p != NULL && p->state == PEER_TRUSTED &&
	    p->map_addr == from.s_addr && p->map_port == fport)
		return 0;
	if (v->act == RX_BUBBLE) {
		if (v->nonce_ok)
			return 0;
		return D_RX_BAD_NONCE;
	}
	return D_RX_MISMATCH;
}

static void
td_nonce_epoch(const struct td_policy *pol, const struct in6_addr *client,
    uint64_t epoch, struct in6_addr *out)
{
	uint8_t		msg[24];
	uint64_t	h;
	int		i;

	memcpy(msg, client->s6_addr, 16);
	for (i = 0; i < 8; i++)
		msg[16 + i] = (uint8_t)(epoch >> (8 * i));
	h = siphash24(&pol->nonce_key, msg, sizeof(msg));
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0xfe;
	out->s6_addr[1] = 0x80;
	for (i = 0; i < 8; i++)
		out->s6_addr[8 + i] = (uint8_t)(h >> (8 * i));
}

void
td_nonce_addr(const struct td_policy *pol, const struct in6_addr *client,
    uint64_t now_ms, struct in6_addr *out)
{
	td_nonce_epoch(pol, client, now_ms / TD_NONCE_EPOCH_MS, out);
}

int
td_nonce_check(const struct td_policy *pol, const struct in6_addr *client,
    const struct in6_addr *dst, uint64_t now_ms)
{
	uint64_t	e = now_ms / TD_NONCE_EPOCH_MS;
	struct in6_addr	want;

	td_nonce_epoch(pol, client, e, &want);
	if (memcmp(&want, dst, sizeof(want)) == 0)
		return 1;
	if (e == 0)
		return 0;
	td_nonce_epoch(pol, client, e - 1, &want);
	return memcmp(&want, dst, sizeof(want)) == 0;
}
