/*
 * The messages between bgpglue's processes: each type travels with its
 * exact size, anything else is refused (and a passed fd with it), fds
 * travel only with GMSG_RELAY_FD, EOF is 0.
 */
#include <sys/socket.h>

#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpglue/gmsg.h"

static int sp[2];

static void
pair(void)
{
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sp), 0);
}

START_TEST(test_roundtrip)
{
	struct gmsg_want	w = { GMSG_DRAINING }, w2;
	struct gmsg_zstate	z, z2;
	int			fd;

	pair();
	ck_assert_int_eq(gmsg_send(sp[0], GMSG_WANT, &w, sizeof(w), -1), 0);
	ck_assert_int_eq(gmsg_recv(sp[1], &w2, sizeof(w2), &fd), GMSG_WANT);
	ck_assert_uint_eq(w2.state, GMSG_DRAINING);
	ck_assert_int_eq(fd, -1);
	memset(&z, 0, sizeof(z));
	z.up = 1;
	z.adds = 7;
	strcpy(z.error, "x");
	ck_assert_int_eq(gmsg_send(sp[1], GMSG_ZSTATE, &z, sizeof(z), -1), 0);
	ck_assert_int_eq(gmsg_recv(sp[0], &z2, sizeof(z2), &fd), GMSG_ZSTATE);
	ck_assert_mem_eq(&z, &z2, sizeof(z));
	ck_assert_int_eq(gmsg_send(sp[0], GMSG_RESYNC, NULL, 0, -1), 0);
	ck_assert_int_eq(gmsg_recv(sp[1], &w2, sizeof(w2), &fd), GMSG_RESYNC);
	/* Sender refuses a wrong size too. */
	ck_assert_int_eq(gmsg_send(sp[0], GMSG_WANT, &w, 3, -1), -1);
	close(sp[0]);
	ck_assert_int_eq(gmsg_recv(sp[1], &w2, sizeof(w2), &fd), 0);
	close(sp[1]);
}
END_TEST

START_TEST(test_fd_passing)
{
	struct gmsg_fd	r = { 0 }, r2;
	int		fd, p[2];
	char		c;

	pair();
	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(gmsg_send(sp[0], GMSG_RELAY_FD, &r, sizeof(r), p[1]),
	    0);
	ck_assert_int_eq(gmsg_recv(sp[1], &r2, sizeof(r2), &fd),
	    GMSG_RELAY_FD);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_ne(fd, p[1]);
	ck_assert_int_eq(write(fd, "z", 1), 1);	/* same pipe */
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	ck_assert_int_eq(c, 'z');
	close(fd);
	/* An fd riding on any other type is refused and closed. */
	{
		struct gmsg_want	w = { 1 };

		ck_assert_int_eq(gmsg_send(sp[0], GMSG_WANT, &w, sizeof(w),
		    p[1]), 0);
		ck_assert_int_eq(gmsg_recv(sp[1], &w, sizeof(w), &fd), -1);
		ck_assert_int_eq(errno, EBADMSG);
		ck_assert_int_eq(fd, -1);
	}
	close(p[0]);
	close(p[1]);
	close(sp[0]);
	close(sp[1]);
}
END_TEST

/* Descriptors this process has open (/proc/self/fd, less the walk's). */
static int
open_fds(void)
{
	DIR		*d;
	struct dirent	*e;
	int		 n = 0;

	ck_assert_ptr_nonnull(d = opendir("/proc/self/fd"));
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

/*
 * Send type + payload with nfd copies of fd, split over ncm SCM_RIGHTS
 * control messages (what a compromised peer could send).
 */
static void
send_fds(int sock, uint32_t type, size_t len, int fd, int nfd, int ncm)
{
	uint8_t		 buf[4 + GMSG_MAX];
	char		 cbuf[CMSG_SPACE(64 * sizeof(int)) * 2];
	struct iovec	 iov = { buf, 4 + len };
	struct msghdr	 msg;
	struct cmsghdr	*c;
	int		 i, k, per;

	memset(buf, 0, sizeof(buf));
	memcpy(buf, &type, 4);
	memset(cbuf, 0, sizeof(cbuf));
	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = cbuf;
	msg.msg_controllen = 0;
	c = (struct cmsghdr *)cbuf;
	for (k = 0, i = 0; k < ncm; k++) {
		per = k == ncm - 1 ? nfd - i : nfd / ncm;
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(per * sizeof(int));
		for (; per > 0; per--, i++)
			memcpy(CMSG_DATA(c) + (size_t)(per - 1) * sizeof(int),
			    &fd, sizeof(int));
		msg.msg_controllen += CMSG_SPACE(c->cmsg_len - CMSG_LEN(0));
		c = (struct cmsghdr *)((char *)c + CMSG_SPACE(c->cmsg_len -
		    CMSG_LEN(0)));
	}
	ck_assert_int_eq(sendmsg(sock, &msg, 0), (ssize_t)(4 + len));
}

/*
 * A message carrying more than one descriptor (in one control message or
 * several, fewer or more than the receive buffer holds) is refused and
 * leaves none of them open here: a compromised health process must not
 * be able to fill the root announcer's descriptor table.
 */
START_TEST(test_extra_fds_closed)
{
	static const int	 counts[] = { 2, 3, 8, 9, 40 };
	static const uint32_t	 types[] = { GMSG_RELAY_FD, GMSG_WANT,
	    GMSG_RESYNC };
	uint8_t			 pl[GMSG_MAX];
	int			 p[2], fd, before, ncm;
	size_t			 i, t;

	pair();
	ck_assert_int_eq(pipe(p), 0);
	before = open_fds();
	for (t = 0; t < sizeof(types) / sizeof(types[0]); t++)
		for (i = 0; i < sizeof(counts) / sizeof(counts[0]); i++)
			for (ncm = 1; ncm <= 2; ncm++) {
				send_fds(sp[0], types[t], gmsg_size(types[t]),
				    p[1], counts[i], ncm);
				fd = 1234;
				ck_assert_int_eq(gmsg_recv(sp[1], pl,
				    sizeof(pl), &fd), -1);
				ck_assert_int_eq(errno, EBADMSG);
				ck_assert_int_eq(fd, -1);
				ck_assert_int_eq(open_fds(), before);
			}
	/* One descriptor with GMSG_RELAY_FD still arrives, close-on-exec. */
	send_fds(sp[0], GMSG_RELAY_FD, sizeof(struct gmsg_fd), p[1], 1, 1);
	ck_assert_int_eq(gmsg_recv(sp[1], pl, sizeof(pl), &fd), GMSG_RELAY_FD);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(open_fds(), before + 1);
	ck_assert_int_eq(fcntl(fd, F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	close(fd);
	close(p[0]);
	close(p[1]);
	close(sp[0]);
	close(sp[1]);
}
END_TEST

START_TEST(test_refused)
{
	uint8_t			raw[64];
	uint32_t		type;
	struct gmsg_zstate	z;
	int			fd;

	pair();
	/* A WANT one byte too long, an unknown type, a short datagram. */
	type = GMSG_WANT;
	memset(raw, 0, sizeof(raw));
	memcpy(raw, &type, 4);
	ck_assert_int_eq(write(sp[0], raw, 4 + 5), 9);
	ck_assert_int_eq(gmsg_recv(sp[1], &z, sizeof(z), &fd), -1);
	type = 99;
	memcpy(raw, &type, 4);
	ck_assert_int_eq(write(sp[0], raw, 8), 8);
	ck_assert_int_eq(gmsg_recv(sp[1], &z, sizeof(z), &fd), -1);
	ck_assert_int_eq(write(sp[0], raw, 2), 2);
	ck_assert_int_eq(gmsg_recv(sp[1], &z, sizeof(z), &fd), -1);
	/* A ZSTATE into a buffer too small for it. */
	memset(&z, 0, sizeof(z));
	ck_assert_int_eq(gmsg_send(sp[0], GMSG_ZSTATE, &z, sizeof(z), -1), 0);
	ck_assert_int_eq(gmsg_recv(sp[1], raw, 8, &fd), -1);
	close(sp[0]);
	close(sp[1]);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("bgpglue_gmsg");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 nf;

	tcase_add_test(tc, test_roundtrip);
	tcase_add_test(tc, test_fd_passing);
	tcase_add_test(tc, test_refused);
	tcase_add_test(tc, test_extra_fds_closed);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
