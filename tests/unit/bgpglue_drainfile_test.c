/*
 * bgpglue's DrainFile: absent, present, with an expiry in the future or
 * past, a FIFO (never read: it would block the loop) and garbage.
 */
#include <sys/stat.h>

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bgpglue/drainfile.h"

#define NOW	((time_t)1800000000)

static char	path[64], why[96];

static void
put(const char *s)
{
	FILE	*f = fopen(path, "w");

	ck_assert_ptr_nonnull(f);
	fputs(s, f);
	ck_assert_int_eq(fclose(f), 0);
}

static void
setup(void)
{
	snprintf(path, sizeof(path), "/tmp/jf-drainfile-test.%d",
	    (int)getpid());
	unlink(path);
}

static void
teardown(void)
{
	unlink(path);
}

START_TEST(test_absent)
{
	ck_assert_int_eq(drainfile_read(path, NOW, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "");
}
END_TEST

START_TEST(test_present)
{
	put("");
	ck_assert_int_eq(drainfile_read(path, NOW, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "drain file present");
	put("maintenance by noc\n");
	ck_assert_int_eq(drainfile_read(path, NOW, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "drain file present");
	put("-5\n");
	ck_assert_int_eq(drainfile_read(path, NOW, why, sizeof(why)), 1);
	put("99999999999999999999999999\n");	/* overflow: no expiry */
	ck_assert_int_eq(drainfile_read(path, NOW, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "drain file present");
}
END_TEST

START_TEST(test_expiry)
{
	put(" 1800000001 until the upgrade\n");
	ck_assert_int_eq(drainfile_read(path, NOW, why, sizeof(why)), 1);
	ck_assert_str_eq(why, "drain file until 1800000001");
	put("1800000000\n");
	ck_assert_int_eq(drainfile_read(path, NOW, why, sizeof(why)), 0);
	ck_assert_str_eq(why, "drain file expired at 1800000000");
}
END_TEST

START_TEST(test_fifo_not_read)
{
	ck_assert_int_eq(mkfifo(path, 0600), 0);
	/* Opening a FIFO for reading blocks until a writer comes: not here. */
	alarm(5);
	ck_assert_int_eq(drainfile_read(path, NOW, why, sizeof(why)), 1);
	alarm(0);
	ck_assert_str_eq(why, "drain file present (not a regular file)");
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("bgpglue_drainfile");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_absent);
	tcase_add_test(tc, test_present);
	tcase_add_test(tc, test_expiry);
	tcase_add_test(tc, test_fifo_not_read);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
