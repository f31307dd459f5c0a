/*
 * tunbatch (common/tunbatch.c) on a real TUN, as root, each case in a
 * private network namespace of its own, once per I/O back end (read/write
 * and io_uring).  UDP datagrams from a local socket are routed into the
 * TUN; the verdict turns each one around (addresses and ports swapped:
 * both checksums stay valid) and tunbatch writes it back, so the kernel
 * delivers it to the same socket.  Checks the counters, the order, that a
 * dropped packet is not written, that a verdict may move p->data into
 * the headroom, and batches larger and smaller than what is queued.
 * A seccomp filter (in the forked test process only) takes io_uring away
 * before tunbatch_init, or between init and the first packet: tunbatch
 * must fall back to read/write and still relay every packet.
 * With raw output (tunbatch_open_raw) the turned-around packets leave on
 * a raw socket instead, to the local address: same checks, fewer system
 * calls on the read/write path (sendmmsg); and a packet to nowhere
 * (ENETUNREACH) falls back to a TUN write.
 * With packet output (tunbatch_open_packet) they go to a TAP device
 * through a real pktout (common/pktout.c), addressed to a gateway with a
 * permanent ARP entry: the frames are read back from the TAP (MAC,
 * ethertype, bytes, order), and what pktout leaves to the kernel (the
 * kick, longer than the TAP's MTU, no usable next hop) or the driver
 * refuses (TAP down: ENETDOWN) is written into the TUN and arrives at
 * the socket.
 */
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/ioctl.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <netinet/in.h>

#include <linux/if_tun.h>

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "pktout.h"
#include "tun.h"
#include "tunbatch.h"

#define TBT_PORT	4242

struct tbt {
	struct tun_dev		tun;
	int			sock;
	struct sockaddr_in	peer;	/* 198.18.0.2:9, routed into the TUN */
	unsigned int		seen;	/* verdict calls */
	unsigned int		drop_every;	/* drop packet k when k % n == 0 */
	int			shift;	/* move the packet into the headroom */
	int			unroutable; /* send to 203.0.113.99 instead */
};

static void
tbt_swap(uint8_t *a, uint8_t *b, size_t n)
{
	uint8_t	t;

	while (n-- > 0) {
		t = *a;
		*a++ = *b;
		*b++ = t;
	}
}

/* Turn an IPv4/UDP packet around; everything else is dropped. */
static int
tbt_verdict(void *arg, uint64_t now_ms, struct tb_pkt *p)
{
	struct tbt	*t = arg;
	uint8_t		*ip;

	(void)now_ms;
	if (p->len < 28 || p->data[0] != 0x45 || p->data[9] != IPPROTO_UDP)
		return 0;
	t->seen++;
	if (t->drop_every != 0 && t->seen % t->drop_every == 0)
		return 0;
	if (t->shift) {
		/* Exercise the headroom: the packet moves 20 bytes down. */
		ck_assert(p->data - 20 >= p->buf);
		memmove(p->data - 20, p->data, p->len);
		p->data -= 20;
	}
	ip = p->data;
	tbt_swap(ip + 12, ip + 16, 4);
	tbt_swap(ip + 20, ip + 22, 2);
	if (t->unroutable)
		inet_pton(AF_INET, "203.0.113.99", ip + 16);
	return 1;
}

static void
tbt_setup(struct tbt *t, const char *name)
{
	struct ifreq		ifr;
	struct sockaddr_in	sin;
	int			s;

	memset(t, 0, sizeof(*t));
	ck_assert_msg(geteuid() == 0, "tunbatch_test must run as root");
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	ck_assert_int_eq(tun_open(name, 0, &t->tun), 0);
	ck_assert_int_eq(tun_configure(&t->tun, 1500, 1000), 0);
	ck_assert_int_ne(s = socket(AF_INET, SOCK_DGRAM, 0), -1);
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, t->tun.name, IFNAMSIZ);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, "198.18.0.1", &sin.sin_addr);
	memcpy(&ifr.ifr_addr, &sin, sizeof(sin));
	ck_assert_int_eq(ioctl(s, SIOCSIFADDR, &ifr), 0);
	inet_pton(AF_INET, "255.255.255.0", &sin.sin_addr);
	memcpy(&ifr.ifr_netmask, &sin, sizeof(sin));
	ck_assert_int_eq(ioctl(s, SIOCSIFNETMASK, &ifr), 0);
	/* The turned-around packets arrive from the TUN: no rp_filter. */
	inet_pton(AF_INET, "198.18.0.1", &sin.sin_addr);
	sin.sin_port = htons(TBT_PORT);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	t->sock = s;
	t->peer.sin_family = AF_INET;
	t->peer.sin_port = htons(9);
	inet_pton(AF_INET, "198.18.0.2", &t->peer.sin_addr);
}

static void
tbt_lo_up(void)
{
	struct ifreq	ifr;
	int		s;

	ck_assert_int_ne(s = socket(AF_INET, SOCK_DGRAM, 0), -1);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	ck_assert_int_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	ifr.ifr_flags |= IFF_UP;
	ck_assert_int_eq(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
	close(s);
}

static void
tbt_send(struct tbt *t, unsigned int count)
{
	char		msg[32];
	unsigned int	i;
	int		len;

	for (i = 0; i < count; i++) {
		len = snprintf(msg, sizeof(msg), "pkt %u", i);
		ck_assert_int_eq(sendto(t->sock, msg, (size_t)len, 0,
		    (struct sockaddr *)&t->peer, sizeof(t->peer)), len);
	}
}

/* Service the TUN until `count` UDP packets went through the verdict. */
static void
tbt_service(struct tbt *t, struct tunbatch *tb, unsigned int count)
{
	struct pollfd	pfd = { .fd = t->tun.fd, .events = POLLIN };

	while (t->seen < count) {
		ck_assert_msg(poll(&pfd, 1, 2000) == 1, "TUN went quiet at %u",
		    t->seen);
		tunbatch_service(tb, 0);
	}
}

/* The datagrams that came back, in order; -1 when none is left. */
static int
tbt_recv(struct tbt *t)
{
	char			buf[64];
	struct sockaddr_in	from;
	socklen_t		fl = sizeof(from);
	ssize_t			n;
	unsigned int		k;

	memset(&from, 0, sizeof(from));
	n = recvfrom(t->sock, buf, sizeof(buf) - 1, MSG_DONTWAIT,
	    (struct sockaddr *)&from, &fl);
	if (n < 0)
		return -1;
	buf[n] = '\0';
	ck_assert_int_eq(from.sin_addr.s_addr, t->peer.sin_addr.s_addr);
	ck_assert_int_eq(from.sin_port, htons(9));
	ck_assert_int_eq(sscanf(buf, "pkt %u", &k), 1);
	return (int)k;
}

/* From now on, system call nr fails with EPERM in this process. */
static void
tbt_forbid(long nr)
{
	struct sock_filter	f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		    offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog	prog = {
		.len = (unsigned short)(sizeof(f) / sizeof(f[0])),
		.filter = f
	};

	ck_assert_int_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	ck_assert_int_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0);
}

enum tbt_forbid {
	TBT_ALLOW,
	TBT_NO_SETUP,		/* no io_uring_setup before init */
	TBT_NO_ENTER		/* no io_uring_enter after init */
};

enum tbt_out {
	TBT_TUN,		/* write into the TUN */
	TBT_RAW,		/* raw sockets */
	TBT_RAW_NOROUTE		/* raw sockets, no route: TUN fallback */
};

static void
tbt_run_out(enum tb_io io, size_t batch, unsigned int count,
    unsigned int drop_every, int shift, enum tbt_forbid forbid,
    enum tbt_out out)
{
	struct tbt	t;
	struct tunbatch	tb;
	unsigned int	i, want, kept = 0;
	int		k;

	tbt_setup(&t, "jftb0");
	t.drop_every = drop_every;
	t.shift = shift;
	if (forbid == TBT_NO_SETUP)
		tbt_forbid(__NR_io_uring_setup);
	ck_assert_int_eq(tunbatch_init_io(&tb, t.tun.fd, batch, tbt_verdict,
	    &t, io), 0);
	if (forbid == TBT_NO_SETUP) {
		ck_assert_int_eq(tb.io, TB_IO_RW);
		io = TB_IO_RW;
	}
	/* This kernel has io_uring: a silent fall back would hide a bug. */
	ck_assert_int_eq(tb.io, io);
	ck_assert_str_eq(tunbatch_io_name(&tb), io == TB_IO_URING ? "uring" :
	    "rw");
	ck_assert_str_eq(tunbatch_output_name(&tb), "tun");
	if (out != TBT_TUN) {
		/* Raw output to our own address is looped back over lo. */
		tbt_lo_up();
		ck_assert_int_eq(tunbatch_open_raw(&tb), 0);
		ck_assert_str_eq(tunbatch_output_name(&tb), "raw");
		t.unroutable = out == TBT_RAW_NOROUTE;
	}
	if (forbid == TBT_NO_ENTER) {
		tbt_forbid(__NR_io_uring_enter);
		io = TB_IO_RW;	/* what it must end up with */
	}
	tbt_send(&t, count);
	tbt_service(&t, &tb, count);
	ck_assert_int_eq(tb.io, io);
	for (i = 0; i < count; i++) {
		if (drop_every != 0 && (i + 1) % drop_every == 0)
			continue;
		want = i;
		kept++;
		if (out == TBT_RAW_NOROUTE)
			continue;	/* the kernel drops them too */
		k = tbt_recv(&t);
		ck_assert_msg(k == (int)want, "got %d, want %u", k, want);
	}
	ck_assert_int_eq(tbt_recv(&t), -1);
	/* Kernel chatter (IGMP, IPv6) may be read too, and dropped. */
	ck_assert_uint_ge(tb.stats.rx, count);
	ck_assert_uint_eq(tb.stats.tx, kept);
	ck_assert_uint_eq(tb.stats.read_errors, 0);
	ck_assert_uint_eq(tb.stats.write_errors, 0);
	ck_assert_uint_ge(tb.stats.wakeups, 1);
	ck_assert_uint_eq(tb.stats.raw_tun_fallback,
	    out == TBT_RAW_NOROUTE ? kept : 0);
	/* Batching: far fewer system calls than packets with io_uring. */
	if (io == TB_IO_URING && count >= 32)
		ck_assert_uint_lt(tb.stats.syscalls, count / 2);
	if (io == TB_IO_RW && out != TBT_RAW)
		ck_assert_uint_ge(tb.stats.syscalls, count + kept);
	if (io == TB_IO_RW && out == TBT_RAW)
		ck_assert_uint_ge(tb.stats.syscalls, count);
	tunbatch_free(&tb);
	close(t.sock);
	tun_close(&t.tun);
}

static void
tbt_run_forbid(enum tb_io io, size_t batch, unsigned int count,
    unsigned int drop_every, int shift, enum tbt_forbid forbid)
{
	tbt_run_out(io, batch, count, drop_every, shift, forbid, TBT_TUN);
}

static void
tbt_run(enum tb_io io, size_t batch, unsigned int count,
    unsigned int drop_every, int shift)
{
	tbt_run_forbid(io, batch, count, drop_every, shift, TBT_ALLOW);
}

/* Packet output: the TAP and its gateway 198.18.1.2 (permanent ARP). */
#define TBT_TAP		"jftap0"
#define TBT_GW		"198.18.1.2"
static const uint8_t	tbt_gw_mac[6] = { 0x02, 0x00, 0x5e, 0x00, 0x53, 0x02 };

enum tbt_pkt_case {
	TBT_PKT_OK,		/* driver path, the first packet kicked */
	TBT_PKT_TOOBIG,		/* longer than the TAP's MTU: kernel path */
	TBT_PKT_DOWN,		/* TAP down after open: ENETDOWN fallback */
	TBT_PKT_NONEIGH		/* gateway without neighbour entry */
};

static void
tbt_ifreq_addr(struct ifreq *ifr, const char *a)
{
	struct sockaddr_in	sin;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	inet_pton(AF_INET, a, &sin.sin_addr);
	memcpy(&ifr->ifr_addr, &sin, sizeof(sin));
}

static void
tbt_set_flags(int s, const char *name, int up)
{
	struct ifreq	ifr;

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, name);
	ck_assert_int_eq(ioctl(s, SIOCGIFFLAGS, &ifr), 0);
	if (up)
		ifr.ifr_flags |= IFF_UP;
	else
		ifr.ifr_flags &= ~IFF_UP;
	ck_assert_int_eq(ioctl(s, SIOCSIFFLAGS, &ifr), 0);
}

/* A TAP at 198.18.1.1/24 with that MTU, up; its MAC into mac. */
static int
tbt_tap_open(unsigned int mtu, int arp, uint8_t mac[6])
{
	struct ifreq		ifr;
	struct arpreq		ar;
	struct sockaddr_in	sin;
	int			fd, s;

	ck_assert_int_ne(fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK), -1);
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strcpy(ifr.ifr_name, TBT_TAP);
	ck_assert_int_eq(ioctl(fd, TUNSETIFF, &ifr), 0);
	ck_assert_int_ne(s = socket(AF_INET, SOCK_DGRAM, 0), -1);
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, TBT_TAP);
	ifr.ifr_mtu = (int)mtu;
	ck_assert_int_eq(ioctl(s, SIOCSIFMTU, &ifr), 0);
	ck_assert_int_eq(ioctl(s, SIOCGIFHWADDR, &ifr), 0);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	tbt_ifreq_addr(&ifr, "198.18.1.1");
	ck_assert_int_eq(ioctl(s, SIOCSIFADDR, &ifr), 0);
	tbt_ifreq_addr(&ifr, "255.255.255.0");
	ck_assert_int_eq(ioctl(s, SIOCSIFNETMASK, &ifr), 0);
	tbt_set_flags(s, TBT_TAP, 1);
	if (arp) {
		memset(&ar, 0, sizeof(ar));
		memset(&sin, 0, sizeof(sin));
		sin.sin_family = AF_INET;
		inet_pton(AF_INET, TBT_GW, &sin.sin_addr);
		memcpy(&ar.arp_pa, &sin, sizeof(sin));
		ar.arp_ha.sa_family = ARPHRD_ETHER;
		memcpy(ar.arp_ha.sa_data, tbt_gw_mac, 6);
		ar.arp_flags = ATF_PERM | ATF_COM;
		strcpy(ar.arp_dev, TBT_TAP);
		ck_assert_int_eq(ioctl(s, SIOCSARP, &ar), 0);
	}
	close(s);
	return fd;
}

/*
 * The next turned-around datagram the TAP got: checks the frame (to the
 * gateway's MAC from the TAP's, IPv4, from 198.18.0.2 to 198.18.0.1) and
 * returns its number; other frames (IPv6 chatter) are skipped; -1 when
 * none is left.
 */
static int
tbt_tap_frame(int fd, const uint8_t mac[6])
{
	uint8_t		f[2048];
	char		msg[32];
	ssize_t		n;
	unsigned int	k;
	size_t		len;

	while ((n = read(fd, f, sizeof(f))) > 0) {
		if (n < 14 + 28 || f[12] != 0x08 || f[13] != 0x00)
			continue;
		ck_assert_mem_eq(f, tbt_gw_mac, 6);
		ck_assert_mem_eq(f + 6, mac, 6);
		ck_assert_int_eq(f[14], 0x45);
		ck_assert_int_eq(f[14 + 9], IPPROTO_UDP);
		ck_assert_int_eq(f[14 + 12], 198);
		ck_assert_int_eq(f[14 + 15], 2);
		ck_assert_int_eq(f[14 + 19], 1);
		/* Exactly the IP packet: total length = frame - header. */
		ck_assert_int_eq((f[16] << 8 | f[17]), n - 14);
		len = (size_t)n - 14 - 28;
		if (len >= sizeof(msg))
			len = sizeof(msg) - 1;
		memcpy(msg, f + 14 + 28, len);
		msg[len] = '\0';
		ck_assert_int_eq(sscanf(msg, "pkt %u", &k), 1);
		return (int)k;
	}
	return -1;
}

/* Datagrams of size bytes ("pkt N" then padding). */
static void
tbt_send_sized(struct tbt *t, unsigned int count, size_t size)
{
	char		msg[1500];
	unsigned int	i;

	ck_assert_uint_le(size, sizeof(msg));
	for (i = 0; i < count; i++) {
		memset(msg, 'x', sizeof(msg));
		snprintf(msg, sizeof(msg), "pkt %u", i);
		ck_assert_int_eq(sendto(t->sock, msg, size, 0,
		    (struct sockaddr *)&t->peer, sizeof(t->peer)),
		    (ssize_t)size);
	}
}

static void
tbt_run_packet(enum tb_io io, unsigned int count, unsigned int drop_every,
    enum tbt_pkt_case c)
{
	struct tbt	t;
	struct tunbatch	tb;
	struct pktout	po;
	struct in_addr	gw;
	uint8_t		mac[6];
	unsigned int	i, kept = 0, via_tap = 0, via_tun = 0, want;
	int		tap, k, s;

	tbt_setup(&t, "jftb0");
	t.drop_every = drop_every;
	t.shift = 1;
	tap = tbt_tap_open(c == TBT_PKT_TOOBIG ? 576 : 1500,
	    c != TBT_PKT_NONEIGH, mac);
	ck_assert_int_eq(tunbatch_init_io(&tb, t.tun.fd, 16, tbt_verdict, &t,
	    io), 0);
	ck_assert_int_eq(tb.io, io);
	inet_pton(AF_INET, TBT_GW, &gw);
	ck_assert_int_eq(pktout_open(&po, TBT_TAP, &gw, NULL), 0);
	ck_assert_int_eq(po.nh4.usable, c != TBT_PKT_NONEIGH);
	ck_assert_int_eq(tunbatch_open_packet(&tb, &po), 0);
	ck_assert_str_eq(tunbatch_output_name(&tb), "packet");
	if (c == TBT_PKT_DOWN) {
		ck_assert_int_ne(s = socket(AF_INET, SOCK_DGRAM, 0), -1);
		tbt_set_flags(s, TBT_TAP, 0);
		close(s);
	}
	tbt_send_sized(&t, count, c == TBT_PKT_TOOBIG ? 600 : 16);
	tbt_service(&t, &tb, count);
	/*
	 * Every kept datagram arrives exactly once, by the TAP or by the
	 * kernel path, in order within each path.
	 */
	for (i = 0, want = 0; i < count; i++) {
		if (drop_every != 0 && (i + 1) % drop_every == 0)
			continue;
		kept++;
	}
	for (want = 0; (k = tbt_tap_frame(tap, mac)) != -1; via_tap++) {
		ck_assert_int_ge(k, (int)want);
		want = (unsigned int)k + 1;
	}
	for (want = 0; (k = tbt_recv(&t)) != -1; via_tun++) {
		ck_assert_int_ge(k, (int)want);
		want = (unsigned int)k + 1;
	}
	ck_assert_uint_eq(via_tap + via_tun, kept);
	ck_assert_uint_eq(tb.stats.tx, kept);
	ck_assert_uint_eq(tb.stats.write_errors, 0);
	ck_assert_uint_eq(tb.stats.read_errors, 0);
	switch (c) {
	case TBT_PKT_OK:
		/* The first packet after the refresh is the kick. */
		ck_assert_uint_eq(po.nh4.stats.kicks, 1);
		ck_assert_uint_eq(via_tun, 1);
		ck_assert_uint_eq(po.stats.kernel_path, 1);
		ck_assert_uint_eq(po.stats.sent, kept - 1);
		ck_assert_uint_eq(po.stats.send_errors, 0);
		ck_assert_uint_eq(tb.stats.raw_tun_fallback, 0);
		/* Batched: one sendmmsg per batch, not one per packet. */
		if (io == TB_IO_RW)
			ck_assert_uint_lt(tb.stats.syscalls, count + kept / 2);
		break;
	case TBT_PKT_TOOBIG:
		ck_assert_uint_eq(via_tap, 0);
		ck_assert_uint_eq(po.stats.too_big, kept);
		ck_assert_uint_eq(po.stats.kernel_path, kept);
		ck_assert_uint_eq(po.stats.sent, 0);
		break;
	case TBT_PKT_DOWN:
		ck_assert_uint_eq(via_tap, 0);
		ck_assert_uint_eq(po.stats.kernel_path, 1);
		ck_assert_uint_eq(tb.stats.raw_tun_fallback, kept - 1);
		ck_assert_uint_eq(po.stats.send_errors, kept - 1);
		ck_assert_uint_eq(po.stats.sent, 0);
		break;
	case TBT_PKT_NONEIGH:
		ck_assert_uint_eq(via_tap, 0);
		ck_assert_uint_eq(po.stats.kernel_path, kept);
		ck_assert_uint_eq(po.nh4.stats.kicks, 0);
		break;
	}
	tunbatch_free(&tb);
	pktout_close(&po);
	close(tap);
	close(t.sock);
	tun_close(&t.tun);
}

START_TEST(test_packet_rw)
{
	tbt_run_packet(TB_IO_RW, 100, 3, TBT_PKT_OK);
}
END_TEST

START_TEST(test_packet_uring)
{
	tbt_run_packet(TB_IO_URING, 100, 3, TBT_PKT_OK);
}
END_TEST

START_TEST(test_packet_toobig_rw)
{
	tbt_run_packet(TB_IO_RW, 20, 0, TBT_PKT_TOOBIG);
}
END_TEST

START_TEST(test_packet_toobig_uring)
{
	tbt_run_packet(TB_IO_URING, 20, 0, TBT_PKT_TOOBIG);
}
END_TEST

START_TEST(test_packet_down_rw)
{
	tbt_run_packet(TB_IO_RW, 20, 4, TBT_PKT_DOWN);
}
END_TEST

START_TEST(test_packet_down_uring)
{
	tbt_run_packet(TB_IO_URING, 20, 4, TBT_PKT_DOWN);
}
END_TEST

START_TEST(test_packet_noneigh_rw)
{
	tbt_run_packet(TB_IO_RW, 20, 0, TBT_PKT_NONEIGH);
}
END_TEST

START_TEST(test_packet_noneigh_uring)
{
	tbt_run_packet(TB_IO_URING, 20, 0, TBT_PKT_NONEIGH);
}
END_TEST

START_TEST(test_raw_rw)
{
	tbt_run_out(TB_IO_RW, 8, 100, 3, 1, TBT_ALLOW, TBT_RAW);
}
END_TEST

START_TEST(test_raw_uring)
{
	tbt_run_out(TB_IO_URING, 8, 100, 3, 1, TBT_ALLOW, TBT_RAW);
}
END_TEST

START_TEST(test_raw_noroute_rw)
{
	tbt_run_out(TB_IO_RW, 16, 20, 0, 0, TBT_ALLOW, TBT_RAW_NOROUTE);
}
END_TEST

START_TEST(test_raw_noroute_uring)
{
	tbt_run_out(TB_IO_URING, 16, 20, 0, 0, TBT_ALLOW, TBT_RAW_NOROUTE);
}
END_TEST

START_TEST(test_raw_seccomp_enter_fails_later)
{
	tbt_run_out(TB_IO_URING, 16, 40, 4, 1, TBT_NO_ENTER, TBT_RAW);
}
END_TEST

START_TEST(test_seccomp_no_ring)
{
	tbt_run_forbid(TB_IO_URING, 16, 40, 0, 0, TBT_NO_SETUP);
}
END_TEST

START_TEST(test_seccomp_enter_fails_later)
{
	tbt_run_forbid(TB_IO_URING, 16, 40, 4, 1, TBT_NO_ENTER);
}
END_TEST

START_TEST(test_rw_small)
{
	tbt_run(TB_IO_RW, 64, 5, 0, 0);
}
END_TEST

START_TEST(test_rw_many_drop_shift)
{
	tbt_run(TB_IO_RW, 8, 100, 3, 1);
}
END_TEST

START_TEST(test_uring_small)
{
	tbt_run(TB_IO_URING, 64, 5, 0, 0);
}
END_TEST

START_TEST(test_uring_many)
{
	tbt_run(TB_IO_URING, 64, 200, 0, 0);
}
END_TEST

START_TEST(test_uring_rounds_drop_shift)
{
	/* Batch 8, 100 queued: several rounds per wakeup, two sets. */
	tbt_run(TB_IO_URING, 8, 100, 3, 1);
}
END_TEST

/* JF_TUN_IO=rw makes the default (TB_IO_AUTO) read/write. */
START_TEST(test_auto_env)
{
	struct tbt	t;
	struct tunbatch	tb;

	tbt_setup(&t, "jftb1");
	ck_assert_int_eq(setenv("JF_TUN_IO", "rw", 1), 0);
	ck_assert_int_eq(tunbatch_init(&tb, t.tun.fd, 16, tbt_verdict, &t),
	    0);
	ck_assert_int_eq(tb.io, TB_IO_RW);
	tunbatch_free(&tb);
	ck_assert_int_eq(unsetenv("JF_TUN_IO"), 0);
	ck_assert_int_eq(tunbatch_init(&tb, t.tun.fd, 16, tbt_verdict, &t),
	    0);
	ck_assert_int_eq(tb.io, TB_IO_URING);
	tbt_send(&t, 3);
	tbt_service(&t, &tb, 3);
	ck_assert_int_eq(tbt_recv(&t), 0);
	ck_assert_int_eq(tbt_recv(&t), 1);
	ck_assert_int_eq(tbt_recv(&t), 2);
	tunbatch_free(&tb);
	close(t.sock);
	tun_close(&t.tun);
}
END_TEST

static Suite *
tunbatch_suite(void)
{
	Suite	*s = suite_create("tunbatch");
	TCase	*tc = tcase_create("netns");

	tcase_add_test(tc, test_rw_small);
	tcase_add_test(tc, test_rw_many_drop_shift);
	tcase_add_test(tc, test_uring_small);
	tcase_add_test(tc, test_uring_many);
	tcase_add_test(tc, test_uring_rounds_drop_shift);
	tcase_add_test(tc, test_auto_env);
	tcase_add_test(tc, test_seccomp_no_ring);
	tcase_add_test(tc, test_seccomp_enter_fails_later);
	tcase_add_test(tc, test_raw_rw);
	tcase_add_test(tc, test_raw_uring);
	tcase_add_test(tc, test_raw_noroute_rw);
	tcase_add_test(tc, test_raw_noroute_uring);
	tcase_add_test(tc, test_raw_seccomp_enter_fails_later);
	tcase_add_test(tc, test_packet_rw);
	tcase_add_test(tc, test_packet_uring);
	tcase_add_test(tc, test_packet_toobig_rw);
	tcase_add_test(tc, test_packet_toobig_uring);
	tcase_add_test(tc, test_packet_down_rw);
	tcase_add_test(tc, test_packet_down_uring);
	tcase_add_test(tc, test_packet_noneigh_rw);
	tcase_add_test(tc, test_packet_noneigh_uring);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(tunbatch_suite());
	int	 failed;

	/* Each case unshares its own namespace: it needs its own fork. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
