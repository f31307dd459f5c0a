/*
 * sixtofour: the 6to4 address mapping (RFC 3056 2: 2002:V4ADDR::/48) and
 * the address sanity tables a 6to4 relay applies (RFC 3964 5.3.1 and
 * 5.3.2, RFC 3068 / RFC 7526 anycast prefix, RFC 6324 loop checks).
 * teredod applies the same IPv4 tables and LocalSubnet broadcasts to
 * Teredo addresses (RFC 4380 5.4.1).
 * Pure functions over network-order addresses; no state.
 */
#ifndef JF_SIXTOFOUR_H
#define JF_SIXTOFOUR_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "conf.h"

/* 192.88.99.1, the RFC 3068 relay anycast address, host order. */
#define SIXTOFOUR_ANYCAST	0xc0586301u
/* Flags for sixtofour_v4_bogon(). */
#define SIXTOFOUR_BOGON_100_64	0x1	/* also refuse RFC 6598 100.64/10 */

/* 1 if a is in 2002::/16. */
int	sixtofour_is_6to4(const struct in6_addr *a);
/* V4ADDR of a 2002::/16 address (bits 16..47). */
struct in_addr sixtofour_v4(const struct in6_addr *a);
/* 2002:V4ADDR:: (the /48 prefix, rest zero). */
void	sixtofour_prefix(struct in_addr v4, struct in6_addr *out);
/* 2002:V4ADDR::V4ADDR, the customary router address of the site. */
void	sixtofour_addr(struct in_addr v4, struct in6_addr *out);

/*
 * Non-zero when v4 may not appear as a 6to4 endpoint (outer src/dst or
 * embedded V4ADDR): RFC 3964 5.3.1 (0/8, 10/8, 127/8, 172.16/12,
 * 192.168/16, 169.254/16, 224/4, 240/4), plus 192.88.99.0/24 (RFC 7526,
 * local policy A19), plus 100.64/10 with SIXTOFOUR_BOGON_100_64.
 */
int	sixtofour_v4_bogon(struct in_addr v4, unsigned int flags);
/* Same, but 192.88.99.0/24 is allowed (outer source of another relay). */
int	sixtofour_v4_bogon_noanycast(struct in_addr v4, unsigned int flags);
/* 1 if v4 is the anycast /24 192.88.99.0/24. */
int	sixtofour_v4_is_anycast24(struct in_addr v4);

/* RFC 3964 5.3.2: ::/16, fe80::/10, fec0::/10, ff00::/8. */
int	sixtofour_v6_insane(const struct in6_addr *a);
static inline int
sixtofour_v6_linklocal(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0xfe && (a->s6_addr[1] & 0xc0) == 0x80;
}

/*
 * RFC 6324 3.3: 1 if a embeds v4 in any automatic-tunnel form:
 *   6to4 2002:V4::/48;
 *   ISATAP interface identifier ::0:5efe:V4 or ::200:5efe:V4 (any prefix);
 *   Teredo 2001:0::/32 with server == V4 or client (bits 96..127
 *   complemented) == V4.
 */
int	sixtofour_embeds_v4(const struct in6_addr *a, struct in_addr v4);
/* The same against a list of own addresses. */
int	sixtofour_embeds_any(const struct in6_addr *a,
	    const struct in_addr *own, size_t nown);

/* 1 if a is one of the n addresses of set (the relay's own, broadcasts). */
int	sixtofour_v4_listed(const struct in_addr *set, size_t n,
	    struct in_addr a);
/*
 * The directed-broadcast address of each IPv4 prefix among the n of
 * subnets (RFC 3964 5.3.1: "the relay's subnet broadcast"), into bcast
 * (at most max, network order); returns how many were written.
 */
size_t	sixtofour_subnet_bcasts(const struct conf_prefix *subnets, size_t n,
	    struct in_addr *bcast, size_t max);

/*
 * The LocalSubnet key every relay has (relay4to6, relay6to4, teredod):
 * its help text, and the check of its values after conf_load(): each an
 * IPv4 subnet of /30 or shorter (a /31 or /32 has no broadcast address,
 * RFC 3021).  0, or -1 with "file:line: LocalSubnet: why" in err, line
 * of the offending value.  (Each key table still spells "LocalSubnet"
 * out: tests/config/man.sh finds the keys by that spelling.)
 */
#define SIXTOFOUR_LOCAL_SUBNET_HELP \
	"IPv4 subnets of the relay; their broadcast address is refused"
int	sixtofour_subnets_check(const char *file,
	    const struct conf_prefix_list *subnets, char *err, size_t errlen);

#endif /* JF_SIXTOFOUR_H */
