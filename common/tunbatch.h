/*
 * tunbatch: the hot loop shared by the packet relays.  Each wakeup reads
 * up to `batch` packets from a non-blocking TUN fd (until EAGAIN) into
 * preallocated buffers, asks a pure verdict function about each, then
 * writes back the ones it kept.  Every buffer keeps TB_HEADROOM bytes in
 * front of the packet so that a verdict can prepend an outer header
 * without copying (p->data -= 20), and decapsulate by advancing p->data.
 *
 * Two I/O back ends, chosen at run time, same verdicts, same counters:
 *   TB_IO_URING  one io_uring_enter per batch (common/uring_io.h): the
 *		  writes of batch k and the reads of batch k+1 go in together,
 *		  into two alternating buffer sets.
 *   TB_IO_RW	  one read() and one write() system call per packet.
 * TB_IO_AUTO takes io_uring when the kernel gives a ring (not under a
 * seccomp filter that forbids it, nor with kernel.io_uring_disabled),
 * else read/write; the environment variable JF_TUN_IO=rw (or =uring)
 * overrides it, so that tests run both paths.  If the ring fails later
 * (e.g. the kernel refuses non-blocking reads on this fd) tunbatch falls
 * back to read/write for good, with one log line.
 *
 * Output, chosen by the caller:
 *   into the TUN (default)  the kernel receives what we write as if it
 *		  came from a link, then routes and forwards it (netif_rx,
 *		  ip6_rcv/ip_rcv, forward, output): most of the CPU a relayed
 *		  packet costs.  Forwarding takes a hop, so every packet
 *		  written into the TUN (here and by the fallbacks below) gets
 *		  its hop limit or TTL raised by one first (ip_hop_credit):
 *		  what leaves the host carries what the verdict chose, in
 *		  every output mode.
 *   raw sockets  (tunbatch_open_raw) the kept packets go out through
 *		  socket(AF_INET[6], SOCK_RAW, IPPROTO_RAW), header included,
 *		  on the local-output path: routed by the namespace's table,
 *		  no receive/forward work, no rp_filter, no forwarding sysctl,
 *		  no TTL/hop limit decrement (local output).  The kernel
 *		  rewrites the IPv4 checksum and total length (which we set
 *		  right anyway) and picks an ID only when ours is 0 without
 *		  DF; DF, TTL and a non-zero ID stay ours.
 *		  A packet the local-output path refuses where forwarding
 *		  would answer with an ICMP error (too big for the route's MTU,
 *		  no route) is written into the TUN instead, so that the
 *		  kernel's forwarding path sends that error as before.
 *		  With io_uring the sends are SENDMSG SQEs in the same enter
 *		  as the next reads; with read/write one sendmmsg per family
 *		  per batch.
 *   packet	  (tunbatch_open_packet) the kept packets go to the output
 *		  interface's driver through the caller's pktout (pktout.h):
 *		  an AF_PACKET socket, addressed to the family's next hop, no
 *		  route lookup, no forwarding, no netfilter, no qdisc.  What
 *		  pktout_prepare leaves to the kernel (no usable next hop, the
 *		  once-per-refresh kick, longer than the MTU) is written into
 *		  the TUN, in order with the others; a send the driver refuses
 *		  with EMSGSIZE, ENETDOWN or ENXIO too (raw_tun_fallback).
 *		  With io_uring and TUN input the sends are SENDMSG SQEs on
 *		  the pktout socket in the enter of the next reads (tunbatch
 *		  then counts them into the pktout's stats, as pktout_send
 *		  does); otherwise, and with another input (fill) even with
 *		  io_uring, one sendmmsg per batch (pktout_send): cheaper per
 *		  packet than SENDMSG SQEs when there is no read to share
 *		  the enter with.
 *
 * One tunbatch serves one fd, from one thread (the one that called
 * tunbatch_init: the ring is single-issuer): with IFF_MULTI_QUEUE, each
 * queue/worker gets its own tunbatch (and its own verdict state),
 * nothing shared; add up tb_stats for a total.
 */
#ifndef JF_TUNBATCH_H
#define JF_TUNBATCH_H

#include <stddef.h>
#include <stdint.h>

#define TB_HEADROOM	64
#define TB_BATCH_MAX	256
#define TB_PKT_MAX	65535

struct tb_pkt {
	uint8_t		*buf;		/* start of the buffer */
	size_t		 cap;		/* bytes at buf */
	uint8_t		*data;		/* packet start, buf <= data */
	size_t		 len;
};

/*
 * Decide about p (rewriting it in place; data/len may move within
 * buf..buf+cap).  Return 1 to send p->data/p->len (an IPv4 or IPv6
 * packet) out, 0 to drop or keep it.  Must not make syscalls.
 */
typedef int	(*tb_verdict_fn)(void *arg, uint64_t now_ms, struct tb_pkt *p);

/*
 * Another input than the fd (e.g. common/pktring.h): fill up to max
 * packets into set[] (each reset first, data at TB_HEADROOM), return the
 * count.  Must not block; no system call per packet.
 */
typedef size_t	(*tb_fill_fn)(void *arg, struct tb_pkt *set, size_t max);

struct tb_stats {
	uint64_t	wakeups;
	uint64_t	rx;
	uint64_t	tx;
	uint64_t	read_errors;
	uint64_t	write_errors;
	uint64_t	syscalls;	/* read/write/io_uring_enter made */
	uint64_t	raw_tun_fallback; /* raw/packet send refused, TUN
					     instead */
};

enum tb_io {
	TB_IO_AUTO,
	TB_IO_RW,
	TB_IO_URING
};

struct uring;
struct tb_rawmsg;
struct pktout;
struct pktout_msg;

struct tunbatch {
	int		 fd;
	size_t		 batch;
	tb_verdict_fn	 verdict;
	void		*arg;
	enum tb_io	 io;		/* in use: TB_IO_RW or TB_IO_URING */
	struct uring	*ring;		/* TB_IO_URING only */
	size_t		 want;		/* reads to post next round (uring) */
	unsigned int	 set;		/* buffer set of the next reads */
	int		 raw4;		/* -1: output into the TUN */
	int		 raw6;
	struct tb_rawmsg *rawmsg;	/* one per tb_pkt, raw output only */
	struct pktout	*po;		/* packet output: the caller's */
	struct pktout_msg *pomsg;	/* one per tb_pkt, packet output only */
	tb_fill_fn	 fill;		/* NULL: read packets from fd */
	void		*fill_arg;
	uint8_t		*arena;
	struct tb_pkt	 pkt[2 * TB_BATCH_MAX];	/* two sets of batch */
	struct tb_stats	 stats;
};

/*
 * Allocates buffers of TB_HEADROOM + TB_PKT_MAX (batch of them, twice
 * with io_uring); -1 on ENOMEM.  tunbatch_init is tunbatch_init_io with
 * TB_IO_AUTO.  Asking for TB_IO_URING where there is no ring gives
 * TB_IO_RW (check tb->io).
 */
int	tunbatch_init(struct tunbatch *, int fd, size_t batch,
	    tb_verdict_fn, void *arg);
int	tunbatch_init_io(struct tunbatch *, int fd, size_t batch,
	    tb_verdict_fn, void *arg, enum tb_io);
void	tunbatch_free(struct tunbatch *);
/*
 * Send kept packets through raw IPv4/IPv6 sockets instead of writing
 * them into the TUN (see above).  Needs CAP_NET_RAW now only: call it
 * before dropping privileges.  -1 with errno.
 */
int	tunbatch_open_raw(struct tunbatch *);
/*
 * Send kept packets through po (open, owned and refreshed by the caller,
 * who may share it between the tunbatches of one thread) instead of
 * writing them into the TUN; the TUN stays the kernel path (see above).
 * -1 on ENOMEM.
 */
int	tunbatch_open_packet(struct tunbatch *, struct pktout *po);
/*
 * Take packets from fill instead of reading the fd (which stays the
 * output).  Same verdicts, same output, same stats; the event to watch
 * is then the input's (e.g. the pktring socket).
 */
void	tunbatch_set_input(struct tunbatch *, tb_fill_fn, void *arg);
/* "tun", "raw" or "packet": where kept packets go (status lines). */
const char *tunbatch_output_name(const struct tunbatch *);
/* "uring" or "rw": the back end in use (status lines). */
const char *tunbatch_io_name(const struct tunbatch *);
/* Reset p to an empty packet at buf + TB_HEADROOM (tests use it too). */
void	tunbatch_pkt_reset(struct tb_pkt *p);
/* One wakeup: read, decide, write.  Returns the packets read. */
size_t	tunbatch_service(struct tunbatch *, uint64_t now_ms);
/* libevent callback (EV_READ|EV_PERSIST) with arg = struct tunbatch *. */
void	tunbatch_event_cb(int fd, short what, void *arg);

#endif /* JF_TUNBATCH_H */
