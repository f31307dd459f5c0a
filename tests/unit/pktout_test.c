/*
 * pktout_send (common/pktout.c) on a real TAP, as root, each case in a
 * private network namespace of its own, once per back end: sendmmsg
 * (JF_PKTOUT_IO=mmsg) and the TPACKET TX ring (JF_PKTOUT_IO=ring).  The
 * messages are built by hand (what pktout_prepare would fill, but with
 * chosen addresses), so that a batch mixes ethertypes, MACs and iovec
 * counts; the frames are read back from the TAP: destination and source
 * MAC, ethertype, the bytes of every iovec in order, nothing else.
 * Covered: changes of address and ethertype within a batch (one send()
 * for all of it with the ring), the ring wrapping around many times, a message the
 * kernel refuses in the middle of a batch (nonexistent ifindex: ENXIO;
 * longer than the MTU: EMSGSIZE) and the next call going on from the one
 * after it, a full TAP queue (ENOBUFS: the driver dropped it) and the
 * frames after it sent again, and a plain sendmsg on po->fd (what
 * tunbatch submits as an io_uring SENDMSG) while the ring is mapped.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <arpa/inet.h>
#include <net/if.h>
#include <linux/if_ether.h>
#include <linux/if_tun.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "pktout.h"

#define PT_TAP		"jfptap0"
#define PT_QLEN		300	/* the TAP's queue (tx_queue_len) */
#define PT_MAX		1100	/* messages per batch, at most */
#define PT_IOV		3	/* iovecs per message, at most */
#define PT_PKT		1600	/* room for one past the MTU */

static const uint8_t	pt_mac_a[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x0a };
static const uint8_t	pt_mac_b[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x0b };

struct pt {
	struct pktout		po;
	int			tap;
	uint8_t			mac[6];		/* the TAP's */
	struct pktout_msg	m[PT_MAX];
	struct iovec		iov[PT_MAX][PT_IOV];
	uint8_t			pkt[PT_MAX][PT_PKT];
	size_t			len[PT_MAX];
	uint16_t		ethertype[PT_MAX];
	const uint8_t		*dst[PT_MAX];
};

static struct pt	pt;

static void
pt_set_up(int s, const char *name)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, name);
	ck_assert_int_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	ck_assert_int_eq(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
}

/* A namespace of our own, a TAP in it (MTU 1500, queue PT_QLEN), up. */
static void
pt_setup(const char *io)
{
	struct ifreq	ifr;
	int		s, fd;

	ck_assert_msg(geteuid() == 0, "pktout_test must run as root");
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ck_assert_int_eq(setenv("JF_PKTOUT_IO", io, 1), 0);
	memset(&pt, 0, sizeof(pt));
	ck_assert_int_ne(pt.tap = open("/dev/net/tun", O_RDWR | O_NONBLOCK),
	    -1);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strcpy(ifr.ifr_name, PT_TAP);
	ck_assert_int_eq(ioctl(pt.tap, TUNSETIFF, &ifr), 0);
	ck_assert_int_ne(s = socket(AF_INET, SOCK_DGRAM, 0), -1);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, PT_TAP);
	ifr.ifr_qlen = PT_QLEN;
	ck_assert_int_eq(ioctl(s, SIOCSIFTXQLEN, &ifr), 0);
	ck_assert_int_eq(ioctl(s, SIOCGIFHWADDR, &ifr), 0);
	memcpy(pt.mac, ifr.ifr_hwaddr.sa_data, 6);
	/* No IPv6 on it before it is up: no MLD/RS among our frames. */
	fd = open("/proc/sys/net/ipv6/conf/" PT_TAP "/disable_ipv6", O_WRONLY);
	if (fd != -1) {
		ck_assert_int_eq(write(fd, "1", 1), 1);
		close(fd);
	}
	pt_set_up(s, PT_TAP);
	close(s);
	ck_assert_int_eq(pktout_open(&pt.po, PT_TAP, NULL, NULL), 0);
	ck_assert_str_eq(pktout_io_name(&pt.po), io);
}

static void
pt_teardown(void)
{
	pktout_close(&pt.po);
	close(pt.tap);
}

/*
 * Message i: an IPv4 or IPv6 packet of len bytes (first nibble, then the
 * message number and a pattern) to dst, split into niov iovecs.
 */
static void
pt_msg(size_t i, int family, const uint8_t *dst, size_t len, size_t niov)
{
	struct pktout_msg	*m = &pt.m[i];
	uint8_t			*p = pt.pkt[i];
	size_t			 k, at = 0, part;

	ck_assert_uint_ge(len, 8);
	ck_assert_uint_le(niov, PT_IOV);
	memset(m, 0, sizeof(*m));
	p[0] = family == 4 ? 0x45 : 0x60;
	p[1] = (uint8_t)i;
	p[2] = (uint8_t)(i >> 8);
	for (k = 3; k < len; k++)
		p[k] = (uint8_t)(k * 7 + i);
	for (k = 0; k < niov; k++) {
		part = k + 1 == niov ? len - at : len / niov;
		pt.iov[i][k].iov_base = p + at;
		pt.iov[i][k].iov_len = part;
		at += part;
	}
	pt.len[i] = len;
	pt.ethertype[i] = family == 4 ? ETH_P_IP : ETH_P_IPV6;
	pt.dst[i] = dst;
	m->mm.msg_hdr.msg_name = &m->sll;
	m->mm.msg_hdr.msg_namelen = sizeof(m->sll);
	m->mm.msg_hdr.msg_iov = pt.iov[i];
	m->mm.msg_hdr.msg_iovlen = niov;
	m->sll.sll_family = AF_PACKET;
	m->sll.sll_protocol = htons(pt.ethertype[i]);
	m->sll.sll_ifindex = (int)pt.po.ifindex;
	m->sll.sll_halen = 6;
	memcpy(m->sll.sll_addr, dst, 6);
	m->cookie = i;
}

/* The next frame on the TAP is message i's, exactly. */
static void
pt_expect(size_t i)
{
	uint8_t	f[2048];
	ssize_t	n;

	n = read(pt.tap, f, sizeof(f));
	ck_assert_msg(n > 0, "message %zu: no frame (%s)", i,
	    n == -1 ? strerror(errno) : "EOF");
	ck_assert_int_eq((size_t)n, 14 + pt.len[i]);
	ck_assert_mem_eq(f, pt.dst[i], 6);
	ck_assert_mem_eq(f + 6, pt.mac, 6);
	ck_assert_int_eq(f[12] << 8 | f[13], pt.ethertype[i]);
	ck_assert_msg(memcmp(f + 14, pt.pkt[i], pt.len[i]) == 0,
	    "message %zu: bytes differ", i);
}

static void
pt_expect_none(void)
{
	uint8_t	f[2048];

	ck_assert_int_eq(read(pt.tap, f, sizeof(f)), -1);
	ck_assert_int_eq(errno, EAGAIN);
}

/* Sends m[from..to-1] in one call; all must go. */
static void
pt_send_all(size_t from, size_t to)
{
	size_t	i;
	int	err = -1;

	ck_assert_uint_eq(pktout_send(&pt.po, pt.m + from, to - from, &err),
	    to - from);
	ck_assert_int_eq(err, 0);
	for (i = from; i < to; i++)
		ck_assert_uint_eq(pt.m[i].mm.msg_len, pt.len[i]);
}

/* Runs of one address, changes of ethertype and MAC, 1-3 iovecs. */
static void
pt_mixed(const char *io)
{
	static const int	fam[] = { 4, 4, 4, 6, 6, 4, 6, 4, 4, 6 };
	size_t			i, n = 200;

	pt_setup(io);
	for (i = 0; i < n; i++)
		pt_msg(i, fam[i % 10], (i / 7) % 2 ? pt_mac_b : pt_mac_a,
		    60 + (i * 37) % 1400, 1 + i % 3);
	pt_send_all(0, n);
	for (i = 0; i < n; i++)
		pt_expect(i);
	pt_expect_none();
	ck_assert_uint_eq(pt.po.stats.sent, n);
	ck_assert_uint_eq(pt.po.stats.send_errors, 0);
	if (strcmp(io, "ring") == 0)
		/* The frames carry their Ethernet headers: one send(). */
		ck_assert_uint_eq(pt.po.stats.syscalls, 1);
	pt_teardown();
}

START_TEST(test_mixed_mmsg) { pt_mixed("mmsg"); }
END_TEST
START_TEST(test_mixed_ring) { pt_mixed("ring"); }
END_TEST

/* Many more messages than ring frames, in batches read in between. */
static void
pt_wrap(const char *io)
{
	size_t	i, b, n = 250;

	pt_setup(io);
	for (b = 0; b < 20; b++) {
		for (i = 0; i < n; i++)
			pt_msg(i, i % 2 ? 6 : 4, pt_mac_a,
			    100 + (b * 131 + i * 17) % 1400, 1);
		pt_send_all(0, n);
		for (i = 0; i < n; i++)
			pt_expect(i);
		pt_expect_none();
	}
	ck_assert_uint_eq(pt.po.stats.sent, 20 * n);
	pt_teardown();
}

START_TEST(test_wrap_mmsg) { pt_wrap("mmsg"); }
END_TEST
START_TEST(test_wrap_ring) { pt_wrap("ring"); }
END_TEST

/*
 * Message 5 refused (ENXIO or EMSGSIZE): 5 go, then the caller goes on
 * from 6; twice in a row, so that the ring must have resynchronised.
 */
static void
pt_refused(const char *io, int want)
{
	size_t	i, n = 12, got;
	int	round, err;

	pt_setup(io);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < n; i++)
			pt_msg(i, 4, pt_mac_a, 200 + i, 1 + i % 2);
		if (want == ENXIO)
			pt.m[5].sll.sll_ifindex = 999999;
		else {
			pt.iov[5][0].iov_len = pt.po.mtu + 1;
			pt.iov[5][1].iov_len = 0;
		}
		err = 0;
		got = pktout_send(&pt.po, pt.m, n, &err);
		ck_assert_uint_eq(got, 5);
		ck_assert_int_eq(err, want);
		pt_send_all(6, n);
		for (i = 0; i < n; i++)
			if (i != 5)
				pt_expect(i);
		pt_expect_none();
	}
	ck_assert_uint_eq(pt.po.stats.send_errors, 2);
	ck_assert_uint_eq(pt.po.stats.sent, 2 * (n - 1));
	pt_teardown();
}

START_TEST(test_enxio_mmsg) { pt_refused("mmsg", ENXIO); }
END_TEST
START_TEST(test_enxio_ring) { pt_refused("ring", ENXIO); }
END_TEST
START_TEST(test_emsgsize_mmsg) { pt_refused("mmsg", EMSGSIZE); }
END_TEST
START_TEST(test_emsgsize_ring) { pt_refused("ring", EMSGSIZE); }
END_TEST

/*
 * More than the TAP queues while nobody reads: the driver drops the
 * first one past the queue (ENOBUFS); after reading, the rest go, in
 * order, and nothing is sent twice.
 */
static void
pt_full(const char *io)
{
	size_t	i, n = PT_QLEN + 100, got, at;
	int	err = 0;

	pt_setup(io);
	for (i = 0; i < n; i++)
		pt_msg(i, 6, pt_mac_b, 300, 1);
	got = pktout_send(&pt.po, pt.m, n, &err);
	ck_assert_uint_eq(got, PT_QLEN);
	ck_assert_int_eq(err, ENOBUFS);
	for (i = 0; i < got; i++)
		pt_expect(i);
	pt_expect_none();
	at = got + 1;
	pt_send_all(at, n);
	for (i = at; i < n; i++)
		pt_expect(i);
	pt_expect_none();
	pt_teardown();
}

START_TEST(test_full_mmsg) { pt_full("mmsg"); }
END_TEST
START_TEST(test_full_ring) { pt_full("ring"); }
END_TEST

/* tunbatch's io_uring SENDMSG path: a plain sendmsg with data on po->fd. */
START_TEST(test_plain_fd_ring)
{
	size_t	i;

	pt_setup("ring");
	for (i = 0; i < 4; i++)
		pt_msg(i, i % 2 ? 6 : 4, pt_mac_a, 500 + i, 1 + i % 2);
	pt_send_all(0, 2);
	for (i = 2; i < 4; i++)
		ck_assert_int_eq(sendmsg(pt.po.fd, &pt.m[i].mm.msg_hdr,
		    MSG_DONTWAIT), (ssize_t)pt.len[i]);
	for (i = 0; i < 4; i++)
		pt_expect(i);
	pt_expect_none();
	pt_teardown();
}
END_TEST

/* An unknown JF_PKTOUT_IO is sendmmsg; unset, the ring (the default). */
START_TEST(test_io_env)
{
	pt_setup("mmsg");
	pktout_close(&pt.po);
	ck_assert_int_eq(setenv("JF_PKTOUT_IO", "bogus", 1), 0);
	ck_assert_int_eq(pktout_open(&pt.po, PT_TAP, NULL, NULL), 0);
	ck_assert_str_eq(pktout_io_name(&pt.po), "mmsg");
	pktout_close(&pt.po);
	ck_assert_int_eq(unsetenv("JF_PKTOUT_IO"), 0);
	ck_assert_int_eq(pktout_open(&pt.po, PT_TAP, NULL, NULL), 0);
	ck_assert_str_eq(pktout_io_name(&pt.po), "ring");
	pt_teardown();
}
END_TEST

static Suite *
pktout_suite(void)
{
	Suite	*s = suite_create("pktout");
	TCase	*tc = tcase_create("core");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_mixed_mmsg);
	tcase_add_test(tc, test_mixed_ring);
	tcase_add_test(tc, test_wrap_mmsg);
	tcase_add_test(tc, test_wrap_ring);
	tcase_add_test(tc, test_enxio_mmsg);
	tcase_add_test(tc, test_enxio_ring);
	tcase_add_test(tc, test_emsgsize_mmsg);
	tcase_add_test(tc, test_emsgsize_ring);
	tcase_add_test(tc, test_full_mmsg);
	tcase_add_test(tc, test_full_ring);
	tcase_add_test(tc, test_plain_fd_ring);
	tcase_add_test(tc, test_io_env);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(pktout_suite());
	int	 failed;

	/* Each case unshares its own namespace: it needs its own fork. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
