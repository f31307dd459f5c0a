/*
 * systemd notify protocol, see sdnotify.h.  A fresh datagram socket per
 * message: states change a handful of times in a daemon's life, and the
 * watchdog ping runs every few seconds at most.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "sdnotify.h"

struct sdnotify_watchdog {
	struct event	*ev;
	struct timeval	 tv;
};

static void	sdnotify_watchdog_cb(evutil_socket_t, short, void *);

int
sdnotify_send(const char *state)
{
	struct sockaddr_un	 sun;
	const char		*path = getenv("NOTIFY_SOCKET");
	socklen_t		 slen;
	size_t			 plen;
	ssize_t			 n;
	int			 fd, saved;

	if (path == NULL || path[0] == '\0')
		return 0;
	plen = strlen(path);
	if ((path[0] != '/' && path[0] != '@') ||
	    plen >= sizeof(sun.sun_path)) {
		errno = EINVAL;
		return -1;
	}
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, plen);
	/* "@name" is the abstract namespace: leading NUL, no terminator. */
	if (path[0] == '@')
		sun.sun_path[0] = '\0';
	slen = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + plen +
	    (path[0] == '@' ? 0 : 1));
	if ((fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	n = sendto(fd, state, strlen(state), MSG_NOSIGNAL,
	    (struct sockaddr *)&sun, slen);
	saved = errno;
	close(fd);
	errno = saved;
	return n == -1 ? -1 : 0;
}

int
sdnotify_printf(const char *fmt, ...)
{
	char	buf[512];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return sdnotify_send(buf);
}

int
sdnotify_ready(void)
{
	return sdnotify_send("READY=1");
}

int
sdnotify_status(const char *text)
{
	return sdnotify_printf("STATUS=%s", text);
}

int
sdnotify_stopping(void)
{
	return sdnotify_send("STOPPING=1");
}

uint64_t
sdnotify_watchdog_usec(void)
{
	const char		*s, *pid;
	char			*end;
	unsigned long long	 v;

	if ((s = getenv("WATCHDOG_USEC")) == NULL || *s == '\0')
		return 0;
	/* WATCHDOG_PID, when set, says whom the watchdog is meant for. */
	if ((pid = getenv("WATCHDOG_PID")) != NULL && *pid != '\0' &&
	    strtoll(pid, NULL, 10) != (long long)getpid())
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return 0;
	return (uint64_t)v;
}

static void
sdnotify_watchdog_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	(void)arg;
	if (sdnotify_send("WATCHDOG=1") == -1)
		log_warn("sdnotify: WATCHDOG=1");
}

struct sdnotify_watchdog *
sdnotify_watchdog_start(struct event_base *base)
{
	struct sdnotify_watchdog	*wd;
	uint64_t			 half = sdnotify_watchdog_usec() / 2;

	if (half == 0 || getenv("NOTIFY_SOCKET") == NULL)
		return NULL;
	if ((wd = calloc(1, sizeof(*wd))) == NULL) {
		log_warn("sdnotify: watchdog");
		return NULL;
	}
	wd->tv.tv_sec = (time_t)(half / 1000000);
	wd->tv.tv_usec = (suseconds_t)(half % 1000000);
	wd->ev = event_new(base, -1, EV_PERSIST, sdnotify_watchdog_cb, wd);
	if (wd->ev == NULL || event_add(wd->ev, &wd->tv) == -1) {
		log_warnx("sdnotify: cannot start the watchdog timer");
		if (wd->ev != NULL)
			event_free(wd->ev);
		free(wd);
		return NULL;
	}
	/* Ping once now: the first interval starts at exec. */
	sdnotify_watchdog_cb(-1, 0, wd);
	return wd;
}

void
sdnotify_watchdog_stop(struct sdnotify_watchdog *wd)
{
	if (wd == NULL)
		return;
	event_free(wd->ev);
	free(wd);
}
