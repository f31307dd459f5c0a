/*
 * teredod's control commands (teredod/control.c) on the real control
 * server (common/ctl.c, behind common/daemon.c as in teredod), with a
 * large peer table: a child process runs
 * the event loop with TD_CTL_PEERS trusted peers and a 5 ms timer; the
 * test talks to it like relayctl.  "peers N" streams its rows: the whole
 * table comes out complete while the server's memory stays bounded and
 * its timer keeps firing (the loop is not stalled); argument parsing
 * refuses what is not a plain count.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "clock.h"
#include "ctl.h"
#include "daemon.h"
#include "teredo.h"
#include "teredod/control.h"
#include "teredod/relay.h"

#define TD_CTL_PEERS	400000
#define TD_CTL_TICK_MS	5

static char		 sockpath[64];
static pid_t		 server_pid;
static unsigned long	 ticks;			/* in the server */
static struct ctl_server *server_ctl;		/* in the server */

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	(void)arg;
	ticks++;
}

/* "ticks": timer firings so far and replies being streamed. */
static int
ticks_cmd(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct ctl_stats	st;

	(void)arg;
	(void)argc;
	(void)argv;
	ctl_server_stats(server_ctl, &st);
	ctl_reply_printf(r, "ticks %lu streams %zu", ticks, st.streams);
	return 0;
}

static void
addr_of(uint32_t i, struct in6_addr *a)
{
	struct teredo_addr	t;

	t.server.s_addr = htonl(0xcb00710au);
	t.flags = (uint16_t)(i * 2654435761u >> 20);
	t.port = (uint16_t)(1024 + (i & 0x7fff));
	t.client.s_addr = htonl(0xc6336400u + (i >> 15));
	teredo_addr_encode(&t, a);
}

static void
server_main(int readyfd)
{
	struct peers_limits	 l = { TD_CTL_PEERS, 16, 4096, 100, 100, 64 };
	struct siphash_key	 k = { 0x0123, 0x4567 };
	static struct ctl_command cmds[8];
	struct daemon_opts	 o;
	struct daemon		 d;
	struct event		*tick;
	struct relay		*r;
	struct in6_addr		 a;
	struct peer		*p;
	struct timeval		 tv = { 0, TD_CTL_TICK_MS * 1000 };
	uint64_t		 now = clock_mono_ms();
	uint32_t		 i;
	size_t			 n;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    peers_init(&r->peers, &l, &k, now) == -1)
		_exit(2);
	for (i = 0; i < TD_CTL_PEERS; i++) {
		addr_of(i, &a);
		if ((p = peers_create(&r->peers, &a, PEER_TRUSTED, now)) ==
		    NULL)
			_exit(3);
		peer_trust(&r->peers, p, htonl(0xc0000200u + i), 40000, now);
	}
	for (n = 0; td_ctl_commands[n].name != NULL; n++)
		cmds[n] = td_ctl_commands[n];
	cmds[n++] = (struct ctl_command){ "ticks", ticks_cmd, "" };
	cmds[n] = (struct ctl_command){ NULL, NULL, NULL };
	/* Wired as teredod/main.c does: the commands behind daemon.c's. */
	memset(&o, 0, sizeof(o));
	o.foreground = 1;
	daemon_init(&d, "teredo_ctl_test", &o);
	tick = event_new(d.base, -1, EV_PERSIST, tick_cb, NULL);
	if (tick == NULL || event_add(tick, &tv) == -1 ||
	    daemon_ctl_open(&d, sockpath, NULL, NULL, NULL, cmds, r) == -1)
		_exit(4);
	server_ctl = d.ctl;
	daemon_ready(&d);
	if (write(readyfd, "r", 1) != 1)
		_exit(5);
	close(readyfd);
	daemon_run(&d);
	_exit(0);
}

static void
setup(void)
{
	int	p[2];
	char	c;

	snprintf(sockpath, sizeof(sockpath), "/tmp/teredo_ctl_test.%ld.sock",
	    (long)getpid());
	ck_assert_int_eq(pipe(p), 0);
	server_pid = fork();
	ck_assert_int_ne(server_pid, -1);
	if (server_pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		server_main(p[1]);
	}
	close(p[1]);
	ck_assert_msg(read(p[0], &c, 1) == 1, "server did not start");
	close(p[0]);
}

static void
teardown(void)
{
	kill(server_pid, SIGKILL);
	waitpid(server_pid, NULL, 0);
	unlink(sockpath);
}

/* The server's resident memory in KiB, from /proc. */
static long
server_rss_kib(void)
{
	char	path[64], line[256];
	long	kib = -1;
	FILE	*f;

	snprintf(path, sizeof(path), "/proc/%ld/status", (long)server_pid);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, "VmRSS:", 6) == 0)
			kib = atol(line + 6);
	fclose(f);
	ck_assert_int_gt(kib, 0);
	return kib;
}

static void
ask_ticks(int fd, unsigned long *t, unsigned long *streams)
{
	char	buf[256];

	ck_assert_int_eq(ctl_client_call(fd, "ticks", buf, sizeof(buf), 10000),
	    0);
	ck_assert_int_eq(sscanf(buf, "ticks %lu streams %lu", t, streams), 2);
}

/* Read one reply to its final line; count the rows and check them. */
static size_t
read_rows(int fd, char *last, size_t lastlen, int tickfd,
    unsigned long *tick_advances, long *rss_max)
{
	static char	buf[256 * 1024];
	size_t		len = 0, rows = 0, since_check = 0;
	unsigned long	t0 = 0, t, streams;
	char		*line, *nl;
	ssize_t		n;

	if (tickfd != -1)
		ask_ticks(tickfd, &t0, &streams);
	for (;;) {
		n = read(fd, buf + len, sizeof(buf) - len - 1);
		ck_assert_int_gt(n, 0);
		len += (size_t)n;
		since_check += (size_t)n;
		buf[len] = '\0';
		line = buf;
		while ((nl = strchr(line, '\n')) != NULL) {
			*nl = '\0';
			if (strncmp(line, "peer=", 5) != 0) {
				snprintf(last, lastlen, "%.100s", line);
				if (strcmp(line, "ok") == 0 ||
				    strncmp(line, "error", 5) == 0)
					return rows;
			} else {
				ck_assert_ptr_nonnull(strstr(line,
				    " state=trusted mapped="));
				rows++;
			}
			line = nl + 1;
		}
		len -= (size_t)(line - buf);
		memmove(buf, line, len);
		/*
		 * Every MB read: has the server's timer fired since the last
		 * look, while this reply was still being produced?
		 */
		if (tickfd != -1 && since_check >= 1024 * 1024) {
			since_check = 0;
			ask_ticks(tickfd, &t, &streams);
			if (t > t0 && streams == 1)
				(*tick_advances)++;
			t0 = t;
			if (server_rss_kib() > *rss_max)
				*rss_max = server_rss_kib();
		}
	}
}

START_TEST(test_all_peers_streamed_bounded)
{
	char		last[128];
	unsigned long	advances = 0;
	long		rss0, rss_max;
	size_t		rows;
	int		fd, tickfd;

	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_ne(tickfd = ctl_client_connect(sockpath), -1);
	rss_max = rss0 = server_rss_kib();
	/* ~60 MB of rows: built at once, far past every bound. */
	ck_assert_int_eq(write(fd, "peers 4294967295\n", 17), 17);
	rows = read_rows(fd, last, sizeof(last), tickfd, &advances, &rss_max);
	ck_assert_str_eq(last, "ok");
	ck_assert_uint_eq(rows, TD_CTL_PEERS);
	/* Held for the client: the high-water mark, not the reply. */
	ck_assert_msg(rss_max - rss0 < 8 * 1024,
	    "server grew by %ld KiB while streaming", rss_max - rss0);
	/*
	 * The loop was not stalled: its 5 ms timer fired between reads while
	 * the reply was still being produced.  (Reading 60 MB takes far more
	 * than 5 ms, even unloaded; a loop stuck building the reply would
	 * show no tick between the looks.)
	 */
	ck_assert_uint_ge(advances, 2);
	close(fd);
	close(tickfd);
}
END_TEST

START_TEST(test_peers_100000)
{
	char	last[128];
	size_t	rows;
	int	fd;

	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(write(fd, "peers 100000\n", 13), 13);
	rows = read_rows(fd, last, sizeof(last), -1, NULL, NULL);
	ck_assert_str_eq(last, "ok");
	ck_assert_uint_eq(rows, 100000);
	/* The line before "ok" said the listing stopped at N. */
	ck_assert_int_eq(write(fd, "peers 3\n", 8), 8);
	rows = read_rows(fd, last, sizeof(last), -1, NULL, NULL);
	ck_assert_uint_eq(rows, 3);
	ck_assert_str_eq(last, "ok");
	close(fd);
}
END_TEST

START_TEST(test_peers_arguments)
{
	static const char *const bad[] = {
		"peers -1", "peers x", "peers 4294967296", "peers 1 2",
		"peers 0x10", "peers 18446744073709551617", "peers 5x",
	};
	char	buf[64 * 1024];
	size_t	i;
	int	fd;

	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(ctl_client_call(fd, bad[i], buf, sizeof(buf),
		    10000) == 1, "%s accepted", bad[i]);
		ck_assert_str_eq(buf,
		    "error usage: peers [N] (N from 0 to 4294967295)\n");
	}
	ck_assert_int_eq(ctl_client_call(fd, "peers 0", buf, sizeof(buf),
	    10000), 0);
	ck_assert_str_eq(buf, "truncated=1 shown=0\nok\n");
	ck_assert_int_eq(ctl_client_call(fd, "peer ::1", buf, sizeof(buf),
	    10000), 1);
	ck_assert_str_eq(buf, "error no such peer\n");
	close(fd);
}
END_TEST

START_TEST(test_parse_rows)
{
	char		*a1[] = { "peers", NULL };
	char		*a2[] = { "peers", "4294967295", NULL };
	char		*a3[] = { "peers", "", NULL };
	unsigned long	 max;

	ck_assert_int_eq(td_ctl_parse_rows(1, a1, &max), 0);
	ck_assert_uint_eq(max, 1000);
	ck_assert_int_eq(td_ctl_parse_rows(2, a2, &max), 0);
	ck_assert_uint_eq(max, 4294967295ul);
	ck_assert_int_eq(td_ctl_parse_rows(2, a3, &max), -1);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("teredo_ctl");
	TCase	*tc = tcase_create("server");
	TCase	*tc2 = tcase_create("parse");
	SRunner	*sr;
	int	 failed;

	signal(SIGPIPE, SIG_IGN);
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_all_peers_streamed_bounded);
	tcase_add_test(tc, test_peers_100000);
	tcase_add_test(tc, test_peers_arguments);
	suite_add_tcase(s, tc);
	tcase_add_test(tc2, test_parse_rows);
	suite_add_tcase(s, tc2);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
