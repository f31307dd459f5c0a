/*
 * pktout: relayed packets straight to the output interface's driver,
 * addressed to the next hop's MAC (see pktout.h).  The only system calls
 * are sendmmsg on the hot path and, once a second, SIOCGIFMTU and the
 * nexthop refreshes.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <net/if.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "pktout.h"

#define PKTOUT_SNDBUF	(4 * 1024 * 1024)
#define PKTOUT_BATCH	64	/* mmsghdrs per sendmmsg */

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

/* The AF_PACKET socket: sends only (protocol 0 binds no receive hook). */
static int
pktout_socket(struct pktout *po)
{
	struct sockaddr_ll	sll;
	int			one = 1, sndbuf = PKTOUT_SNDBUF;

	po->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0);
	if (po->fd == -1)
		return -1;
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = 0;
	sll.sll_ifindex = (int)po->ifindex;
	if (bind(po->fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		return -1;
	/* Straight to the driver; older kernels lack it: the qdisc then. */
	(void)setsockopt(po->fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one,
	    sizeof(one));
	if (setsockopt(po->fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf,
	    sizeof(sndbuf)) == -1)
		(void)setsockopt(po->fd, SOL_SOCKET, SO_SNDBUF, &sndbuf,
		    sizeof(sndbuf));
	return 0;
}

int
pktout_open(struct pktout *po, const char *ifname, const void *gw4,
    const void *gw6)
{
	int	saved;

	memset(po, 0, sizeof(*po));
	po->fd = po->nlfd = -1;
	if (strlen(ifname) >= sizeof(po->ifname)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	memcpy(po->ifname, ifname, strlen(ifname) + 1);
	if ((po->ifindex = if_nametoindex(ifname)) == 0)
		return -1;
	if (pktout_socket(po) == -1 || pktout_read_mtu(po) == -1 ||
	    (po->nlfd = nexthop_socket()) == -1) {
		saved = errno;
		pktout_close(po);
		errno = saved;
		return -1;
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

/*
 * m is an array of pktout_msg, not of mmsghdr: each sendmmsg gets a
 * contiguous copy of up to PKTOUT_BATCH headers.  A partial sendmmsg
 * loses the failing message's errno, so the next call starts there and
 * either sends it or fails on it first.
 */
size_t
pktout_send(struct pktout *po, struct pktout_msg *m, size_t n, int *err)
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
