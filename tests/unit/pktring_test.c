/*
 * pktring (common/pktring.c) without a kernel ring: TPACKET_V3 blocks
 * laid out by hand in memory the way the kernel fills them.  Checks the
 * cursor (frames, offsets, hostile offsets refused), pktring_fill
 * (copies into batch buffers behind TB_HEADROOM, drops truncated and
 * checksum-partial frames with a count, hands finished blocks back,
 * stops mid-block at max and resumes there), and the BPF filters, run
 * by a small classic-BPF interpreter over packets and the two ancillary
 * loads they use (packet type, protocol).
 */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>

#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "pktring.h"
#include "tunbatch.h"

#define FIRST	48	/* offset_to_first_pkt: after the block header */

/* tp_mac of the frames frame_add lays out (the kernel's: 96 + reserve). */
static uint32_t	frame_mac = 64;

/* Append a frame of len bytes (snaplen snap) at *off; returns its header. */
static struct tpacket3_hdr *
frame_add(uint8_t *block, size_t *off, const uint8_t *pkt, uint32_t snap,
    uint32_t len, uint32_t status)
{
	struct tpacket3_hdr	*h = (struct tpacket3_hdr *)(void *)(block + *off);
	uint32_t		 mac = frame_mac;

	memset(h, 0, sizeof(*h));
	h->tp_mac = h->tp_net = mac;
	h->tp_snaplen = snap;
	h->tp_len = len;
	h->tp_status = status;
	memcpy(block + *off + mac, pkt, snap);
	h->tp_next_offset = (mac + snap + 15) & ~15U;
	*off += h->tp_next_offset;
	return h;
}

static void
block_set(uint8_t *block, uint32_t npkts, uint32_t status)
{
	struct tpacket_block_desc	*bd = (void *)block;

	bd->version = TPACKET_V3;
	bd->hdr.bh1.num_pkts = npkts;
	bd->hdr.bh1.offset_to_first_pkt = FIRST;
	bd->hdr.bh1.block_status = status;
}

static void
pkt_fill(uint8_t *p, size_t n, uint8_t seed)
{
	size_t	i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i);
}

START_TEST(test_cursor_frames)
{
	static uint8_t		block[8192];
	uint8_t			a[100], b[40];
	struct pktring_cursor	c;
	struct pktring_frame	f;
	size_t			off = FIRST;

	pkt_fill(a, sizeof(a), 1);
	pkt_fill(b, sizeof(b), 7);
	frame_add(block, &off, a, sizeof(a), sizeof(a), TP_STATUS_USER);
	frame_add(block, &off, b, 20, sizeof(b),
	    TP_STATUS_USER | TP_STATUS_CSUMNOTREADY);
	block_set(block, 2, TP_STATUS_USER);
	ck_assert_int_eq(pktring_cursor_init(&c, block, sizeof(block)), 0);
	ck_assert_int_eq(pktring_cursor_next(&c, &f), 1);
	ck_assert_uint_eq(f.len, sizeof(a));
	ck_assert_uint_eq(f.wire_len, sizeof(a));
	ck_assert_mem_eq(f.data, a, sizeof(a));
	ck_assert_int_eq(pktring_cursor_next(&c, &f), 1);
	ck_assert_uint_eq(f.len, 20);
	ck_assert_uint_eq(f.wire_len, sizeof(b));
	ck_assert(f.status & TP_STATUS_CSUMNOTREADY);
	ck_assert_mem_eq(f.data, b, 20);
	ck_assert_int_eq(pktring_cursor_next(&c, &f), 0);
}
END_TEST

START_TEST(test_cursor_hostile)
{
	static uint8_t		block[4096];
	uint8_t			a[64];
	struct pktring_cursor	c;
	struct pktring_frame	f;
	struct tpacket3_hdr	*h;
	size_t			off = FIRST;

	pkt_fill(a, sizeof(a), 3);
	/* First packet offset outside the block. */
	block_set(block, 1, TP_STATUS_USER);
	((struct tpacket_block_desc *)(void *)block)->hdr.bh1.
	    offset_to_first_pkt = sizeof(block) + 1;
	ck_assert_int_eq(pktring_cursor_init(&c, block, sizeof(block)), -1);
	ck_assert_int_eq(pktring_cursor_init(&c, block, 10), -1);
	/* Snaplen running past the end of the block. */
	h = frame_add(block, &off, a, sizeof(a), sizeof(a), TP_STATUS_USER);
	block_set(block, 2, TP_STATUS_USER);
	h->tp_snaplen = sizeof(block);
	ck_assert_int_eq(pktring_cursor_init(&c, block, sizeof(block)), 0);
	ck_assert_int_eq(pktring_cursor_next(&c, &f), -1);
	ck_assert_int_eq(pktring_cursor_next(&c, &f), 0);
	/* Data inside the frame header. */
	h->tp_snaplen = sizeof(a);
	h->tp_mac = 4;
	ck_assert_int_eq(pktring_cursor_init(&c, block, sizeof(block)), 0);
	ck_assert_int_eq(pktring_cursor_next(&c, &f), -1);
	/* Next frame header past the end. */
	h->tp_mac = 64;
	h->tp_next_offset = sizeof(block);
	ck_assert_int_eq(pktring_cursor_init(&c, block, sizeof(block)), 0);
	ck_assert_int_eq(pktring_cursor_next(&c, &f), 1);
	ck_assert_int_eq(pktring_cursor_next(&c, &f), -1);
}
END_TEST

START_TEST(test_fill)
{
	struct pktring		 r;
	struct tunbatch		 tb;
	uint8_t			 p1[120], p2[1400], p3[60], p4[80], *b0, *b1;
	size_t			 off, n;

	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.maplen = (size_t)PKTRING_BLOCK_SIZE * PKTRING_BLOCK_NR;
	ck_assert_ptr_nonnull(r.map = calloc(1, r.maplen));
	ck_assert_int_eq(tunbatch_init_io(&tb, -1, 2, NULL, NULL, TB_IO_RW),
	    0);
	b0 = r.map;
	b1 = r.map + PKTRING_BLOCK_SIZE;
	pkt_fill(p1, sizeof(p1), 11);
	pkt_fill(p2, sizeof(p2), 22);
	pkt_fill(p3, sizeof(p3), 33);
	pkt_fill(p4, sizeof(p4), 44);
	/* Block 0: good, truncated, checksum partial; block 1: two good. */
	off = FIRST;
	frame_add(b0, &off, p1, sizeof(p1), sizeof(p1), TP_STATUS_USER);
	frame_add(b0, &off, p2, 200, sizeof(p2), TP_STATUS_USER);
	frame_add(b0, &off, p3, sizeof(p3), sizeof(p3),
	    TP_STATUS_USER | TP_STATUS_CSUMNOTREADY);
	block_set(b0, 3, TP_STATUS_USER);
	off = FIRST;
	frame_add(b1, &off, p2, sizeof(p2), sizeof(p2), TP_STATUS_USER);
	frame_add(b1, &off, p4, sizeof(p4), sizeof(p4), TP_STATUS_USER);
	block_set(b1, 2, TP_STATUS_USER);

	n = pktring_fill(&r, tb.pkt, 2);
	ck_assert_uint_eq(n, 2);
	ck_assert_ptr_eq(tb.pkt[0].data, tb.pkt[0].buf + TB_HEADROOM);
	ck_assert_uint_eq(tb.pkt[0].len, sizeof(p1));
	ck_assert_mem_eq(tb.pkt[0].data, p1, sizeof(p1));
	ck_assert_uint_eq(tb.pkt[1].len, sizeof(p2));
	ck_assert_mem_eq(tb.pkt[1].data, p2, sizeof(p2));
	ck_assert_uint_eq(r.stats.truncated, 1);
	ck_assert_uint_eq(r.stats.csum_partial, 1);
	/* Block 0 went back to the kernel; block 1 is still ours. */
	ck_assert_uint_eq(((struct tpacket_block_desc *)(void *)b0)->
	    hdr.bh1.block_status, TP_STATUS_KERNEL);
	ck_assert_uint_eq(((struct tpacket_block_desc *)(void *)b1)->
	    hdr.bh1.block_status, TP_STATUS_USER);
	ck_assert_uint_eq(r.stats.blocks, 1);

	n = pktring_fill(&r, tb.pkt, 2);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(tb.pkt[0].len, sizeof(p4));
	ck_assert_mem_eq(tb.pkt[0].data, p4, sizeof(p4));
	ck_assert_uint_eq(((struct tpacket_block_desc *)(void *)b1)->
	    hdr.bh1.block_status, TP_STATUS_KERNEL);
	ck_assert_uint_eq(r.cur, 2);
	ck_assert_uint_eq(pktring_fill(&r, tb.pkt, 2), 0);
	ck_assert_uint_eq(r.stats.frames, 5);
	ck_assert_uint_eq(r.stats.bad_frame, 0);
	tunbatch_free(&tb);
	free(r.map);
}
END_TEST

/* pktring_next: frames in place, status kept, truncated ones skipped. */
START_TEST(test_next)
{
	struct pktring		 r;
	struct pktring_frame	 f;
	uint8_t			 p1[90], p2[300], *b0;
	size_t			 off;

	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.maplen = (size_t)PKTRING_BLOCK_SIZE * PKTRING_BLOCK_NR;
	ck_assert_ptr_nonnull(r.map = calloc(1, r.maplen));
	b0 = r.map;
	pkt_fill(p1, sizeof(p1), 5);
	pkt_fill(p2, sizeof(p2), 6);
	off = FIRST;
	frame_add(b0, &off, p1, sizeof(p1), sizeof(p1),
	    TP_STATUS_USER | TP_STATUS_CSUMNOTREADY);
	frame_add(b0, &off, p2, 100, sizeof(p2), TP_STATUS_USER);
	frame_add(b0, &off, p2, sizeof(p2), sizeof(p2), TP_STATUS_USER);
	block_set(b0, 3, TP_STATUS_USER);
	ck_assert_int_eq(pktring_next(&r, &f), 1);
	ck_assert_uint_eq(f.len, sizeof(p1));
	ck_assert_mem_eq(f.data, p1, sizeof(p1));
	ck_assert(f.status & TP_STATUS_CSUMNOTREADY);
	ck_assert(f.data > b0 && f.data < b0 + PKTRING_BLOCK_SIZE);
	ck_assert_int_eq(pktring_next(&r, &f), 1);
	ck_assert_uint_eq(f.len, sizeof(p2));
	ck_assert_mem_eq(f.data, p2, sizeof(p2));
	ck_assert_uint_eq(r.stats.truncated, 1);
	/* Still ours until the next call finds the block walked. */
	ck_assert_uint_eq(((struct tpacket_block_desc *)(void *)b0)->
	    hdr.bh1.block_status, TP_STATUS_USER);
	ck_assert_int_eq(pktring_next(&r, &f), 0);
	ck_assert_uint_eq(((struct tpacket_block_desc *)(void *)b0)->
	    hdr.bh1.block_status, TP_STATUS_KERNEL);
	ck_assert_uint_eq(r.stats.frames, 3);
	free(r.map);
}
END_TEST

/* pktring_next_held: blocks stay ours until released; headroom. */
START_TEST(test_next_held)
{
	struct pktring		 r;
	struct pktring_frame	 f[3];
	uint8_t			 p1[100], *b0, *b1, *w;
	size_t			 off;
	struct tpacket_block_desc *d0, *d1;

	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.maplen = (size_t)PKTRING_BLOCK_SIZE * PKTRING_BLOCK_NR;
	ck_assert_ptr_nonnull(r.map = calloc(1, r.maplen));
	b0 = r.map;
	b1 = r.map + PKTRING_BLOCK_SIZE;
	d0 = (struct tpacket_block_desc *)(void *)b0;
	d1 = (struct tpacket_block_desc *)(void *)b1;
	pkt_fill(p1, sizeof(p1), 9);
	frame_mac = 128;	/* SOCK_DGRAM, PACKET_RESERVE 32 */
	off = FIRST;
	frame_add(b0, &off, p1, sizeof(p1), sizeof(p1), TP_STATUS_USER);
	block_set(b0, 1, TP_STATUS_USER);
	off = FIRST;
	frame_add(b1, &off, p1, sizeof(p1), sizeof(p1), TP_STATUS_USER);
	frame_add(b1, &off, p1, sizeof(p1), sizeof(p1), TP_STATUS_USER);
	block_set(b1, 2, TP_STATUS_USER);
	frame_mac = 64;

	ck_assert_int_eq(pktring_next_held(&r, &f[0]), 1);
	ck_assert_uint_eq(f[0].headroom, 128 - 68);
	ck_assert_int_eq(pktring_next_held(&r, &f[1]), 1);
	ck_assert_int_eq(pktring_next_held(&r, &f[2]), 1);
	/* Block 0 was walked past but is still ours: f[0] is valid. */
	ck_assert_uint_eq(d0->hdr.bh1.block_status, TP_STATUS_USER);
	ck_assert_mem_eq(f[0].data, p1, sizeof(p1));
	ck_assert_uint_eq(r.held, 1);
	/* Rewritable in place, headroom included. */
	w = pktring_frame_data(&r, &f[2]);
	ck_assert_ptr_eq(w, f[2].data);
	w[-1] = 0xaa;
	w[0] = 0x55;
	ck_assert_uint_eq(f[2].data[0], 0x55);
	ck_assert_int_eq(pktring_next_held(&r, &f[0]), 0);
	ck_assert_uint_eq(r.held, 2);
	ck_assert_uint_eq(d1->hdr.bh1.block_status, TP_STATUS_USER);
	pktring_release_held(&r);
	ck_assert_uint_eq(r.held, 0);
	ck_assert_uint_eq(d0->hdr.bh1.block_status, TP_STATUS_KERNEL);
	ck_assert_uint_eq(d1->hdr.bh1.block_status, TP_STATUS_KERNEL);
	ck_assert_uint_eq(r.stats.blocks, 2);
	ck_assert_uint_eq(r.cur, 2);
	free(r.map);
}
END_TEST

/* Holding every block but one stops the walk (the kernel needs one). */
START_TEST(test_next_held_bound)
{
	struct pktring		 r;
	struct pktring_frame	 f;
	uint8_t			 p1[60];
	size_t			 off, i, n = 0;

	memset(&r, 0, sizeof(r));
	r.fd = -1;
	r.maplen = (size_t)PKTRING_BLOCK_SIZE * PKTRING_BLOCK_NR;
	ck_assert_ptr_nonnull(r.map = calloc(1, r.maplen));
	pkt_fill(p1, sizeof(p1), 3);
	for (i = 0; i < PKTRING_BLOCK_NR; i++) {
		off = FIRST;
		frame_add(r.map + i * PKTRING_BLOCK_SIZE, &off, p1,
		    sizeof(p1), sizeof(p1), TP_STATUS_USER);
		block_set(r.map + i * PKTRING_BLOCK_SIZE, 1, TP_STATUS_USER);
	}
	while (pktring_next_held(&r, &f) == 1)
		n++;
	ck_assert_uint_eq(n, PKTRING_BLOCK_NR - 1);
	ck_assert_uint_eq(r.held, PKTRING_BLOCK_NR - 1);
	pktring_release_held(&r);
	ck_assert_int_eq(pktring_next_held(&r, &f), 1);
	free(r.map);
}
END_TEST

/*
 * Classic BPF, the instructions the filters use: ld/ldh/ldb absolute
 * (packet or ancillary), ldx 4*([k]&0xf), ldh [x+k], jeq k, jset k,
 * ret k.  Returns the snap length.
 */
static uint32_t
bpf_run(const struct sock_filter *p, size_t n, const uint8_t *pkt,
    size_t len, uint32_t pkttype, uint16_t proto)
{
	uint32_t	a = 0, x = 0;
	size_t		pc = 0;

	while (pc < n) {
		const struct sock_filter *f = &p[pc++];

		switch (f->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (f->k == (uint32_t)SKF_AD_OFF + SKF_AD_PKTTYPE)
				a = pkttype;
			else if (f->k == (uint32_t)SKF_AD_OFF + SKF_AD_PROTOCOL)
				a = proto;
			else if (f->k + 4 <= len)
				a = (uint32_t)pkt[f->k] << 24 |
				    (uint32_t)pkt[f->k + 1] << 16 |
				    (uint32_t)pkt[f->k + 2] << 8 | pkt[f->k + 3];
			else
				return 0;
			break;
		case BPF_LD | BPF_H | BPF_ABS:
			if (f->k + 2 > len)
				return 0;
			a = (uint32_t)pkt[f->k] << 8 | pkt[f->k + 1];
			break;
		case BPF_LD | BPF_B | BPF_ABS:
			if (f->k + 1 > len)
				return 0;
			a = pkt[f->k];
			break;
		case BPF_LDX | BPF_B | BPF_MSH:
			if (f->k + 1 > len)
				return 0;
			x = (uint32_t)(pkt[f->k] & 0xf) * 4;
			break;
		case BPF_LD | BPF_H | BPF_IND:
			if (x + f->k + 2 > len)
				return 0;
			a = (uint32_t)pkt[x + f->k] << 8 | pkt[x + f->k + 1];
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == f->k ? f->jt : f->jf;
			break;
		case BPF_JMP | BPF_JSET | BPF_K:
			pc += (a & f->k) != 0 ? f->jt : f->jf;
			break;
		case BPF_RET | BPF_K:
			return f->k;
		default:
			ck_abort_msg("unexpected BPF code %#x", f->code);
		}
	}
	ck_abort_msg("filter ran off its end");
	return 0;
}

START_TEST(test_filter_ip4)
{
	struct sock_filter	prog[PKTRING_FILTER_MAX];
	struct in_addr		own[2];
	uint8_t			pkt[60];
	size_t			n;

	inet_pton(AF_INET, "192.88.99.1", &own[0]);
	inet_pton(AF_INET, "203.0.113.10", &own[1]);
	n = pktring_filter_ip4(prog, 41, own, 2);
	ck_assert_uint_le(n, PKTRING_FILTER_MAX);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	pkt[9] = 41;
	memcpy(pkt + 16, &own[0], 4);
	ck_assert_uint_gt(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	memcpy(pkt + 16, &own[1], 4);
	ck_assert_uint_gt(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	/* Not to us, not for this host, not IPv4, not protocol 41. */
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_OTHERHOST,
	    ETH_P_IP), 0);
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IPV6), 0);
	pkt[19] ^= 1;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	pkt[19] ^= 1;
	pkt[9] = 17;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	/* One address only. */
	n = pktring_filter_ip4(prog, 41, own, 1);
	pkt[9] = 41;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	memcpy(pkt + 16, &own[0], 4);
	ck_assert_uint_gt(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
}
END_TEST

START_TEST(test_filter_ip6)
{
	struct sock_filter	prog[PKTRING_FILTER_MAX];
	uint8_t			pkt[60];
	size_t			n;

	n = pktring_filter_ip6_16(prog, 0x2002);
	ck_assert_uint_le(n, PKTRING_FILTER_MAX);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	pkt[24] = 0x20;
	pkt[25] = 0x02;
	ck_assert_uint_gt(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IPV6), 0);
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_BROADCAST,
	    ETH_P_IPV6), 0);
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	pkt[25] = 0x01;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IPV6), 0);
}
END_TEST

/* teredod: UDP to BindAddress:BindPort, unfragmented, any IHL. */
START_TEST(test_filter_udp4)
{
	struct sock_filter	prog[PKTRING_FILTER_MAX];
	struct in_addr		own, other;
	uint8_t			pkt[80];
	size_t			n;

	inet_pton(AF_INET, "203.0.113.30", &own);
	inet_pton(AF_INET, "203.0.113.31", &other);
	n = pktring_filter_udp4(prog, own, 3544);
	ck_assert_uint_le(n, PKTRING_FILTER_MAX);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x45;
	pkt[9] = 17;
	memcpy(pkt + 16, &own, 4);
	pkt[22] = 3544 >> 8;
	pkt[23] = 3544 & 0xff;
	ck_assert_uint_gt(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	/* DF alone is fine; MF or an offset is a fragment: the kernel's. */
	pkt[6] = 0x40;
	ck_assert_uint_gt(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	pkt[6] = 0x20;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	pkt[6] = 0;
	pkt[7] = 1;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	pkt[7] = 0;
	/* Another port, another address, not UDP, not for this host. */
	pkt[23] ^= 1;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	pkt[23] ^= 1;
	memcpy(pkt + 16, &other, 4);
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	memcpy(pkt + 16, &own, 4);
	pkt[9] = 6;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	pkt[9] = 17;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_MULTICAST,
	    ETH_P_IP), 0);
	/* Options (IHL 6): the port moves by 4 bytes. */
	pkt[0] = 0x46;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	pkt[26] = 3544 >> 8;
	pkt[27] = 3544 & 0xff;
	ck_assert_uint_gt(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
}
END_TEST

START_TEST(test_filter_ip6_32)
{
	struct sock_filter	prog[PKTRING_FILTER_MAX];
	uint8_t			pkt[60];
	size_t			n;

	n = pktring_filter_ip6_32(prog, 0x20010000);
	ck_assert_uint_le(n, PKTRING_FILTER_MAX);
	memset(pkt, 0, sizeof(pkt));
	pkt[0] = 0x60;
	pkt[24] = 0x20;
	pkt[25] = 0x01;
	pkt[28] = 0xcb;		/* past the /32: any */
	ck_assert_uint_gt(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IPV6), 0);
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IP), 0);
	pkt[27] = 0x01;		/* 2001:1::/32 */
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IPV6), 0);
	pkt[27] = 0;
	pkt[25] = 0x02;
	ck_assert_uint_eq(bpf_run(prog, n, pkt, sizeof(pkt), PACKET_HOST,
	    ETH_P_IPV6), 0);
}
END_TEST

static Suite *
pktring_suite(void)
{
	Suite	*s = suite_create("pktring");
	TCase	*tc = tcase_create("ring");

	tcase_add_test(tc, test_cursor_frames);
	tcase_add_test(tc, test_cursor_hostile);
	tcase_add_test(tc, test_fill);
	tcase_add_test(tc, test_next);
	tcase_add_test(tc, test_next_held);
	tcase_add_test(tc, test_next_held_bound);
	tcase_add_test(tc, test_filter_ip4);
	tcase_add_test(tc, test_filter_ip6);
	tcase_add_test(tc, test_filter_udp4);
	tcase_add_test(tc, test_filter_ip6_32);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(pktring_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
