/*
 * The I/O of a 6to4 relay outside its pure engine: the lines of its
 * `status` (both relays read a TUN through tunbatch and, with Input
 * packet, a pktring feeding a second tunbatch; with Output packet both
 * send through one pktout), the checks of Output packet's gateways, and
 * opening that pktout.
 */
#ifndef JF_RELAY_IO_H
#define JF_RELAY_IO_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct ctl_reply;
struct pktout;
struct pktring;
struct tunbatch;

struct relay_io {
	const struct tunbatch	*tb;		/* the TUN */
	const struct tunbatch	*tbp;		/* Input packet's batch */
	struct pktring		*ring;		/* Input packet's ring */
	uint64_t		 kernel_drops;	/* ring drops, accumulated */
	struct pktout		*po;		/* Output packet, else NULL */
	const char		*input;		/* "input" line: NULL: tun */
};

void	relay_io_status(struct ctl_reply *, struct relay_io *);
/*
 * OutputGateway4/OutputGateway6 (0.0.0.0 / :: mean none): NULL if the
 * address can be a next hop, else why not (config checks).
 */
const char *relay_io_gateway4_bad(struct in_addr);
const char *relay_io_gateway6_bad(const struct in6_addr *);
/*
 * The Output keys of both relays go together: packet needs
 * OutputInterface (at most IFNAMSIZ - 1 bytes), the interface and the
 * gateways are refused without packet, and a gateway must be able to be a
 * next hop.  0, or -1 with "file:line: key: why" in err.
 */
int	relay_io_output_check(const char *file, int packet,
	    const char *ifname, struct in_addr gw4, const struct in6_addr *gw6,
	    char *err, size_t errlen);
/*
 * Output packet: open po on ifname (CAP_NET_RAW: before the privilege
 * drop) with the configured gateways (0.0.0.0 / :: follow the default
 * route through ifname).  An interface that does not exist is refused
 * as "file:line: OutputInterface: no such interface" (fatal: the config
 * is fine for -n, the host is not); any other failure is fatal too.
 */
void	relay_io_pktout_open(struct pktout *po, const char *file,
	    const char *ifname, struct in_addr gw4,
	    const struct in6_addr *gw6);
/* libevent timer callback (1 s, EV_PERSIST), arg = struct pktout *. */
void	relay_io_pktout_tick(int fd, short what, void *arg);

#endif /* JF_RELAY_IO_H */
