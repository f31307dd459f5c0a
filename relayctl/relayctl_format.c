/*
 * relayctl output formatting, see relayctl.h.  Replies are small (a few
 * hundred lines at most), so each run of lines is parsed into a table in
 * memory, measured, then printed.
 */
#include <sys/types.h>

#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "relayctl.h"

#define FMT_COLS_MAX	32

struct fmt_cell {
	const char	*s;
	size_t		 len;
};

struct fmt_row {
	struct fmt_cell	 cell[FMT_COLS_MAX];	/* by column index */
};

struct fmt_table {
	const char	*key[FMT_COLS_MAX];
	size_t		 keylen[FMT_COLS_MAX];
	size_t		 width[FMT_COLS_MAX];
	int		 numeric[FMT_COLS_MAX];
	size_t		 ncols;
	struct fmt_row	*rows;
	size_t		 nrows;
};

static int	fmt_is_row(const char *, size_t);
static int	fmt_is_number(const char *, size_t);
static size_t	fmt_line_len(const char *);
static const char *fmt_pairs(FILE *, const char *, const char *);
static const char *fmt_rows(FILE *, const char *, const char *);
static int	fmt_col(struct fmt_table *, const char *, size_t);
static void	fmt_pad(FILE *, size_t);

static size_t
fmt_line_len(const char *s)
{
	const char	*nl = strchr(s, '\n');

	return nl != NULL ? (size_t)(nl - s) : strlen(s);
}

/* A table row: its first word is "k=v". */
static int
fmt_is_row(const char *s, size_t len)
{
	size_t	i;

	for (i = 0; i < len && s[i] != ' '; i++)
		if (s[i] == '=')
			return i > 0;
	return 0;
}

static int
fmt_is_number(const char *s, size_t len)
{
	size_t	i, digits = 0;

	for (i = 0; i < len; i++) {
		if (isdigit((unsigned char)s[i]))
			digits++;
		else if (!(s[i] == '.' || (i == 0 && s[i] == '-')))
			return 0;
	}
	return digits > 0;
}

static void
fmt_pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

/* "key value" lines, until a row, the final line or the end. */
static const char *
fmt_pairs(FILE *out, const char *s, const char *end)
{
	const char	*p;
	size_t		 kw = 0, vw = 0, len, klen;
	int		 numeric = 1;

	for (p = s; p < end; p += len + 1) {
		len = fmt_line_len(p);
		if (fmt_is_row(p, len))
			break;
		klen = strcspn(p, " \n");
		if (klen > len)
			klen = len;
		kw = klen > kw ? klen : kw;
		if (klen < len) {
			if (len - klen - 1 > vw)
				vw = len - klen - 1;
			if (!fmt_is_number(p + klen + 1, len - klen - 1))
				numeric = 0;
		}
	}
	end = p;
	for (p = s; p < end; p += len + 1) {
		len = fmt_line_len(p);
		klen = strcspn(p, " \n");
		if (klen > len)
			klen = len;
		fprintf(out, "%.*s", (int)klen, p);
		if (klen < len) {
			fmt_pad(out, kw - klen + 2);
			if (numeric)
				fmt_pad(out, vw - (len - klen - 1));
			fprintf(out, "%.*s", (int)(len - klen - 1),
			    p + klen + 1);
		}
		fputc('\n', out);
	}
	return end;
}

static int
fmt_col(struct fmt_table *t, const char *k, size_t klen)
{
	size_t	i;

	for (i = 0; i < t->ncols; i++)
		if (t->keylen[i] == klen && memcmp(t->key[i], k, klen) == 0)
			return (int)i;
	if (t->ncols == FMT_COLS_MAX)
		return -1;
	t->key[t->ncols] = k;
	t->keylen[t->ncols] = klen;
	t->width[t->ncols] = klen;
	t->numeric[t->ncols] = 1;
	return (int)t->ncols++;
}

/* "k=v k=v" rows, until a pair line, the final line or the end. */
static const char *
fmt_rows(FILE *out, const char *s, const char *end)
{
	struct fmt_table	 t;
	struct fmt_row		*r;
	const char		*p, *w, *eq;
	size_t			 len, n = 0, i, wl, vlen;
	int			 col;

	memset(&t, 0, sizeof(t));
	for (p = s; p < end; p += len + 1, n++) {
		len = fmt_line_len(p);
		if (!fmt_is_row(p, len))
			break;
	}
	end = p;
	if ((t.rows = calloc(n > 0 ? n : 1, sizeof(*t.rows))) == NULL) {
		fprintf(out, "%.*s", (int)(end - s), s);
		return end;
	}
	for (p = s; p < end; p += len + 1) {
		len = fmt_line_len(p);
		r = &t.rows[t.nrows++];
		for (w = p; w < p + len; w += wl) {
			while (w < p + len && *w == ' ')
				w++;
			if (w >= p + len)
				break;
			for (wl = 0; w + wl < p + len && w[wl] != ' '; wl++)
				;
			eq = memchr(w, '=', wl);
			if (eq == NULL)	/* a lone word: a column of its own */
				eq = w + wl;
			if ((col = fmt_col(&t, w, (size_t)(eq - w))) == -1)
				continue;
			vlen = eq < w + wl ? (size_t)(w + wl - eq - 1) : 0;
			r->cell[col].s = eq < w + wl ? eq + 1 : eq;
			r->cell[col].len = vlen;
			if (vlen > t.width[col])
				t.width[col] = vlen;
			if (!fmt_is_number(r->cell[col].s, vlen))
				t.numeric[col] = 0;
		}
	}
	for (i = 0; i < t.ncols; i++) {
		if (t.numeric[i])
			fmt_pad(out, t.width[i] - t.keylen[i]);
		fprintf(out, "%.*s", (int)t.keylen[i], t.key[i]);
		if (i + 1 < t.ncols)
			fmt_pad(out, (t.numeric[i] ? 0 : t.width[i] -
			    t.keylen[i]) + 2);
	}
	fputc('\n', out);
	for (n = 0; n < t.nrows; n++) {
		r = &t.rows[n];
		for (i = 0; i < t.ncols; i++) {
			const char	*v = r->cell[i].s != NULL ?
			    r->cell[i].s : "-";
			size_t		 vl = r->cell[i].s != NULL ?
			    r->cell[i].len : 1;

			if (t.numeric[i])
				fmt_pad(out, t.width[i] - vl);
			fprintf(out, "%.*s", (int)vl, v);
			if (i + 1 < t.ncols)
				fmt_pad(out, (t.numeric[i] ? 0 :
				    t.width[i] - vl) + 2);
		}
		fputc('\n', out);
	}
	free(t.rows);
	return end;
}

int
relayctl_format(FILE *out, FILE *err, const char *reply, int raw)
{
	const char	*last, *end, *p;
	size_t		 len = strlen(reply);
	int		 rc;

	/* Find the final line: the last one, newline-terminated. */
	if (len == 0 || reply[len - 1] != '\n')
		return -1;
	last = reply + len - 1;
	while (last > reply && last[-1] != '\n')
		last--;
	if (strcmp(last, "ok\n") == 0)
		rc = 0;
	else if (strncmp(last, "error", 5) == 0 &&
	    (last[5] == ' ' || last[5] == '\n'))
		rc = 1;
	else
		return -1;
	if (raw) {
		fputs(reply, out);
		return rc;
	}
	end = last;
	for (p = reply; p < end; ) {
		if (fmt_is_row(p, fmt_line_len(p)))
			p = fmt_rows(out, p, end);
		else
			p = fmt_pairs(out, p, end);
	}
	if (rc == 1)
		fprintf(err, "relayctl: %.*s\n", (int)fmt_line_len(last), last);
	return rc;
}

int
relayctl_socket_path(const char *arg, const char *rundir, char *path,
    size_t len, char *why, size_t whylen)
{
	DIR		*d;
	struct dirent	*de;
	size_t		 nl, sl = strlen(RELAYCTL_SOCK_SUFFIX);
	int		 found = 0, n;

	if (arg != NULL) {
		if (strchr(arg, '/') != NULL)
			n = snprintf(path, len, "%s", arg);
		else
			n = snprintf(path, len, "%s/%s%s", rundir, arg,
			    RELAYCTL_SOCK_SUFFIX);
		if (n < 0 || (size_t)n >= len) {
			snprintf(why, whylen, "socket path too long");
			return -1;
		}
		return 0;
	}
	if ((d = opendir(rundir)) == NULL) {
		snprintf(why, whylen, "no daemon found in %s; use -s", rundir);
		return -1;
	}
	while ((de = readdir(d)) != NULL) {
		nl = strlen(de->d_name);
		if (nl <= sl || strcmp(de->d_name + nl - sl,
		    RELAYCTL_SOCK_SUFFIX) != 0)
			continue;
		if (found++ == 0) {
			n = snprintf(path, len, "%s/%s", rundir, de->d_name);
			if (n < 0 || (size_t)n >= len)
				found = 100;
		}
	}
	closedir(d);
	if (found == 1)
		return 0;
	snprintf(why, whylen, found == 0 ? "no daemon found in %s; use -s" :
	    "several daemons in %s; choose one with -s", rundir);
	return -1;
}

int
relayctl_join(int argc, char **argv, char *line, size_t len)
{
	size_t	off = 0, l;
	int	i;

	if (len == 0)
		return -1;
	line[0] = '\0';
	for (i = 0; i < argc; i++) {
		l = strlen(argv[i]);
		if (off + l + (i > 0) >= len)
			return -1;
		if (i > 0)
			line[off++] = ' ';
		memcpy(line + off, argv[i], l);
		off += l;
		line[off] = '\0';
	}
	return 0;
}
