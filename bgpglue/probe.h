/*
 * probe: the data-plane check.  Every interval it sends one real packet
 * through the relay, inside the VM, and waits for it to come out:
 *
 *   4to6  IPv4 protocol 41 from src4 to target4 (192.88.99.1) carrying
 *         IPv6 2002:<src4>::1 -> ret6, UDP to port, a nonce.  relay4to6
 *         decapsulates it and the kernel delivers the inner packet to
 *         our UDP socket on [ret6]:port.
 *   6to4  native IPv6 UDP from ret6 (if set) to 2002:<src4>::1, port:
 *         relay6to4 encapsulates it toward src4, which is ours, so it
 *         arrives on our raw protocol-41 socket.
 *   teredo native IPv6 UDP from ret6 (if set) to a Teredo address whose
 *         server and client are src4 and whose port carries the nonce:
 *         teredod sees a new peer and sends its indirect bubble to the
 *         "server", i.e. to us on src4:3544 (which teredod itself must
 *         not be bound to).  Teredo's native->client direction.
 *   teredo_c2n  Teredo's client->native direction: UDP from
 *         src4:c2n_port to target4:3544 (teredod's BindAddress) carrying
 *         IPv6 UDP from the Teredo address (server and client src4,
 *         port c2n_port: the mapping it came from, so teredod takes it
 *         without any bubble) to [ret6]:port.  teredod decapsulates it
 *         and forwards it natively; the kernel delivers it to our UDP
 *         socket on [ret6]:port.
 *
 * Where the probe enters.  By default the probe is sent through the
 * kernel: locally originated, it is routed into the relay's TUN (or
 * delivered to teredod's socket).  A relay that takes its input from a
 * packet ring on an interface (Input packet) never sees it there.  With
 * ifname set, the whole packet (IPv4 or IPv6, checksums included) is
 * sent as a frame on that interface through an AF_PACKET socket, to the
 * interface's own MAC and with skb mark `mark`.  A tc egress rule on the
 * interface turns frames with that mark around into its ingress
 * (`mirred ingress redirect`), where the relay's ring tap sees them as
 * received unicast, like real traffic; the ingress drop rule the packet
 * mode needs keeps the kernel's copy out.  Without that rule the frame
 * leaves to our own MAC and is lost: the probe fails, it never passes by
 * another way.
 *
 * A matching nonce is a success; nothing within the timeout a failure.
 * Packets are built and parsed with common/inet.h.  The sockets are
 * opened by probe_new (raw and packet sockets, SO_MARK: call it before
 * dropping privileges).
 */
#ifndef JF_PROBE_H
#define JF_PROBE_H

#include <stdint.h>
#include <netinet/in.h>

struct event_base;
struct probe;

enum probe_mode {
	PROBE_NONE,
	PROBE_4TO6,
	PROBE_6TO4,
	PROBE_TEREDO,		/* native -> client */
	PROBE_TEREDO_C2N,	/* client -> native (ProbeMode teredo: both) */
};

struct probe_cfg {
	enum probe_mode	mode;
	struct in_addr	src4;
	struct in_addr	target4;
	struct in6_addr	ret6;
	uint16_t	port;
	uint32_t	interval_ms;
	uint32_t	timeout_ms;
	char		ifname[16];	/* "": through the kernel; else inject */
	uint32_t	mark;		/* SO_MARK of injected frames */
	uint16_t	c2n_port;	/* teredo_c2n: our UDP port (host order;
					   probe_new binds it and sets it) */
};

struct probe_stats {
	uint64_t	sent, ok, timeouts, send_errors, foreign;
	uint32_t	last_rtt_ms;
};

typedef void (*probe_fn)(void *arg, int ok, const char *why);

/* NULL with errno set if a socket cannot be opened. */
struct probe *probe_new(struct event_base *, const struct probe_cfg *,
	    probe_fn, void *arg);
void	probe_start(struct probe *);
void	probe_free(struct probe *);
const struct probe_stats *probe_stats(const struct probe *);
/*
 * The packet probe_send would send (exposed for unit tests): with ifname
 * set, the whole IPv4 or IPv6 packet as injected (4to6 always); without,
 * what goes into the kernel socket (6to4, teredo: the UDP payload;
 * teredo_c2n: the IPv6 packet teredod must forward).
 */
int	probe_build(const struct probe_cfg *, uint64_t nonce, uint8_t *buf,
	    size_t len);
/*
 * 1 if pkt carries nonce: the UDP payload (4to6, teredo_c2n), a
 * protocol-41 IPv4 packet (6to4), a Teredo bubble's IPv6 packet (teredo).
 */
int	probe_match(const struct probe_cfg *, const uint8_t *pkt, size_t len,
	    uint64_t nonce);

#endif /* JF_PROBE_H */
