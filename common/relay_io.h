/*
 * The I/O lines of a 6to4 relay's `status`: both relays read a TUN
 * through tunbatch and, with Input packet, a pktring feeding a second
 * tunbatch.  These figures live outside the pure engines.
 */
#ifndef JF_RELAY_IO_H
#define JF_RELAY_IO_H

#include <stdint.h>

struct ctl_reply;
struct pktring;
struct tunbatch;

struct relay_io {
	const struct tunbatch	*tb;		/* the TUN */
	const struct tunbatch	*tbp;		/* Input packet's batch */
	struct pktring		*ring;		/* Input packet's ring */
	uint64_t		 kernel_drops;	/* ring drops, accumulated */
};

void	relay_io_status(struct ctl_reply *, struct relay_io *);

#endif /* JF_RELAY_IO_H */
