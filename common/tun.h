/*
 * TUN devices (Linux implementation in tun_linux.c).  Always IFF_TUN |
 * IFF_NO_PI and non-blocking: a read returns exactly one IP packet.  The
 * device is opened with IFF_MULTI_QUEUE when queues > 1 so that more
 * queues (one per worker) can be attached later with tun_open_queue().
 */
#ifndef JF_TUN_H
#define JF_TUN_H

#include <net/if.h>
#include <netinet/in.h>

struct tun_dev {
	int		fd;
	char		name[IFNAMSIZ];
	unsigned int	ifindex;
	int		multi_queue;
};

/* name may be "" to let the kernel choose.  -1 with errno on failure. */
int	tun_open(const char *name, int multi_queue, struct tun_dev *);
/* Another queue fd for a multi-queue device. */
int	tun_open_queue(const struct tun_dev *);
/* Set MTU, txqueuelen (0 = leave) and bring the link up. */
int	tun_configure(const struct tun_dev *, unsigned int mtu,
	    unsigned int txqueuelen);
void	tun_close(struct tun_dev *);

#endif /* JF_TUN_H */
