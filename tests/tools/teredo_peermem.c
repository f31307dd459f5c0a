/*
 * teredo_peermem: teredod's peer table with N peers (default 1,000,000)
 * and empty queues, as the daemon allocates it (the default 8 MiB queue
 * pool and the rate-limit buckets included).  Prints the process's
 * resident memory before and after, and the lookup rate over all peers:
 *	"peers N rss_kib_before A rss_kib_after B table_bytes C lookups_per_s L"
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "teredo.h"
#include "teredod/peers.h"

static long
rss_kib(void)
{
	char	line[256];
	long	kib = -1;
	FILE	*f = fopen("/proc/self/status", "r");

	while (f != NULL && fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = atol(line + 6);
	if (f != NULL)
		fclose(f);
	return kib;
}

static double
now_s(void)
{
	struct timespec	ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
addr_of(uint32_t i, struct in6_addr *a)
{
	struct teredo_addr	t;

	t.server.s_addr = htonl(0xcb00710au);
	t.flags = (uint16_t)(i * 2654435761u >> 20);
	t.port = (uint16_t)(1024 + (i & 0x7fff));
	t.client.s_addr = htonl(0xc6336400u + (i >> 15));
	teredo_addr_encode(&t, a);
}

int
main(int argc, char **argv)
{
	uint32_t		n = argc > 1 ? (uint32_t)atol(argv[1]) : 1000000;
	struct peers_limits	l = { 1048576, (8u << 20) / sizeof(struct peer_slot),
				    4096, 100, 20000, 65536 };
	struct siphash_key	k = { 0x0123, 0x4567 };
	struct peers		t;
	struct in6_addr		a;
	struct peer		*p;
	long			before = rss_kib(), after;
	uint32_t		i, found = 0;
	double			t0, t1;

	if (n > l.capacity)
		l.capacity = n;
	if (peers_init(&t, &l, &k, 1000) == -1) {
		perror("peers_init");
		return 1;
	}
	for (i = 0; i < n; i++) {
		addr_of(i, &a);
		if ((p = peers_create(&t, &a, PEER_TRUSTED, 1000)) == NULL) {
			fprintf(stderr, "create %u failed\n", i);
			return 1;
		}
		peer_trust(&t, p, htonl(i), 40000, 1000);
	}
	after = rss_kib();
	t0 = now_s();
	for (i = 0; i < n; i++) {
		addr_of((i * 7919u) % n, &a);
		found += peers_lookup(&t, &a) != NULL;
	}
	t1 = now_s();
	if (found != n) {
		fprintf(stderr, "lookups found %u of %u\n", found, n);
		return 1;
	}
	printf("peers %u rss_kib_before %ld rss_kib_after %ld table_bytes %zu "
	    "lookups_per_s %.0f\n", n, before, after, peers_memory(&l),
	    (double)n / (t1 - t0));
	peers_free(&t);
	return 0;
}
