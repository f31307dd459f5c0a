/*
 * DrainFile: an operator's maintenance switch.  Present means drain.  Its
 * first word, if any, is the expiry (unix time); an expired file is
 * ignored, so a forgotten maintenance file cannot keep a relay out of
 * service.
 */
#ifndef JF_DRAINFILE_H
#define JF_DRAINFILE_H

#include <stddef.h>
#include <time.h>

/*
 * The verdict on a file's first bytes (buf, n; need not be terminated)
 * at time now: 1 drain, 0 expired; why says which, in words for status.
 */
int	drainfile_parse(const char *buf, size_t n, time_t now, char *why,
	    size_t whylen);
/*
 * Reads path: 0 and why "" when there is no file, else as
 * drainfile_parse.  A file that is not a regular file (a FIFO, a device)
 * is never read (it could block the loop): it means drain.
 */
int	drainfile_read(const char *path, time_t now, char *why, size_t whylen);

#endif /* JF_DRAINFILE_H */
