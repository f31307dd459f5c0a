/*
 * The messages between bgpglue's processes: each type travels with its
 * exact size, anything else is refused (and a passed fd with it), fds
 * travel only with GMSG_RELAY_FD, EOF is 0.
 */
#include <sys/socket.h>

#include <check.h>
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
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
