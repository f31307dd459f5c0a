/*
 * TUN devices (common/tun_linux.c), as root, each case in a private
 * network namespace of its own (unshare in Check's forked process): the
 * device, its addresses and its routes vanish with the process, and no
 * packet can reach any other namespace.  Checks the name and ifindex,
 * MTU, txqueuelen and link state set by tun_configure, non-blocking reads,
 * IFF_NO_PI (a read is exactly one bare IP packet), and multi-queue.
 */
#include <sys/types.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "tun.h"

static void
private_netns(void)
{
	ck_assert_msg(geteuid() == 0, "tun_test must run as root");
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
}

static int
ifreq_get(const char *name, unsigned long req, struct ifreq *ifr)
{
	int	s, r;

	memset(ifr, 0, sizeof(*ifr));
	strncpy(ifr->ifr_name, name, IFNAMSIZ - 1);
	if ((s = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	r = ioctl(s, req, ifr);
	close(s);
	return r;
}

START_TEST(test_open_configure)
{
	struct tun_dev	tun;
	struct ifreq	ifr;
	char		buf[64];
	int		fl;

	private_netns();
	ck_assert_int_eq(tun_open("jftest0", 0, &tun), 0);
	ck_assert_str_eq(tun.name, "jftest0");
	ck_assert_uint_eq(tun.ifindex, if_nametoindex("jftest0"));
	ck_assert_int_eq(tun.multi_queue, 0);
	fl = fcntl(tun.fd, F_GETFL);
	ck_assert(fl & O_NONBLOCK);
	ck_assert(fcntl(tun.fd, F_GETFD) & FD_CLOEXEC);
	/* Down, nothing queued: a read does not block. */
	ck_assert_int_eq(read(tun.fd, buf, sizeof(buf)), -1);
	ck_assert(errno == EAGAIN || errno == EIO);

	ck_assert_int_eq(tun_configure(&tun, 1400, 777), 0);
	ck_assert_int_eq(ifreq_get("jftest0", SIOCGIFMTU, &ifr), 0);
	ck_assert_int_eq(ifr.ifr_mtu, 1400);
	ck_assert_int_eq(ifreq_get("jftest0", SIOCGIFTXQLEN, &ifr), 0);
	ck_assert_int_eq(ifr.ifr_qlen, 777);
	ck_assert_int_eq(ifreq_get("jftest0", SIOCGIFFLAGS, &ifr), 0);
	ck_assert(ifr.ifr_flags & IFF_UP);
	/* 0 leaves the MTU and queue length alone. */
	ck_assert_int_eq(tun_configure(&tun, 0, 0), 0);
	ck_assert_int_eq(ifreq_get("jftest0", SIOCGIFMTU, &ifr), 0);
	ck_assert_int_eq(ifr.ifr_mtu, 1400);
	/* Out-of-range MTU is refused by the kernel, and reported. */
	ck_assert_int_eq(tun_configure(&tun, 100000, 0), -1);
	tun_close(&tun);
	ck_assert_int_eq(tun.fd, -1);
	ck_assert_uint_eq(if_nametoindex("jftest0"), 0);
}
END_TEST

START_TEST(test_kernel_chooses_name)
{
	struct tun_dev	tun;

	private_netns();
	ck_assert_int_eq(tun_open("", 0, &tun), 0);
	ck_assert_int_eq(strncmp(tun.name, "tun", 3), 0);
	ck_assert_uint_ne(tun.ifindex, 0);
	tun_close(&tun);
	ck_assert_int_eq(tun_open("a-name-that-is-too-long", 0, &tun), -1);
	ck_assert_int_eq(errno, ENAMETOOLONG);
}
END_TEST

/* A UDP datagram routed into the TUN comes out as one bare IPv4 packet. */
START_TEST(test_read_one_packet_no_pi)
{
	struct tun_dev		tun;
	struct ifreq		ifr;
	struct sockaddr_in	sin;
	struct pollfd		pfd;
	uint8_t			pkt[2048];
	ssize_t			n;
	int			s;

	private_netns();
	ck_assert_int_eq(tun_open("jftest1", 0, &tun), 0);
	ck_assert_int_eq(tun_configure(&tun, 1500, 0), 0);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, tun.name, IFNAMSIZ);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "198.18.0.1", &sin.sin_addr);
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	ck_assert_int_ne(s = socket(AF_INET, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(ioctl(s, SIOCSIFADDR, &ifr), 0);
	inet_pton(AF_INET, "255.255.255.0", &sin.sin_addr);
	memcpy(&ifr.ifr_netmask, &sin, sizeof(sin));
	ck_assert_int_eq(ioctl(s, SIOCSIFNETMASK, &ifr), 0);

	/* Two datagrams: two reads, each exactly one packet. */
	sin.sin_port = htons(9);
	inet_pton(AF_INET, "198.18.0.2", &sin.sin_addr);
	ck_assert_int_eq(sendto(s, "first", 5, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), 5);
	ck_assert_int_eq(sendto(s, "second!", 7, 0, (struct sockaddr *)&sin,
	    sizeof(sin)), 7);
	pfd.fd = tun.fd;
	pfd.events = POLLIN;
	/* The kernel may send IPv6 or IGMP chatter first; skip it. */
	for (;;) {
		ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
		n = read(tun.fd, pkt, sizeof(pkt));
		ck_assert_int_gt(n, 0);
		if (pkt[0] == 0x45 && pkt[9] == IPPROTO_UDP)
			break;
	}
	ck_assert_int_eq(n, 20 + 8 + 5);
	ck_assert_mem_eq(pkt + 28, "first", 5);
	ck_assert_mem_eq(pkt + 16, "\xc6\x12\x00\x02", 4);
	ck_assert_int_eq(poll(&pfd, 1, 2000), 1);
	n = read(tun.fd, pkt, sizeof(pkt));
	ck_assert_int_eq(n, 20 + 8 + 7);
	ck_assert_mem_eq(pkt + 28, "second!", 7);
	close(s);
	tun_close(&tun);
}
END_TEST

START_TEST(test_multi_queue)
{
	struct tun_dev	tun, single;
	int		q2, q3;

	private_netns();
	ck_assert_int_eq(tun_open("jftest2", 1, &tun), 0);
	ck_assert_int_eq(tun.multi_queue, 1);
	ck_assert_int_ge(q2 = tun_open_queue(&tun), 0);
	ck_assert_int_ge(q3 = tun_open_queue(&tun), 0);
	ck_assert_int_ne(q2, tun.fd);
	ck_assert(fcntl(q2, F_GETFL) & O_NONBLOCK);
	close(q3);
	close(q2);
	tun_close(&tun);
	/* A single-queue device has no second queue. */
	ck_assert_int_eq(tun_open("jftest3", 0, &single), 0);
	ck_assert_int_eq(tun_open_queue(&single), -1);
	ck_assert_int_eq(errno, EINVAL);
	tun_close(&single);
}
END_TEST

static Suite *
tun_suite(void)
{
	Suite	*s = suite_create("tun");
	TCase	*tc = tcase_create("netns");

	tcase_add_test(tc, test_open_configure);
	tcase_add_test(tc, test_kernel_chooses_name);
	tcase_add_test(tc, test_read_one_packet_no_pi);
	tcase_add_test(tc, test_multi_queue);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(tun_suite());
	int	 failed;

	/* Each case unshares its own namespace: it needs its own fork. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
