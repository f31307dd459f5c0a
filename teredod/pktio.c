/*
 * Input packet / Output packet.  See pktio.h.
 */
#include <sys/random.h>
#include <arpa/inet.h>
#include <linux/if_packet.h>

#include <errno.h>
#include <string.h>

#include <event2/event.h>

#include "clock.h"
#include "config.h"
#include "ctl.h"
#include "log.h"
#include "pktio.h"
#include "relay.h"
#include "udp4.h"

#ifndef TP_STATUS_GSO_TCP
#define TP_STATUS_GSO_TCP	(1 << 8)
#endif

#define PKTIO_ROUNDS		8	/* batches per wake-up, then yield */
#define PKTIO_REFRESH_S		1
/* Frame headroom asked of the rings: RELAY_HR for a header in place. */
#define PKTIO_RESERVE		RELAY_HR

static enum td_csum_state
pktio_csum_state(struct pktio *io, uint32_t status)
{
	if (status & TP_STATUS_CSUMNOTREADY) {
		io->csum_local++;
		return TD_CSUM_LOCAL;
	}
	if (status & TP_STATUS_CSUM_VALID) {
		io->csum_nic++;
		return TD_CSUM_VALID;
	}
	io->csum_checked++;
	return TD_CSUM_CHECK;
}

/*
 * Clients' UDP from the ring: the socket's work, then the engine's, in
 * place: the ring's blocks stay ours until the batch is sent.
 */
static void
pktio_ring4_cb(evutil_socket_t fd, short what, void *arg)
{
	struct relay		*r = arg;
	struct pktio		*io = &r->pio;
	struct pktring_frame	 f;
	struct td_udp4_in	 in;
	struct sockaddr_in	 from;
	unsigned int		 n, rounds;
	int			 c;

	(void)fd;
	(void)what;
	memset(&from, 0, sizeof(from));
	from.sin_family = AF_INET;
	for (rounds = 0; rounds < PKTIO_ROUNDS; rounds++) {
		r->now = clock_mono_ms();
		for (n = 0; n < PKTIO_BATCH &&
		    pktring_next_held(&io->ring4, &f) == 1; n++) {
			c = td_udp4_parse(f.data, f.len,
			    pktio_csum_state(io, f.status), r->pol.bind_addr,
			    r->pol.bind_port, &in);
			if (c != 0) {
				counters_inc(&r->ctr, C_RX_PACKETS);
				counters_inc(&r->ctr, (size_t)c);
				continue;
			}
			from.sin_addr = in.src;
			from.sin_port = htons(in.sport);
			relay_from_client(r, pktring_frame_data(&io->ring4,
			    &f) + (in.payload - f.data), in.len, &from);
		}
		relay_flush(r);
		pktring_release_held(&io->ring4);
		if (n < PKTIO_BATCH)
			break;
	}
}

/*
 * A local sender left the transport checksum to offload (veth from a
 * container on this host: TP_STATUS_CSUMNOTREADY; the field holds the
 * pseudo-header sum).  The kernel's forwarding would complete it
 * (skb_checksum_help); so do we, for TCP, UDP and ICMPv6.  0 or -1.
 */
static int
pktio_csum_complete6(uint8_t *pkt, size_t len)
{
	struct pbuf		b, pl, upper;
	struct ip6_hdr_info	h;
	uint8_t			proto;
	size_t			off, field;
	uint16_t		c;

	pbuf_init(&b, pkt, len);
	if (ip6_parse(&b, &h, &pl) != IP6_OK ||
	    ip6_upper(h.nxt, &pl, &proto, &upper) == -1)
		return -1;
	switch (proto) {
	case IPPROTO_TCP:
		field = 16;
		break;
	case IPPROTO_UDP:
		field = 6;
		break;
	case IPPROTO_ICMPV6:
		field = 2;
		break;
	default:
		return -1;
	}
	if (upper.len < field + 2)
		return -1;
	off = (size_t)(upper.p - pkt);
	c = inet_csum(upper.p, upper.len);
	if (c == 0 && proto == IPPROTO_UDP)
		c = 0xffff;
	wbuf_set_n16(pkt + off + field, c);
	return 0;
}

/*
 * One native frame: in place when it has the headroom a datagram header
 * needs (PACKET_RESERVE), else copied into tbuf[*k].
 */
static void
pktio_native_frame(struct relay *r, struct pktring_frame *f, unsigned int *k)
{
	struct pktio	*io = &r->pio;
	struct pbuf	 b;
	uint8_t		*pkt;
	uint16_t	 plen;

	/* Link padding after a short packet is not ours. */
	pbuf_init(&b, f->data, f->len);
	if (pbuf_peek_n16(&b, 4, &plen) == 0 && plen > 0 &&
	    (size_t)plen + IP6_HDR_LEN < f->len)
		f->len = (size_t)plen + IP6_HDR_LEN;
	/* Merged by GRO/GSO: one frame, many packets. */
	if (f->status & TP_STATUS_GSO_TCP) {
		counters_inc(&r->ctr, C_TX_PACKETS);
		counters_inc(&r->ctr, D_TX_GSO);
		return;
	}
	if (f->headroom >= RELAY_HR)
		pkt = pktring_frame_data(&io->ring6, f);
	else if (f->len > RELAY_BUF) {
		relay_native_oversize(r, f->data, f->len);
		return;
	} else {
		pkt = r->tbuf[(*k)++] + RELAY_HR;
		memcpy(pkt, f->data, f->len);
	}
	if (f->status & TP_STATUS_CSUMNOTREADY) {
		if (pktio_csum_complete6(pkt, f->len) == -1) {
			counters_inc(&r->ctr, C_TX_PACKETS);
			counters_inc(&r->ctr, D_TX_CSUM_PARTIAL);
			return;
		}
		io->csum6_completed++;
	}
	relay_from_native(r, pkt, f->len, 1);
}

/* Native IPv6 to 2001::/32 from the ring: we are its forwarding hop. */
static void
pktio_ring6_cb(evutil_socket_t fd, short what, void *arg)
{
	struct relay		*r = arg;
	struct pktio		*io = &r->pio;
	struct pktring_frame	 f;
	unsigned int		 n, k, rounds;

	(void)fd;
	(void)what;
	for (rounds = 0; rounds < PKTIO_ROUNDS; rounds++) {
		r->now = clock_mono_ms();
		for (n = k = 0; n < PKTIO_BATCH &&
		    pktring_next_held(&io->ring6, &f) == 1; n++)
			pktio_native_frame(r, &f, &k);
		relay_flush(r);
		pktring_release_held(&io->ring6);
		if (n < PKTIO_BATCH)
			break;
	}
}

/*
 * Datagrams of the batch to clients: teredod writes the IPv4+UDP header
 * in the headroom and hands what pktout takes to the driver; msg[] keeps
 * the rest, in order, for the UDP socket.
 */
void
pktio_flush4(struct relay *r)
{
	struct pktio		*io = &r->pio;
	struct relay_out	*o = &r->out;
	struct in_addr		 dst;
	uint8_t			*hdr;
	size_t			 np = 0, at = 0, len;
	unsigned int		 i, nk = 0;
	int			 err;

	for (i = 0; i < o->n; i++) {
		len = o->iov[i].iov_len;
		hdr = (uint8_t *)o->iov[i].iov_base - TD_UDP4_HDR;
		dst = o->to[i].sin_addr;
		if (len <= 65535 - TD_UDP4_HDR) {
			td_udp4_write(hdr, len, r->pol.bind_addr,
			    r->pol.bind_port, dst, ntohs(o->to[i].sin_port),
			    ip4_idgen_next(&io->idgen, dst));
			if (pktout_prepare(io->out4, &io->m[np], hdr,
			    len + TD_UDP4_HDR) == 1) {
				io->m[np++].cookie = i;
				continue;
			}
		}
		relay_out_msg(o, nk++, i);
	}
	while (at < np) {
		at += pktout_send(io->out4, io->m + at, np - at, &err);
		if (at < np) {
			/* Refused by the driver: the socket's way. */
			io->sock_fallback++;
			relay_out_msg(o, nk++, (unsigned int)io->m[at].cookie);
			at++;
		}
	}
	o->n = nk;
}

void
pktio_native_add(struct relay *r, uint8_t *pkt, size_t len)
{
	struct pktio	*io = &r->pio;

	if (io->n6 == PKTIO_BATCH)
		pktio_flush6(r);
	io->n6pkt[io->n6] = pkt;
	io->n6len[io->n6++] = len;
}

void
pktio_flush6(struct relay *r)
{
	struct pktio	*io = &r->pio;
	size_t		 np = 0, at = 0, k;
	unsigned int	 i;
	int		 err;

	for (i = 0; i < io->n6; i++) {
		if (pktout_prepare(io->out6, &io->m[np], io->n6pkt[i],
		    io->n6len[i]) == 1) {
			io->m[np++].cookie = i;
			continue;
		}
		relay_tun_write(r, io->n6pkt[i], io->n6len[i]);
	}
	while (at < np) {
		at += pktout_send(io->out6, io->m + at, np - at, &err);
		if (at < np) {
			io->tun_fallback++;
			k = io->m[at++].cookie;
			relay_tun_write(r, io->n6pkt[k], io->n6len[k]);
		}
	}
	io->n6 = 0;
}

static void
pktio_refresh_cb(evutil_socket_t fd, short what, void *arg)
{
	struct pktio	*io = arg;
	int		 i;

	(void)fd;
	(void)what;
	for (i = 0; i < io->npo; i++)
		pktout_refresh(&io->po[i]);
}

static int
pktio_open_input(struct pktio *io, const struct td_config *c)
{
	struct sock_filter	prog[PKTRING_FILTER_MAX];
	size_t			n;

	io->ring4.fd = io->ring6.fd = -1;
	n = pktring_filter_udp4(prog, c->bind_address,
	    (uint16_t)c->bind_port);
	if (pktring_open_reserve(&io->ring4, c->input_if, prog, n, 0,
	    PKTIO_RESERVE) == -1) {
		log_warn("packet input on %s", c->input_if);
		return -1;
	}
	n = pktring_filter_ip6_32(prog, 0x20010000);
	if (pktring_open_reserve(&io->ring6, td_native_input_if(c), prog, n,
	    0, PKTIO_RESERVE) == -1) {
		log_warn("packet input on %s", td_native_input_if(c));
		return -1;
	}
	io->in = 1;
	return 0;
}

static int
pktio_open_output(struct pktio *io, const struct td_config *c)
{
	const char	*nif = td_native_output_if(c);
	const void	*gw4 = NULL, *gw6 = NULL;
	uint8_t		 seed[IP4_IDGEN_SEED_LEN];

	if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed)) {
		log_warn("getrandom");
		return -1;
	}
	ip4_idgen_init(&io->idgen, seed);
	if (c->output_gw4.s_addr != INADDR_ANY)
		gw4 = &c->output_gw4;
	if (!IN6_IS_ADDR_UNSPECIFIED(&c->output_gw6))
		gw6 = &c->output_gw6;
	if (strcmp(nif, c->output_if) == 0) {
		if (pktout_open(&io->po[0], c->output_if, gw4, gw6) == -1) {
			log_warn("packet output on %s", c->output_if);
			return -1;
		}
		io->npo = 1;
		io->out4 = io->out6 = &io->po[0];
		return 0;
	}
	if (pktout_open(&io->po[0], c->output_if, gw4, NULL) == -1) {
		log_warn("packet output on %s", c->output_if);
		return -1;
	}
	io->npo = 1;
	if (pktout_open(&io->po[1], nif, NULL, gw6) == -1) {
		log_warn("packet output on %s", nif);
		return -1;
	}
	io->npo = 2;
	io->out4 = &io->po[0];
	io->out6 = &io->po[1];
	return 0;
}

int
pktio_open(struct pktio *io, const struct td_config *c)
{
	memset(io, 0, sizeof(*io));
	io->ring4.fd = io->ring6.fd = -1;
	if (c->input == TD_IO_PACKET && pktio_open_input(io, c) == -1)
		return -1;
	if (c->output == TD_IO_PACKET && pktio_open_output(io, c) == -1)
		return -1;
	return 0;
}

int
pktio_start(struct pktio *io, struct relay *r, struct event_base *base)
{
	struct timeval	tv = { PKTIO_REFRESH_S, 0 };

	if (io->in) {
		io->ev_ring4 = event_new(base, io->ring4.fd,
		    EV_READ | EV_PERSIST, pktio_ring4_cb, r);
		io->ev_ring6 = event_new(base, io->ring6.fd,
		    EV_READ | EV_PERSIST, pktio_ring6_cb, r);
		if (io->ev_ring4 == NULL || io->ev_ring6 == NULL ||
		    event_add(io->ev_ring4, NULL) == -1 ||
		    event_add(io->ev_ring6, NULL) == -1)
			return -1;
	}
	if (io->npo > 0) {
		io->ev_refresh = event_new(base, -1, EV_PERSIST,
		    pktio_refresh_cb, io);
		if (io->ev_refresh == NULL ||
		    event_add(io->ev_refresh, &tv) == -1)
			return -1;
	}
	return 0;
}

void
pktio_close(struct pktio *io)
{
	int	i;

	if (io->ev_ring4 != NULL)
		event_free(io->ev_ring4);
	if (io->ev_ring6 != NULL)
		event_free(io->ev_ring6);
	if (io->ev_refresh != NULL)
		event_free(io->ev_refresh);
	io->ev_ring4 = io->ev_ring6 = io->ev_refresh = NULL;
	pktring_close(&io->ring4);
	pktring_close(&io->ring6);
	for (i = 0; i < io->npo; i++)
		pktout_close(&io->po[i]);
	io->npo = 0;
	io->out4 = io->out6 = NULL;
}

static void
pktio_status_ring(struct ctl_reply *rep, const char *name,
    struct pktring *ring, uint64_t *kdrops)
{
	*kdrops += pktring_kernel_drops(ring);
	ctl_reply_printf(rep, "%s_frames %llu", name,
	    (unsigned long long)ring->stats.frames);
	ctl_reply_printf(rep, "%s_blocks %llu", name,
	    (unsigned long long)ring->stats.blocks);
	ctl_reply_printf(rep, "%s_truncated %llu", name,
	    (unsigned long long)ring->stats.truncated);
	ctl_reply_printf(rep, "%s_bad_frame %llu", name,
	    (unsigned long long)ring->stats.bad_frame);
	ctl_reply_printf(rep, "%s_kernel_drops %llu", name,
	    (unsigned long long)*kdrops);
}

static void
pktio_status_nexthop(struct ctl_reply *rep, const char *name,
    const struct nexthop *nh)
{
	char	gw[INET6_ADDRSTRLEN] = "none";

	if (nh->gw_known)
		inet_ntop(nh->family, nh->gw, gw, sizeof(gw));
	ctl_reply_printf(rep, "%s_gateway %s", name, gw);
	ctl_reply_printf(rep, "%s_mac %02x:%02x:%02x:%02x:%02x:%02x", name,
	    nh->mac[0], nh->mac[1], nh->mac[2], nh->mac[3], nh->mac[4],
	    nh->mac[5]);
	ctl_reply_printf(rep, "%s_state %s", name,
	    nexthop_state_name(nh->nud_state));
	ctl_reply_printf(rep, "%s_usable %d", name, nh->usable);
	ctl_reply_printf(rep, "%s_refreshes %llu", name,
	    (unsigned long long)nh->stats.refreshes);
	ctl_reply_printf(rep, "%s_refresh_errors %llu", name,
	    (unsigned long long)nh->stats.refresh_errors);
	ctl_reply_printf(rep, "%s_kicks %llu", name,
	    (unsigned long long)nh->stats.kicks);
}

/* One pktout's lines; prefix names the side (out4, out6, out). */
static void
pktio_status_out(struct ctl_reply *rep, const char *name,
    const struct pktout *po)
{
	ctl_reply_printf(rep, "%s_interface %s", name, po->ifname);
	ctl_reply_printf(rep, "%s_io %s", name, pktout_io_name(po));
	ctl_reply_printf(rep, "%s_mtu %u", name, po->mtu);
	ctl_reply_printf(rep, "%s_sent %llu", name,
	    (unsigned long long)po->stats.sent);
	ctl_reply_printf(rep, "%s_kernel_path %llu", name,
	    (unsigned long long)po->stats.kernel_path);
	ctl_reply_printf(rep, "%s_too_big %llu", name,
	    (unsigned long long)po->stats.too_big);
	ctl_reply_printf(rep, "%s_send_errors %llu", name,
	    (unsigned long long)po->stats.send_errors);
	ctl_reply_printf(rep, "%s_ring_full %llu", name,
	    (unsigned long long)po->stats.ring_full);
	ctl_reply_printf(rep, "%s_syscalls %llu", name,
	    (unsigned long long)po->stats.syscalls);
}

void
pktio_status(struct ctl_reply *rep, struct pktio *io)
{
	ctl_reply_printf(rep, "input %s", io->in ? "packet" : "kernel");
	if (io->in) {
		pktio_status_ring(rep, "in4", &io->ring4, &io->kdrops4);
		pktio_status_ring(rep, "in6", &io->ring6, &io->kdrops6);
		ctl_reply_printf(rep, "in4_udp_csum_checked %llu",
		    (unsigned long long)io->csum_checked);
		ctl_reply_printf(rep, "in4_udp_csum_nic %llu",
		    (unsigned long long)io->csum_nic);
		ctl_reply_printf(rep, "in4_udp_csum_local %llu",
		    (unsigned long long)io->csum_local);
		ctl_reply_printf(rep, "in6_csum_completed %llu",
		    (unsigned long long)io->csum6_completed);
	}
	ctl_reply_printf(rep, "output %s", io->npo > 0 ? "packet" : "kernel");
	if (io->npo == 0)
		return;
	pktio_status_out(rep, "out4", io->out4);
	pktio_status_nexthop(rep, "out4_nexthop", &io->out4->nh4);
	if (io->out6 != io->out4)
		pktio_status_out(rep, "out6", io->out6);
	pktio_status_nexthop(rep, "out6_nexthop", &io->out6->nh6);
	ctl_reply_printf(rep, "out4_socket_fallback %llu",
	    (unsigned long long)io->sock_fallback);
	ctl_reply_printf(rep, "out6_tun_fallback %llu",
	    (unsigned long long)io->tun_fallback);
}
