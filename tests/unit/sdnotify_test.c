/*
 * sd_notify without libsystemd: a real AF_UNIX datagram socket stands in
 * for systemd and must receive exactly what a unit with Type=notify and
 * WatchdogSec= expects: READY=1, STATUS=, STOPPING=1, periodic WATCHDOG=1.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>
#include <event2/event.h>

#include "daemon.h"
#include "sdnotify.h"

static char	path[64];
static int	sock = -1;

static void
setup(void)
{
	struct sockaddr_un	sun;

	snprintf(path, sizeof(path), "/tmp/sdnotify_test.%ld", (long)getpid());
	unlink(path);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path, path, strlen(path) + 1);
	ck_assert_int_ne(sock = socket(AF_UNIX, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(bind(sock, (struct sockaddr *)&sun, sizeof(sun)), 0);
	setenv("NOTIFY_SOCKET", path, 1);
	unsetenv("WATCHDOG_USEC");
	unsetenv("WATCHDOG_PID");
}

static void
teardown(void)
{
	close(sock);
	unlink(path);
}

/* Next datagram within 2 s, NUL-terminated; "" if none came. */
static const char *
recv_msg(int timeout_ms)
{
	static char	buf[1024];
	struct pollfd	pfd = { .fd = sock, .events = POLLIN };
	ssize_t		n;

	buf[0] = '\0';
	if (poll(&pfd, 1, timeout_ms) != 1)
		return buf;
	if ((n = recv(sock, buf, sizeof(buf) - 1, 0)) < 0)
		n = 0;
	buf[n] = '\0';
	return buf;
}

START_TEST(test_ready_status_stopping)
{
	ck_assert_int_eq(sdnotify_ready(), 0);
	ck_assert_str_eq(recv_msg(2000), "READY=1");
	ck_assert_int_eq(sdnotify_status("draining 3 peers"), 0);
	ck_assert_str_eq(recv_msg(2000), "STATUS=draining 3 peers");
	ck_assert_int_eq(sdnotify_stopping(), 0);
	ck_assert_str_eq(recv_msg(2000), "STOPPING=1");
	ck_assert_str_eq(recv_msg(0), "");
}
END_TEST

START_TEST(test_abstract_socket)
{
	struct sockaddr_un	sun;
	char			name[64];
	socklen_t		len;
	int			s;

	/* "@name" means the abstract namespace: leading NUL, no path. */
	snprintf(name, sizeof(name), "@jf-sdnotify-test-%ld", (long)getpid());
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	memcpy(sun.sun_path + 1, name + 1, strlen(name) - 1);
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) +
	    strlen(name));
	ck_assert_int_ne(s = socket(AF_UNIX, SOCK_DGRAM, 0), -1);
	ck_assert_int_eq(bind(s, (struct sockaddr *)&sun, len), 0);
	setenv("NOTIFY_SOCKET", name, 1);
	ck_assert_int_eq(sdnotify_ready(), 0);
	close(sock);
	sock = s;
	ck_assert_str_eq(recv_msg(2000), "READY=1");
}
END_TEST

START_TEST(test_unset_is_noop)
{
	unsetenv("NOTIFY_SOCKET");
	ck_assert_int_eq(sdnotify_ready(), 0);
	ck_assert_int_eq(sdnotify_stopping(), 0);
	ck_assert_str_eq(recv_msg(100), "");
	setenv("NOTIFY_SOCKET", "relative/path", 1);
	ck_assert_int_eq(sdnotify_ready(), -1);
	ck_assert_int_eq(errno, EINVAL);
	/* A socket that is gone is an error the caller can log. */
	setenv("NOTIFY_SOCKET", "/nonexistent/notify", 1);
	ck_assert_int_eq(sdnotify_ready(), -1);
}
END_TEST

static void
stop_cb(evutil_socket_t fd, short what, void *arg)
{
	(void)fd;
	(void)what;
	event_base_loopexit(arg, NULL);
}

START_TEST(test_watchdog_timer)
{
	struct event_base		*base;
	struct sdnotify_watchdog	*wd;
	struct event			*stop;
	struct timeval			 tv = { 0, 350 * 1000 };
	int				 pings = 0;
	char				 pid[32];

	ck_assert_ptr_nonnull(base = event_base_new());
	/* No WATCHDOG_USEC: nothing to do. */
	ck_assert_ptr_null(sdnotify_watchdog_start(base));
	/* A watchdog meant for another process is not ours. */
	setenv("WATCHDOG_USEC", "200000", 1);
	setenv("WATCHDOG_PID", "1", 1);
	ck_assert_uint_eq(sdnotify_watchdog_usec(), 0);
	ck_assert_ptr_null(sdnotify_watchdog_start(base));
	snprintf(pid, sizeof(pid), "%ld", (long)getpid());
	setenv("WATCHDOG_PID", pid, 1);
	ck_assert_uint_eq(sdnotify_watchdog_usec(), 200000);
	/* 200 ms: a ping at start, then every 100 ms. */
	ck_assert_ptr_nonnull(wd = sdnotify_watchdog_start(base));
	stop = evtimer_new(base, stop_cb, base);
	evtimer_add(stop, &tv);
	event_base_dispatch(base);
	while (strcmp(recv_msg(0), "WATCHDOG=1") == 0)
		pings++;
	ck_assert_int_ge(pings, 3);
	ck_assert_int_le(pings, 5);
	sdnotify_watchdog_stop(wd);
	event_free(stop);
	event_base_free(base);
}
END_TEST

START_TEST(test_daemon_ready)
{
	struct daemon_opts	o;
	struct daemon		d;

	memset(&o, 0, sizeof(o));
	o.foreground = 1;
	daemon_init(&d, "sdnotify_test", &o);
	ck_assert_str_eq(d.state, "starting");
	daemon_ready(&d);
	ck_assert_str_eq(d.state, "running");
	ck_assert_str_eq(recv_msg(2000), "READY=1\nSTATUS=running");
	daemon_set_state(&d, "draining");
	ck_assert_str_eq(recv_msg(2000), "STATUS=draining");
	daemon_stop(&d);
	ck_assert_int_eq(daemon_run(&d), 0);
	ck_assert_str_eq(recv_msg(2000), "STOPPING=1");
	daemon_fini(&d);
}
END_TEST

static Suite *
sdnotify_suite(void)
{
	Suite	*s = suite_create("sdnotify");
	TCase	*tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ready_status_stopping);
	tcase_add_test(tc, test_abstract_socket);
	tcase_add_test(tc, test_unset_is_noop);
	tcase_add_test(tc, test_watchdog_timer);
	tcase_add_test(tc, test_daemon_ready);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(sdnotify_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
