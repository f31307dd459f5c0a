/*
 * Privilege drop, see privdrop.h.  Capabilities go through the raw capget
 * and capset syscalls (no libcap): PR_SET_KEEPCAPS lets the permitted set
 * survive setresuid, then capset trims it to exactly the listed ones.
 * Afterwards we check that the drop really happened, because a silently
 * failed drop is the worst outcome.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include "log.h"
#include "privdrop.h"

static int	privdrop_caps(const int *, size_t, uint32_t[2]);
static int	privdrop_capset(const uint32_t[2]);
static int	privdrop_bounding(const uint32_t[2]);

/* Build the two 32-bit capability words from the list. */
static int
privdrop_caps(const int *keep, size_t nkeep, uint32_t mask[2])
{
	size_t	i;

	mask[0] = mask[1] = 0;
	for (i = 0; i < nkeep; i++) {
		if (keep[i] < 0 || keep[i] > CAP_LAST_CAP) {
			log_warnx("privdrop: bad capability %d", keep[i]);
			return -1;
		}
		mask[keep[i] / 32] |= 1U << (keep[i] % 32);
	}
	return 0;
}

static int
privdrop_capset(const uint32_t mask[2])
{
	struct __user_cap_header_struct	hdr;
	struct __user_cap_data_struct	data[2];
	int				i;

	memset(&hdr, 0, sizeof(hdr));
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	for (i = 0; i < 2; i++) {
		data[i].effective = mask[i];
		data[i].permitted = mask[i];
		data[i].inheritable = 0;
	}
	if (syscall(SYS_capset, &hdr, data) == -1) {
		log_warn("privdrop: capset");
		return -1;
	}
	/* Read it back: the kernel must hold exactly what we asked for. */
	memset(data, 0, sizeof(data));
	hdr.version = _LINUX_CAPABILITY_VERSION_3;
	hdr.pid = 0;
	if (syscall(SYS_capget, &hdr, data) == -1) {
		log_warn("privdrop: capget");
		return -1;
	}
	for (i = 0; i < 2; i++)
		if (data[i].permitted != mask[i] ||
		    data[i].effective != mask[i]) {
			log_warnx("privdrop: capabilities not dropped");
			return -1;
		}
	return 0;
}

/*
 * Drop every other capability from the bounding set too, so nothing we
 * might exec can regain it.  Needs CAP_SETPCAP, so it runs first; an
 * unprivileged caller (tests) has nothing to drop there.
 */
static int
privdrop_bounding(const uint32_t mask[2])
{
	int	cap;

	for (cap = 0; cap <= CAP_LAST_CAP; cap++) {
		if (mask[cap / 32] & (1U << (cap % 32)))
			continue;
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) != 1)
			continue;
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) == -1) {
			if (errno == EINVAL)
				continue;	/* older kernel */
			if (errno == EPERM)
				return 0;	/* no CAP_SETPCAP */
			log_warn("privdrop: PR_CAPBSET_DROP %d", cap);
			return -1;
		}
	}
	return 0;
}

int
privdrop(const char *user, const int *keep_caps, size_t nkeep)
{
	return privdrop_groups(user, NULL, 0, keep_caps, nkeep);
}

#define PRIVDROP_NGROUPS	64

/* The user's groups (primary first) and the extra ones: the count. */
static int
privdrop_grouplist(const struct passwd *pw, const gid_t *extra,
    size_t nextra, int all, gid_t *list)
{
	int	n = all ? PRIVDROP_NGROUPS - (int)nextra : 1;
	size_t	i;

	list[0] = pw->pw_gid;
	if (all && getgrouplist(pw->pw_name, pw->pw_gid, list, &n) == -1) {
		log_warnx("privdrop: %s is in too many groups", pw->pw_name);
		return -1;
	}
	for (i = 0; i < nextra; i++)
		list[n++] = extra[i];
	return n;
}

int
privdrop_groups(const char *user, const gid_t *extra, size_t nextra,
    const int *keep_caps, size_t nkeep)
{
	struct passwd	*pw = NULL;
	uint32_t	 mask[2];
	uid_t		 ruid, euid, suid;
	gid_t		 rgid, egid, sgid, gid, groups[PRIVDROP_NGROUPS];
	int		 ngroups;

	if (privdrop_caps(keep_caps, nkeep, mask) == -1)
		return -1;
	if (user != NULL && user[0] != '\0') {
		errno = 0;
		if ((pw = getpwnam(user)) == NULL) {
			log_warnx("privdrop: unknown user %s", user);
			return -1;
		}
	}
	if (privdrop_bounding(mask) == -1)
		return -1;
	if (pw != NULL) {
		gid = pw->pw_gid;
		if (nextra > PRIVDROP_NGROUPS / 2 ||
		    (ngroups = privdrop_grouplist(pw, extra, nextra,
		    extra != NULL, groups)) == -1)
			return -1;
		if (setgroups((size_t)ngroups, groups) == -1) {
			log_warn("privdrop: setgroups");
			return -1;
		}
		if (setresgid(gid, gid, gid) == -1) {
			log_warn("privdrop: setresgid");
			return -1;
		}
		if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) == -1) {
			log_warn("privdrop: PR_SET_KEEPCAPS");
			return -1;
		}
		if (setresuid(pw->pw_uid, pw->pw_uid, pw->pw_uid) == -1) {
			log_warn("privdrop: setresuid");
			return -1;
		}
		if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) == -1) {
			log_warn("privdrop: PR_SET_KEEPCAPS off");
			return -1;
		}
	}
	if (privdrop_capset(mask) == -1)
		return -1;
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		log_warn("privdrop: PR_SET_NO_NEW_PRIVS");
		return -1;
	}
	if (pw == NULL)
		return 0;

	/* Verify: all three ids changed and there is no way back to root. */
	if (getresuid(&ruid, &euid, &suid) == -1 ||
	    getresgid(&rgid, &egid, &sgid) == -1) {
		log_warn("privdrop: getresuid");
		return -1;
	}
	if (ruid != pw->pw_uid || euid != pw->pw_uid || suid != pw->pw_uid ||
	    rgid != pw->pw_gid || egid != pw->pw_gid || sgid != pw->pw_gid) {
		log_warnx("privdrop: ids not changed");
		return -1;
	}
	if (pw->pw_uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		log_warnx("privdrop: could regain root");
		return -1;
	}
	return 0;
}
