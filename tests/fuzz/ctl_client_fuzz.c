/*
 * libFuzzer harness for the control-socket client (ctl_client_call in
 * common/ctl.c, used by relayctl): the input is what a daemon sends back,
 * already waiting in the socket; the first byte picks the caller's buffer
 * size and whether the daemon closed before the command went out (the
 * refusal path that used to end in EPIPE).  The answer must agree with
 * an independent reading of the reply's final line, and the text handed
 * back must be what the daemon sent.
 */
#include <sys/socket.h>

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define CHECK(x)	do { if (!(x)) abort(); } while (0)

/* 1 "ok", 2 "error ...", 0 incomplete: the last newline-ended line. */
static int
ref_final(const char *buf, size_t len)
{
	size_t	start;

	if (len == 0 || buf[len - 1] != '\n')
		return 0;
	start = len - 1;
	while (start > 0 && buf[start - 1] != '\n')
		start--;
	if (len - start == 3 && memcmp(buf + start, "ok", 2) == 0)
		return 1;
	if (len - start >= 6 && memcmp(buf + start, "error", 5) == 0 &&
	    (buf[start + 5] == ' ' || buf[start + 5] == '\n'))
		return 2;
	return 0;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t	 sizes[] = { 2, 8, 64, 4096, 65536 };
	static char		 buf[65536];
	size_t			 buflen, len, off = 0;
	ssize_t			 n;
	int			 sv[2], rc, is_error, ref, closed;

	if (size < 1)
		return 0;
	buflen = sizes[(data[0] & 0x7f) % 5];
	closed = data[0] >> 7;
	data++;
	size--;
	if (size > 100000)
		return 0;
	/* The pure check first, on the whole input. */
	ref = ref_final((const char *)data, size);
	rc = ctl_reply_complete((const char *)data, size, &is_error);
	CHECK(rc == (ref != 0));
	CHECK(rc == 0 || is_error == (ref == 2));

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == -1)
		abort();
	while (off < size) {
		n = send(sv[1], data + off, size - off, MSG_DONTWAIT);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (closed)
		close(sv[1]);	/* the command will meet EPIPE */
	else
		shutdown(sv[1], SHUT_WR);
	rc = ctl_client_call(sv[0], "status", buf, buflen, 1000);
	close(sv[0]);
	if (!closed)
		close(sv[1]);
	if (rc == -1) {
		CHECK(errno == EMSGSIZE || errno == ECONNRESET ||
		    errno == EPIPE);
		return 0;
	}
	/* What came back is a prefix of what was sent, with its verdict. */
	CHECK(rc == 0 || rc == 1);
	/* (A NUL in the reply hides its length from us: no verdict then.) */
	if (memchr(data, '\0', off < buflen ? off : buflen) != NULL)
		return 0;
	len = strlen(buf);
	CHECK(len < buflen && len <= off);
	CHECK(memcmp(buf, data, len) == 0);
	ref = ref_final((const char *)data, len);
	CHECK(ref == (rc == 0 ? 1 : 2));
	return 0;
}
