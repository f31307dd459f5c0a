/*
 * sixtofour_host: a userspace 6to4 site router for tests (RFC 3056), since
 * the test kernel has no sit module.
 *
 *	sixtofour_host -4 V4ADDR [-i TUN] [-r RELAY] [-m MTU] [-v]
 *
 * fds: one TUN (IPv6 of the site: the script gives it 2002:V4ADDR::/48
 * addresses and routes ::/0 or 2000::/3 into it) and one raw IPv4 socket
 * of protocol 41, bound to V4ADDR, that both sends and receives.
 *
 *   TUN -> raw: each IPv6 packet goes inside IPv4 protocol 41 to the
 *	V4ADDR embedded in a 2002::/16 destination, else to RELAY
 *	(192.88.99.1 by default).  The kernel builds the outer header
 *	(source V4ADDR, from the bind).
 *   raw -> TUN: a protocol-41 packet to V4ADDR is unwrapped when its inner
 *	destination is in our 2002:V4ADDR::/48 and its inner source is
 *	either 2002:OUTERSRC::/48 (another 6to4 site, RFC 3056 5.2) or a
 *	native address sent by a relay from 192.88.99.0/24.
 *
 * Both directions work in batches (recvmmsg/sendmmsg on the raw socket,
 * reads until EAGAIN on the TUN).  Counters are printed on SIGUSR1 and at
 * exit.  Header parsing and the 6to4 mapping come from common/.
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "inet.h"
#include "pbuf.h"
#include "sixtofour.h"
#include "tun.h"

#define SITE_BATCH	64
#define SITE_PKT_MAX	2048

#define SITE_COUNTERS(X)						\
	X(SITE_TX_ENCAP, "tx_encapsulated")				\
	X(SITE_TX_TO_RELAY, "tx_to_relay")				\
	X(SITE_TX_TO_6TO4, "tx_to_6to4_site")				\
	X(SITE_RX_DECAP, "rx_decapsulated")				\
	X(SITE_DROP_TUN_NOT_V6, "drop_tun_not_ipv6")			\
	X(SITE_DROP_TUN_NOT_GLOBAL, "drop_tun_not_global")		\
	X(SITE_DROP_TUN_BOGON_DST, "drop_tun_bogon_v4_dst")		\
	X(SITE_DROP_TX_ERR, "drop_tx_error")				\
	X(SITE_DROP_RX_BAD_V4, "drop_rx_bad_ipv4")			\
	X(SITE_DROP_RX_NOT_OURS, "drop_rx_not_our_v4")			\
	X(SITE_DROP_RX_FRAGMENT, "drop_rx_fragment")			\
	X(SITE_DROP_RX_BAD_V6, "drop_rx_bad_ipv6")			\
	X(SITE_DROP_RX_DST, "drop_rx_dst_not_our_prefix")		\
	X(SITE_DROP_RX_SRC_MISMATCH, "drop_rx_src_v4_mismatch")		\
	X(SITE_DROP_RX_NOT_RELAY, "drop_rx_native_not_from_relay")	\
	X(SITE_DROP_TUN_WRITE, "drop_tun_write")

#define SITE_ENUM(id, name)	id,
#define SITE_NAME(id, name)	name,
enum site_counter { SITE_COUNTERS(SITE_ENUM) SITE_NCOUNTERS };
static const char *const site_counter_names[] = { SITE_COUNTERS(SITE_NAME) };

struct site {
	struct tun_dev		 tun;
	int			 raw;
	struct in_addr		 v4;		/* our V4ADDR */
	struct in_addr		 relay;		/* where native v6 goes */
	unsigned int		 mtu;
	int			 verbose;
	struct event_base	*base;
	uint64_t		 c[SITE_NCOUNTERS];
	/*
	 * Batch buffers, one per slot, shared by both directions (the
	 * callbacks never interleave); each direction has its own headers.
	 */
	uint8_t			 buf[SITE_BATCH][SITE_PKT_MAX];
	struct iovec		 tx_iov[SITE_BATCH];
	struct mmsghdr		 tx_msg[SITE_BATCH];
	struct sockaddr_in	 to[SITE_BATCH];
	struct iovec		 rx_iov[SITE_BATCH];
	struct mmsghdr		 rx_msg[SITE_BATCH];
};

static void	site_usage(void) __attribute__((noreturn));
static void	site_parse_opts(int, char **, struct site *, const char **);
static void	site_open(struct site *, const char *);
static int	site_encap_dst(struct site *, const uint8_t *, size_t,
		    struct in_addr *);
static void	site_tun_cb(evutil_socket_t, short, void *);
static int	site_decap_ok(struct site *, const uint8_t *, size_t,
		    struct pbuf *);
static void	site_raw_cb(evutil_socket_t, short, void *);
static void	site_dump(const struct site *);
static void	site_sig_cb(evutil_socket_t, short, void *);
static void	site_init_batches(struct site *);

static void
site_usage(void)
{
	fprintf(stderr, "usage: sixtofour_host -4 V4ADDR [-i TUN] "
	    "[-r RELAY] [-m MTU] [-v]\n");
	exit(2);
}

static void
site_parse_opts(int argc, char **argv, struct site *s, const char **ifname)
{
	int	ch, have4 = 0;

	s->relay.s_addr = htonl(SIXTOFOUR_ANYCAST);
	s->mtu = 1480;
	*ifname = "six0";
	while ((ch = getopt(argc, argv, "4:i:m:r:v")) != -1) {
		switch (ch) {
		case '4':
			if (inet_pton(AF_INET, optarg, &s->v4) != 1)
				site_usage();
			have4 = 1;
			break;
		case 'i':
			*ifname = optarg;
			break;
		case 'm':
			s->mtu = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'r':
			if (inet_pton(AF_INET, optarg, &s->relay) != 1)
				site_usage();
			break;
		case 'v':
			s->verbose = 1;
			break;
		default:
			site_usage();
		}
	}
	if (!have4 || s->mtu < IP6_MIN_MTU || s->mtu + IP4_HDR_LEN >
	    SITE_PKT_MAX)
		site_usage();
}

static void
site_open(struct site *s, const char *ifname)
{
	struct sockaddr_in	sin;
	int			rcvbuf = 4 << 20;

	if (tun_open(ifname, 0, &s->tun) == -1) {
		perror("sixtofour_host: tun_open");
		exit(1);
	}
	if (tun_configure(&s->tun, s->mtu, 1000) == -1) {
		perror("sixtofour_host: tun_configure");
		exit(1);
	}
	if ((s->raw = socket(AF_INET, SOCK_RAW | SOCK_NONBLOCK,
	    IPPROTO_6IN4)) == -1) {
		perror("sixtofour_host: raw socket");
		exit(1);
	}
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr = s->v4;
	/* The bind sets the outer source and filters what we receive. */
	if (bind(s->raw, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("sixtofour_host: bind V4ADDR");
		exit(1);
	}
	(void)setsockopt(s->raw, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf,
	    sizeof(rcvbuf));
}

/* Outer destination for an IPv6 packet read from the TUN; -1 to drop. */
static int
site_encap_dst(struct site *s, const uint8_t *pkt, size_t len,
    struct in_addr *dst)
{
	struct pbuf		p, payload;
	struct ip6_hdr_info	h;

	pbuf_init(&p, pkt, len);
	if (ip6_parse(&p, &h, &payload) != IP6_OK) {
		s->c[SITE_DROP_TUN_NOT_V6]++;
		return -1;
	}
	/*
	 * The kernel's own link-scope traffic on the TUN (MLD reports,
	 * router solicitations) never leaves the site.
	 */
	if (sixtofour_v6_insane(&h.dst) || sixtofour_v6_insane(&h.src)) {
		s->c[SITE_DROP_TUN_NOT_GLOBAL]++;
		return -1;
	}
	if (!sixtofour_is_6to4(&h.dst)) {
		*dst = s->relay;
		s->c[SITE_TX_TO_RELAY]++;
		return 0;
	}
	*dst = sixtofour_v4(&h.dst);
	if (sixtofour_v4_bogon(*dst, 0)) {
		s->c[SITE_DROP_TUN_BOGON_DST]++;
		return -1;
	}
	s->c[SITE_TX_TO_6TO4]++;
	return 0;
}

static void
site_tun_cb(evutil_socket_t fd, short what, void *arg)
{
	struct site	*s = arg;
	ssize_t		 r;
	int		 n = 0, sent, i;

	(void)what;
	for (;;) {
		while (n < SITE_BATCH) {
			r = read(fd, s->buf[n], SITE_PKT_MAX);
			if (r <= 0)
				break;
			if (site_encap_dst(s, s->buf[n], (size_t)r,
			    &s->to[n].sin_addr) == -1)
				continue;
			s->tx_iov[n].iov_len = (size_t)r;
			n++;
		}
		if (n == 0)
			return;
		sent = sendmmsg(s->raw, s->tx_msg, (unsigned int)n, 0);
		if (sent < 0)
			sent = 0;
		s->c[SITE_TX_ENCAP] += (uint64_t)sent;
		/* A packet the socket refuses is dropped, never retried. */
		for (i = sent; i < n; i++) {
			if (sendmsg(s->raw, &s->tx_msg[i].msg_hdr, 0) == -1)
				s->c[SITE_DROP_TX_ERR]++;
			else
				s->c[SITE_TX_ENCAP]++;
		}
		if (n < SITE_BATCH)
			return;
		n = 0;
	}
}

/* Checks on one received protocol-41 packet; inner is the IPv6 packet. */
static int
site_decap_ok(struct site *s, const uint8_t *pkt, size_t len,
    struct pbuf *inner)
{
	struct pbuf		p, payload;
	struct ip4_hdr		h4;
	struct ip6_hdr_info	h6;
	struct in6_addr		ours;

	pbuf_init(&p, pkt, len);
	if (ip4_parse(&p, &h4, inner) != IP4_OK ||
	    h4.proto != IPPROTO_6IN4) {
		s->c[SITE_DROP_RX_BAD_V4]++;
		return -1;
	}
	if (h4.dst.s_addr != s->v4.s_addr) {
		s->c[SITE_DROP_RX_NOT_OURS]++;
		return -1;
	}
	if (ip4_is_fragment(&h4)) {
		s->c[SITE_DROP_RX_FRAGMENT]++;
		return -1;
	}
	if (ip6_parse(inner, &h6, &payload) != IP6_OK) {
		s->c[SITE_DROP_RX_BAD_V6]++;
		return -1;
	}
	sixtofour_prefix(s->v4, &ours);
	if (memcmp(&h6.dst, &ours, 6) != 0) {
		s->c[SITE_DROP_RX_DST]++;
		return -1;
	}
	if (sixtofour_is_6to4(&h6.src)) {
		if (sixtofour_v4(&h6.src).s_addr != h4.src.s_addr) {
			s->c[SITE_DROP_RX_SRC_MISMATCH]++;
			return -1;
		}
	} else if (!sixtofour_v4_is_anycast24(h4.src)) {
		s->c[SITE_DROP_RX_NOT_RELAY]++;
		return -1;
	}
	return 0;
}

static void
site_raw_cb(evutil_socket_t fd, short what, void *arg)
{
	struct site	*s = arg;
	struct pbuf	 inner;
	int		 n, i;

	(void)what;
	do {
		n = recvmmsg(fd, s->rx_msg, SITE_BATCH, MSG_DONTWAIT, NULL);
		for (i = 0; i < n; i++) {
			if (site_decap_ok(s, s->buf[i], s->rx_msg[i].msg_len,
			    &inner) == -1)
				continue;
			if (write(s->tun.fd, inner.p, pbuf_left(&inner)) ==
			    -1)
				s->c[SITE_DROP_TUN_WRITE]++;
			else
				s->c[SITE_RX_DECAP]++;
		}
	} while (n == SITE_BATCH);
}

static void
site_dump(const struct site *s)
{
	size_t	i;

	for (i = 0; i < SITE_NCOUNTERS; i++)
		fprintf(stderr, "%s %llu\n", site_counter_names[i],
		    (unsigned long long)s->c[i]);
}

static void
site_sig_cb(evutil_socket_t sig, short what, void *arg)
{
	struct site	*s = arg;

	(void)what;
	if (sig == SIGUSR1)
		site_dump(s);
	else
		event_base_loopbreak(s->base);
}

static void
site_init_batches(struct site *s)
{
	int	i;

	for (i = 0; i < SITE_BATCH; i++) {
		s->tx_iov[i].iov_base = s->buf[i];
		s->tx_msg[i].msg_hdr.msg_iov = &s->tx_iov[i];
		s->tx_msg[i].msg_hdr.msg_iovlen = 1;
		s->tx_msg[i].msg_hdr.msg_name = &s->to[i];
		s->tx_msg[i].msg_hdr.msg_namelen = sizeof(s->to[i]);
		s->to[i].sin_family = AF_INET;
		s->rx_iov[i].iov_base = s->buf[i];
		s->rx_iov[i].iov_len = SITE_PKT_MAX;
		s->rx_msg[i].msg_hdr.msg_iov = &s->rx_iov[i];
		s->rx_msg[i].msg_hdr.msg_iovlen = 1;
	}
}

int
main(int argc, char **argv)
{
	static struct site	 site;
	struct site		*s = &site;
	struct event_base	*base;
	struct event		*ev_tun, *ev_raw, *ev_int, *ev_term, *ev_usr1;
	const char		*ifname;

	site_parse_opts(argc, argv, s, &ifname);
	site_open(s, ifname);
	site_init_batches(s);
	if ((base = event_base_new()) == NULL)
		return 1;
	s->base = base;
	ev_tun = event_new(base, s->tun.fd, EV_READ | EV_PERSIST, site_tun_cb,
	    s);
	ev_raw = event_new(base, s->raw, EV_READ | EV_PERSIST, site_raw_cb,
	    s);
	ev_int = evsignal_new(base, SIGINT, site_sig_cb, s);
	ev_term = evsignal_new(base, SIGTERM, site_sig_cb, s);
	ev_usr1 = evsignal_new(base, SIGUSR1, site_sig_cb, s);
	if (ev_tun == NULL || ev_raw == NULL || ev_int == NULL ||
	    ev_term == NULL || ev_usr1 == NULL)
		return 1;
	event_add(ev_tun, NULL);
	event_add(ev_raw, NULL);
	event_add(ev_int, NULL);
	event_add(ev_term, NULL);
	event_add(ev_usr1, NULL);
	fprintf(stderr, "sixtofour_host: %s up, V4ADDR %s\n", s->tun.name,
	    inet_ntoa(s->v4));
	event_base_dispatch(base);
	site_dump(s);
	event_free(ev_usr1);
	event_free(ev_term);
	event_free(ev_int);
	event_free(ev_raw);
	event_free(ev_tun);
	event_base_free(base);
	tun_close(&s->tun);
	close(s->raw);
	return 0;
}
