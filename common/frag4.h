/*
 * frag4: IPv4 reassembly for protocol-41 fragments (RFC 4213 3.6 asks the
 * decapsulator to reassemble at least 1280+20 bytes; RFC 791 rules).
 *
 * Bounded memory: everything is allocated once by frag4_new(); nothing
 * per packet.  Fragment data lives in 64-byte chunks (max_bytes of them
 * in all), so a datagram holds memory in proportion to the bytes it has
 * received, not a fixed slot; at most max_datagrams are in progress.
 * Bounded time: a datagram not complete timeout_ms after its first
 * fragment is dropped (on the next frag4_input or frag4_expire call).
 * A fragment overlapping bytes already received drops the whole datagram
 * (RFC 5722 spirit: overlaps are only ever attacks).
 *
 * Not pinnable (issue 12 item 3): a newcomer is never refused for lack
 * of room.  When the chunks or the datagrams run out, the oldest datagram
 * is evicted (counted); and one source address may hold at most 1/8 of
 * the chunks and 1/8 of the datagrams (FRAG4_SOURCE_SHARE): past that,
 * its own oldest datagram goes, not anybody else's.  See frag4.c for why
 * this is the right victim and what a flood can still do.
 *
 * Pure: the clock is passed in; no syscalls after frag4_new().
 */
#ifndef JF_FRAG4_H
#define JF_FRAG4_H

#include <stddef.h>
#include <stdint.h>

#include "inet.h"

struct frag4_conf {
	size_t		max_bytes;	/* fragment data memory */
	size_t		max_datagrams;	/* concurrent datagrams */
	uint32_t	timeout_ms;
	uint64_t	hash_key;	/* random: sources cannot aim at a
					   hash chain */
};

#define FRAG4_DEFAULT_MAX_BYTES		(1024 * 1024)
#define FRAG4_DEFAULT_MAX_DATAGRAMS	16384
#define FRAG4_DEFAULT_TIMEOUT_MS	30000
#define FRAG4_CHUNK			64	/* bytes of data per chunk */
#define FRAG4_SOURCE_SHARE		8	/* a source holds <= 1/8 */
#define FRAG4_MAX_FRAGS			64	/* fragments per datagram */
/*
 * Smallest max_bytes: a source's share (1/8) must hold a 1500-byte
 * datagram (1280 + 20 + slack) with its chunk rounding: 1/8 of 16 KiB is
 * 32 chunks, and 1500 bytes in 8 fragments take at most 31.
 */
#define FRAG4_MIN_BYTES			(16 * 1024)

enum frag4_result {
	FRAG4_DONE,		/* *out / *outlen: the whole payload */
	FRAG4_HELD,		/* kept, waiting for more */
	FRAG4_DROP_OVERLAP,	/* overlapped earlier bytes: datagram gone */
	FRAG4_DROP_TOOBIG,	/* datagram beyond 65535 bytes or beyond
				   its source's share of the chunks */
	FRAG4_DROP_BAD,		/* inconsistent: empty non-last, unaligned,
				   second last fragment, beyond end, more
				   than FRAG4_MAX_FRAGS fragments */
};

struct frag4_stats {
	uint64_t	reassembled;
	uint64_t	held;
	uint64_t	overlap;
	uint64_t	toobig;
	uint64_t	bad;
	uint64_t	timeout;	/* datagrams dropped by the timer */
	uint64_t	evicted;	/* oldest datagram dropped to make room
					   (chunks or datagrams all in use) */
	uint64_t	source_cap;	/* a source's own oldest datagram
					   dropped: it held its share */
};

struct frag4;

/* NULL (errno set) on bad conf (max_bytes < FRAG4_MIN_BYTES, no
 * datagrams) or ENOMEM. */
struct frag4	*frag4_new(const struct frag4_conf *);
void		 frag4_free(struct frag4 *);

/*
 * Feed one fragment (h parsed by ip4_parse, payload its data).  On
 * FRAG4_DONE *out points to the reassembled payload (without IPv4 header),
 * valid until the next frag4_* call on f.  Whatever the result, other
 * datagrams may have been evicted or timed out (see frag4_stats).
 */
enum frag4_result frag4_input(struct frag4 *f, uint64_t now_ms,
		    const struct ip4_hdr *h, const uint8_t *payload,
		    size_t paylen, const uint8_t **out, size_t *outlen);
/* Drop every datagram older than the timeout. */
void		 frag4_expire(struct frag4 *f, uint64_t now_ms);
/* Datagrams in progress. */
size_t		 frag4_pending(const struct frag4 *f);
/* Memory the datagrams in progress hold (chunks * FRAG4_CHUNK). */
size_t		 frag4_held_bytes(const struct frag4 *f);
const struct frag4_stats *frag4_stats(const struct frag4 *f);

#endif /* JF_FRAG4_H */
