/*
 * libFuzzer harness for teredod's StateFile reader (teredod/state.c),
 * through a real file as teredod reads it at start.  First byte: bit 0
 * set puts a fresh header ("teredod-state 1 <now>") in front of the rest,
 * so that the peer lines are reached; clear, the input is the whole file.
 * Whatever the file holds, the load must end with -1 (damaged), 0 or a
 * count no larger than the table, and leave a consistent table whose
 * every entry is a Teredo address with a global mapped address, none of
 * them naming the LocalSubnet broadcast 203.0.113.255.
 */
#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "sixtofour.h"
#include "teredo.h"
#include "teredod/peers.h"
#include "teredod/state.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

static char	path[64];
static struct in_addr refused;		/* a LocalSubnet broadcast */

static void
fuzz_table_ok(const struct peers *t)
{
	uint32_t	i, n = 0;
	int		l;
	struct in6_addr	a;
	struct in_addr	m;
	struct teredo_addr ta;

	for (l = 0; l < PL_COUNT; l++)
		n += t->count[l];
	CHECK(n == t->lim.capacity);
	for (i = t->head[PL_TRUSTED]; i != PEER_NONE; i = t->ent[i].next) {
		peers_addr(&t->ent[i], &a);
		CHECK(teredo_addr_decode(&a, &ta) == 0);
		m.s_addr = t->ent[i].map_addr;
		CHECK(!sixtofour_v4_bogon(m, SIXTOFOUR_BOGON_100_64));
		CHECK(m.s_addr != refused.s_addr &&
		    ta.client.s_addr != refused.s_addr &&
		    ta.server.s_addr != refused.s_addr);
		CHECK(t->ent[i].map_port != 0);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct peers_limits	 l = { 16, 16, 1280, 0, 0, 16 };
	struct siphash_key	 k = { 7, 11 };
	struct peers		 t;
	FILE			*f;
	int			 n;

	if (size < 1)
		return 0;
	if (path[0] == '\0') {
		log_init("teredo_state_fuzz", 1, 0);
		refused.s_addr = htonl(0xcb0071ff);
		snprintf(path, sizeof(path), "/tmp/jf-fuzz-state.%d",
		    (int)getpid());
	}
	if ((f = fopen(path, "w")) == NULL)
		abort();
	if (data[0] & 1)
		fprintf(f, "teredod-state 1 %lld\n", (long long)time(NULL));
	if (size > 1 && fwrite(data + 1, 1, size - 1, f) != size - 1)
		abort();
	if (fclose(f) != 0 || peers_init(&t, &l, &k, 1000000) == -1)
		abort();
	n = state_load(path, &t, &refused, 1, 1000000);
	CHECK(n >= -1);
	/* What it says it restored is what the table holds (never more). */
	CHECK(n == -1 || ((uint32_t)n == t.count[PL_TRUSTED] &&
	    (uint32_t)n <= l.capacity));
	fuzz_table_ok(&t);
	peers_free(&t);
	return 0;
}
