/*
 * relayctl formatting: replies as daemons send them go in, the exact text
 * people see comes out.  Also the socket path rules and argv joining.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <libgen.h>
#include <limits.h>
#include <signal.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "counters.h"
#include "ctl.h"
#include "daemon.h"
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


/*
 * End to end: the relayctl binary ($BUILD/relayctl, found next to this
 * test's own $BUILD/tests/unit/) against a real daemon's control socket.
 */
static const char *const e2e_names[] = { "forwarded", "drop_ttl" };

static int
e2e_peers(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	(void)arg;
	(void)argv;
	if (argc > 1) {
		ctl_reply_error(r, "usage: peers");
		return -1;
	}
	ctl_reply_printf(r, "peer=2001:db8::1 rx=5");
	ctl_reply_printf(r, "peer=2001:db8::22 rx=1234");
	return 0;
}

static const struct ctl_command e2e_cmds[] = {
	{ "peers", e2e_peers, "peer table" },
	{ NULL, NULL, NULL }
};

static pid_t
e2e_server(const char *path)
{
	struct daemon_opts	o;
	struct daemon		d;
	struct counters		c;
	int			p[2];
	pid_t			pid;
	char			x;

	ck_assert_int_eq(pipe(p), 0);
	if ((pid = fork()) != 0) {
		close(p[1]);
		ck_assert_int_eq(read(p[0], &x, 1), 1);
		close(p[0]);
		return pid;
	}
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	memset(&o, 0, sizeof(o));
	o.foreground = 1;
	daemon_init(&d, "e2e", &o);
	counters_init(&c, e2e_names, 2);
	counters_add(&c, 0, 123456);
	counters_add(&c, 1, 7);
	if (daemon_ctl_open(&d, path, &c, NULL, NULL, e2e_cmds, NULL) == -1)
		_exit(2);
	daemon_ready(&d);
	if (write(p[1], "r", 1) != 1)
		_exit(3);
	daemon_run(&d);
	daemon_fini(&d);
	_exit(0);
}

/* 1: e2e_run captures stderr too (after stdout in the same pipe). */
static int	e2e_stderr;

/* Run relayctl with args; stdout into out, exit code returned. */
static int
e2e_run(char *const args[], char *out, size_t len)
{
	char	exe[PATH_MAX], bin[PATH_MAX + 32];
	int	p[2], status;
	ssize_t	n;
	size_t	off = 0;
	pid_t	pid;

	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ck_assert_int_gt(n, 0);
	exe[n] = '\0';
	snprintf(bin, sizeof(bin), "%s/../../relayctl", dirname(exe));
	ck_assert_msg(access(bin, X_OK) == 0, "%s not built", bin);
	ck_assert_int_eq(pipe(p), 0);
	if ((pid = fork()) == 0) {
		dup2(p[1], 1);
		if (e2e_stderr)
			dup2(p[1], 2);
		close(p[0]);
		execv(bin, args);
		_exit(127);
	}
	close(p[1]);
	while (off + 1 < len && (n = read(p[0], out + off, len - off - 1)) > 0)
		off += (size_t)n;
	out[off] = '\0';
	close(p[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status));
	return WEXITSTATUS(status);
}

START_TEST(test_end_to_end)
{
	char	path[64], out[4096];
	pid_t	srv;
	int	status;

	snprintf(path, sizeof(path), "/tmp/relayctl_test.%ld.sock",
	    (long)getpid());
	srv = e2e_server(path);
	{
		char *const a[] = { "relayctl", "-s", path, "stats", NULL };
		ck_assert_int_eq(e2e_run(a, out, sizeof(out)), 0);
		ck_assert_str_eq(out, "forwarded  123456\ndrop_ttl        7\n");
	}
	{
		char *const a[] = { "relayctl", "-r", "-s", path, "peers",
		    NULL };
		ck_assert_int_eq(e2e_run(a, out, sizeof(out)), 0);
		ck_assert_str_eq(out, "peer=2001:db8::1 rx=5\n"
		    "peer=2001:db8::22 rx=1234\nok\n");
	}
	{
		char *const a[] = { "relayctl", "-s", path, "peers", NULL };
		ck_assert_int_eq(e2e_run(a, out, sizeof(out)), 0);
		ck_assert_str_eq(out, "peer            rx\n"
		    "2001:db8::1      5\n2001:db8::22  1234\n");
	}
	{
		char *const a[] = { "relayctl", "-s", path, "peers", "x",
		    NULL };
		ck_assert_int_eq(e2e_run(a, out, sizeof(out)), 1);
		ck_assert_str_eq(out, "");
	}
	{
		char *const a[] = { "relayctl", "-s", path, "status", NULL };
		ck_assert_int_eq(e2e_run(a, out, sizeof(out)), 0);
		ck_assert_ptr_nonnull(strstr(out, "daemon    e2e\n"));
		ck_assert_ptr_nonnull(strstr(out, "state     running\n"));
		ck_assert_ptr_nonnull(strstr(out, "drops     7\n"));
	}
	{
		/*
		 * A full control socket (16 fresh clients: none idle long
		 * enough to evict): relayctl prints the daemon's reason,
		 * whether the refusal closed the connection before or after
		 * it sent its command, never "Broken pipe".
		 */
		char *const a[] = { "relayctl", "-s", path, "status", NULL };
		char	buf[256];
		int	fds[CTL_CLIENTS_MAX], i;

		for (i = 0; i < CTL_CLIENTS_MAX; i++) {
			ck_assert_int_ne(fds[i] = ctl_client_connect(path), -1);
			ck_assert_int_eq(ctl_client_call(fds[i], "stats", buf,
			    sizeof(buf), 5000), 0);
		}
		e2e_stderr = 1;
		for (i = 0; i < 20; i++) {
			ck_assert_int_eq(e2e_run(a, out, sizeof(out)), 1);
			ck_assert_str_eq(out, "relayctl: error too many clients\n");
		}
		e2e_stderr = 0;
		for (i = 0; i < CTL_CLIENTS_MAX; i++)
			close(fds[i]);
	}
	kill(srv, SIGTERM);
	ck_assert_int_eq(waitpid(srv, &status, 0), srv);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	{
		/* The daemon is gone: relayctl says so and fails. */
		char *const a[] = { "relayctl", "-s", path, "status", NULL };
		ck_assert_int_eq(e2e_run(a, out, sizeof(out)), 1);
	}
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
	tc = tcase_create("end_to_end");
	tcase_add_test(tc, test_end_to_end);
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
