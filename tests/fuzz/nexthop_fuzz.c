/*
 * libFuzzer harness for the rtnetlink reply parsers (common/nexthop.c):
 * whatever arrives on the NETLINK_ROUTE socket, nexthop_parse_routes and
 * nexthop_parse_neigh never read out of bounds and answer one of their
 * three verdicts; an answer they found is one the query asked for.
 * First byte: bit 0 routes/neighbours, bit 1 IPv4/IPv6, bit 2 whether the
 * port id is checked; second byte: where the rest is cut into two recv
 * buffers (a dump spans several), in 4-byte units.  The query is seq 1, port id 4242,
 * ifindex 3, gateway 192.0.2.1 / fe80::1.
 */
#include <sys/socket.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nexthop.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static const uint8_t gw4[4] = { 192, 0, 2, 1 };
static const uint8_t gw6[16] = { 0xfe, 0x80, [15] = 1 };
static const uint8_t zero[12];

static int
nexthop_fuzz_one(int neigh, const uint8_t *p, size_t len,
    const struct nexthop_query *q, struct nexthop_answer *a)
{
	uint8_t	*copy;
	int	 r;

	/* An exact-size heap copy: ASan sees any read past len. */
	if ((copy = malloc(len > 0 ? len : 1)) == NULL)
		return NEXTHOP_PARSE_BAD;
	if (len > 0)
		memcpy(copy, p, len);
	r = neigh ? nexthop_parse_neigh(copy, len, q, a) :
	    nexthop_parse_routes(copy, len, q, a);
	free(copy);
	CHECK(r == NEXTHOP_PARSE_BAD || r == NEXTHOP_PARSE_MORE ||
	    r == NEXTHOP_PARSE_DONE);
	return r;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct nexthop_query	q;
	struct nexthop_answer	a;
	size_t			cut;
	int			neigh, r;

	if (size < 2)
		return 0;
	neigh = data[0] & 1;
	memset(&q, 0, sizeof(q));
	q.seq = 1;
	q.portid = (data[0] & 4) ? 4242 : 0;
	q.family = (data[0] & 2) ? AF_INET6 : AF_INET;
	q.ifindex = 3;
	memcpy(q.gw, q.family == AF_INET ? gw4 : gw6,
	    q.family == AF_INET ? 4 : 16);
	cut = (size_t)data[1] * 4;
	data += 2;
	size -= 2;
	cut = cut < size ? cut : size;

	memset(&a, 0, sizeof(a));
	r = nexthop_fuzz_one(neigh, data, cut, &q, &a);
	if (r == NEXTHOP_PARSE_MORE)
		r = nexthop_fuzz_one(neigh, data + cut, size - cut, &q, &a);
	/* An IPv4 gateway is 4 bytes: the rest of gw stays zero. */
	if (a.found && !neigh && q.family == AF_INET)
		CHECK(memcmp(a.gw + 4, zero, sizeof(zero)) == 0);
	if (a.found && neigh)
		CHECK(a.has_mac == 0 || a.has_mac == 1);
	CHECK(a.nlerr >= 0 && a.nlerr < 4096);
	CHECK(a.found || (a.priority == 0 && a.nud_state == 0));
	(void)r;
	return 0;
}
