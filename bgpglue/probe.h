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
 *         not be bound to).
 *
 * A matching nonce is a success; nothing within the timeout a failure.
 * Packets are built and parsed with common/inet.h.  The sockets are
 * opened by probe_new (raw sockets: call it before dropping privileges).
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
	PROBE_TEREDO,
};

struct probe_cfg {
	enum probe_mode	mode;
	struct in_addr	src4;
	struct in_addr	target4;
	struct in6_addr	ret6;
	uint16_t	port;
	uint32_t	interval_ms;
	uint32_t	timeout_ms;
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
/* The packet probe_send would send (exposed for unit tests). */
int	probe_build(const struct probe_cfg *, uint64_t nonce, uint8_t *buf,
	    size_t len);
/*
 * 1 if pkt carries nonce: the UDP payload (4to6), a protocol-41 IPv4
 * packet (6to4), a Teredo bubble's IPv6 packet (teredo).
 */
int	probe_match(const struct probe_cfg *, const uint8_t *pkt, size_t len,
	    uint64_t nonce);

#endif /* JF_PROBE_H */
