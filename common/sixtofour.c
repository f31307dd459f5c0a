/*
 * 6to4 address mapping and sanity tables.  See sixtofour.h.
 */
#include <arpa/inet.h>

#include <string.h>

#include "sixtofour.h"

struct v4net {
	uint32_t	net;	/* host order */
	uint32_t	mask;
};

/* RFC 3964 5.3.1. */
static const struct v4net sixtofour_bogons[] = {
	{ 0x00000000, 0xff000000 },	/* 0/8 */
	{ 0x0a000000, 0xff000000 },	/* 10/8 */
	{ 0x7f000000, 0xff000000 },	/* 127/8 */
	{ 0xac100000, 0xfff00000 },	/* 172.16/12 */
	{ 0xc0a80000, 0xffff0000 },	/* 192.168/16 */
	{ 0xa9fe0000, 0xffff0000 },	/* 169.254/16 */
	{ 0xe0000000, 0xf0000000 },	/* 224/4 */
	{ 0xf0000000, 0xf0000000 },	/* 240/4, 255.255.255.255 too */
};

#define ANYCAST24_NET	0xc0586300u	/* 192.88.99.0/24 */
#define CGN_NET		0x64400000u	/* 100.64.0.0/10 */
#define CGN_MASK	0xffc00000u

int
sixtofour_is_6to4(const struct in6_addr *a)
{
	return a->s6_addr[0] == 0x20 && a->s6_addr[1] == 0x02;
}

struct in_addr
sixtofour_v4(const struct in6_addr *a)
{
	struct in_addr	v4;

	memcpy(&v4.s_addr, a->s6_addr + 2, 4);
	return v4;
}

void
sixtofour_prefix(struct in_addr v4, struct in6_addr *out)
{
	memset(out, 0, sizeof(*out));
	out->s6_addr[0] = 0x20;
	out->s6_addr[1] = 0x02;
	memcpy(out->s6_addr + 2, &v4.s_addr, 4);
}

void
sixtofour_addr(struct in_addr v4, struct in6_addr *out)
{
	sixtofour_prefix(v4, out);
	memcpy(out->s6_addr + 12, &v4.s_addr, 4);
}

int
sixtofour_v4_is_anycast24(struct in_addr v4)
{
	return (ntohl(v4.s_addr) & 0xffffff00u) == ANYCAST24_NET;
}

int
sixtofour_v4_bogon_noanycast(struct in_addr v4, unsigned int flags)
{
	uint32_t	a = ntohl(v4.s_addr);
	size_t		i;

	for (i = 0; i < sizeof(sixtofour_bogons) / sizeof(sixtofour_bogons[0]);
	    i++)
		if ((a & sixtofour_bogons[i].mask) == sixtofour_bogons[i].net)
			return 1;
	if ((flags & SIXTOFOUR_BOGON_100_64) && (a & CGN_MASK) == CGN_NET)
		return 1;
	return 0;
}

int
sixtofour_v4_bogon(struct in_addr v4, unsigned int flags)
{
	return sixtofour_v4_is_anycast24(v4) ||
	    sixtofour_v4_bogon_noanycast(v4, flags);
}

int
sixtofour_v6_insane(const struct in6_addr *a)
{
	const uint8_t	*b = a->s6_addr;

	if (b[0] == 0 && b[1] == 0)			/* ::/16 */
		return 1;
	if (b[0] == 0xfe && (b[1] & 0x80) == 0x80)	/* fe80::/10, fec0::/10 */
		return 1;
	return b[0] == 0xff;				/* ff00::/8 */
}

/* ISATAP IID: 0000:5efe or 0200:5efe (u bit set), then V4. */
static int
sixtofour_isatap_v4(const struct in6_addr *a, uint32_t *v4)
{
	const uint8_t	*b = a->s6_addr;

	if ((b[8] & ~0x02) != 0 || b[9] != 0 || b[10] != 0x5e || b[11] != 0xfe)
		return 0;
	memcpy(v4, b + 12, 4);
	return 1;
}

int
sixtofour_embeds_v4(const struct in6_addr *a, struct in_addr v4)
{
	const uint8_t	*b = a->s6_addr;
	uint32_t	 x;

	if (sixtofour_is_6to4(a) && sixtofour_v4(a).s_addr == v4.s_addr)
		return 1;
	if (sixtofour_isatap_v4(a, &x) && x == v4.s_addr)
		return 1;
	if (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0 && b[3] == 0) {
		memcpy(&x, b + 4, 4);		/* Teredo server */
		if (x == v4.s_addr)
			return 1;
		memcpy(&x, b + 12, 4);		/* client, obfuscated */
		if ((x ^ 0xffffffffu) == v4.s_addr)
			return 1;
	}
	return 0;
}

int
sixtofour_embeds_any(const struct in6_addr *a, const struct in_addr *own,
    size_t nown)
{
	size_t	i;

	for (i = 0; i < nown; i++)
		if (sixtofour_embeds_v4(a, own[i]))
			return 1;
	return 0;
}

int
sixtofour_v4_listed(const struct in_addr *set, size_t n, struct in_addr a)
{
	size_t	i;

	for (i = 0; i < n; i++)
		if (set[i].s_addr == a.s_addr)
			return 1;
	return 0;
}

size_t
sixtofour_subnet_bcasts(const struct conf_prefix *subnets, size_t n,
    struct in_addr *bcast, size_t max)
{
	size_t		i, k = 0;
	uint32_t	mask;

	for (i = 0; i < n && k < max; i++) {
		if (subnets[i].af != AF_INET)
			continue;
		mask = subnets[i].len == 0 ? 0 :
		    0xffffffffu << (32 - subnets[i].len);
		bcast[k++].s_addr =
		    htonl(ntohl(subnets[i].addr.v4.s_addr) | ~mask);
	}
	return k;
}

int
sixtofour_subnets_check(const char *file,
    const struct conf_prefix_list *subnets, char *err, size_t errlen)
{
	size_t	i;

	for (i = 0; i < subnets->n; i++)
		if (subnets->p[i].af != AF_INET || subnets->p[i].len > 30)
			return conf_fail(err, errlen, file, "LocalSubnet",
			    i + 1, "expected an IPv4 subnet of /30 or shorter");
	return 0;
}
