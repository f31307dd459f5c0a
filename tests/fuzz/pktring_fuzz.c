/*
 * libFuzzer harness for the packet ring's block cursor
 * (pktring_cursor_init/next, common/pktring.c): the input is one
 * TPACKET_V3 block as the kernel would lay it out in the mapped ring, so
 * every offset and length in it is hostile.  Every frame handed out must
 * lie inside the block, after its frame header, and the walk must end
 * within as many steps as the block has bytes.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pktring.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pktring_cursor	 c;
	struct pktring_frame	 f;
	uint8_t			*block;
	size_t			 steps = 0;
	int			 k;

	/* The ring's blocks are page aligned: so is the copy. */
	if ((block = aligned_alloc(4096, size / 4096 * 4096 + 4096)) == NULL)
		abort();
	if (size > 0)
		memcpy(block, data, size);
	if (pktring_cursor_init(&c, block, size) == 0) {
		while ((k = pktring_cursor_next(&c, &f)) == 1) {
			CHECK(f.data >= block && f.data <= block + size);
			CHECK(f.len <= (size_t)(block + size - f.data));
			CHECK(++steps <= size);
		}
		CHECK(k == 0 || k == -1);
		CHECK(pktring_cursor_next(&c, &f) == 0);
	}
	free(block);
	return 0;
}
