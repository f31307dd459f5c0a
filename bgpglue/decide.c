/*
 * The announce/withdraw/drain/hold-down state machine.  See decide.h.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "decide.h"

const char *
decide_state_str(enum decide_state s)
{
	switch (s) {
	case DECIDE_WITHDRAWN:
		return "withdrawn";
	case DECIDE_ANNOUNCED:
		return "announced";
	case DECIDE_DRAINING:
		return "draining";
	case DECIDE_DRAINED:
		return "drained";
	case DECIDE_HOLDDOWN:
		return "holddown";
	}
	return "?";
}

void
decide_init(struct decide *d, const struct decide_cfg *cfg, uint64_t now)
{
	memset(d, 0, sizeof(*d));
	d->cfg = *cfg;
	if (d->cfg.holddown_max_ms < d->cfg.holddown_ms)
		d->cfg.holddown_max_ms = d->cfg.holddown_ms;
	d->state = DECIDE_WITHDRAWN;
	d->since = now;
	d->holddown_cur = d->cfg.holddown_ms;
	snprintf(d->reason, sizeof(d->reason), "starting");
}

static int
decide_go(struct decide *d, uint64_t now, enum decide_state s,
    const char *fmt, ...)
{
	va_list	ap;

	if (s == d->state)
		return 0;
	va_start(ap, fmt);
	vsnprintf(d->reason, sizeof(d->reason), fmt, ap);
	va_end(ap);
	d->state = s;
	d->since = now;
	d->changes++;
	return 1;
}

static void
decide_flap(struct decide *d, uint64_t now)
{
	if (d->nflaps == DECIDE_FLAPS) {
		memmove(d->flaps, d->flaps + 1,
		    (DECIDE_FLAPS - 1) * sizeof(d->flaps[0]));
		d->nflaps--;
	}
	d->flaps[d->nflaps++] = now;
}

static uint32_t
decide_recent_flaps(const struct decide *d, uint64_t now)
{
	uint32_t	i, n = 0;

	for (i = 0; i < d->nflaps; i++)
		if (now - d->flaps[i] < d->cfg.flap_window_ms)
			n++;
	return n;
}

int
decide_eval(struct decide *d, uint64_t now, int healthy, int drain,
    const char *why)
{
	uint32_t	flaps;

	/* Stable long enough: hold-down backoff starts over. */
	if (d->state == DECIDE_ANNOUNCED &&
	    now - d->since >= d->cfg.flap_window_ms)
		d->holddown_cur = d->cfg.holddown_ms;

	if (!healthy) {
		switch (d->state) {
		case DECIDE_ANNOUNCED:
		case DECIDE_DRAINING:
			decide_flap(d, now);
			return decide_go(d, now, drain ? DECIDE_DRAINED :
			    DECIDE_WITHDRAWN, "unhealthy: %s", why);
		case DECIDE_DRAINED:
			if (!drain)
				return decide_go(d, now, DECIDE_WITHDRAWN,
				    "undrained, unhealthy: %s", why);
			return 0;
		case DECIDE_HOLDDOWN:
			if (now >= d->holddown_until)
				return decide_go(d, now, DECIDE_WITHDRAWN,
				    "hold-down over, unhealthy: %s", why);
			return 0;
		case DECIDE_WITHDRAWN:
			if (drain)
				return decide_go(d, now, DECIDE_DRAINED,
				    "drain requested (was withdrawn)");
			return 0;
		}
		return 0;
	}

	if (drain) {
		switch (d->state) {
		case DECIDE_ANNOUNCED:
			d->drain_until = now + d->cfg.drain_ms;
			return decide_go(d, now, DECIDE_DRAINING,
			    "drain requested: graceful-shutdown for %u ms",
			    d->cfg.drain_ms);
		case DECIDE_DRAINING:
			if (now >= d->drain_until)
				return decide_go(d, now, DECIDE_DRAINED,
				    "drain time elapsed");
			return 0;
		case DECIDE_WITHDRAWN:
		case DECIDE_HOLDDOWN:
			return decide_go(d, now, DECIDE_DRAINED,
			    "drain requested (was %s)",
			    decide_state_str(d->state));
		case DECIDE_DRAINED:
			return 0;
		}
		return 0;
	}

	switch (d->state) {
	case DECIDE_ANNOUNCED:
		return 0;
	case DECIDE_DRAINING:
	case DECIDE_DRAINED:
		return decide_go(d, now, DECIDE_ANNOUNCED, "undrained: %s",
		    why);
	case DECIDE_HOLDDOWN:
		if (now >= d->holddown_until)
			return decide_go(d, now, DECIDE_ANNOUNCED,
			    "hold-down over: %s", why);
		return 0;
	case DECIDE_WITHDRAWN:
		flaps = decide_recent_flaps(d, now);
		if (d->cfg.flap_max > 0 && flaps >= d->cfg.flap_max) {
			d->holddown_until = now + d->holddown_cur;
			decide_go(d, now, DECIDE_HOLDDOWN,
			    "healthy but %u withdrawals within %u ms: "
			    "hold-down %u ms", flaps, d->cfg.flap_window_ms,
			    d->holddown_cur);
			d->holddown_cur = d->holddown_cur * 2 >
			    d->cfg.holddown_max_ms ? d->cfg.holddown_max_ms :
			    d->holddown_cur * 2;
			d->nflaps = 0;
			return 1;
		}
		return decide_go(d, now, DECIDE_ANNOUNCED, "healthy: %s",
		    why);
	}
	return 0;
}

uint64_t
decide_deadline(const struct decide *d)
{
	switch (d->state) {
	case DECIDE_DRAINING:
		return d->drain_until;
	case DECIDE_HOLDDOWN:
		return d->holddown_until;
	default:
		return 0;
	}
}

int
decide_announced(const struct decide *d)
{
	return d->state == DECIDE_ANNOUNCED || d->state == DECIDE_DRAINING;
}
