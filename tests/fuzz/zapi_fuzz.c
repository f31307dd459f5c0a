/*
 * libFuzzer harness for the ZAPI decoders (bgpglue/zapi.c): whatever zebra
 * (or something posing as zebra on zserv.api) sends, decoding never reads
 * out of bounds, and a route that decodes re-encodes to the same bytes.
 * First byte: bit 0 picks the profile, bits 1-3 the decoder.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pbuf.h"
#include "bgpglue/zapi.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
zapi_fuzz_route(const struct zapi_proto *zp, const uint8_t *data,
    size_t size)
{
	struct zapi_route	r, r2;
	struct pbuf		b;
	uint8_t			out[ZAPI_MAX_MSG];
	struct wbuf		w;
	int			len;

	pbuf_init(&b, data, size);
	if (zapi_dec_route(&b, zp, &r) != ZAPI_OK)
		return;
	if ((r.nh_type != ZAPI_NH_BLACKHOLE && r.nh_type != ZAPI_NH_IFINDEX) ||
	    (r.message & ~(uint32_t)(ZAPI_MSG_NEXTHOP | ZAPI_MSG_DISTANCE |
	    ZAPI_MSG_METRIC | ZAPI_MSG_TAG)) != 0 ||
	    !(r.message & ZAPI_MSG_NEXTHOP))
		return;
	/* What we decoded as one of our routes must encode and decode back. */
	wbuf_init(&w, out, sizeof(out));
	if ((len = zapi_enc_route(&w, zp, 1, &r)) < ZAPI_HDR_LEN)
		abort();
	pbuf_init(&b, out + ZAPI_HDR_LEN, (size_t)len - ZAPI_HDR_LEN);
	if (zapi_dec_route(&b, zp, &r2) != ZAPI_OK ||
	    !zapi_prefix_eq(&r.prefix, &r2.prefix) || r.tag != r2.tag ||
	    r.distance != r2.distance || r.type != r2.type)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct zapi_proto	*zp;
	struct pbuf		 b;
	struct zapi_hdr		 h;
	struct zapi_hello	 hello;
	struct zapi_notify	 n;
	char			 buf[64];
	uint32_t		 code;

	if (size < 1)
		return 0;
	zp = zapi_proto((data[0] & 1) ? ZAPI_PROFILE_FRR10 :
	    ZAPI_PROFILE_FRR8);
	pbuf_init(&b, data + 1, size - 1);
	switch ((data[0] >> 1) & 7) {
	case 0:
		if (zapi_hdr_decode(&b, &h) == ZAPI_OK &&
		    (h.len < ZAPI_HDR_LEN || h.len > ZAPI_MAX_MSG))
			abort();
		break;
	case 1:
		(void)zapi_dec_hello(&b, zp, &hello);
		break;
	case 2:
		if (zapi_dec_notify_owner(&b, zp, &n) == ZAPI_OK)
			(void)zapi_prefix_str(&n.prefix, buf, sizeof(buf));
		break;
	case 3:
		(void)zapi_dec_error(&b, &code);
		break;
	default:
		zapi_fuzz_route(zp, data + 1, size - 1);
		break;
	}
	return 0;
}
