/*
 * pbuf: the one bounds-checked cursor through which every parser reads and
 * every builder writes.  A reader never goes past len; each getter returns
 * -1 (and leaves the cursor unchanged) when fewer bytes remain than asked.
 * Multi-byte getters convert from network byte order.  Nested structures
 * (extension headers, Teredo headers, zapi nexthops) are read from a carved
 * sub-cursor (pbuf_sub) so that a bad inner length can never escape its parent.
 */
#ifndef JF_PBUF_H
#define JF_PBUF_H

#include <stddef.h>
#include <stdint.h>

struct pbuf {
	const uint8_t	*p;
	size_t		 len;
};

void	pbuf_init(struct pbuf *, const void *, size_t);
size_t	pbuf_left(const struct pbuf *);
int	pbuf_get_n8(struct pbuf *, uint8_t *);
int	pbuf_get_n16(struct pbuf *, uint16_t *);
int	pbuf_get_n32(struct pbuf *, uint32_t *);
int	pbuf_get_n64(struct pbuf *, uint64_t *);
int	pbuf_get(struct pbuf *, void *, size_t);
int	pbuf_skip(struct pbuf *, size_t);
int	pbuf_sub(struct pbuf *, size_t, struct pbuf *);
int	pbuf_peek(const struct pbuf *, size_t, void *, size_t);
int	pbuf_peek_n8(const struct pbuf *, size_t, uint8_t *);
int	pbuf_peek_n16(const struct pbuf *, size_t, uint16_t *);

/*
 * wbuf: the writing twin.  Writes past cap set err and write nothing more,
 * so a builder can emit a whole message and check wbuf_ok() once at the end.
 */
struct wbuf {
	uint8_t	*p;
	size_t	 cap;
	size_t	 len;
	int	 err;
};

void	 wbuf_init(struct wbuf *, void *, size_t);
int	 wbuf_ok(const struct wbuf *);
int	 wbuf_put_n8(struct wbuf *, uint8_t);
int	 wbuf_put_n16(struct wbuf *, uint16_t);
int	 wbuf_put_n32(struct wbuf *, uint32_t);
int	 wbuf_put_n64(struct wbuf *, uint64_t);
int	 wbuf_put(struct wbuf *, const void *, size_t);
int	 wbuf_put_zero(struct wbuf *, size_t);
/* Reserve n bytes now (e.g. a length field) and fill them later. */
uint8_t	*wbuf_reserve(struct wbuf *, size_t);
void	 wbuf_set_n16(uint8_t *, uint16_t);
void	 wbuf_set_n32(uint8_t *, uint32_t);

#endif /* JF_PBUF_H */
