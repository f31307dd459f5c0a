/*
 * nexthop: a family's gateway and its MAC, read over rtnetlink once a
 * second (see nexthop.h).  The requests are built through wbuf, the
 * replies parsed through pbuf by pure functions; only nexthop_refresh
 * and its two queries make system calls.
 *
 * Netlink is host byte order: fields are copied out with pbuf_get into a
 * native integer, never read through pbuf_get_n16/n32 (network order).
 */
#include <sys/socket.h>
#include <sys/time.h>

#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "log.h"
#include "nexthop.h"
#include "pbuf.h"

_Static_assert(NEXTHOP_NUD_USABLE == (NUD_REACHABLE | NUD_STALE |
    NUD_DELAY | NUD_PROBE | NUD_PERMANENT | NUD_NOARP),
    "NEXTHOP_NUD_USABLE is the kernel's usable states");

#define NEXTHOP_TIMEOUT_MS	100
#define NEXTHOP_RECV_SIZE	32768	/* the kernel's largest dump skb */
#define NEXTHOP_NLHDR_LEN	16
#define NEXTHOP_RTMSG_LEN	12
#define NEXTHOP_NDMSG_LEN	12
#define NEXTHOP_RTNH_LEN	8
#define NEXTHOP_ALIGN(n)	(((n) + 3) & ~(size_t)3)

/* One netlink message header, copied out of the buffer. */
struct nexthop_nlhdr {
	uint32_t	len;
	uint16_t	type;
	uint16_t	flags;
	uint32_t	seq;
	uint32_t	pid;
};

typedef int (*nexthop_msg_fn)(struct pbuf *, uint16_t type,
    const struct nexthop_query *, struct nexthop_answer *);

static atomic_uint	nexthop_seq;	/* one counter for every thread */

static size_t
nexthop_addr_len(int family)
{
	return family == AF_INET ? 4 : 16;
}

void
nexthop_init(struct nexthop *nh, int family, unsigned int ifindex,
    const void *gw)
{
	memset(nh, 0, sizeof(*nh));
	nh->family = family;
	nh->ifindex = ifindex;
	if (gw != NULL) {
		memcpy(nh->gw, gw, nexthop_addr_len(family));
		nh->gw_fixed = 1;
		nh->gw_known = 1;
	}
}

/* ---- the pure half: parsers ------------------------------------------ */

/*
 * The next netlink message of b: its header in h, its payload (after the
 * 16-byte header) in body.  -1 when the lengths do not fit.
 */
static int
nexthop_next_msg(struct pbuf *b, struct nexthop_nlhdr *h, struct pbuf *body)
{
	struct pbuf	msg;

	if (pbuf_get(b, &h->len, 4) == -1 || h->len < NEXTHOP_NLHDR_LEN ||
	    h->len - 4 > pbuf_left(b))
		return -1;
	pbuf_sub(b, h->len - 4, &msg);
	pbuf_get(&msg, &h->type, 2);
	pbuf_get(&msg, &h->flags, 2);
	pbuf_get(&msg, &h->seq, 4);
	pbuf_get(&msg, &h->pid, 4);
	*body = msg;
	/* The last message may come without its padding. */
	pbuf_skip(b, NEXTHOP_ALIGN(h->len) - h->len <= pbuf_left(b) ?
	    NEXTHOP_ALIGN(h->len) - h->len : pbuf_left(b));
	return 0;
}

/* The next route attribute of b: type and payload.  -1: bad length. */
static int
nexthop_next_attr(struct pbuf *b, uint16_t *type, struct pbuf *val)
{
	uint16_t	len;
	size_t		pad;

	if (pbuf_get(b, &len, 2) == -1 || len < 4 ||
	    (size_t)len - 2 > pbuf_left(b))
		return -1;
	pbuf_get(b, type, 2);
	*type &= NLA_TYPE_MASK;
	pbuf_sub(b, len - 4, val);
	pad = NEXTHOP_ALIGN(len) - len;
	pbuf_skip(b, pad <= pbuf_left(b) ? pad : pbuf_left(b));
	return 0;
}

static int
nexthop_attr_u32(struct pbuf *val, uint32_t *v)
{
	return pbuf_left(val) == 4 ? pbuf_get(val, v, 4) : -1;
}

/*
 * Walk every message of one recv buffer; fn judges the ones answering q.
 * fn returns -1 for a malformed message.
 */
static int
nexthop_walk(const void *buf, size_t len, const struct nexthop_query *q,
    struct nexthop_answer *a, nexthop_msg_fn fn)
{
	struct pbuf		b, body;
	struct nexthop_nlhdr	h;
	int32_t			error;

	pbuf_init(&b, buf, len);
	while (pbuf_left(&b) > 0) {
		if (nexthop_next_msg(&b, &h, &body) == -1)
			return NEXTHOP_PARSE_BAD;
		if (h.seq != q->seq || (q->portid != 0 && h.pid != q->portid))
			continue;
		switch (h.type) {
		case NLMSG_NOOP:
			break;
		case NLMSG_DONE:
			return NEXTHOP_PARSE_DONE;
		case NLMSG_ERROR:
			if (pbuf_get(&body, &error, 4) == -1)
				return NEXTHOP_PARSE_BAD;
			if (error == 0)
				return NEXTHOP_PARSE_DONE;	/* an ACK */
			a->nlerr = error < 0 && error > -4096 ? -error : EPROTO;
			return NEXTHOP_PARSE_BAD;
		case NLMSG_OVERRUN:
			return NEXTHOP_PARSE_BAD;
		default:
			if (fn(&body, h.type, q, a) == -1)
				return NEXTHOP_PARSE_BAD;
			break;
		}
	}
	return NEXTHOP_PARSE_MORE;
}

/* The route's gateway attribute, if it has the family's length. */
static int
nexthop_take_gw(struct pbuf *val, int family, uint8_t *gw)
{
	if (pbuf_left(val) != nexthop_addr_len(family))
		return -1;
	return pbuf_get(val, gw, pbuf_left(val));
}

/*
 * RTA_MULTIPATH: the first live nexthop through ifindex with a gateway.
 * 1: found, 0: none, -1: malformed.
 */
static int
nexthop_multipath(struct pbuf *mp, const struct nexthop_query *q,
    uint8_t *gw)
{
	struct pbuf	nh, attrs, val;
	uint16_t	len, type;
	uint8_t		flags, hops;
	int32_t		ifindex;
	int		got;

	while (pbuf_left(mp) > 0) {
		if (pbuf_peek(mp, 0, &len, 2) == -1 ||
		    len < NEXTHOP_RTNH_LEN || pbuf_sub(mp, len, &nh) == -1)
			return -1;
		pbuf_skip(mp, NEXTHOP_ALIGN(len) - len <= pbuf_left(mp) ?
		    NEXTHOP_ALIGN(len) - len : pbuf_left(mp));
		pbuf_skip(&nh, 2);
		pbuf_get(&nh, &flags, 1);
		pbuf_get(&nh, &hops, 1);
		pbuf_get(&nh, &ifindex, 4);
		attrs = nh;
		got = 0;
		while (pbuf_left(&attrs) > 0) {
			if (nexthop_next_attr(&attrs, &type, &val) == -1)
				return -1;
			if (type == RTA_GATEWAY &&
			    nexthop_take_gw(&val, q->family, gw) == 0)
				got = 1;
		}
		if (got && (unsigned int)ifindex == q->ifindex &&
		    (flags & (RTNH_F_DEAD | RTNH_F_LINKDOWN)) == 0)
			return 1;
	}
	return 0;
}

/* One RTM_NEWROUTE: keep it in a if it is a better default via ifindex. */
static int
nexthop_route_msg(struct pbuf *body, uint16_t type,
    const struct nexthop_query *q, struct nexthop_answer *a)
{
	struct pbuf	val;
	uint8_t		rtm[NEXTHOP_RTMSG_LEN], gw[NEXTHOP_ADDR_MAX] = { 0 };
	uint32_t	table, oif = 0, prio = 0;
	uint16_t	atype;
	int		has_gw = 0, r;

	if (type != RTM_NEWROUTE)
		return 0;
	if (pbuf_get(body, rtm, sizeof(rtm)) == -1)
		return -1;
	table = rtm[4];
	while (pbuf_left(body) > 0) {
		if (nexthop_next_attr(body, &atype, &val) == -1)
			return -1;
		switch (atype) {
		case RTA_TABLE:
			if (nexthop_attr_u32(&val, &table) == -1)
				return -1;
			break;
		case RTA_OIF:
			if (nexthop_attr_u32(&val, &oif) == -1)
				return -1;
			break;
		case RTA_PRIORITY:
			if (nexthop_attr_u32(&val, &prio) == -1)
				return -1;
			break;
		case RTA_GATEWAY:
			if (nexthop_take_gw(&val, q->family, gw) == 0)
				has_gw = 1;
			break;
		case RTA_MULTIPATH:
			if (has_gw && oif == q->ifindex)
				break;
			if ((r = nexthop_multipath(&val, q, gw)) == -1)
				return -1;
			if (r == 1) {
				has_gw = 1;
				oif = q->ifindex;
			}
			break;
		}
	}
	/* rtm: family dst_len src_len tos table protocol scope type flags */
	if (rtm[0] != q->family || rtm[1] != 0 || rtm[7] != RTN_UNICAST ||
	    table != RT_TABLE_MAIN || oif != q->ifindex || !has_gw)
		return 0;
	if (a->found && prio >= a->priority)
		return 0;
	a->found = 1;
	a->priority = prio;
	memcpy(a->gw, gw, sizeof(gw));
	return 0;
}

int
nexthop_parse_routes(const void *buf, size_t len,
    const struct nexthop_query *q, struct nexthop_answer *a)
{
	return nexthop_walk(buf, len, q, a, nexthop_route_msg);
}

/* One RTM_NEWNEIGH: q->gw's entry on ifindex? */
static int
nexthop_neigh_msg(struct pbuf *body, uint16_t type,
    const struct nexthop_query *q, struct nexthop_answer *a)
{
	struct pbuf	val;
	uint8_t		family, dst[NEXTHOP_ADDR_MAX], mac[NEXTHOP_MAC_LEN];
	int32_t		ifindex;
	uint16_t	state, atype;
	int		has_dst = 0, has_mac = 0;

	if (type != RTM_NEWNEIGH)
		return 0;
	/* ndmsg: family pad1 pad2(2) ifindex(4) state(2) flags type */
	if (pbuf_left(body) < NEXTHOP_NDMSG_LEN)
		return -1;
	pbuf_get(body, &family, 1);
	pbuf_skip(body, 3);
	pbuf_get(body, &ifindex, 4);
	pbuf_get(body, &state, 2);
	pbuf_skip(body, 2);
	while (pbuf_left(body) > 0) {
		if (nexthop_next_attr(body, &atype, &val) == -1)
			return -1;
		if (atype == NDA_DST &&
		    pbuf_left(&val) == nexthop_addr_len(q->family)) {
			pbuf_get(&val, dst, pbuf_left(&val));
			has_dst = 1;
		} else if (atype == NDA_LLADDR &&
		    pbuf_left(&val) == NEXTHOP_MAC_LEN) {
			pbuf_get(&val, mac, NEXTHOP_MAC_LEN);
			has_mac = 1;
		}
	}
	if (family != q->family || (unsigned int)ifindex != q->ifindex ||
	    !has_dst || memcmp(dst, q->gw, nexthop_addr_len(q->family)) != 0)
		return 0;
	a->found = 1;
	a->nud_state = state;
	a->has_mac = has_mac;
	if (has_mac)
		memcpy(a->mac, mac, sizeof(mac));
	return 0;
}

int
nexthop_parse_neigh(const void *buf, size_t len,
    const struct nexthop_query *q, struct nexthop_answer *a)
{
	return nexthop_walk(buf, len, q, a, nexthop_neigh_msg);
}

/* ---- requests -------------------------------------------------------- */

/* nlmsghdr + a 12-byte family header, host byte order; NULL if no room. */
static uint8_t *
nexthop_put_hdr(struct wbuf *w, uint16_t type, const struct nexthop_query *q)
{
	uint8_t		*len;
	uint16_t	 flags = NLM_F_REQUEST | NLM_F_DUMP;
	uint32_t	 zero = 0;

	len = wbuf_reserve(w, 4);
	wbuf_put(w, &type, 2);
	wbuf_put(w, &flags, 2);
	wbuf_put(w, &q->seq, 4);
	wbuf_put(w, &zero, 4);		/* nlmsg_pid: the kernel's */
	return len;
}

static void
nexthop_put_attr_u32(struct wbuf *w, uint16_t type, uint32_t v)
{
	uint16_t	len = 8;

	wbuf_put(w, &len, 2);
	wbuf_put(w, &type, 2);
	wbuf_put(w, &v, 4);
}

static size_t
nexthop_finish(struct wbuf *w, uint8_t *len)
{
	uint32_t	n = (uint32_t)w->len;

	if (!wbuf_ok(w) || len == NULL)
		return 0;
	memcpy(len, &n, 4);
	return w->len;
}

/*
 * With NETLINK_GET_STRICT_CHK the kernel filters the dump on RTA_TABLE
 * and RTA_OIF (the rtmsg fields other than family must then be 0);
 * without it, it ignores both and the parser filters.
 */
size_t
nexthop_build_route_dump(void *buf, size_t cap, const struct nexthop_query *q)
{
	struct wbuf	 w;
	uint8_t		*len;

	wbuf_init(&w, buf, cap);
	len = nexthop_put_hdr(&w, RTM_GETROUTE, q);
	wbuf_put_n8(&w, (uint8_t)q->family);
	wbuf_put_zero(&w, NEXTHOP_RTMSG_LEN - 1);
	nexthop_put_attr_u32(&w, RTA_TABLE, RT_TABLE_MAIN);
	nexthop_put_attr_u32(&w, RTA_OIF, q->ifindex);
	return nexthop_finish(&w, len);
}

/* NDA_IFINDEX filters a neighbour dump with or without strict checking. */
size_t
nexthop_build_neigh_dump(void *buf, size_t cap, const struct nexthop_query *q)
{
	struct wbuf	 w;
	uint8_t		*len;

	wbuf_init(&w, buf, cap);
	len = nexthop_put_hdr(&w, RTM_GETNEIGH, q);
	wbuf_put_n8(&w, (uint8_t)q->family);
	wbuf_put_zero(&w, NEXTHOP_NDMSG_LEN - 1);
	nexthop_put_attr_u32(&w, NDA_IFINDEX, q->ifindex);
	return nexthop_finish(&w, len);
}

/* ---- the system half ------------------------------------------------- */

int
nexthop_socket(void)
{
	struct sockaddr_nl	sa;
	struct timeval		tv = { 0, NEXTHOP_TIMEOUT_MS * 1000 };
	int			fd, one = 1;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	if (fd == -1)
		return -1;
	memset(&sa, 0, sizeof(sa));
	sa.nl_family = AF_NETLINK;
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) == -1 ||
	    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) == -1) {
		close(fd);
		return -1;
	}
	/* Kernel-side dump filters (>= 4.20); the parser filters anyway. */
	(void)setsockopt(fd, SOL_NETLINK, NETLINK_GET_STRICT_CHK, &one,
	    sizeof(one));
	return fd;
}

static uint32_t
nexthop_portid(int nlfd)
{
	struct sockaddr_nl	sa;
	socklen_t		salen = sizeof(sa);

	memset(&sa, 0, sizeof(sa));
	if (getsockname(nlfd, (struct sockaddr *)&sa, &salen) == -1)
		return 0;
	return sa.nl_pid;
}

/*
 * Send one dump request and parse its replies until NLMSG_DONE, within
 * NEXTHOP_TIMEOUT_MS.  0: complete (a says what it found), -1: failed.
 */
static int
nexthop_query_run(int nlfd, const struct nexthop_query *q,
    struct nexthop_answer *a,
    size_t (*build)(void *, size_t, const struct nexthop_query *),
    int (*parse)(const void *, size_t, const struct nexthop_query *,
    struct nexthop_answer *))
{
	uint32_t		 rbuf[NEXTHOP_RECV_SIZE / 4];	/* per thread */
	uint8_t			 req[64];
	struct sockaddr_nl	 from;
	struct iovec		 iov = { rbuf, sizeof(rbuf) };
	struct msghdr		 msg;
	uint64_t		 deadline;
	size_t			 reqlen;
	ssize_t			 n;
	int			 r;

	memset(a, 0, sizeof(*a));
	if ((reqlen = build(req, sizeof(req), q)) == 0 ||
	    send(nlfd, req, reqlen, 0) != (ssize_t)reqlen)
		return -1;
	deadline = clock_mono_ms() + NEXTHOP_TIMEOUT_MS;
	do {
		memset(&msg, 0, sizeof(msg));
		msg.msg_name = &from;
		msg.msg_namelen = sizeof(from);
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		n = recvmsg(nlfd, &msg, 0);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0 || (msg.msg_flags & MSG_TRUNC))
			return -1;
		if (from.nl_pid != 0)	/* not from the kernel */
			continue;
		r = parse(rbuf, (size_t)n, q, a);
		if (r != NEXTHOP_PARSE_MORE)
			return r == NEXTHOP_PARSE_DONE ? 0 : -1;
	} while (clock_mono_ms() < deadline);
	return -1;
}

static void
nexthop_query_init(struct nexthop_query *q, const struct nexthop *nh,
    int nlfd)
{
	memset(q, 0, sizeof(*q));
	q->seq = (uint32_t)atomic_fetch_add(&nexthop_seq, 1) + 1;
	q->portid = nexthop_portid(nlfd);
	q->family = nh->family;
	q->ifindex = nh->ifindex;
	memcpy(q->gw, nh->gw, sizeof(q->gw));
}

/* The default route's gateway into nh->gw.  0, or -1 (nh says why). */
static int
nexthop_refresh_gw(struct nexthop *nh, int nlfd)
{
	struct nexthop_query	q;
	struct nexthop_answer	a;
	char			buf[INET6_ADDRSTRLEN];

	nexthop_query_init(&q, nh, nlfd);
	if (nexthop_query_run(nlfd, &q, &a, nexthop_build_route_dump,
	    nexthop_parse_routes) == -1) {
		nh->stats.refresh_errors++;
		return -1;
	}
	if (!a.found) {
		if (nh->gw_known)
			log_info("nexthop: no IPv%d default route via ifindex "
			    "%u", nh->family == AF_INET ? 4 : 6, nh->ifindex);
		nh->stats.no_gateway++;
		nh->gw_known = 0;
		return -1;
	}
	if (!nh->gw_known || memcmp(nh->gw, a.gw, sizeof(nh->gw)) != 0) {
		memcpy(nh->gw, a.gw, sizeof(nh->gw));
		log_info("nexthop: IPv%d gateway %s",
		    nh->family == AF_INET ? 4 : 6,
		    inet_ntop(nh->family, nh->gw, buf, sizeof(buf)));
	}
	nh->gw_known = 1;
	return 0;
}

/* The gateway's neighbour entry into nh.  0, or -1: netlink failed. */
static int
nexthop_refresh_neigh(struct nexthop *nh, int nlfd)
{
	struct nexthop_query	q;
	struct nexthop_answer	a;

	nexthop_query_init(&q, nh, nlfd);
	if (nexthop_query_run(nlfd, &q, &a, nexthop_build_neigh_dump,
	    nexthop_parse_neigh) == -1) {
		nh->stats.refresh_errors++;
		return -1;
	}
	nh->nud_state = a.found ? a.nud_state : 0;
	if (a.found && a.has_mac && (a.nud_state & NEXTHOP_NUD_USABLE)) {
		memcpy(nh->mac, a.mac, sizeof(nh->mac));
		return 0;
	}
	return -1;
}

int
nexthop_refresh(struct nexthop *nh, int nlfd)
{
	uint8_t	mac[NEXTHOP_MAC_LEN];
	int	was = nh->usable;
	char	line[128];

	memcpy(mac, nh->mac, sizeof(mac));

	nh->stats.refreshes++;
	nh->usable = 0;
	nh->kick = 0;
	if ((nh->gw_fixed || nexthop_refresh_gw(nh, nlfd) == 0) &&
	    nexthop_refresh_neigh(nh, nlfd) == 0) {
		nh->usable = 1;
		nh->kick = 1;
	} else
		nh->stats.unusable++;
	if (was != nh->usable ||
	    (nh->usable && memcmp(mac, nh->mac, sizeof(mac)) != 0))
		log_info("nexthop: %s", nexthop_format(nh, line, sizeof(line)));
	return nh->usable ? 0 : -1;
}

int
nexthop_take_kick(struct nexthop *nh)
{
	if (!nh->usable)
		return 1;
	if (nh->kick) {
		nh->kick = 0;
		nh->stats.kicks++;
		return 1;
	}
	return 0;
}

const char *
nexthop_state_name(uint16_t nud_state)
{
	static const struct {
		uint16_t	 state;
		const char	*name;
	} names[] = {
		{ NUD_INCOMPLETE, "INCOMPLETE" }, { NUD_REACHABLE, "REACHABLE" },
		{ NUD_STALE, "STALE" }, { NUD_DELAY, "DELAY" },
		{ NUD_PROBE, "PROBE" }, { NUD_FAILED, "FAILED" },
		{ NUD_NOARP, "NOARP" }, { NUD_PERMANENT, "PERMANENT" },
	};
	size_t	i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (nud_state & names[i].state)
			return names[i].name;
	return "none";
}

const char *
nexthop_format(const struct nexthop *nh, char *buf, size_t len)
{
	char		addr[INET6_ADDRSTRLEN];
	const uint8_t	*m = nh->mac;

	if (!nh->gw_known) {
		snprintf(buf, len, "IPv%d no gateway",
		    nh->family == AF_INET ? 4 : 6);
		return buf;
	}
	inet_ntop(nh->family, nh->gw, addr, sizeof(addr));
	snprintf(buf, len, "IPv%d gw %s%s mac %02x:%02x:%02x:%02x:%02x:%02x "
	    "%s %s", nh->family == AF_INET ? 4 : 6, addr,
	    nh->gw_fixed ? " (configured)" : "", m[0], m[1], m[2], m[3], m[4],
	    m[5], nexthop_state_name(nh->nud_state),
	    nh->usable ? "usable" : "unusable");
	return buf;
}
