/*
 * Counters: one per forward and per drop reason, per daemon.  A daemon
 * declares its list once with an X-macro so that the enum and the names can
 * never disagree:
 *
 *	#define R46_COUNTERS(X) X(FORWARDED, "forwarded") X(DROP_SRC_MISMATCH, "drop_src_v4_mismatch")
 *	enum r46_counter { R46_COUNTERS(COUNTER_ENUM) R46_NCOUNTERS };
 *	static const char *const r46_names[] = { R46_COUNTERS(COUNTER_NAME) };
 *
 * Names are the machine-readable keys printed by `stats` (lower case, no
 * spaces, "drop_" prefix for drops).  Incrementing is a plain add: each
 * daemon is single-threaded per counter set.
 */
#ifndef JF_COUNTERS_H
#define JF_COUNTERS_H

#include <stddef.h>
#include <stdint.h>

#define COUNTER_ENUM(id, name)	id,
#define COUNTER_NAME(id, name)	name,

struct counters {
	const char *const	*names;
	uint64_t		*v;
	size_t			 n;
};

/* Allocates v (zeroed); fatal only on ENOMEM at startup. */
void	counters_init(struct counters *, const char *const *names, size_t n);
void	counters_free(struct counters *);
static inline void
counters_inc(struct counters *c, size_t idx)
{
	c->v[idx]++;
}
static inline void
counters_add(struct counters *c, size_t idx, uint64_t n)
{
	c->v[idx] += n;
}
/* Sum of every counter whose name starts with "drop_". */
uint64_t counters_drops(const struct counters *);

#endif /* JF_COUNTERS_H */
