/*
 * What a daemon may do once set up (docs/security.md).
 *
 * sandbox_close_inherited() closes every descriptor above stderr that the
 * process was started with (a careless parent's sockets or files must
 * not reach a network-facing daemon); call it first thing in main().
 *
 * sandbox_enter() installs a seccomp filter that allows only the system
 * calls the profile's event loop needs (after the privilege drop, all
 * sockets, rings and the TUN open).  Any other call is refused: the
 * process writes "sandbox: system call N refused" on stderr and dies of
 * SIGSYS (syscall numbers: ausyscall(8) or <asm/unistd.h>).  Filters are
 * inherited and cannot be removed: whatever the process execs later runs
 * under it too.  It needs no privilege (PR_SET_NO_NEW_PRIVS is set), so
 * it works the same outside systemd.  0, or -1 logged: callers treat it
 * as fatal.
 */
#ifndef JF_SANDBOX_H
#define JF_SANDBOX_H

enum sandbox_profile {
	SANDBOX_RELAY4TO6,
	SANDBOX_RELAY4TO6_XDP,	/* Input xdp: reads the program's counters */
	SANDBOX_RELAY6TO4,
	SANDBOX_TEREDOD,
	SANDBOX_GLUE_HEALTH,	/* bgpglue's health process */
	SANDBOX_GLUE_ANNOUNCER,	/* bgpglue's announcer, without hooks */
	SANDBOX_NPROFILES
};

void	sandbox_close_inherited(void);
int	sandbox_enter(enum sandbox_profile);
/* The profile's name, for logs and tests. */
const char *sandbox_name(enum sandbox_profile);

#endif /* JF_SANDBOX_H */
