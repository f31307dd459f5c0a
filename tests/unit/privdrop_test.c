/*
 * privdrop, as root, each case in its own forked process (Check's default
 * fork mode): after the drop the ids, groups, capability sets, bounding
 * set and NO_NEW_PRIVS must be exactly what was asked, and root must be
 * out of reach.  Needs root (make check runs as root); without it
 * every case fails loudly rather than passing.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <netinet/in.h>
#include <linux/capability.h>

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "privdrop.h"

static void
caps(uint32_t eff[2], uint32_t prm[2], uint32_t inh[2])
{
	struct __user_cap_header_struct	hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3, .pid = 0
	};
	struct __user_cap_data_struct	d[2];
	int				i;

	ck_assert_int_eq(syscall(SYS_capget, &hdr, d), 0);
	for (i = 0; i < 2; i++) {
		eff[i] = d[i].effective;
		prm[i] = d[i].permitted;
		inh[i] = d[i].inheritable;
	}
}

static void
need_root(void)
{
	ck_assert_msg(geteuid() == 0, "privdrop_test must run as root");
}

START_TEST(test_drop_to_nobody)
{
	struct passwd	*pw;
	uid_t		 r, e, s;
	gid_t		 groups[8];
	uint32_t	 eff[2], prm[2], inh[2];
	int		 n;

	need_root();
	ck_assert_ptr_nonnull(pw = getpwnam("nobody"));
	ck_assert_int_eq(privdrop("nobody", NULL, 0), 0);
	ck_assert_int_eq(getresuid(&r, &e, &s), 0);
	ck_assert_uint_eq(r, pw->pw_uid);
	ck_assert_uint_eq(e, pw->pw_uid);
	ck_assert_uint_eq(s, pw->pw_uid);
	ck_assert_uint_eq(getgid(), pw->pw_gid);
	ck_assert_uint_eq(getegid(), pw->pw_gid);
	n = getgroups(8, groups);
	ck_assert_int_eq(n, 1);
	ck_assert_uint_eq(groups[0], pw->pw_gid);
	caps(eff, prm, inh);
	ck_assert_uint_eq(eff[0] | eff[1] | prm[0] | prm[1] | inh[0] | inh[1],
	    0);
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	ck_assert_int_eq(prctl(PR_CAPBSET_READ, CAP_NET_ADMIN, 0, 0, 0), 0);
	ck_assert_int_eq(setuid(0), -1);
	ck_assert_int_eq(seteuid(0), -1);
	ck_assert_int_eq(setgid(0), -1);
}
END_TEST

START_TEST(test_keep_net_raw)
{
	static const int	keep[] = { CAP_NET_RAW };
	uint32_t		eff[2], prm[2], inh[2];
	int			fd;

	need_root();
	ck_assert_int_eq(privdrop("nobody", keep, 1), 0);
	ck_assert_uint_ne(getuid(), 0);
	caps(eff, prm, inh);
	ck_assert_uint_eq(eff[0], 1U << CAP_NET_RAW);
	ck_assert_uint_eq(prm[0], 1U << CAP_NET_RAW);
	ck_assert_uint_eq(eff[1] | prm[1] | inh[0] | inh[1], 0);
	ck_assert_int_eq(prctl(PR_CAPBSET_READ, CAP_NET_RAW, 0, 0, 0), 1);
	ck_assert_int_eq(prctl(PR_CAPBSET_READ, CAP_SYS_ADMIN, 0, 0, 0), 0);
	/* The kept capability works (a raw socket; nothing is sent). */
	ck_assert_int_ge(fd = socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), 0);
	close(fd);
	ck_assert_int_eq(setuid(0), -1);
}
END_TEST

START_TEST(test_stay_root_without_caps)
{
	uint32_t	eff[2], prm[2], inh[2];

	need_root();
	ck_assert_int_eq(privdrop(NULL, NULL, 0), 0);
	ck_assert_uint_eq(getuid(), 0);
	caps(eff, prm, inh);
	ck_assert_uint_eq(eff[0] | eff[1] | prm[0] | prm[1], 0);
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 1);
	/* uid 0 without CAP_NET_RAW cannot open a raw socket. */
	ck_assert_int_eq(socket(AF_INET, SOCK_RAW, IPPROTO_ICMP), -1);
	ck_assert_int_eq(errno, EPERM);
}
END_TEST

START_TEST(test_refusals)
{
	static const int	bad[] = { 9999 };

	need_root();
	ck_assert_int_eq(privdrop("no-such-user-jf", NULL, 0), -1);
	ck_assert_int_eq(privdrop("nobody", bad, 1), -1);
	/* Nothing was dropped by the refused calls. */
	ck_assert_uint_eq(getuid(), 0);
	ck_assert_int_eq(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
}
END_TEST

static Suite *
privdrop_suite(void)
{
	Suite	*s = suite_create("privdrop");
	TCase	*tc = tcase_create("root");

	tcase_add_test(tc, test_drop_to_nobody);
	tcase_add_test(tc, test_keep_net_raw);
	tcase_add_test(tc, test_stay_root_without_caps);
	tcase_add_test(tc, test_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(privdrop_suite());
	int	 failed;

	/* Each case changes the process for good: it needs its own fork. */
	srunner_set_fork_status(sr, CK_FORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
