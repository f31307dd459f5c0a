/*
 * The daemons' seccomp filters (common/sandbox.c), each installed for
 * real in a forked child: what the loops need still works, and execve, an
 * IPv4 socket, opening a file for writing, ptrace, mmap with PROT_EXEC
 * and an ioctl that is not in the list are refused: the child dies of
 * SIGSYS after saying which call it was.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>

#include "sandbox.h"
#include "uring_io.h"

enum forbidden {
	F_NONE,		/* only allowed calls: exit 0 */
	F_EXECVE,
	F_SOCKET_INET,
	F_OPEN_WRITE,
	F_PTRACE,
	F_MMAP_EXEC,
	F_IOCTL_TTY,
	F_BPF_PROG_LOAD,	/* no profile loads programs after setup */
	F_COUNT
};

/* The loop's calls; any failure is exit code 10 + step. */
static int
allowed_calls(int p, const int pfd[2])
{
	struct timespec	 ts;
	int		 s;
	void		*m;
	char		 c = 'x';

	if (clock_gettime(CLOCK_MONOTONIC, &ts) == -1)
		return 10;
	if (getpid() <= 0)
		return 11;
	if (write(pfd[1], &c, 1) != 1 ||
	    read(pfd[0], &c, 1) != 1)
		return 12;
	close(pfd[0]);
	close(pfd[1]);
	/* syslog and sd_notify: a Unix datagram socket. */
	if ((s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
		return 13;
	close(s);
	if ((m = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE |
	    MAP_ANONYMOUS, -1, 0)) == MAP_FAILED)
		return 14;
	munmap(m, 65536);
	if ((m = malloc(1 << 20)) == NULL)
		return 15;
	free(m);
	if (getrandom(&c, 1, 0) != 1)
		return 16;
	/* relay4to6 in xdp mode reads its counters (a bad fd: EBADF). */
	if (p == SANDBOX_RELAY4TO6_XDP) {
		union bpf_attr	a;

		memset(&a, 0, sizeof(a));
		a.map_fd = (uint32_t)-1;
		if (syscall(SYS_bpf, BPF_MAP_LOOKUP_ELEM, &a, sizeof(a)) != -1 ||
		    errno != EBADF)
			return 18;
	}
	/* The health process reads the DrainFile. */
	if (p == SANDBOX_GLUE_HEALTH) {
		if ((s = open("/dev/null", O_RDONLY | O_CLOEXEC)) == -1)
			return 17;
		close(s);
	}
	return 0;
}

static void
forbidden_call(enum forbidden f)
{
	char		*argv[] = { (char *)"true", NULL };
	struct winsize	 ws;

	switch (f) {
	case F_EXECVE:
		execve("/bin/true", argv, argv + 1);
		break;
	case F_SOCKET_INET:
		(void)socket(AF_INET, SOCK_DGRAM, 0);
		break;
	case F_OPEN_WRITE:
		(void)open("/tmp/jf-sandbox-test-never", O_WRONLY | O_CREAT |
		    O_TRUNC, 0600);
		break;
	case F_PTRACE:
		(void)ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		break;
	case F_MMAP_EXEC:
		(void)mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE |
		    MAP_ANONYMOUS, -1, 0);
		break;
	case F_IOCTL_TTY:
		(void)ioctl(0, TIOCGWINSZ, &ws);
		break;
	case F_BPF_PROG_LOAD: {
		union bpf_attr	a;

		memset(&a, 0, sizeof(a));
		(void)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
		break;
	}
	default:
		break;
	}
}

/* Run profile p in a child that then tries f; its wait status. */
static int
run(enum sandbox_profile p, enum forbidden f, char *err, size_t errlen)
{
	int	 ep[2], pfd[2], st, r;
	pid_t	 pid;
	ssize_t	 n;
	size_t	 got = 0;

	ck_assert_int_eq(pipe(ep), 0);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		dup2(ep[1], STDERR_FILENO);
		close(ep[0]);
		if (pipe(pfd) == -1 || sandbox_enter(p) == -1)
			_exit(2);
		if ((r = allowed_calls((int)p, pfd)) != 0)
			_exit(r);
		forbidden_call(f);
		_exit(0);
	}
	close(ep[1]);
	while (got + 1 < errlen &&
	    (n = read(ep[0], err + got, errlen - 1 - got)) > 0)
		got += (size_t)n;
	err[got] = '\0';
	close(ep[0]);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return st;
}

START_TEST(test_profile)
{
	enum sandbox_profile	 p = (enum sandbox_profile)_i;
	char			 err[512], want[64];
	int			 st, f;
	static const int	 nr[F_COUNT] = { 0, SYS_execve, SYS_socket,
	    SYS_openat, SYS_ptrace, SYS_mmap, SYS_ioctl, SYS_bpf };

	st = run(p, F_NONE, err, sizeof(err));
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	    "%s: allowed calls: status %#x, stderr: %s", sandbox_name(p), st,
	    err);
	for (f = F_EXECVE; f < F_COUNT; f++) {
		st = run(p, (enum forbidden)f, err, sizeof(err));
		ck_assert_msg(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS,
		    "%s: forbidden call %d not refused: status %#x",
		    sandbox_name(p), f, st);
		snprintf(want, sizeof(want), "system call %d refused",
		    nr[f]);
		ck_assert_msg(strstr(err, want) != NULL,
		    "%s: forbidden call %d: stderr \"%s\", wanted \"%s\"",
		    sandbox_name(p), f, err, want);
	}
}
END_TEST

/*
 * io_uring operations bypass seccomp: the relays' ring (tunbatch) is
 * restricted to READ, WRITE and SENDMSG before its first use, so that an
 * OPENAT (or SOCKET, CONNECT...) on it is refused, and no file can be
 * registered afterwards.
 */
static int
ring_op(struct uring *u, uint8_t op, void *buf, unsigned int len)
{
	const struct io_uring_cqe	*cqe;
	int				 res;

	ck_assert_int_eq(uring_queue_rw(u, op, buf, len, 0, 7), 0);
	ck_assert_int_eq(uring_submit_wait(u, 1), 0);
	ck_assert_ptr_nonnull(cqe = uring_cqe_peek(u));
	res = cqe->res;
	uring_cqe_seen(u);
	return res;
}

START_TEST(test_ring_restricted)
{
	struct uring	u;
	char		path[] = "/dev/null", c;
	int		p[2];

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_msg(uring_init(&u, 4) == 0, "no io_uring: %m");
	ck_assert_int_eq(uring_register_fd(&u, p[1]), 0);
	ck_assert_int_eq(uring_restrict(&u), 0);
	ck_assert_int_eq(ring_op(&u, IORING_OP_WRITE, (char *)"x", 1), 1);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	ck_assert_int_eq(ring_op(&u, IORING_OP_OPENAT, path, 0), -EACCES);
	ck_assert_int_eq(ring_op(&u, IORING_OP_SOCKET, NULL, 0), -EACCES);
	ck_assert_int_eq(uring_register_fd(&u, p[0]), -1);
	uring_free(&u);
	close(p[0]);
	close(p[1]);
}
END_TEST

/* Descriptors above stderr do not survive sandbox_close_inherited(). */
START_TEST(test_close_inherited)
{
	int	st, fd;
	pid_t	pid;

	ck_assert_int_ge(fd = open("/dev/null", O_RDONLY), 3);
	ck_assert_int_ne(pid = fork(), -1);
	if (pid == 0) {
		sandbox_close_inherited();
		_exit(fcntl(fd, F_GETFD) == -1 && fcntl(0, F_GETFD) != -1 ?
		    0 : 1);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 0);
	close(fd);
}
END_TEST

int
main(void)
{
	Suite	*s = suite_create("sandbox");
	TCase	*tc = tcase_create("core");
	SRunner	*sr;
	int	 nf;

	tcase_add_loop_test(tc, test_profile, 0, SANDBOX_NPROFILES);
	tcase_add_test(tc, test_close_inherited);
	tcase_add_test(tc, test_ring_restricted);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
