/*
 * Shared by the control-socket harnesses (ctl_server_fuzz, teredo_ctl_fuzz):
 * serve one input through the real server (common/ctl.c) on a socketpair
 * and check the reply against an independent reading of the request
 * framing.  Header-only so each harness stays one file to build.
 */
#ifndef JF_FUZZ_CTL_SERVE_H
#define JF_FUZZ_CTL_SERVE_H

#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "ctl.h"

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

/*
 * The final lines ("ok" / "error ...") the server owes for these request
 * bytes, read independently of ctl.c: one per complete line with a word
 * in it; a line over CTL_LINE_MAX (complete or not) ends everything with
 * one error.  *rejected says whether that happened.
 */
static size_t
fuzz_ctl_expected(const uint8_t *data, size_t size, int *rejected)
{
	size_t	i, start = 0, end, finals = 0, k;
	int	word;

	*rejected = 0;
	for (i = 0; i <= size; i++) {
		if (i < size && data[i] != '\n')
			continue;
		if (i == size) {	/* a partial last line */
			if (size - start > CTL_LINE_MAX) {
				*rejected = 1;
				finals++;
			}
			break;
		}
		if (i - start > CTL_LINE_MAX) {
			*rejected = 1;
			return finals + 1;
		}
		/*
		 * The line is a C string (it ends at a NUL) whose last CR
		 * is dropped.
		 */
		end = start;
		while (end < i && data[end] != '\0')
			end++;
		if (end > start && data[end - 1] == '\r')
			end--;
		word = 0;
		for (k = start; k < end; k++)
			if (data[k] != ' ' && data[k] != '\t')
				word = 1;
		finals += word;
		start = i + 1;
	}
	return finals;
}

/*
 * Serve data as one client that then half-closes; out gets the reply
 * (its first outlen - 1 bytes, NUL-terminated), the return value is its
 * whole length.  The server must close the client once everything is
 * answered, and hold nothing for it afterwards.
 */
static size_t
fuzz_ctl_serve(struct event_base *base, struct ctl_server *srv,
    const uint8_t *data, size_t size, char *out, size_t outlen)
{
	struct ctl_stats	st;
	size_t			off = 0, got = 0;
	ssize_t			n;
	char			buf[16384];
	int			sv[2], i, shut = 0, eof = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
	    0, sv) == -1)
		abort();
	CHECK(ctl_server_attach(srv, sv[0]) == 0);
	for (i = 0; i < 200000 && !eof; i++) {
		if (off < size) {
			n = write(sv[1], data + off, size - off);
			if (n > 0)
				off += (size_t)n;
		}
		if (off == size && !shut) {
			shutdown(sv[1], SHUT_WR);
			shut = 1;
		}
		event_base_loop(base, EVLOOP_NONBLOCK);
		while ((n = read(sv[1], buf, sizeof(buf))) > 0) {
			if (got + 1 < outlen) {
				size_t c = (size_t)n;

				if (c > outlen - 1 - got)
					c = outlen - 1 - got;
				memcpy(out + got, buf, c);
			}
			got += (size_t)n;
		}
		if (n == 0 || (n == -1 && errno != EAGAIN))
			eof = 1;
	}
	CHECK(eof);		/* answered, then closed: never stuck */
	out[got < outlen ? got : outlen - 1] = '\0';
	close(sv[1]);
	ctl_server_stats(srv, &st);
	CHECK(st.clients == 0 && st.out_bytes == 0 && st.streams == 0);
	return got;
}

/*
 * The reply's shape: lines without control characters, each ended by a
 * newline, and exactly the final lines the request framing owes.
 */
static void
fuzz_ctl_check(const uint8_t *data, size_t size, const char *out,
    size_t len)
{
	size_t		i, start = 0, finals = 0, want;
	int		rejected;
	const char	*line;

	CHECK(len == strlen(out));	/* no NUL, and it all fit */
	CHECK(len == 0 || out[len - 1] == '\n');
	for (i = 0; i < len; i++) {
		CHECK(out[i] == '\n' || (unsigned char)out[i] >= 0x20);
		CHECK(out[i] != 0x7f);
		if (out[i] != '\n')
			continue;
		line = out + start;
		if ((i - start == 2 && strncmp(line, "ok", 2) == 0) ||
		    (i - start >= 5 && strncmp(line, "error", 5) == 0 &&
		    (i - start == 5 || line[5] == ' ')))
			finals++;
		start = i + 1;
	}
	want = fuzz_ctl_expected(data, size, &rejected);
	CHECK(finals == want);
	if (rejected)
		CHECK(len >= 20 && strcmp(out + len - 20,
		    "error line too long\n") == 0);
}

#endif /* JF_FUZZ_CTL_SERVE_H */
