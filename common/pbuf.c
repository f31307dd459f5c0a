/*
 * Bounds-checked read cursor and write buffer.  See pbuf.h.
 */
#include <string.h>

#include "pbuf.h"

void
pbuf_init(struct pbuf *b, const void *p, size_t len)
{
	b->p = p;
	b->len = (p == NULL) ? 0 : len;
}

size_t
pbuf_left(const struct pbuf *b)
{
	return b->len;
}

int
pbuf_peek(const struct pbuf *b, size_t off, void *dst, size_t n)
{
	if (off > b->len || n > b->len - off)
		return -1;
	if (n > 0)
		memcpy(dst, b->p + off, n);
	return 0;
}

int
pbuf_peek_n8(const struct pbuf *b, size_t off, uint8_t *v)
{
	return pbuf_peek(b, off, v, 1);
}

int
pbuf_peek_n16(const struct pbuf *b, size_t off, uint16_t *v)
{
	uint8_t	x[2];

	if (pbuf_peek(b, off, x, sizeof(x)) == -1)
		return -1;
	*v = (uint16_t)(x[0] << 8 | x[1]);
	return 0;
}

int
pbuf_get(struct pbuf *b, void *dst, size_t n)
{
	if (pbuf_peek(b, 0, dst, n) == -1)
		return -1;
	b->p += n;
	b->len -= n;
	return 0;
}

int
pbuf_skip(struct pbuf *b, size_t n)
{
	if (n > b->len)
		return -1;
	b->p += n;
	b->len -= n;
	return 0;
}

int
pbuf_sub(struct pbuf *b, size_t n, struct pbuf *child)
{
	if (n > b->len)
		return -1;
	child->p = b->p;
	child->len = n;
	b->p += n;
	b->len -= n;
	return 0;
}

int
pbuf_get_n8(struct pbuf *b, uint8_t *v)
{
	return pbuf_get(b, v, 1);
}

int
pbuf_get_n16(struct pbuf *b, uint16_t *v)
{
	if (pbuf_peek_n16(b, 0, v) == -1)
		return -1;
	return pbuf_skip(b, 2);
}

int
pbuf_get_n32(struct pbuf *b, uint32_t *v)
{
	uint8_t	x[4];

	if (pbuf_get(b, x, sizeof(x)) == -1)
		return -1;
	*v = (uint32_t)x[0] << 24 | (uint32_t)x[1] << 16 |
	    (uint32_t)x[2] << 8 | x[3];
	return 0;
}

int
pbuf_get_n64(struct pbuf *b, uint64_t *v)
{
	uint32_t hi, lo;

	if (pbuf_left(b) < 8)
		return -1;
	pbuf_get_n32(b, &hi);
	pbuf_get_n32(b, &lo);
	*v = (uint64_t)hi << 32 | lo;
	return 0;
}

void
wbuf_init(struct wbuf *w, void *p, size_t cap)
{
	w->p = p;
	w->cap = (p == NULL) ? 0 : cap;
	w->len = 0;
	w->err = 0;
}

int
wbuf_ok(const struct wbuf *w)
{
	return !w->err;
}

uint8_t *
wbuf_reserve(struct wbuf *w, size_t n)
{
	uint8_t	*at;

	if (w->err || n > w->cap - w->len) {
		w->err = 1;
		return NULL;
	}
	at = w->p + w->len;
	w->len += n;
	return at;
}

int
wbuf_put(struct wbuf *w, const void *src, size_t n)
{
	uint8_t	*at;

	if ((at = wbuf_reserve(w, n)) == NULL)
		return -1;
	if (n > 0)
		memcpy(at, src, n);
	return 0;
}

int
wbuf_put_zero(struct wbuf *w, size_t n)
{
	uint8_t	*at;

	if ((at = wbuf_reserve(w, n)) == NULL)
		return -1;
	memset(at, 0, n);
	return 0;
}

int
wbuf_put_n8(struct wbuf *w, uint8_t v)
{
	return wbuf_put(w, &v, 1);
}

void
wbuf_set_n16(uint8_t *at, uint16_t v)
{
	at[0] = (uint8_t)(v >> 8);
	at[1] = (uint8_t)v;
}

void
wbuf_set_n32(uint8_t *at, uint32_t v)
{
	at[0] = (uint8_t)(v >> 24);
	at[1] = (uint8_t)(v >> 16);
	at[2] = (uint8_t)(v >> 8);
	at[3] = (uint8_t)v;
}

int
wbuf_put_n16(struct wbuf *w, uint16_t v)
{
	uint8_t	*at;

	if ((at = wbuf_reserve(w, 2)) == NULL)
		return -1;
	wbuf_set_n16(at, v);
	return 0;
}

int
wbuf_put_n32(struct wbuf *w, uint32_t v)
{
	uint8_t	*at;

	if ((at = wbuf_reserve(w, 4)) == NULL)
		return -1;
	wbuf_set_n32(at, v);
	return 0;
}

int
wbuf_put_n64(struct wbuf *w, uint64_t v)
{
	if (w->err || 8 > w->cap - w->len) {
		w->err = 1;
		return -1;
	}
	wbuf_put_n32(w, (uint32_t)(v >> 32));
	return wbuf_put_n32(w, (uint32_t)v);
}
