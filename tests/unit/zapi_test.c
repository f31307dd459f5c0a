/*
 * ZAPI codec against byte vectors (docs/zapi.md 3.4 for FRR 8.4; the same
 * bodies with FRR 10 numbers), and the zebra session (zclient) against a
 * fake zebra on a temporary Unix socket: handshake, replay on reconnect,
 * re-add after an unexpected REMOVED, profile mismatch.
 */
#include <sys/socket.h>
#include <sys/un.h>

#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/event.h>

#include "log.h"
#include "pbuf.h"
#include "bgpglue/zapi.h"
#include "bgpglue/zclient.h"

static size_t
hex(const char *s, uint8_t *out, size_t cap)
{
	size_t		n = 0;
	unsigned int	v;

	while (*s) {
		if (*s == ' ') {
			s++;
			continue;
		}
		ck_assert(sscanf(s, "%2x", &v) == 1);
		ck_assert(n < cap);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

static void
pfx(struct zapi_prefix *p, const char *s)
{
	char	a[64], *sl;

	memset(p, 0, sizeof(*p));
	snprintf(a, sizeof(a), "%s", s);
	sl = strchr(a, '/');
	ck_assert(sl != NULL);
	*sl = '\0';
	p->len = (uint8_t)atoi(sl + 1);
	if (strchr(a, ':')) {
		p->family = ZAPI_AF_INET6;
		ck_assert(inet_pton(AF_INET6, a, p->addr) == 1);
	} else {
		p->family = ZAPI_AF_INET;
		ck_assert(inet_pton(AF_INET, a, p->addr) == 1);
	}
}

static void
route(struct zapi_route *r, const struct zapi_proto *zp, const char *p)
{
	memset(r, 0, sizeof(*r));
	r->type = zp->rt_table;
	pfx(&r->prefix, p);
	r->nh_type = ZAPI_NH_BLACKHOLE;
}

/* Encode must give exactly the vector; decoding it must give r back. */
static void
check_route_vec(enum zapi_profile prof, int add, const struct zapi_route *r,
    const char *vec)
{
	const struct zapi_proto	*zp = zapi_proto(prof);
	uint8_t			 want[128], got[128];
	size_t			 n = hex(vec, want, sizeof(want));
	struct wbuf		 w;
	struct pbuf		 b;
	struct zapi_hdr		 h;
	struct zapi_route	 d;
	int			 len;

	wbuf_init(&w, got, sizeof(got));
	len = zapi_enc_route(&w, zp, add, r);
	ck_assert_int_eq(len, (int)n);
	ck_assert_mem_eq(got, want, n);

	pbuf_init(&b, want, n);
	ck_assert_int_eq(zapi_hdr_decode(&b, &h), ZAPI_OK);
	ck_assert_uint_eq(h.len, n);
	ck_assert_uint_eq(h.cmd, add ? zp->cmd_route_add : zp->cmd_route_del);
	pbuf_init(&b, want + ZAPI_HDR_LEN, n - ZAPI_HDR_LEN);
	ck_assert_int_eq(zapi_dec_route(&b, zp, &d), ZAPI_OK);
	ck_assert_uint_eq(d.type, r->type);
	ck_assert(zapi_prefix_eq(&d.prefix, &r->prefix));
	if (add) {
		ck_assert_uint_eq(d.nh_type, r->nh_type);
		ck_assert_uint_eq(d.ifindex, r->ifindex);
		ck_assert_uint_eq(d.distance, r->distance);
		ck_assert_uint_eq(d.tag, r->tag);
	}
	/* Every truncation is refused, none is read past. */
	for (size_t cut = ZAPI_HDR_LEN; cut < n; cut++) {
		pbuf_init(&b, want + ZAPI_HDR_LEN, cut - ZAPI_HDR_LEN);
		ck_assert_int_ne(zapi_dec_route(&b, zp, &d), ZAPI_OK);
	}
}

START_TEST(test_hello_frr8)
{
	const struct zapi_proto	*zp = zapi_proto(ZAPI_PROFILE_FRR8);
	struct zapi_hello	 h = { .type = 15, .notify = 1 }, d;
	uint8_t			 want[32], got[32];
	size_t			 n;
	struct wbuf		 w;
	struct pbuf		 b;

	n = hex("00 13 FE 06 00 00 00 00 00 12 0F 00 00 00 00 00 00 01 00",
	    want, sizeof(want));
	wbuf_init(&w, got, sizeof(got));
	ck_assert_int_eq(zapi_enc_hello(&w, zp, &h), 19);
	ck_assert_mem_eq(got, want, n);
	pbuf_init(&b, want + 10, n - 10);
	ck_assert_int_eq(zapi_dec_hello(&b, zp, &d), ZAPI_OK);
	ck_assert_uint_eq(d.type, 15);
	ck_assert_uint_eq(d.notify, 1);
	ck_assert_uint_eq(d.synchronous, 0);
}
END_TEST

START_TEST(test_hello_frr10)
{
	const struct zapi_proto	*zp = zapi_proto(ZAPI_PROFILE_FRR10);
	struct zapi_hello	 h = { .type = 16, .instance = 7, .notify = 1 };
	struct zapi_hello	 d;
	uint8_t			 want[32], got[32];
	size_t			 n;
	struct wbuf		 w;
	struct pbuf		 b;

	/* 8-byte body: no notify byte, so synchronous is the last byte. */
	n = hex("00 12 FE 06 00 00 00 00 00 13 10 00 07 00 00 00 00 00",
	    want, sizeof(want));
	wbuf_init(&w, got, sizeof(got));
	ck_assert_int_eq(zapi_enc_hello(&w, zp, &h), 18);
	ck_assert_mem_eq(got, want, n);
	pbuf_init(&b, want + 10, n - 10);
	ck_assert_int_eq(zapi_dec_hello(&b, zp, &d), ZAPI_OK);
	ck_assert_uint_eq(d.instance, 7);
	ck_assert_uint_eq(d.synchronous, 0);
	/* Notifications are asked for separately: NOTIFY_REQUEST 126. */
	wbuf_init(&w, got, sizeof(got));
	ck_assert_int_eq(zapi_enc_notify_request(&w, zp, 1), 11);
	n = hex("00 0B FE 06 00 00 00 00 00 7E 01", want, sizeof(want));
	ck_assert_mem_eq(got, want, n);
	/* FRR 8 asks through the HELLO and has no such message. */
	wbuf_init(&w, got, sizeof(got));
	ck_assert_int_eq(zapi_enc_notify_request(&w,
	    zapi_proto(ZAPI_PROFILE_FRR8), 1), -1);
}
END_TEST

START_TEST(test_route_vectors_frr8)
{
	const struct zapi_proto	*zp = zapi_proto(ZAPI_PROFILE_FRR8);
	struct zapi_route	 r;

	route(&r, zp, "192.88.99.1/32");
	check_route_vec(ZAPI_PROFILE_FRR8, 1, &r,
	    "00 25 FE 06 00 00 00 00 00 08 0F 00 00 00 00 00 00 00 00 00 01 01"
	    " 02 20 C0 58 63 01 00 01 00 00 00 00 06 00 01");
	route(&r, zp, "192.88.99.0/24");
	check_route_vec(ZAPI_PROFILE_FRR8, 1, &r,
	    "00 24 FE 06 00 00 00 00 00 08 0F 00 00 00 00 00 00 00 00 00 01 01"
	    " 02 18 C0 58 63 00 01 00 00 00 00 06 00 01");
	route(&r, zp, "2002::/16");
	check_route_vec(ZAPI_PROFILE_FRR8, 1, &r,
	    "00 23 FE 06 00 00 00 00 00 08 0F 00 00 00 00 00 00 00 00 00 01 01"
	    " 0A 10 20 02 00 01 00 00 00 00 06 00 01");
	route(&r, zp, "2001::/32");
	check_route_vec(ZAPI_PROFILE_FRR8, 1, &r,
	    "00 25 FE 06 00 00 00 00 00 08 0F 00 00 00 00 00 00 00 00 00 01 01"
	    " 0A 20 20 01 00 00 00 01 00 00 00 00 06 00 01");
	route(&r, zp, "192.88.99.1/32");
	r.nh_type = ZAPI_NH_IFINDEX;
	r.ifindex = 7;
	check_route_vec(ZAPI_PROFILE_FRR8, 1, &r,
	    "00 28 FE 06 00 00 00 00 00 08 0F 00 00 00 00 00 00 00 00 00 01 01"
	    " 02 20 C0 58 63 01 00 01 00 00 00 00 01 00 00 00 00 07");
	route(&r, zp, "2002::/16");
	r.nh_type = ZAPI_NH_IFINDEX;
	r.ifindex = 7;
	check_route_vec(ZAPI_PROFILE_FRR8, 1, &r,
	    "00 26 FE 06 00 00 00 00 00 08 0F 00 00 00 00 00 00 00 00 00 01 01"
	    " 0A 10 20 02 00 01 00 00 00 00 01 00 00 00 00 07");
	route(&r, zp, "192.88.99.0/24");
	r.message = ZAPI_MSG_DISTANCE;
	r.distance = 10;
	check_route_vec(ZAPI_PROFILE_FRR8, 1, &r,
	    "00 25 FE 06 00 00 00 00 00 08 0F 00 00 00 00 00 00 00 00 00 03 01"
	    " 02 18 C0 58 63 00 01 00 00 00 00 06 00 01 0A");
	/* distance 10 and tag 6024 (0x1788): message 0x0B. */
	r.message = ZAPI_MSG_DISTANCE | ZAPI_MSG_TAG;
	r.tag = 6024;
	check_route_vec(ZAPI_PROFILE_FRR8, 1, &r,
	    "00 29 FE 06 00 00 00 00 00 08 0F 00 00 00 00 00 00 00 00 00 0B 01"
	    " 02 18 C0 58 63 00 01 00 00 00 00 06 00 01 0A 00 00 17 88");
	route(&r, zp, "192.88.99.1/32");
	r.message = ZAPI_MSG_DISTANCE | ZAPI_MSG_TAG;	/* ignored by DELETE */
	check_route_vec(ZAPI_PROFILE_FRR8, 0, &r,
	    "00 1C FE 06 00 00 00 00 00 09 0F 00 00 00 00 00 00 00 00 00 00 01"
	    " 02 20 C0 58 63 01");
	route(&r, zp, "2002::/16");
	check_route_vec(ZAPI_PROFILE_FRR8, 0, &r,
	    "00 1A FE 06 00 00 00 00 00 09 0F 00 00 00 00 00 00 00 00 00 00 01"
	    " 0A 10 20 02");
}
END_TEST

START_TEST(test_route_vectors_frr10)
{
	const struct zapi_proto	*zp = zapi_proto(ZAPI_PROFILE_FRR10);
	struct zapi_route	 r;

	ck_assert_uint_eq(zp->rt_table, 16);
	route(&r, zp, "192.88.99.1/32");
	check_route_vec(ZAPI_PROFILE_FRR10, 1, &r,
	    "00 25 FE 06 00 00 00 00 00 09 10 00 00 00 00 00 00 00 00 00 01 01"
	    " 02 20 C0 58 63 01 00 01 00 00 00 00 06 00 01");
	route(&r, zp, "2001::/32");
	r.message = ZAPI_MSG_DISTANCE | ZAPI_MSG_TAG;
	r.distance = 10;
	r.tag = 6025;
	check_route_vec(ZAPI_PROFILE_FRR10, 1, &r,
	    "00 2A FE 06 00 00 00 00 00 09 10 00 00 00 00 00 00 00 00 00 0B 01"
	    " 0A 20 20 01 00 00 00 01 00 00 00 00 06 00 01 0A 00 00 17 89");
	route(&r, zp, "2002::/16");
	check_route_vec(ZAPI_PROFILE_FRR10, 0, &r,
	    "00 1A FE 06 00 00 00 00 00 0A 10 00 00 00 00 00 00 00 00 00 00 01"
	    " 0A 10 20 02");
}
END_TEST

START_TEST(test_route_refused)
{
	const struct zapi_proto	*zp = zapi_proto(ZAPI_PROFILE_FRR8);
	struct zapi_route	 r;
	struct zapi_route	 d;
	uint8_t			 buf[128];
	struct wbuf		 w;
	struct pbuf		 b;

	route(&r, zp, "192.88.99.1/32");
	r.prefix.len = 33;
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(zapi_enc_route(&w, zp, 1, &r), -1);
	route(&r, zp, "192.88.99.1/32");
	r.type = 31;	/* ZEBRA_ROUTE_MAX in 8.4 */
	wbuf_init(&w, buf, sizeof(buf));
	ck_assert_int_eq(zapi_enc_route(&w, zp, 1, &r), -1);
	route(&r, zp, "192.88.99.1/32");
	wbuf_init(&w, buf, 20);		/* too small */
	ck_assert_int_eq(zapi_enc_route(&w, zp, 1, &r), -1);
	/* Trailing garbage, bad family, bad safi. */
	hex("0F 00 00 00 00 00 00 00 00 00 00 01 02 20 C0 58 63 01 FF", buf,
	    sizeof(buf));
	pbuf_init(&b, buf, 19);
	ck_assert_int_eq(zapi_dec_route(&b, zp, &d), ZAPI_BAD);
	hex("0F 00 00 00 00 00 00 00 00 00 00 01 07 20 C0 58 63 01", buf,
	    sizeof(buf));
	pbuf_init(&b, buf, 18);
	ck_assert_int_eq(zapi_dec_route(&b, zp, &d), ZAPI_BAD);
	hex("0F 00 00 00 00 00 00 00 00 00 00 03 02 20 C0 58 63 01", buf,
	    sizeof(buf));
	pbuf_init(&b, buf, 18);
	ck_assert_int_eq(zapi_dec_route(&b, zp, &d), ZAPI_BAD);
}
END_TEST

START_TEST(test_header)
{
	struct zapi_hdr	h;
	struct pbuf	b;
	uint8_t		buf[16];

	hex("00 13 FE 06 00 00 00 00 00 13", buf, sizeof(buf));
	pbuf_init(&b, buf, 9);
	ck_assert_int_eq(zapi_hdr_decode(&b, &h), ZAPI_SHORT);
	pbuf_init(&b, buf, 10);
	ck_assert_int_eq(zapi_hdr_decode(&b, &h), ZAPI_OK);
	ck_assert_uint_eq(h.cmd, 19);
	buf[2] = 0xFF;		/* Quagga marker */
	ck_assert_int_eq(zapi_hdr_decode(&b, &h), ZAPI_BAD);
	buf[2] = 0xFE;
	buf[3] = 5;
	ck_assert_int_eq(zapi_hdr_decode(&b, &h), ZAPI_BAD);
	buf[3] = 6;
	buf[1] = 9;		/* length < header */
	ck_assert_int_eq(zapi_hdr_decode(&b, &h), ZAPI_BAD);
	buf[0] = 0x40;		/* 16384 + 9 > ZEBRA_MAX_PACKET_SIZ */
	ck_assert_int_eq(zapi_hdr_decode(&b, &h), ZAPI_BAD);
}
END_TEST

/*
 * NOTIFY_OWNER: the note is host order (little-endian here), the prefix
 * full width; 7.5 ends after table id, 8.x adds afi/safi, 10.3+ a source
 * prefix.
 */
START_TEST(test_notify_owner)
{
	const struct zapi_proto	*zp = zapi_proto(ZAPI_PROFILE_FRR8);
	struct zapi_notify	 n, d;
	struct zapi_prefix	 p;
	uint8_t			 want[64], got[64];
	size_t			 len;
	struct wbuf		 w;
	struct pbuf		 b;
	uint32_t		 one = 1;

	if (*(uint8_t *)&one != 1)
		return;		/* vectors below are little-endian hosts */
	len = hex("00 1A FE 06 00 00 00 00 00 0A 02 00 00 00 02 20 C0 58 63 01"
	    " 00 00 00 FE 01 01", want, sizeof(want));
	memset(&n, 0, sizeof(n));
	n.note = ZAPI_NOTE_INSTALLED;
	pfx(&n.prefix, "192.88.99.1/32");
	n.table = 254;
	wbuf_init(&w, got, sizeof(got));
	ck_assert_int_eq(zapi_enc_notify_owner(&w, zp, &n), (int)len);
	ck_assert_mem_eq(got, want, len);
	pbuf_init(&b, want + 10, len - 10);
	ck_assert_int_eq(zapi_dec_notify_owner(&b, zp, &d), ZAPI_OK);
	ck_assert_uint_eq(d.note, ZAPI_NOTE_INSTALLED);
	ck_assert(zapi_prefix_eq(&d.prefix, &n.prefix));
	ck_assert_uint_eq(d.table, 254);
	/* 7.5: no afi/safi. */
	pbuf_init(&b, want + 10, len - 12);
	ck_assert_int_eq(zapi_dec_notify_owner(&b, zp, &d), ZAPI_OK);
	/* 10.3+: IPv6 REMOVED with a zero source prefix before table id. */
	memset(want, 0, sizeof(want));
	hex("03 00 00 00 0A 10 20 02", want, sizeof(want));
	len = 4 + 2 + 16 + 1 + 16;	/* note, af, len, prefix, src */
	len += hex("00 00 00 FE 02 01", want + len, sizeof(want) - len);
	ck_assert_uint_eq(len, 45);
	pbuf_init(&b, want, len);
	ck_assert_int_eq(zapi_dec_notify_owner(&b,
	    zapi_proto(ZAPI_PROFILE_FRR10), &d), ZAPI_OK);
	ck_assert_uint_eq(d.note, ZAPI_NOTE_REMOVED);
	pfx(&p, "2002::/16");
	ck_assert(zapi_prefix_eq(&d.prefix, &p));
	ck_assert_uint_eq(d.table, 254);
	/* Odd tail lengths and bad prefix lengths are refused. */
	pbuf_init(&b, want, len - 1);
	ck_assert_int_ne(zapi_dec_notify_owner(&b, zp, &d), ZAPI_OK);
	want[5] = 129;
	pbuf_init(&b, want, len);
	ck_assert_int_eq(zapi_dec_notify_owner(&b, zp, &d), ZAPI_BAD);
}
END_TEST

START_TEST(test_caps_error)
{
	uint8_t		got[32], want[32];
	size_t		n;
	struct wbuf	w;
	struct pbuf	b;
	uint32_t	code, one = 1;

	wbuf_init(&w, got, sizeof(got));
	ck_assert_int_eq(zapi_enc_capabilities(&w,
	    zapi_proto(ZAPI_PROFILE_FRR8)), 20);	/* 8.4: 10-byte body */
	n = hex("00 14 FE 06 00 00 00 00 00 13 00 00 00 00 00 00 00 01 00 00",
	    want, sizeof(want));
	ck_assert_mem_eq(got, want, n);
	wbuf_init(&w, got, sizeof(got));
	ck_assert_int_eq(zapi_enc_error(&w, zapi_proto(ZAPI_PROFILE_FRR10),
	    2), 14);
	ck_assert_uint_eq(got[9], 120);
	pbuf_init(&b, got + 10, 4);
	ck_assert_int_eq(zapi_dec_error(&b, &code), ZAPI_OK);
	ck_assert_uint_eq(code, 2);
	if (*(uint8_t *)&one == 1)
		ck_assert_uint_eq(got[10], 2);	/* host order */
}
END_TEST

/* ---- fake zebra ---------------------------------------------------- */

struct fakez {
	int			 lfd;
	int			 cfd;
	const struct zapi_proto	*zp;	/* what this "zebra" speaks */
	struct zapi_hello	 hello;
	int			 got_hello;
	struct zapi_route	 routes[32];	/* last ADD per prefix */
	int			 nroutes;
	int			 adds, dels;
	char			 path[108];
};

static void
fakez_listen(struct fakez *f, enum zapi_profile prof)
{
	struct sockaddr_un	sun;

	memset(f, 0, sizeof(*f));
	f->cfd = -1;
	f->zp = zapi_proto(prof);
	snprintf(f->path, sizeof(f->path), "/tmp/jf-zapi-test.%d.sock",
	    (int)getpid());
	unlink(f->path);
	f->lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(f->lfd, 0);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", f->path);
	ck_assert_int_eq(bind(f->lfd, (struct sockaddr *)&sun, sizeof(sun)),
	    0);
	ck_assert_int_eq(listen(f->lfd, 4), 0);
}

static void
fakez_close(struct fakez *f)
{
	if (f->cfd != -1)
		close(f->cfd);
	f->cfd = -1;
}

static void
fakez_send(struct fakez *f, const uint8_t *m, int len)
{
	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(write(f->cfd, m, (size_t)len), len);
}

static void
fakez_notify(struct fakez *f, uint32_t note, const struct zapi_prefix *p)
{
	uint8_t			buf[64];
	struct wbuf		w;
	struct zapi_notify	n = { .note = note, .prefix = *p,
				    .table = 254 };

	wbuf_init(&w, buf, sizeof(buf));
	fakez_send(f, buf, zapi_enc_notify_owner(&w, f->zp, &n));
}

/* Handle one message from the client; 0 on EOF. */
static int
fakez_handle(struct fakez *f, const uint8_t *m, const struct zapi_hdr *h)
{
	struct pbuf		b;
	struct zapi_route	r;
	uint8_t			buf[64];
	struct wbuf		w;
	int			i;

	pbuf_init(&b, m + ZAPI_HDR_LEN, h->len - ZAPI_HDR_LEN);
	if (h->cmd == f->zp->cmd_hello) {
		ck_assert_int_eq(zapi_dec_hello(&b, f->zp, &f->hello),
		    ZAPI_OK);
		f->got_hello = 1;
		wbuf_init(&w, buf, sizeof(buf));
		fakez_send(f, buf, zapi_enc_capabilities(&w, f->zp));
	} else if (h->cmd == f->zp->cmd_route_add ||
	    h->cmd == f->zp->cmd_route_del) {
		ck_assert_int_eq(zapi_dec_route(&b, f->zp, &r), ZAPI_OK);
		ck_assert_uint_eq(r.type, f->hello.type);
		for (i = 0; i < f->nroutes; i++)
			if (zapi_prefix_eq(&f->routes[i].prefix, &r.prefix))
				break;
		if (h->cmd == f->zp->cmd_route_add) {
			f->adds++;
			ck_assert_int_lt(i, 32);
			f->routes[i] = r;
			if (i == f->nroutes)
				f->nroutes++;
			fakez_notify(f, ZAPI_NOTE_INSTALLED, &r.prefix);
		} else {
			f->dels++;
			if (i < f->nroutes) {
				f->routes[i] = f->routes[--f->nroutes];
				fakez_notify(f, ZAPI_NOTE_REMOVED, &r.prefix);
			}
		}
	} else if (h->cmd == f->zp->cmd_notify_request) {
		/* fine */
	} else {
		wbuf_init(&w, buf, sizeof(buf));
		fakez_send(f, buf, zapi_enc_error(&w, f->zp, 2));
	}
	return 1;
}

/*
 * Run the client's event loop and the fake zebra in turns until cond()
 * holds or ms pass.
 */
static struct event_base *evb;
static struct zclient *zcl;
static int ev_up, ev_down, ev_inst, ev_lost;

static void
test_cb(void *arg, enum zclient_ev ev, const char *d)
{
	(void)arg;
	(void)d;
	if (ev == ZCLIENT_UP)
		ev_up++;
	else if (ev == ZCLIENT_DOWN)
		ev_down++;
	else if (ev == ZCLIENT_INSTALLED)
		ev_inst++;
	else
		ev_lost++;
}

static int
pump(struct fakez *f, int (*cond)(struct fakez *), int ms)
{
	uint8_t		buf[4096];
	static uint8_t	acc[8192];
	static size_t	nacc;
	int		i;

	if (f->cfd == -1)
		nacc = 0;
	for (i = 0; i < ms; i++) {
		if (cond(f))
			return 1;
		event_base_loop(evb, EVLOOP_NONBLOCK);
		if (f->cfd == -1) {
			f->cfd = accept4(f->lfd, NULL, NULL, SOCK_NONBLOCK);
			nacc = 0;
		}
		if (f->cfd != -1) {
			ssize_t	n = read(f->cfd, buf, sizeof(buf));
			struct zapi_hdr	h;
			struct pbuf	b;

			if (n == 0) {
				fakez_close(f);
			} else if (n > 0) {
				ck_assert(nacc + (size_t)n <= sizeof(acc));
				memcpy(acc + nacc, buf, (size_t)n);
				nacc += (size_t)n;
			}
			for (;;) {
				pbuf_init(&b, acc, nacc);
				if (zapi_hdr_decode(&b, &h) != ZAPI_OK ||
				    h.len > nacc)
					break;
				fakez_handle(f, acc, &h);
				memmove(acc, acc + h.len, nacc - h.len);
				nacc -= h.len;
			}
		}
		usleep(1000);
	}
	return cond(f);
}

static int
c_up2(struct fakez *f)
{
	(void)f;
	return zclient_all_installed(zcl) && ev_inst >= 2;
}

static int
c_two_routes(struct fakez *f)
{
	return f->nroutes == 2 && zclient_all_installed(zcl);
}

static int
c_drained_tags(struct fakez *f)
{
	return f->nroutes == 2 && f->adds == 4 && f->routes[0].tag == 6025 &&
	    f->routes[1].tag == 6025 && zclient_all_installed(zcl);
}

static int
c_one_route(struct fakez *f)
{
	return f->nroutes == 1 && f->dels >= 1;
}

static int
c_down(struct fakez *f)
{
	(void)f;
	return ev_down >= 1;
}

static int
c_readded(struct fakez *f)
{
	return f->nroutes == 2 && zclient_stats(zcl)->readds >= 1 &&
	    zclient_all_installed(zcl);
}

static int
c_never(struct fakez *f)
{
	(void)f;
	return 0;
}

static void
zc_setup(struct fakez *f, enum zapi_profile zebra_prof,
    enum zapi_profile client_prof)
{
	struct zclient_cfg	cfg;

	signal(SIGPIPE, SIG_IGN);
	log_init("zapi_test", 1, 0);
	fakez_listen(f, zebra_prof);
	memset(&cfg, 0, sizeof(cfg));
	snprintf(cfg.path, sizeof(cfg.path), "%s", f->path);
	cfg.profile = client_prof;
	cfg.type = zapi_proto(client_prof)->rt_table;
	cfg.instance = 0;
	cfg.backoff_min_ms = 20;
	cfg.backoff_max_ms = 40;
	cfg.hello_timeout_ms = 300;
	evb = event_base_new();
	ck_assert_ptr_nonnull(evb);
	zcl = zclient_new(evb, &cfg, test_cb, NULL);
	ck_assert_ptr_nonnull(zcl);
	ev_up = ev_down = ev_inst = ev_lost = 0;
}

static void
zc_teardown(struct fakez *f)
{
	zclient_free(zcl);
	event_base_free(evb);
	fakez_close(f);
	close(f->lfd);
	unlink(f->path);
}

static void
want_two(const struct zapi_proto *zp, uint32_t tag)
{
	struct zapi_route	r[2];

	route(&r[0], zp, "192.88.99.1/32");
	route(&r[1], zp, "2002::/16");
	r[0].message = r[1].message = ZAPI_MSG_DISTANCE | ZAPI_MSG_TAG;
	r[0].distance = r[1].distance = 10;
	r[0].tag = r[1].tag = tag;
	ck_assert_int_eq(zclient_set(zcl, r, 2), 0);
}

static void
session_cycle(enum zapi_profile prof)
{
	const struct zapi_proto	*zp = zapi_proto(prof);
	struct fakez		 f;
	struct zapi_route	 r;

	zc_setup(&f, prof, prof);
	want_two(zp, 6024);
	zclient_start(zcl);
	ck_assert(pump(&f, c_up2, 3000));
	ck_assert_int_eq(ev_up, 1);
	ck_assert(f.got_hello);
	ck_assert_uint_eq(f.hello.type, zp->rt_table);
	ck_assert_uint_eq(f.hello.synchronous, 0);
	if (zp->hello_notify_byte)
		ck_assert_uint_eq(f.hello.notify, 1);
	ck_assert_uint_eq(f.routes[0].tag, 6024);
	ck_assert_uint_eq(f.routes[0].distance, 10);

	/* Drain-style change: same prefixes, new tag: upserts only. */
	want_two(zp, 6025);
	ck_assert(pump(&f, c_drained_tags, 2000));
	ck_assert(pump(&f, c_never, 50) == 0);	/* and nothing else */
	ck_assert_uint_eq(f.routes[0].tag, 6025);
	ck_assert_uint_eq(f.routes[1].tag, 6025);
	ck_assert_int_eq(f.dels, 0);

	/* An unexpected REMOVED (restart race): the route comes back. */
	f.nroutes = 1;	/* fake zebra "lost" 2002::/16 or 192.88.99.1 */
	fakez_notify(&f, ZAPI_NOTE_REMOVED, &f.routes[1].prefix);
	ck_assert(pump(&f, c_readded, 2000));
	ck_assert_int_ge(ev_lost, 1);

	/* zebra goes away: DOWN, then reconnect and replay everything. */
	fakez_close(&f);
	f.nroutes = 0;
	f.got_hello = 0;
	ck_assert(pump(&f, c_down, 2000));
	ck_assert(pump(&f, c_two_routes, 3000));
	ck_assert(f.got_hello);
	ck_assert_int_eq(ev_up, 2);

	/* Shrinking the wanted set deletes exactly what left it. */
	route(&r, zp, "2002::/16");
	r.message = ZAPI_MSG_DISTANCE | ZAPI_MSG_TAG;
	r.distance = 10;
	r.tag = 6025;
	ck_assert_int_eq(zclient_set(zcl, &r, 1), 0);
	ck_assert(pump(&f, c_one_route, 2000));
	ck_assert_uint_eq(f.routes[0].prefix.family, ZAPI_AF_INET6);
	zc_teardown(&f);
}

START_TEST(test_session_frr8)
{
	session_cycle(ZAPI_PROFILE_FRR8);
}
END_TEST

START_TEST(test_session_frr10)
{
	session_cycle(ZAPI_PROFILE_FRR10);
}
END_TEST

/* A 10.x zebra answers the 8.x HELLO with ERROR: never "up". */
START_TEST(test_profile_mismatch)
{
	struct fakez	f;

	zc_setup(&f, ZAPI_PROFILE_FRR10, ZAPI_PROFILE_FRR8);
	want_two(zapi_proto(ZAPI_PROFILE_FRR8), 6024);
	zclient_start(zcl);
	ck_assert(pump(&f, c_never, 400) == 0);
	ck_assert_int_eq(ev_up, 0);
	ck_assert_int_eq(f.adds, 0);
	ck_assert_uint_ge(zclient_stats(zcl)->handshake_failures, 1);
	ck_assert_ptr_nonnull(strstr(zclient_last_error(zcl),
	    "zapi-profile"));
	zc_teardown(&f);
}
END_TEST

static Suite *
zapi_suite(void)
{
	Suite	*s = suite_create("zapi");
	TCase	*tc = tcase_create("codec");
	TCase	*ts = tcase_create("session");

	tcase_add_test(tc, test_header);
	tcase_add_test(tc, test_hello_frr8);
	tcase_add_test(tc, test_hello_frr10);
	tcase_add_test(tc, test_route_vectors_frr8);
	tcase_add_test(tc, test_route_vectors_frr10);
	tcase_add_test(tc, test_route_refused);
	tcase_add_test(tc, test_notify_owner);
	tcase_add_test(tc, test_caps_error);
	suite_add_tcase(s, tc);
	tcase_set_timeout(ts, 20);
	tcase_add_test(ts, test_session_frr8);
	tcase_add_test(ts, test_session_frr10);
	tcase_add_test(ts, test_profile_mismatch);
	suite_add_tcase(s, ts);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(zapi_suite());
	int	 nf;

	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
