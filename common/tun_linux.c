/*
 * TUN devices on Linux, see tun.h.  The only file that knows about
 * /dev/net/tun and the interface ioctls.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <linux/if_tun.h>

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "tun.h"

#define TUN_CLONE	"/dev/net/tun"

static int	tun_attach(const char *, int, char *);

/* Open the clone device and attach it to name; fills in the real name. */
static int
tun_attach(const char *name, int multi_queue, char *actual)
{
	struct ifreq	ifr;
	int		fd, saved;

	if (strlen(name) >= IFNAMSIZ) {
		errno = ENAMETOOLONG;
		return -1;
	}
	if ((fd = open(TUN_CLONE, O_RDWR | O_NONBLOCK | O_CLOEXEC)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
	if (multi_queue)
		ifr.ifr_flags |= IFF_MULTI_QUEUE;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) == -1) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	if (actual != NULL) {
		memcpy(actual, ifr.ifr_name, IFNAMSIZ);
		actual[IFNAMSIZ - 1] = '\0';
	}
	return fd;
}

int
tun_open(const char *name, int multi_queue, struct tun_dev *tun)
{
	memset(tun, 0, sizeof(*tun));
	tun->fd = -1;
	if ((tun->fd = tun_attach(name != NULL ? name : "", multi_queue,
	    tun->name)) == -1)
		return -1;
	tun->multi_queue = multi_queue ? 1 : 0;
	if ((tun->ifindex = if_nametoindex(tun->name)) == 0) {
		int	saved = errno;

		close(tun->fd);
		tun->fd = -1;
		errno = saved;
		return -1;
	}
	return 0;
}

int
tun_open_queue(const struct tun_dev *tun)
{
	if (!tun->multi_queue) {
		errno = EINVAL;
		return -1;
	}
	return tun_attach(tun->name, 1, NULL);
}

int
tun_configure(const struct tun_dev *tun, unsigned int mtu,
    unsigned int txqueuelen)
{
	struct ifreq	ifr;
	int		s, saved;

	if ((s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, tun->name, IFNAMSIZ);
	ifr.ifr_name[IFNAMSIZ - 1] = '\0';
	if (mtu != 0) {
		ifr.ifr_mtu = (int)mtu;
		if (ioctl(s, SIOCSIFMTU, &ifr) == -1)
			goto fail;
	}
	if (txqueuelen != 0) {
		ifr.ifr_qlen = (int)txqueuelen;
		if (ioctl(s, SIOCSIFTXQLEN, &ifr) == -1)
			goto fail;
	}
	if (ioctl(s, SIOCGIFFLAGS, &ifr) == -1)
		goto fail;
	ifr.ifr_flags |= IFF_UP | IFF_RUNNING;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) == -1)
		goto fail;
	close(s);
	return 0;
fail:
	saved = errno;
	close(s);
	errno = saved;
	return -1;
}

void
tun_close(struct tun_dev *tun)
{
	if (tun->fd != -1)
		close(tun->fd);
	tun->fd = -1;
}
