/* Derived limits shared by config.c and the engine. */
#ifndef TD_LIMITS_H
#define TD_LIMITS_H

#include "config.h"
#include "peers.h"

#define TD_RATE_BUCKETS	65536	/* hashed token buckets per limit kind */

void	td_limits_from_config(const struct td_config *, struct peers_limits *);

#endif /* TD_LIMITS_H */
