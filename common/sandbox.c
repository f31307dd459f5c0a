/*
 * seccomp allow lists per daemon, see sandbox.h.  libseccomp builds the
 * BPF program; the lists name what each loop calls, found by reading the
 * code paths (libevent's epoll, the control socket, logging, sd_notify,
 * the packet rings, io_uring) and checked by the netns tests, which run
 * every daemon with its filter on real traffic.
 *
 * Refusal is SCMP_ACT_TRAP rather than SCMP_ACT_KILL_PROCESS only so that
 * the log says which call it was: the handler writes one line and the
 * process then dies of SIGSYS all the same.  A refused call never runs.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <linux/bpf.h>
#include <linux/sockios.h>

#include <errno.h>
#include <fcntl.h>
#include <seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "log.h"
#include "sandbox.h"

#define ALLOW(name)	{ SCMP_SYS(name), -1 }
#define END		{ -1, -1 }

/* A system call and, for some, the rule that limits its arguments. */
struct sandbox_call {
	int	nr;
	int	rule;		/* -1: any arguments, else enum sandbox_rule */
};

enum sandbox_rule {
	RULE_AF_UNIX,		/* socket(AF_UNIX, ...): syslog, sd_notify */
	RULE_NO_EXEC,		/* mmap/mprotect without PROT_EXEC */
	RULE_IOCTL_NET,		/* SIOCGIFMTU, SIOCGIFHWADDR, SIOCGIFINDEX */
	RULE_IOCTL_FIONREAD,	/* libevent's evbuffer_read (control, zebra) */
	RULE_OPEN_READ,		/* openat read-only */
	RULE_OPEN_NEW,		/* openat O_CREAT|O_EXCL: a new file */
	RULE_SELF_SIGNAL,	/* tgkill/kill to ourselves: abort(), raise() */
	RULE_BPF_MAP_LOOKUP,	/* bpf(BPF_MAP_LOOKUP_ELEM): reading counters */
};

/* Every loop: libevent on epoll, memory, time, signals, logging. */
static const struct sandbox_call base_calls[] = {
	ALLOW(read), ALLOW(readv), ALLOW(write), ALLOW(writev),
	ALLOW(close), ALLOW(fcntl), ALLOW(fstat), ALLOW(newfstatat),
	ALLOW(lseek),
	ALLOW(epoll_wait), ALLOW(epoll_pwait), ALLOW(epoll_ctl),
	ALLOW(poll), ALLOW(ppoll),
	ALLOW(recvfrom), ALLOW(recvmsg), ALLOW(recvmmsg),
	ALLOW(sendto), ALLOW(sendmsg), ALLOW(sendmmsg),
	ALLOW(accept4), ALLOW(accept), ALLOW(shutdown), ALLOW(getsockopt),
	ALLOW(getsockname), ALLOW(getpeername), ALLOW(connect),
	{ SCMP_SYS(socket), RULE_AF_UNIX },
	{ SCMP_SYS(ioctl), RULE_IOCTL_FIONREAD },
	ALLOW(unlink),		/* the control socket's path, at exit */
	ALLOW(clock_gettime), ALLOW(clock_getres), ALLOW(gettimeofday),
	ALLOW(time), ALLOW(nanosleep), ALLOW(clock_nanosleep),
	ALLOW(rt_sigaction), ALLOW(rt_sigprocmask), ALLOW(rt_sigreturn),
	ALLOW(restart_syscall),
	{ SCMP_SYS(tgkill), RULE_SELF_SIGNAL },
	{ SCMP_SYS(kill), RULE_SELF_SIGNAL },
	ALLOW(getpid), ALLOW(gettid), ALLOW(getuid), ALLOW(geteuid),
	ALLOW(getgid), ALLOW(getegid),
	ALLOW(brk), ALLOW(munmap), ALLOW(mremap), ALLOW(madvise),
	{ SCMP_SYS(mmap), RULE_NO_EXEC },
	{ SCMP_SYS(mprotect), RULE_NO_EXEC },
	ALLOW(futex), ALLOW(getrandom),
	ALLOW(exit), ALLOW(exit_group),
	END
};

/*
 * The relays: TUN and raw sockets, the packet rings (AF_PACKET, poll),
 * pktout's once-a-second MTU and address refresh, nexthop netlink
 * reads (the socket is open), io_uring batches (tunbatch).
 */
static const struct sandbox_call relay_calls[] = {
	{ SCMP_SYS(ioctl), RULE_IOCTL_NET },
	ALLOW(io_uring_enter),
	END
};

/*
 * relay4to6 with Input xdp: the same, plus reading the program's per-CPU
 * counters (bpf(BPF_MAP_LOOKUP_ELEM) on a map it already holds; no other
 * bpf command: nothing can be loaded, attached or changed).
 */
static const struct sandbox_call relay_xdp_calls[] = {
	{ SCMP_SYS(ioctl), RULE_IOCTL_NET },
	ALLOW(io_uring_enter),
	{ SCMP_SYS(bpf), RULE_BPF_MAP_LOOKUP },
	END
};

/* teredod's StateFile, written on a clean stop: a new temporary file. */
static const struct sandbox_call teredod_calls[] = {
	{ SCMP_SYS(ioctl), RULE_IOCTL_NET },
	ALLOW(io_uring_enter),
	{ SCMP_SYS(openat), RULE_OPEN_NEW },
	ALLOW(rename), ALLOW(renameat), ALLOW(fchmod),
	END
};

/* The health process reads the DrainFile (read-only opens), looks up an
 * injected probe's interface by name each time (index and MAC: the
 * interface may have been replaced) and, on its way out, reaps the
 * announcer. */
static const struct sandbox_call health_calls[] = {
	{ SCMP_SYS(openat), RULE_OPEN_READ },
	{ SCMP_SYS(ioctl), RULE_IOCTL_NET },
	ALLOW(wait4),
	END
};

/* The announcer (without hooks): zebra and the relay's socket (socket
 * and connect, above); nothing of its own. */
static const struct sandbox_call announcer_calls[] = {
	END
};

static const struct {
	const char			*name;
	const struct sandbox_call	*calls;
} profiles[SANDBOX_NPROFILES] = {
	[SANDBOX_RELAY4TO6] = { "relay4to6", relay_calls },
	[SANDBOX_RELAY4TO6_XDP] = { "relay4to6-xdp", relay_xdp_calls },
	[SANDBOX_RELAY6TO4] = { "relay6to4", relay_calls },
	[SANDBOX_TEREDOD] = { "teredod", teredod_calls },
	[SANDBOX_GLUE_HEALTH] = { "bgpglue-health", health_calls },
	[SANDBOX_GLUE_ANNOUNCER] = { "bgpglue-announcer", announcer_calls },
};

const char *
sandbox_name(enum sandbox_profile p)
{
	return p < SANDBOX_NPROFILES ? profiles[p].name : "?";
}

void
sandbox_close_inherited(void)
{
	/* close_range(2) (Linux 5.9); before that, nothing to be done
	 * cheaply and safely: the unit's sandbox still applies. */
	(void)syscall(SYS_close_range, 3U, ~0U, 0U);
}

/* Async-signal-safe: a fixed line, the number, then die of SIGSYS. */
static void
sandbox_refused(int sig, siginfo_t *si, void *uc)
{
	static const char	msg[] = "sandbox: system call ";
	static const char	tail[] = " refused, exiting\n";
	char			num[16];
	int			n = si->si_syscall, i = sizeof(num);
	struct sigaction	sa;

	(void)uc;
	do {
		num[--i] = (char)('0' + n % 10);
		n /= 10;
	} while (n > 0 && i > 0);
	(void)!write(STDERR_FILENO, msg, sizeof(msg) - 1);
	(void)!write(STDERR_FILENO, num + i, sizeof(num) - (size_t)i);
	(void)!write(STDERR_FILENO, tail, sizeof(tail) - 1);
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = SIG_DFL;
	(void)sigaction(sig, &sa, NULL);
	(void)kill(getpid(), SIGSYS);	/* pending until we return */
}

/* Argument comparisons (libseccomp's SCMP_A* leave datum_b implicit). */
static struct scmp_arg_cmp
arg_is(unsigned int arg, scmp_datum_t v)
{
	struct scmp_arg_cmp	c;

	memset(&c, 0, sizeof(c));
	c.arg = arg;
	c.op = SCMP_CMP_EQ;
	c.datum_a = v;
	return c;
}

static struct scmp_arg_cmp
arg_masked(unsigned int arg, scmp_datum_t mask, scmp_datum_t v)
{
	struct scmp_arg_cmp	c;

	memset(&c, 0, sizeof(c));
	c.arg = arg;
	c.op = SCMP_CMP_MASKED_EQ;
	c.datum_a = mask;
	c.datum_b = v;
	return c;
}

static int
sandbox_add(scmp_filter_ctx ctx, const struct sandbox_call *c, pid_t self)
{
	int	r = 0;

	switch (c->rule) {
	case -1:
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 0);
		break;
	case RULE_AF_UNIX:
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
		    arg_is(0, AF_UNIX));
		break;
	case RULE_NO_EXEC:
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
		    arg_masked(2, PROT_EXEC, 0));
		break;
	case RULE_IOCTL_NET:
		if ((r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
		    arg_is(1, SIOCGIFMTU))) == 0 &&
		    (r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
		    arg_is(1, SIOCGIFHWADDR))) == 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
			    arg_is(1, SIOCGIFINDEX));
		break;
	case RULE_IOCTL_FIONREAD:
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
		    arg_is(1, FIONREAD));
		break;
	case RULE_OPEN_READ:
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
		    arg_masked(2, O_ACCMODE | O_CREAT | O_TRUNC,
		    O_RDONLY));
		break;
	case RULE_OPEN_NEW:
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
		    arg_masked(2, O_CREAT | O_EXCL,
		    O_CREAT | O_EXCL));
		break;
	case RULE_SELF_SIGNAL:
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
		    arg_is(0, (scmp_datum_t)self));
		break;
	case RULE_BPF_MAP_LOOKUP:
		r = seccomp_rule_add(ctx, SCMP_ACT_ALLOW, c->nr, 1,
		    arg_is(0, BPF_MAP_LOOKUP_ELEM));
		break;
	}
	return r;
}

int
sandbox_enter(enum sandbox_profile p)
{
	const struct sandbox_call	*lists[2], *c;
	struct sigaction		 sa;
	scmp_filter_ctx			 ctx;
	pid_t				 self = getpid();
	int				 i, r = 0;

	if (p >= SANDBOX_NPROFILES) {
		log_warnx("sandbox: no profile %d", (int)p);
		return -1;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = sandbox_refused;
	sa.sa_flags = SA_SIGINFO;
	if (sigaction(SIGSYS, &sa, NULL) == -1) {
		log_warn("sandbox: SIGSYS handler");
		return -1;
	}
	if ((ctx = seccomp_init(SCMP_ACT_TRAP)) == NULL) {
		log_warnx("sandbox: seccomp_init failed");
		return -1;
	}
	lists[0] = base_calls;
	lists[1] = profiles[p].calls;
	for (i = 0; i < 2 && r == 0; i++)
		for (c = lists[i]; c->nr != -1 && r == 0; c++)
			r = sandbox_add(ctx, c, self);
	/* NO_NEW_PRIVS (set by privdrop too): no privilege needed. */
	if (r == 0)
		r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1);
	if (r == 0)
		r = seccomp_load(ctx);
	seccomp_release(ctx);
	if (r != 0) {
		errno = -r;
		log_warn("sandbox: %s filter", profiles[p].name);
		return -1;
	}
	log_debug("sandbox: %s filter on", profiles[p].name);
	return 0;
}
