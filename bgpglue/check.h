/*
 * check: rise/fall hysteresis for one health check.  Pure logic, no I/O, no
 * clock: the runner (ctlmon, probe) feeds results; a check is up after
 * `rise` consecutive successes and down after `fall` consecutive failures.
 * A hard failure (the relay's control socket closed: the process died)
 * forces it down at once, whatever `fall` says.
 */
#ifndef JF_CHECK_H
#define JF_CHECK_H

#include <stdint.h>

struct check {
	const char	*name;
	uint32_t	 rise, fall;
	uint32_t	 ok_run, fail_run;	/* consecutive results */
	int		 up;
	uint64_t	 results, failures;
	char		 why[128];		/* last result's reason */
};

void	check_init(struct check *, const char *name, uint32_t rise,
	    uint32_t fall);
/* Feed one result; returns 1 if `up` changed. */
int	check_result(struct check *, int ok, const char *why);
/* Down now (process death); returns 1 if `up` changed. */
int	check_force_down(struct check *, const char *why);

#endif /* JF_CHECK_H */
