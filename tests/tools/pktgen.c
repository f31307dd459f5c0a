/*
 * pktgen: a bench traffic generator.  It prebuilds a ring of Ethernet
 * frames (IPv6/UDP, or the same IPv6/UDP packet inside IPv4 protocol 41)
 * and pushes them out of one interface with sendmmsg on an AF_PACKET
 * socket, pinned to one CPU, for a fixed duration.  Nothing is built or
 * checksummed in the send loop: the generator must measure the device
 * under test, not itself (lab-notes.md section 6).
 *
 *	pktgen -i IF -d DSTMAC -6 SRC6,DST6 [-4 SRC4,DST4] [-s BYTES]
 *	    [-t SECONDS] [-r PPS] [-f FLOWS] [-C CPU] [-T]
 *
 * -s is the size of the IPv6 packet (40-byte header included); with -4
 * the frame carries it behind a 20-byte IPv4 header.  -f varies the UDP
 * source port over FLOWS values.  -r paces to about PPS (0 = as fast as
 * possible).  -T sends through pktout's TX ring (common/pktout.h: one
 * send per batch, no per-message msghdr) instead of sendmmsg: it offers
 * more packets per second of the generator's core.  Prints one line
 * "sent N pkts in S s = R pps".
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "inet.h"
#include "pbuf.h"
#include "pktout.h"

#define PKTGEN_BATCH	64
#define PKTGEN_FRAMES	256	/* ring size; flows repeat across it */
#define PKTGEN_FRAME_MAX 2048
#define PKTGEN_UDP_DPORT 9	/* discard */

struct pktgen_opts {
	const char	*ifname;
	uint8_t		 dmac[ETH_ALEN];
	uint8_t		 smac[ETH_ALEN];
	struct in6_addr	 src6, dst6;
	struct in_addr	 src4, dst4;
	int		 encap4;
	size_t		 size;
	double		 seconds;
	uint64_t	 pps;
	unsigned int	 flows;
	int		 cpu;
	int		 txring;	/* -T */
};

struct pktgen_ring {
	uint8_t		 frames[PKTGEN_FRAMES][PKTGEN_FRAME_MAX];
	size_t		 len;
};

static volatile sig_atomic_t pktgen_stop;

static void	pktgen_usage(void) __attribute__((noreturn));
static void	pktgen_onsig(int);
static int	pktgen_parse_mac(const char *, uint8_t *);
static int	pktgen_parse_pair(const char *, int, void *, void *);
static void	pktgen_parse_opts(int, char **, struct pktgen_opts *);
static int	pktgen_build(const struct pktgen_opts *, uint16_t, uint8_t *,
		    size_t *);
static int	pktgen_open(struct pktgen_opts *);
static double	pktgen_now(void);
static double	pktgen_pace(const struct pktgen_opts *, uint64_t, double);
static uint64_t	pktgen_run(int, const struct pktgen_opts *,
		    const struct pktgen_ring *, double *);
static uint64_t	pktgen_run_ring(const struct pktgen_opts *,
		    const struct pktgen_ring *, double *);

static void
pktgen_usage(void)
{
	fprintf(stderr, "usage: pktgen -i IF -d DSTMAC -6 SRC6,DST6 "
	    "[-4 SRC4,DST4] [-s BYTES] [-t SECONDS] [-r PPS] [-f FLOWS] "
	    "[-C CPU] [-T]\n");
	exit(2);
}

static void
pktgen_onsig(int sig)
{
	(void)sig;
	pktgen_stop = 1;
}

static int
pktgen_parse_mac(const char *s, uint8_t *mac)
{
	unsigned int	b[ETH_ALEN];
	int		i;

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3],
	    &b[4], &b[5]) != ETH_ALEN)
		return -1;
	for (i = 0; i < ETH_ALEN; i++) {
		if (b[i] > 0xff)
			return -1;
		mac[i] = (uint8_t)b[i];
	}
	return 0;
}

/* "A,B" into two addresses of family af. */
static int
pktgen_parse_pair(const char *s, int af, void *a, void *b)
{
	char	buf[128], *comma;

	if (strlen(s) >= sizeof(buf))
		return -1;
	strcpy(buf, s);
	if ((comma = strchr(buf, ',')) == NULL)
		return -1;
	*comma = '\0';
	if (inet_pton(af, buf, a) != 1 || inet_pton(af, comma + 1, b) != 1)
		return -1;
	return 0;
}

static void
pktgen_parse_opts(int argc, char **argv, struct pktgen_opts *o)
{
	int	ch, have6 = 0, havemac = 0;

	memset(o, 0, sizeof(*o));
	o->size = 100;
	o->seconds = 5;
	o->flows = 1;
	o->cpu = -1;
	while ((ch = getopt(argc, argv, "4:6:C:d:f:i:r:s:t:T")) != -1) {
		switch (ch) {
		case 'T':
			o->txring = 1;
			break;
		case '4':
			if (pktgen_parse_pair(optarg, AF_INET, &o->src4,
			    &o->dst4) == -1)
				pktgen_usage();
			o->encap4 = 1;
			break;
		case '6':
			if (pktgen_parse_pair(optarg, AF_INET6, &o->src6,
			    &o->dst6) == -1)
				pktgen_usage();
			have6 = 1;
			break;
		case 'C':
			o->cpu = atoi(optarg);
			break;
		case 'd':
			if (pktgen_parse_mac(optarg, o->dmac) == -1)
				pktgen_usage();
			havemac = 1;
			break;
		case 'f':
			o->flows = (unsigned int)strtoul(optarg, NULL, 10);
			break;
		case 'i':
			o->ifname = optarg;
			break;
		case 'r':
			o->pps = strtoull(optarg, NULL, 10);
			break;
		case 's':
			o->size = strtoul(optarg, NULL, 10);
			break;
		case 't':
			o->seconds = strtod(optarg, NULL);
			break;
		default:
			pktgen_usage();
		}
	}
	if (o->ifname == NULL || !have6 || !havemac || o->seconds <= 0 ||
	    o->flows == 0 || o->flows > 65535 ||
	    o->size < IP6_HDR_LEN + UDP_HDR_LEN ||
	    o->size + IP4_HDR_LEN + ETH_HLEN > PKTGEN_FRAME_MAX)
		pktgen_usage();
}

/* One frame: Ethernet, [IPv4 proto 41], IPv6, UDP, zero payload. */
static int
pktgen_build(const struct pktgen_opts *o, uint16_t sport, uint8_t *frame,
    size_t *len)
{
	struct wbuf		w;
	struct ip4_hdr		h4;
	struct ip6_hdr_info	h6;
	struct udp_hdr		u;
	size_t			ulen = o->size - IP6_HDR_LEN;
	uint8_t			*udp;

	wbuf_init(&w, frame, PKTGEN_FRAME_MAX);
	wbuf_put(&w, o->dmac, ETH_ALEN);
	wbuf_put(&w, o->smac, ETH_ALEN);
	wbuf_put_n16(&w, o->encap4 ? ETHERTYPE_IP : ETHERTYPE_IPV6);
	if (o->encap4) {
		memset(&h4, 0, sizeof(h4));
		h4.total_len = (uint16_t)(IP4_HDR_LEN + o->size);
		h4.frag = IP4_DF;
		h4.ttl = 64;
		h4.proto = IPPROTO_6IN4;
		h4.src = o->src4;
		h4.dst = o->dst4;
		ip4_build(&w, &h4);
	}
	memset(&h6, 0, sizeof(h6));
	h6.plen = (uint16_t)ulen;
	h6.nxt = IPPROTO_UDP;
	h6.hlim = 64;
	h6.src = o->src6;
	h6.dst = o->dst6;
	ip6_build(&w, &h6);
	udp = w.p + w.len;
	memset(&u, 0, sizeof(u));
	u.sport = sport;
	u.dport = PKTGEN_UDP_DPORT;
	u.len = (uint16_t)ulen;
	udp_build(&w, &u);
	wbuf_put_zero(&w, ulen - UDP_HDR_LEN);
	if (!wbuf_ok(&w))
		return -1;
	/* The checksum field is zero, so the sum covers the message as is. */
	wbuf_set_n16(udp + 6, inet_csum6(&o->src6, &o->dst6, IPPROTO_UDP,
	    udp, ulen));
	*len = w.len;
	return 0;
}

static int
pktgen_open(struct pktgen_opts *o)
{
	struct sockaddr_ll	sll;
	struct ifreq		ifr;
	int			fd, one = 1, sndbuf = 4 << 20;

	if ((fd = socket(AF_PACKET, SOCK_RAW, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", o->ifname);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) == -1)
		goto fail;
	memcpy(o->smac, ifr.ifr_hwaddr.sa_data, ETH_ALEN);
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_ifindex = (int)if_nametoindex(o->ifname);
	if (sll.sll_ifindex == 0 ||
	    bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		goto fail;
	/* Best effort: neither is needed for correctness. */
	(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
	    sizeof(sndbuf));
	return fd;
fail:
	close(fd);
	return -1;
}

static double
pktgen_now(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static uint64_t
pktgen_run(int fd, const struct pktgen_opts *o, const struct pktgen_ring *r,
    double *elapsed)
{
	struct mmsghdr	msgs[PKTGEN_FRAMES];
	struct iovec	iov[PKTGEN_FRAMES];
	uint64_t	sent = 0;
	double		start, now, end;
	size_t		i, next = 0;
	int		n;

	memset(msgs, 0, sizeof(msgs));
	for (i = 0; i < PKTGEN_FRAMES; i++) {
		iov[i].iov_base = (void *)(uintptr_t)r->frames[i];
		iov[i].iov_len = r->len;
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	start = now = pktgen_now();
	end = start + o->seconds;
	while (!pktgen_stop && now < end) {
		n = sendmmsg(fd, &msgs[next], PKTGEN_BATCH, MSG_DONTWAIT);
		if (n > 0) {
			sent += (uint64_t)n;
			next = (next + (size_t)n) % (PKTGEN_FRAMES -
			    PKTGEN_BATCH);
		} else if (n == -1 && errno != EAGAIN && errno != ENOBUFS &&
		    errno != EINTR) {
			perror("pktgen: sendmmsg");
			break;
		}
		now = pktgen_pace(o, sent, start);
	}
	*elapsed = now - start;
	return sent;
}

/* Sleep while ahead of the requested rate; the time now. */
static double
pktgen_pace(const struct pktgen_opts *o, uint64_t sent, double start)
{
	double	now = pktgen_now();

	while (o->pps > 0 && !pktgen_stop &&
	    (double)sent > (now - start) * (double)o->pps) {
		struct timespec	ts = { 0, 50000 };

		nanosleep(&ts, NULL);
		now = pktgen_now();
	}
	return now;
}

/*
 * -T: the same frames through pktout, which writes the Ethernet header
 * itself from each message's sockaddr_ll (our destination MAC and the
 * frame's ethertype) and takes the packet behind it.
 */
static uint64_t
pktgen_run_ring(const struct pktgen_opts *o, const struct pktgen_ring *r,
    double *elapsed)
{
	static struct pktout_msg	m[PKTGEN_FRAMES];
	struct pktout			po;
	uint64_t			sent = 0;
	double				start, now, end;
	size_t				i, next = 0, n;
	int				err;

	if (pktout_open(&po, o->ifname, NULL, NULL) == -1) {
		perror("pktgen: pktout");
		return 0;
	}
	for (i = 0; i < PKTGEN_FRAMES; i++) {
		memset(&m[i], 0, sizeof(m[i]));
		m[i].sll.sll_family = AF_PACKET;
		m[i].sll.sll_ifindex = (int)po.ifindex;
		m[i].sll.sll_halen = ETH_ALEN;
		memcpy(m[i].sll.sll_addr, o->dmac, ETH_ALEN);
		memcpy(&m[i].sll.sll_protocol, r->frames[i] + 12, 2);
		m[i].iov.iov_base = (void *)(uintptr_t)(r->frames[i] +
		    ETH_HLEN);
		m[i].iov.iov_len = r->len - ETH_HLEN;
		m[i].mm.msg_hdr.msg_name = &m[i].sll;
		m[i].mm.msg_hdr.msg_namelen = sizeof(m[i].sll);
		m[i].mm.msg_hdr.msg_iov = &m[i].iov;
		m[i].mm.msg_hdr.msg_iovlen = 1;
	}
	start = now = pktgen_now();
	end = start + o->seconds;
	while (!pktgen_stop && now < end) {
		n = pktout_send(&po, &m[next], PKTGEN_BATCH, &err);
		sent += n;
		next = (next + n) % (PKTGEN_FRAMES - PKTGEN_BATCH);
		if (n < PKTGEN_BATCH && err != EAGAIN && err != ENOBUFS &&
		    err != EINTR) {
			errno = err;
			perror("pktgen: pktout_send");
			break;
		}
		now = pktgen_pace(o, sent, start);
	}
	pktout_close(&po);
	*elapsed = now - start;
	return sent;
}

int
main(int argc, char **argv)
{
	static struct pktgen_ring	ring;
	struct pktgen_opts		o;
	cpu_set_t			set;
	double				elapsed;
	uint64_t			sent;
	size_t				i;
	int				fd;

	pktgen_parse_opts(argc, argv, &o);
	if (o.cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(o.cpu, &set);
		if (sched_setaffinity(0, sizeof(set), &set) == -1)
			perror("pktgen: sched_setaffinity");
	}
	if ((fd = pktgen_open(&o)) == -1) {
		perror("pktgen: packet socket");
		return 1;
	}
	for (i = 0; i < PKTGEN_FRAMES; i++) {
		if (pktgen_build(&o, (uint16_t)(10000 + i % o.flows),
		    ring.frames[i], &ring.len) == -1) {
			fprintf(stderr, "pktgen: frame does not fit\n");
			return 1;
		}
	}
	signal(SIGINT, pktgen_onsig);
	signal(SIGTERM, pktgen_onsig);
	sent = o.txring ? pktgen_run_ring(&o, &ring, &elapsed) :
	    pktgen_run(fd, &o, &ring, &elapsed);
	printf("sent %llu pkts in %.3f s = %.0f pps\n",
	    (unsigned long long)sent, elapsed,
	    elapsed > 0 ? (double)sent / elapsed : 0.0);
	close(fd);
	return 0;
}
