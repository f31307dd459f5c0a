/*
 * Control commands.  "peers [N]" prints at most N rows (default 1000) so
 * that a million-entry table cannot overflow a client's reply buffer;
 * "peer ADDR" shows one entry.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>

#include "clock.h"
#include "config.h"
#include "control.h"
#include "relay.h"

#define TD_PEERS_ROWS	1000

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

static int
td_ctl_peers(void *arg, int argc, char **argv, struct ctl_reply *rep)
{
	struct relay	*r = arg;
	unsigned long	 max = TD_PEERS_ROWS, n = 0;
	int		 l;
	uint32_t	 i;

	if (argc > 1)
		max = strtoul(argv[1], NULL, 10);
	for (l = PL_TRUSTED; l >= PL_PENDING; l--)
		for (i = r->peers.head[l]; i != PEER_NONE && n < max;
		    i = r->peers.ent[i].next, n++)
			td_peer_row(r, &r->peers.ent[i], rep);
	if (n >= max)
		ctl_reply_printf(rep, "truncated=1 shown=%lu", n);
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
