/*
 * icmp6err: build ICMPv6 error messages (RFC 4443) about a packet a relay
 * could not forward: Destination Unreachable, Packet Too Big, Time
 * Exceeded, Parameter Problem.  Shared by relay4to6, relay6to4 and teredod.
 *
 * RFC 4443 2.4 rules are enforced here, in this order, before any token is
 * spent:
 *   (e.1) never about an ICMPv6 error message (or a packet whose upper
 *         layer cannot be found, since it might be one);
 *   (e.2) never about a packet to a multicast destination, except Packet
 *         Too Big (and Parameter Problem code 2, which we never send);
 *   (e.3) never to a multicast or unspecified source (nor ::1, nor a
 *         v4-mapped source);
 *   (f)   rate-limited by a token bucket (ratelimit.h), per icmp6err
 *         instance.
 * The message quotes as much of the offending packet as fits in an IPv6
 * packet of 1280 bytes (IPv6 header + 8 ICMPv6 bytes + quote).
 *
 * The caller chooses the source address (the relay's native address,
 * 2002:c058:6301::, a Teredo address...).  The destination is the
 * offending packet's source.  Hop limit 64: it is an ordinary routed
 * packet, not ND (which would use 255).
 *
 * Pure: no syscalls, no allocation; the clock is passed in.
 */
#ifndef JF_ICMP6ERR_H
#define JF_ICMP6ERR_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "inet.h"
#include "ratelimit.h"

#define ICMP6ERR_HLIM		64
#define ICMP6ERR_MAX_LEN	IP6_MIN_MTU	/* whole IPv6 packet */

enum icmp6err_result {
	ICMP6ERR_BUILT = 0,	/* out holds a complete IPv6 packet */
	ICMP6ERR_FORBIDDEN,	/* RFC 4443 2.4 (e): must not answer */
	ICMP6ERR_RATELIMITED,	/* bucket empty */
	ICMP6ERR_MALFORMED,	/* offending packet is not valid IPv6 */
	ICMP6ERR_NOSPACE,	/* out buffer too small */
};

struct icmp6err {
	struct tbucket	bucket;
	uint64_t	built;
	uint64_t	forbidden;
	uint64_t	ratelimited;
};

void	icmp6err_init(struct icmp6err *, uint32_t per_second, uint32_t burst);

/*
 * 1 if RFC 4443 2.4 (e) allows an error of this type about orig (a whole
 * IPv6 packet, fixed header first), 0 if not or if orig is malformed.
 */
int	icmp6err_allowed(const uint8_t *orig, size_t origlen, uint8_t type,
	    uint8_t code);

/*
 * Build the IPv6 packet carrying the error into out (cap >= 1280 is
 * enough for any quote; a smaller cap shortens the quote, but at least
 * the 40-byte IPv6 header of orig must fit).  param is the 32-bit field
 * after the checksum: the MTU for Packet Too Big, the pointer for
 * Parameter Problem, 0 otherwise.  On ICMP6ERR_BUILT *outlen is the
 * packet length; counters in e are updated in every case.
 */
enum icmp6err_result icmp6err_build(struct icmp6err *e, uint64_t now_ms,
	    const struct in6_addr *src, uint8_t type, uint8_t code,
	    uint32_t param, const uint8_t *orig, size_t origlen,
	    uint8_t *out, size_t cap, size_t *outlen);

#endif /* JF_ICMP6ERR_H */
