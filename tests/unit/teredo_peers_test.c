/*
 * teredod peer table on a fake clock: bubble timing (2 s spacing, 4 per
 * 300 s, timer-driven retries without new traffic, give-up), queue bound,
 * order and shared pool, expiry 30 s after the last receive, eviction
 * that never takes a valid trusted client, creation rate limits, and a
 * large table (lookups stay exact).
 */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "teredo.h"
#include "teredod/peers.h"
#include "teredod/state.h"
#include "teredod/verdict.h"

#define T0	1000000ULL	/* fake clock start, ms */

static const struct siphash_key	key = { 1, 2 };

static struct peers_limits
lim(uint32_t cap, uint32_t slots, uint32_t qbytes)
{
	struct peers_limits	l = { cap, slots, qbytes, 0, 0, 64 };

	return l;
}

/* A distinct Teredo address per i (client 192.0.2.x / 198.51.100.x). */
static struct in6_addr
taddr(uint32_t i)
{
	struct teredo_addr	t;
	struct in6_addr		a;

	inet_pton(AF_INET, "203.0.113.10", &t.server);
	t.flags = 0;
	t.port = (uint16_t)(1024 + (i & 0x7fff));
	t.client.s_addr = htonl(0xc6336400u + (i >> 15));	/* 198.51.100.x */
	teredo_addr_encode(&t, &a);
	return a;
}

START_TEST(bubble_timer_schedule)
{
	struct peers	 t;
	struct peers_limits l = lim(16, 16, 4096);
	struct in6_addr	 a = taddr(1);
	struct peer	*p, *d;
	uint64_t	 now, sent[8];
	int		 nsent = 0, giveup, gaveup_at = -1;

	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	p = peers_create(&t, &a, PEER_PENDING, T0);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(peer_bubble_allowed(&t, p, T0), 1);	/* B20 */
	peer_bubble_sent(&t, p, T0);
	sent[nsent++] = T0;
	/* No new traffic: only the 100 ms timer drives retries. */
	for (now = T0 + 100; now < T0 + 400000; now += 100) {
		while ((d = peers_due(&t, now, &giveup)) != NULL) {
			ck_assert_ptr_eq(d, p);
			if (giveup) {
				gaveup_at = (int)(now - T0);
				peer_give_up(&t, d, now);
				ck_assert_int_eq(tx_peer_decide(&t, d, now),
				    TXP_REFUSE);
				continue;
			}
			ck_assert_int_eq(peer_bubble_allowed(&t, d, now), 1);
			ck_assert_int_lt(nsent, 8);
			sent[nsent++] = now;
			peer_bubble_sent(&t, d, now);
		}
		if (gaveup_at >= 0 && t.count[PL_FAILED] == 0)
			break;
	}
	ck_assert_int_eq(nsent, 4);			/* B19 */
	ck_assert_uint_eq(sent[1] - sent[0], 2000);	/* B13: 2, 4, 6 s */
	ck_assert_uint_eq(sent[2] - sent[1], 2000);
	ck_assert_uint_eq(sent[3] - sent[2], 2000);
	ck_assert_int_eq(gaveup_at, 8000);
	/* The failed entry blocks a 5th bubble until 300 s after the 1st. */
	ck_assert_uint_ge(now - T0, 300000);
	ck_assert_uint_lt(now - T0, 300200);
	ck_assert_ptr_null(peers_lookup(&t, &a));
	peers_free(&t);
}
END_TEST

START_TEST(bubble_spacing_rule)
{
	struct peers	 t;
	struct peers_limits l = lim(16, 16, 4096);
	struct in6_addr	 a = taddr(2);
	struct peer	*p;

	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	p = peers_create(&t, &a, PEER_PENDING, T0);
	peer_bubble_sent(&t, p, T0);
	ck_assert_int_eq(peer_bubble_allowed(&t, p, T0 + 100), 0);  /* B18 */
	ck_assert_int_eq(peer_bubble_allowed(&t, p, T0 + 1999), 0);
	ck_assert_int_eq(peer_bubble_allowed(&t, p, T0 + 2000), 1);
	peer_bubble_sent(&t, p, T0 + 2000);
	peer_bubble_sent(&t, p, T0 + 4000);
	peer_bubble_sent(&t, p, T0 + 6000);
	ck_assert_int_eq(peer_bubble_allowed(&t, p, T0 + 60000), 0);
	ck_assert_int_eq(peer_bubble_allowed(&t, p, T0 + 299999), 0);
	ck_assert_int_eq(peer_bubble_allowed(&t, p, T0 + 300000), 1);
	/* A direct reply resets the budget. */
	peer_trust(&t, p, htonl(0xc6336414), 40000, T0 + 6500);
	ck_assert_int_eq(p->bubbles, 0);
	ck_assert_int_eq(peer_is_valid(&t, p, T0 + 6500), 1);
	peers_free(&t);
}
END_TEST

START_TEST(queue_bound_order)
{
	struct peers	 t;
	struct peers_limits l = lim(16, 64, 1280);
	struct in6_addr	 a = taddr(3);
	struct peer	*p;
	uint8_t		 pkt[600];
	const struct peer_slot *s;
	int		 i, ok = 0;

	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	p = peers_create(&t, &a, PEER_PENDING, T0);
	for (i = 0; i < 10000; i++) {
		memset(pkt, i & 0xff, sizeof(pkt));
		if (peer_enqueue(&t, p, pkt, 400) == 0)
			ok++;
		else
			ck_assert_int_eq(peer_enqueue(&t, p, pkt, 400), -1);
	}
	ck_assert_int_eq(ok, 3);		/* 3 x 400 <= 1280 < 4 x 400 */
	ck_assert_uint_eq(p->qbytes, 1200);
	ck_assert_int_eq(peer_enqueue(&t, p, pkt, 2000), -3);
	for (i = 0; i < 3; i++) {		/* FIFO, unlike Miredo */
		s = peer_queue_head(&t, p);
		ck_assert_ptr_nonnull(s);
		ck_assert_uint_eq(s->data[0], i);
		peer_queue_pop(&t, p);
	}
	ck_assert_ptr_null(peer_queue_head(&t, p));
	ck_assert_uint_eq(t.slots_used, 0);
	peers_free(&t);
}
END_TEST

START_TEST(queue_pool_shared)
{
	struct peers	 t;
	struct peers_limits l = lim(16, 3, 4096);
	struct in6_addr	 a = taddr(4), b = taddr(5);
	struct peer	*p, *q;
	uint8_t		 pkt[100] = { 0 };

	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	p = peers_create(&t, &a, PEER_PENDING, T0);
	q = peers_create(&t, &b, PEER_PENDING, T0);
	ck_assert_int_eq(peer_enqueue(&t, p, pkt, 100), 0);
	ck_assert_int_eq(peer_enqueue(&t, p, pkt, 100), 0);
	ck_assert_int_eq(peer_enqueue(&t, q, pkt, 100), 0);
	ck_assert_int_eq(peer_enqueue(&t, q, pkt, 100), -2);
	peers_delete(&t, p);			/* frees its slots */
	ck_assert_uint_eq(t.slots_used, 1);
	ck_assert_int_eq(peer_enqueue(&t, q, pkt, 100), 0);
	peers_free(&t);
}
END_TEST

START_TEST(expiry_valid_30s)
{
	struct peers	 t;
	struct peers_limits l = lim(16, 16, 4096);
	struct in6_addr	 a = taddr(6);
	struct peer	*p;
	int		 g;

	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	p = peers_create(&t, &a, PEER_TRUSTED, T0);
	peer_trust(&t, p, htonl(0xc6336414), 40000, T0);
	ck_assert_int_eq(tx_peer_decide(&t, p, T0 + 29999), TXP_SEND);
	ck_assert_ptr_null(peers_due(&t, T0 + 29999, &g));
	ck_assert_ptr_eq(peers_lookup(&t, &a), p);
	peer_trust(&t, p, htonl(0xc6336414), 40000, T0 + 20000); /* refresh */
	ck_assert_ptr_null(peers_due(&t, T0 + 49999, &g));
	ck_assert_ptr_nonnull(peers_lookup(&t, &a));
	ck_assert_int_eq(tx_peer_decide(&t, p, T0 + 50000), TXP_CREATE);
	ck_assert_ptr_null(peers_due(&t, T0 + 50000, &g));
	ck_assert_ptr_null(peers_lookup(&t, &a));
	ck_assert_uint_eq(t.count[PL_TRUSTED], 0);
	ck_assert_uint_eq(t.count[PL_FREE], 16);
	peers_free(&t);
}
END_TEST

START_TEST(eviction_spares_trusted)
{
	struct peers	 t;
	struct peers_limits l = lim(4, 4, 4096);
	struct in6_addr	 a;
	struct peer	*p;
	uint32_t	 i;

	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	for (i = 0; i < 2; i++) {
		a = taddr(100 + i);
		p = peers_create(&t, &a, PEER_TRUSTED, T0);
		peer_trust(&t, p, htonl(0xc6336414), (uint16_t)(100 + i), T0);
	}
	/* A flood of fresh destinations churns the untrusted half only. */
	for (i = 0; i < 1000; i++) {
		a = taddr(1000 + i);
		ck_assert_ptr_nonnull(peers_create(&t, &a, PEER_PENDING,
		    T0 + i));
	}
	for (i = 0; i < 2; i++) {
		a = taddr(100 + i);
		ck_assert_ptr_nonnull(peers_lookup(&t, &a));
	}
	a = taddr(1999);
	ck_assert_ptr_nonnull(peers_lookup(&t, &a));
	a = taddr(1000);
	ck_assert_ptr_null(peers_lookup(&t, &a));
	ck_assert_uint_eq(t.evicted, 998);
	/* Full of valid trusted clients: creation refused, none evicted. */
	for (i = 0; i < 2; i++) {
		a = taddr(200 + i);
		p = peers_create(&t, &a, PEER_TRUSTED, T0 + 2000);
		ck_assert_ptr_nonnull(p);
		peer_trust(&t, p, htonl(0xc6336414), 1, T0 + 2000);
	}
	a = taddr(300);
	ck_assert_ptr_null(peers_create(&t, &a, PEER_PENDING, T0 + 2001));
	/* Once the oldest trusted one is no longer valid it can go. */
	ck_assert_ptr_nonnull(peers_create(&t, &a, PEER_PENDING,
	    T0 + 30000));
	a = taddr(100);
	ck_assert_ptr_null(peers_lookup(&t, &a));
	peers_free(&t);
}
END_TEST

START_TEST(rate_limit_new)
{
	struct peers	 t;
	struct peers_limits l = { 16, 16, 4096, 5, 1000, 1024 };
	struct in6_addr	 s1, s2;
	struct in_addr	 srv;
	int		 i, ok = 0;

	inet_pton(AF_INET6, "2001:db8:1::1", &s1);
	inet_pton(AF_INET6, "2001:db8:2::1", &s2);
	inet_pton(AF_INET, "203.0.113.10", &srv);
	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	for (i = 0; i < 100; i++)
		ok += peers_may_create(&t, &s1, srv, T0);
	ck_assert_int_eq(ok, 10);		/* burst = 2 x rate */
	ck_assert_int_eq(peers_may_create(&t, &s2, srv, T0), 1);
	ck_assert_int_eq(peers_may_create(&t, &s1, srv, T0 + 1000), 1);
	peers_free(&t);
	/* Per Teredo server: 5/s (burst 10) whatever the native source. */
	l.rate_per64 = 0;
	l.rate_per_server = 5;
	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	for (ok = 0, i = 0; i < 100; i++) {
		s1.s6_addr[7] = (uint8_t)i;		/* 100 different /64s */
		ok += peers_may_create(&t, &s1, srv, T0);
	}
	ck_assert_int_eq(ok, 10);
	/* Retries draw on the same bucket: none left at T0. */
	ck_assert_int_eq(peers_server_token(&t, srv, T0), 0);
	ck_assert_int_eq(peers_server_token(&t, srv, T0 + 200), 1);
	inet_pton(AF_INET, "203.0.113.11", &srv);
	ck_assert_int_eq(peers_may_create(&t, &s1, srv, T0), 1);
	peers_free(&t);
}
END_TEST

START_TEST(large_table)
{
	struct peers	 t;
	struct peers_limits l = lim(200000, 16, 4096);
	struct in6_addr	 a;
	struct peer	*p;
	uint32_t	 i;

	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	for (i = 0; i < 200000; i++) {
		a = taddr(i);
		p = peers_create(&t, &a, PEER_TRUSTED, T0);
		ck_assert_ptr_nonnull(p);
		peer_trust(&t, p, htonl(i), 1, T0);
	}
	for (i = 0; i < 200000; i++) {
		a = taddr(i);
		p = peers_lookup(&t, &a);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(p->map_addr, htonl(i));
	}
	a = taddr(200001);
	ck_assert_ptr_null(peers_lookup(&t, &a));
	ck_assert_uint_eq(sizeof(struct peer), 64);
	peers_free(&t);
}
END_TEST

START_TEST(state_round_trip)
{
	struct peers	 t, u;
	struct peers_limits l = lim(64, 16, 4096);
	struct in6_addr	 a;
	struct peer	*p;
	char		 path[] = "/tmp/jf-teredo-state.XXXXXX";
	FILE		*f;
	uint32_t	 i;
	int		 fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	for (i = 0; i < 5; i++) {
		a = taddr(i);
		p = peers_create(&t, &a, i < 3 ? PEER_TRUSTED : PEER_PENDING,
		    T0);
		if (i < 3)
			peer_trust(&t, p, htonl(0xc6336414), (uint16_t)(50000 + i),
			    T0);
	}
	ck_assert_int_eq(state_save(path, &t, T0 + 1000), 3);
	ck_assert_int_eq(peers_init(&u, &l, &key, T0), 0);
	ck_assert_int_eq(state_load(path, &u, NULL, 0, T0 + 5000), 3);
	for (i = 0; i < 3; i++) {
		a = taddr(i);
		p = peers_lookup(&u, &a);
		ck_assert_ptr_nonnull(p);
		ck_assert_uint_eq(p->map_port, 50000 + i);
		ck_assert_int_eq(peer_is_valid(&u, p, T0 + 34999), 1);
	}
	a = taddr(3);
	ck_assert_ptr_null(peers_lookup(&u, &a));
	peers_free(&u);
	/* Too old: ignored.  Damaged: refused. */
	f = fopen(path, "w");
	fprintf(f, "teredod-state 1 1000\n2001:0:cb00:7101:0:63bf:39cc:9beb "
	    "198.51.100.20 40000\n");
	fclose(f);
	ck_assert_int_eq(peers_init(&u, &l, &key, T0), 0);
	ck_assert_int_eq(state_load(path, &u, NULL, 0, T0), 0);
	ck_assert_uint_eq(u.count[PL_TRUSTED], 0);
	f = fopen(path, "w");
	fprintf(f, "teredod-state 1 %lld\n2001:db8::1 198.51.100.20 40000\n",
	    (long long)time(NULL));
	fclose(f);
	ck_assert_int_eq(state_load(path, &u, NULL, 0, T0), -1);
	f = fopen(path, "w");
	fprintf(f, "teredod-state 1 %lld\n2001:0:cb00:7101:0:63bf:39cc:9beb "
	    "10.0.0.1 40000\n", (long long)time(NULL));
	fclose(f);
	ck_assert_int_eq(state_load(path, &u, NULL, 0, T0), -1);
	ck_assert_uint_eq(u.count[PL_TRUSTED], 0);
	unlink(path);
	peers_free(&u);
	peers_free(&t);
}
END_TEST

/* A LocalSubnet added since the file was written: its peers are skipped. */
START_TEST(state_local_broadcast)
{
	struct peers	 u;
	struct peers_limits l = lim(64, 16, 4096);
	struct in6_addr	 a;
	struct in_addr	 bcast;
	struct peer	*p;
	char		 path[] = "/tmp/jf-teredo-state.XXXXXX";
	FILE		*f;
	int		 fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	fprintf(f, "teredod-state 1 %lld\n"
	    "2001:0:cb00:7101:0:63bf:39cc:9bea 203.0.113.255 50000\n"
	    "2001:0:cb00:7101:0:63bf:34ff:8e00 198.51.100.20 40000\n"
	    "2001:0:cb00:71ff:0:63bf:39cc:9beb 198.51.100.20 40000\n"
	    "2001:0:cb00:7101:0:63bf:39cc:9beb 198.51.100.20 50001\n",
	    (long long)time(NULL));
	fclose(f);
	bcast.s_addr = htonl(0xcb0071ff);		/* 203.0.113.255 */
	ck_assert_int_eq(peers_init(&u, &l, &key, T0), 0);
	ck_assert_int_eq(state_load(path, &u, &bcast, 1, T0), 1);
	ck_assert_uint_eq(u.count[PL_TRUSTED], 1);
	ck_assert_int_eq(inet_pton(AF_INET6, "2001:0:cb00:7101:0:63bf:39cc:9beb",
	    &a), 1);
	ck_assert_ptr_nonnull(p = peers_lookup(&u, &a));
	ck_assert_uint_eq(p->map_port, 50001);
	peers_free(&u);
	/* Without the key the same file restores all four. */
	ck_assert_int_eq(peers_init(&u, &l, &key, T0), 0);
	ck_assert_int_eq(state_load(path, &u, NULL, 0, T0), 4);
	peers_free(&u);
	unlink(path);
}
END_TEST

/*
 * A StateFile larger than the table: the count and the log say how many
 * were restored, of how many, and how many the capacity dropped (not
 * "3000 peers restored" when 16 were kept).
 */
static struct in6_addr
tp_c(void)
{
	struct in6_addr	a;

	inet_pton(AF_INET6, "2001:0:cb00:7101:0:63bf:39cc:9beb", &a);
	return a;
}

START_TEST(state_capacity_told)
{
	struct peers	 t, u;
	struct peers_limits l = lim(3000, 16, 4096), small = lim(16, 16, 4096);
	struct in6_addr	 a;
	struct peer	*p;
	char		 path[] = "/tmp/jf-teredo-state.XXXXXX";
	char		 logp[] = "/tmp/jf-teredo-log.XXXXXX";
	char		 logged[512] = "";
	FILE		*f;
	uint32_t	 i;
	int		 fd = mkstemp(path), lfd = mkstemp(logp), saved;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_ge(lfd, 0);
	close(fd);
	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	for (i = 0; i < 3000; i++) {
		a = taddr(i);
		p = peers_create(&t, &a, PEER_TRUSTED, T0);
		ck_assert_ptr_nonnull(p);
		peer_trust(&t, p, htonl(0xc6336414), (uint16_t)(1 + i), T0);
	}
	ck_assert_int_eq(state_save(path, &t, T0 + 1000), 3000);
	peers_free(&t);
	ck_assert_int_eq(peers_init(&u, &small, &key, T0), 0);
	log_init("teredod", 1, 0);
	saved = dup(STDERR_FILENO);
	ck_assert_int_ge(dup2(lfd, STDERR_FILENO), 0);
	ck_assert_int_eq(state_load(path, &u, NULL, 0, T0 + 5000), 16);
	fflush(stderr);
	ck_assert_int_ge(dup2(saved, STDERR_FILENO), 0);
	close(saved);
	ck_assert_uint_eq(u.count[PL_TRUSTED], 16);
	f = fdopen(lfd, "r");
	ck_assert_ptr_nonnull(f);
	rewind(f);
	ck_assert_uint_gt(fread(logged, 1, sizeof(logged) - 1, f), 0);
	fclose(f);
	ck_assert_ptr_nonnull(strstr(logged, "restored 16 of 3000 peers, "
	    "2984 dropped: capacity 16"));
	peers_free(&u);
	/* A repeated line updates its entry: one restored, none dropped. */
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "teredod-state 1 %lld\n", (long long)time(NULL));
	for (i = 0; i < 2; i++)
		fprintf(f, "2001:0:cb00:7101:0:63bf:39cc:9beb 198.51.100.20 "
		    "%u\n", 40000 + i);
	fclose(f);
	ck_assert_int_eq(peers_init(&u, &small, &key, T0), 0);
	ck_assert_int_eq(state_load(path, &u, NULL, 0, T0 + 5000), 1);
	ck_assert_uint_eq(u.count[PL_TRUSTED], 1);
	a = tp_c();
	p = peers_lookup(&u, &a);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_eq(p->map_port, 40001);
	unlink(path);
	unlink(logp);
	peers_free(&u);
}
END_TEST

/*
 * The bound docs/teredod.md states for bubbles towards one server IPv4:
 * first bubbles (entry creation) and retries take tokens from one bucket
 * (rate R = NewPeerRatePerServer, burst 2R), so over T seconds at most
 * 2R + R*T go there however many fresh destinations name it; entries
 * from one /64 are limited to P = NewPeerRatePer64 (burst 2P).
 */
START_TEST(bubble_bound_per_server)
{
	struct peers		t;
	struct peers_limits	l = { 1024, 16, 4096, 5, 10, 65536 };
	struct in6_addr		src;
	struct in_addr		srv, other;
	uint64_t		now;
	uint32_t		sent = 0, mine = 0, i;

	inet_pton(AF_INET, "192.0.2.1", &srv);
	inet_pton(AF_INET, "198.51.100.1", &other);
	ck_assert_int_eq(peers_init(&t, &l, &key, T0), 0);
	/* 5 s of a flood: a new destination (a fresh /64 each) and three
	 * retries every 10 ms, all naming srv. */
	for (now = T0, i = 0; now < T0 + 5000; now += 10, i++) {
		inet_pton(AF_INET6, "2001:db8::1", &src);
		src.s6_addr[4] = (uint8_t)(i >> 8);
		src.s6_addr[5] = (uint8_t)i;
		sent += (uint32_t)peers_may_create(&t, &src, srv, now);
		sent += (uint32_t)peers_server_token(&t, srv, now);
		sent += (uint32_t)peers_server_token(&t, srv, now);
		sent += (uint32_t)peers_server_token(&t, srv, now);
	}
	ck_assert_uint_le(sent, 2 * 10 + 10 * 5);
	ck_assert_uint_ge(sent, 2 * 10 + 10 * 5 - 1);
	/* Another server has its own bucket. */
	ck_assert_int_eq(peers_server_token(&t, other, now), 1);
	/* One /64: 2P at once, then P per second. */
	inet_pton(AF_INET6, "2001:db8:77::1", &src);
	for (i = 0; i < 100; i++)
		mine += (uint32_t)peers_may_create(&t, &src, other, now);
	ck_assert_uint_eq(mine, 2 * 5);
	peers_free(&t);
}
END_TEST

static Suite *
peers_suite(void)
{
	Suite	*s = suite_create("teredo_peers");
	TCase	*tc = tcase_create("peers");
	/* large_table fills a million entries: seconds on a loaded machine. */
	tcase_set_timeout(tc, 60);

	tcase_add_test(tc, bubble_timer_schedule);
	tcase_add_test(tc, bubble_spacing_rule);
	tcase_add_test(tc, queue_bound_order);
	tcase_add_test(tc, queue_pool_shared);
	tcase_add_test(tc, expiry_valid_30s);
	tcase_add_test(tc, eviction_spares_trusted);
	tcase_add_test(tc, rate_limit_new);
	tcase_add_test(tc, large_table);
	tcase_add_test(tc, state_round_trip);
	tcase_add_test(tc, state_local_broadcast);
	tcase_add_test(tc, state_capacity_told);
	tcase_add_test(tc, bubble_bound_per_server);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(peers_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
