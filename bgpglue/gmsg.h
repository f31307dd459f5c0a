/*
 * gmsg: the fixed-size messages between bgpglue's two processes (style.md
 * practice 6).  The health process (unprivileged: relay checks, probe,
 * decisions, control socket) tells the announcer (the only one that talks
 * to zebra and runs the bgpd hooks) what to announce; it can only choose
 * among the configured prefixes' states, never name a prefix.  The
 * announcer reports zebra's state back and opens the relay's control
 * socket for the health process (fd passing), so that one can run as
 * nobody.  SOCK_SEQPACKET: one message per datagram; a receiver refuses
 * any message whose size is not exactly that of its type.
 */
#ifndef JF_GMSG_H
#define JF_GMSG_H

#include <stddef.h>
#include <stdint.h>

enum gmsg_type {
	GMSG_WANT = 1,		/* health -> announcer: struct gmsg_want */
	GMSG_RESYNC,		/* health -> announcer: no payload */
	GMSG_RELAY_CONNECT,	/* health -> announcer: no payload */
	GMSG_RELAY_FD,		/* announcer -> health: struct gmsg_fd (+fd) */
	GMSG_ZSTATE,		/* announcer -> health: struct gmsg_zstate */
};

enum gmsg_want_state {
	GMSG_WITHDRAWN = 0,
	GMSG_ANNOUNCED = 1,
	GMSG_DRAINING = 2,
};

struct gmsg_want {
	uint32_t	state;		/* enum gmsg_want_state */
};

struct gmsg_fd {
	int32_t		err;		/* 0: fd attached, else errno */
};

#define GMSG_ERR_LEN	128

struct gmsg_zstate {
	uint32_t	up;
	uint32_t	lost_ran;
	uint32_t	nroutes;
	uint32_t	installed;	/* bit i: wanted route i confirmed */
	uint32_t	tag;		/* tag of the wanted routes */
	uint64_t	adds, dels, readds, back_cmds, lost_cmds;
	char		error[GMSG_ERR_LEN];	/* NUL-terminated */
};

/* Largest payload, for receive buffers. */
#define GMSG_MAX	sizeof(struct gmsg_zstate)
/* Descriptors a receive makes room for (to close them); one is valid. */
#define GMSG_FDS_ROOM	8

/* Send one message (payload may be NULL for len 0; passfd -1: none). */
int	gmsg_send(int sock, uint32_t type, const void *payload, size_t len,
	    int passfd);
/*
 * Receive one message into payload (exactly the type's size); *fdp gets a
 * passed fd or -1.  Returns the type, 0 on EOF, -1 on error or a message
 * of the wrong size or unknown type (errno EBADMSG), any passed fd closed.
 * Only GMSG_RELAY_FD with exactly one descriptor keeps it: every other
 * descriptor a message carries is closed, and the message refused.
 */
int	gmsg_recv(int sock, void *payload, size_t cap, int *fdp);
/* The exact payload size of a type, or (size_t)-1 if unknown. */
size_t	gmsg_size(uint32_t type);

#endif /* JF_GMSG_H */
