/*
 * Test-side packet builders for the 6to4 unit tests.  Written byte by
 * byte with their own checksum routine, independently of common/inet.c,
 * so that the code under test is checked against a second opinion.
 */
#ifndef JF_TEST_PKT6TO4_H
#define JF_TEST_PKT6TO4_H

#include <arpa/inet.h>
#include <stdint.h>
#include <string.h>

static inline struct in6_addr
tp_a6(const char *s)
{
	struct in6_addr	a;

	if (inet_pton(AF_INET6, s, &a) != 1)
		memset(&a, 0xee, sizeof(a));
	return a;
}

static inline struct in_addr
tp_a4(const char *s)
{
	struct in_addr	a;

	if (inet_pton(AF_INET, s, &a) != 1)
		a.s_addr = 0xeeeeeeee;
	return a;
}

/* 1 if the 16 bytes at p are the address s. */
static inline int
tp_eq6(const void *p, const char *s)
{
	struct in6_addr	a = tp_a6(s);

	return memcmp(p, &a, 16) == 0;
}

static inline int
tp_eq4(const void *p, const char *s)
{
	struct in_addr	a = tp_a4(s);

	return memcmp(p, &a, 4) == 0;
}

/* Plain RFC 1071: sum 16-bit big-endian words, fold, complement. */
static inline uint16_t
tp_csum(const uint8_t *a, size_t alen, const uint8_t *b, size_t blen)
{
	uint32_t	sum = 0;
	size_t		i;

	for (i = 0; i + 1 < alen; i += 2)
		sum += (uint32_t)(a[i] << 8 | a[i + 1]);
	for (i = 0; i < blen; i++)
		sum += (i % 2 == 0) ? (uint32_t)b[i] << 8 : b[i];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static inline void
tp_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline uint16_t
tp_get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

/* IPv6 header + payload at buf; returns the length. */
static inline size_t
tp_ip6(uint8_t *buf, const char *src, const char *dst, uint8_t nxt,
    uint8_t hlim, uint8_t tclass, const uint8_t *pl, size_t plen)
{
	struct in6_addr	s = tp_a6(src), d = tp_a6(dst);

	buf[0] = (uint8_t)(0x60 | tclass >> 4);
	buf[1] = (uint8_t)(tclass << 4);
	buf[2] = buf[3] = 0;
	tp_put16(buf + 4, (uint16_t)plen);
	buf[6] = nxt;
	buf[7] = hlim;
	memcpy(buf + 8, &s, 16);
	memcpy(buf + 24, &d, 16);
	if (plen > 0)
		memmove(buf + 40, pl, plen);
	return 40 + plen;
}

/* ICMPv6 checksum of the message at pkt+40 (IPv6 header at pkt). */
static inline uint16_t
tp_icmp6_csum(const uint8_t *pkt)
{
	uint8_t		ph[40];
	uint16_t	plen = tp_get16(pkt + 4);

	memcpy(ph, pkt + 8, 32);
	ph[32] = ph[33] = 0;
	tp_put16(ph + 34, plen);
	ph[36] = ph[37] = ph[38] = 0;
	ph[39] = 58;
	return tp_csum(ph, sizeof(ph), pkt + 40, plen);
}

/* A whole IPv6 ICMPv6 message (type, code, word, data of dlen bytes). */
static inline size_t
tp_icmp6(uint8_t *buf, const char *src, const char *dst, uint8_t hlim,
    uint8_t type, uint8_t code, uint32_t word, size_t dlen)
{
	uint8_t	m[1500];
	size_t	i, len;

	memset(m, 0, sizeof(m));
	m[0] = type;
	m[1] = code;
	m[4] = (uint8_t)(word >> 24);
	m[5] = (uint8_t)(word >> 16);
	m[6] = (uint8_t)(word >> 8);
	m[7] = (uint8_t)word;
	for (i = 0; i < dlen && 8 + i < sizeof(m); i++)
		m[8 + i] = (uint8_t)i;
	len = tp_ip6(buf, src, dst, 58, hlim, 0, m, 8 + dlen);
	tp_put16(buf + 42, tp_icmp6_csum(buf));
	return len;
}

/* IPv6 with a Type 0 Routing Header (one address) before 8 UDP bytes. */
static inline size_t
tp_rh0_6(uint8_t *buf, const char *src, const char *dst, uint8_t hlim)
{
	uint8_t		pl[24 + 8];
	struct in6_addr	via = tp_a6("2001:db8::99");

	memset(pl, 0, sizeof(pl));
	pl[0] = 17;		/* next: UDP */
	pl[1] = 2;		/* 24 bytes */
	pl[2] = 0;		/* type 0 */
	pl[3] = 1;		/* segments left */
	memcpy(pl + 8, &via, 16);
	tp_put16(pl + 28, 8);
	return tp_ip6(buf, src, dst, 43, hlim, 0, pl, sizeof(pl));
}

/* IPv6 + UDP (no checksum care) of dlen bytes. */
static inline size_t
tp_udp6(uint8_t *buf, const char *src, const char *dst, uint8_t hlim,
    uint8_t tclass, size_t dlen)
{
	uint8_t	u[65536];
	size_t	i;

	memset(u, 0, 8);
	tp_put16(u, 4000);
	tp_put16(u + 2, 5000);
	tp_put16(u + 4, (uint16_t)(8 + dlen));
	for (i = 0; i < dlen; i++)
		u[8 + i] = (uint8_t)(i * 7);
	return tp_ip6(buf, src, dst, 17, hlim, tclass, u, 8 + dlen);
}

/* IPv4 header (options optional, a multiple of 4) + payload. */
static inline size_t
tp_ip4(uint8_t *buf, const char *src, const char *dst, uint8_t proto,
    uint8_t ttl, uint8_t tos, uint16_t id, uint16_t frag,
    const uint8_t *opts, size_t optlen, const uint8_t *pl, size_t plen)
{
	struct in_addr	s = tp_a4(src), d = tp_a4(dst);
	size_t		hl = 20 + optlen;

	if (plen > 0)
		memmove(buf + hl, pl, plen);
	buf[0] = (uint8_t)(0x40 | hl / 4);
	buf[1] = tos;
	tp_put16(buf + 2, (uint16_t)(hl + plen));
	tp_put16(buf + 4, id);
	tp_put16(buf + 6, frag);
	buf[8] = ttl;
	buf[9] = proto;
	buf[10] = buf[11] = 0;
	memcpy(buf + 12, &s, 4);
	memcpy(buf + 16, &d, 4);
	if (optlen > 0)
		memcpy(buf + 20, opts, optlen);
	tp_put16(buf + 10, tp_csum(buf, hl, NULL, 0));
	return hl + plen;
}

/* What ends tp_chain6's extension header chain. */
enum tp_chain_end {
	TP_END_UDP,		/* 8 UDP bytes */
	TP_END_RH0,		/* Type 0 Routing Header, then UDP */
	TP_END_NS,		/* ICMPv6 Neighbor Solicitation (ND) */
};

/*
 * IPv6 src -> dst with n empty Destination Options headers (8 bytes of
 * PadN each) before end; cut, when not 0, is how many bytes to remove
 * from the end of the payload (a truncated chain).  buf needs 40 + 8 * n
 * + 40 bytes.
 */
static inline size_t
tp_chain6(uint8_t *buf, const char *src, const char *dst, uint8_t hlim,
    size_t n, enum tp_chain_end end, size_t cut)
{
	uint8_t		pl[8 * 200 + 40];
	struct in6_addr	via = tp_a6("2001:db8::99");
	uint8_t		first;
	size_t		i, len;

	if (n > 200)
		n = 200;
	len = 8 * n;
	first = end == TP_END_NS ? 58 : end == TP_END_RH0 ? 43 : 17;
	for (i = 0; i < n; i++) {
		uint8_t	*h = pl + 8 * i;

		h[0] = (uint8_t)(i + 1 < n ? 60 : first);
		h[1] = 0;
		h[2] = 1;		/* PadN, 4 bytes */
		h[3] = 4;
		h[4] = h[5] = h[6] = h[7] = 0;
	}
	switch (end) {
	case TP_END_RH0:
		memset(pl + len, 0, 24);
		pl[len] = 17;
		pl[len + 1] = 2;	/* 24 bytes */
		pl[len + 2] = 0;	/* type 0 */
		pl[len + 3] = 1;	/* segments left */
		memcpy(pl + len + 8, &via, 16);
		len += 24;
		/* FALLTHROUGH */
	case TP_END_UDP:
		memset(pl + len, 0, 8);
		tp_put16(pl + len, 4000);
		tp_put16(pl + len + 2, 5000);
		tp_put16(pl + len + 4, 8);
		len += 8;
		break;
	case TP_END_NS:
		memset(pl + len, 0, 24);
		pl[len] = 135;		/* type NS, code 0, target after */
		memcpy(pl + len + 8, &via, 16);
		len += 24;
		break;
	}
	if (cut > len)
		cut = len;
	return tp_ip6(buf, src, dst, n > 0 ? 60 : first, hlim, 0, pl,
	    len - cut);
}

#endif /* JF_TEST_PKT6TO4_H */
