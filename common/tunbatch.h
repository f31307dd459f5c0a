/*
 * tunbatch: the hot loop shared by the packet relays.  Each wakeup reads
 * up to `batch` packets from a non-blocking TUN fd (until EAGAIN) into
 * preallocated buffers, asks a pure verdict function about each, then
 * writes back the ones it kept.  Every buffer keeps TB_HEADROOM bytes in
 * front of the packet so that a verdict can prepend an outer header
 * without copying (p->data -= 20), and decapsulate by advancing p->data.
 *
 * One tunbatch serves one fd: with IFF_MULTI_QUEUE, each queue/worker
 * gets its own tunbatch (and its own verdict state), nothing shared.
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
 * buf..buf+cap).  Return 1 to write p->data/p->len into the TUN, 0 to
 * drop or keep it.  Must not make syscalls.
 */
typedef int	(*tb_verdict_fn)(void *arg, uint64_t now_ms, struct tb_pkt *p);

struct tb_stats {
	uint64_t	wakeups;
	uint64_t	rx;
	uint64_t	tx;
	uint64_t	read_errors;
	uint64_t	write_errors;
};

struct tunbatch {
	int		 fd;
	size_t		 batch;
	tb_verdict_fn	 verdict;
	void		*arg;
	uint8_t		*arena;
	struct tb_pkt	 pkt[TB_BATCH_MAX];
	struct tb_stats	 stats;
};

/* Allocates batch buffers of TB_HEADROOM + TB_PKT_MAX; -1 on ENOMEM. */
int	tunbatch_init(struct tunbatch *, int fd, size_t batch,
	    tb_verdict_fn, void *arg);
void	tunbatch_free(struct tunbatch *);
/* Reset p to an empty packet at buf + TB_HEADROOM (tests use it too). */
void	tunbatch_pkt_reset(struct tb_pkt *p);
/* One wakeup: read, decide, write.  Returns the packets read. */
size_t	tunbatch_service(struct tunbatch *, uint64_t now_ms);
/* libevent callback (EV_READ|EV_PERSIST) with arg = struct tunbatch *. */
void	tunbatch_event_cb(int fd, short what, void *arg);

#endif /* JF_TUNBATCH_H */
