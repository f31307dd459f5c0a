/*
 * pktout: relayed packets straight to the output interface's driver,
 * addressed to the next hop's MAC (see pktout.h).  The only system calls
 * are sendmmsg, or one send() per run of a TX ring, on the hot path and,
 * once a second, SIOCGIFMTU and the nexthop refreshes.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <net/if_arp.h>

#include <endian.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pktout.h"

#define PKTOUT_SNDBUF	(4 * 1024 * 1024)
#define PKTOUT_BATCH	64	/* mmsghdrs per sendmmsg */
/*
 * TX ring: frames of a power of two >= the MTU plus the frame, virtio
 * and Ethernet headers (2 KiB for 1500), PKTOUT_RING_FRAMES of them.  A
 * frame is busy from the send() until the kernel frees (or orphans) its
 * skb, so the ring only has to cover what is in flight: 4 batches of 64
 * (a NIC completes its sends within microseconds).  Small on purpose:
 * the frames are written once per packet, and 512 KiB stay in the CPU's
 * L2 cache where 2 MiB did not (bench: ~5% more packets per core).
 */
#ifndef PKTOUT_RING_FRAMES
#define PKTOUT_RING_FRAMES	256
#endif
#define PKTOUT_RING_FRAME_MIN	2048
#define PKTOUT_RING_FRAME_MAX	65536
#define PKTOUT_RING_BLOCK_MIN	16384
/* Without PACKET_TX_HAS_OFF a V2 frame's data follows its header. */
#define PKTOUT_RING_DATA	(TPACKET2_HDRLEN - sizeof(struct sockaddr_ll))
/*
 * A frame: struct virtio_net_hdr (PACKET_VNET_HDR), the Ethernet header
 * (SOCK_RAW: the ring's frames need no address, so one send() takes a
 * whole batch whatever its MACs and ethertypes), the packet.  The kernel
 * copies the first hdr_len bytes into the skb's head and attaches the
 * rest of the frame as a page fragment of the ring: up to
 * PKTOUT_RING_LINEAR bytes of the packet, so that a packet up to an
 * Ethernet MTU has no fragment at all.  A fragment costs more than the
 * copy into the head: veth (and anything that must let the ring frame
 * go) copies it again into a freshly allocated page (skb_copy_ubufs),
 * 8-9% of teredod's fast mode CPU at 1280 B with 128 here.
 */
#define PKTOUT_RING_VNET	sizeof(struct virtio_net_hdr)
#define PKTOUT_RING_HDRS	(PKTOUT_RING_VNET + ETH_HLEN)
#define PKTOUT_RING_LINEAR	1500
#define PKTOUT_RING_BUSY	\
	(TP_STATUS_SEND_REQUEST | TP_STATUS_SENDING | TP_STATUS_WRONG_FORMAT)

enum pktout_io { PKTOUT_IO_MMSG, PKTOUT_IO_RING };
/*
 * The ring: 13-40% more packets per CPU-second at 100 B in the relays'
 * and teredod's benches, level to 12% less at 1280-1400 B
 * (docs/common.md).
 */
#define PKTOUT_IO_DEFAULT	PKTOUT_IO_RING

static size_t	pktout_send_mmsg(struct pktout *, struct pktout_msg *,
		    size_t, int *);
static size_t	pktout_send_ring(struct pktout *, struct pktout_msg *,
		    size_t, int *);

/* The interface's MAC: the ring's frames carry their source address. */
static int
pktout_read_hwaddr(struct pktout *po)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, po->ifname, sizeof(ifr.ifr_name));
	if (ioctl(po->fd, SIOCGIFHWADDR, &ifr) == -1 ||
	    ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -1;
	memcpy(po->ring.src_mac, ifr.ifr_hwaddr.sa_data, NEXTHOP_MAC_LEN);
	return 0;
}

static int
pktout_read_mtu(struct pktout *po)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, po->ifname, sizeof(ifr.ifr_name));
	if (ioctl(po->fd, SIOCGIFMTU, &ifr) == -1 || ifr.ifr_mtu <= 0)
		return -1;
	po->mtu = (unsigned int)ifr.ifr_mtu;
	return 0;
}

/*
 * An AF_PACKET socket on the interface: sends only (protocol 0 binds no
 * receive hook).  -1 with errno.
 */
static int
pktout_socket(const struct pktout *po, int type)
{
	struct sockaddr_ll	sll;
	int			fd, saved, one = 1, sndbuf = PKTOUT_SNDBUF;

	fd = socket(AF_PACKET, type | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0;
	sll.sll_ifindex = (int)po->ifindex;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	/* Straight to the driver; older kernels lack it: the qdisc then. */
	(void)setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
	    sizeof(sndbuf)) == -1)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof(sndbuf));
	return fd;
}

static enum pktout_io
pktout_io_wanted(void)
{
	const char	*e = getenv("JF_PKTOUT_IO");

	if (e == NULL || *e == '\0')
		return PKTOUT_IO_DEFAULT;
	if (strcmp(e, "ring") == 0)
		return PKTOUT_IO_RING;
	if (strcmp(e, "mmsg") != 0)
		log_warnx("pktout: JF_PKTOUT_IO=%s: not mmsg or ring, "
		    "using mmsg", e);
	return PKTOUT_IO_MMSG;
}

/*
 * The TX ring on a socket of its own (a socket with a ring sends nothing
 * but its frames, and io_uring SENDMSGs go to po->fd).  -1 with errno:
 * the caller stays with sendmmsg.
 */
static int
pktout_ring_open(struct pktout *po)
{
	struct pktout_ring	*pr = &po->ring;
	struct tpacket_req	 req;
	unsigned int		 fs = PKTOUT_RING_FRAME_MIN, bs;
	int			 v = TPACKET_V2, one = 1, saved;
	void			*map;

	while (fs < PKTOUT_RING_FRAME_MAX &&
	    fs - PKTOUT_RING_DATA - PKTOUT_RING_HDRS < po->mtu)
		fs *= 2;
	bs = fs < PKTOUT_RING_BLOCK_MIN ? PKTOUT_RING_BLOCK_MIN : fs;
	memset(&req, 0, sizeof(req));
	req.tp_frame_size = fs;
	req.tp_frame_nr = PKTOUT_RING_FRAMES;
	req.tp_block_size = bs;
	req.tp_block_nr = PKTOUT_RING_FRAMES / (bs / fs);
	if ((pr->fd = pktout_socket(po, SOCK_RAW)) == -1)
		return -1;
	if (pktout_read_hwaddr(po) == -1 ||
	    setsockopt(pr->fd, SOL_PACKET, PACKET_VNET_HDR, &one,
	    sizeof(one)) == -1 ||
	    setsockopt(pr->fd, SOL_PACKET, PACKET_VERSION, &v,
	    sizeof(v)) == -1 ||
	    setsockopt(pr->fd, SOL_PACKET, PACKET_TX_RING, &req,
	    sizeof(req)) == -1)
		goto fail;
	map = mmap(NULL, (size_t)bs * req.tp_block_nr, PROT_READ | PROT_WRITE,
	    MAP_SHARED, pr->fd, 0);
	if (map == MAP_FAILED)
		goto fail;
	pr->map = map;
	pr->mapsize = (size_t)bs * req.tp_block_nr;
	pr->frame_size = fs;
	pr->frame_nr = PKTOUT_RING_FRAMES;
	pr->head = 0;
	pr->data_max = fs - (unsigned int)(PKTOUT_RING_DATA + PKTOUT_RING_HDRS);
	return 0;
fail:
	saved = errno;
	close(pr->fd);
	pr->fd = -1;
	errno = saved;
	return -1;
}

static void
pktout_ring_close(struct pktout_ring *pr)
{
	if (pr->map != NULL)
		munmap(pr->map, pr->mapsize);
	if (pr->fd != -1)
		close(pr->fd);
	pr->map = NULL;
	pr->fd = -1;
}

const char *
pktout_io_name(const struct pktout *po)
{
	return po->ring.fd != -1 ? "ring" : "mmsg";
}

int
pktout_open(struct pktout *po, const char *ifname, const void *gw4,
    const void *gw6)
{
	int	saved;

	memset(po, 0, sizeof(*po));
	po->fd = po->nlfd = po->ring.fd = -1;
	if (strlen(ifname) >= sizeof(po->ifname)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(po->ifname, ifname, strlen(ifname) + 1);
	if ((po->ifindex = if_nametoindex(ifname)) == 0)
		return -1;
	if ((po->fd = pktout_socket(po, SOCK_DGRAM)) == -1 ||
	    pktout_read_mtu(po) == -1 ||
	    (po->nlfd = nexthop_socket()) == -1) {
		saved = errno;
		pktout_close(po);
		errno = saved;
		return -1;
	}
	if (pktout_io_wanted() == PKTOUT_IO_RING) {
		if (pktout_ring_open(po) == -1)
			log_warn("pktout: %s: TX ring, using sendmmsg",
			    po->ifname);
		else
			log_info("pktout: %s: TX ring of %u frames of %u bytes",
			    po->ifname, po->ring.frame_nr, po->ring.frame_size);
	}
	nexthop_init(&po->nh4, AF_INET, po->ifindex, gw4);
	nexthop_init(&po->nh6, AF_INET6, po->ifindex, gw6);
	pktout_refresh(po);
	return 0;
}

void
pktout_close(struct pktout *po)
{
	if (po->fd != -1)
		close(po->fd);
	if (po->nlfd != -1)
		close(po->nlfd);
	po->fd = po->nlfd = -1;
	pktout_ring_close(&po->ring);
}

void
pktout_refresh(struct pktout *po)
{
	/* A vanished interface: the last MTU stays, sends will fail. */
	if (pktout_read_mtu(po) == -1) {
		if (!po->mtu_err)
			log_warn("pktout: %s: MTU", po->ifname);
		po->mtu_err = 1;
	} else
		po->mtu_err = 0;
	/* A changed MAC; a failure keeps the last one (as the MTU). */
	if (po->ring.fd != -1)
		(void)pktout_read_hwaddr(po);
	nexthop_refresh(&po->nh4, po->nlfd);
	nexthop_refresh(&po->nh6, po->nlfd);
}

int
pktout_prepare(struct pktout *po, struct pktout_msg *m, const uint8_t *pkt,
    size_t len)
{
	struct nexthop	*nh;
	uint16_t	 ethertype;

	if (len == 0)
		goto kernel;
	switch (pkt[0] >> 4) {
	case 4:
		nh = &po->nh4;
		ethertype = ETH_P_IP;
		break;
	case 6:
		nh = &po->nh6;
		ethertype = ETH_P_IPV6;
		break;
	default:
		goto kernel;
	}
	if (len > po->mtu) {
		po->stats.too_big++;
		goto kernel;
	}
	if (nexthop_take_kick(nh))
		goto kernel;

	m->iov.iov_base = (void *)(uintptr_t)pkt;
	m->iov.iov_len = len;
	m->mm.msg_hdr.msg_name = &m->sll;
	m->mm.msg_hdr.msg_namelen = sizeof(m->sll);
	m->mm.msg_hdr.msg_iov = &m->iov;
	m->mm.msg_hdr.msg_iovlen = 1;
	m->mm.msg_hdr.msg_control = NULL;
	m->mm.msg_hdr.msg_controllen = 0;
	m->mm.msg_hdr.msg_flags = 0;
	m->mm.msg_len = 0;
	memset(&m->sll, 0, sizeof(m->sll));
	m->sll.sll_family = AF_PACKET;
	m->sll.sll_protocol = htons(ethertype);
	m->sll.sll_ifindex = (int)po->ifindex;
	m->sll.sll_halen = NEXTHOP_MAC_LEN;
	memcpy(m->sll.sll_addr, nh->mac, NEXTHOP_MAC_LEN);
	return 1;
kernel:
	po->stats.kernel_path++;
	return 0;
}

size_t
pktout_send(struct pktout *po, struct pktout_msg *m, size_t n, int *err)
{
	if (po->ring.fd != -1)
		return pktout_send_ring(po, m, n, err);
	return pktout_send_mmsg(po, m, n, err);
}

/*
 * m is an array of pktout_msg, not of mmsghdr: each sendmmsg gets a
 * contiguous copy of up to PKTOUT_BATCH headers.  A partial sendmmsg
 * loses the failing message's errno, so the next call starts there and
 * either sends it or fails on it first.
 */
static size_t
pktout_send_mmsg(struct pktout *po, struct pktout_msg *m, size_t n, int *err)
{
	struct mmsghdr	v[PKTOUT_BATCH];
	size_t		done = 0, i, chunk;
	int		r;

	*err = 0;
	while (done < n) {
		chunk = n - done < PKTOUT_BATCH ? n - done : PKTOUT_BATCH;
		for (i = 0; i < chunk; i++)
			v[i] = m[done + i].mm;
		po->stats.syscalls++;
		r = sendmmsg(po->fd, v, (unsigned int)chunk, MSG_DONTWAIT);
		if (r == -1 && errno == EINTR)
			continue;
		if (r <= 0) {
			*err = r == 0 ? EAGAIN : errno;
			po->stats.send_errors++;
			break;
		}
		for (i = 0; i < (size_t)r; i++)
			m[done + i].mm.msg_len = v[i].msg_len;
		done += (size_t)r;
		po->stats.sent += (size_t)r;
	}
	return done;
}

/* ---- TX ring ---------------------------------------------------------- */

static struct tpacket2_hdr *
pktout_ring_frame(const struct pktout_ring *pr, unsigned int i)
{
	return (struct tpacket2_hdr *)(void *)(pr->map +
	    (size_t)(i % pr->frame_nr) * pr->frame_size);
}

static unsigned int
pktout_ring_status(const struct tpacket2_hdr *h)
{
	return __atomic_load_n(&h->tp_status, __ATOMIC_ACQUIRE);
}

/*
 * Whether the ring takes the message: to the bound interface, with a
 * 6-byte address (anything else goes through po->fd, whose sendmsg says
 * what is wrong with it).
 */
static int
pktout_ring_takes(const struct pktout *po, const struct msghdr *h)
{
	const struct sockaddr_ll	*sll = h->msg_name;

	return sll != NULL && h->msg_namelen >= sizeof(*sll) &&
	    sll->sll_ifindex == (int)po->ifindex &&
	    sll->sll_halen == NEXTHOP_MAC_LEN;
}

static size_t
pktout_msg_len(const struct msghdr *h)
{
	size_t	len = 0, i;

	for (i = 0; i < h->msg_iovlen; i++)
		len += h->msg_iov[i].iov_len;
	return len;
}

/*
 * The message into frame h (len fits: the caller checked): virtio
 * header (no offloads; hdr_len: what goes into the skb's head), Ethernet
 * header from the message's sockaddr_ll, the iovecs' bytes.
 */
static void
pktout_ring_fill(const struct pktout_ring *pr, struct tpacket2_hdr *h,
    const struct msghdr *mh, size_t len)
{
	const struct sockaddr_ll	*sll = mh->msg_name;
	struct virtio_net_hdr		 vh;
	uint8_t				*d = (uint8_t *)h + PKTOUT_RING_DATA;
	size_t				 i, at = PKTOUT_RING_HDRS;

	memset(&vh, 0, sizeof(vh));
	vh.gso_type = VIRTIO_NET_HDR_GSO_NONE;
	vh.hdr_len = htole16((uint16_t)(ETH_HLEN +
	    (len < PKTOUT_RING_LINEAR ? len : PKTOUT_RING_LINEAR)));
	memcpy(d, &vh, sizeof(vh));
	memcpy(d + PKTOUT_RING_VNET, sll->sll_addr, NEXTHOP_MAC_LEN);
	memcpy(d + PKTOUT_RING_VNET + 6, pr->src_mac, NEXTHOP_MAC_LEN);
	memcpy(d + PKTOUT_RING_VNET + 12, &sll->sll_protocol, 2);
	for (i = 0; i < mh->msg_iovlen; i++) {
		memcpy(d + at, mh->msg_iov[i].iov_base, mh->msg_iov[i].iov_len);
		at += mh->msg_iov[i].iov_len;
	}
	h->tp_len = (uint32_t)(PKTOUT_RING_HDRS + len);
}

/*
 * A message no frame takes (longer than the MTU, which prepare let
 * through only if the caller changed it since, or than a frame): a plain
 * sendmsg on po->fd, so that the kernel says why (EMSGSIZE) without the
 * ring's log line.  0 or an errno.
 */
static int
pktout_send_one(struct pktout *po, struct pktout_msg *m)
{
	ssize_t	r;

	do {
		po->stats.syscalls++;
		r = sendmsg(po->fd, &m->mm.msg_hdr, MSG_DONTWAIT);
	} while (r == -1 && errno == EINTR);
	if (r == -1)
		return errno;
	m->mm.msg_len = (unsigned int)r;
	return 0;
}

/*
 * Each run of messages the ring takes into consecutive free frames,
 * marked SEND_REQUEST, then one send() (the frames carry their own
 * Ethernet headers: a run is normally the whole batch).  The kernel takes
 * frames from its head while they are SEND_REQUEST, and stops at the
 * first it cannot send, leaving it (and those after it) SEND_REQUEST, or
 * WRONG_FORMAT: those did not go, the send's errno is the first's.  They
 * go back to AVAILABLE here (nothing else touches a frame between our
 * send()s) and the next run starts on the kernel's head again.  No
 * PACKET_LOSS: with it the kernel would skip a malformed frame silently
 * instead of telling which one.
 */
static size_t
pktout_send_ring(struct pktout *po, struct pktout_msg *m, size_t n, int *err)
{
	struct pktout_ring	*pr = &po->ring;
	struct tpacket2_hdr	*h;
	const struct msghdr	*mh;
	size_t			 done = 0, k, i, len, sent, max;
	ssize_t			 r;
	int			 e;

	*err = 0;
	max = po->mtu < pr->data_max ? po->mtu : pr->data_max;
	while (done < n) {
		for (k = 0; done + k < n && k < pr->frame_nr; k++) {
			mh = &m[done + k].mm.msg_hdr;
			if (!pktout_ring_takes(po, mh))
				break;
			h = pktout_ring_frame(pr, pr->head + (unsigned int)k);
			if (pktout_ring_status(h) & PKTOUT_RING_BUSY)
				break;
			if ((len = pktout_msg_len(mh)) > max)
				break;
			pktout_ring_fill(pr, h, mh, len);
		}
		if (k == 0) {
			h = pktout_ring_frame(pr, pr->head);
			if (pktout_ring_takes(po, &m[done].mm.msg_hdr) &&
			    pktout_ring_status(h) & PKTOUT_RING_BUSY) {
				po->stats.ring_full++;
				e = EAGAIN;
			} else
				e = pktout_send_one(po, &m[done]);
			if (e != 0) {
				*err = e;
				po->stats.send_errors++;
				break;
			}
			done++;
			po->stats.sent++;
			continue;
		}
		for (i = 0; i < k; i++)
			__atomic_store_n(&pktout_ring_frame(pr, pr->head +
			    (unsigned int)i)->tp_status, TP_STATUS_SEND_REQUEST,
			    __ATOMIC_RELEASE);
		po->stats.syscalls++;
		r = send(pr->fd, NULL, 0, MSG_DONTWAIT);
		e = r == -1 ? errno : EAGAIN;
		for (sent = 0; sent < k; sent++) {
			h = pktout_ring_frame(pr, pr->head + (unsigned int)sent);
			if (pktout_ring_status(h) & (TP_STATUS_SEND_REQUEST |
			    TP_STATUS_WRONG_FORMAT))
				break;
			m[done + sent].mm.msg_len = h->tp_len -
			    (unsigned int)PKTOUT_RING_HDRS;
		}
		for (i = sent; i < k; i++)
			__atomic_store_n(&pktout_ring_frame(pr, pr->head +
			    (unsigned int)i)->tp_status, TP_STATUS_AVAILABLE,
			    __ATOMIC_RELAXED);
		pr->head = (pr->head + (unsigned int)sent) % pr->frame_nr;
		done += sent;
		po->stats.sent += sent;
		if (sent < k) {
			if (e == EINTR)
				continue;
			*err = e;
			po->stats.send_errors++;
			break;
		}
	}
	return done;
}
