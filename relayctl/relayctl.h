/*
 * relayctl engine: turns a control-socket reply (see ctl.h) into text for
 * people.  No I/O besides the FILE it writes to, so tests feed it replies.
 */
#ifndef JF_RELAYCTL_H
#define JF_RELAYCTL_H

#include <stddef.h>
#include <stdio.h>

#define RELAYCTL_RUNDIR	"/run/justforward"
#define RELAYCTL_SOCK_SUFFIX ".sock"

/*
 * Format a whole reply (body lines then "ok" or "error ...").  Runs of
 * "key value" lines become a two-column table; runs of "k=v k=v" rows
 * become a table with a header of every key (in order of appearance,
 * "-" where a row lacks one).  Numeric columns are right-aligned.  With
 * raw, the reply is copied unchanged.  The error text, if any, goes to
 * err.  Returns 0 for "ok", 1 for "error ...", -1 for a reply without a
 * final line.
 */
int	relayctl_format(FILE *out, FILE *err, const char *reply, int raw);

/*
 * The socket for -s ARG: ARG itself if it contains '/', else
 * RELAYCTL_RUNDIR/ARG.sock.  Without -s (arg NULL): the only socket in
 * RELAYCTL_RUNDIR.  0, or -1 with a reason in why.
 */
int	relayctl_socket_path(const char *arg, const char *rundir, char *path,
	    size_t len, char *why, size_t whylen);

/* Join argv into one command line; -1 if it would exceed len - 1. */
int	relayctl_join(int argc, char **argv, char *line, size_t len);

#endif /* JF_RELAYCTL_H */
