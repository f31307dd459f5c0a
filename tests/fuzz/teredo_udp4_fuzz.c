/*
 * libFuzzer harness for teredod's IPv4+UDP envelope (teredod/udp4.c), the
 * parser of what the Input packet rings hand over.  The first byte picks
 * the checksum state the ring reported; the rest is the frame.  Invariants:
 * an accepted frame's payload lies inside it, after a header, and comes
 * from a possible host; whatever was accepted survives being wrapped again
 * by td_udp4_write and parsed back unchanged, so builder and parser agree
 * on every header byte.  The outer checksum is derived from an inner
 * IPv6 packet's own upper-layer checksum (udp4.c), so a payload that is
 * not IPv6 must also pass the checksum check; an IPv6 one passes it when
 * its inner checksum was right (a wrong one is meant to fail outside).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "teredod/udp4.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define FRAME_MAX	2048

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t		 again[TD_UDP4_HDR + FRAME_MAX];
	struct td_udp4_in	 in, in2;
	struct in_addr		 dst;
	enum td_csum_state	 st;
	uint8_t			*frame;
	size_t			 len;
	int			 r;

	if (size < 1 || size - 1 > FRAME_MAX)
		return 0;
	st = (enum td_csum_state)(data[0] % 3);
	len = size - 1;
	/* An exact-size copy: ASan sees any read past the frame. */
	if ((frame = malloc(len ? len : 1)) == NULL)
		abort();
	memcpy(frame, data + 1, len);
	dst.s_addr = htonl(0xcb007114);		/* 203.0.113.20 */
	r = td_udp4_parse(frame, len, st, dst, 3544, &in);
	if (r == 0) {
		CHECK(in.payload >= frame + TD_UDP4_HDR);
		CHECK(in.payload + in.len <= frame + len);
		CHECK(in.src.s_addr != 0);
		CHECK(!IN_MULTICAST(ntohl(in.src.s_addr)));
		/* Wrap the payload again, towards the same relay. */
		memcpy(again + TD_UDP4_HDR, in.payload, in.len);
		td_udp4_write(again, in.len, in.src, in.sport, dst, 3544,
		    0x1234);
		CHECK(td_udp4_parse(again, TD_UDP4_HDR + in.len,
		    TD_CSUM_VALID, dst, 3544, &in2) == 0);
		if (in.len == 0 || in.payload[0] >> 4 != 6)
			CHECK(td_udp4_parse(again, TD_UDP4_HDR + in.len,
			    TD_CSUM_CHECK, dst, 3544, &in2) == 0);
		CHECK(in2.src.s_addr == in.src.s_addr);
		CHECK(in2.sport == in.sport);
		CHECK(in2.len == in.len);
		CHECK(memcmp(in2.payload, in.payload, in.len) == 0);
	}
	free(frame);
	return 0;
}
