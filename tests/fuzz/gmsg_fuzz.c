/*
 * libFuzzer harness for bgpglue's process messages (bgpglue/gmsg.c): the
 * input is one datagram a compromised peer process sends on the real
 * SOCK_SEQPACKET pair, plus descriptors.  First byte: the number of
 * descriptors (low 6 bits) and whether they go in two SCM_RIGHTS control
 * messages (bit 6); the rest is the datagram.  Whatever arrives,
 * gmsg_recv must return a known type with exactly its size, keep a
 * descriptor only for GMSG_RELAY_FD with exactly one, and leave no other
 * descriptor open.
 */
#include <sys/socket.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpglue/gmsg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define MAXFD		63

static int	sp[2] = { -1, -1 };
static int	passfd = -1;

static int
open_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	CHECK((d = opendir("/proc/self/fd")) != NULL);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	union {
		struct cmsghdr	hdr;
		char		buf[2 * CMSG_SPACE(MAXFD * sizeof(int))];
	}		 cm;
	uint8_t		 payload[GMSG_MAX + 16];
	struct iovec	 iov;
	struct msghdr	 msg;
	struct cmsghdr	*c;
	int		 nfd, split, part[2], k, i, fd, before, type;
	size_t		 len;

	if (size < 1)
		return 0;
	if (sp[0] == -1) {
		CHECK(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp) == 0);
		CHECK((passfd = open("/dev/null", O_RDONLY)) != -1);
		/* Never block: an input that sends nothing reads EAGAIN. */
		CHECK(fcntl(sp[1], F_SETFL, O_NONBLOCK) == 0);
	}
	nfd = data[0] & MAXFD;
	split = (data[0] & 0x40) && nfd >= 2;
	len = size - 1;
	if (len > GMSG_MAX + 16)
		len = GMSG_MAX + 16;
	memset(&msg, 0, sizeof(msg));
	iov.iov_base = (void *)(uintptr_t)(data + 1);
	iov.iov_len = len;
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	part[0] = split ? nfd / 2 : nfd;
	part[1] = split ? nfd - part[0] : 0;
	if (nfd > 0) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = CMSG_SPACE(part[0] * sizeof(int)) +
		    (part[1] ? CMSG_SPACE(part[1] * sizeof(int)) : 0);
		c = CMSG_FIRSTHDR(&msg);
		for (k = 0; k < 2 && part[k] > 0; k++) {
			c->cmsg_level = SOL_SOCKET;
			c->cmsg_type = SCM_RIGHTS;
			c->cmsg_len = CMSG_LEN(part[k] * sizeof(int));
			for (i = 0; i < part[k]; i++)
				memcpy(CMSG_DATA(c) + i * sizeof(int), &passfd,
				    sizeof(int));
			c = CMSG_NXTHDR(&msg, c);
		}
	}
	before = open_fds();
	if (sendmsg(sp[0], &msg, MSG_NOSIGNAL) != (ssize_t)len)
		return 0;
	memset(payload, 0xa5, sizeof(payload));
	fd = 1234;
	type = gmsg_recv(sp[1], payload, GMSG_MAX, &fd);
	if (type > 0) {
		uint32_t t;

		CHECK(len >= sizeof(t));
		memcpy(&t, data + 1, sizeof(t));
		CHECK((uint32_t)type == t);
		CHECK(gmsg_size(t) == len - sizeof(t));
		CHECK(memcmp(payload, data + 1 + sizeof(t), len - sizeof(t))
		    == 0);
		if (fd != -1) {
			CHECK(type == GMSG_RELAY_FD && nfd == 1);
			CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
			CHECK(open_fds() == before + 1);
			close(fd);
		} else
			CHECK(nfd == 0);
	} else if (type == 0) {
		CHECK(len == 0);	/* an empty datagram reads as EOF */
		CHECK(fd == -1);
	} else {
		CHECK(type == -1);
		CHECK(errno == EBADMSG);
		CHECK(fd == -1);
	}
	CHECK(open_fds() == before);
	return 0;
}
