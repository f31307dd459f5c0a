/*
 * teredo_gen: bench traffic from a (fake) Teredo client to a relay.  It
 * prebuilds a ring of UDP payloads, each an IPv6/UDP packet from the
 * client's Teredo address (whose mapping is the socket's own address and
 * port, so a relay accepts it) to a native host, and pushes them with
 * sendmmsg from one UDP socket, pinned to one CPU, for a fixed duration.
 * Nothing is built in the send loop (lab-notes.md section 6).
 *
 *	teredo_gen -b SRC4:PORT -r RELAY4:PORT -s SERVER4 -d DST6
 *	    [-l BYTES] [-t SECONDS] [-p PPS] [-f FLOWS] [-F FLAGS] [-C CPU] [-R]
 *	    [-i IF -m DSTMAC]
 *
 * -l is the size of the IPv6 packet (40-byte header included); -f varies
 * the inner UDP source port over FLOWS values; -F sets the address's
 * flags word (RFC 5991 random bits: another address, same mapping).  -R
 * sends through a raw IPv4 socket with the IPv4+UDP headers and the UDP
 * checksum prebuilt, as a remote sender's datagrams arrive: a UDP
 * socket over a veth leaves the checksum to offload, which a receiver
 * then does not verify.  -i/-m (implies -R) hands the same datagrams to
 * IF's driver through pktout (common/pktout.h: an AF_PACKET TX ring, one
 * send per batch, qdisc bypass), addressed to DSTMAC: the cheapest way
 * out of the generator's namespace, so that a fast relay is not held by
 * its generator.  Prints one line "sent N pkts in S s = R pps".
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inet.h"
#include "pbuf.h"
#include "pktout.h"
#include "teredo.h"

#define GEN_BATCH	64
#define GEN_RING	256
#define GEN_MAX		1500
#define GEN_HDR		(IP4_HDR_LEN + UDP_HDR_LEN)	/* -R */

struct gen_opts {
	struct sockaddr_in	 src, relay;
	struct in_addr		 server;
	struct in6_addr		 dst6;
	size_t			 len;
	double			 seconds;
	uint64_t		 pps;
	unsigned int		 flows;
	uint16_t		 flags;
	int			 cpu;
	int			 raw;
	char			 ifname[IF_NAMESIZE];	/* -i: AF_PACKET */
	uint8_t			 dmac[6];
	int			 has_mac;
};

static uint8_t	ring[GEN_RING][GEN_HDR + GEN_MAX];

static void
usage(void)
{
	fprintf(stderr, "usage: teredo_gen -b SRC4:PORT -r RELAY4:PORT "
	    "-s SERVER4 -d DST6 [-l BYTES] [-t SECONDS] [-p PPS] [-f FLOWS] "
	    "[-F FLAGS] [-C CPU] [-R] [-i IF -m DSTMAC]\n");
	exit(2);
}

static int
parse_ep(const char *s, struct sockaddr_in *sin)
{
	char	buf[64], *c;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((c = strchr(buf, ':')) == NULL)
		return -1;
	*c++ = '\0';
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons((uint16_t)atoi(c));
	return inet_pton(AF_INET, buf, &sin->sin_addr) == 1 ? 0 : -1;
}

static void
gen_opts(int argc, char **argv, struct gen_opts *o)
{
	int	ch;

	memset(o, 0, sizeof(*o));
	o->len = 100;
	o->seconds = 4;
	o->flows = 64;
	o->cpu = -1;
	while ((ch = getopt(argc, argv, "b:r:s:d:l:t:p:f:F:C:Ri:m:")) != -1) {
		switch (ch) {
		case 'b': if (parse_ep(optarg, &o->src)) usage(); break;
		case 'r': if (parse_ep(optarg, &o->relay)) usage(); break;
		case 's': if (inet_pton(AF_INET, optarg, &o->server) != 1)
				usage();
			  break;
		case 'd': if (inet_pton(AF_INET6, optarg, &o->dst6) != 1)
				usage();
			  break;
		case 'l': o->len = strtoul(optarg, NULL, 10); break;
		case 't': o->seconds = atof(optarg); break;
		case 'p': o->pps = strtoull(optarg, NULL, 10); break;
		case 'f': o->flows = (unsigned int)atoi(optarg); break;
		case 'F': o->flags = (uint16_t)strtoul(optarg, NULL, 0); break;
		case 'C': o->cpu = atoi(optarg); break;
		case 'R': o->raw = 1; break;
		case 'i': if (strlen(optarg) >= sizeof(o->ifname)) usage();
			  strcpy(o->ifname, optarg);
			  o->raw = 1;
			  break;
		case 'm': if (sscanf(optarg, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx",
			      &o->dmac[0], &o->dmac[1], &o->dmac[2],
			      &o->dmac[3], &o->dmac[4], &o->dmac[5]) != 6)
				usage();
			  o->has_mac = 1;
			  break;
		default: usage();
		}
	}
	if ((o->ifname[0] != '\0') != o->has_mac)
		usage();
	if (o->src.sin_port == 0 || o->relay.sin_port == 0 ||
	    o->len < IP6_HDR_LEN + UDP_HDR_LEN || o->len > GEN_MAX ||
	    o->flows == 0)
		usage();
}

/* -R: the IPv4+UDP header of ring entry i, checksum computed. */
static void
gen_envelope(const struct gen_opts *o, uint8_t *e, unsigned int i)
{
	struct ip4_hdr	ip;
	struct udp_hdr	u;
	struct wbuf	w;

	memset(&ip, 0, sizeof(ip));
	ip.total_len = (uint16_t)(GEN_HDR + o->len);
	ip.id = (uint16_t)(i + 1);
	ip.ttl = 64;
	ip.proto = IPPROTO_UDP;
	ip.src = o->src.sin_addr;
	ip.dst = o->relay.sin_addr;
	ip4_write(e, &ip);
	u.sport = ntohs(o->src.sin_port);
	u.dport = ntohs(o->relay.sin_port);
	u.len = (uint16_t)(UDP_HDR_LEN + o->len);
	u.csum = 0;
	wbuf_init(&w, e + IP4_HDR_LEN, UDP_HDR_LEN);
	(void)udp_build(&w, &u);
	wbuf_set_n16(e + IP4_HDR_LEN + 6, inet_csum4(ip.src, ip.dst,
	    IPPROTO_UDP, e + IP4_HDR_LEN, u.len));
}

static void
gen_build(const struct gen_opts *o)
{
	struct teredo_addr	ta;
	struct ip6_hdr_info	h;
	struct wbuf		w;
	uint8_t			*udp;
	unsigned int		i;

	ta.server = o->server;
	ta.flags = o->flags;
	ta.port = ntohs(o->src.sin_port);
	ta.client = o->src.sin_addr;
	memset(&h, 0, sizeof(h));
	teredo_addr_encode(&ta, &h.src);
	h.dst = o->dst6;
	h.nxt = IPPROTO_UDP;
	h.hlim = 64;
	h.plen = (uint16_t)(o->len - IP6_HDR_LEN);
	for (i = 0; i < GEN_RING; i++) {
		wbuf_init(&w, ring[i] + GEN_HDR, GEN_MAX);
		ip6_build(&w, &h);
		udp = ring[i] + GEN_HDR + w.len;
		wbuf_put_n16(&w, (uint16_t)(10000 + i % o->flows));
		wbuf_put_n16(&w, 9);
		wbuf_put_n16(&w, h.plen);
		wbuf_put_n16(&w, 0);
		wbuf_put_zero(&w, o->len - w.len);
		wbuf_set_n16(udp + 6, inet_csum6(&h.src, &h.dst, IPPROTO_UDP,
		    udp, h.plen));
		if (o->raw)
			gen_envelope(o, ring[i], i);
	}
}

/* -i: pktout on IF; *ll addresses the frames to DSTMAC. */
static int
gen_packet_open(const struct gen_opts *o, struct pktout *po,
    struct sockaddr_ll *ll)
{
	memset(ll, 0, sizeof(*ll));
	ll->sll_family = AF_PACKET;
	ll->sll_protocol = htons(ETH_P_IP);
	ll->sll_ifindex = (int)if_nametoindex(o->ifname);
	ll->sll_halen = 6;
	memcpy(ll->sll_addr, o->dmac, 6);
	if (ll->sll_ifindex == 0)
		return -1;
	return pktout_open(po, o->ifname, NULL, NULL);
}

/* One batch through pktout: how many went, -1 on a hard error. */
static int
gen_packet_send(struct pktout *po, const struct sockaddr_ll *ll,
    const struct gen_opts *o, uint64_t k)
{
	static struct pktout_msg	m[GEN_BATCH];
	size_t				i, n;
	int				err;

	for (i = 0; i < GEN_BATCH; i++, k++) {
		m[i].sll = *ll;
		m[i].iov.iov_base = ring[k % GEN_RING];
		m[i].iov.iov_len = o->len + GEN_HDR;
		m[i].mm.msg_hdr.msg_name = &m[i].sll;
		m[i].mm.msg_hdr.msg_namelen = sizeof(m[i].sll);
		m[i].mm.msg_hdr.msg_iov = &m[i].iov;
		m[i].mm.msg_hdr.msg_iovlen = 1;
	}
	n = pktout_send(po, m, GEN_BATCH, &err);
	if (n < GEN_BATCH && err != ENOBUFS && err != EAGAIN && err != EINTR)
		return n > 0 ? (int)n : -1;
	return (int)n;
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* -p: wait while ahead of the rate; the time now. */
static double
gen_pace(const struct gen_opts *o, uint64_t sent, double t0)
{
	double	t = now_s();

	while (o->pps > 0 && (double)sent > (t - t0) * (double)o->pps &&
	    t - t0 < o->seconds) {
		usleep(200);
		t = now_s();
	}
	return t;
}

int
main(int argc, char **argv)
{
	struct gen_opts	 o;
	struct mmsghdr	 msg[GEN_BATCH];
	struct iovec	 iov[GEN_BATCH];
	struct sockaddr_ll ll;
	struct pktout	 po;
	cpu_set_t	 set;
	uint64_t	 sent = 0, k = 0;
	double		 t0, t;
	int		 fd, i, n, buf = 4 << 20;

	gen_opts(argc, argv, &o);
	if (o.cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		(void)sched_setaffinity(0, sizeof(set), &set);
	}
	gen_build(&o);
	if (o.ifname[0] != '\0') {
		if (gen_packet_open(&o, &po, &ll) == -1) {
			perror("teredo_gen: pktout");
			return 1;
		}
		t0 = t = now_s();
		while (t - t0 < o.seconds) {
			if ((n = gen_packet_send(&po, &ll, &o, k)) < 0)
				break;
			sent += (uint64_t)n;
			k += (uint64_t)n;
			t = gen_pace(&o, sent, t0);
		}
		printf("sent %llu pkts in %.2f s = %.0f pps\n",
		    (unsigned long long)sent, t - t0, (double)sent / (t - t0));
		pktout_close(&po);
		return 0;
	}
	if (o.raw)
		fd = socket(AF_INET, SOCK_RAW, IPPROTO_RAW);
	else
		fd = socket(AF_INET, SOCK_DGRAM, 0);
	if (fd == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &buf, sizeof(buf)) ||
	    (!o.raw && bind(fd, (struct sockaddr *)&o.src,
	    sizeof(o.src)) == -1) ||
	    connect(fd, (struct sockaddr *)&o.relay, sizeof(o.relay)) == -1) {
		perror("teredo_gen: socket");
		return 1;
	}
	memset(msg, 0, sizeof(msg));
	t0 = t = now_s();
	while (t - t0 < o.seconds) {
		for (i = 0; i < GEN_BATCH; i++, k++) {
			iov[i].iov_base = ring[k % GEN_RING] +
			    (o.raw ? 0 : GEN_HDR);
			iov[i].iov_len = o.len + (o.raw ? GEN_HDR : 0);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		if ((n = sendmmsg(fd, msg, GEN_BATCH, 0)) > 0)
			sent += (uint64_t)n;
		else if (errno != ENOBUFS && errno != EAGAIN && errno != EINTR &&
		    errno != ECONNREFUSED)
			break;
		t = gen_pace(&o, sent, t0);
	}
	printf("sent %llu pkts in %.2f s = %.0f pps\n",
	    (unsigned long long)sent, t - t0, (double)sent / (t - t0));
	return 0;
}
