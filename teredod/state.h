/*
 * Peer state across planned restarts.  On a clean stop teredod writes
 * its valid trusted peers (address, mapping) to StateFile; at start it
 * reads them back if the file is under 30 s old (wall clock), as trusted
 * entries valid for another 30 s.  This matters for clients behind
 * symmetric NATs: their packets come from a port that differs from the
 * one in their address, and without the learnt mapping a fresh relay must
 * drop them until the client redoes its connectivity test.  A crash
 * leaves no file: then only consistent mappings are relayed at once.
 */
#ifndef TD_STATE_H
#define TD_STATE_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

struct peers;

#define STATE_MAX_AGE_S	30

/* Number of peers written, or -1 (logged). */
int	state_save(const char *path, const struct peers *, uint64_t now_ms);
/*
 * Peers restored into the table (logged with the lines read and those
 * dropped because the table was full), 0 if the file is absent or too
 * old, -1 bad.  Peers whose mapping, client or server is one of the
 * nrefused addresses (the LocalSubnet broadcasts) are skipped.
 */
int	state_load(const char *path, struct peers *,
	    const struct in_addr *refused, size_t nrefused, uint64_t now_ms);

#endif /* TD_STATE_H */
