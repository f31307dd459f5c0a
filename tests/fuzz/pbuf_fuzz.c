/*
 * libFuzzer harness for the pbuf cursor and the wbuf writer
 * (common/pbuf.c).  The input is both the data and a little program: each
 * op byte picks a getter (or a sub-cursor, peek, or write) and the next
 * bytes give its size.  After every step the invariants must hold: a
 * cursor never grows or leaves its parent's bytes, a failed read moves
 * nothing, a writer never passes its capacity and an error sticks.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pbuf.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static void
fuzz_read(struct pbuf *b, const uint8_t *base, size_t baselen,
    struct pbuf *prog, int depth)
{
	struct pbuf	 sub;
	uint8_t		 op, n, tmp[256], v8;
	uint16_t	 v16;
	uint32_t	 v32;
	uint64_t	 v64;
	size_t		 before;
	const uint8_t	*pbefore;
	int		 r = 0;

	while (pbuf_get_n8(prog, &op) == 0) {
		if (pbuf_get_n8(prog, &n) == -1)
			n = 0;
		before = pbuf_left(b);
		pbefore = b->p;
		switch (op % 10) {
		case 0: r = pbuf_get_n8(b, &v8); break;
		case 1: r = pbuf_get_n16(b, &v16); break;
		case 2: r = pbuf_get_n32(b, &v32); break;
		case 3: r = pbuf_get_n64(b, &v64); break;
		case 4: r = pbuf_get(b, tmp, n); break;
		case 5: r = pbuf_skip(b, n); break;
		case 6: r = pbuf_peek(b, n, tmp, op >> 4); break;
		case 7: r = pbuf_peek_n16(b, n, &v16); break;
		case 8: r = pbuf_peek_n8(b, n, &v8); break;
		case 9:
			r = pbuf_sub(b, n, &sub);
			if (r == 0) {
				CHECK(pbuf_left(&sub) == n);
				CHECK(sub.p == pbefore);
				if (depth < 8)
					fuzz_read(&sub, pbefore, n, prog,
					    depth + 1);
			}
			break;
		}
		CHECK(pbuf_left(b) <= before);
		if (r == -1 || (op % 10 >= 6 && op % 10 <= 8))
			CHECK(pbuf_left(b) == before && b->p == pbefore);
		else
			CHECK(b->p == pbefore + (before - pbuf_left(b)));
		CHECK(b->p >= base && b->p + pbuf_left(b) <= base + baselen);
		if (op == 0xff)
			return;	/* back to the parent */
	}
}

static void
fuzz_write(const uint8_t *data, size_t size)
{
	struct wbuf	w;
	uint8_t		buf[64], *at;
	size_t		i = 0, before;
	int		failed = 0, r = 0;

	wbuf_init(&w, buf, size > 0 ? data[0] % sizeof(buf) : 0);
	for (i = 1; i + 1 < size; i += 2) {
		before = w.len;
		switch (data[i] % 8) {
		case 0: r = wbuf_put_n8(&w, data[i + 1]); break;
		case 1: r = wbuf_put_n16(&w, data[i + 1]); break;
		case 2: r = wbuf_put_n32(&w, data[i + 1]); break;
		case 3: r = wbuf_put_n64(&w, data[i + 1]); break;
		case 4:
			r = wbuf_put(&w, data, data[i + 1] % 80 < size ?
			    data[i + 1] % 80 : size);
			break;
		case 5: r = wbuf_put_zero(&w, data[i + 1] % 80); break;
		case 6:
			at = wbuf_reserve(&w, data[i + 1] % 8);
			r = at == NULL ? -1 : 0;
			if (at != NULL && data[i + 1] % 8 >= 4)
				wbuf_set_n32(at, 0x01020304);
			break;
		case 7: r = wbuf_ok(&w) ? 0 : -1; break;
		}
		CHECK(w.len <= w.cap);
		if (r == -1 || failed)
			CHECK(w.len == before);
		if (r == -1)
			failed = 1;
		CHECK(wbuf_ok(&w) == !failed);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pbuf	b, prog;
	size_t		split;

	if (size < 1)
		return 0;
	/* First byte: where the data ends and the program starts. */
	split = 1 + (size_t)data[0] * (size - 1) / 255;
	pbuf_init(&b, data + 1, split - 1);
	pbuf_init(&prog, data + split, size - split);
	fuzz_read(&b, data + 1, split - 1, &prog, 0);
	fuzz_write(data, size);
	return 0;
}
