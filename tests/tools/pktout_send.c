/*
 * pktout_send: drives common/pktout.c on a real interface for the netns
 * test (tests/netns/pktout_nexthop.sh).  Each line read on stdin is one
 * round: pktout_refresh, then N crafted IPv4/UDP and N IPv6/UDP packets
 * through pktout_prepare/pktout_send; what prepare gives back to the
 * kernel goes out on a raw socket (IPPROTO_RAW: the kernel routes it and
 * resolves the neighbour), as a relay's TUN write would.  A line that is
 * a number sets the packet size from that round on.  A line "bigiov"
 * makes the second packet pktout prepared longer than the MTU after
 * prepare (EMSGSIZE), "badif" gives it a nonexistent ifindex (ENXIO): the
 * kernel refuses it, pktout_send stops there, the tool sends it the
 * kernel's way and goes on from the next one.  EOF ends it.
 *
 *	pktout_send -i IF [-4 SRC,DST] [-6 SRC,DST] [-G GW4] [-H GW6]
 *	    [-n N] [-s BYTES] [-d PORT] [-x HEXFILE]
 *
 * -G/-H configure the gateway instead of following the default route.
 * -s is the IP packet size.  Per round and family one line:
 *   round=R fam=4 gw=... mac=... state=REACHABLE usable=1 pktout=4
 *   kernel=1 too_big=0 send_errors=0 send_err=- kernel_errors=0
 * (gw=none when there is no gateway), then "ready" once the round is
 * over.  -x appends every packet sent, "pktout|kernel HEX" per line.
 */
#include <sys/socket.h>

#include <arpa/inet.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inet.h"
#include "log.h"
#include "pbuf.h"
#include "pktout.h"

#define SEND_MAX	64
#define SEND_PKT_MAX	9000

struct send_opts {
	const char	*ifname;
	int		 v4, v6;
	struct in_addr	 src4, dst4, gw4;
	struct in6_addr	 src6, dst6, gw6;
	int		 has_gw4, has_gw6;
	unsigned int	 n;
	size_t		 size;
	uint16_t	 dport;
	FILE		*hex;
};

struct send_count {
	unsigned int	pktout, kernel, too_big, send_errors, kernel_errors;
	int		send_err;
};

static uint8_t	send_pkts[SEND_MAX][SEND_PKT_MAX];
static int	send_raw4 = -1, send_raw6 = -1;

static __attribute__((noreturn)) void
send_usage(void)
{
	fprintf(stderr, "usage: pktout_send -i IF [-4 SRC,DST] [-6 SRC,DST] "
	    "[-G GW4] [-H GW6] [-n N] [-s BYTES] [-d PORT] [-x HEXFILE]\n");
	exit(2);
}

static void
send_pair(int family, char *arg, void *src, void *dst)
{
	char	*comma = strchr(arg, ',');

	if (comma == NULL)
		send_usage();
	*comma = '\0';
	if (inet_pton(family, arg, src) != 1 ||
	    inet_pton(family, comma + 1, dst) != 1)
		send_usage();
}

/* One UDP packet of o->size bytes; the payload says round/family/index. */
static size_t
send_craft(const struct send_opts *o, int family, unsigned int round,
    unsigned int i, uint8_t *pkt)
{
	struct wbuf		w;
	struct ip4_hdr		h4;
	struct ip6_hdr_info	h6;
	struct udp_hdr		u;
	size_t			hlen = family == AF_INET ? 20 : 40, k;
	uint8_t			*udp = pkt + hlen;
	uint16_t		ulen = (uint16_t)(o->size - hlen);

	wbuf_init(&w, pkt, o->size);
	if (family == AF_INET) {
		memset(&h4, 0, sizeof(h4));
		h4.total_len = (uint16_t)o->size;
		h4.id = (uint16_t)(round << 8 | i);
		h4.id = h4.id == 0 ? 1 : h4.id;	/* the kernel fills 0 */
		h4.ttl = 64;
		h4.proto = IPPROTO_UDP;
		h4.src = o->src4;
		h4.dst = o->dst4;
		ip4_build(&w, &h4);
	} else {
		memset(&h6, 0, sizeof(h6));
		h6.plen = ulen;
		h6.nxt = IPPROTO_UDP;
		h6.hlim = 64;
		h6.src = o->src6;
		h6.dst = o->dst6;
		ip6_build(&w, &h6);
	}
	memset(&u, 0, sizeof(u));
	u.sport = 40000;
	u.dport = o->dport;
	u.len = ulen;
	udp_build(&w, &u);
	wbuf_put(&w, "PKTOUT", 6);
	wbuf_put_n32(&w, round);
	wbuf_put_n8(&w, (uint8_t)(family == AF_INET ? 4 : 6));
	wbuf_put_n32(&w, i);
	for (k = w.len; k < o->size; k++)
		wbuf_put_n8(&w, (uint8_t)(k * 7 + i));
	if (!wbuf_ok(&w) || w.len != o->size) {
		fprintf(stderr, "pktout_send: -s %zu too small\n", o->size);
		exit(2);
	}
	if (family == AF_INET)
		u.csum = inet_csum4(o->src4, o->dst4, IPPROTO_UDP, udp, ulen);
	else
		u.csum = inet_csum6(&o->src6, &o->dst6, IPPROTO_UDP, udp,
		    ulen);
	u.csum = u.csum == 0 ? 0xffff : u.csum;
	wbuf_set_n16(udp + 6, u.csum);
	return o->size;
}

static void
send_hex(const struct send_opts *o, const char *path, const uint8_t *pkt,
    size_t len)
{
	size_t	i;

	if (o->hex == NULL)
		return;
	fprintf(o->hex, "%s ", path);
	for (i = 0; i < len; i++)
		fprintf(o->hex, "%02x", pkt[i]);
	fprintf(o->hex, "\n");
	fflush(o->hex);
}

/* The kernel path: a raw socket, routed and resolved by the kernel. */
static void
send_kernel(const struct send_opts *o, int family, const uint8_t *pkt,
    size_t len, struct send_count *c)
{
	struct sockaddr_in	sin;
	struct sockaddr_in6	sin6;
	ssize_t			r;

	c->kernel++;
	if (family == AF_INET) {
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		sin.sin_addr = o->dst4;
		r = sendto(send_raw4, pkt, len, 0, (struct sockaddr *)&sin,
		    sizeof(sin));
	} else {
		memset(&sin6, 0, sizeof(sin6));
		sin6.sin6_family = AF_INET6;
		sin6.sin6_addr = o->dst6;
		r = sendto(send_raw6, pkt, len, 0, (struct sockaddr *)&sin6,
		    sizeof(sin6));
	}
	if (r != (ssize_t)len)
		c->kernel_errors++;
	else
		send_hex(o, "kernel", pkt, len);
}

static void
send_family(struct pktout *po, const struct send_opts *o, int family,
    unsigned int round, const char *bad)
{
	struct pktout_msg	m[SEND_MAX];
	struct send_count	c;
	const struct nexthop	*nh = family == AF_INET ? &po->nh4 : &po->nh6;
	size_t			len[SEND_MAX], n = 0, at = 0, sent;
	uint64_t		too_big = po->stats.too_big;
	unsigned int		i;
	char			gw[INET6_ADDRSTRLEN];
	int			err;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < o->n; i++) {
		len[i] = send_craft(o, family, round, i, send_pkts[i]);
		if (pktout_prepare(po, &m[n], send_pkts[i], len[i])) {
			m[n++].cookie = i;
			continue;
		}
		send_kernel(o, family, send_pkts[i], len[i], &c);
	}
	if (strncmp(bad, "bigiov", 6) == 0 && n >= 2)
		m[1].iov.iov_len = po->mtu + 100;
	if (strncmp(bad, "badif", 5) == 0 && n >= 2)
		m[1].sll.sll_ifindex = 0x7fffffff;
	while (at < n) {
		sent = pktout_send(po, m + at, n - at, &err);
		for (i = 0; i < sent; i++)
			send_hex(o, "pktout", send_pkts[m[at + i].cookie],
			    len[m[at + i].cookie]);
		c.pktout += (unsigned int)sent;
		at += sent;
		if (at < n) {
			c.send_errors++;
			c.send_err = err;
			send_kernel(o, family, send_pkts[m[at].cookie],
			    len[m[at].cookie], &c);
			at++;
		}
	}
	c.too_big = (unsigned int)(po->stats.too_big - too_big);
	if (nh->gw_known)
		inet_ntop(family, nh->gw, gw, sizeof(gw));
	else
		strcpy(gw, "none");
	printf("round=%u fam=%d mtu=%u gw=%s mac=%02x:%02x:%02x:%02x:%02x:%02x "
	    "state=%s usable=%d pktout=%u kernel=%u too_big=%u send_errors=%u "
	    "send_err=%s kernel_errors=%u refresh_errors=%llu\n", round,
	    family == AF_INET ? 4 : 6, po->mtu, gw, nh->mac[0], nh->mac[1], nh->mac[2],
	    nh->mac[3], nh->mac[4], nh->mac[5],
	    nexthop_state_name(nh->nud_state), nh->usable, c.pktout, c.kernel,
	    c.too_big, c.send_errors,
	    c.send_err == 0 ? "-" : strerrorname_np(c.send_err),
	    c.kernel_errors,
	    (unsigned long long)nh->stats.refresh_errors);
}

static void
send_options(int argc, char **argv, struct send_opts *o)
{
	int	ch;

	memset(o, 0, sizeof(*o));
	o->n = 5;
	o->size = 100;
	o->dport = 5555;
	while ((ch = getopt(argc, argv, "i:4:6:G:H:n:s:d:x:")) != -1) {
		switch (ch) {
		case 'i': o->ifname = optarg; break;
		case '4':
			send_pair(AF_INET, optarg, &o->src4, &o->dst4);
			o->v4 = 1;
			break;
		case '6':
			send_pair(AF_INET6, optarg, &o->src6, &o->dst6);
			o->v6 = 1;
			break;
		case 'G':
			if (inet_pton(AF_INET, optarg, &o->gw4) != 1)
				send_usage();
			o->has_gw4 = 1;
			break;
		case 'H':
			if (inet_pton(AF_INET6, optarg, &o->gw6) != 1)
				send_usage();
			o->has_gw6 = 1;
			break;
		case 'n': o->n = (unsigned int)strtoul(optarg, NULL, 10); break;
		case 's': o->size = strtoul(optarg, NULL, 10); break;
		case 'd': o->dport = (uint16_t)strtoul(optarg, NULL, 10); break;
		case 'x':
			if ((o->hex = fopen(optarg, "a")) == NULL) {
				perror(optarg);
				exit(1);
			}
			break;
		default: send_usage();
		}
	}
	if (o->ifname == NULL || o->n == 0 || o->n > SEND_MAX ||
	    o->size < 48 + 15 || o->size > SEND_PKT_MAX)
		send_usage();
}

int
main(int argc, char **argv)
{
	struct send_opts	o;
	struct pktout		po;
	char			line[64];
	unsigned int		round = 0;

	send_options(argc, argv, &o);
	log_init("pktout_send", 1, 0);
	setvbuf(stdout, NULL, _IOLBF, 0);
	send_raw4 = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	send_raw6 = socket(AF_INET6, SOCK_RAW, IPPROTO_RAW);
	if (send_raw4 == -1 || send_raw6 == -1) {
		perror("raw socket");
		return 1;
	}
	if (pktout_open(&po, o.ifname, o.has_gw4 ? &o.gw4 : NULL,
	    o.has_gw6 ? &o.gw6 : NULL) == -1) {
		perror("pktout_open");
		return 1;
	}
	printf("open mtu=%u ifindex=%u\n", po.mtu, po.ifindex);
	/* pktout_open ran the first refresh; later rounds run their own. */
	while (fgets(line, sizeof(line), stdin) != NULL) {
		if (++round > 1)
			pktout_refresh(&po);
		if (strtoul(line, NULL, 10) >= 48 + 15 &&
		    strtoul(line, NULL, 10) <= SEND_PKT_MAX)
			o.size = strtoul(line, NULL, 10);
		if (o.v4)
			send_family(&po, &o, AF_INET, round, line);
		if (o.v6)
			send_family(&po, &o, AF_INET6, round, line);
		printf("ready\n");
	}
	printf("total sent=%llu kernel_path=%llu too_big=%llu "
	    "send_errors=%llu syscalls=%llu kicks4=%llu kicks6=%llu\n",
	    (unsigned long long)po.stats.sent,
	    (unsigned long long)po.stats.kernel_path,
	    (unsigned long long)po.stats.too_big,
	    (unsigned long long)po.stats.send_errors,
	    (unsigned long long)po.stats.syscalls,
	    (unsigned long long)po.nh4.stats.kicks,
	    (unsigned long long)po.nh6.stats.kicks);
	pktout_close(&po);
	return 0;
}
