/*
 * Batched TUN reader/writer.  See tunbatch.h.
 */
#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "clock.h"
#include "tunbatch.h"

int
tunbatch_init(struct tunbatch *tb, int fd, size_t batch, tb_verdict_fn fn,
    void *arg)
{
	size_t	i, bufsz = TB_HEADROOM + TB_PKT_MAX;

	if (batch == 0 || batch > TB_BATCH_MAX)
		batch = TB_BATCH_MAX;
	tb->fd = fd;
	tb->batch = batch;
	tb->verdict = fn;
	tb->arg = arg;
	tb->stats = (struct tb_stats){ 0 };
	if ((tb->arena = malloc(batch * bufsz)) == NULL)
		return -1;
	for (i = 0; i < batch; i++) {
		tb->pkt[i].buf = tb->arena + i * bufsz;
		tb->pkt[i].cap = bufsz;
		tunbatch_pkt_reset(&tb->pkt[i]);
	}
	return 0;
}

void
tunbatch_free(struct tunbatch *tb)
{
	free(tb->arena);
	tb->arena = NULL;
}

void
tunbatch_pkt_reset(struct tb_pkt *p)
{
	p->data = p->buf + TB_HEADROOM;
	p->len = 0;
}

/* Read until EAGAIN or the batch is full; returns the count. */
static size_t
tunbatch_read(struct tunbatch *tb)
{
	struct tb_pkt	*p;
	ssize_t		 n;
	size_t		 i;

	for (i = 0; i < tb->batch; i++) {
		p = &tb->pkt[i];
		tunbatch_pkt_reset(p);
		n = read(tb->fd, p->data, p->cap - TB_HEADROOM);
		if (n <= 0) {
			if (n < 0 && errno != EAGAIN && errno != EINTR)
				tb->stats.read_errors++;
			break;
		}
		p->len = (size_t)n;
	}
	return i;
}

size_t
tunbatch_service(struct tunbatch *tb, uint64_t now_ms)
{
	struct tb_pkt	*p;
	size_t		 i, n;

	tb->stats.wakeups++;
	n = tunbatch_read(tb);
	tb->stats.rx += n;
	for (i = 0; i < n; i++) {
		p = &tb->pkt[i];
		if (!tb->verdict(tb->arg, now_ms, p))
			continue;
		/* A TUN write takes one packet; a full queue drops it. */
		if (write(tb->fd, p->data, p->len) == (ssize_t)p->len)
			tb->stats.tx++;
		else
			tb->stats.write_errors++;
	}
	return n;
}

void
tunbatch_event_cb(int fd, short what, void *arg)
{
	struct tunbatch	*tb = arg;

	(void)fd;
	(void)what;
	tunbatch_service(tb, clock_mono_ms());
}
