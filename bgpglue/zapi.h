/*
 * zapi: the FRR zebra API (zserv) on the wire, for a route injector.
 * Encoders write through struct wbuf, decoders read through struct pbuf;
 * nothing here does I/O.  Two wire profiles (see docs/zapi.md section 6):
 *
 *	ZAPI_PROFILE_FRR8	FRR 7.5 - 9.1 (Debian 12's 8.4.4)
 *	ZAPI_PROFILE_FRR10	FRR 10.0 - 10.7
 *
 * They share the 10-byte header (marker 254, version 6) and the route body,
 * and differ in command numbers, route-type numbers, the HELLO body and how
 * notifications are requested.  The encoders for messages zebra sends
 * (capabilities, notify-owner, error) exist for the fake zebra in the tests.
 */
#ifndef JF_ZAPI_H
#define JF_ZAPI_H

#include <stddef.h>
#include <stdint.h>

struct pbuf;
struct wbuf;

#define ZAPI_HDR_LEN		10
#define ZAPI_MARKER		254
#define ZAPI_VERSION		6
#define ZAPI_MAX_MSG		16384

enum zapi_profile {
	ZAPI_PROFILE_FRR8,
	ZAPI_PROFILE_FRR10,
};

/* Route types a standalone injector may bid for (never kernel/connect). */
enum zapi_rtype {
	ZAPI_RT_STATIC,
	ZAPI_RT_NHRP,
	ZAPI_RT_TABLE,
	ZAPI_RT_BABEL,
	ZAPI_RT_OPENFABRIC,
};

/* Per-profile numbers. */
struct zapi_proto {
	const char	*name;
	uint16_t	 cmd_route_add;
	uint16_t	 cmd_route_del;
	uint16_t	 cmd_notify_owner;
	uint16_t	 cmd_hello;
	uint16_t	 cmd_capabilities;
	uint16_t	 cmd_error;
	uint16_t	 cmd_notify_request;	/* 0: ask through the HELLO */
	uint16_t	 cmd_max_iface;		/* commands 0..max are interface noise */
	uint8_t		 rt_static, rt_nhrp, rt_table, rt_babel, rt_openfabric;
	uint8_t		 rt_max;		/* ZEBRA_ROUTE_MAX */
	uint8_t		 hello_notify_byte;	/* 1: 9-byte HELLO with notify */
};

const struct zapi_proto *zapi_proto(enum zapi_profile);
/* The profile's number for a route type. */
uint8_t	zapi_rtype_num(const struct zapi_proto *, enum zapi_rtype);

struct zapi_hdr {
	uint16_t	len;		/* whole message, header included */
	uint8_t		marker;
	uint8_t		version;
	uint32_t	vrf;
	uint16_t	cmd;
};

/* Route notification notes (host byte order u32 on the wire). */
enum zapi_note {
	ZAPI_NOTE_FAIL_INSTALL = 0,
	ZAPI_NOTE_BETTER_ADMIN_WON = 1,
	ZAPI_NOTE_INSTALLED = 2,
	ZAPI_NOTE_REMOVED = 3,
	ZAPI_NOTE_REMOVE_FAIL = 4,
};

/* Message bits (u32 since FRR 7.5). */
#define ZAPI_MSG_NEXTHOP	0x01
#define ZAPI_MSG_DISTANCE	0x02
#define ZAPI_MSG_METRIC		0x04
#define ZAPI_MSG_TAG		0x08
#define ZAPI_MSG_MTU		0x10
#define ZAPI_MSG_SRCPFX		0x20
#define ZAPI_MSG_BACKUP		0x40
#define ZAPI_MSG_NHG		0x80
#define ZAPI_MSG_TABLEID	0x100
#define ZAPI_MSG_SRTE		0x200
#define ZAPI_MSG_OPAQUE		0x400

#define ZAPI_NH_IFINDEX		1
#define ZAPI_NH_IPV4		2
#define ZAPI_NH_IPV4_IFINDEX	3
#define ZAPI_NH_IPV6		4
#define ZAPI_NH_IPV6_IFINDEX	5
#define ZAPI_NH_BLACKHOLE	6

#define ZAPI_BH_NULL		1

#define ZAPI_AF_INET		2	/* Linux values, as zebra expects */
#define ZAPI_AF_INET6		10
#define ZAPI_SAFI_UNICAST	1

struct zapi_prefix {
	uint8_t		family;		/* ZAPI_AF_INET or ZAPI_AF_INET6 */
	uint8_t		len;
	uint8_t		addr[16];	/* host bits zero */
};

/* One route as bgpglue sends it: a single nexthop, blackhole or ifindex. */
struct zapi_route {
	uint8_t			type;
	uint16_t		instance;
	struct zapi_prefix	prefix;
	uint8_t			nh_type;	/* ZAPI_NH_BLACKHOLE or _IFINDEX */
	uint32_t		ifindex;
	uint32_t		message;	/* ZAPI_MSG_*: what is present */
	uint8_t			distance;
	uint32_t		metric;
	uint32_t		tag;
};

struct zapi_hello {
	uint8_t		type;
	uint16_t	instance;
	uint32_t	session;
	uint8_t		notify;
	uint8_t		synchronous;
};

struct zapi_notify {
	uint32_t		note;
	struct zapi_prefix	prefix;
	uint32_t		table;
};

/* Decoder results. */
#define ZAPI_OK		0
#define ZAPI_SHORT	(-1)	/* need more bytes (header) or truncated body */
#define ZAPI_BAD	(-2)	/* malformed: the stream cannot be trusted */

/* Header: ZAPI_SHORT if < 10 bytes, ZAPI_BAD on marker/version/length. */
int	zapi_hdr_decode(const struct pbuf *, struct zapi_hdr *);

/*
 * Encoders return the message length, or -1 if the buffer is too small or
 * the input is invalid (bad family/prefix length).  Each writes a whole
 * message, header included.
 */
int	zapi_enc_hello(struct wbuf *, const struct zapi_proto *,
	    const struct zapi_hello *);
int	zapi_enc_notify_request(struct wbuf *, const struct zapi_proto *, int);
int	zapi_enc_route(struct wbuf *, const struct zapi_proto *, int add,
	    const struct zapi_route *);
int	zapi_enc_notify_owner(struct wbuf *, const struct zapi_proto *,
	    const struct zapi_notify *);
int	zapi_enc_capabilities(struct wbuf *, const struct zapi_proto *);
int	zapi_enc_error(struct wbuf *, const struct zapi_proto *, uint32_t);

/* Body decoders (the pbuf holds the body only, after the header). */
int	zapi_dec_hello(struct pbuf *, const struct zapi_proto *,
	    struct zapi_hello *);
int	zapi_dec_route(struct pbuf *, const struct zapi_proto *,
	    struct zapi_route *);
int	zapi_dec_notify_owner(struct pbuf *, const struct zapi_proto *,
	    struct zapi_notify *);
int	zapi_dec_error(struct pbuf *, uint32_t *);

/* Prefix helpers: mask host bits, compare, format ("192.88.99.1/32"). */
void	zapi_prefix_mask(struct zapi_prefix *);
int	zapi_prefix_eq(const struct zapi_prefix *, const struct zapi_prefix *);
const char *zapi_prefix_str(const struct zapi_prefix *, char *, size_t);
const char *zapi_note_str(uint32_t);

#endif /* JF_ZAPI_H */
