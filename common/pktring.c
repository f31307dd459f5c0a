/*
 * TPACKET_V3 receive ring.  See pktring.h.
 */
#include <sys/mman.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "pktring.h"

#ifndef PACKET_IGNORE_OUTGOING
#define PACKET_IGNORE_OUTGOING	23
#endif

/* Frames longer than a batch buffer can hold are truncated ones too. */
#define PKTRING_COPY_MAX	(TB_PKT_MAX)
/* What the kernel writes in front of a frame's data (tpacket_rcv). */
#define PKTRING_FRAME_HDRS	(TPACKET_ALIGN(sizeof(struct tpacket3_hdr)) + \
				    sizeof(struct sockaddr_ll))

int
pktring_cursor_init(struct pktring_cursor *c, const uint8_t *block,
    size_t blen)
{
	struct tpacket_block_desc	bd;

	memset(c, 0, sizeof(*c));
	if (blen < sizeof(bd))
		return -1;
	memcpy(&bd, block, sizeof(bd));
	if (bd.hdr.bh1.offset_to_first_pkt > blen ||
	    (bd.hdr.bh1.num_pkts > 0 &&
	    bd.hdr.bh1.offset_to_first_pkt < sizeof(bd)))
		return -1;
	c->block = block;
	c->blen = blen;
	c->left = bd.hdr.bh1.num_pkts;
	c->off = bd.hdr.bh1.offset_to_first_pkt;
	return 0;
}

/*
 * The next frame's header and first bytes were written by another CPU
 * (the softirq that received it): start fetching them while the caller
 * works on this one, so that its first touch does not wait for memory.
 * A hint only: nothing is read here, and only inside the block.
 */
static void
pktring_prefetch(const struct pktring_cursor *c)
{
	size_t	at;

	for (at = c->off; at < c->blen && at < c->off + 256; at += 64)
		__builtin_prefetch(c->block + at, 0, 3);
}

int
pktring_cursor_next(struct pktring_cursor *c, struct pktring_frame *f)
{
	struct tpacket3_hdr	h;

	if (c->left == 0)
		return 0;
	if (c->off > c->blen || c->blen - c->off < sizeof(h)) {
		c->left = 0;
		return -1;
	}
	memcpy(&h, c->block + c->off, sizeof(h));
	/* The data must lie inside the block, after the frame header. */
	if (h.tp_mac < sizeof(h) || h.tp_mac > c->blen - c->off ||
	    h.tp_snaplen > c->blen - c->off - h.tp_mac) {
		c->left = 0;
		return -1;
	}
	f->data = c->block + c->off + h.tp_mac;
	f->headroom = h.tp_mac > PKTRING_FRAME_HDRS ?
	    h.tp_mac - PKTRING_FRAME_HDRS : 0;
	f->len = h.tp_snaplen;
	f->wire_len = h.tp_len;
	f->status = h.tp_status;
	c->left--;
	if (c->left > 0) {
		if (h.tp_next_offset == 0) {
			c->left = 0;	/* next one unreachable */
			return 1;
		}
		c->off += h.tp_next_offset;
		pktring_prefetch(c);
	}
	return 1;
}

static int
pktring_setup(struct pktring *r, const char *ifname,
    const struct sock_filter *prog, size_t n, uint16_t fanout,
    unsigned int reserve)
{
	struct sockaddr_ll	 sll;
	struct sock_fprog	 fp;
	struct tpacket_req3	 req;
	int			 v = TPACKET_V3, one = 1, fo;
	unsigned int		 ifindex;

	if ((ifindex = if_nametoindex(ifname)) == 0)
		return -1;
	/*
	 * ETH_P_ALL: a tap (dev->ptype_all), served before the ingress
	 * hooks; a protocol-bound socket would only see what they let by.
	 * Protocol 0 until the filter is in: nothing queues unfiltered.
	 */
	if ((r->fd = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK |
	    SOCK_CLOEXEC, 0)) == -1)
		return -1;
	fp.len = (unsigned short)n;
	fp.filter = (struct sock_filter *)(uintptr_t)prog;
	if (setsockopt(r->fd, SOL_SOCKET, SO_ATTACH_FILTER, &fp,
	    sizeof(fp)) == -1 ||
	    setsockopt(r->fd, SOL_SOCKET, SO_LOCK_FILTER, &one,
	    sizeof(one)) == -1)
		return -1;
	(void)setsockopt(r->fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one,
	    sizeof(one));
	if (setsockopt(r->fd, SOL_PACKET, PACKET_VERSION, &v, sizeof(v)) == -1)
		return -1;
	if (reserve > 0 && setsockopt(r->fd, SOL_PACKET, PACKET_RESERVE,
	    &reserve, sizeof(reserve)) == -1)
		return -1;
	memset(&req, 0, sizeof(req));
	req.tp_block_size = PKTRING_BLOCK_SIZE;
	req.tp_block_nr = PKTRING_BLOCK_NR;
	req.tp_frame_size = PKTRING_FRAME_SIZE;
	req.tp_frame_nr = PKTRING_BLOCK_SIZE / PKTRING_FRAME_SIZE *
	    PKTRING_BLOCK_NR;
	req.tp_retire_blk_tov = PKTRING_BLOCK_TOV_MS;
	if (setsockopt(r->fd, SOL_PACKET, PACKET_RX_RING, &req,
	    sizeof(req)) == -1)
		return -1;
	r->maplen = (size_t)PKTRING_BLOCK_SIZE * PKTRING_BLOCK_NR;
	r->map = mmap(NULL, r->maplen, PROT_READ | PROT_WRITE,
	    MAP_SHARED | MAP_LOCKED, r->fd, 0);
	if (r->map == MAP_FAILED)	/* no RLIMIT_MEMLOCK room: unlocked */
		r->map = mmap(NULL, r->maplen, PROT_READ | PROT_WRITE,
		    MAP_SHARED, r->fd, 0);
	if (r->map == MAP_FAILED) {
		r->map = NULL;
		return -1;
	}
	memset(&sll, 0, sizeof(sll));
	sll.sll_family = AF_PACKET;
	sll.sll_protocol = htons(ETH_P_ALL);
	sll.sll_ifindex = (int)ifindex;
	if (bind(r->fd, (struct sockaddr *)&sll, sizeof(sll)) == -1)
		return -1;
	if (fanout != 0) {
		fo = fanout | ((PACKET_FANOUT_HASH | PACKET_FANOUT_FLAG_DEFRAG)
		    << 16);
		if (setsockopt(r->fd, SOL_PACKET, PACKET_FANOUT, &fo,
		    sizeof(fo)) == -1)
			return -1;
	}
	return 0;
}

int
pktring_open(struct pktring *r, const char *ifname,
    const struct sock_filter *prog, size_t n, uint16_t fanout)
{
	return pktring_open_reserve(r, ifname, prog, n, fanout, 0);
}

int
pktring_open_reserve(struct pktring *r, const char *ifname,
    const struct sock_filter *prog, size_t n, uint16_t fanout,
    unsigned int reserve)
{
	int	saved;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (pktring_setup(r, ifname, prog, n, fanout, reserve) == 0) {
		(void)pktring_kernel_drops(r);	/* start from zero */
		return 0;
	}
	saved = errno;
	pktring_close(r);
	errno = saved;
	return -1;
}

void
pktring_close(struct pktring *r)
{
	if (r->map != NULL)
		munmap(r->map, r->maplen);
	r->map = NULL;
	if (r->fd != -1)
		close(r->fd);
	r->fd = -1;
}

static struct tpacket_block_desc *
pktring_block(struct pktring *r, unsigned int i)
{
	return (struct tpacket_block_desc *)(void *)(r->map +
	    (size_t)i * PKTRING_BLOCK_SIZE);
}

/*
 * Done with block cur: give it back to the kernel (or, with hold, count
 * it held) and move on to the next one.
 */
static void
pktring_done(struct pktring *r, int hold)
{
	if (hold)
		r->held++;
	else {
		__atomic_store_n(
		    &pktring_block(r, r->cur)->hdr.bh1.block_status,
		    TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		r->stats.blocks++;
	}
	r->open = 0;
	r->cur = (r->cur + 1) % PKTRING_BLOCK_NR;
}

/*
 * The next whole frame: 1 and *f, 0 when no block is ready.  Truncated
 * frames are counted and skipped.  A walked block goes back to the kernel
 * at once, or, with hold, when pktring_release_held says so.
 */
static int
pktring_walk(struct pktring *r, struct pktring_frame *f, int hold)
{
	uint32_t	st;
	int		k;

	for (;;) {
		if (!r->open) {
			/* The block after the held ones must stay free. */
			if (r->held >= PKTRING_BLOCK_NR - 1)
				return 0;
			st = __atomic_load_n(
			    &pktring_block(r, r->cur)->hdr.bh1.block_status,
			    __ATOMIC_ACQUIRE);
			if ((st & TP_STATUS_USER) == 0)
				return 0;
			if (pktring_cursor_init(&r->cursor,
			    (const uint8_t *)pktring_block(r, r->cur),
			    PKTRING_BLOCK_SIZE) == -1) {
				r->stats.bad_frame++;
				pktring_done(r, hold);
				continue;
			}
			r->open = 1;
		}
		if ((k = pktring_cursor_next(&r->cursor, f)) <= 0) {
			if (k == -1)
				r->stats.bad_frame++;
			pktring_done(r, hold);
			continue;
		}
		r->stats.frames++;
		if (f->len < f->wire_len) {
			r->stats.truncated++;
			continue;
		}
		return 1;
	}
}

int
pktring_next(struct pktring *r, struct pktring_frame *f)
{
	return pktring_walk(r, f, 0);
}

int
pktring_next_held(struct pktring *r, struct pktring_frame *f)
{
	return pktring_walk(r, f, 1);
}

void
pktring_release_held(struct pktring *r)
{
	unsigned int	i = (r->cur + PKTRING_BLOCK_NR - r->held) %
			    PKTRING_BLOCK_NR;

	for (; r->held > 0; r->held--, i = (i + 1) % PKTRING_BLOCK_NR) {
		__atomic_store_n(&pktring_block(r, i)->hdr.bh1.block_status,
		    TP_STATUS_KERNEL, __ATOMIC_RELEASE);
		r->stats.blocks++;
	}
}

uint8_t *
pktring_frame_data(struct pktring *r, const struct pktring_frame *f)
{
	return r->map + (f->data - r->map);
}

size_t
pktring_fill(void *arg, struct tb_pkt *set, size_t max)
{
	struct pktring		*r = arg;
	struct pktring_frame	 f;
	size_t			 n = 0;

	while (n < max && pktring_next(r, &f) == 1) {
		if (f.len > PKTRING_COPY_MAX) {
			r->stats.truncated++;
			continue;
		}
		/*
		 * A local sender's checksum offload (veth): the transport
		 * checksum is not there yet and nothing would fill it in.
		 */
		if (f.status & TP_STATUS_CSUMNOTREADY) {
			r->stats.csum_partial++;
			continue;
		}
		tunbatch_pkt_reset(&set[n]);
		memcpy(set[n].data, f.data, f.len);
		set[n].len = f.len;
		n++;
	}
	return n;
}

uint64_t
pktring_kernel_drops(struct pktring *r)
{
	struct tpacket_stats_v3	s;
	socklen_t		len = sizeof(s);

	if (getsockopt(r->fd, SOL_PACKET, PACKET_STATISTICS, &s, &len) == -1)
		return 0;
	return s.tp_drops;
}

/* Shared head: incoming unicast to this host of one EtherType. */
static size_t
pktring_filter_head(struct sock_filter *p, uint16_t ethertype, size_t drop)
{
	size_t	i = 0;

	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    (uint32_t)SKF_AD_OFF + SKF_AD_PKTTYPE);
	p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    PACKET_HOST, 0, (uint8_t)(drop - i - 1));
	i++;
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
	    (uint32_t)SKF_AD_OFF + SKF_AD_PROTOCOL);
	p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    ethertype, 0, (uint8_t)(drop - i - 1));
	i++;
	return i;
}

size_t
pktring_filter_ip4(struct sock_filter *p, uint8_t proto,
    const struct in_addr *dst, size_t ndst)
{
	size_t	i, k, drop, accept;

	if (ndst > 4)
		ndst = 4;
	/* head(4), ldb proto, jeq, ld dst, ndst jeq, drop, accept */
	drop = 4 + 3 + ndst;
	accept = drop + 1;
	i = pktring_filter_head(p, ETH_P_IP, drop);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9);
	p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, proto,
	    0, (uint8_t)(drop - i - 1));
	i++;
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16);
	for (k = 0; k < ndst; k++, i++)
		p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
		    ntohl(dst[k].s_addr), (uint8_t)(accept - i - 1), 0);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0x40000);
	return i;
}

size_t
pktring_filter_ip6_16(struct sock_filter *p, uint16_t pfx16)
{
	size_t	i, drop = 4 + 2;

	i = pktring_filter_head(p, ETH_P_IPV6, drop);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 24);
	p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, pfx16,
	    1, 0);
	i++;
	p[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0x40000);
	return i;
}

size_t
pktring_filter_udp4(struct sock_filter *p, struct in_addr dst, uint16_t port)
{
	size_t	i, drop = 4 + 9, accept = drop + 1;

	i = pktring_filter_head(p, ETH_P_IP, drop);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9);
	p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    IPPROTO_UDP, 0, (uint8_t)(drop - i - 1));
	i++;
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16);
	p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
	    ntohl(dst.s_addr), 0, (uint8_t)(drop - i - 1));
	i++;
	/* Fragments (MF or an offset) stay with the kernel's reassembly. */
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6);
	p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
	    0x3fff, (uint8_t)(drop - i - 1), 0);
	i++;
	/* X = IHL * 4; the destination port is at X + 2. */
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2);
	p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, port,
	    (uint8_t)(accept - i - 1), 0);
	i++;
	p[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0x40000);
	return i;
}

size_t
pktring_filter_ip6_32(struct sock_filter *p, uint32_t pfx32)
{
	size_t	i, drop = 4 + 2;

	i = pktring_filter_head(p, ETH_P_IPV6, drop);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 24);
	p[i] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, pfx32,
	    1, 0);
	i++;
	p[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0);
	p[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, 0x40000);
	return i;
}
