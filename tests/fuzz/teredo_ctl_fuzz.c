/*
 * libFuzzer harness for teredod's control commands (teredod/control.c:
 * "peers [N]", "peer ADDR", their argument parsing and the streamed
 * listing) on the real control server, with a small peer table of every
 * state.  The input is what a client sends.  Besides the framing oracle
 * of tests/fuzz/ctl_serve.h: "peers N" is accepted exactly when N is a
 * plain decimal up to 2^32-1 (checked against strtoull), and lists at
 * most min(N, peers) rows.
 */
#include <arpa/inet.h>
#include <stdio.h>

#include "clock.h"
#include "teredo.h"
#include "teredod/control.h"
#include "teredod/relay.h"
#include "tests/fuzz/ctl_serve.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

#define FZ_PEERS	40

static struct relay *
fz_relay(void)
{
	struct peers_limits	 l = { 64, 8, 4096, 1000, 1000, 16 };
	struct siphash_key	 k = { 1, 2 };
	struct teredo_addr	 t;
	struct in6_addr		 a;
	struct relay		*r;
	struct peer		*p;
	uint64_t		 now = clock_mono_ms();
	uint32_t		 i;

	if ((r = calloc(1, sizeof(*r))) == NULL ||
	    peers_init(&r->peers, &l, &k, now) == -1)
		abort();
	for (i = 0; i < FZ_PEERS; i++) {
		t.server.s_addr = htonl(0xc0000201u);
		t.flags = 0;
		t.port = (uint16_t)(40000 + i);
		t.client.s_addr = htonl(0xc6336400u + i);
		teredo_addr_encode(&t, &a);
		/* Trusted, pending, and failed (pending given up). */
		p = peers_create(&r->peers, &a, i % 3 ? PEER_PENDING :
		    PEER_TRUSTED, now);
		if (p == NULL)
			abort();
		if (i % 3 == 0)
			peer_trust(&r->peers, p, htonl(0xcb007100u + i), 3544,
			    now);
		else if (i % 3 == 2)
			peer_give_up(&r->peers, p, now);
	}
	return r;
}

/*
 * Independent: is this "peers" argument list valid, and its N; *words
 * gets the number of words (the server refuses more than CTL_ARGS_MAX
 * before any command sees them).
 */
static int
ref_rows(const char *line, unsigned long long *n, int *words)
{
	char	copy[CTL_LINE_MAX + 1], *w[4], *save, *tok, *end;
	int	argc = 0;
	size_t	i;

	snprintf(copy, sizeof(copy), "%s", line);
	for (tok = strtok_r(copy, " \t", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t", &save))
		if (argc++ < 4)
			w[argc - 1] = tok;
	*words = argc;
	*n = 1000;
	if (argc == 1)
		return 1;
	if (argc != 2)
		return 0;
	for (i = 0; w[1][i] != '\0'; i++)
		if (w[1][i] < '0' || w[1][i] > '9')
			return 0;
	errno = 0;
	*n = strtoull(w[1], &end, 10);
	return errno == 0 && *end == '\0' && *n <= 4294967295ull;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct event_base	*base;
	static struct ctl_server	*srv;
	static char			 out[4 * 1024 * 1024];
	char				 path[64], line[CTL_LINE_MAX + 2], *o;
	unsigned long long		 n;
	size_t				 len, rows;
	int				 ok, words;

	if (srv == NULL) {
		snprintf(path, sizeof(path), "/tmp/teredo_ctl_fuzz.%ld.sock",
		    (long)getpid());
		if ((base = event_base_new()) == NULL || (srv =
		    ctl_server_open(base, path, td_ctl_commands,
		    fz_relay())) == NULL)
			abort();
		unlink(path);
	}
	len = fuzz_ctl_serve(base, srv, data, size, out, sizeof(out));
	CHECK(len < sizeof(out));
	fuzz_ctl_check(data, size, out, len);

	/*
	 * A single "peers" line (nothing else, no NUL, no CR): its verdict
	 * and row count against the reference.
	 */
	if (size == 0 || size > CTL_LINE_MAX || data[size - 1] != '\n' ||
	    memchr(data, '\n', size - 1) != NULL ||
	    memchr(data, '\0', size) != NULL ||
	    memchr(data, '\r', size) != NULL)
		return 0;
	memcpy(line, data, size - 1);
	line[size - 1] = '\0';
	if (strncmp(line, "peers", 5) != 0 || (line[5] != '\0' &&
	    line[5] != ' ' && line[5] != '\t'))
		return 0;
	ok = ref_rows(line, &n, &words);
	if (!ok) {
		CHECK(strncmp(out, words > CTL_ARGS_MAX ?
		    "error too many arguments" : "error usage: peers",
		    words > CTL_ARGS_MAX ? 24 : 18) == 0);
		return 0;
	}
	for (rows = 0, o = out; (o = strstr(o, "peer=")) != NULL; o++)
		rows++;
	CHECK(rows == (n < FZ_PEERS ? n : FZ_PEERS));
	CHECK(len >= 3 && strcmp(out + len - 3, "ok\n") == 0);
	return 0;
}
