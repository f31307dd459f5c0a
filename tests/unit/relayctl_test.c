/*
 * relayctl formatting: replies as daemons send them go in, the exact text
 * people see comes out.  Also the socket path rules and argv joining.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "relayctl/relayctl.h"

static char	*outbuf, *errbuf;

/* Returns relayctl_format's code; output and error text in the globals. */
static int
format(const char *reply, int raw)
{
	size_t	olen, elen;
	FILE	*out, *err;
	int	 rc;

	free(outbuf);
	free(errbuf);
	out = open_memstream(&outbuf, &olen);
	err = open_memstream(&errbuf, &elen);
	ck_assert_ptr_nonnull(out);
	ck_assert_ptr_nonnull(err);
	rc = relayctl_format(out, err, reply, raw);
	fclose(out);
	fclose(err);
	return rc;
}

START_TEST(test_status_two_columns)
{
	ck_assert_int_eq(format("daemon relay4to6\npid 4242\nstate running\n"
	    "uptime_s 17\nok\n", 0), 0);
	ck_assert_str_eq(outbuf,
	    "daemon    relay4to6\n"
	    "pid       4242\n"
	    "state     running\n"
	    "uptime_s  17\n");
	ck_assert_str_eq(errbuf, "");
}
END_TEST

START_TEST(test_stats_numbers_right_aligned)
{
	ck_assert_int_eq(format("forwarded 1234567\ndrop_ttl 0\n"
	    "drop_src_v4_mismatch 42\nok\n", 0), 0);
	ck_assert_str_eq(outbuf,
	    "forwarded             1234567\n"
	    "drop_ttl                    0\n"
	    "drop_src_v4_mismatch       42\n");
}
END_TEST

START_TEST(test_rows_table)
{
	ck_assert_int_eq(format(
	    "peer=2001:0:c000:201::1 state=up rx=10 tx=2000\n"
	    "peer=2001:db8::2 state=probing rx=7 since=12:00\n"
	    "peers 2\nok\n", 0), 0);
	ck_assert_str_eq(outbuf,
	    "peer                state    rx    tx  since\n"
	    "2001:0:c000:201::1  up       10  2000  -\n"
	    "2001:db8::2         probing   7     -  12:00\n"
	    "peers  2\n");
}
END_TEST

START_TEST(test_error_reply)
{
	ck_assert_int_eq(format("partial 1\nerror no such peer\n", 0), 1);
	ck_assert_str_eq(outbuf, "partial  1\n");
	ck_assert_str_eq(errbuf, "relayctl: error no such peer\n");
	ck_assert_int_eq(format("error\n", 0), 1);
	ck_assert_str_eq(outbuf, "");
	ck_assert_str_eq(errbuf, "relayctl: error\n");
	/* "errors 5" is a counter, not an error line. */
	ck_assert_int_eq(format("errors 5\n", 0), -1);
	ck_assert_int_eq(format("", 0), -1);
	ck_assert_int_eq(format("stats 1\nok", 0), -1);
	ck_assert_int_eq(format("ok\n", 0), 0);
	ck_assert_str_eq(outbuf, "");
}
END_TEST

START_TEST(test_raw)
{
	static const char reply[] = "peer=a rx=1\nfoo bar\nok\n";

	ck_assert_int_eq(format(reply, 1), 0);
	ck_assert_str_eq(outbuf, reply);
	ck_assert_int_eq(format("x 1\nerror bad\n", 1), 1);
	ck_assert_str_eq(outbuf, "x 1\nerror bad\n");
}
END_TEST

START_TEST(test_key_without_value_and_lone_words)
{
	ck_assert_int_eq(format("draining\nk v w\nok\n", 0), 0);
	ck_assert_str_eq(outbuf, "draining\nk         v w\n");
	ck_assert_int_eq(format("a=1 flag\na=22\nok\n", 0), 0);
	ck_assert_str_eq(outbuf, " a  flag\n 1  \n22  -\n");
}
END_TEST

START_TEST(test_socket_path)
{
	char	dir[] = "/tmp/relayctl_test.XXXXXX", path[256], why[256];
	char	f[300];
	int	fd;

	ck_assert_int_eq(relayctl_socket_path("/x/y.sock", "/run/jf", path,
	    sizeof(path), why, sizeof(why)), 0);
	ck_assert_str_eq(path, "/x/y.sock");
	ck_assert_int_eq(relayctl_socket_path("teredod", "/run/jf", path,
	    sizeof(path), why, sizeof(why)), 0);
	ck_assert_str_eq(path, "/run/jf/teredod.sock");
	ck_assert_int_eq(relayctl_socket_path("teredod", "/run/jf", path, 10,
	    why, sizeof(why)), -1);

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(relayctl_socket_path(NULL, dir, path, sizeof(path),
	    why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "no daemon found"));
	snprintf(f, sizeof(f), "%s/relay4to6.sock", dir);
	ck_assert_int_ne(fd = open(f, O_CREAT | O_WRONLY, 0600), -1);
	close(fd);
	snprintf(f, sizeof(f), "%s/notes.txt", dir);
	ck_assert_int_ne(fd = open(f, O_CREAT | O_WRONLY, 0600), -1);
	close(fd);
	ck_assert_int_eq(relayctl_socket_path(NULL, dir, path, sizeof(path),
	    why, sizeof(why)), 0);
	snprintf(f, sizeof(f), "%s/relay4to6.sock", dir);
	ck_assert_str_eq(path, f);
	snprintf(f, sizeof(f), "%s/teredod.sock", dir);
	ck_assert_int_ne(fd = open(f, O_CREAT | O_WRONLY, 0600), -1);
	close(fd);
	ck_assert_int_eq(relayctl_socket_path(NULL, dir, path, sizeof(path),
	    why, sizeof(why)), -1);
	ck_assert_ptr_nonnull(strstr(why, "several daemons"));
	unlink(f);
	snprintf(f, sizeof(f), "%s/relay4to6.sock", dir);
	unlink(f);
	snprintf(f, sizeof(f), "%s/notes.txt", dir);
	unlink(f);
	rmdir(dir);
}
END_TEST

START_TEST(test_join)
{
	char	*argv[] = { "peer", "2001:db8::1", NULL };
	char	 line[32];

	ck_assert_int_eq(relayctl_join(2, argv, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "peer 2001:db8::1");
	ck_assert_int_eq(relayctl_join(2, argv, line, 16), -1);
	ck_assert_int_eq(relayctl_join(2, argv, line, 17), 0);
	ck_assert_int_eq(relayctl_join(1, argv, line, 5), 0);
	ck_assert_str_eq(line, "peer");
}
END_TEST

static Suite *
relayctl_suite(void)
{
	Suite	*s = suite_create("relayctl");
	TCase	*tc = tcase_create("format");

	tcase_add_test(tc, test_status_two_columns);
	tcase_add_test(tc, test_stats_numbers_right_aligned);
	tcase_add_test(tc, test_rows_table);
	tcase_add_test(tc, test_error_reply);
	tcase_add_test(tc, test_raw);
	tcase_add_test(tc, test_key_without_value_and_lone_words);
	tcase_add_test(tc, test_socket_path);
	tcase_add_test(tc, test_join);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(relayctl_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
