/*
 * frag4: IPv4 reassembly for protocol-41 fragments (RFC 4213 3.6 asks the
 * decapsulator to reassemble at least 1280+20 bytes; RFC 791 rules).
 *
 * Bounded memory: every slot and its buffer is allocated once by
 * frag4_new(); nothing is allocated per packet.  max_bytes is split into
 * max_datagrams equal slots; a datagram larger than a slot is dropped.
 * Bounded time: a datagram not complete timeout_ms after its first
 * fragment is dropped (on the next frag4_input or frag4_expire call).
 * A fragment overlapping bytes already received drops the whole datagram
 * (RFC 5722 spirit: overlaps are only ever attacks).  When every slot is
 * busy, the new datagram is dropped (counted), never an older one.
 *
 * Pure: the clock is passed in; no syscalls after frag4_new().
 */
#ifndef JF_FRAG4_H
#define JF_FRAG4_H

#include <stddef.h>
#include <stdint.h>

#include "inet.h"

struct frag4_conf {
	size_t		max_bytes;	/* total reassembly memory */
	size_t		max_datagrams;	/* concurrent datagrams */
	uint32_t	timeout_ms;
};

#define FRAG4_DEFAULT_MAX_BYTES		(1024 * 1024)
#define FRAG4_DEFAULT_MAX_DATAGRAMS	64
#define FRAG4_DEFAULT_TIMEOUT_MS	30000
#define FRAG4_MIN_SLOT			1500	/* 1280 + 20 + slack */

enum frag4_result {
	FRAG4_DONE,		/* *out / *outlen: the whole payload */
	FRAG4_HELD,		/* kept, waiting for more */
	FRAG4_DROP_OVERLAP,	/* overlapped earlier bytes: datagram gone */
	FRAG4_DROP_FULL,	/* no free slot */
	FRAG4_DROP_TOOBIG,	/* datagram would exceed a slot */
	FRAG4_DROP_BAD,		/* inconsistent: empty non-last, unaligned,
				   second last fragment, beyond end */
};

struct frag4_stats {
	uint64_t	reassembled;
	uint64_t	held;
	uint64_t	overlap;
	uint64_t	full;
	uint64_t	toobig;
	uint64_t	bad;
	uint64_t	timeout;	/* datagrams dropped by the timer */
};

struct frag4;

/* NULL (errno set) on bad conf (slot < FRAG4_MIN_SLOT) or ENOMEM. */
struct frag4	*frag4_new(const struct frag4_conf *);
void		 frag4_free(struct frag4 *);

/*
 * Feed one fragment (h parsed by ip4_parse, payload its data).  On
 * FRAG4_DONE *out points to the reassembled payload (without IPv4 header),
 * valid until the next frag4_* call on f.
 */
enum frag4_result frag4_input(struct frag4 *f, uint64_t now_ms,
		    const struct ip4_hdr *h, const uint8_t *payload,
		    size_t paylen, const uint8_t **out, size_t *outlen);
/* Drop every datagram older than the timeout. */
void		 frag4_expire(struct frag4 *f, uint64_t now_ms);
/* Datagrams in progress. */
size_t		 frag4_pending(const struct frag4 *f);
const struct frag4_stats *frag4_stats(const struct frag4 *f);

#endif /* JF_FRAG4_H */
