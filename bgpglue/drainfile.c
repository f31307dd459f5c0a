/*
 * DrainFile reading.  See drainfile.h.
 */
#include <sys/stat.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drainfile.h"

#define DRAINFILE_READ	64	/* the first word is all we use */

int
drainfile_parse(const char *buf, size_t n, time_t now, char *why,
    size_t whylen)
{
	char		 word[DRAINFILE_READ + 1];
	long long	 exp;
	char		*end;
	size_t		 i = 0, j = 0;

	while (i < n && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	while (i < n && j < DRAINFILE_READ && buf[i] >= '0' && buf[i] <= '9')
		word[j++] = buf[i++];
	word[j] = '\0';
	errno = 0;
	exp = j > 0 ? strtoll(word, &end, 10) : 0;
	if (errno != 0 || exp <= 0) {
		snprintf(why, whylen, "drain file present");
		return 1;
	}
	if ((long long)now >= exp) {
		snprintf(why, whylen, "drain file expired at %lld", exp);
		return 0;
	}
	snprintf(why, whylen, "drain file until %lld", exp);
	return 1;
}

int
drainfile_read(const char *path, time_t now, char *why, size_t whylen)
{
	char		buf[DRAINFILE_READ];
	struct stat	st;
	ssize_t		n;
	int		fd;

	why[0] = '\0';
	fd = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		snprintf(why, whylen, "drain file present (unreadable: %s)",
		    strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode)) {
		close(fd);
		snprintf(why, whylen, "drain file present (not a regular file)");
		return 1;
	}
	n = read(fd, buf, sizeof(buf));
	close(fd);
	return drainfile_parse(buf, n > 0 ? (size_t)n : 0, now, why, whylen);
}
