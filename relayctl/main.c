/*
 * relayctl: send one command to a justforward daemon's control socket and
 * print the reply.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"
#include "relayctl/relayctl.h"

#define RELAYCTL_REPLY_MAX	(4 * 1024 * 1024)
#define RELAYCTL_TIMEOUT_MS	5000

static void	usage(void) __attribute__((noreturn));

static void
usage(void)
{
	fprintf(stderr,
	    "usage: relayctl [-r] [-s socket|daemon] command [args ...]\n"
	    "  -s  control socket path, or a daemon name for %s/NAME%s\n"
	    "      (default: the only socket there)\n"
	    "  -r  print the raw reply\n"
	    "commands: status, stats, help, and what the daemon adds\n",
	    RELAYCTL_RUNDIR, RELAYCTL_SOCK_SUFFIX);
	exit(2);
}

int
main(int argc, char *argv[])
{
	const char	*sock = NULL;
	char		 path[256], why[256], line[CTL_LINE_MAX + 1], *reply;
	int		 ch, raw = 0, fd, rc, saved;

	while ((ch = getopt(argc, argv, "hrs:")) != -1) {
		switch (ch) {
		case 'r':
			raw = 1;
			break;
		case 's':
			sock = optarg;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if (argc < 1)
		usage();
	if (relayctl_join(argc, argv, line, sizeof(line)) == -1) {
		fprintf(stderr, "relayctl: command too long\n");
		return 1;
	}
	if (relayctl_socket_path(sock, RELAYCTL_RUNDIR, path, sizeof(path),
	    why, sizeof(why)) == -1) {
		fprintf(stderr, "relayctl: %s\n", why);
		return 1;
	}
	if ((fd = ctl_client_connect(path)) == -1) {
		fprintf(stderr, "relayctl: %s: %s\n", path, strerror(errno));
		return 1;
	}
	if ((reply = malloc(RELAYCTL_REPLY_MAX)) == NULL) {
		fprintf(stderr, "relayctl: out of memory\n");
		return 1;
	}
	rc = ctl_client_call(fd, line, reply, RELAYCTL_REPLY_MAX,
	    RELAYCTL_TIMEOUT_MS);
	saved = errno;
	close(fd);
	errno = saved;
	if (rc == -1 && errno == EMSGSIZE)
		fprintf(stderr, "relayctl: %s: reply longer than %d MiB "
		    "(ask for fewer rows)\n", path, RELAYCTL_REPLY_MAX >> 20);
	else if (rc == -1)
		fprintf(stderr, "relayctl: %s: %s\n", path, strerror(errno));
	if (rc == -1) {
		free(reply);
		return 1;
	}
	rc = relayctl_format(stdout, stderr, reply, raw);
	free(reply);
	if (fflush(stdout) == EOF)
		return 1;
	return rc == 0 ? 0 : 1;
}
