/*
 * libFuzzer harness for bgpglue's probe matcher (bgpglue/probe.c
 * probe_match): on a 6to4 VM in probe mode it parses every protocol-41
 * packet the VM receives, and on the other modes what arrives on the
 * probe's socket.  First byte: the mode; the rest is the packet, matched
 * against one nonce.  A match must carry the probe's payload (magic and
 * nonce, in network order) for the payload modes, or be an IPv6 packet
 * to the probe's Teredo address for the bubble.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include "bgpglue/probe.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)
#define NONCE		0x0123456789abcdefULL

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const enum probe_mode modes[] = {
		PROBE_4TO6, PROBE_6TO4, PROBE_TEREDO, PROBE_TEREDO_C2N,
	};
	static const uint8_t payload[12] = {
		0x6a, 0x66, 0x62, 0x67,			/* "jfbg" */
		0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
	};
	struct probe_cfg	c;

	if (size < 1)
		return 0;
	memset(&c, 0, sizeof(c));
	c.mode = modes[data[0] % 4];
	inet_pton(AF_INET, "198.18.5.1", &c.src4);
	inet_pton(AF_INET, "192.88.99.1", &c.target4);
	inet_pton(AF_INET6, "2001:db8:5::1", &c.ret6);
	c.port = 3560;
	c.c2n_port = 3562;
	if (!probe_match(&c, data + 1, size - 1, NONCE))
		return 0;
	switch (c.mode) {
	case PROBE_TEREDO:
		CHECK(size - 1 >= 40 && (data[1] >> 4) == 6 &&
		    data[1 + 24] == 0x20 && data[1 + 25] == 0x01);
		break;
	default:
		CHECK(memmem(data + 1, size - 1, payload, sizeof(payload)) !=
		    NULL);
		break;
	}
	return 0;
}
