/*
 * libFuzzer harness for the control-socket server (common/ctl.c): the
 * input is what a client sends (command lines, pipelined, then a half
 * close), served through the real bufferevent framing, tokenizer,
 * dispatch, reply bounds and streamed replies.  Whatever the client
 * sends, the reply must have exactly the final lines the framing owes
 * (tests/fuzz/ctl_serve.h), no control characters, and the server must
 * close the client and hold nothing for it afterwards.
 */
#include <stdio.h>

#include "tests/fuzz/ctl_serve.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

struct fz_stream {
	unsigned long	next, n;
};

static int
fz_echo(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	int	i;

	(void)arg;
	ctl_reply_printf(r, "argc %d", argc);
	for (i = 1; i < argc; i++)
		ctl_reply_printf(r, "arg%d %s", i, argv[i]);
	return 0;
}

static int
fz_fail(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	(void)arg;
	(void)argv;
	if (argc > 1)
		ctl_reply_error(r, "failed with %s", argv[1]);
	return -1;	/* without a reason: "fail failed" */
}

/* More than CTL_OUT_MAX at once: must become "error reply too long". */
static int
fz_big(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	int	i;

	(void)arg;
	(void)argc;
	(void)argv;
	for (i = 0; i < 300; i++)	/* lines of 1000 bytes */
		ctl_reply_printf(r, "row%04d %0991d", i, i);
	return 0;
}

/* Up to 7 rows per step: streams go through many steps and pauses. */
static int
fz_stream_step(void *state, struct ctl_reply *r)
{
	struct fz_stream	*st = state;
	int			 k;

	for (k = 0; k < 7 && st->next < st->n && !ctl_reply_full(r); k++) {
		ctl_reply_printf(r, "row%06lu %090lu", st->next, st->next);
		st->next++;
	}
	if (st->n == 13 && st->next == 13) {
		ctl_reply_error(r, "stream broke");
		return -1;
	}
	return st->next < st->n;
}

static int
fz_stream(void *arg, int argc, char **argv, struct ctl_reply *r)
{
	struct fz_stream	*st;

	(void)arg;
	if ((st = calloc(1, sizeof(*st))) == NULL)
		abort();
	st->n = argc > 1 ? strtoul(argv[1], NULL, 10) % 801 : 0;
	ctl_reply_stream(r, fz_stream_step, st, free);
	if (argc > 2)	/* a second stream in one reply is refused */
		ctl_reply_stream(r, fz_stream_step, calloc(1, sizeof(*st)),
		    free);
	return 0;
}

static const struct ctl_command fz_cmds[] = {
	{ "echo", fz_echo, "print the arguments" },
	{ "fail", fz_fail, "fails" },
	{ "big", fz_big, "too long to build at once" },
	{ "stream", fz_stream, "N rows, streamed" },
	{ NULL, NULL, NULL }
};

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base	*base;
	static struct ctl_server	*srv;
	static char			 out[4 * 1024 * 1024];
	char				 path[64];
	size_t				 len;

	if (srv == NULL) {
		snprintf(path, sizeof(path), "/tmp/ctl_server_fuzz.%ld.sock",
		    (long)getpid());
		if ((base = event_base_new()) == NULL ||
		    (srv = ctl_server_open(base, path, fz_cmds, NULL)) == NULL)
			abort();
		/* Only the socketpair clients are used: no file left. */
		unlink(path);
	}
	len = fuzz_ctl_serve(base, srv, data, size, out, sizeof(out));
	CHECK(len < sizeof(out));
	fuzz_ctl_check(data, size, out, len);
	return 0;
}
