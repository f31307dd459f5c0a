/*
 * pktring: relay input from a PACKET_MMAP TPACKET_V3 receive ring on an
 * ingress interface instead of a TUN.  The socket is an ETH_P_ALL tap
 * bound to one interface, so the kernel copies a frame into the ring
 * before the ingress hooks (tc, nft netdev) run: a drop rule there keeps
 * the kernel from also routing what we relay.  A classic BPF filter
 * (built by pktring_filter_*) picks the relay's packets, so the others
 * cost one filter run.  SOCK_DGRAM: the ring holds network-layer packets
 * (IPv4/IPv6), no link header.  Frames are read straight from the mapped
 * blocks, a batch at a time, no system call per packet; the fd polls
 * readable when a block is ours (full, or retired after
 * PKTRING_BLOCK_TOV_MS).
 *
 * PACKET_FANOUT (fanout != 0) lets several workers, each with its own
 * pktring and tunbatch, share an interface's traffic by flow hash.
 */
#ifndef JF_PKTRING_H
#define JF_PKTRING_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>
#include <linux/filter.h>

#include "tunbatch.h"

#define PKTRING_BLOCK_SIZE	(1U << 18)
#define PKTRING_BLOCK_NR	64
#define PKTRING_FRAME_SIZE	2048
#define PKTRING_BLOCK_TOV_MS	1
#define PKTRING_FILTER_MAX	16

struct pktring_stats {
	uint64_t	frames;		/* frames taken from the ring */
	uint64_t	blocks;		/* blocks handed back */
	uint64_t	truncated;	/* snaplen < length: dropped */
	uint64_t	csum_partial;	/* checksum left to a NIC: dropped */
	uint64_t	bad_frame;	/* offsets outside the block */
};

/* Walks one block (tests build blocks by hand). */
struct pktring_cursor {
	const uint8_t	*block;
	size_t		 blen;
	uint32_t	 left;		/* frames not yet walked */
	size_t		 off;		/* of the next frame header */
};

/* One frame: the packet's bytes in the ring and what the kernel said. */
struct pktring_frame {
	const uint8_t	*data;
	size_t		 len;		/* bytes in the ring */
	size_t		 wire_len;	/* packet length */
	uint32_t	 status;	/* TP_STATUS_* */
	size_t		 headroom;	/* unused bytes of the frame before data */
};

struct pktring {
	int			 fd;
	uint8_t			*map;
	size_t			 maplen;
	unsigned int		 cur;		/* block we are in */
	int			 open;		/* cursor valid for cur */
	struct pktring_cursor	 cursor;
	struct pktring_stats	 stats;
	unsigned int		 held;		/* walked blocks not handed back */
};

/*
 * Opens the tap on ifname with filter prog (n instructions), maps the
 * ring.  fanout: 0, or a PACKET_FANOUT group id (hash mode).  Needs
 * CAP_NET_RAW now only.  -1 with errno.
 */
int	pktring_open(struct pktring *, const char *ifname,
	    const struct sock_filter *prog, size_t n, uint16_t fanout);
/*
 * The same with PACKET_RESERVE: at least reserve bytes of headroom in
 * front of every frame's data (f->headroom), e.g. to prepend a header
 * in place and send the frame from the ring (pktring_next_held).
 */
int	pktring_open_reserve(struct pktring *, const char *ifname,
	    const struct sock_filter *prog, size_t n, uint16_t fanout,
	    unsigned int reserve);
void	pktring_close(struct pktring *);
/*
 * Copies up to max packets from the ring into set[i] (reset, data at
 * TB_HEADROOM); returns the count.  Hands back every block it finished.
 */
size_t	pktring_fill(void *pktring, struct tb_pkt *set, size_t max);
/*
 * For callers that parse frames in place or copy them themselves: the
 * next whole frame (1 and *f pointing into the ring, valid until the next
 * call), 0 when none is ready.  Truncated frames are counted and skipped;
 * the caller reads f->status (e.g. TP_STATUS_CSUMNOTREADY, _CSUM_VALID).
 */
int	pktring_next(struct pktring *, struct pktring_frame *);
/*
 * Zero copy: like pktring_next, but the blocks it walks stay ours until
 * pktring_release_held, so every frame of a batch stays valid (and may
 * be rewritten in place, pktring_frame_data) until the batch is sent.
 * Returns 0 as well when all blocks but one are held.
 */
int	pktring_next_held(struct pktring *, struct pktring_frame *);
void	pktring_release_held(struct pktring *);
/* The frame's data, writable (the ring is mapped read-write). */
uint8_t	*pktring_frame_data(struct pktring *, const struct pktring_frame *);
/* Frames the kernel dropped for lack of room since the last call. */
uint64_t pktring_kernel_drops(struct pktring *);

/* Cursor over a block as TPACKET_V3 lays it out; -1: not a valid block. */
int	pktring_cursor_init(struct pktring_cursor *, const uint8_t *block,
	    size_t blen);
/* Next frame: 1 and *f, 0 at the end, -1 for a frame outside the block. */
int	pktring_cursor_next(struct pktring_cursor *, struct pktring_frame *);

/*
 * Filters (incoming unicast to us only).  ip4: protocol proto to one of
 * dst[0..ndst-1] (ndst <= 4); ip6: destination inside pfx16/16.  Return
 * the instruction count written to prog (PKTRING_FILTER_MAX room).
 */
size_t	pktring_filter_ip4(struct sock_filter *prog, uint8_t proto,
	    const struct in_addr *dst, size_t ndst);
size_t	pktring_filter_ip6_16(struct sock_filter *prog, uint16_t pfx16);
/* udp4: UDP to dst:port (host order), unfragmented only (teredod). */
size_t	pktring_filter_udp4(struct sock_filter *prog, struct in_addr dst,
	    uint16_t port);
/* ip6_32: destination inside pfx32/32 (host order, e.g. 0x20010000). */
size_t	pktring_filter_ip6_32(struct sock_filter *prog, uint32_t pfx32);

#endif /* JF_PKTRING_H */
