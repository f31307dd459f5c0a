/*
 * bgpglue's relay monitor against a fake relay on a temporary Unix
 * socket: "state running" is a success, another state or a late reply a
 * failure, a closed or reset connection is reported at once as the
 * relay's death, and a missing socket is a failure.
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <check.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "log.h"
#include "bgpglue/ctlmon.h"

static struct event_base	*evb;
static struct ctlmon		*mon;
static int			 lfd = -1, cfd = -1;
static char			 path[108];
static int			 n_ok, n_fail, n_dead;
static char			 last_why[160];

static void
mon_cb(void *arg, enum ctlmon_result r, const char *why)
{
	(void)arg;
	snprintf(last_why, sizeof(last_why), "%s", why);
	if (r == CTLMON_OK)
		n_ok++;
	else if (r == CTLMON_FAIL)
		n_fail++;
	else
		n_dead++;
}

static void
relay_listen(void)
{
	struct sockaddr_un	sun;

	unlink(path);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(lfd, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	ck_assert_int_eq(listen(lfd, 4), 0);
}

static void
setup_every(int with_relay, uint32_t interval_ms)
{
	struct ctlmon_cfg	cfg;

	signal(SIGPIPE, SIG_IGN);
	log_init("ctlmon_test", 1, 0);
	snprintf(path, sizeof(path), "/tmp/jf-ctlmon-test.%d.sock",
	    (int)getpid());
	unlink(path);
	if (with_relay)
		relay_listen();
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.path, sizeof(cfg.path), "%s", path);
	cfg.interval_ms = interval_ms;
	cfg.timeout_ms = interval_ms < 100 ? 20 : interval_ms / 2;
	evb = event_base_new();
	mon = ctlmon_new(evb, &cfg, mon_cb, NULL);
	ck_assert_ptr_nonnull(mon);
	n_ok = n_fail = n_dead = 0;
	ctlmon_start(mon);
}

static void
setup(int with_relay)
{
	setup_every(with_relay, 50);
}

static void
teardown(void)
{
	ctlmon_free(mon);
	event_base_free(evb);
	if (cfd != -1)
		close(cfd);
	if (lfd != -1)
		close(lfd);
	cfd = lfd = -1;
	unlink(path);
}

/*
 * Run the loop for ms; the fake relay answers every "status" with reply
 * (NULL: never answers).
 */
static void
run(int ms, const char *reply)
{
	uint64_t	end = clock_mono_ms() + (uint64_t)ms;
	char		buf[256];
	ssize_t		n;

	while (clock_mono_ms() < end) {
		event_base_loop(evb, EVLOOP_NONBLOCK);
		if (cfd == -1 && lfd != -1)
			cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		if (cfd != -1 && (n = read(cfd, buf, sizeof(buf) - 1)) > 0) {
			buf[n] = '\0';
			ck_assert_str_eq(buf, "status\n");
			if (reply != NULL)	/* may be partial if huge */
				ck_assert_int_gt(write(cfd, reply,
				    strlen(reply)), 0);
		}
		usleep(1000);
	}
}

START_TEST(test_running)
{
	setup(1);
	run(200, "daemon relay4to6\npid 4242\nstate running\nuptime_s 3\nok\n");
	ck_assert_int_ge(n_ok, 2);
	ck_assert_int_eq(n_fail, 0);
	ck_assert_int_eq(n_dead, 0);
	ck_assert_int_eq(ctlmon_info(mon)->pid, 4242);
	ck_assert_str_eq(ctlmon_info(mon)->state, "running");
	teardown();
}
END_TEST

START_TEST(test_not_running)
{
	setup(1);
	run(200, "daemon relay4to6\nstate starting\nok\n");
	ck_assert_int_eq(n_ok, 0);
	ck_assert_int_ge(n_fail, 2);
	ck_assert_str_eq(last_why, "relay state starting");
	teardown();
}
END_TEST

START_TEST(test_silent_relay)
{
	setup(1);
	run(200, NULL);		/* a stopped relay: connected, silent */
	ck_assert_int_eq(n_ok, 0);
	ck_assert_int_ge(n_fail, 2);
	ck_assert_int_eq(n_dead, 0);
	ck_assert_uint_ge(ctlmon_info(mon)->timeouts, 1);
	teardown();
}
END_TEST

/*
 * The relay exits: EOF.  The poll interval is 60 s, so a death reported
 * within the loop below was an event, not found by the next poll (however
 * slow a loaded machine runs the loop).
 */
START_TEST(test_death_is_an_event)
{
	uint64_t	t0;

	setup_every(1, 60000);
	run(120, "state running\nok\n");
	ck_assert_int_eq(n_ok, 1);
	t0 = clock_mono_ms();
	close(cfd);
	cfd = -1;
	close(lfd);
	lfd = -1;
	unlink(path);
	while (n_dead == 0 && clock_mono_ms() - t0 < 10000)
		run(1, NULL);
	ck_assert_int_eq(n_dead, 1);
	ck_assert_str_eq(last_why, "relay control socket closed (relay exited)");
	teardown();
}
END_TEST

START_TEST(test_death_then_no_socket)
{
	setup(1);
	run(120, "state running\nok\n");
	ck_assert_int_ge(n_ok, 1);
	close(cfd);
	cfd = -1;
	close(lfd);
	lfd = -1;
	unlink(path);
	run(150, NULL);
	/* One death, then it cannot connect: failures, not more deaths. */
	ck_assert_int_eq(n_dead, 1);
	ck_assert(strstr(last_why, "relay control socket") != NULL);
	teardown();
}
END_TEST

/*
 * The relay dies with our "status" unread in its socket: the kernel
 * resets the connection (ECONNRESET, not EOF).  That is the relay going
 * away too, and must read the same as a clean close.
 */
START_TEST(test_reset_is_death)
{
	uint64_t	t0;
	int		unread = 0;

	setup_every(1, 200);
	t0 = clock_mono_ms();
	while (unread == 0 && clock_mono_ms() - t0 < 10000) {
		event_base_loop(evb, EVLOOP_NONBLOCK);
		if (cfd == -1)
			cfd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK);
		if (cfd != -1)
			ck_assert_int_eq(ioctl(cfd, FIONREAD, &unread), 0);
		usleep(1000);
	}
	ck_assert_int_gt(unread, 0);
	close(cfd);		/* "status\n" still queued: a reset */
	cfd = -1;
	t0 = clock_mono_ms();
	while (n_dead == 0 && clock_mono_ms() - t0 < 10000)
		run(1, NULL);
	ck_assert_int_eq(n_dead, 1);
	ck_assert_str_eq(last_why, "relay control socket closed (relay exited)");
	teardown();
}
END_TEST

START_TEST(test_garbage_reply)
{
	static char	big[70000];

	setup(1);
	memset(big, 'x', sizeof(big) - 1);
	run(100, big);		/* no newline, far too long */
	ck_assert_int_eq(n_ok, 0);
	ck_assert_int_ge(n_fail, 1);
	teardown();
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("bgpglue_ctlmon");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 nf;

	tcase_add_test(tc, test_running);
	tcase_add_test(tc, test_not_running);
	tcase_add_test(tc, test_silent_relay);
	tcase_add_test(tc, test_death_is_an_event);
	tcase_add_test(tc, test_death_then_no_socket);
	tcase_add_test(tc, test_reset_is_death);
	tcase_add_test(tc, test_garbage_reply);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
