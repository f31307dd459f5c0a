/*
 * Policy oracle for the packet harnesses: an independent walk of an IPv6
 * packet's extension header chain, written byte by byte with no bound but
 * the packet (not common/inet.c's walker), and the rules every relay
 * applies to what it forwards.  A harness calls policy6_forwardable() on
 * each packet the engine forwards and aborts when it returns 0: the
 * engine let through something the policy refuses (an RH0, an ND message,
 * a chain it could not have walked to its end).
 */
#ifndef JF_FUZZ_POLICY6_H
#define JF_FUZZ_POLICY6_H

#include <stddef.h>
#include <stdint.h>

struct policy6 {
	int		complete;	/* the chain ends inside the payload */
	size_t		nhdrs;		/* extension headers walked */
	int		rh0;		/* a Type 0 Routing Header on the way */
	int		nd;		/* ICMPv6 type 133..137 at the end */
	uint8_t		upper;		/* last next-header value */
};

/* Walk the chain of the IPv6 packet pkt (header included). */
static inline void
policy6_walk(const uint8_t *pkt, size_t len, struct policy6 *w)
{
	size_t	off = 40, end, hl;
	uint8_t	nxt;

	w->complete = 0;
	w->nhdrs = 0;
	w->rh0 = 0;
	w->nd = 0;
	w->upper = 0;
	if (len < 40)
		return;
	end = 40 + ((size_t)pkt[4] << 8 | pkt[5]);
	if (end > len)
		return;
	nxt = pkt[6];
	for (;;) {
		w->upper = nxt;
		switch (nxt) {
		case 0: case 43: case 60:		/* HBH, routing, dst */
		case 135: case 139: case 140:		/* MH, HIP, Shim6 */
		case 253: case 254:			/* experimental */
			if (end - off < 2)
				return;
			hl = ((size_t)pkt[off + 1] + 1) * 8;
			if (nxt == 43) {
				if (end - off < 3)
					return;
				if (pkt[off + 2] == 0)
					w->rh0 = 1;
			}
			break;
		case 51:				/* AH */
			if (end - off < 2)
				return;
			hl = ((size_t)pkt[off + 1] + 2) * 4;
			break;
		case 44:				/* fragment */
			if (end - off < 8)
				return;
			if ((pkt[off + 2] << 8 | pkt[off + 3]) & 0xfff8) {
				w->nhdrs++;
				w->complete = 1;	/* upper not here */
				return;
			}
			hl = 8;
			break;
		default:
			w->complete = 1;
			w->nd = nxt == 58 && end > off && pkt[off] >= 133 &&
			    pkt[off] <= 137;
			return;
		}
		if (end - off < hl)
			return;
		w->nhdrs++;
		nxt = pkt[off];
		off += hl;
	}
}

/*
 * 1 if a relay may forward this IPv6 packet: chain walked to its end
 * within max_hdrs headers, no RH0, and (when no_nd) no ND message.
 */
static inline int
policy6_forwardable(const uint8_t *pkt, size_t len, size_t max_hdrs,
    int no_nd)
{
	struct policy6	w;

	policy6_walk(pkt, len, &w);
	return w.complete && w.nhdrs <= max_hdrs && !w.rh0 &&
	    !(no_nd && w.nd);
}

#endif /* JF_FUZZ_POLICY6_H */
