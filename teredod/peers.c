/*
 * Peer table: preallocated entries, keyed hash, three time-ordered lists
 * and a shared pool of queue slots.  See peers.h for the rules.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "peers.h"

#define PEERS_GC_BUDGET		4096	/* frees per peers_due call */

_Static_assert(sizeof(struct peer) == 64, "struct peer must stay 64 bytes");

static uint32_t
peers_pow2(uint32_t n)
{
	uint32_t	p = 1;

	while (p < n && p < (1u << 31))
		p <<= 1;
	return p;
}

size_t
peers_memory(const struct peers_limits *l)
{
	return (size_t)l->capacity * sizeof(struct peer) +
	    (size_t)peers_pow2(l->capacity) * sizeof(uint32_t) +
	    (size_t)l->queue_slots * sizeof(struct peer_slot) +
	    2 * (size_t)l->rate_buckets * sizeof(struct tbucket);
}

/* List primitives on indices. */
static void
pl_unlink(struct peers *t, enum peer_list l, uint32_t i)
{
	struct peer	*p = &t->ent[i];

	if (p->prev != PEER_NONE)
		t->ent[p->prev].next = p->next;
	else
		t->head[l] = p->next;
	if (p->next != PEER_NONE)
		t->ent[p->next].prev = p->prev;
	else
		t->tail[l] = p->prev;
	p->prev = p->next = PEER_NONE;
	t->count[l]--;
}

static void
pl_append(struct peers *t, enum peer_list l, uint32_t i)
{
	struct peer	*p = &t->ent[i];

	p->next = PEER_NONE;
	p->prev = t->tail[l];
	if (t->tail[l] != PEER_NONE)
		t->ent[t->tail[l]].next = i;
	else
		t->head[l] = i;
	t->tail[l] = i;
	t->count[l]++;
}

static enum peer_list
peer_list_of(const struct peer *p)
{
	switch (p->state) {
	case PEER_PENDING:	return PL_PENDING;
	case PEER_FAILED:	return PL_FAILED;
	case PEER_TRUSTED:	return PL_TRUSTED;
	default:		return PL_FREE;
	}
}

static void
peer_move(struct peers *t, struct peer *p, enum peer_state st)
{
	uint32_t	i = peers_idx(t, p);

	pl_unlink(t, peer_list_of(p), i);
	p->state = (uint8_t)st;
	pl_append(t, peer_list_of(p), i);
}

int
peers_init(struct peers *t, const struct peers_limits *l,
    const struct siphash_key *key, uint64_t now_ms)
{
	uint32_t	i;

	memset(t, 0, sizeof(*t));
	t->lim = *l;
	t->hkey = *key;
	t->base_ms = now_ms;
	t->nbucket = peers_pow2(l->capacity);
	t->ent = calloc(l->capacity ? l->capacity : 1, sizeof(*t->ent));
	t->bucket = malloc((size_t)t->nbucket * sizeof(*t->bucket));
	t->slot = calloc(l->queue_slots ? l->queue_slots : 1, sizeof(*t->slot));
	t->rl64 = calloc(l->rate_buckets ? l->rate_buckets : 1,
	    sizeof(*t->rl64));
	t->rlsrv = calloc(l->rate_buckets ? l->rate_buckets : 1,
	    sizeof(*t->rlsrv));
	if (!t->ent || !t->bucket || !t->slot || !t->rl64 || !t->rlsrv) {
		peers_free(t);
		errno = ENOMEM;
		return -1;
	}
	memset(t->bucket, 0xff, (size_t)t->nbucket * sizeof(*t->bucket));
	for (i = 0; i < PL_COUNT; i++)
		t->head[i] = t->tail[i] = PEER_NONE;
	for (i = 0; i < l->capacity; i++) {
		t->ent[i].prev = t->ent[i].next = PEER_NONE;
		t->ent[i].qhead = t->ent[i].qtail = PEER_NONE;
		pl_append(t, PL_FREE, i);
	}
	t->slot_free = PEER_NONE;
	for (i = l->queue_slots; i-- > 0;) {
		t->slot[i].next = t->slot_free;
		t->slot_free = i;
	}
	for (i = 0; i < l->rate_buckets; i++) {
		tbucket_init(&t->rl64[i], l->rate_per64, l->rate_per64 * 2);
		tbucket_init(&t->rlsrv[i], l->rate_per_server,
		    l->rate_per_server * 2);
	}
	return 0;
}

void
peers_free(struct peers *t)
{
	free(t->ent);
	free(t->bucket);
	free(t->slot);
	free(t->rl64);
	free(t->rlsrv);
	memset(t, 0, sizeof(*t));
}

static uint32_t
peers_hash(const struct peers *t, const uint8_t key[12])
{
	return (uint32_t)siphash13(&t->hkey, key, 12) & (t->nbucket - 1);
}

struct peer *
peers_lookup(struct peers *t, const struct in6_addr *a)
{
	const uint8_t	*key = a->s6_addr + 4;
	uint32_t	 i;

	for (i = t->bucket[peers_hash(t, key)]; i != PEER_NONE;
	    i = t->ent[i].hnext)
		if (memcmp(t->ent[i].key, key, 12) == 0)
			return &t->ent[i];
	return NULL;
}

void
peers_addr(const struct peer *p, struct in6_addr *out)
{
	out->s6_addr[0] = 0x20;
	out->s6_addr[1] = 0x01;
	out->s6_addr[2] = out->s6_addr[3] = 0;
	memcpy(out->s6_addr + 4, p->key, 12);
}

static int
peers_rl_take(struct tbucket *b, uint32_t n, uint32_t rate, const void *k,
    size_t klen, const struct siphash_key *hk, uint64_t now_ms)
{
	if (rate == 0 || n == 0)
		return 1;
	return tbucket_take(&b[siphash13(hk, k, klen) % n], now_ms);
}

int
peers_may_create(struct peers *t, const struct in6_addr *src6,
    struct in_addr server, uint64_t now_ms)
{
	if (src6 != NULL && !peers_rl_take(t->rl64, t->lim.rate_buckets,
	    t->lim.rate_per64, src6->s6_addr, 8, &t->hkey, now_ms))
		return 0;
	return peers_rl_take(t->rlsrv, t->lim.rate_buckets,
	    t->lim.rate_per_server, &server, 4, &t->hkey, now_ms);
}

int
peers_server_token(struct peers *t, struct in_addr server, uint64_t now_ms)
{
	return peers_rl_take(t->rlsrv, t->lim.rate_buckets,
	    t->lim.rate_per_server, &server, 4, &t->hkey, now_ms);
}

uint32_t
peer_queue_purge(struct peers *t, struct peer *p)
{
	uint32_t	n = 0;

	while (p->qhead != PEER_NONE) {
		peer_queue_pop(t, p);
		n++;
	}
	return n;
}

void
peers_delete(struct peers *t, struct peer *p)
{
	uint32_t	 i = peers_idx(t, p);
	uint32_t	*pp = &t->bucket[peers_hash(t, p->key)];

	peer_queue_purge(t, p);
	while (*pp != PEER_NONE && *pp != i)
		pp = &t->ent[*pp].hnext;
	if (*pp == i)
		*pp = p->hnext;
	pl_unlink(t, peer_list_of(p), i);
	memset(p, 0, sizeof(*p));
	p->prev = p->next = p->hnext = PEER_NONE;
	p->qhead = p->qtail = PEER_NONE;
	pl_append(t, PL_FREE, i);
}

int
peer_is_valid(const struct peers *t, const struct peer *p, uint64_t now_ms)
{
	return p->state == PEER_TRUSTED &&
	    peers_t32(t, now_ms) - p->last_rx < PEER_VALID_MS;
}

/* The entry to sacrifice for a new one, or PEER_NONE. */
static uint32_t
peers_victim(struct peers *t, uint64_t now_ms)
{
	uint32_t	i;

	if (t->head[PL_FREE] != PEER_NONE)
		return t->head[PL_FREE];
	if ((i = t->head[PL_FAILED]) != PEER_NONE ||
	    (i = t->head[PL_PENDING]) != PEER_NONE) {
		t->evicted++;
		peers_delete(t, &t->ent[i]);
		return i;
	}
	i = t->head[PL_TRUSTED];
	if (i != PEER_NONE && !peer_is_valid(t, &t->ent[i], now_ms)) {
		peers_delete(t, &t->ent[i]);
		return i;
	}
	return PEER_NONE;
}

struct peer *
peers_create(struct peers *t, const struct in6_addr *a, enum peer_state st,
    uint64_t now_ms)
{
	uint32_t	 i, h, now = peers_t32(t, now_ms);
	struct peer	*p;

	if ((i = peers_victim(t, now_ms)) == PEER_NONE)
		return NULL;
	p = &t->ent[i];
	memcpy(p->key, a->s6_addr + 4, 12);
	p->last_rx = p->last_tx = now - PEER_VALID_MS;
	p->bubble_start = now;
	p->bubbles = 0;
	p->qbytes = 0;
	p->rx_pkts = p->tx_pkts = 0;
	h = peers_hash(t, p->key);
	p->hnext = t->bucket[h];
	t->bucket[h] = i;
	pl_unlink(t, PL_FREE, i);
	p->state = (uint8_t)st;
	pl_append(t, peer_list_of(p), i);
	return p;
}

int
peer_bubble_allowed(const struct peers *t, const struct peer *p,
    uint64_t now_ms)
{
	uint32_t	now = peers_t32(t, now_ms);

	if (now - p->last_tx < PEER_BUBBLE_GAP_MS)
		return 0;
	if (p->bubbles >= PEER_BUBBLE_MAX &&
	    now - p->bubble_start < PEER_BUBBLE_WINDOW_MS)
		return 0;
	return 1;
}

void
peer_bubble_sent(struct peers *t, struct peer *p, uint64_t now_ms)
{
	uint32_t	now = peers_t32(t, now_ms);

	if (p->bubbles == 0 ||
	    now - p->bubble_start >= PEER_BUBBLE_WINDOW_MS) {
		p->bubble_start = now;
		p->bubbles = 0;
	}
	p->bubbles++;
	p->last_tx = now;
	peer_move(t, p, PEER_PENDING);
}

void
peer_trust(struct peers *t, struct peer *p, uint32_t addr, uint16_t port,
    uint64_t now_ms)
{
	p->map_addr = addr;
	p->map_port = port;
	p->last_rx = peers_t32(t, now_ms);
	p->bubbles = 0;
	p->rx_pkts++;
	peer_move(t, p, PEER_TRUSTED);
}

void
peer_touch_tx(struct peers *t, struct peer *p, uint64_t now_ms)
{
	p->last_tx = peers_t32(t, now_ms);
	p->tx_pkts++;
}

int
peer_enqueue(struct peers *t, struct peer *p, const void *pkt, size_t len)
{
	uint32_t	 i;
	struct peer_slot *s;

	if (len > PEER_SLOT_DATA)
		return -3;
	if ((size_t)p->qbytes + len > t->lim.queue_bytes)
		return -1;
	if ((i = t->slot_free) == PEER_NONE)
		return -2;
	s = &t->slot[i];
	t->slot_free = s->next;
	t->slots_used++;
	s->next = PEER_NONE;
	s->len = (uint16_t)len;
	memcpy(s->data, pkt, len);
	if (p->qtail != PEER_NONE)
		t->slot[p->qtail].next = i;
	else
		p->qhead = i;
	p->qtail = i;
	p->qbytes = (uint16_t)(p->qbytes + len);
	return 0;
}

const struct peer_slot *
peer_queue_head(const struct peers *t, const struct peer *p)
{
	return p->qhead == PEER_NONE ? NULL : &t->slot[p->qhead];
}

void
peer_queue_pop(struct peers *t, struct peer *p)
{
	uint32_t	 i = p->qhead;
	struct peer_slot *s;

	if (i == PEER_NONE)
		return;
	s = &t->slot[i];
	p->qhead = s->next;
	if (p->qhead == PEER_NONE)
		p->qtail = PEER_NONE;
	p->qbytes = (uint16_t)(p->qbytes - s->len);
	s->next = t->slot_free;
	t->slot_free = i;
	t->slots_used--;
}

void
peer_give_up(struct peers *t, struct peer *p, uint64_t now_ms)
{
	(void)now_ms;
	peer_queue_purge(t, p);
	peer_move(t, p, PEER_FAILED);
}

struct peer *
peers_due(struct peers *t, uint64_t now_ms, int *giveup)
{
	uint32_t	 now = peers_t32(t, now_ms), i, budget = PEERS_GC_BUDGET;
	struct peer	*p;

	while (budget-- > 0 && (i = t->head[PL_TRUSTED]) != PEER_NONE &&
	    now - t->ent[i].last_rx >= PEER_VALID_MS)
		peers_delete(t, &t->ent[i]);
	while (budget-- > 0 && (i = t->head[PL_FAILED]) != PEER_NONE &&
	    now - t->ent[i].bubble_start >= PEER_BUBBLE_WINDOW_MS)
		peers_delete(t, &t->ent[i]);
	if ((i = t->head[PL_PENDING]) == PEER_NONE)
		return NULL;
	p = &t->ent[i];
	if (now - p->last_tx < PEER_BUBBLE_GAP_MS)
		return NULL;
	*giveup = p->bubbles >= PEER_BUBBLE_MAX;
	return p;
}
