/*
 * The peer table: one compact entry per Teredo client the relay talks to,
 * preallocated at start (capacity from config, no hidden cap), found
 * through a keyed hash (SipHash over the low 96 bits of the Teredo
 * address) in O(1).  Queued packets live in a shared pool of fixed slots,
 * also preallocated, so the hot path never calls malloc.
 *
 * Every entry sits on exactly one of three lists, each kept in time order
 * so that the timer only ever looks at list heads:
 *	PENDING: untrusted, bubbles in flight; ordered by last bubble sent.
 *		 The timer retries the head (2 s spacing, 4 bubbles) and
 *		 gives up after the 4th (queue purged, caller sends ICMPv6).
 *	FAILED:  bubbles spent without an answer; kept until 300 s after the
 *		 first bubble so that new traffic cannot buy a 5th bubble
 *		 (RFC 4380 5.2.6); traffic to it is refused.
 *	TRUSTED: answered from its mapping; LRU by last receive; expires
 *		 30 s after the last receive (RFC 4380 5.2.4 "valid").
 * Eviction when full takes the oldest FAILED, then the oldest PENDING
 * entry, then an expired TRUSTED one, and never a valid trusted client: a
 * flood of fresh destinations only churns untrusted state (resists
 * thrashing, RFC 4380 7.3.5).  Creation is also rate-limited per native
 * source /64 and per Teredo server (the caller asks peers_may_create).
 *
 * Times are milliseconds on the caller's clock (fake in unit tests),
 * stored as 32-bit offsets: every entry dies within 300 s, far from wrap.
 */
#ifndef TD_PEERS_H
#define TD_PEERS_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "ratelimit.h"
#include "siphash.h"

#define PEER_NONE		UINT32_MAX
#define PEER_VALID_MS		30000	/* RFC 4380 5.2.4 */
#define PEER_BUBBLE_GAP_MS	2000	/* RFC 4380 5.2.6 */
#define PEER_BUBBLE_MAX		4
#define PEER_BUBBLE_WINDOW_MS	300000
#define PEER_SLOT_DATA		1280	/* one queued packet; larger get PTB */

enum peer_state {
	PEER_FREE = 0,
	PEER_PENDING,
	PEER_FAILED,
	PEER_TRUSTED,
};

enum peer_list {
	PL_FREE,
	PL_PENDING,
	PL_FAILED,
	PL_TRUSTED,
	PL_COUNT
};

/* 64 bytes: 1,000,000 peers take 64 MB plus 4 MB of hash buckets. */
struct peer {
	uint8_t		key[12];	/* Teredo address bytes 4..15 */
	uint32_t	map_addr;	/* mapped IPv4, network order */
	uint16_t	map_port;	/* host order */
	uint16_t	qbytes;		/* bytes queued */
	uint32_t	last_rx;	/* times: ms since table base */
	uint32_t	last_tx;
	uint32_t	bubble_start;	/* first bubble of the window */
	uint32_t	hnext;		/* hash chain */
	uint32_t	prev, next;	/* list links */
	uint32_t	qhead, qtail;	/* queue slots */
	uint32_t	rx_pkts;	/* for "peers" */
	uint32_t	tx_pkts;
	uint8_t		state;		/* enum peer_state */
	uint8_t		bubbles;
	uint8_t		pad[2];
};

struct peer_slot {
	uint32_t	next;
	uint16_t	len;
	uint16_t	pad;
	uint8_t		data[PEER_SLOT_DATA];
};

struct peers_limits {
	uint32_t	capacity;	/* entries */
	uint32_t	queue_slots;	/* shared pool */
	uint32_t	queue_bytes;	/* per peer */
	uint32_t	rate_per64;	/* new entries/s per native /64 */
	uint32_t	rate_per_server;/* new entries/s per Teredo server */
	uint32_t	rate_buckets;	/* hashed token buckets per kind */
};

struct peers {
	struct peer		*ent;
	uint32_t		*bucket;
	uint32_t		 nbucket;	/* power of two */
	struct peer_slot	*slot;
	uint32_t		 slot_free;
	uint32_t		 slots_used;
	struct peers_limits	 lim;
	uint32_t		 head[PL_COUNT], tail[PL_COUNT];
	uint32_t		 count[PL_COUNT];
	uint64_t		 base_ms;
	struct siphash_key	 hkey;
	struct tbucket		*rl64, *rlsrv;
	uint64_t		 evicted;
};

/* Sizes in bytes of what peers_init allocates for these limits. */
size_t	peers_memory(const struct peers_limits *);
/* 0, or -1 (ENOMEM); fatal nothing.  key keys the hash. */
int	peers_init(struct peers *, const struct peers_limits *,
	    const struct siphash_key *, uint64_t now_ms);
void	peers_free(struct peers *);

static inline uint32_t
peers_t32(const struct peers *t, uint64_t now_ms)
{
	return (uint32_t)(now_ms - t->base_ms);
}

static inline uint32_t
peers_idx(const struct peers *t, const struct peer *p)
{
	return (uint32_t)(p - t->ent);
}

struct peer	*peers_lookup(struct peers *, const struct in6_addr *teredo);
/*
 * Rate limits on new entries: 1 if one may be created for a native source
 * (src6 may be NULL: entries created by a client's own packet) and Teredo
 * server.  Takes tokens.
 */
int	peers_may_create(struct peers *, const struct in6_addr *src6,
	    struct in_addr server, uint64_t now_ms);
/*
 * A token from the same per-server bucket for a bubble retry: every
 * bubble toward one server IPv4, first or retry, comes out of one budget,
 * so fresh destinations cannot turn the relay into a 4x packet amplifier
 * aimed at an arbitrary "server" (RFC 4380 7.4.3).  1 if allowed.
 */
int	peers_server_token(struct peers *, struct in_addr server,
	    uint64_t now_ms);
/*
 * A new entry in state st (PENDING or TRUSTED), evicting if full; NULL
 * if every entry is a valid trusted client.  Times start at now - 30 s
 * (RFC 4380 5.2.6: not valid, first bubble allowed at once).
 */
struct peer	*peers_create(struct peers *, const struct in6_addr *teredo,
		    enum peer_state st, uint64_t now_ms);
void	peers_delete(struct peers *, struct peer *);
void	peers_addr(const struct peer *, struct in6_addr *out);

/* 1 if trusted and heard from within 30 s. */
int	peer_is_valid(const struct peers *, const struct peer *,
	    uint64_t now_ms);
/* Pure bubble rule: 1 if a bubble may go now (2 s gap, 4 per 300 s). */
int	peer_bubble_allowed(const struct peers *, const struct peer *,
	    uint64_t now_ms);
/* Record a bubble sent now: last_tx, counter, PENDING tail. */
void	peer_bubble_sent(struct peers *, struct peer *, uint64_t now_ms);
/* Mark trusted with this mapping, refresh last_rx, reset bubbles. */
void	peer_trust(struct peers *, struct peer *, uint32_t addr,
	    uint16_t port, uint64_t now_ms);
void	peer_touch_tx(struct peers *, struct peer *, uint64_t now_ms);

/* Queue: 0 queued, -1 per-peer bound reached, -2 pool empty, -3 too big. */
int	peer_enqueue(struct peers *, struct peer *, const void *, size_t);
/* Oldest queued packet (FIFO), or NULL; pop frees it. */
const struct peer_slot *peer_queue_head(const struct peers *,
	    const struct peer *);
void	peer_queue_pop(struct peers *, struct peer *);
/* Frees every queued packet; returns how many. */
uint32_t peer_queue_purge(struct peers *, struct peer *);

/*
 * Timer work, called every tick with a budget.  Returns the next entry
 * that needs the caller: a PENDING peer due for a bubble (*giveup 0; the
 * caller sends it and calls peer_bubble_sent) or one that must be given
 * up (*giveup 1; the caller reads its queue for the ICMPv6 error, then
 * calls peer_give_up).  Expired TRUSTED and FAILED entries are freed on
 * the way.  NULL when nothing is due.
 */
struct peer	*peers_due(struct peers *, uint64_t now_ms, int *giveup);
void	peer_give_up(struct peers *, struct peer *, uint64_t now_ms);

#endif /* TD_PEERS_H */
