/*
 * Logging with the OpenBSD verb set.  Foreground: stderr, tagged with the
 * process name.  Daemon: syslog(LOG_DAEMON).  fatal/fatalx are for our own
 * broken invariants only, never for anything the network or a peer sends.
 * Anything that can happen once per packet goes through log_rl(), which
 * takes a token from a bucket and counts what it suppressed.
 */
#ifndef JF_LOG_H
#define JF_LOG_H

#include <stdarg.h>
#include <stdint.h>

#include "ratelimit.h"

void	log_init(const char *procname, int foreground, int verbose);
void	log_setverbose(int);
int	log_getverbose(void);
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warnx(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
void	fatal(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));
void	fatalx(const char *, ...)
	    __attribute__((format(printf, 1, 2), noreturn));

/*
 * Rate-limited warning: logs only when the bucket has a token; the next
 * line that gets through says how many were suppressed in between.
 */
struct log_rl {
	struct tbucket	bucket;
	uint64_t	suppressed;
};
void	log_rl_init(struct log_rl *, uint32_t per_second, uint32_t burst);
void	log_rl(struct log_rl *, uint64_t now_ms, const char *, ...)
	    __attribute__((format(printf, 3, 4)));

#endif /* JF_LOG_H */
