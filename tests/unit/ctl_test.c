/*
 * Control socket: a real daemon (daemon.c + ctl.c) runs its libevent loop
 * in a child process on a temporary socket; the test talks to it as
 * relayctl and bgpglue do.  Covers status/stats, daemon commands with
 * arguments, error replies, pipelining, the bounds (line length, client
 * count, unread replies, streamed replies, idle and non-reading clients,
 * eviction when full) and a clean stop on SIGTERM.  The "limits" command
 * shortens the server's timeouts at run time, "ctlstats" shows what the
 * server holds.
 */
#include <sys/types.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "counters.h"
#include "ctl.h"
#include "daemon.h"

#define T_COUNTERS(X) \
	X(T_FORWARDED, "forwarded") \
	X(T_DROP_A, "drop_a") \
	X(T_DROP_B, "drop_b")
enum t_counter { T_COUNTERS(COUNTER_ENUM) T_NCOUNTERS };
static const char *const t_names[] = { T_COUNTERS(COUNTER_NAME) };

static char	sockdir[48];
static char	sockpath[64];
static pid_t	server_pid;
static struct daemon *server_daemon;	/* in the server process */

static void
t_status(void *arg, struct ctl_reply *r)
{
	ctl_reply_printf(r, "peers %d", *(int *)arg);
}

static int
t_echo(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	int	i;

	ck_assert_int_eq(*(int *)arg, 7);
	ctl_reply_printf(r, "argc %d", argc);
	for (i = 1; i < argc; i++)
		ctl_reply_printf(r, "arg%d %s", i, argv[i]);
	return 0;
}

static int
t_fail(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	(void)arg;
	(void)argc;
	(void)argv;
	ctl_reply_printf(r, "partial 1");
	ctl_reply_error(r, "no such peer");
	return -1;
}

static int
t_silentfail(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	(void)arg;
	(void)argc;
	(void)argv;
	(void)r;
	return -1;
}

static int
t_forge(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	(void)arg;
	(void)argc;
	(void)argv;
	ctl_reply_printf(r, "name evil\nok");
	return 0;
}

static int
t_big(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	int	i;

	(void)arg;
	(void)argc;
	(void)argv;
	for (i = 0; i < 1000; i++)	/* ~100 KB */
		ctl_reply_printf(r, "row%04d %090d", i, i);
	return 0;
}

/* Rows of about 100 bytes, numbered, produced as the client reads. */
struct t_stream {
	unsigned long	next, n;
	unsigned long	steps;
};

static int
t_stream_step(void *state, struct ctl_reply *r)
{
	struct t_stream	*st = state;

	st->steps++;
	while (st->next < st->n && !ctl_reply_full(r)) {
		ctl_reply_printf(r, "row%06lu %088lu", st->next, st->next);
		st->next++;
	}
	return st->next < st->n;
}

static int
t_stream(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct t_stream	*st;

	(void)arg;
	if (argc != 2 || (st = calloc(1, sizeof(*st))) == NULL) {
		ctl_reply_error(r, "usage: stream N");
		return -1;
	}
	st->n = strtoul(argv[1], NULL, 10);
	ctl_reply_stream(r, t_stream_step, st, free);
	return 0;
}

static int
t_limits(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct ctl_limits	l;

	(void)arg;
	if (argc != 4) {
		ctl_reply_error(r, "usage: limits IDLE WRITE EVICT");
		return -1;
	}
	l.idle_ms = (unsigned)strtoul(argv[1], NULL, 10);
	l.write_ms = (unsigned)strtoul(argv[2], NULL, 10);
	l.evict_ms = (unsigned)strtoul(argv[3], NULL, 10);
	ctl_server_set_limits(server_daemon->ctl, &l);
	return 0;
}

static int
t_ctlstats(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct ctl_stats	st;

	(void)arg;
	(void)argc;
	(void)argv;
	ctl_server_stats(server_daemon->ctl, &st);
	ctl_reply_printf(r, "clients %zu", st.clients);
	ctl_reply_printf(r, "out_bytes %zu", st.out_bytes);
	ctl_reply_printf(r, "streams %zu", st.streams);
	ctl_reply_printf(r, "timed_out %lu", st.timed_out);
	ctl_reply_printf(r, "evicted %lu", st.evicted);
	ctl_reply_printf(r, "refused %lu", st.refused);
	return 0;
}

static const struct ctl_command t_cmds[] = {
	{ "stream", t_stream, "N streamed rows" },
	{ "limits", t_limits, "set the timeouts" },
	{ "ctlstats", t_ctlstats, "what the server holds" },
	{ "echo", t_echo, "print the arguments" },
	{ "fail", t_fail, "always fails" },
	{ "silentfail", t_silentfail, "fails without a reason" },
	{ "forge", t_forge, "tries to forge a line" },
	{ "big", t_big, "a large reply" },
	{ NULL, NULL, NULL }
};

/* The daemon: exits 0 only after a clean SIGTERM stop. */
static void
server_main(int readyfd)
{
	struct daemon_opts	o;
	struct daemon		d;
	struct counters		c;
	struct stat		st;
	int			peers = 7;

	memset(&o, 0, sizeof(o));
	o.foreground = 1;
	daemon_init(&d, "ctltest", &o);
	counters_init(&c, t_names, T_NCOUNTERS);
	counters_add(&c, T_FORWARDED, 42);
	counters_inc(&c, T_DROP_A);
	counters_add(&c, T_DROP_B, 2);
	if (daemon_ctl_open(&d, sockpath, &c, t_status, &peers, t_cmds,
	    &peers) == -1)
		_exit(2);
	server_daemon = &d;
	daemon_ready(&d);
	if (write(readyfd, "r", 1) != 1)
		_exit(3);
	close(readyfd);
	if (daemon_run(&d) != 0 || d.stop_signal != SIGTERM)
		_exit(4);
	daemon_fini(&d);
	counters_free(&c);
	/* The socket file goes away with the server. */
	if (stat(sockpath, &st) == 0)
		_exit(5);
	_exit(0);
}

static void
setup(void)
{
	int	p[2];
	char	c;

	/* The daemon creates the socket's directory, as in /run/justforward. */
	snprintf(sockdir, sizeof(sockdir), "/tmp/ctl_test.%ld", (long)getpid());
	snprintf(sockpath, sizeof(sockpath), "%s/ctltest.sock", sockdir);
	ck_assert_int_eq(pipe(p), 0);
	server_pid = fork();
	ck_assert_int_ne(server_pid, -1);
	if (server_pid == 0) {
		/* A failed test never runs teardown: die with the test. */
		prctl(PR_SET_PDEATHSIG, SIGTERM);
		close(p[0]);
		server_main(p[1]);
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
}

static void
teardown(void)
{
	int	status;

	kill(server_pid, SIGTERM);
	ck_assert_int_eq(waitpid(server_pid, &status, 0), server_pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "server exit status %d", status);
	ck_assert_int_eq(rmdir(sockdir), 0);
}

static int
call(int fd, const char *cmd, char *buf, size_t len)
{
	return ctl_client_call(fd, cmd, buf, len, 5000);
}

/* Read until EOF (or 5 s): what a disconnected client saw last. */
static size_t
read_to_eof(int fd, char *buf, size_t len)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };
	size_t		off = 0;
	ssize_t		n;

	while (off + 1 < len && poll(&pfd, 1, 5000) == 1) {
		if ((n = read(fd, buf + off, len - off - 1)) <= 0)
			break;
		off += (size_t)n;
	}
	buf[off] = '\0';
	ck_assert_msg(poll(&pfd, 1, 0) == 1 && read(fd, buf + off, 1) == 0,
	    "connection still open after %zu bytes: %.80s", off, buf);
	return off;
}

START_TEST(test_status_and_stats)
{
	char	buf[4096], want[256];
	int	fd;

	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(call(fd, "status", buf, sizeof(buf)), 0);
	snprintf(want, sizeof(want), "daemon ctltest\npid %ld\n"
	    "state running\nuptime_s 0\ndrops 3\npeers 7\nok\n",
	    (long)server_pid);
	ck_assert_str_eq(buf, want);
	ck_assert_int_eq(call(fd, "stats", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "forwarded 42\ndrop_a 1\ndrop_b 2\nok\n");
	ck_assert_int_eq(call(fd, "status extra", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "error usage: status\n");
	close(fd);
}
END_TEST

START_TEST(test_commands_and_errors)
{
	char	buf[4096];
	int	fd;

	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(call(fd, "echo  a\tb ", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "argc 3\narg1 a\narg2 b\nok\n");
	ck_assert_int_eq(call(fd, "echo 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16",
	    buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "error too many arguments\n");
	ck_assert_int_eq(call(fd, "nope", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "error unknown command 'nope' (try help)\n");
	ck_assert_int_eq(call(fd, "fail", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "partial 1\nerror no such peer\n");
	ck_assert_int_eq(call(fd, "silentfail", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "error silentfail failed\n");
	/* A newline inside a value cannot end the reply early. */
	ck_assert_int_eq(call(fd, "forge", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "name evil?ok\nok\n");
	ck_assert_int_eq(call(fd, "help", buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "status "));
	ck_assert_ptr_nonnull(strstr(buf, "echo print the arguments\n"));
	/* The connection is still usable after all those errors. */
	ck_assert_int_eq(call(fd, "echo x", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "argc 2\narg1 x\nok\n");
	close(fd);
}
END_TEST

START_TEST(test_pipelined_and_blank_lines)
{
	static const char req[] = "\n\r\necho 1\r\n  \nstats\necho 2\n";
	char	buf[4096];
	size_t	off = 0;
	ssize_t	n;
	int	fd;

	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(write(fd, req, sizeof(req) - 1),
	    (ssize_t)sizeof(req) - 1);
	shutdown(fd, SHUT_WR);
	/* Blank lines get no reply; the rest in order; EOF closes. */
	while ((n = read(fd, buf + off, sizeof(buf) - off - 1)) > 0)
		off += (size_t)n;
	buf[off] = '\0';
	ck_assert_str_eq(buf, "argc 2\narg1 1\nok\n"
	    "forwarded 42\ndrop_a 1\ndrop_b 2\nok\n"
	    "argc 2\narg1 2\nok\n");
	close(fd);
}
END_TEST

START_TEST(test_oversized_line_disconnects)
{
	char	line[CTL_LINE_MAX + 64], buf[4096];
	int	fd, fd2;

	ck_assert_int_ne(fd2 = ctl_client_connect(sockpath), -1);
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	memset(line, 'a', sizeof(line));
	/* No newline at all: the server gives up at the bound. */
	ck_assert_int_eq(write(fd, line, sizeof(line)), (ssize_t)sizeof(line));
	read_to_eof(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "error line too long\n");
	close(fd);
	/* A complete line that is too long, after a good command. */
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	memcpy(line, "echo ok\n", 8);
	line[sizeof(line) - 1] = '\n';
	ck_assert_int_eq(write(fd, line, sizeof(line)), (ssize_t)sizeof(line));
	read_to_eof(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "argc 2\narg1 ok\nok\nerror line too long\n");
	close(fd);
	/* A line of exactly CTL_LINE_MAX bytes is accepted. */
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	memset(line, 'b', CTL_LINE_MAX);
	memcpy(line, "echo ", 5);
	line[CTL_LINE_MAX] = '\0';
	ck_assert_int_eq(call(fd, line, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(strlen(buf), strlen("argc 2\narg1 \nok\n") +
	    CTL_LINE_MAX - 5);
	close(fd);
	/* The other client never noticed. */
	ck_assert_int_eq(call(fd2, "echo still", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "argc 2\narg1 still\nok\n");
	close(fd2);
}
END_TEST

START_TEST(test_client_limit)
{
	int	fds[CTL_CLIENTS_MAX], fd, i;
	char	buf[4096];

	for (i = 0; i < CTL_CLIENTS_MAX; i++) {
		ck_assert_int_ne(fds[i] = ctl_client_connect(sockpath), -1);
		/* A round trip makes sure the server has accepted it. */
		ck_assert_int_eq(call(fds[i], "echo", buf, sizeof(buf)), 0);
	}
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	read_to_eof(fd, buf, sizeof(buf));
	ck_assert_str_eq(buf, "error too many clients\n");
	close(fd);
	/* Once one leaves, a new client gets in. */
	close(fds[0]);
	ck_assert_int_eq(call(fds[1], "echo", buf, sizeof(buf)), 0);
	ck_assert_int_ne(fds[0] = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(call(fds[0], "echo in", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "argc 2\narg1 in\nok\n");
	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		close(fds[i]);
}
END_TEST

/* One number from "ctlstats" on fd, or on a connection of its own. */
static unsigned long
ctlstat_on(int fd, const char *key)
{
	char		buf[1024], want[64], *p;
	int		own = fd == -1;

	if (own)
		ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(call(fd, "ctlstats", buf, sizeof(buf)), 0);
	if (own)
		close(fd);
	snprintf(want, sizeof(want), "%s ", key);
	p = strstr(buf, want);
	ck_assert_msg(p != NULL, "no %s in %s", key, buf);
	return strtoul(p + strlen(want), NULL, 10);
}

static unsigned long
ctlstat(const char *key)
{
	return ctlstat_on(-1, key);
}

static void
set_limits(unsigned idle, unsigned wr, unsigned evict)
{
	char	cmd[96], buf[256];
	int	fd;

	snprintf(cmd, sizeof(cmd), "limits %u %u %u", idle, wr, evict);
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(call(fd, cmd, buf, sizeof(buf)), 0);
	close(fd);
}

/* 1 if fd has hung up (the peer closed), waiting up to ms. */
static int
closed_within(int fd, int ms)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLRDHUP };

	return poll(&pfd, 1, ms) == 1 && (pfd.revents & (POLLRDHUP |
	    POLLHUP)) != 0;
}

START_TEST(test_idle_clients_time_out)
{
	char	buf[4096];
	int	idle, blank, busy;

	set_limits(1500, 10000, 60000);
	ck_assert_int_ne(idle = ctl_client_connect(sockpath), -1);
	ck_assert_int_ne(blank = ctl_client_connect(sockpath), -1);
	ck_assert_int_ne(busy = ctl_client_connect(sockpath), -1);
	/*
	 * Until the silent client is closed: blank lines are no request,
	 * a real request every 100 ms keeps a client in.
	 */
	while (!closed_within(idle, 100)) {
		ck_assert_int_eq(write(blank, "\n", 1), 1);
		ck_assert_int_eq(call(busy, "echo", buf, sizeof(buf)), 0);
	}
	read_to_eof(idle, buf, sizeof(buf));
	ck_assert_str_eq(buf, "error idle timeout\n");
	read_to_eof(blank, buf, sizeof(buf));
	ck_assert_str_eq(buf, "error idle timeout\n");
	ck_assert_int_eq(call(busy, "echo still", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "argc 2\narg1 still\nok\n");
	ck_assert_uint_ge(ctlstat("timed_out"), 2);
	close(idle);
	close(blank);
	close(busy);
}
END_TEST

/*
 * 15 silent clients and a monitor polling like bgpglue fill the table:
 * each newcomer gets in by evicting the client idle longest, never the
 * monitor, and never before that one has been idle for evict_ms.
 */
START_TEST(test_full_table_evicts_idle)
{
	int	fds[CTL_CLIENTS_MAX - 1], mon, fd, i, k, rc, evicted = 0;
	char	buf[4096];

	set_limits(60000, 10000, 1000);
	ck_assert_int_ne(mon = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(call(mon, "status", buf, sizeof(buf)), 0);
	for (i = 0; i < CTL_CLIENTS_MAX - 1; i++) {
		ck_assert_int_ne(fds[i] = ctl_client_connect(sockpath), -1);
		ck_assert_int_eq(call(fds[i], "echo", buf, sizeof(buf)), 0);
	}
	for (k = 0; k < 3; k++) {
		/* Refused while nobody is idle long enough; then admitted. */
		for (i = 0;; i++) {
			ck_assert_msg(i < 200, "newcomer %d never admitted", k);
			ck_assert_int_eq(call(mon, "status", buf, sizeof(buf)),
			    0);
			ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
			rc = call(fd, "echo new", buf, sizeof(buf));
			if (rc == 0)
				break;
			ck_assert_int_eq(rc, 1);
			ck_assert_str_eq(buf, "error too many clients\n");
			close(fd);
			closed_within(mon, 50);	/* a 50 ms pause */
		}
		ck_assert_str_eq(buf, "argc 2\narg1 new\nok\n");
		/* The oldest silent client made room, with a reason. */
		ck_assert_int_ne(fds[k], -1);
		read_to_eof(fds[k], buf, sizeof(buf));
		ck_assert_str_eq(buf,
		    "error evicted (idle, control socket full)\n");
		close(fds[k]);
		fds[k] = fd;
		evicted++;
	}
	/* The monitor is still in (asked on it: the table is full). */
	ck_assert_uint_eq(ctlstat_on(mon, "evicted"), (unsigned long)evicted);
	for (i = 0; i < CTL_CLIENTS_MAX - 1; i++)
		close(fds[i]);
	close(mon);
}
END_TEST

/*
 * A client asks for 10 MB and reads nothing: the server holds at most
 * CTL_OUT_HIGH (plus a row) for it, drops it after write_ms without
 * progress and frees everything.
 */
START_TEST(test_non_reader_dropped)
{
	char	buf[4096];
	int	fd;

	set_limits(60000, 500, 60000);
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(write(fd, "stream 100000\n", 14), 14);
	while (ctlstat("clients") > 1) {
		ck_assert_uint_le(ctlstat("out_bytes"), CTL_OUT_HIGH + 1024);
		closed_within(fd, 50);
	}
	ck_assert_uint_eq(ctlstat("out_bytes"), 0);
	ck_assert_uint_eq(ctlstat("streams"), 0);
	ck_assert_uint_ge(ctlstat("timed_out"), 1);
	/* What it did get was rows, the start of the stream. */
	ck_assert_int_gt(read(fd, buf, 16), 0);
	ck_assert_int_eq(memcmp(buf, "row000000 000000", 16), 0);
	close(fd);
	/* Three ~100 KB replies pipelined and not read: the same. */
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(write(fd, "big\nbig\nbig\n", 12), 12);
	while (ctlstat("clients") > 1)
		closed_within(fd, 50);
	ck_assert_uint_eq(ctlstat("out_bytes"), 0);
	close(fd);
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(call(fd, "echo", buf, sizeof(buf)), 0);
	close(fd);
}
END_TEST

/*
 * A streamed reply of 20,000 rows (2 MB) read slowly: every row once, in
 * order, then "ok", then the request pipelined behind it; the server
 * never holds more than CTL_OUT_HIGH (plus a row) for it.
 */
START_TEST(test_stream_complete_and_bounded)
{
	static char	reply[4 * 1024 * 1024];
	char		want[128];
	size_t		off = 0, next_check = 0;
	unsigned long	i, max_out = 0, out;
	ssize_t		n;
	int		fd;
	const char	*p;

	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(write(fd, "stream 20000\necho after\n", 24), 24);
	for (;;) {
		ck_assert_uint_lt(off, sizeof(reply) - 1);
		n = read(fd, reply + off, 4096);
		ck_assert_int_gt(n, 0);
		off += (size_t)n;
		reply[off] = '\0';
		if (off >= next_check) {
			out = ctlstat("out_bytes");
			max_out = out > max_out ? out : max_out;
			next_check += 128 * 1024;
		}
		if (strstr(reply + (off > 8192 ? off - 8192 : 0),
		    "arg1 after\n") != NULL)
			break;
	}
	ck_assert_uint_le(max_out, CTL_OUT_HIGH + 1024);
	p = reply;
	for (i = 0; i < 20000; i++) {
		snprintf(want, sizeof(want), "row%06lu %088lu\n", i, i);
		ck_assert_msg(strncmp(p, want, strlen(want)) == 0,
		    "row %lu: %.40s", i, p);
		p += strlen(want);
	}
	ck_assert_msg(strncmp(p, "ok\nargc 2\narg1 after\n", 21) == 0,
	    "after the rows: %.60s", p);
	/* The echo's "ok" may still be on its way. */
	ck_assert_int_eq(call(fd, "echo x", reply, sizeof(reply)), 0);
	ck_assert_ptr_nonnull(strstr(reply, "argc 2\narg1 x\nok\n"));
	close(fd);
}
END_TEST

/* CPU time (user + system, clock ticks) the server has used so far. */
static unsigned long
server_cpu_ticks(void)
{
	char		path[64], buf[1024], *p;
	unsigned long	ut, st;
	FILE		*f;
	int		i;

	snprintf(path, sizeof(path), "/proc/%ld/stat", (long)server_pid);
	ck_assert_ptr_nonnull(f = fopen(path, "r"));
	ck_assert_ptr_nonnull(fgets(buf, sizeof(buf), f));
	fclose(f);
	/* Fields after "(comm)": state is 3rd, utime 14th, stime 15th. */
	ck_assert_ptr_nonnull(p = strrchr(buf, ')'));
	for (i = 0; i < 11; i++)
		ck_assert_ptr_nonnull(p = strchr(p + 1, ' '));
	ck_assert_int_eq(sscanf(p, " %lu %lu", &ut, &st), 2);
	return ut + st;
}

/*
 * Requests pipelined behind a stream the client does not read (more than
 * a line's worth, so the socket's input sits above the read watermark)
 * wait without costing the server CPU; once read, all come out in order.
 */
START_TEST(test_paused_client_costs_nothing)
{
	static char	reply[16 * 1024 * 1024];
	char		req[2048];
	unsigned long	cpu;
	size_t		len = 0, off = 0;
	ssize_t		n;
	int		fd, i, waited;

	len = (size_t)snprintf(req, sizeof(req), "stream 100000\n");
	for (i = 0; i < 60; i++)
		len += (size_t)snprintf(req + len, sizeof(req) - len,
		    "echo p%02d\n", i);
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(write(fd, req, len), (ssize_t)len);
	/* The socket is full, the stream waits for it to drain. */
	while (ctlstat("out_bytes") <= CTL_OUT_HIGH / 2)
		closed_within(fd, 10);
	/* Paused: 80 looks 10 ms apart (>= 800 ms) cost almost nothing. */
	cpu = server_cpu_ticks();
	for (waited = 0; waited < 80; waited++) {
		ck_assert_uint_ge(ctlstat("streams"), 1);
		closed_within(fd, 10);
	}
	/* A spinning loop would burn all of it (10 ms ticks). */
	ck_assert_uint_le(server_cpu_ticks() - cpu, 5);
	for (;;) {
		ck_assert_uint_lt(off, sizeof(reply) - 1);
		n = read(fd, reply + off, sizeof(reply) - 1 - off);
		ck_assert_int_gt(n, 0);
		off += (size_t)n;
		reply[off] = '\0';
		if (off > 19 && strcmp(reply + off - 19,
		    "argc 2\narg1 p59\nok\n") == 0)
			break;
	}
	ck_assert_ptr_nonnull(strstr(reply, "row099999 "));
	ck_assert_ptr_nonnull(strstr(reply, "\nok\nargc 2\narg1 p00\nok\n"));
	close(fd);
}
END_TEST

/*
 * A full server refuses with a line and closes; a client that sends its
 * command only after that close reads the line, not EPIPE (relayctl
 * prints it instead of "Broken pipe").
 */
START_TEST(test_refused_client_reads_reason)
{
	int	fds[CTL_CLIENTS_MAX], fd, i;
	char	buf[4096];

	set_limits(60000, 10000, 600000);
	for (i = 0; i < CTL_CLIENTS_MAX; i++) {
		ck_assert_int_ne(fds[i] = ctl_client_connect(sockpath), -1);
		ck_assert_int_eq(call(fds[i], "echo", buf, sizeof(buf)), 0);
	}
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert(closed_within(fd, 5000));
	ck_assert_int_eq(call(fd, "status", buf, sizeof(buf)), 1);
	ck_assert_str_eq(buf, "error too many clients\n");
	close(fd);
	for (i = 0; i < CTL_CLIENTS_MAX; i++)
		close(fds[i]);
}
END_TEST

START_TEST(test_client_errors)
{
	char	buf[64];
	int	fd;

	ck_assert_int_eq(ctl_client_connect("/nonexistent/ctl.sock"), -1);
	ck_assert_int_eq(errno, ENOENT);
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	/* A reply that does not fit the caller's buffer. */
	ck_assert_int_eq(call(fd, "stats", buf, 8), -1);
	ck_assert_int_eq(errno, EMSGSIZE);
	close(fd);
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(call(fd, "two\nlines", buf, sizeof(buf)), -1);
	ck_assert_int_eq(errno, EINVAL);
	close(fd);
}
END_TEST

/* No server from setup(): ctl_server_open on its own. */
START_TEST(test_open_refuses_non_socket)
{
	struct ctl_command	 none[] = { { NULL, NULL, NULL } };
	char			 path[] = "/tmp/ctl_test_file.XXXXXX";
	int			 fd;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	close(fd);
	ck_assert_ptr_null(ctl_server_open(NULL, path, none, NULL));
	ck_assert_int_eq(errno, EEXIST);
	unlink(path);
}
END_TEST

START_TEST(test_stale_socket_replaced)
{
	char	buf[256];
	int	fd, status;

	/* Kill the server hard: its socket file stays behind. */
	kill(server_pid, SIGKILL);
	ck_assert_int_eq(waitpid(server_pid, &status, 0), server_pid);
	ck_assert_int_eq(ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(errno, ECONNREFUSED);
	setup();
	ck_assert_int_ne(fd = ctl_client_connect(sockpath), -1);
	ck_assert_int_eq(call(fd, "echo", buf, sizeof(buf)), 0);
	close(fd);
}
END_TEST

static Suite *
ctl_suite(void)
{
	Suite	*s = suite_create("ctl");
	TCase	*tc = tcase_create("server");
	TCase	*tc2 = tcase_create("standalone");

	tcase_set_timeout(tc, 60);

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_status_and_stats);
	tcase_add_test(tc, test_commands_and_errors);
	tcase_add_test(tc, test_pipelined_and_blank_lines);
	tcase_add_test(tc, test_oversized_line_disconnects);
	tcase_add_test(tc, test_client_limit);
	tcase_add_test(tc, test_idle_clients_time_out);
	tcase_add_test(tc, test_full_table_evicts_idle);
	tcase_add_test(tc, test_non_reader_dropped);
	tcase_add_test(tc, test_stream_complete_and_bounded);
	tcase_add_test(tc, test_refused_client_reads_reason);
	tcase_add_test(tc, test_paused_client_costs_nothing);
	tcase_add_test(tc, test_client_errors);
	tcase_add_test(tc, test_stale_socket_replaced);
	suite_add_tcase(s, tc);
	tcase_add_test(tc2, test_open_refuses_non_socket);
	suite_add_tcase(s, tc2);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(ctl_suite());
	int	 failed;

	signal(SIGPIPE, SIG_IGN);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
