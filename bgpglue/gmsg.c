/*
 * Fixed-size messages with optional fd passing.  See gmsg.h.
 */
#include <sys/socket.h>
#include <sys/uio.h>

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "gmsg.h"

size_t
gmsg_size(uint32_t type)
{
	switch (type) {
	case GMSG_WANT:
		return sizeof(struct gmsg_want);
	case GMSG_RESYNC:
	case GMSG_RELAY_CONNECT:
		return 0;
	case GMSG_RELAY_FD:
		return sizeof(struct gmsg_fd);
	case GMSG_ZSTATE:
		return sizeof(struct gmsg_zstate);
	default:
		return (size_t)-1;
	}
}

int
gmsg_send(int sock, uint32_t type, const void *payload, size_t len,
    int passfd)
{
	uint8_t		 buf[sizeof(uint32_t) + GMSG_MAX];
	struct iovec	 iov;
	struct msghdr	 msg;
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(sizeof(int))];
	}		 cm;
	struct cmsghdr	*c;

	if (gmsg_size(type) != len) {
		errno = EINVAL;
		return -1;
	}
	memcpy(buf, &type, sizeof(type));
	if (len > 0)
		memcpy(buf + sizeof(type), payload, len);
	iov.iov_base = buf;
	iov.iov_len = sizeof(type) + len;
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	if (passfd != -1) {
		memset(&cm, 0, sizeof(cm));
		msg.msg_control = cm.buf;
		msg.msg_controllen = sizeof(cm.buf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &passfd, sizeof(int));
	}
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != (ssize_t)iov.iov_len)
		return -1;
	return 0;
}

/*
 * Close every descriptor a control message carries except *keep (the
 * first of the first SCM_RIGHTS, if it is the only one): a peer that
 * sends more than one, or one with a type that takes none, must not be
 * able to leave descriptors open here (OpenBSD's imsg does the same).
 * Returns how many descriptors arrived in all.
 */
static size_t
gmsg_take_fds(struct msghdr *msg, int *keep)
{
	struct cmsghdr	*c;
	size_t		 nfd = 0, i, n;
	int		 fd;

	*keep = -1;
	for (c = CMSG_FIRSTHDR(msg); c != NULL; c = CMSG_NXTHDR(msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS ||
		    c->cmsg_len < CMSG_LEN(0))
			continue;
		n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < n; i++, nfd++) {
			memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof(fd));
			if (nfd == 0)
				*keep = fd;
			else
				close(fd);
		}
	}
	if (nfd > 1 && *keep != -1) {
		close(*keep);
		*keep = -1;
	}
	return nfd;
}

int
gmsg_recv(int sock, void *payload, size_t cap, int *fdp)
{
	uint8_t		 buf[sizeof(uint32_t) + GMSG_MAX + 1];
	struct iovec	 iov;
	struct msghdr	 msg;
	/*
	 * Room for more descriptors than any message carries, so that a
	 * peer's extras arrive here and are closed; any past this room the
	 * kernel never installs (it sets MSG_CTRUNC and drops them).
	 */
	union {
		struct cmsghdr	hdr;
		char		buf[CMSG_SPACE(GMSG_FDS_ROOM * sizeof(int))];
	}		 cm;
	uint32_t	 type;
	ssize_t		 n;
	size_t		 want, nfd;

	*fdp = -1;
	iov.iov_base = buf;
	iov.iov_len = sizeof(buf);
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cm.buf;
	msg.msg_controllen = sizeof(cm.buf);
	/* CLOEXEC: the announcer runs the bgpd hooks (fork + exec). */
	if ((n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC)) == -1)
		return -1;
	nfd = gmsg_take_fds(&msg, fdp);
	if (n == 0) {		/* EOF, or an empty datagram: both end it */
		if (*fdp != -1)
			close(*fdp);
		*fdp = -1;
		return 0;
	}
	if ((size_t)n < sizeof(type) || nfd > 1 || (msg.msg_flags &
	    (MSG_TRUNC | MSG_CTRUNC)))
		goto bad;
	memcpy(&type, buf, sizeof(type));
	want = gmsg_size(type);
	if (want == (size_t)-1 || (size_t)n - sizeof(type) != want ||
	    want > cap || (*fdp != -1 && type != GMSG_RELAY_FD))
		goto bad;
	if (want > 0)
		memcpy(payload, buf + sizeof(type), want);
	return (int)type;
bad:
	if (*fdp != -1)
		close(*fdp);
	*fdp = -1;
	errno = EBADMSG;
	return -1;
}
