/*
 * Status lines for a relay's TUN and packet-input I/O.  See relay_io.h.
 */
#include "ctl.h"
#include "pktring.h"
#include "relay_io.h"
#include "tunbatch.h"

static void	relay_io_status_tun(struct ctl_reply *, const struct relay_io *);
static void	relay_io_status_packet(struct ctl_reply *, struct relay_io *);

/* TUN I/O figures, kept by tunbatch outside the (pure) engine. */
static void
relay_io_status_tun(struct ctl_reply *rep, const struct relay_io *io)
{
	ctl_reply_printf(rep, "tun_io %s", tunbatch_io_name(io->tb));
	ctl_reply_printf(rep, "output %s", tunbatch_output_name(io->tb));
	ctl_reply_printf(rep, "tun_wakeups %llu",
	    (unsigned long long)io->tb->stats.wakeups);
	ctl_reply_printf(rep, "tun_rx %llu",
	    (unsigned long long)io->tb->stats.rx);
	ctl_reply_printf(rep, "tun_tx %llu",
	    (unsigned long long)io->tb->stats.tx);
	ctl_reply_printf(rep, "tun_read_errors %llu",
	    (unsigned long long)io->tb->stats.read_errors);
	ctl_reply_printf(rep, "tun_write_errors %llu",
	    (unsigned long long)io->tb->stats.write_errors);
	ctl_reply_printf(rep, "tun_syscalls %llu",
	    (unsigned long long)io->tb->stats.syscalls);
	ctl_reply_printf(rep, "raw_tun_fallback %llu",
	    (unsigned long long)(io->tb->stats.raw_tun_fallback +
	    io->tbp->stats.raw_tun_fallback));
}

/* Input packet figures (status lines). */
static void
relay_io_status_packet(struct ctl_reply *rep, struct relay_io *io)
{
	if (io->ring->map == NULL) {
		ctl_reply_printf(rep, "input tun");
		return;
	}
	io->kernel_drops += pktring_kernel_drops(io->ring);
	ctl_reply_printf(rep, "input packet");
	ctl_reply_printf(rep, "pkt_wakeups %llu",
	    (unsigned long long)io->tbp->stats.wakeups);
	ctl_reply_printf(rep, "pkt_rx %llu",
	    (unsigned long long)io->tbp->stats.rx);
	ctl_reply_printf(rep, "pkt_tx %llu",
	    (unsigned long long)io->tbp->stats.tx);
	ctl_reply_printf(rep, "pkt_write_errors %llu",
	    (unsigned long long)io->tbp->stats.write_errors);
	ctl_reply_printf(rep, "pkt_syscalls %llu",
	    (unsigned long long)io->tbp->stats.syscalls);
	ctl_reply_printf(rep, "pkt_blocks %llu",
	    (unsigned long long)io->ring->stats.blocks);
	ctl_reply_printf(rep, "pkt_truncated %llu",
	    (unsigned long long)io->ring->stats.truncated);
	ctl_reply_printf(rep, "pkt_csum_partial %llu",
	    (unsigned long long)io->ring->stats.csum_partial);
	ctl_reply_printf(rep, "pkt_bad_frame %llu",
	    (unsigned long long)io->ring->stats.bad_frame);
	ctl_reply_printf(rep, "pkt_kernel_drops %llu",
	    (unsigned long long)io->kernel_drops);
}

void
relay_io_status(struct ctl_reply *rep, struct relay_io *io)
{
	relay_io_status_tun(rep, io);
	relay_io_status_packet(rep, io);
}
