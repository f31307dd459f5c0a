/*
 * decide: what bgpglue announces, from health and drain requests.  Pure
 * logic driven by the caller's clock (unit tests use a fake one).
 *
 *	withdrawn  --healthy-->  announced  --unhealthy-->  withdrawn
 *	announced  --drain-->    draining (drain tag: GRACEFUL_SHUTDOWN,
 *				 local-pref 0 at the speaker)
 *	draining   --drain time elapsed--> drained (withdrawn)
 *	draining/drained --undrain--> announced (if healthy)
 *	withdrawn  --healthy, but >= flap_max withdrawals within
 *		     flap_window--> holddown (withdrawn) for holddown_ms,
 *		     doubled each time up to holddown_max_ms, back to the
 *		     base after flap_window of stable announcement
 * A health failure always withdraws at once, draining or not.
 */
#ifndef JF_DECIDE_H
#define JF_DECIDE_H

#include <stdint.h>

enum decide_state {
	DECIDE_WITHDRAWN,
	DECIDE_ANNOUNCED,
	DECIDE_DRAINING,
	DECIDE_DRAINED,
	DECIDE_HOLDDOWN,
};

struct decide_cfg {
	uint32_t	drain_ms;
	uint32_t	flap_window_ms;
	uint32_t	flap_max;	/* 0: no hold-down */
	uint32_t	holddown_ms;
	uint32_t	holddown_max_ms;
};

#define DECIDE_FLAPS	16

struct decide {
	struct decide_cfg	cfg;
	enum decide_state	state;
	uint64_t		since;		/* entered state */
	uint64_t		drain_until;
	uint64_t		holddown_until;
	uint32_t		holddown_cur;
	uint64_t		flaps[DECIDE_FLAPS];	/* withdrawal times */
	uint32_t		nflaps;
	uint64_t		changes;
	char			reason[160];
};

void	decide_init(struct decide *, const struct decide_cfg *, uint64_t now);
/*
 * Re-evaluate.  why describes the health (used as the reason when it
 * decides the change).  Returns 1 if the state changed (reason updated).
 */
int	decide_eval(struct decide *, uint64_t now, int healthy, int drain,
	    const char *why);
/* Next time decide_eval must run even if nothing else happens; 0: none. */
uint64_t decide_deadline(const struct decide *);
/* The prefixes are announced (ANNOUNCED or DRAINING). */
int	decide_announced(const struct decide *);
const char *decide_state_str(enum decide_state);

#endif /* JF_DECIDE_H */
