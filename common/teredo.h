/*
 * teredo: the Teredo wire formats (RFC 4380 sections 4 and 5.1.1, RFC 5991
 * flags, RFC 6081 trailers): the 2001:0::/32 address layout, the UDP
 * payload (authentication header, origin indication, IPv6 packet,
 * trailers) and bubbles.  Everything reads through struct pbuf and writes
 * through struct wbuf; nothing allocates, logs or makes a syscall.
 *
 * Address layout (RFC 4380 4):
 *	bits   0-31  2001:0000 prefix
 *	bits  32-63  server IPv4, in clear
 *	bits  64-79  flags (RFC 5991: C z R R R R U G R R R R R R R R)
 *	bits  80-95  client mapped port XOR 0xffff
 *	bits 96-127  client mapped IPv4 XOR 0xffffffff
 * A relay ignores every flag bit: they are decoded only so that encode()
 * round-trips.
 */
#ifndef JF_TEREDO_H
#define JF_TEREDO_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "inet.h"
#include "pbuf.h"

#define TEREDO_PORT		3544	/* servers listen here */
#define TEREDO_PREFIX		0x20010000u	/* first 32 bits, host order */
#define TEREDO_FLAG_CONE	0x8000	/* RFC 4380; obsolete per RFC 5991 */
#define TEREDO_ORIGIN_LEN	8
#define TEREDO_AUTH_MIN		13	/* 4 + nonce 8 + confirmation 1 */

struct teredo_addr {
	struct in_addr	server;		/* network order */
	uint16_t	flags;		/* host order, as on the wire */
	uint16_t	port;		/* host order, de-obfuscated */
	struct in_addr	client;		/* network order, de-obfuscated */
};

/* 1 if a is in 2001:0::/32. */
int	teredo_addr_is(const struct in6_addr *a);
/* 0 and *out filled if a is a Teredo address, else -1. */
int	teredo_addr_decode(const struct in6_addr *a, struct teredo_addr *out);
void	teredo_addr_encode(const struct teredo_addr *, struct in6_addr *a);
/* Embedded IPv4 sanity lives in sixtofour.h (sixtofour_v4_bogon). */

struct teredo_origin {
	uint16_t	port;		/* host order, de-obfuscated */
	struct in_addr	addr;		/* network order, de-obfuscated */
};

struct teredo_auth {
	uint8_t		id_len;
	uint8_t		au_len;
	uint8_t		nonce[8];
	uint8_t		confirm;
};

/* One parsed UDP payload. */
struct teredo_pkt {
	int			has_auth;
	int			has_origin;
	struct teredo_auth	auth;
	struct teredo_origin	origin;
	struct ip6_hdr_info	ip6;
	size_t			ip6_off;	/* offset of the IPv6 header */
	size_t			ip6_len;	/* exactly 40 + plen */
	size_t			trailer_len;	/* bytes after it (RFC 6081) */
};

enum teredo_err {
	TEREDO_OK = 0,
	TEREDO_ERR_AUTH = -1,		/* truncated authentication header */
	TEREDO_ERR_ORIGIN = -2,		/* truncated origin indication */
	TEREDO_ERR_INDICATOR = -3,	/* 00 xx with an unknown type */
	TEREDO_ERR_SHORT = -4,		/* fewer than 40 bytes of IPv6 */
	TEREDO_ERR_VERSION = -5,	/* IPv6 version != 6 */
	TEREDO_ERR_LEN = -6,		/* 40 + plen > bytes left */
};

/*
 * Parse a Teredo UDP payload: [auth] [origin] IPv6 [trailers].  On
 * TEREDO_OK the IPv6 packet is payload[ip6_off .. ip6_off + ip6_len).
 */
enum teredo_err	teredo_parse(const struct pbuf *payload, struct teredo_pkt *);
const char	*teredo_err_str(enum teredo_err);

/* RFC 4380 2.8: IPv6 header only, payload length 0, next header 59. */
static inline int
teredo_is_bubble(const struct ip6_hdr_info *h)
{
	return h->plen == 0 && h->nxt == IPPROTO_NONE;
}

/* Builders (tests, tools, the relay's bubbles). */
int	teredo_origin_build(struct wbuf *, const struct teredo_origin *);
int	teredo_auth_build(struct wbuf *, const struct teredo_auth *,
	    const uint8_t *id, const uint8_t *au);
/* A 40-byte bubble, hop limit 0 (as Miredo sends them). */
int	teredo_bubble_build(struct wbuf *, const struct in6_addr *src,
	    const struct in6_addr *dst);

#endif /* JF_TEREDO_H */
