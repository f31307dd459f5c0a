/*
 * Logging: stderr in the foreground, syslog otherwise.  See log.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "log.h"

static const char	*log_procname = "justforward";
static int		 log_foreground = 1;
static int		 log_verbose;

void
log_init(const char *procname, int foreground, int verbose)
{
	log_procname = procname;
	log_foreground = foreground;
	log_verbose = verbose;
	if (!foreground)
		openlog(procname, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

void
log_setverbose(int v)
{
	log_verbose = v;
}

int
log_getverbose(void)
{
	return log_verbose;
}

static void
log_vwrite(int pri, const char *fmt, va_list ap, const char *suffix)
{
	char	msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (log_foreground) {
		fprintf(stderr, "%s: %s%s%s\n", log_procname, msg,
		    suffix ? ": " : "", suffix ? suffix : "");
		fflush(stderr);
	} else
		syslog(pri, "%s%s%s", msg, suffix ? ": " : "",
		    suffix ? suffix : "");
}

void
log_warn(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, strerror(saved));
	va_end(ap);
	errno = saved;
}

void
log_warnx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_ERR, fmt, ap, NULL);
	va_end(ap);
}

void
log_info(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_INFO, fmt, ap, NULL);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list	ap;

	if (log_verbose < 1)
		return;
	va_start(ap, fmt);
	log_vwrite(LOG_DEBUG, fmt, ap, NULL);
	va_end(ap);
}

void
fatal(const char *fmt, ...)
{
	va_list	ap;
	int	saved = errno;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap, strerror(saved));
	va_end(ap);
	exit(1);
}

void
fatalx(const char *fmt, ...)
{
	va_list	ap;

	va_start(ap, fmt);
	log_vwrite(LOG_CRIT, fmt, ap, NULL);
	va_end(ap);
	exit(1);
}

void
log_rl_init(struct log_rl *rl, uint32_t per_second, uint32_t burst)
{
	tbucket_init(&rl->bucket, per_second, burst);
	rl->suppressed = 0;
}

void
log_rl(struct log_rl *rl, uint64_t now_ms, const char *fmt, ...)
{
	va_list	ap;
	char	note[64];

	if (!tbucket_take(&rl->bucket, now_ms)) {
		rl->suppressed++;
		return;
	}
	note[0] = '\0';
	if (rl->suppressed > 0)
		snprintf(note, sizeof(note), "%llu similar suppressed",
		    (unsigned long long)rl->suppressed);
	rl->suppressed = 0;
	va_start(ap, fmt);
	log_vwrite(LOG_WARNING, fmt, ap, note[0] ? note : NULL);
	va_end(ap);
}
