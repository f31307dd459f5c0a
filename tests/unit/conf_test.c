/*
 * conf: every value type, defaults, case-insensitive keys, quotes and
 * comments, every error kind with its exact "file:line: key: why" text,
 * and the -n printer (canonical spelling, defaults, lists, enums) whose
 * output parses back to the same text.
 */
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "conf.h"

struct tcfg {
	char			name[CONF_STR_MAX];
	char			motd[CONF_STR_MAX];
	uint32_t		mtu;
	uint32_t		any;
	int			enable;
	struct in_addr		v4;
	struct in6_addr		v6;
	struct conf_prefix	pfx;
	struct conf_prefix	opt_pfx;
	struct conf_prefix_list	list;
	struct conf_prefix_list	empty_list;
	int			mode;
};

static const char *const modes[] = { "relay", "client", "server", NULL };

#define K(n, t, f, d, r, lo, hi, ch) \
	{ n, t, offsetof(struct tcfg, f), d, r, lo, hi, ch, "test" }
static const struct conf_key keys[] = {
	K("Name", CONF_STR, name, NULL, 1, 0, 0, NULL),
	K("Motd", CONF_STR, motd, "hello world", 0, 0, 0, NULL),
	K("Mtu", CONF_U32, mtu, "1280", 0, 1280, 65535, NULL),
	K("AnyNumber", CONF_U32, any, "0", 0, 0, 0, NULL),
	K("Enable", CONF_BOOL, enable, "no", 0, 0, 0, NULL),
	K("BindAddress", CONF_IPV4, v4, "0.0.0.0", 0, 0, 0, NULL),
	K("RelayAddress", CONF_IPV6, v6, "2001:db8::1", 0, 0, 0, NULL),
	K("Prefix", CONF_PREFIX, pfx, "2002::/16", 0, 0, 0, NULL),
	K("OptionalPrefix", CONF_PREFIX, opt_pfx, NULL, 0, 0, 0, NULL),
	K("Announce", CONF_PREFIX_LIST, list, "192.88.99.0/24 2002::/16", 0,
	    0, 0, NULL),
	K("Extra", CONF_PREFIX_LIST, empty_list, NULL, 0, 0, 0, NULL),
	K("Mode", CONF_ENUM, mode, "relay", 0, 0, 0, modes),
	{ NULL, CONF_STR, 0, NULL, 0, 0, 0, NULL, NULL }
};

static int
parse(const char *text, struct tcfg *c, char *err, size_t errlen)
{
	memset(c, 0x5a, sizeof(*c));	/* no field may keep garbage */
	return conf_parse_buf("t.conf", text, strlen(text), keys, c, err,
	    errlen);
}

static char *
print(const struct tcfg *c)
{
	char	*out = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&out, &len);

	ck_assert_ptr_nonnull(f);
	conf_print(f, keys, c);
	fclose(f);
	return out;
}

START_TEST(test_defaults_and_print)
{
	struct tcfg	 c;
	char		 err[256], *out;

	ck_assert_int_eq(parse("Name r1\n", &c, err, sizeof(err)), 0);
	ck_assert_str_eq(c.name, "r1");
	ck_assert_str_eq(c.motd, "hello world");
	ck_assert_uint_eq(c.mtu, 1280);
	ck_assert_int_eq(c.enable, 0);
	ck_assert_int_eq(c.pfx.af, AF_INET6);
	ck_assert_uint_eq(c.pfx.len, 16);
	ck_assert_int_eq(c.opt_pfx.af, 0);
	ck_assert_uint_eq(c.list.n, 2);
	ck_assert_int_eq(c.list.p[0].af, AF_INET);
	ck_assert_uint_eq(c.list.p[0].len, 24);
	ck_assert_uint_eq(c.empty_list.n, 0);
	ck_assert_int_eq(c.mode, 0);
	out = print(&c);
	ck_assert_str_eq(out,
	    "Name r1\n"
	    "Motd \"hello world\"\n"
	    "Mtu 1280\n"
	    "AnyNumber 0\n"
	    "Enable no\n"
	    "BindAddress 0.0.0.0\n"
	    "RelayAddress 2001:db8::1\n"
	    "Prefix 2002::/16\n"
	    "# OptionalPrefix (not set)\n"
	    "Announce 192.88.99.0/24\n"
	    "Announce 2002::/16\n"
	    "# Extra (none)\n"
	    "Mode relay\n");
	free(out);
}
END_TEST

START_TEST(test_every_type)
{
	struct tcfg	 c;
	char		 err[256], addr[INET6_ADDRSTRLEN], *out;
	const char	*text =
	    "# a comment line\n"
	    "\n"
	    "  name   \"relay one\"   # trailing comment\n"
	    "MOTD x#y\n"		/* '#' starts a comment: motd is "x" */
	    "mtu 1480\r\n"		/* CRLF */
	    "anynumber 4294967295\n"
	    "ENABLE On\n"
	    "bindaddress 192.0.2.7\n"
	    "relayaddress 2001:DB8:0:0::0:5\n"
	    "prefix 198.18.0.0/15\n"
	    "optionalprefix 2001:db8:100::/40\n"
	    "announce 2001:db8::/32\n"
	    "Announce \"203.0.113.0/24\"\n"
	    "mode SERVER\n"
	    "\tExtra 0.0.0.0/0";	/* no final newline */

	ck_assert_msg(parse(text, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(c.name, "relay one");
	ck_assert_str_eq(c.motd, "x");
	ck_assert_uint_eq(c.mtu, 1480);
	ck_assert_uint_eq(c.any, UINT32_MAX);
	ck_assert_int_eq(c.enable, 1);
	inet_ntop(AF_INET, &c.v4, addr, sizeof(addr));
	ck_assert_str_eq(addr, "192.0.2.7");
	inet_ntop(AF_INET6, &c.v6, addr, sizeof(addr));
	ck_assert_str_eq(addr, "2001:db8::5");
	ck_assert_int_eq(c.pfx.af, AF_INET);
	ck_assert_uint_eq(c.pfx.len, 15);
	ck_assert_int_eq(c.opt_pfx.af, AF_INET6);
	ck_assert_uint_eq(c.opt_pfx.len, 40);
	/* The file's list replaces the default list. */
	ck_assert_uint_eq(c.list.n, 2);
	ck_assert_int_eq(c.list.p[0].af, AF_INET6);
	ck_assert_int_eq(c.list.p[1].af, AF_INET);
	ck_assert_uint_eq(c.empty_list.n, 1);
	ck_assert_uint_eq(c.empty_list.p[0].len, 0);
	ck_assert_int_eq(c.mode, 2);
	out = print(&c);
	ck_assert_str_eq(out,
	    "Name \"relay one\"\n"
	    "Motd x\n"
	    "Mtu 1480\n"
	    "AnyNumber 4294967295\n"
	    "Enable yes\n"
	    "BindAddress 192.0.2.7\n"
	    "RelayAddress 2001:db8::5\n"
	    "Prefix 198.18.0.0/15\n"
	    "OptionalPrefix 2001:db8:100::/40\n"
	    "Announce 2001:db8::/32\n"
	    "Announce 203.0.113.0/24\n"
	    "Extra 0.0.0.0/0\n"
	    "Mode server\n");
	free(out);
}
END_TEST

START_TEST(test_bool_spellings)
{
	static const struct {
		const char	*v;
		int		 want;
	} t[] = {
		{ "yes", 1 }, { "TRUE", 1 }, { "on", 1 }, { "1", 1 },
		{ "No", 0 }, { "false", 0 }, { "OFF", 0 }, { "0", 0 },
	};
	struct tcfg	c;
	char		text[128], err[256];
	size_t		i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		snprintf(text, sizeof(text), "name x\nenable %s\n", t[i].v);
		ck_assert_msg(parse(text, &c, err, sizeof(err)) == 0, "%s",
		    err);
		ck_assert_int_eq(c.enable, t[i].want);
	}
}
END_TEST

/* Each bad config and the exact message it must produce. */
static const struct {
	const char	*text;
	const char	*err;
} bad[] = {
	{ "mtu 1300\n", "t.conf:0: Name: missing required key" },
	{ "name a\nfrobnicate 1\n", "t.conf:2: frobnicate: unknown key" },
	{ "name a\n\n\nMTU 1279\n",
	    "t.conf:4: Mtu: 1279 out of range 1280..65535" },
	{ "name a\nmtu 65536\n",
	    "t.conf:2: Mtu: 65536 out of range 1280..65535" },
	{ "name a\nmtu 12x\n", "t.conf:2: Mtu: invalid number '12x'" },
	{ "name a\nmtu -1\n", "t.conf:2: Mtu: invalid number '-1'" },
	{ "name a\nmtu 0x500\n", "t.conf:2: Mtu: invalid number '0x500'" },
	{ "name a\nanynumber 4294967296\n",
	    "t.conf:2: AnyNumber: invalid number '4294967296'" },
	{ "name a\nenable maybe\n",
	    "t.conf:2: Enable: invalid boolean 'maybe' (expected yes or no)" },
	{ "name a\nbindaddress 192.0.2.256\n",
	    "t.conf:2: BindAddress: invalid IPv4 address '192.0.2.256'" },
	{ "name a\nbindaddress 2001:db8::1\n",
	    "t.conf:2: BindAddress: invalid IPv4 address '2001:db8::1'" },
	{ "name a\nrelayaddress 2001:db8:::1\n",
	    "t.conf:2: RelayAddress: invalid IPv6 address '2001:db8:::1'" },
	{ "name a\nprefix 2001:db8::1/32\n",
	    "t.conf:2: Prefix: invalid prefix '2001:db8::1/32' "
	    "(expected address/length with zero host bits)" },
	{ "name a\nprefix 192.0.2.0/33\n",
	    "t.conf:2: Prefix: invalid prefix '192.0.2.0/33' "
	    "(expected address/length with zero host bits)" },
	{ "name a\nprefix 192.0.2.0\n",
	    "t.conf:2: Prefix: invalid prefix '192.0.2.0' "
	    "(expected address/length with zero host bits)" },
	{ "name a\nmode bridge\n",
	    "t.conf:2: Mode: invalid value 'bridge' "
	    "(expected relay|client|server)" },
	{ "name a\nname b\n",
	    "t.conf:2: Name: repeated key (first set on line 1)" },
	{ "name a\nMtu 1400\nMTU 1400\n",
	    "t.conf:3: Mtu: repeated key (first set on line 2)" },
	{ "name\n", "t.conf:1: Name: missing value" },
	{ "name   # nothing\n", "t.conf:1: Name: missing value" },
	{ "name \"abc\n", "t.conf:1: Name: unterminated quoted value" },
	{ "name \"abc\" def\n",
	    "t.conf:1: Name: unexpected text after quoted value" },
	{ "name a\x01" "b\n", "t.conf:1: Name: control character in value" },
};

START_TEST(test_errors)
{
	struct tcfg	c;
	char		err[256];

	ck_assert_int_eq(parse(bad[_i].text, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, bad[_i].err);
}
END_TEST

START_TEST(test_list_limit_and_long_values)
{
	struct tcfg	 c;
	char		 err[256], *text, *p;
	size_t		 i, cap = 64 * 1024;

	text = p = calloc(1, cap);
	ck_assert_ptr_nonnull(text);
	p += sprintf(p, "name a\n");
	for (i = 0; i < CONF_LIST_MAX; i++)
		p += sprintf(p, "announce 2001:db8:%zx::/48\n", i);
	ck_assert_int_eq(parse(text, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.list.n, CONF_LIST_MAX);
	sprintf(p, "announce 2001:db8:ffff::/48\n");
	ck_assert_int_eq(parse(text, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:18: Announce: too many values (max 16)");

	/* A string of CONF_STR_MAX - 1 bytes fits, one more does not. */
	p = text + sprintf(text, "name ");
	memset(p, 'x', CONF_STR_MAX - 1);
	strcpy(p + CONF_STR_MAX - 1, "\n");
	ck_assert_int_eq(parse(text, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(strlen(c.name), CONF_STR_MAX - 1);
	memset(p, 'x', CONF_STR_MAX);
	strcpy(p + CONF_STR_MAX, "\n");
	ck_assert_int_eq(parse(text, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:1: Name: value too long (max 255 bytes)");

	/* Lines longer than the parser's limit are refused, not cut. */
	p = text + sprintf(text, "name a\nmotd ");
	memset(p, 'y', 2000);
	strcpy(p + 2000, "\n");
	ck_assert_int_eq(parse(text, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:2: -: line too long (max 1024 bytes)");
	free(text);
}
END_TEST

START_TEST(test_nul_byte)
{
	struct tcfg	c;
	char		err[256];
	static const char text[] = "name a\nmotd a\0b\n";

	memset(&c, 0, sizeof(c));
	ck_assert_int_eq(conf_parse_buf("t.conf", text, sizeof(text) - 1,
	    keys, &c, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:2: -: NUL byte in line");
}
END_TEST

/* Print, parse what was printed, print again: the same text. */
START_TEST(test_round_trip)
{
	struct tcfg	 c;
	char		 err[256], *once, *twice;
	const char	*text =
	    "name \" spaced \"\nmotd \"a # b\"\nenable true\n"
	    "announce 2001:db8::/32\nannounce 198.51.100.0/24\n"
	    "extra 2001:db8:1::/48\nmode client\nprefix ::/0\n";

	ck_assert_msg(parse(text, &c, err, sizeof(err)) == 0, "%s", err);
	ck_assert_str_eq(c.name, " spaced ");
	ck_assert_str_eq(c.motd, "a # b");
	once = print(&c);
	ck_assert_msg(parse(once, &c, err, sizeof(err)) == 0, "%s", err);
	twice = print(&c);
	ck_assert_str_eq(once, twice);
	ck_assert_str_eq(c.name, " spaced ");
	ck_assert_str_eq(c.motd, "a # b");
	free(once);
	free(twice);
}
END_TEST

START_TEST(test_load_file)
{
	struct tcfg	 c;
	char		 path[] = "/tmp/conf_test.XXXXXX", err[512], want[512];
	int		 fd;
	FILE		*f;

	ck_assert_int_ne(fd = mkstemp(path), -1);
	ck_assert_ptr_nonnull(f = fdopen(fd, "w"));
	fputs("Name a\n# two\nMode nope\n", f);
	fclose(f);
	ck_assert_int_eq(conf_load(path, keys, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:3: Mode: invalid value 'nope' "
	    "(expected relay|client|server)", path);
	ck_assert_str_eq(err, want);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs("Name a\nMode client\n", f);
	fclose(f);
	ck_assert_int_eq(conf_load(path, keys, &c, err, sizeof(err)), 0);
	ck_assert_int_eq(c.mode, 1);
	unlink(path);
	ck_assert_int_eq(conf_load(path, keys, &c, err, sizeof(err)), -1);
	snprintf(want, sizeof(want), "%s:0: -: cannot open: "
	    "No such file or directory", path);
	ck_assert_str_eq(err, want);
}
END_TEST

START_TEST(test_prefix_helpers)
{
	struct conf_prefix	p;
	char			buf[64];

	ck_assert_int_eq(conf_parse_prefix("2001:db8::/32", &p), 0);
	ck_assert_int_eq(conf_format_prefix(&p, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2001:db8::/32");
	ck_assert_int_eq(conf_parse_prefix("192.0.2.128/25", &p), 0);
	ck_assert_int_eq(conf_format_prefix(&p, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "192.0.2.128/25");
	ck_assert_int_eq(conf_parse_prefix("192.0.2.129/25", &p), -1);
	ck_assert_int_eq(conf_parse_prefix("192.0.2.1/32", &p), 0);
	ck_assert_int_eq(conf_parse_prefix("/32", &p), -1);
	ck_assert_int_eq(conf_parse_prefix("192.0.2.0/", &p), -1);
	ck_assert_int_eq(conf_parse_prefix("192.0.2.0/+8", &p), -1);
	ck_assert_int_eq(conf_parse_prefix("2001:db8::/129", &p), -1);
	ck_assert_int_eq(conf_format_prefix(&p, buf, 4), -1);
}
END_TEST

START_TEST(test_bad_default_is_reported)
{
	static const struct conf_key broken[] = {
		{ "Mtu", CONF_U32, 0, "10", 0, 1280, 1500, NULL, "x" },
		{ NULL, CONF_STR, 0, NULL, 0, 0, 0, NULL, NULL }
	};
	uint32_t	v;
	char		err[256];

	ck_assert_int_eq(conf_defaults(broken, &v, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "(default):0: Mtu: 10 out of range 1280..1500");
}
END_TEST

/*
 * Interface names and socket paths are refused by length when parsed
 * (so -n refuses them), not when the daemon starts: 15 bytes fit
 * IFNAMSIZ, 16 do not; 107 fit sun_path, 108 do not.
 */
struct lcfg {
	char	ifname[CONF_STR_MAX];
	char	sock[CONF_STR_MAX];
};

static const struct conf_key lkeys[] = {
	{ "InterfaceName", CONF_STR, offsetof(struct lcfg, ifname), "tun0", 0,
	    0, CONF_IFNAME_MAX, NULL, "test" },
	{ "ControlSocket", CONF_STR, offsetof(struct lcfg, sock), "/s", 0, 0,
	    CONF_SUN_PATH_MAX, NULL, "test" },
	{ NULL, CONF_STR, 0, NULL, 0, 0, 0, NULL, NULL }
};

static int
lparse(const char *key, size_t n, char *err, size_t errlen)
{
	struct lcfg	c;
	char		text[512];
	int		off;

	off = snprintf(text, sizeof(text), "%s ", key);
	memset(text + off, 'x', n);
	strcpy(text + off + n, "\n");
	return conf_parse_buf("l.conf", text, strlen(text), lkeys, &c, err,
	    errlen);
}

START_TEST(test_str_max)
{
	char	err[256];

	ck_assert_int_eq(lparse("InterfaceName", 15, err, sizeof(err)), 0);
	ck_assert_int_eq(lparse("InterfaceName", 16, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "l.conf:1: InterfaceName: interface name too "
	    "long (16 bytes, max 15)");
	ck_assert_int_eq(lparse("ControlSocket", 107, err, sizeof(err)), 0);
	ck_assert_int_eq(lparse("ControlSocket", 108, err, sizeof(err)), -1);
	ck_assert_str_eq(err, "l.conf:1: ControlSocket: socket path too long "
	    "(108 bytes, max 107)");
}
END_TEST

/* A key's or value's control and binary bytes never reach err raw. */
START_TEST(test_error_escaped)
{
	struct tcfg	c;
	char		err[256];

	ck_assert_int_eq(parse("name a\nBo\033[2Jgus\\ x\n", &c, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:2: Bo\\x1b[2Jgus\\\\: unknown key");
	ck_assert_int_eq(parse("name a\nmtu 9\xff\x80\n", &c, err,
	    sizeof(err)), -1);
	ck_assert_str_eq(err, "t.conf:2: Mtu: invalid number '9\\xff\\x80'");
	/* Cut at the buffer's end, never inside an escape. */
	ck_assert_int_eq(parse("\001\002 x\n", &c, err, 14), -1);
	ck_assert_str_eq(err, "t.conf:1: ");
	ck_assert_int_eq(parse("\001\002 x\n", &c, err, 15), -1);
	ck_assert_str_eq(err, "t.conf:1: \\x01");
}
END_TEST

static Suite *
conf_suite(void)
{
	Suite	*s = suite_create("conf");
	TCase	*tc = tcase_create("core");

	tcase_add_test(tc, test_defaults_and_print);
	tcase_add_test(tc, test_str_max);
	tcase_add_test(tc, test_error_escaped);
	tcase_add_test(tc, test_every_type);
	tcase_add_test(tc, test_bool_spellings);
	tcase_add_loop_test(tc, test_errors, 0, sizeof(bad) / sizeof(bad[0]));
	tcase_add_test(tc, test_list_limit_and_long_values);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_round_trip);
	tcase_add_test(tc, test_load_file);
	tcase_add_test(tc, test_prefix_helpers);
	tcase_add_test(tc, test_bad_default_is_reported);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(conf_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? 0 : 1;
}
