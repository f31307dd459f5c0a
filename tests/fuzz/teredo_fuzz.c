/*
 * libFuzzer harness for teredod's verdicts (teredod/verdict.c) and,
 * through them, teredo_parse, ip6_parse and the peer table.  The input is
 * a sequence of records: 1 byte (bit 0: 0 = UDP payload from a client,
 * 1 = native packet from the TUN; the other bits pick the UDP source
 * port), 2-byte length, the bytes.  Each record advances a fake clock by
 * 0.7 s and is applied to one small peer table the way relay.c applies
 * it (create, queue, trust, flush, bubble timer), so state carries over
 * from record to record.  Each input starts from an empty table and the
 * same clock, so that a saved input reproduces its crash.
 * After each verdict the invariants must hold: a forwarded packet lies
 * inside the input, is IPv6 from a Teredo address to a served destination;
 * a packet for a client goes to a Teredo destination whose embedded
 * addresses are global and not ours; the table's lists add up.  The
 * policy oracle (policy6.h, a walk of its own) aborts when a packet
 * forwarded either way carries an RH0 or an extension header chain the
 * relay could not have walked to its end.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "sixtofour.h"
#include "policy6.h"
#include "teredo.h"
#include "teredod/peers.h"
#include "teredod/verdict.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static struct peers	t;
static struct td_policy	pol;
static int		ready;
static uint64_t		now;

static void
fuzz_init(void)
{
	struct peers_limits	l = { 64, 16, 1280, 0, 0, 16 };
	struct siphash_key	k = { 7, 11 };

	if (peers_init(&t, &l, &k, now) == -1)
		abort();
	pol.bind_addr.s_addr = htonl(0xcb007114);	/* 203.0.113.20 */
	pol.bind_port = 3545;
	pol.mtu = 1280;
	pol.nonce_key = k;
	pol.bcast[0].s_addr = htonl(0xcb0071ff);	/* LocalSubnet .0/24 */
	pol.nbcast = 1;
	ready = 1;
}

static void
fuzz_table_ok(void)
{
	uint32_t	n = 0;
	int		l;

	for (l = 0; l < PL_COUNT; l++)
		n += t.count[l];
	CHECK(n == t.lim.capacity);
	CHECK(t.slots_used <= t.lim.queue_slots);
}

static void
fuzz_rx(const uint8_t *d, size_t len, uint16_t port)
{
	struct rx_verdict	 v;
	struct in_addr		 from;
	struct peer		*p;
	struct teredo_addr	 ta;

	from.s_addr = htonl(0xc6336414);		/* 198.51.100.20 */
	rx_classify(&pol, d, len, from, port, now, &v);
	if (v.act == RX_DROP)
		return;
	CHECK(v.pkt.ip6_off + v.pkt.ip6_len <= len);
	CHECK(teredo_addr_decode(&v.pkt.ip6.src, &ta) == 0);
	CHECK(!sixtofour_v4_listed(pol.bcast, pol.nbcast, ta.client) &&
	    !sixtofour_v4_listed(pol.bcast, pol.nbcast, ta.server));
	if (v.act == RX_FORWARD) {
		CHECK(td_dst_served(&v.pkt.ip6.dst));
		CHECK(v.pkt.ip6_len == IP6_HDR_LEN + (size_t)v.pkt.ip6.plen);
		CHECK(policy6_forwardable(d + v.pkt.ip6_off, v.pkt.ip6_len,
		    IP6_CHAIN_MAX, 0));
	} else
		CHECK(teredo_is_bubble(&v.pkt.ip6));
	p = peers_lookup(&t, &v.pkt.ip6.src);
	if (rx_peer_check(&v, p, from, port) != 0)
		return;
	CHECK(v.map_match || v.nonce_ok ||
	    (p != NULL && p->map_port == port));
	if (p == NULL && v.nonce_ok)
		p = peers_create(&t, &v.pkt.ip6.src, PEER_TRUSTED, now);
	if (p == NULL)
		return;
	peer_trust(&t, p, from.s_addr, port, now);
	peer_queue_purge(&t, p);
}

static void
fuzz_tx(const uint8_t *d, size_t len)
{
	struct tx_verdict	 v;
	struct peer		*p;

	tx_classify(&pol, d, len, &v);
	if (v.act != TX_PEER)
		return;
	CHECK(len <= pol.mtu);
	CHECK(teredo_addr_is(&v.ip6.dst));
	CHECK(!sixtofour_v4_bogon(v.dst.client, SIXTOFOUR_BOGON_100_64));
	CHECK(!sixtofour_v4_bogon(v.dst.server, SIXTOFOUR_BOGON_100_64));
	CHECK(v.dst.client.s_addr != pol.bind_addr.s_addr);
	CHECK(!sixtofour_v4_listed(pol.bcast, pol.nbcast, v.dst.client) &&
	    !sixtofour_v4_listed(pol.bcast, pol.nbcast, v.dst.server));
	CHECK(policy6_forwardable(d, len, IP6_CHAIN_MAX, 0));
	p = peers_lookup(&t, &v.ip6.dst);
	switch (tx_peer_decide(&t, p, now)) {
	case TXP_SEND:
		CHECK(p != NULL && peer_is_valid(&t, p, now));
		peer_touch_tx(&t, p, now);
		break;
	case TXP_QUEUE:
		(void)peer_enqueue(&t, p, d, len);
		break;
	case TXP_REFUSE:
		break;
	case TXP_CREATE:
		if (p != NULL)
			peers_delete(&t, p);
		if ((p = peers_create(&t, &v.ip6.dst, PEER_PENDING, now)) ==
		    NULL)
			break;
		(void)peer_enqueue(&t, p, d, len);
		CHECK(peer_bubble_allowed(&t, p, now));
		peer_bubble_sent(&t, p, now);
		break;
	}
}

static void
fuzz_timer(void)
{
	struct peer	*p;
	int		 giveup, n = 0;

	while ((p = peers_due(&t, now, &giveup)) != NULL && n++ < 1000) {
		if (giveup)
			peer_give_up(&t, p, now);
		else {
			CHECK(peer_bubble_allowed(&t, p, now));
			peer_bubble_sent(&t, p, now);
		}
	}
	CHECK(n < 1000);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbuf	in;
	uint8_t		kind, pkt[2048];
	uint16_t	len;

	if (ready)
		peers_free(&t);
	now = 1000000;
	fuzz_init();
	pbuf_init(&in, data, size);
	while (pbuf_get_n8(&in, &kind) == 0 && pbuf_get_n16(&in, &len) == 0) {
		if (len > pbuf_left(&in))
			len = (uint16_t)pbuf_left(&in);
		if (len > sizeof(pkt))
			len = sizeof(pkt);
		(void)pbuf_get(&in, pkt, len);
		now += 700;
		if (kind & 1)
			fuzz_tx(pkt, len);
		else
			fuzz_rx(pkt, len, (uint16_t)(40000 + (kind >> 1)));
		fuzz_timer();
		fuzz_table_ok();
	}
	return 0;
}
