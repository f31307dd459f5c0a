/*
 * Config files: one per daemon, "Key value" lines in the spirit of
 * miredo.conf.  '#' starts a comment; keys are case-insensitive; a value
 * may be quoted.  A daemon describes its keys in a table; conf_load() fills
 * the daemon's struct through it.  Any unknown key, bad value, missing
 * required key or repeated non-list key is an error "file:line: key: why"
 * (for a missing key, the line is 0).  conf_print() writes the normalized
 * config (every key, defaults included, canonical spelling) for `-n`.
 */
#ifndef JF_CONF_H
#define JF_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <netinet/in.h>

#define CONF_STR_MAX	256
/*
 * CONF_STR keys naming an interface or a UNIX socket path set max to one
 * of these, so that -n refuses what the kernel would refuse at start.
 */
#define CONF_IFNAME_MAX		15	/* IFNAMSIZ - 1 */
#define CONF_SUN_PATH_MAX	107	/* sizeof(sun_path) - 1 */
#define CONF_LIST_MAX	16

enum conf_type {
	CONF_STR,	/* char[CONF_STR_MAX] */
	CONF_U32,	/* uint32_t, checked against min..max */
	CONF_BOOL,	/* int: yes/no/true/false/on/off/1/0 */
	CONF_IPV4,	/* struct in_addr */
	CONF_IPV6,	/* struct in6_addr */
	CONF_PREFIX,	/* struct conf_prefix: v4 or v6 "addr/len" */
	CONF_PREFIX_LIST, /* struct conf_prefix_list: key may repeat */
	CONF_ENUM,	/* int: index into choices[] */
};

struct conf_prefix {
	int		af;	/* AF_INET or AF_INET6 */
	uint8_t		len;
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
	} addr;
};

struct conf_prefix_list {
	size_t			n;
	struct conf_prefix	p[CONF_LIST_MAX];
};

struct conf_key {
	const char		*name;
	enum conf_type		 type;
	size_t			 offset;	/* offsetof(daemon struct, field) */
	const char		*dflt;		/* text default, NULL: none */
	int			 required;
	uint32_t		 min, max;	/* CONF_U32; CONF_STR: max bytes
						   when max > 0 */
	const char *const	*choices;	/* CONF_ENUM, NULL-terminated */
	const char		*help;
};

/*
 * A key table ends with an entry whose name is NULL.  CONF_U32 with
 * min == max == 0 accepts any uint32_t.  A CONF_PREFIX_LIST default may
 * hold several prefixes separated by blanks; the first line of the key in
 * the file replaces the default list.  In error messages the key is
 * spelled canonically; "-" stands for no key (I/O, line too long).  A
 * message never carries a control or non-ASCII byte raw: each is written
 * \xNN (a backslash as \\), so a hostile file cannot write to the
 * terminal or the journal through an error.
 */

/* 0 on success; -1 with "file:line: key: reason" in err. */
int	conf_load(const char *path, const struct conf_key *keys, void *cfg,
	    char *err, size_t errlen);
/* Same on a buffer already in memory (tests, fuzzers); file names it. */
int	conf_parse_buf(const char *file, const void *data, size_t len,
	    const struct conf_key *keys, void *cfg, char *err, size_t errlen);
/* Apply defaults only (no file), for tests. */
int	conf_defaults(const struct conf_key *keys, void *cfg, char *err,
	    size_t errlen);
void	conf_print(FILE *, const struct conf_key *keys, const void *cfg);
/*
 * For checks that span several keys and run after conf_load(): the line
 * of the nth (from 1) setting of key in file (0 if absent), and an error
 * "file:line: key: why" built from it (returns -1).
 */
unsigned int conf_key_line(const char *file, const char *key, size_t nth);
int	conf_fail(char *err, size_t errlen, const char *file, const char *key,
	    size_t nth, const char *fmt, ...)
	    __attribute__((format(printf, 6, 7)));
/* Value parsers shared with command-line overrides; 0 or -1. */
int	conf_parse_prefix(const char *, struct conf_prefix *);
int	conf_format_prefix(const struct conf_prefix *, char *, size_t);

#endif /* JF_CONF_H */
