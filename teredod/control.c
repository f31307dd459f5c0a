/*
 * Control commands.  "peers [N]" prints at most N rows (default 1000),
 * streamed (common/ctl.h): a step scans at most TD_PEERS_SCAN entries and
 * stops when the client's unread reply is full, so a million-entry table
 * neither stalls the event loop nor piles up in memory.  "peer ADDR"
 * shows one entry.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "control.h"
#include "relay.h"

#define TD_PEERS_ROWS	1000
#define TD_PEERS_SCAN	16384	/* table entries looked at per step */

/*
 * Where a listing is: entries are scanned by index (an index stays valid
 * while peers come and go, a list link does not), once per state, trusted
 * first.  A peer that changes state during a long listing may show twice
 * or not at all.
 */
struct td_peers_walk {
	struct relay	*r;
	unsigned long	max, n;
	uint32_t	idx;
	int		pass;		/* index into td_walk_states */
};

static const uint8_t td_walk_states[] = {
	PEER_TRUSTED, PEER_FAILED, PEER_PENDING
};

static const char *const td_state_names[] = {
	"free", "pending", "failed", "trusted"
};

static void
td_peer_row(struct relay *r, const struct peer *p, struct ctl_reply *rep)
{
	char		addr[INET6_ADDRSTRLEN], map[INET_ADDRSTRLEN];
	struct in6_addr	a;
	struct in_addr	m;
	uint32_t	now = peers_t32(&r->peers, clock_mono_ms());

	char		mapped[INET_ADDRSTRLEN + 8] = "-", rxage[16] = "-";

	peers_addr(p, &a);
	inet_ntop(AF_INET6, &a, addr, sizeof(addr));
	/* Pending entries have no mapping yet and were never heard from. */
	if (p->state == PEER_TRUSTED) {
		m.s_addr = p->map_addr;
		inet_ntop(AF_INET, &m, map, sizeof(map));
		snprintf(mapped, sizeof(mapped), "%s:%u", map, p->map_port);
		snprintf(rxage, sizeof(rxage), "%u", now - p->last_rx);
	}
	ctl_reply_printf(rep, "peer=%s state=%s mapped=%s rx_age_ms=%s "
	    "tx_age_ms=%u bubbles=%u queued_bytes=%u rx_pkts=%u tx_pkts=%u",
	    addr, td_state_names[p->state & 3], mapped, rxage,
	    now - p->last_tx, p->bubbles, p->qbytes, p->rx_pkts, p->tx_pkts);
}

int
td_ctl_parse_rows(int argc, char **argv, unsigned long *max)
{
	const char	*s;
	unsigned long	 v;
	char		*end;

	*max = TD_PEERS_ROWS;
	if (argc == 1)
		return 0;
	if (argc != 2)
		return -1;
	/* Digits only: strtoul would take "-1", " 5" or "0x10". */
	for (s = argv[1]; *s != '\0'; s++)
		if (*s < '0' || *s > '9')
			return -1;
	errno = 0;
	v = strtoul(argv[1], &end, 10);
	if (end == argv[1] || errno != 0 || v > UINT32_MAX)
		return -1;
	*max = v;
	return 0;
}

static int
td_ctl_peers_step(void *state, struct ctl_reply *rep)
{
	struct td_peers_walk	*w = state;
	struct relay		*r = w->r;
	const struct peer	*p;
	uint32_t		 budget = TD_PEERS_SCAN;

	while (w->n < w->max && budget > 0 && !ctl_reply_full(rep)) {
		if (w->idx >= r->peers.lim.capacity) {
			if (++w->pass == (int)sizeof(td_walk_states))
				return 0;
			w->idx = 0;
			continue;
		}
		p = &r->peers.ent[w->idx++];
		budget--;
		if (p->state == td_walk_states[w->pass]) {
			td_peer_row(r, p, rep);
			w->n++;
		}
	}
	if (w->n < w->max)
		return 1;
	ctl_reply_printf(rep, "truncated=1 shown=%lu", w->n);
	return 0;
}

static int
td_ctl_peers(void *arg, int argc, char **argv, struct ctl_reply *rep)
{
	struct td_peers_walk	*w;

	if ((w = calloc(1, sizeof(*w))) == NULL) {
		ctl_reply_error(rep, "out of memory");
		return -1;
	}
	if (td_ctl_parse_rows(argc, argv, &w->max) == -1) {
		free(w);
		ctl_reply_error(rep, "usage: peers [N] (N from 0 to %u)",
		    UINT32_MAX);
		return -1;
	}
	w->r = arg;
	ctl_reply_stream(rep, td_ctl_peers_step, w, free);
	return 0;
}

static int
td_ctl_peer(void *arg, int argc, char **argv, struct ctl_reply *rep)
{
	struct relay	*r = arg;
	struct in6_addr	 a;
	struct peer	*p;

	if (argc != 2 || inet_pton(AF_INET6, argv[1], &a) != 1) {
		ctl_reply_error(rep, "usage: peer TEREDO-ADDRESS");
		return -1;
	}
	if ((p = peers_lookup(&r->peers, &a)) == NULL) {
		ctl_reply_error(rep, "no such peer");
		return -1;
	}
	td_peer_row(r, p, rep);
	return 0;
}

const struct ctl_command td_ctl_commands[] = {
	{ "peers", td_ctl_peers, "peers [N]: up to N peer rows (k=v)" },
	{ "peer", td_ctl_peer, "peer ADDR: one peer" },
	{ NULL, NULL, NULL },
};

void
td_ctl_status(void *arg, struct ctl_reply *rep)
{
	struct relay	*r = arg;
	char		 b[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &r->cfg->bind_address, b, sizeof(b));
	ctl_reply_printf(rep, "bind %s:%u", b, r->cfg->bind_port);
	ctl_reply_printf(rep, "interface %s", r->tun.name);
	ctl_reply_printf(rep, "mtu %u", r->cfg->mtu);
	ctl_reply_printf(rep, "peer_capacity %u", r->peers.lim.capacity);
	ctl_reply_printf(rep, "peers_trusted %u", r->peers.count[PL_TRUSTED]);
	ctl_reply_printf(rep, "peers_pending %u", r->peers.count[PL_PENDING]);
	ctl_reply_printf(rep, "peers_failed %u", r->peers.count[PL_FAILED]);
	ctl_reply_printf(rep, "queue_slots_used %u", r->peers.slots_used);
	ctl_reply_printf(rep, "queue_slots %u", r->peers.lim.queue_slots);
	ctl_reply_printf(rep, "table_bytes %zu", peers_memory(&r->peers.lim));
	pktio_status(rep, &r->pio);
}
