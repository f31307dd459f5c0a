/*
 * Batched TUN reader/writer.  See tunbatch.h.
 */
#include <sys/socket.h>
#include <sys/uio.h>
#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "inet.h"
#include "log.h"
#include "pbuf.h"
#include "pktout.h"
#include "tunbatch.h"
#include "uring_io.h"

/*
 * Batches per wakeup with io_uring: the loop goes on while reads come
 * back full, then returns to the event loop so that timers and the
 * control socket are served between floods.
 */
#define TB_URING_ROUNDS		4
/* Fewest reads posted in one round: each empty one costs an attempt. */
#define TB_URING_WANT_MIN	8
#define TB_UD_WRITE		(1ULL << 63)
/* With TB_UD_WRITE: a SENDMSG on the pktout socket, not a TUN write. */
#define TB_UD_PKTOUT		(1ULL << 62)
#define TB_UD_PKT		(~(TB_UD_WRITE | TB_UD_PKTOUT))
/* Where raw output finds the addresses (RFC 791, RFC 8200). */
#define TB_IP4_DST		16
#define TB_IP6_SRC		8
#define TB_IP6_DST		24

/*
 * One raw send: the header sendmsg/sendmmsg reads, the packet's bytes and
 * its destination.  With io_uring, slot i belongs to tb->pkt[i]; with
 * read/write, slot k is the k-th packet kept in the batch (pkt says
 * which), so that runs of one family go out in one sendmmsg.
 */
struct tb_rawmsg {
	struct mmsghdr		mm;
	struct iovec		iov;
	union {
		struct sockaddr_in	sin;
		struct sockaddr_in6	sin6;
	}			sa;
	/* One IPV6_PKTINFO; uint64_t aligns it for struct cmsghdr. */
	uint64_t		ctl[(CMSG_SPACE(sizeof(struct in6_pktinfo)) +
				    7) / 8];
	size_t			pkt;
	int			fd;
};

static int	tunbatch_uring_open(struct tunbatch *);
static void	tunbatch_uring_close(struct tunbatch *);
static void	tunbatch_uring_fail(struct tunbatch *, const char *, int);
static size_t	tunbatch_uring_reap(struct tunbatch *, int *);
static size_t	tunbatch_service_uring(struct tunbatch *, uint64_t);
static size_t	tunbatch_service_rw(struct tunbatch *, uint64_t);
static size_t	tunbatch_service_fill(struct tunbatch *, uint64_t);
static size_t	tunbatch_decide_rw(struct tunbatch *, size_t, uint64_t);
static void	tunbatch_pktout_flush(struct tunbatch *, size_t);

static enum tb_io
tunbatch_io_wanted(enum tb_io io)
{
	const char	*e;

	if (io != TB_IO_AUTO)
		return io;
	if ((e = getenv("JF_TUN_IO")) != NULL && strcmp(e, "rw") == 0)
		return TB_IO_RW;
	return TB_IO_URING;
}

int
tunbatch_init(struct tunbatch *tb, int fd, size_t batch, tb_verdict_fn fn,
    void *arg)
{
	return tunbatch_init_io(tb, fd, batch, fn, arg, TB_IO_AUTO);
}

int
tunbatch_init_io(struct tunbatch *tb, int fd, size_t batch, tb_verdict_fn fn,
    void *arg, enum tb_io io)
{
	size_t	i, bufsz = TB_HEADROOM + TB_PKT_MAX;

	if (batch == 0 || batch > TB_BATCH_MAX)
		batch = TB_BATCH_MAX;
	memset(tb, 0, sizeof(*tb));
	tb->fd = fd;
	tb->batch = batch;
	tb->verdict = fn;
	tb->arg = arg;
	tb->want = batch;
	tb->raw4 = tb->raw6 = -1;
	/* Two sets either way: a late fall back to read/write keeps them. */
	if ((tb->arena = malloc(2 * batch * bufsz)) == NULL)
		return -1;
	for (i = 0; i < 2 * batch; i++) {
		tb->pkt[i].buf = tb->arena + i * bufsz;
		tb->pkt[i].cap = bufsz;
		tunbatch_pkt_reset(&tb->pkt[i]);
	}
	tb->io = TB_IO_RW;
	if (tunbatch_io_wanted(io) == TB_IO_URING &&
	    tunbatch_uring_open(tb) == 0)
		tb->io = TB_IO_URING;
	return 0;
}

void
tunbatch_free(struct tunbatch *tb)
{
	tunbatch_uring_close(tb);
	if (tb->raw4 != -1)
		close(tb->raw4);
	if (tb->raw6 != -1)
		close(tb->raw6);
	tb->raw4 = tb->raw6 = -1;
	free(tb->rawmsg);
	tb->rawmsg = NULL;
	free(tb->pomsg);
	tb->pomsg = NULL;
	tb->po = NULL;
	free(tb->arena);
	tb->arena = NULL;
}

/*
 * IPPROTO_RAW sockets only send (IPv4 delivers nothing to them; IPv6
 * only next header 255): a small receive buffer all the same.
 */
static int
tunbatch_raw_socket(int af)
{
	int	fd, one = 1, small = 1;

	if ((fd = socket(af, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    IPPROTO_RAW)) == -1)
		return -1;
	if (af == AF_INET)
		(void)setsockopt(fd, IPPROTO_IP, IP_HDRINCL, &one,
		    sizeof(one));
	/*
	 * IPv6: each packet names its own (usually not local) source in
	 * IPV6_PKTINFO, which freebind lets through.  Without a source the
	 * kernel runs source address selection for every packet, only to
	 * look the route up (the header keeps ours): a tenth of the cost.
	 */
	if (af == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_FREEBIND,
	    &one, sizeof(one)) == -1) {
		close(fd);
		return -1;
	}
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
	return fd;
}

int
tunbatch_open_raw(struct tunbatch *tb)
{
	int	saved;

	if ((tb->rawmsg = calloc(2 * tb->batch, sizeof(*tb->rawmsg))) == NULL)
		return -1;
	if ((tb->raw4 = tunbatch_raw_socket(AF_INET)) == -1 ||
	    (tb->raw6 = tunbatch_raw_socket(AF_INET6)) == -1) {
		saved = errno;
		if (tb->raw4 != -1)
			close(tb->raw4);
		tb->raw4 = -1;
		free(tb->rawmsg);
		tb->rawmsg = NULL;
		errno = saved;
		return -1;
	}
	return 0;
}

int
tunbatch_open_packet(struct tunbatch *tb, struct pktout *po)
{
	if ((tb->pomsg = calloc(2 * tb->batch, sizeof(*tb->pomsg))) == NULL)
		return -1;
	tb->po = po;
	return 0;
}

const char *
tunbatch_output_name(const struct tunbatch *tb)
{
	if (tb->po != NULL)
		return "packet";
	return tb->raw4 != -1 ? "raw" : "tun";
}

/*
 * Fill slot m for packet i: the socket of its IP version, its
 * destination.  -1 for what no raw socket can send (counted as a write
 * error; verdicts only keep IPv4 and IPv6).
 */
static int
tunbatch_raw_prepare(struct tunbatch *tb, struct tb_rawmsg *m, size_t i)
{
	const struct tb_pkt	*p = &tb->pkt[i];
	struct msghdr		*h = &m->mm.msg_hdr;
	struct cmsghdr		*c;
	struct in6_pktinfo	*pi;
	struct pbuf		 b;

	memset(m, 0, sizeof(*m));
	m->pkt = i;
	m->iov.iov_base = p->data;
	m->iov.iov_len = p->len;
	h->msg_iov = &m->iov;
	h->msg_iovlen = 1;
	h->msg_name = &m->sa;
	pbuf_init(&b, p->data, p->len);
	switch (ip_version(p->data, p->len)) {
	case 4:
		if (pbuf_peek(&b, TB_IP4_DST, &m->sa.sin.sin_addr, 4) == -1)
			return -1;
		m->sa.sin.sin_family = AF_INET;
		h->msg_namelen = sizeof(m->sa.sin);
		m->fd = tb->raw4;
		return 0;
	case 6:
		break;
	default:
		return -1;
	}
	h->msg_control = m->ctl;
	h->msg_controllen = CMSG_SPACE(sizeof(struct in6_pktinfo));
	c = CMSG_FIRSTHDR(h);
	c->cmsg_level = IPPROTO_IPV6;
	c->cmsg_type = IPV6_PKTINFO;
	c->cmsg_len = CMSG_LEN(sizeof(struct in6_pktinfo));
	pi = (struct in6_pktinfo *)(void *)CMSG_DATA(c);
	if (pbuf_peek(&b, TB_IP6_DST, &m->sa.sin6.sin6_addr, 16) == -1 ||
	    pbuf_peek(&b, TB_IP6_SRC, &pi->ipi6_addr, 16) == -1)
		return -1;
	m->sa.sin6.sin6_family = AF_INET6;
	h->msg_namelen = sizeof(m->sa.sin6);
	m->fd = tb->raw6;
	return 0;
}

/*
 * A send that failed: into the TUN after all if the kernel path can do
 * better (into_tun: counted as raw_tun_fallback), else a write error.
 * Rare: one write() here is fine.
 */
static void
tunbatch_send_failed(struct tunbatch *tb, size_t i, int into_tun)
{
	const struct tb_pkt	*p = &tb->pkt[i];

	if (into_tun) {
		tb->stats.raw_tun_fallback++;
		tb->stats.syscalls++;
		ip_hop_credit(p->data, p->len);
		if (write(tb->fd, p->data, p->len) == (ssize_t)p->len) {
			tb->stats.tx++;
			return;
		}
	}
	tb->stats.write_errors++;
}

/*
 * A raw send failed with err.  Where the local-output path refuses what
 * forwarding would answer with an ICMP error (too big, no route), the
 * kernel's forwarding path answers it instead.
 */
static void
tunbatch_raw_failed(struct tunbatch *tb, size_t i, int err)
{
	tunbatch_send_failed(tb, i, err == EMSGSIZE || err == ENETUNREACH ||
	    err == EHOSTUNREACH);
}

/*
 * The driver refused a packet output send with err.  Where the kernel
 * path can do better (longer than the device takes, the link went down
 * or away) it takes the packet; anything else (e.g. ENOBUFS: the device
 * queue is full) is a write error.
 */
static void
tunbatch_pktout_failed(struct tunbatch *tb, size_t i, int err)
{
	tunbatch_send_failed(tb, i, err == EMSGSIZE || err == ENETDOWN ||
	    err == ENXIO);
}

/*
 * A kept packet into the TUN, read/write back end: one write.  The
 * kernel forwards it and takes a hop: credited first (ip_hop_credit), so
 * that it leaves with the hop limit or TTL the verdict chose, as raw and
 * packet output send it.  Every TUN write of a kept packet goes through
 * here or tunbatch_send_failed / tunbatch_uring_queue_out, which credit
 * it the same way.
 */
static void
tunbatch_tun_write(struct tunbatch *tb, const struct tb_pkt *p)
{
	tb->stats.syscalls++;
	ip_hop_credit(p->data, p->len);
	if (write(tb->fd, p->data, p->len) == (ssize_t)p->len)
		tb->stats.tx++;
	else
		tb->stats.write_errors++;
}

const char *
tunbatch_io_name(const struct tunbatch *tb)
{
	return tb->io == TB_IO_URING ? "uring" : "rw";
}

void
tunbatch_pkt_reset(struct tb_pkt *p)
{
	p->data = p->buf + TB_HEADROOM;
	p->len = 0;
}

/* A ring of one batch of writes plus one of reads, the TUN registered. */
static int
tunbatch_uring_open(struct tunbatch *tb)
{
	unsigned int	entries = 1;
	int		saved;

	while (entries < 2 * tb->batch)
		entries <<= 1;
	if ((tb->ring = malloc(sizeof(*tb->ring))) == NULL)
		return -1;
	if (uring_init(tb->ring, entries) == -1) {
		saved = errno;
		free(tb->ring);
		tb->ring = NULL;
		log_debug("tunbatch: no io_uring (%s), read/write",
		    strerror(saved));
		return -1;
	}
	if (uring_register_fd(tb->ring, tb->fd) == -1) {
		tunbatch_uring_fail(tb, "register", errno);
		return -1;
	}
	if (uring_restrict(tb->ring) == -1) {
		tunbatch_uring_fail(tb, "restrict", errno);
		return -1;
	}
	return 0;
}

static void
tunbatch_uring_close(struct tunbatch *tb)
{
	if (tb->ring == NULL)
		return;
	uring_free(tb->ring);
	free(tb->ring);
	tb->ring = NULL;
}

/* The ring let us down: read/write from now on (one log line, ever). */
static void
tunbatch_uring_fail(struct tunbatch *tb, const char *what, int err)
{
	log_warnx("tunbatch: io_uring %s: %s; falling back to read/write",
	    what, strerror(err));
	tunbatch_uring_close(tb);
	tb->io = TB_IO_RW;
}

/*
 * Take every completion: writes count as tx or write errors, reads set
 * their packet's length.  Returns the packets read; *refused tells that
 * the kernel rejected a read as such (no RWF_NOWAIT on this fd).
 */
static size_t
tunbatch_uring_reap(struct tunbatch *tb, int *refused)
{
	const struct io_uring_cqe	*cqe;
	struct tb_pkt			*p;
	size_t				 n = 0, i;

	while ((cqe = uring_cqe_peek(tb->ring)) != NULL) {
		i = cqe->user_data & TB_UD_PKT;
		p = &tb->pkt[i];
		if (cqe->user_data & TB_UD_PKTOUT) {
			/* What pktout_send would count. */
			if (cqe->res >= 0 && (size_t)cqe->res == p->len) {
				tb->stats.tx++;
				tb->po->stats.sent++;
			} else if (cqe->res < 0) {
				tb->po->stats.send_errors++;
				tunbatch_pktout_failed(tb, i, -cqe->res);
			} else
				tb->stats.write_errors++;
		} else if (cqe->user_data & TB_UD_WRITE) {
			if (cqe->res >= 0 && (size_t)cqe->res == p->len)
				tb->stats.tx++;
			else if (tb->raw4 != -1 && cqe->res < 0)
				tunbatch_raw_failed(tb, i, -cqe->res);
			else
				tb->stats.write_errors++;
		} else if (cqe->res > 0) {
			p->len = (size_t)cqe->res;
			n++;
		} else if (cqe->res == -EOPNOTSUPP || cqe->res == -EINVAL)
			*refused = 1;
		else if (cqe->res != -EAGAIN && cqe->res != -EINTR)
			tb->stats.read_errors++;
		uring_cqe_seen(tb->ring);
	}
	return n;
}

/*
 * Queue the output of packet i: a TUN write, a raw sendmsg, or a packet
 * output sendmsg (a TUN write when pktout leaves it to the kernel).  The
 * SQEs run in the order queued, so both paths keep the batch's order.
 */
static int
tunbatch_uring_queue_out(struct tunbatch *tb, size_t i)
{
	struct tb_pkt		*p = &tb->pkt[i];
	struct tb_rawmsg	*m;
	struct pktout_msg	*pm;

	if (tb->po != NULL) {
		pm = &tb->pomsg[i];
		if (pktout_prepare(tb->po, pm, p->data, p->len)) {
			pm->cookie = i;
			return uring_queue_sendmsg(tb->ring, tb->po->fd,
			    &pm->mm.msg_hdr, TB_UD_WRITE | TB_UD_PKTOUT | i);
		}
	}
	if (tb->raw4 == -1) {
		ip_hop_credit(p->data, p->len);	/* see tunbatch_tun_write */
		return uring_queue_rw(tb->ring, IORING_OP_WRITE, p->data,
		    (unsigned int)p->len, 0, TB_UD_WRITE | i);
	}
	m = &tb->rawmsg[i];
	if (tunbatch_raw_prepare(tb, m, i) == -1)
		return -1;
	return uring_queue_sendmsg(tb->ring, m->fd, &m->mm.msg_hdr,
	    TB_UD_WRITE | i);
}

/*
 * Each round: post `want` non-blocking reads into one buffer set behind
 * the writes of the other set, enter once, decide, queue the writes.
 * All of them complete inside the enter (TUN reads with RWF_NOWAIT end
 * in data or EAGAIN, TUN writes never wait), so a set is free again
 * when the enter returns.
 */
static size_t
tunbatch_service_uring(struct tunbatch *tb, uint64_t now_ms)
{
	struct tb_pkt	*set, *p;
	size_t		 i, n, total = 0, round, want, nw = 0, base;
	int		 refused = 0;

	for (round = 0; round < TB_URING_ROUNDS; round++) {
		base = tb->set * tb->batch;
		set = &tb->pkt[base];
		want = tb->want;
		for (i = 0; i < want; i++) {
			tunbatch_pkt_reset(&set[i]);
			if (uring_queue_rw(tb->ring, IORING_OP_READ,
			    set[i].data, (unsigned int)(set[i].cap -
			    TB_HEADROOM), RWF_NOWAIT, base + i) == -1)
				break;
		}
		tb->stats.syscalls++;
		if (uring_submit_wait(tb->ring, (unsigned int)(nw + i)) == -1) {
			tb->stats.write_errors += nw;
			tunbatch_uring_fail(tb, "enter", errno);
			return total;
		}
		n = tunbatch_uring_reap(tb, &refused);
		nw = 0;
		if (refused) {
			/* Packets read in this round are dropped, once. */
			tunbatch_uring_fail(tb, "read", EOPNOTSUPP);
			return total;
		}
		total += n;
		tb->stats.rx += n;
		/* Post about twice what came: few wasted reads when quiet. */
		if (n == want)
			tb->want = want * 2 < tb->batch ? want * 2 : tb->batch;
		else
			tb->want = n * 2 > TB_URING_WANT_MIN ?
			    n * 2 : TB_URING_WANT_MIN;
		if (tb->want > tb->batch)
			tb->want = tb->batch;
		for (i = 0; i < want; i++) {
			p = &set[i];
			if (p->len == 0 || !tb->verdict(tb->arg, now_ms, p))
				continue;
			if (tunbatch_uring_queue_out(tb, base + i) == -1)
				tb->stats.write_errors++;
			else
				nw++;
		}
		tb->set ^= 1;
		if (n < want)
			break;
	}
	if (nw > 0) {
		tb->stats.syscalls++;
		if (uring_submit_wait(tb->ring, (unsigned int)nw) == -1) {
			tb->stats.write_errors += nw;
			tunbatch_uring_fail(tb, "enter", errno);
			return total;
		}
		(void)tunbatch_uring_reap(tb, &refused);
	}
	return total;
}

/* Read until EAGAIN or the batch is full; returns the count. */
static size_t
tunbatch_read(struct tunbatch *tb)
{
	struct tb_pkt	*p;
	ssize_t		 n;
	size_t		 i;

	for (i = 0; i < tb->batch; i++) {
		p = &tb->pkt[i];
		tunbatch_pkt_reset(p);
		tb->stats.syscalls++;
		n = read(tb->fd, p->data, p->cap - TB_HEADROOM);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				tb->stats.read_errors++;
			break;
		}
		p->len = (size_t)n;
	}
	return i;
}

/*
 * Raw output of the m kept packets in tb->rawmsg: one sendmmsg per run
 * of one family.  sendmmsg stops at the first failing packet and
 * reports how many went; the next call, starting there, tells why.
 */
static void
tunbatch_raw_flush(struct tunbatch *tb, size_t m)
{
	size_t	k = 0, run;
	int	r;

	while (k < m) {
		for (run = 1; k + run < m &&
		    tb->rawmsg[k + run].fd == tb->rawmsg[k].fd; run++)
			;
		tb->stats.syscalls++;
		r = sendmmsg(tb->rawmsg[k].fd, &tb->rawmsg[k].mm,
		    (unsigned int)run, MSG_DONTWAIT);
		if (r > 0) {
			tb->stats.tx += (uint64_t)r;
			k += (size_t)r;
		} else if (r == -1 && errno == EINTR)
			continue;
		else {
			tunbatch_raw_failed(tb, tb->rawmsg[k].pkt,
			    r == -1 ? errno : EIO);
			k++;
		}
	}
}

static size_t
tunbatch_service_rw(struct tunbatch *tb, uint64_t now_ms)
{
	size_t	n;

	n = tunbatch_read(tb);
	tb->stats.rx += n;
	return tunbatch_decide_rw(tb, n, now_ms);
}

/* Decide about tb->pkt[0..n-1], write or send the kept ones. */
static size_t
tunbatch_decide_rw(struct tunbatch *tb, size_t n, uint64_t now_ms)
{
	struct tb_pkt	*p;
	size_t		 i, m = 0;

	for (i = 0; i < n; i++) {
		p = &tb->pkt[i];
		if (!tb->verdict(tb->arg, now_ms, p))
			continue;
		if (tb->po != NULL) {
			if (pktout_prepare(tb->po, &tb->pomsg[m], p->data,
			    p->len)) {
				tb->pomsg[m++].cookie = i;
				continue;
			}
			/* The kernel path, behind the sends before it. */
			if (m > 0)
				tunbatch_pktout_flush(tb, m);
			m = 0;
			tunbatch_tun_write(tb, p);
			continue;
		}
		if (tb->raw4 != -1) {
			if (tunbatch_raw_prepare(tb, &tb->rawmsg[m], i) == 0)
				m++;
			else
				tb->stats.write_errors++;
			continue;
		}
		/* A TUN write takes one packet; a full queue drops it. */
		tunbatch_tun_write(tb, p);
	}
	if (m > 0 && tb->po != NULL)
		tunbatch_pktout_flush(tb, m);
	else if (m > 0)
		tunbatch_raw_flush(tb, m);
	return n;
}

/*
 * Packet output of the m packets prepared in tb->pomsg: one sendmmsg
 * (pktout_send) for all of them, again past a refused one.
 */
static void
tunbatch_pktout_flush(struct tunbatch *tb, size_t m)
{
	uint64_t	calls = tb->po->stats.syscalls;
	size_t		k = 0, sent;
	int		err = 0;

	while (k < m) {
		sent = pktout_send(tb->po, &tb->pomsg[k], m - k, &err);
		tb->stats.tx += sent;
		k += sent;
		if (k < m)
			tunbatch_pktout_failed(tb, tb->pomsg[k++].cookie, err);
	}
	tb->stats.syscalls += tb->po->stats.syscalls - calls;
}

void
tunbatch_set_input(struct tunbatch *tb, tb_fill_fn fn, void *arg)
{
	tb->fill = fn;
	tb->fill_arg = arg;
}

/*
 * Packets from tb->fill: each round fills set 0, decides, and writes the
 * kept ones in one io_uring_enter (TUN writes and raw sends complete
 * inside it, so the set is free again), or with write()/sendmmsg.
 * Packet output takes sendmmsg here even with a ring: there is no read
 * to share the enter with, and an io_uring SENDMSG costs more per packet
 * than one message of a sendmmsg (5-15% more relay CPU per packet,
 * measured with Input packet at 100 and 1400 bytes).
 */
static size_t
tunbatch_service_fill(struct tunbatch *tb, uint64_t now_ms)
{
	struct tb_pkt	*p;
	size_t		 i, n, nw, total = 0, round;
	int		 refused = 0;

	for (round = 0; round < TB_URING_ROUNDS; round++) {
		n = tb->fill(tb->fill_arg, tb->pkt, tb->batch);
		tb->stats.rx += n;
		total += n;
		if (tb->io != TB_IO_URING || tb->po != NULL) {
			(void)tunbatch_decide_rw(tb, n, now_ms);
		} else {
			for (i = nw = 0; i < n; i++) {
				p = &tb->pkt[i];
				if (!tb->verdict(tb->arg, now_ms, p))
					continue;
				if (tunbatch_uring_queue_out(tb, i) == -1)
					tb->stats.write_errors++;
				else
					nw++;
			}
			if (nw > 0) {
				tb->stats.syscalls++;
				if (uring_submit_wait(tb->ring,
				    (unsigned int)nw) == -1) {
					tb->stats.write_errors += nw;
					tunbatch_uring_fail(tb, "enter", errno);
					return total;
				}
				(void)tunbatch_uring_reap(tb, &refused);
			}
		}
		if (n < tb->batch)
			break;
	}
	return total;
}

size_t
tunbatch_service(struct tunbatch *tb, uint64_t now_ms)
{
	tb->stats.wakeups++;
	if (tb->fill != NULL)
		return tunbatch_service_fill(tb, now_ms);
	if (tb->io == TB_IO_URING)
		return tunbatch_service_uring(tb, now_ms);
	return tunbatch_service_rw(tb, now_ms);
}

void
tunbatch_event_cb(int fd, short what, void *arg)
{
	struct tunbatch	*tb = arg;

	(void)fd;
	(void)what;
	tunbatch_service(tb, clock_mono_ms());
}
