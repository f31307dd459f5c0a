/*
 * The systemd notify protocol without libsystemd: one datagram per state
 * change to $NOTIFY_SOCKET (a path, or "@name" for the abstract
 * namespace).  Everything is a no-op returning 0 when NOTIFY_SOCKET is
 * unset, so daemons call it unconditionally.
 */
#ifndef JF_SDNOTIFY_H
#define JF_SDNOTIFY_H

#include <stdint.h>

struct event_base;
struct sdnotify_watchdog;

/* Send state ("READY=1", "STOPPING=1", ...): 0 (sent or unset), -1 errno. */
int	sdnotify_send(const char *state);
int	sdnotify_printf(const char *, ...)
	    __attribute__((format(printf, 1, 2)));
/* Shorthands for READY=1, STATUS=text and STOPPING=1. */
int	sdnotify_ready(void);
int	sdnotify_status(const char *text);
int	sdnotify_stopping(void);

/*
 * Watchdog interval in microseconds from $WATCHDOG_USEC (honouring
 * $WATCHDOG_PID), 0 when systemd did not ask for one.
 */
uint64_t sdnotify_watchdog_usec(void);
/*
 * Send "WATCHDOG=1" from a timer at half the interval.  NULL when no
 * watchdog was asked for (or on ENOMEM, logged).
 */
struct sdnotify_watchdog *sdnotify_watchdog_start(struct event_base *);
void	sdnotify_watchdog_stop(struct sdnotify_watchdog *);

#endif /* JF_SDNOTIFY_H */
