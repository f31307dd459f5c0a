/*
 * Config files: "Key value" lines, see conf.h.  The whole file is read into
 * memory and walked line by line through a pbuf cursor, so the line
 * splitter can never run past the end of what was read.  Every value goes
 * through one typed parser per conf_type; the defaults go through the same
 * parsers, so a default can never hold a value the file could not.
 */
#include <sys/types.h>
#include <sys/socket.h>
#include <arpa/inet.h>
#include <netinet/in.h>

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "conf.h"
#include "pbuf.h"

#define CONF_FILE_MAX	(1024 * 1024)
#define CONF_LINE_MAX	1024
#define CONF_KEYS_MAX	128

struct conf_state {
	const char		*file;
	const struct conf_key	*keys;
	void			*cfg;
	unsigned int		 seen[CONF_KEYS_MAX];	/* line first set, 0: no */
	char			*err;
	size_t			 errlen;
};

static int	conf_error(struct conf_state *, unsigned int, const char *,
		    const char *, ...) __attribute__((format(printf, 4, 5)));
static size_t	conf_nkeys(const struct conf_key *);
static const struct conf_key *conf_lookup(const struct conf_key *,
		    const char *);
static int	conf_parse_value(const struct conf_key *, const char *, void *,
		    char *, size_t);
static int	conf_parse_u32(const char *, uint32_t *);
static int	conf_parse_bool(const char *, int *);
static int	conf_split(char *, char **, char **, const char **);
static int	conf_line(struct conf_state *, unsigned int, char *);
static void	conf_clear(const struct conf_key *, void *);
static int	conf_apply_default(const struct conf_key *, void *, char *,
		    size_t);
static void	conf_print_str(FILE *, const char *, const char *);

/*
 * Copy msg into err, each control or non-ASCII byte as \xNN and a
 * backslash as \\: keys and values come from the file, and a message
 * goes to a terminal or the journal.  Cut whole, never mid-escape.
 */
static void
conf_escape(char *err, size_t errlen, const char *msg)
{
	static const char	hex[] = "0123456789abcdef";
	const unsigned char	*c;
	size_t			 o = 0;

	if (err == NULL || errlen == 0)
		return;
	for (c = (const unsigned char *)msg; *c != '\0'; c++) {
		if (*c >= 0x20 && *c < 0x7f && *c != '\\') {
			if (o + 1 >= errlen)
				break;
			err[o++] = (char)*c;
		} else if (*c == '\\') {
			if (o + 2 >= errlen)
				break;
			err[o++] = '\\';
			err[o++] = '\\';
		} else {
			if (o + 4 >= errlen)
				break;
			err[o++] = '\\';
			err[o++] = 'x';
			err[o++] = hex[*c >> 4];
			err[o++] = hex[*c & 15];
		}
	}
	err[o] = '\0';
}

static int
conf_error(struct conf_state *st, unsigned int line, const char *key,
    const char *fmt, ...)
{
	char	why[CONF_LINE_MAX], msg[2 * CONF_LINE_MAX];
	va_list	ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	snprintf(msg, sizeof(msg), "%s:%u: %s: %s", st->file, line, key, why);
	conf_escape(st->err, st->errlen, msg);
	return -1;
}

static size_t
conf_nkeys(const struct conf_key *keys)
{
	size_t	n = 0;

	while (keys[n].name != NULL)
		n++;
	return n;
}

static const struct conf_key *
conf_lookup(const struct conf_key *keys, const char *name)
{
	for (; keys->name != NULL; keys++)
		if (strcasecmp(keys->name, name) == 0)
			return keys;
	return NULL;
}

/* Decimal only: "0x10", "+5", "-1" and " 5" are all refused. */
static int
conf_parse_u32(const char *s, uint32_t *v)
{
	unsigned long long	n = 0;

	if (*s == '\0')
		return -1;
	for (; *s != '\0'; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		n = n * 10 + (unsigned long long)(*s - '0');
		if (n > UINT32_MAX)
			return -1;
	}
	*v = (uint32_t)n;
	return 0;
}

static int
conf_parse_bool(const char *s, int *v)
{
	static const char *const yes[] = { "yes", "true", "on", "1", NULL };
	static const char *const no[] = { "no", "false", "off", "0", NULL };
	size_t	i;

	for (i = 0; yes[i] != NULL; i++)
		if (strcasecmp(s, yes[i]) == 0) {
			*v = 1;
			return 0;
		}
	for (i = 0; no[i] != NULL; i++)
		if (strcasecmp(s, no[i]) == 0) {
			*v = 0;
			return 0;
		}
	return -1;
}

int
conf_parse_prefix(const char *s, struct conf_prefix *p)
{
	char		 addr[INET6_ADDRSTRLEN];
	const char	*slash;
	uint32_t	 len;
	size_t		 alen, i, maxlen;
	uint8_t		*bytes;

	memset(p, 0, sizeof(*p));
	if ((slash = strchr(s, '/')) == NULL)
		return -1;
	alen = (size_t)(slash - s);
	if (alen == 0 || alen >= sizeof(addr))
		return -1;
	memcpy(addr, s, alen);
	addr[alen] = '\0';
	if (conf_parse_u32(slash + 1, &len) == -1)
		return -1;
	if (strchr(addr, ':') != NULL) {
		p->af = AF_INET6;
		maxlen = 128;
		if (inet_pton(AF_INET6, addr, &p->addr.v6) != 1)
			return -1;
		bytes = p->addr.v6.s6_addr;
	} else {
		p->af = AF_INET;
		maxlen = 32;
		if (inet_pton(AF_INET, addr, &p->addr.v4) != 1)
			return -1;
		bytes = (uint8_t *)&p->addr.v4.s_addr;
	}
	if (len > maxlen)
		return -1;
	p->len = (uint8_t)len;
	/* Host bits must be zero: "2001:db8::1/32" is a typo, not a prefix. */
	for (i = 0; i < maxlen / 8; i++) {
		size_t	bit = i * 8;
		uint8_t	mask;

		if (bit + 8 <= len)
			continue;
		mask = bit >= len ? 0 : (uint8_t)(0xff << (8 - (len - bit)));
		if ((bytes[i] & (uint8_t)~mask) != 0)
			return -1;
	}
	return 0;
}

int
conf_format_prefix(const struct conf_prefix *p, char *buf, size_t len)
{
	char	addr[INET6_ADDRSTRLEN];
	int	n;

	if (p->af == AF_INET)
		inet_ntop(AF_INET, &p->addr.v4, addr, sizeof(addr));
	else if (p->af == AF_INET6)
		inet_ntop(AF_INET6, &p->addr.v6, addr, sizeof(addr));
	else
		return -1;
	n = snprintf(buf, len, "%s/%u", addr, p->len);
	return (n < 0 || (size_t)n >= len) ? -1 : 0;
}

/*
 * Parse one value of key k into its field; "why" gets the reason on
 * failure (the caller adds file, line and key).
 */
static int
conf_parse_value(const struct conf_key *k, const char *val, void *cfg,
    char *why, size_t whylen)
{
	char			*field = (char *)cfg + k->offset;
	struct conf_prefix_list	*pl;
	struct conf_prefix	 pfx;
	uint32_t		 u, lo, hi;
	int			 b;
	size_t			 i;

	switch (k->type) {
	case CONF_STR:
		if (strlen(val) >= CONF_STR_MAX) {
			snprintf(why, whylen, "value too long (max %d bytes)",
			    CONF_STR_MAX - 1);
			return -1;
		}
		if (k->max > 0 && strlen(val) > k->max) {
			snprintf(why, whylen, "%s too long (%zu bytes, max %u)",
			    k->max == CONF_IFNAME_MAX ? "interface name" :
			    k->max == CONF_SUN_PATH_MAX ? "socket path" :
			    "value", strlen(val), k->max);
			return -1;
		}
		strncpy(field, val, CONF_STR_MAX - 1);
		field[CONF_STR_MAX - 1] = '\0';
		return 0;
	case CONF_U32:
		lo = k->min;
		hi = (k->min == 0 && k->max == 0) ? UINT32_MAX : k->max;
		if (conf_parse_u32(val, &u) == -1) {
			snprintf(why, whylen, "invalid number '%s'", val);
			return -1;
		}
		if (u < lo || u > hi) {
			snprintf(why, whylen, "%u out of range %u..%u", u, lo,
			    hi);
			return -1;
		}
		memcpy(field, &u, sizeof(u));
		return 0;
	case CONF_BOOL:
		if (conf_parse_bool(val, &b) == -1) {
			snprintf(why, whylen, "invalid boolean '%s' "
			    "(expected yes or no)", val);
			return -1;
		}
		memcpy(field, &b, sizeof(b));
		return 0;
	case CONF_IPV4:
		if (inet_pton(AF_INET, val, field) != 1) {
			snprintf(why, whylen, "invalid IPv4 address '%s'", val);
			return -1;
		}
		return 0;
	case CONF_IPV6:
		if (inet_pton(AF_INET6, val, field) != 1) {
			snprintf(why, whylen, "invalid IPv6 address '%s'", val);
			return -1;
		}
		return 0;
	case CONF_PREFIX:
	case CONF_PREFIX_LIST:
		if (conf_parse_prefix(val, &pfx) == -1) {
			snprintf(why, whylen, "invalid prefix '%s' (expected "
			    "address/length with zero host bits)", val);
			return -1;
		}
		if (k->type == CONF_PREFIX) {
			memcpy(field, &pfx, sizeof(pfx));
			return 0;
		}
		pl = (struct conf_prefix_list *)(void *)field;
		if (pl->n >= CONF_LIST_MAX) {
			snprintf(why, whylen, "too many values (max %d)",
			    CONF_LIST_MAX);
			return -1;
		}
		pl->p[pl->n++] = pfx;
		return 0;
	case CONF_ENUM:
		for (i = 0; k->choices != NULL && k->choices[i] != NULL; i++)
			if (strcasecmp(val, k->choices[i]) == 0) {
				b = (int)i;
				memcpy(field, &b, sizeof(b));
				return 0;
			}
		{
			size_t	off;

			off = (size_t)snprintf(why, whylen,
			    "invalid value '%s' (expected", val);
			for (i = 0; k->choices != NULL &&
			    k->choices[i] != NULL && off < whylen; i++)
				off += (size_t)snprintf(why + off, whylen - off,
				    "%s%s", i == 0 ? " " : "|", k->choices[i]);
			if (off < whylen)
				snprintf(why + off, whylen - off, ")");
		}
		return -1;
	}
	snprintf(why, whylen, "internal: unknown type %d", (int)k->type);
	return -1;
}

static void
conf_clear(const struct conf_key *k, void *cfg)
{
	char	*field = (char *)cfg + k->offset;

	switch (k->type) {
	case CONF_STR:
		memset(field, 0, CONF_STR_MAX);
		break;
	case CONF_U32:
		memset(field, 0, sizeof(uint32_t));
		break;
	case CONF_BOOL:
	case CONF_ENUM:
		memset(field, 0, sizeof(int));
		break;
	case CONF_IPV4:
		memset(field, 0, sizeof(struct in_addr));
		break;
	case CONF_IPV6:
		memset(field, 0, sizeof(struct in6_addr));
		break;
	case CONF_PREFIX:
		memset(field, 0, sizeof(struct conf_prefix));
		break;
	case CONF_PREFIX_LIST:
		memset(field, 0, sizeof(struct conf_prefix_list));
		break;
	}
}

/* A list default holds several prefixes separated by blanks. */
static int
conf_apply_default(const struct conf_key *k, void *cfg, char *why,
    size_t whylen)
{
	char	 buf[CONF_LINE_MAX], *tok, *save = NULL;

	conf_clear(k, cfg);
	if (k->dflt == NULL)
		return 0;
	if (k->type != CONF_PREFIX_LIST)
		return conf_parse_value(k, k->dflt, cfg, why, whylen);
	if (strlen(k->dflt) >= sizeof(buf)) {
		snprintf(why, whylen, "default too long");
		return -1;
	}
	strcpy(buf, k->dflt);
	for (tok = strtok_r(buf, " \t,", &save); tok != NULL;
	    tok = strtok_r(NULL, " \t,", &save))
		if (conf_parse_value(k, tok, cfg, why, whylen) == -1)
			return -1;
	return 0;
}

int
conf_defaults(const struct conf_key *keys, void *cfg, char *err,
    size_t errlen)
{
	char	why[CONF_LINE_MAX];

	for (; keys->name != NULL; keys++)
		if (conf_apply_default(keys, cfg, why, sizeof(why)) == -1) {
			if (err != NULL && errlen > 0)
				snprintf(err, errlen, "(default):0: %s: %s",
				    keys->name, why);
			return -1;
		}
	return 0;
}

/*
 * Split a line in place into key and value, after removing a comment and
 * surrounding blanks.  Returns 0 for an empty line, 1 for key/value, -1
 * with a reason.  A value is the rest of the line; if it starts with '"'
 * it runs to the next '"' (no escapes) and only blanks or a comment may
 * follow.
 */
static int
conf_split(char *s, char **key, char **val, const char **why)
{
	char	*p, *end;

	*key = *val = NULL;
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '\0' || *s == '#')
		return 0;
	*key = s;
	while (*s != '\0' && *s != ' ' && *s != '\t' && *s != '#')
		s++;
	if (*s == '#' || *s == '\0') {
		*s = '\0';
		*why = "missing value";
		return -1;
	}
	*s++ = '\0';
	while (*s == ' ' || *s == '\t')
		s++;
	if (*s == '"') {
		*val = ++s;
		if ((end = strchr(s, '"')) == NULL) {
			*why = "unterminated quoted value";
			return -1;
		}
		*end = '\0';
		for (p = end + 1; *p == ' ' || *p == '\t'; p++)
			;
		if (*p != '\0' && *p != '#') {
			*why = "unexpected text after quoted value";
			return -1;
		}
		return 1;
	}
	if (*s == '\0' || *s == '#') {
		*why = "missing value";
		return -1;
	}
	*val = s;
	if ((p = strchr(s, '#')) != NULL)
		*p = '\0';
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return 1;
}

/* Same tokenizer as conf_load, so the line found is the line it used. */
unsigned int
conf_key_line(const char *file, const char *key, size_t nth)
{
	char		 line[CONF_LINE_MAX + 2], *k, *v;
	const char	*why;
	unsigned int	 n = 0, found = 0;
	FILE		*f;

	if (nth == 0 || (f = fopen(file, "r")) == NULL)
		return 0;
	while (found == 0 && fgets(line, sizeof(line), f) != NULL) {
		n++;
		line[strcspn(line, "\r\n")] = '\0';
		if (conf_split(line, &k, &v, &why) != 0 && k != NULL &&
		    strcasecmp(k, key) == 0 && --nth == 0)
			found = n;
	}
	fclose(f);
	return found;
}

int
conf_fail(char *err, size_t errlen, const char *file, const char *key,
    size_t nth, const char *fmt, ...)
{
	char	msg[2 * CONF_LINE_MAX];
	va_list	ap;
	int	off;

	off = snprintf(msg, sizeof(msg), "%s:%u: %s: ", file,
	    conf_key_line(file, key, nth), key);
	if (off > 0 && (size_t)off < sizeof(msg)) {
		va_start(ap, fmt);
		vsnprintf(msg + off, sizeof(msg) - (size_t)off, fmt, ap);
		va_end(ap);
	}
	conf_escape(err, errlen, msg);
	return -1;
}

static int
conf_line(struct conf_state *st, unsigned int lineno, char *line)
{
	const struct conf_key	*k;
	char			*key, *val, why[CONF_LINE_MAX];
	const char		*kname;
	const char		*swhy = NULL;
	const unsigned char	*c;
	size_t			 idx;
	int			 r;

	r = conf_split(line, &key, &val, &swhy);
	if (r == 0)
		return 0;
	kname = key;
	if ((k = conf_lookup(st->keys, key)) != NULL)
		kname = k->name;	/* canonical spelling in messages */
	if (r == -1)
		return conf_error(st, lineno, kname, "%s", swhy);
	if (k == NULL)
		return conf_error(st, lineno, kname, "unknown key");
	for (c = (const unsigned char *)val; *c != '\0'; c++)
		if ((*c < 0x20 && *c != '\t') || *c == 0x7f)
			return conf_error(st, lineno, kname,
			    "control character in value");
	idx = (size_t)(k - st->keys);
	if (st->seen[idx] != 0) {
		if (k->type != CONF_PREFIX_LIST)
			return conf_error(st, lineno, kname,
			    "repeated key (first set on line %u)",
			    st->seen[idx]);
	} else {
		/* The first line of a list replaces its default. */
		conf_clear(k, st->cfg);
		st->seen[idx] = lineno;
	}
	if (conf_parse_value(k, val, st->cfg, why, sizeof(why)) == -1)
		return conf_error(st, lineno, kname, "%s", why);
	return 0;
}

int
conf_parse_buf(const char *file, const void *data, size_t len,
    const struct conf_key *keys, void *cfg, char *err, size_t errlen)
{
	struct conf_state	 st;
	struct pbuf		 in, lb;
	char			 line[CONF_LINE_MAX + 1];
	const uint8_t		*nl;
	unsigned int		 lineno = 0;
	size_t			 i, n, llen;

	memset(&st, 0, sizeof(st));
	st.file = file;
	st.keys = keys;
	st.cfg = cfg;
	st.err = err;
	st.errlen = errlen;
	if (err != NULL && errlen > 0)
		err[0] = '\0';
	if ((n = conf_nkeys(keys)) > CONF_KEYS_MAX)
		return conf_error(&st, 0, "-", "internal: too many keys");
	if (conf_defaults(keys, cfg, err, errlen) == -1)
		return -1;

	pbuf_init(&in, data, len);
	while (pbuf_left(&in) > 0) {
		lineno++;
		nl = memchr(in.p, '\n', pbuf_left(&in));
		llen = nl != NULL ? (size_t)(nl - in.p) : pbuf_left(&in);
		if (pbuf_sub(&in, llen, &lb) == -1)
			return conf_error(&st, lineno, "-", "internal: cursor");
		if (nl != NULL)
			(void)pbuf_skip(&in, 1);
		if (llen > 0 && lb.p[llen - 1] == '\r')
			llen--;	/* CRLF files */
		if (llen > CONF_LINE_MAX)
			return conf_error(&st, lineno, "-",
			    "line too long (max %d bytes)", CONF_LINE_MAX);
		if (pbuf_get(&lb, line, llen) == -1)
			return conf_error(&st, lineno, "-", "internal: cursor");
		line[llen] = '\0';
		if (memchr(line, '\0', llen) != NULL)
			return conf_error(&st, lineno, "-", "NUL byte in line");
		if (conf_line(&st, lineno, line) == -1)
			return -1;
	}
	for (i = 0; i < n; i++)
		if (keys[i].required && st.seen[i] == 0)
			return conf_error(&st, 0, keys[i].name,
			    "missing required key");
	return 0;
}

int
conf_load(const char *path, const struct conf_key *keys, void *cfg,
    char *err, size_t errlen)
{
	FILE	*f;
	char	*data;
	size_t	 len;
	int	 r, saved;

	if ((f = fopen(path, "r")) == NULL) {
		saved = errno;
		snprintf(err, errlen, "%s:0: -: cannot open: %s", path,
		    strerror(saved));
		return -1;
	}
	if ((data = malloc(CONF_FILE_MAX + 1)) == NULL) {
		fclose(f);
		snprintf(err, errlen, "%s:0: -: out of memory", path);
		return -1;
	}
	len = fread(data, 1, CONF_FILE_MAX + 1, f);
	if (ferror(f)) {
		saved = errno;
		snprintf(err, errlen, "%s:0: -: read error: %s", path,
		    strerror(saved));
		r = -1;
	} else if (len > CONF_FILE_MAX) {
		snprintf(err, errlen, "%s:0: -: file too large (max %d bytes)",
		    path, CONF_FILE_MAX);
		r = -1;
	} else
		r = conf_parse_buf(path, data, len, keys, cfg, err, errlen);
	free(data);
	fclose(f);
	return r;
}

/*
 * Quote a value with blanks or '#', so that it reads as one word.  A quoted
 * value cannot hold '"' (no escapes), so one that has both blanks and '"'
 * stays bare: the parser takes the rest of the line as the value anyway.
 */
static void
conf_print_str(FILE *f, const char *name, const char *s)
{
	size_t	n = strlen(s);
	int	quote;

	quote = n == 0 || s[0] == '"' || s[0] == ' ' || s[0] == '\t' ||
	    s[n - 1] == ' ' || s[n - 1] == '\t' || strchr(s, '#') != NULL;
	if (!quote && strpbrk(s, " \t") != NULL && strchr(s, '"') == NULL)
		quote = 1;
	if (quote)
		fprintf(f, "%s \"%s\"\n", name, s);
	else
		fprintf(f, "%s %s\n", name, s);
}

void
conf_print(FILE *f, const struct conf_key *keys, const void *cfg)
{
	const struct conf_key		*k;
	const char			*field;
	const struct conf_prefix_list	*pl;
	char				 buf[INET6_ADDRSTRLEN + 8];
	uint32_t			 u;
	int				 b;
	size_t				 i, nch;

	for (k = keys; k->name != NULL; k++) {
		field = (const char *)cfg + k->offset;
		switch (k->type) {
		case CONF_STR:
			conf_print_str(f, k->name, field);
			break;
		case CONF_U32:
			memcpy(&u, field, sizeof(u));
			fprintf(f, "%s %u\n", k->name, u);
			break;
		case CONF_BOOL:
			memcpy(&b, field, sizeof(b));
			fprintf(f, "%s %s\n", k->name, b ? "yes" : "no");
			break;
		case CONF_IPV4:
			inet_ntop(AF_INET, field, buf, sizeof(buf));
			fprintf(f, "%s %s\n", k->name, buf);
			break;
		case CONF_IPV6:
			inet_ntop(AF_INET6, field, buf, sizeof(buf));
			fprintf(f, "%s %s\n", k->name, buf);
			break;
		case CONF_PREFIX:
			/* An unset optional prefix prints as a comment. */
			if (conf_format_prefix((const struct conf_prefix *)
			    (const void *)field, buf, sizeof(buf)) == -1)
				fprintf(f, "# %s (not set)\n", k->name);
			else
				fprintf(f, "%s %s\n", k->name, buf);
			break;
		case CONF_PREFIX_LIST:
			pl = (const struct conf_prefix_list *)
			    (const void *)field;
			if (pl->n == 0)
				fprintf(f, "# %s (none)\n", k->name);
			for (i = 0; i < pl->n && i < CONF_LIST_MAX; i++)
				if (conf_format_prefix(&pl->p[i], buf,
				    sizeof(buf)) == 0)
					fprintf(f, "%s %s\n", k->name, buf);
			break;
		case CONF_ENUM:
			memcpy(&b, field, sizeof(b));
			for (nch = 0; k->choices != NULL &&
			    k->choices[nch] != NULL; nch++)
				;
			if (b >= 0 && (size_t)b < nch)
				fprintf(f, "%s %s\n", k->name, k->choices[b]);
			else
				fprintf(f, "# %s (invalid %d)\n", k->name, b);
			break;
		}
	}
}
