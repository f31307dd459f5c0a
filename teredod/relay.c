/*
 * The relay engine: applies the verdicts of verdict.c to real packets and
 * to the peer table.  Nothing here parses: every byte is read through
 * verdict.c / teredo.c / inet.c.
 */
#include <sys/random.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "config.h"
#include "relay.h"
#include "sixtofour.h"
#include "td_limits.h"

static void	relay_send_bubble(struct relay *, struct peer *);

static int
relay_has_native(const struct relay *r)
{
	static const struct in6_addr	zero;

	return memcmp(&r->cfg->native_address, &zero, sizeof(zero)) != 0;
}

/* Queue one datagram to a client; copy (into the batch) when asked. */
static void
relay_out_add(struct relay *r, uint32_t addr, uint16_t port,
    const uint8_t *data, size_t len, int copy)
{
	struct relay_out	*o = &r->out;
	unsigned int		 i;

	if (o->n == RELAY_BATCH)
		relay_flush(r);
	i = o->n++;
	if (copy) {
		memcpy(o->copy[i] + RELAY_HR, data, len);
		data = o->copy[i] + RELAY_HR;
	}
	o->iov[i].iov_base = (void *)(uintptr_t)data;
	o->iov[i].iov_len = len;
	memset(&o->to[i], 0, sizeof(o->to[i]));
	o->to[i].sin_family = AF_INET;
	o->to[i].sin_addr.s_addr = addr;
	o->to[i].sin_port = htons(port);
	relay_out_msg(o, i, i);
}

void
relay_out_msg(struct relay_out *o, unsigned int k, unsigned int i)
{
	memset(&o->msg[k], 0, sizeof(o->msg[k]));
	o->msg[k].msg_hdr.msg_name = &o->to[i];
	o->msg[k].msg_hdr.msg_namelen = sizeof(o->to[i]);
	o->msg[k].msg_hdr.msg_iov = &o->iov[i];
	o->msg[k].msg_hdr.msg_iovlen = 1;
}

void
relay_flush(struct relay *r)
{
	struct relay_out	*o = &r->out;
	unsigned int		 done = 0;
	int			 n;

	/* Output packet: what pktout takes leaves msg[] (the rest stays). */
	if (r->pio.out4 != NULL && o->n > 0)
		pktio_flush4(r);
	if (r->pio.n6 > 0)
		pktio_flush6(r);
	while (done < o->n) {
		n = sendmmsg(r->udp, o->msg + done, o->n - done, 0);
		if (n <= 0) {
			if (n < 0 && errno == EINTR)
				continue;
			/* Count the one that failed and go past it. */
			counters_inc(&r->ctr, D_TX_SEND);
			log_rl(&r->rl, r->now, "sendmmsg: %s", strerror(errno));
			done++;
			continue;
		}
		done += (unsigned int)n;
	}
	o->n = 0;
}

void
relay_tun_write(struct relay *r, uint8_t *pkt, size_t len)
{
	ip_hop_credit(pkt, len);
	if (write(r->tun.fd, pkt, len) != (ssize_t)len) {
		counters_inc(&r->ctr, D_RX_TUN);
		log_rl(&r->rl, r->now, "tun write: %s", strerror(errno));
	}
}

/* Build an ICMPv6 error about orig into scratch; its length or 0. */
static size_t
relay_icmp(struct relay *r, uint8_t type, uint8_t code, uint32_t param,
    const uint8_t *orig, size_t len)
{
	size_t	outlen = 0;

	if (!relay_has_native(r)) {
		counters_inc(&r->ctr, C_ICMP6_SUPPRESSED);
		return 0;
	}
	if (icmp6err_build(&r->icmp, r->now, &r->cfg->native_address, type,
	    code, param, orig, len, r->scratch, sizeof(r->scratch),
	    &outlen) != ICMP6ERR_BUILT) {
		counters_inc(&r->ctr, C_ICMP6_SUPPRESSED);
		return 0;
	}
	return outlen;
}

/* An error to a native host: back into the TUN. */
static void
relay_icmp_native(struct relay *r, uint8_t type, uint8_t code,
    uint32_t param, const uint8_t *orig, size_t len, enum td_counter c)
{
	size_t	n;

	if ((n = relay_icmp(r, type, code, param, orig, len)) == 0)
		return;
	counters_inc(&r->ctr, c);
	relay_tun_write(r, r->scratch, n);
}

static void
relay_send_to_peer(struct relay *r, struct peer *p, const uint8_t *pkt,
    size_t len, int copy)
{
	relay_out_add(r, p->map_addr, p->map_port, pkt, len, copy);
	peer_touch_tx(&r->peers, p, r->now);
	counters_inc(&r->ctr, C_TX_FORWARDED);
	counters_add(&r->ctr, C_TX_BYTES, len);
}

static void
relay_enqueue(struct relay *r, struct peer *p, const uint8_t *pkt,
    size_t len)
{
	switch (peer_enqueue(&r->peers, p, pkt, len)) {
	case 0:
		counters_inc(&r->ctr, C_TX_QUEUED);
		break;
	case -2:
		counters_inc(&r->ctr, D_TX_POOL_EMPTY);
		break;
	default:
		counters_inc(&r->ctr, D_TX_QUEUE_FULL);
		break;
	}
}

static void
relay_new_peer(struct relay *r, struct peer *stale, const struct tx_verdict *v,
    const uint8_t *pkt, size_t len)
{
	struct peer	*p;

	if (stale != NULL)
		peers_delete(&r->peers, stale);
	if (!peers_may_create(&r->peers, &v->ip6.src, v->dst.server, r->now)) {
		counters_inc(&r->ctr, D_TX_RATE_NEW);
		return;
	}
	if ((p = peers_create(&r->peers, &v->ip6.dst, PEER_PENDING,
	    r->now)) == NULL) {
		counters_inc(&r->ctr, D_TX_TABLE_FULL);
		return;
	}
	counters_inc(&r->ctr, C_PEERS_CREATED);
	relay_enqueue(r, p, pkt, len);
	relay_send_bubble(r, p);
}

void
relay_native_oversize(struct relay *r, const uint8_t *pkt, size_t len)
{
	counters_inc(&r->ctr, C_TX_PACKETS);
	counters_inc(&r->ctr, D_TX_OVERSIZE);
	relay_icmp_native(r, ICMP6_PACKET_TOO_BIG, 0, r->pol.mtu, pkt, len,
	    C_ICMP6_PTB);
}

/*
 * Input packet: no kernel forwarding hop before us, so this is the hop
 * (RFC 8200 3: decrement; at 1 or 0, Time Exceeded instead).  0: go on.
 */
static int
relay_native_hop(struct relay *r, uint8_t *pkt, size_t len,
    const struct tx_verdict *v)
{
	if (v->ip6.hlim > 1) {
		ip6_set_hlim(pkt, (uint8_t)(v->ip6.hlim - 1));
		return 0;
	}
	counters_inc(&r->ctr, D_TX_HLIM);
	relay_icmp_native(r, ICMP6_TIME_EXCEEDED, 0, 0, pkt, len,
	    C_ICMP6_TIME_EXCEEDED);
	return -1;
}

void
relay_from_native(struct relay *r, uint8_t *pkt, size_t len, int hop)
{
	struct tx_verdict	 v;
	struct peer		*p;

	counters_inc(&r->ctr, C_TX_PACKETS);
	tx_classify(&r->pol, pkt, len, &v);
	if (hop && v.act != TX_DROP && relay_native_hop(r, pkt, len, &v) == -1)
		return;
	switch (v.act) {
	case TX_DROP:
		counters_inc(&r->ctr, v.counter);
		return;
	case TX_UNREACH:
		counters_inc(&r->ctr, v.counter);
		relay_icmp_native(r, ICMP6_DST_UNREACH, 3, 0, pkt, len,
		    C_ICMP6_UNREACH);
		return;
	case TX_PTB:
		counters_inc(&r->ctr, v.counter);
		relay_icmp_native(r, ICMP6_PACKET_TOO_BIG, 0, r->pol.mtu, pkt,
		    len, C_ICMP6_PTB);
		return;
	case TX_PEER:
		break;
	}
	p = peers_lookup(&r->peers, &v.ip6.dst);
	switch (tx_peer_decide(&r->peers, p, r->now)) {
	case TXP_SEND:
		relay_send_to_peer(r, p, pkt, len, 0);
		break;
	case TXP_QUEUE:
		relay_enqueue(r, p, pkt, len);
		break;
	case TXP_REFUSE:
		counters_inc(&r->ctr, D_TX_PEER_FAILED);
		relay_icmp_native(r, ICMP6_DST_UNREACH, 3, 0, pkt, len,
		    C_ICMP6_UNREACH);
		break;
	case TXP_CREATE:
		relay_new_peer(r, p, &v, pkt, len);
		break;
	}
}

/*
 * Indirect bubble (RFC 4380 5.4.1 case 3): to the client's server on
 * 3544, source our nonce address for this client, destination the client.
 */
static void
relay_send_bubble(struct relay *r, struct peer *p)
{
	struct in6_addr		client, src;
	struct teredo_addr	ta;
	struct relay_out	*o = &r->out;
	struct wbuf		w;

	if (o->n == RELAY_BATCH)
		relay_flush(r);
	peers_addr(p, &client);
	(void)teredo_addr_decode(&client, &ta);
	td_nonce_addr(&r->pol, &client, r->now, &src);
	wbuf_init(&w, o->copy[o->n] + RELAY_HR, RELAY_BUF);
	if (teredo_bubble_build(&w, &src, &client) == -1)
		return;
	relay_out_add(r, ta.server.s_addr, TEREDO_PORT,
	    o->copy[o->n] + RELAY_HR, w.len, 0);
	if (p->bubbles > 0)
		counters_inc(&r->ctr, C_BUBBLES_RETRIED);
	counters_inc(&r->ctr, C_BUBBLES_SENT);
	peer_bubble_sent(&r->peers, p, r->now);
}

static void
relay_flush_queue(struct relay *r, struct peer *p)
{
	const struct peer_slot	*s;

	while ((s = peer_queue_head(&r->peers, p)) != NULL) {
		relay_send_to_peer(r, p, s->data, s->len, 1);
		counters_inc(&r->ctr, C_TX_DEQUEUED);
		peer_queue_pop(&r->peers, p);
	}
}

/* Accepted packet from a client: create or refresh its entry, flush. */
static void
relay_peer_heard(struct relay *r, struct peer *p, const struct rx_verdict *v,
    const struct sockaddr_in *from)
{
	uint16_t	port = ntohs(from->sin_port);

	/*
	 * A client we hold no entry for (we restarted, or anycast moved it
	 * here) is relayed, not dropped, when its packet is consistent (UDP
	 * source = the mapping in its address, or our nonce).  No entry is
	 * created: trusting a mapping for native->client traffic still takes
	 * a bubble exchange through the client's server, so a spoofed UDP
	 * source cannot turn native replies into a reflector.
	 */
	if (p == NULL) {
		counters_inc(&r->ctr, C_RX_UNKNOWN_PEER);
		if (!v->nonce_ok)
			return;
		/* Our own bubble was answered: the entry was evicted. */
		if ((p = peers_create(&r->peers, &v->pkt.ip6.src, PEER_TRUSTED,
		    r->now)) == NULL)
			return;
		counters_inc(&r->ctr, C_PEERS_CREATED);
	}
	if (p->state != PEER_TRUSTED)
		counters_inc(&r->ctr, C_PEERS_TRUSTED);
	peer_trust(&r->peers, p, from->sin_addr.s_addr, port, r->now);
	relay_flush_queue(r, p);
}

/* Hop limit exhausted: Time Exceeded back to the client over Teredo. */
static void
relay_time_exceeded(struct relay *r, const uint8_t *ip6, size_t len,
    const struct sockaddr_in *from)
{
	size_t	n;

	counters_inc(&r->ctr, D_RX_HLIM);
	if ((n = relay_icmp(r, ICMP6_TIME_EXCEEDED, 0, 0, ip6, len)) == 0)
		return;
	counters_inc(&r->ctr, C_ICMP6_TIME_EXCEEDED);
	relay_out_add(r, from->sin_addr.s_addr, ntohs(from->sin_port),
	    r->scratch, n, 1);
}

void
relay_from_client(struct relay *r, uint8_t *payload, size_t len,
    const struct sockaddr_in *from)
{
	struct rx_verdict	 v;
	struct peer		*p;
	uint8_t			*ip6;
	int			 c;

	counters_inc(&r->ctr, C_RX_PACKETS);
	rx_classify(&r->pol, payload, len, from->sin_addr,
	    ntohs(from->sin_port), r->now, &v);
	if (v.act == RX_DROP) {
		counters_inc(&r->ctr, v.counter);
		return;
	}
	p = peers_lookup(&r->peers, &v.pkt.ip6.src);
	if ((c = rx_peer_check(&v, p, from->sin_addr,
	    ntohs(from->sin_port))) != 0) {
		counters_inc(&r->ctr, (size_t)c);
		return;
	}
	relay_peer_heard(r, p, &v, from);
	if (v.act == RX_BUBBLE) {
		counters_inc(&r->ctr, C_RX_BUBBLES);
		if (v.nonce_ok)
			counters_inc(&r->ctr, C_RX_BUBBLES_NONCE);
		return;
	}
	ip6 = payload + v.pkt.ip6_off;
	if (v.pkt.ip6.hlim <= 1) {
		relay_time_exceeded(r, ip6, v.pkt.ip6_len, from);
		return;
	}
	ip6_set_hlim(ip6, (uint8_t)(v.pkt.ip6.hlim - 1));
	if (r->pio.out6 != NULL)
		pktio_native_add(r, ip6, v.pkt.ip6_len);
	else
		relay_tun_write(r, ip6, v.pkt.ip6_len);
	counters_inc(&r->ctr, C_RX_FORWARDED);
	counters_add(&r->ctr, C_RX_BYTES, v.pkt.ip6_len);
}

/* A retry spends a token of the server's bucket, or the attempt lapses. */
static void
relay_retry_bubble(struct relay *r, struct peer *p)
{
	struct in6_addr		a;
	struct teredo_addr	ta;

	peers_addr(p, &a);
	(void)teredo_addr_decode(&a, &ta);
	if (peers_server_token(&r->peers, ta.server, r->now)) {
		relay_send_bubble(r, p);
		return;
	}
	counters_inc(&r->ctr, C_BUBBLES_SUPPRESSED);
	peer_bubble_sent(&r->peers, p, r->now);
}

/* Bubble retries, give-ups and expiry; bounded work per tick. */
void
relay_tick(struct relay *r)
{
	const struct peer_slot	*s;
	struct peer		*p;
	int			 giveup, budget = 100000;

	while (budget-- > 0 &&
	    (p = peers_due(&r->peers, r->now, &giveup)) != NULL) {
		if (!giveup) {
			relay_retry_bubble(r, p);
			continue;
		}
		if ((s = peer_queue_head(&r->peers, p)) != NULL)
			relay_icmp_native(r, ICMP6_DST_UNREACH, 3, 0, s->data,
			    s->len, C_ICMP6_UNREACH);
		counters_add(&r->ctr, D_TX_GIVEUP, p->qhead == PEER_NONE ? 0 :
		    peer_queue_purge(&r->peers, p));
		counters_inc(&r->ctr, C_PEERS_GIVEN_UP);
		peer_give_up(&r->peers, p, r->now);
	}
	r->ctr.v[C_PEERS_EVICTED] = r->peers.evicted;
	relay_flush(r);
}

static void
relay_udp_cb(int fd, short what, void *arg)
{
	struct relay	*r = arg;
	int		 n, i, rounds;

	(void)what;
	for (rounds = 0; rounds < 8; rounds++) {
		for (i = 0; i < RELAY_BATCH; i++)
			r->rmsg[i].msg_hdr.msg_namelen = sizeof(r->rfrom[i]);
		n = recvmmsg(fd, r->rmsg, RELAY_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			break;
		r->now = clock_mono_ms();
		for (i = 0; i < n; i++) {
			if (r->rmsg[i].msg_hdr.msg_flags & MSG_TRUNC) {
				counters_inc(&r->ctr, C_RX_PACKETS);
				counters_inc(&r->ctr, D_RX_OVERSIZE);
				continue;
			}
			relay_from_client(r, r->rbuf[i], r->rmsg[i].msg_len,
			    &r->rfrom[i]);
		}
		relay_flush(r);
		if (n < RELAY_BATCH)
			break;
	}
}

static void
relay_tun_cb(int fd, short what, void *arg)
{
	struct relay	*r = arg;
	ssize_t		 len[RELAY_BATCH];
	int		 n, i, rounds;

	(void)what;
	for (rounds = 0; rounds < 8; rounds++) {
		for (n = 0; n < RELAY_BATCH; n++)
			if ((len[n] = read(fd, r->tbuf[n] + RELAY_HR,
			    RELAY_BUF)) <= 0)
				break;
		if (n == 0)
			break;
		r->now = clock_mono_ms();
		for (i = 0; i < n; i++)
			relay_from_native(r, r->tbuf[i] + RELAY_HR,
			    (size_t)len[i], 0);
		relay_flush(r);
		if (n < RELAY_BATCH)
			break;
	}
}

static void
relay_tick_cb(int fd, short what, void *arg)
{
	struct relay	*r = arg;

	(void)fd;
	(void)what;
	r->now = clock_mono_ms();
	relay_tick(r);
}

static int
relay_socket(struct relay *r)
{
	const struct td_config	*c = r->cfg;
	struct sockaddr_in	 sin;
	int			 one = IP_PMTUDISC_DONT, buf;

	if ((r->udp = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	/* RFC 4380 5.1.2: never set DF on Teredo packets. */
	if (setsockopt(r->udp, IPPROTO_IP, IP_MTU_DISCOVER, &one,
	    sizeof(one)) == -1)
		return -1;
	buf = (int)(c->socket_buffer_kib * 1024);
	if (setsockopt(r->udp, SOL_SOCKET, SO_RCVBUFFORCE, &buf,
	    sizeof(buf)) == -1)
		(void)setsockopt(r->udp, SOL_SOCKET, SO_RCVBUF, &buf,
		    sizeof(buf));
	if (setsockopt(r->udp, SOL_SOCKET, SO_SNDBUFFORCE, &buf,
	    sizeof(buf)) == -1)
		(void)setsockopt(r->udp, SOL_SOCKET, SO_SNDBUF, &buf,
		    sizeof(buf));
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = c->bind_address;
	sin.sin_port = htons((uint16_t)c->bind_port);
	return bind(r->udp, (struct sockaddr *)&sin, sizeof(sin));
}

static int
relay_keys(struct relay *r, struct siphash_key *hkey)
{
	uint64_t	k[4];

	if (getrandom(k, sizeof(k), 0) != (ssize_t)sizeof(k))
		return -1;
	hkey->k0 = k[0];
	hkey->k1 = k[1];
	r->pol.nonce_key.k0 = k[2];
	r->pol.nonce_key.k1 = k[3];
	return 0;
}

static void
relay_rx_setup(struct relay *r)
{
	int	i;

	for (i = 0; i < RELAY_BATCH; i++) {
		r->riov[i].iov_base = r->rbuf[i];
		r->riov[i].iov_len = RELAY_BUF;
		r->rmsg[i].msg_hdr.msg_name = &r->rfrom[i];
		r->rmsg[i].msg_hdr.msg_iov = &r->riov[i];
		r->rmsg[i].msg_hdr.msg_iovlen = 1;
	}
}

int
relay_open(struct relay *r, const struct td_config *c)
{
	struct peers_limits	lim;
	struct siphash_key	hkey;

	r->cfg = c;
	r->udp = -1;
	r->tun.fd = -1;
	memset(&r->pio, 0, sizeof(r->pio));
	r->pio.ring4.fd = r->pio.ring6.fd = -1;
	r->pol.bind_addr = c->bind_address;
	r->pol.bind_port = (uint16_t)c->bind_port;
	r->pol.mtu = c->mtu;
	r->pol.nbcast = sixtofour_subnet_bcasts(c->local_subnets.p,
	    c->local_subnets.n, r->pol.bcast, CONF_LIST_MAX);
	counters_init(&r->ctr, td_counter_names, TD_NCOUNTERS);
	icmp6err_init(&r->icmp, c->icmp6_rate, c->icmp6_rate);
	log_rl_init(&r->rl, 1, 5);
	relay_rx_setup(r);
	if (relay_keys(r, &hkey) == -1) {
		log_warn("getrandom");
		return -1;
	}
	td_limits_from_config(c, &lim);
	r->now = clock_mono_ms();
	if (peers_init(&r->peers, &lim, &hkey, r->now) == -1) {
		log_warn("peer table (%u entries)", lim.capacity);
		return -1;
	}
	if (relay_socket(r) == -1) {
		log_warn("UDP socket %s:%u", inet_ntoa(c->bind_address),
		    c->bind_port);
		return -1;
	}
	if (tun_open(c->interface_name, 0, &r->tun) == -1) {
		log_warn("tun %s", c->interface_name);
		return -1;
	}
	if (fcntl(r->tun.fd, F_SETFL, fcntl(r->tun.fd, F_GETFL) |
	    O_NONBLOCK) == -1 ||
	    tun_configure(&r->tun, c->mtu, c->txqueuelen) == -1) {
		log_warn("tun %s configure", r->tun.name);
		return -1;
	}
	return pktio_open(&r->pio, c);
}

int
relay_start(struct relay *r, struct event_base *base)
{
	struct timeval	tv = { 0, RELAY_TICK_MS * 1000 };

	r->ev_udp = event_new(base, r->udp, EV_READ | EV_PERSIST,
	    relay_udp_cb, r);
	r->ev_tun = event_new(base, r->tun.fd, EV_READ | EV_PERSIST,
	    relay_tun_cb, r);
	r->ev_tick = event_new(base, -1, EV_PERSIST, relay_tick_cb, r);
	if (r->ev_udp == NULL || r->ev_tun == NULL || r->ev_tick == NULL ||
	    event_add(r->ev_udp, NULL) == -1 ||
	    event_add(r->ev_tun, NULL) == -1 ||
	    event_add(r->ev_tick, &tv) == -1)
		return -1;
	return pktio_start(&r->pio, r, base);
}

void
relay_close(struct relay *r)
{
	if (r->ev_udp)
		event_free(r->ev_udp);
	if (r->ev_tun)
		event_free(r->ev_tun);
	if (r->ev_tick)
		event_free(r->ev_tick);
	pktio_close(&r->pio);
	if (r->udp != -1)
		close(r->udp);
	if (r->tun.fd != -1)
		tun_close(&r->tun);
	peers_free(&r->peers);
	counters_free(&r->ctr);
}
