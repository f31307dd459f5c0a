/*
 * Drop privileges for good after the TUN and sockets are open: setgroups,
 * setresgid, setresuid to the configured user, keep only the listed
 * capabilities (CAP_* numbers from <linux/capability.h>; often none), then
 * PR_SET_NO_NEW_PRIVS.  Returns -1 (logged) if any step fails; callers
 * treat that as fatal.  user NULL or "" means: stay root but still drop
 * every capability not listed and set NO_NEW_PRIVS (for tests).
 */
#ifndef JF_PRIVDROP_H
#define JF_PRIVDROP_H

#include <sys/types.h>

#include <stddef.h>

int	privdrop(const char *user, const int *keep_caps, size_t nkeep);
/*
 * The same, with the user's own supplementary groups (its /etc/group
 * memberships) plus nextra extra ones; extra NULL: only the user's
 * primary group, as privdrop().
 */
int	privdrop_groups(const char *user, const gid_t *extra, size_t nextra,
	    const int *keep_caps, size_t nkeep);

#endif /* JF_PRIVDROP_H */
