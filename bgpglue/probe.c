/*
 * Data-plane probe through the relay.  See probe.h.
 */
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "inet.h"
#include "pbuf.h"
#include "probe.h"
#include "teredo.h"

#define PROBE_MAGIC	0x6a666267u	/* "jfbg" */
#define PROBE_PAYLOAD	12		/* magic u32, nonce u64 */
#define PROBE_SPORT	3561

struct probe {
	struct event_base	*base;
	struct probe_cfg	 cfg;
	probe_fn		 fn;
	void			*arg;
	int			 txfd;
	int			 rxfd;
	int			 pktfd;		/* -1 unless cfg.ifname */
	struct event		*tick_ev;
	struct event		*rx_ev;
	struct event		*timeout_ev;
	uint64_t		 nonce;
	uint64_t		 sent_ms;
	int			 outstanding;
	struct probe_stats	 st;
};

/* 2002:<v4>::1, the 6to4 address of src4. */
static void
probe_6to4_addr(struct in_addr v4, struct in6_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->s6_addr[0] = 0x20;
	a->s6_addr[1] = 0x02;
	memcpy(&a->s6_addr[2], &v4, 4);
	a->s6_addr[15] = 1;
}

/*
 * The Teredo address probed: server and client are src4, the client port
 * carries 16 bits of the nonce (never 0), so each probe is a new peer to
 * teredod and earns a fresh bubble.
 */
static void
probe_teredo_addr(struct in_addr v4, uint64_t nonce, struct in6_addr *a)
{
	struct teredo_addr	ta;

	memset(&ta, 0, sizeof(ta));
	ta.server = v4;
	ta.client = v4;
	ta.port = (uint16_t)(1024 + nonce % 64000);
	teredo_addr_encode(&ta, a);
}

/*
 * The client->native probe's Teredo source: server and client src4, port
 * the one our socket sends from, so the address embeds the mapping the
 * datagram comes from (RFC 4380 5.4.2) and teredod relays it statelessly.
 */
static void
probe_teredo_c2n_addr(const struct probe_cfg *c, struct in6_addr *a)
{
	struct teredo_addr	ta;

	memset(&ta, 0, sizeof(ta));
	ta.server = c->src4;
	ta.client = c->src4;
	ta.port = c->c2n_port;
	teredo_addr_encode(&ta, a);
}

static void
probe_payload(struct wbuf *w, uint64_t nonce)
{
	wbuf_put_n32(w, PROBE_MAGIC);
	wbuf_put_n64(w, nonce);
}

/* IPv6 + UDP + payload, checksummed. */
static int
probe_build6(struct wbuf *w, const struct in6_addr *src,
    const struct in6_addr *dst, uint16_t dport, uint64_t nonce)
{
	struct ip6_hdr_info	h6;
	struct udp_hdr		u;
	uint8_t			*udp;
	size_t			 ulen = UDP_HDR_LEN + PROBE_PAYLOAD;

	memset(&h6, 0, sizeof(h6));
	h6.plen = (uint16_t)ulen;
	h6.nxt = IPPROTO_UDP;
	h6.hlim = 64;
	h6.src = *src;
	h6.dst = *dst;
	if (ip6_build(w, &h6) == -1)
		return -1;
	udp = w->p + w->len;
	memset(&u, 0, sizeof(u));
	u.sport = PROBE_SPORT;
	u.dport = dport;
	u.len = (uint16_t)ulen;
	udp_build(w, &u);
	probe_payload(w, nonce);
	if (!wbuf_ok(w))
		return -1;
	wbuf_set_n16(udp + 6, inet_csum6(src, dst, IPPROTO_UDP, udp, ulen));
	return 0;
}

int
probe_build(const struct probe_cfg *c, uint64_t nonce, uint8_t *buf,
    size_t len)
{
	struct wbuf	w;
	struct ip4_hdr	h4;
	struct in6_addr	src6, dst6;

	wbuf_init(&w, buf, len);
	switch (c->mode) {
	case PROBE_4TO6:
		memset(&h4, 0, sizeof(h4));
		h4.total_len = IP4_HDR_LEN + IP6_HDR_LEN + UDP_HDR_LEN +
		    PROBE_PAYLOAD;
		h4.frag = IP4_DF;
		h4.ttl = 64;
		h4.proto = IPPROTO_6IN4;
		h4.src = c->src4;
		h4.dst = c->target4;
		probe_6to4_addr(c->src4, &src6);
		if (ip4_build(&w, &h4) == -1 ||
		    probe_build6(&w, &src6, &c->ret6, c->port, nonce) == -1)
			return -1;
		return (int)w.len;
	case PROBE_6TO4:
	case PROBE_TEREDO:
		if (c->ifname[0] == '\0') {
			/* Only the UDP payload: the kernel adds the rest. */
			probe_payload(&w, nonce);
			return wbuf_ok(&w) ? (int)w.len : -1;
		}
		if (c->mode == PROBE_6TO4)
			probe_6to4_addr(c->src4, &dst6);
		else
			probe_teredo_addr(c->src4, nonce, &dst6);
		if (probe_build6(&w, &c->ret6, &dst6, c->port, nonce) == -1)
			return -1;
		return (int)w.len;
	case PROBE_TEREDO_C2N: {
		struct udp_hdr	u;
		uint8_t		*udp = NULL;
		size_t		 ulen = UDP_HDR_LEN + IP6_HDR_LEN +
				    UDP_HDR_LEN + PROBE_PAYLOAD;

		if (c->ifname[0] != '\0') {
			/* The datagram to teredod as it would arrive. */
			memset(&h4, 0, sizeof(h4));
			h4.total_len = (uint16_t)(IP4_HDR_LEN + ulen);
			h4.ttl = 64;	/* DF clear, as Teredo sends */
			h4.proto = IPPROTO_UDP;
			h4.src = c->src4;
			h4.dst = c->target4;
			if (ip4_build(&w, &h4) == -1)
				return -1;
			udp = w.p + w.len;
			memset(&u, 0, sizeof(u));
			u.sport = c->c2n_port;
			u.dport = TEREDO_PORT;
			u.len = (uint16_t)ulen;
			udp_build(&w, &u);
		}
		probe_teredo_c2n_addr(c, &src6);
		if (probe_build6(&w, &src6, &c->ret6, c->port, nonce) == -1)
			return -1;
		if (udp != NULL) {
			uint16_t sum = inet_csum4(c->src4, c->target4,
			    IPPROTO_UDP, udp, ulen);

			wbuf_set_n16(udp + 6, sum == 0 ? 0xffff : sum);
		}
		return (int)w.len;
	}
	default:
		return -1;
	}
}

static int
probe_payload_match(struct pbuf *b, uint64_t nonce)
{
	uint32_t	magic;
	uint64_t	n;

	return pbuf_get_n32(b, &magic) == 0 && magic == PROBE_MAGIC &&
	    pbuf_get_n64(b, &n) == 0 && n == nonce;
}

int
probe_match(const struct probe_cfg *c, const uint8_t *pkt, size_t len,
    uint64_t nonce)
{
	struct pbuf		b, p4, p6, pu;
	struct ip4_hdr		h4;
	struct ip6_hdr_info	h6;
	struct udp_hdr		u;
	struct in6_addr		dst6;

	pbuf_init(&b, pkt, len);
	if (c->mode == PROBE_4TO6 || c->mode == PROBE_TEREDO_C2N)
		/* the UDP payload itself, on our socket on [ret6]:port */
		return probe_payload_match(&b, nonce);
	if (c->mode == PROBE_TEREDO) {
		/* The bubble: IPv6 to this probe's Teredo address. */
		probe_teredo_addr(c->src4, nonce, &dst6);
		return ip6_parse(&b, &h6, &p6) == IP6_OK &&
		    memcmp(&h6.dst, &dst6, sizeof(dst6)) == 0;
	}
	if (c->mode != PROBE_6TO4)
		return 0;
	/* IPv4 (to src4, protocol 41) / IPv6 (to 2002:src4::1) / UDP. */
	probe_6to4_addr(c->src4, &dst6);
	if (ip4_parse(&b, &h4, &p4) != IP4_OK || h4.proto != IPPROTO_6IN4 ||
	    h4.dst.s_addr != c->src4.s_addr || ip4_is_fragment(&h4) ||
	    ip6_parse(&p4, &h6, &p6) != IP6_OK || h6.nxt != IPPROTO_UDP ||
	    memcmp(&h6.dst, &dst6, sizeof(dst6)) != 0 ||
	    udp_parse(&p6, &u, &pu) != 0 || u.dport != c->port)
		return 0;
	return probe_payload_match(&pu, nonce);
}

static void
probe_timeout_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct probe	*p = arg;
	char		 why[96];

	(void)fd;
	(void)ev;
	if (!p->outstanding)
		return;
	p->outstanding = 0;
	p->st.timeouts++;
	snprintf(why, sizeof(why), "no probe packet back within %u ms",
	    p->cfg.timeout_ms);
	p->fn(p->arg, 0, why);
}

static void
probe_rx_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct probe	*p = arg;
	uint8_t		 buf[2048];
	ssize_t		 n;
	char		 why[64];

	(void)ev;
	while ((n = recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) >= 0) {
		if (!p->outstanding ||
		    !probe_match(&p->cfg, buf, (size_t)n, p->nonce)) {
			p->st.foreign++;
			continue;
		}
		p->outstanding = 0;
		evtimer_del(p->timeout_ev);
		p->st.ok++;
		p->st.last_rtt_ms = (uint32_t)(clock_mono_ms() - p->sent_ms);
		snprintf(why, sizeof(why), "probe through the relay ok");
		p->fn(p->arg, 1, why);
	}
}

/*
 * Send pkt as a frame on cfg.ifname, addressed to the interface's own
 * MAC.  Index and MAC are looked up for every probe: an interface that
 * was replaced is found again by name, as a restarted relay would.
 */
static ssize_t
probe_inject(struct probe *p, const uint8_t *pkt, size_t len)
{
	struct sockaddr_ll	sll;
	struct ifreq		ifr;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", p->cfg.ifname);
	if (ioctl(p->rxfd, SIOCGIFHWADDR, &ifr) == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	if ((sll.sll_ifindex = (int)if_nametoindex(p->cfg.ifname)) == 0)
		return -1;
	sll.sll_protocol = htons(ip_version(pkt, len) == 6 ? ETH_P_IPV6 :
	    ETH_P_IP);
	sll.sll_halen = ETH_ALEN;
	memcpy(sll.sll_addr, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	return sendto(p->pktfd, pkt, len, 0, (struct sockaddr *)&sll,
	    sizeof(sll));
}

static void
probe_tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct probe		*p = arg;
	uint8_t			 buf[256];
	struct sockaddr_in	 sin;
	struct sockaddr_in6	 sin6;
	struct timeval		 tv = { p->cfg.timeout_ms / 1000,
				    (p->cfg.timeout_ms % 1000) * 1000 };
	int			 len;
	ssize_t			 n;
	char			 why[96];

	(void)fd;
	(void)ev;
	if (p->outstanding)	/* timeout >= interval: that one failed */
		probe_timeout_cb(-1, 0, p);
	p->nonce++;
	if ((len = probe_build(&p->cfg, p->nonce, buf, sizeof(buf))) < 0)
		return;
	if (p->pktfd != -1)
		n = probe_inject(p, buf, (size_t)len);
	else if (p->cfg.mode == PROBE_4TO6 ||
	    p->cfg.mode == PROBE_TEREDO_C2N) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr = p->cfg.target4;
		if (p->cfg.mode == PROBE_TEREDO_C2N)
			sin.sin_port = htons(TEREDO_PORT);
		/*
		 * 4to6: on-link routes only (the one into the relay's TUN).
		 * Without its TUN route the probe would otherwise leave by
		 * the default route, cross another VM's relay and come back
		 * as a success (the flap bgpglue_failover caught).
		 */
		n = sendto(p->txfd, buf, (size_t)len,
		    p->cfg.mode == PROBE_4TO6 ? MSG_DONTROUTE : 0,
		    (struct sockaddr *)&sin, sizeof(sin));
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		if (p->cfg.mode == PROBE_TEREDO)
			probe_teredo_addr(p->cfg.src4, p->nonce,
			    &sin6.sin6_addr);
		else
			probe_6to4_addr(p->cfg.src4, &sin6.sin6_addr);
		sin6.sin6_port = htons(p->cfg.port);
		n = sendto(p->txfd, buf, (size_t)len, 0,
		    (struct sockaddr *)&sin6, sizeof(sin6));
	}
	p->st.sent++;
	if (n != len) {
		p->st.send_errors++;
		snprintf(why, sizeof(why), "probe send: %s",
		    n < 0 ? strerror(errno) : "short");
		p->fn(p->arg, 0, why);
		return;
	}
	p->outstanding = 1;
	p->sent_ms = clock_mono_ms();
	evtimer_add(p->timeout_ev, &tv);
}

/* A UDP socket of family af bound to addr:port (port in host order). */
static int
probe_udp_bound(int af, const void *addr, uint16_t port)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	int			fd, one = 1, rc;

	if ((fd = socket(af, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    0)) == -1)
		return -1;
	if (af == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		memcpy(&sin.sin_addr, addr, sizeof(sin.sin_addr));
		sin.sin_port = htons(port);
		rc = bind(fd, (struct sockaddr *)&sin, sizeof(sin));
	} else {
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		memcpy(&sin6.sin6_addr, addr, sizeof(sin6.sin6_addr));
		sin6.sin6_port = htons(port);
		rc = bind(fd, (struct sockaddr *)&sin6, sizeof(sin6));
	}
	if (rc == -1) {
		close(fd);
		return -1;
	}
	return fd;
}

static int
probe_sockets(struct probe *p)
{
	struct probe_cfg	*c = &p->cfg;
	struct sockaddr_in	 sin;
	socklen_t		 sl = sizeof(sin);

	switch (c->mode) {
	case PROBE_4TO6:
		/* Send: whole IPv4 packets.  Receive: the inner UDP. */
		p->txfd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
		p->rxfd = probe_udp_bound(AF_INET6, &c->ret6, c->port);
		break;
	case PROBE_TEREDO_C2N:
		/*
		 * Send: UDP from src4 to teredod; the port the kernel picks
		 * is the mapping in our Teredo address, and stays ours (the
		 * injected frames use it too).  Receive: the inner UDP.
		 */
		p->txfd = probe_udp_bound(AF_INET, &c->src4, 0);
		if (p->txfd == -1 || getsockname(p->txfd,
		    (struct sockaddr *)&sin, &sl) == -1)
			return -1;
		c->c2n_port = ntohs(sin.sin_port);
		p->rxfd = probe_udp_bound(AF_INET6, &c->ret6, c->port);
		break;
	case PROBE_6TO4:
	case PROBE_TEREDO:
		/*
		 * Send: native IPv6 UDP, from ret6 if set (the relay refuses
		 * odd sources).  Receive: protocol 41 addressed to us (6to4),
		 * or the bubble on src4:3544 (Teredo).
		 */
		p->txfd = probe_udp_bound(AF_INET6, &c->ret6, 0);
		if (c->mode == PROBE_TEREDO)
			p->rxfd = probe_udp_bound(AF_INET, &c->src4,
			    TEREDO_PORT);
		else
			p->rxfd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC |
			    SOCK_NONBLOCK, IPPROTO_6IN4);
		break;
	default:
		errno = EINVAL;
		return -1;
	}
	if (p->txfd == -1 || p->rxfd == -1)
		return -1;
	if (c->ifname[0] != '\0') {
		/* Protocol 0: it sends, and receives nothing. */
		p->pktfd = socket(AF_PACKET, SOCK_DGRAM | SOCK_CLOEXEC |
		    SOCK_NONBLOCK, 0);
		if (p->pktfd == -1 || setsockopt(p->pktfd, SOL_SOCKET, SO_MARK,
		    &c->mark, sizeof(c->mark)) == -1)
			return -1;
	}
	return 0;
}

struct probe *
probe_new(struct event_base *base, const struct probe_cfg *cfg,
    probe_fn fn, void *arg)
{
	struct probe	*p;
	int		 saved;

	if ((p = calloc(1, sizeof(*p))) == NULL)
		return NULL;
	p->base = base;
	p->cfg = *cfg;
	p->fn = fn;
	p->arg = arg;
	p->txfd = p->rxfd = p->pktfd = -1;
	if (getrandom(&p->nonce, sizeof(p->nonce), 0) != sizeof(p->nonce))
		p->nonce = clock_mono_ms();
	if (probe_sockets(p) == -1)
		goto fail;
	p->tick_ev = event_new(base, -1, EV_PERSIST, probe_tick_cb, p);
	p->rx_ev = event_new(base, p->rxfd, EV_READ | EV_PERSIST,
	    probe_rx_cb, p);
	p->timeout_ev = evtimer_new(base, probe_timeout_cb, p);
	if (p->tick_ev == NULL || p->rx_ev == NULL || p->timeout_ev == NULL) {
		errno = ENOMEM;
		goto fail;
	}
	return p;
fail:
	saved = errno;
	probe_free(p);
	errno = saved;
	return NULL;
}

void
probe_start(struct probe *p)
{
	struct timeval	tv = { p->cfg.interval_ms / 1000,
			    (p->cfg.interval_ms % 1000) * 1000 };

	event_add(p->rx_ev, NULL);
	event_add(p->tick_ev, &tv);
	probe_tick_cb(-1, 0, p);
}

void
probe_free(struct probe *p)
{
	if (p == NULL)
		return;
	if (p->tick_ev != NULL)
		event_free(p->tick_ev);
	if (p->rx_ev != NULL)
		event_free(p->rx_ev);
	if (p->timeout_ev != NULL)
		event_free(p->timeout_ev);
	if (p->txfd != -1)
		close(p->txfd);
	if (p->rxfd != -1)
		close(p->rxfd);
	if (p->pktfd != -1)
		close(p->pktfd);
	free(p);
}

const struct probe_stats *
probe_stats(const struct probe *p)
{
	return &p->st;
}
