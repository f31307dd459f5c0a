/*
 * announce: bgpglue's privileged process.  It alone talks to zebra
 * (zclient.c) and runs the bgpd hooks; it turns the health process's
 * GMSG_WANT (withdrawn / announced / draining) into the configured
 * prefixes with Tag or DrainTag, reports zebra's state (GMSG_ZSTATE), and
 * opens the relay's control socket on request (GMSG_RELAY_FD).  It exits
 * when the health process goes away, and zebra then removes the routes.
 *
 * The zebra-gone fallback lives here: zebra lost while announced, then a
 * withdrawal wanted -> ZebraLostCommand; zebra back after any loss ->
 * ZebraBackCommand (see deploy/frr/bgpglue-bgpd.sh).
 */
#ifndef JF_ANNOUNCE_H
#define JF_ANNOUNCE_H

struct glue_conf;

/* Runs until the health process closes async_fd or a stop signal. */
int	announce_main(const struct glue_conf *, int async_fd, int sync_fd);

#endif /* JF_ANNOUNCE_H */
