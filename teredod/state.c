/*
 * StateFile: "teredod-state 1 <unix time>" then one line per peer,
 * "<teredo address> <mapped IPv4> <port>".  Written to a temporary file
 * and renamed, so a reader never sees half a file.  Read strictly: the
 * first bad line stops the load (the file is ours; a bad one means
 * damage) and is logged.  A peer whose mapping, client or server is a
 * LocalSubnet broadcast is skipped, not an error: the key may have been
 * added since the file was written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "log.h"
#include "peers.h"
#include "sixtofour.h"
#include "state.h"
#include "teredo.h"

#define STATE_MAGIC	"teredod-state 1"

int
state_save(const char *path, const struct peers *t, uint64_t now_ms)
{
	char		 tmp[512], a6[INET6_ADDRSTRLEN], a4[INET_ADDRSTRLEN];
	const struct peer *p;
	struct in6_addr	 a;
	struct in_addr	 m;
	FILE		*f;
	uint32_t	 i;
	int		 n = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp) ||
	    (f = fopen(tmp, "w")) == NULL) {
		log_warn("state file %s", path);
		return -1;
	}
	fprintf(f, "%s %lld\n", STATE_MAGIC, (long long)time(NULL));
	for (i = t->head[PL_TRUSTED]; i != PEER_NONE; i = t->ent[i].next) {
		p = &t->ent[i];
		if (!peer_is_valid(t, p, now_ms))
			continue;
		peers_addr(p, &a);
		m.s_addr = p->map_addr;
		inet_ntop(AF_INET6, &a, a6, sizeof(a6));
		inet_ntop(AF_INET, &m, a4, sizeof(a4));
		fprintf(f, "%s %s %u\n", a6, a4, p->map_port);
		n++;
	}
	if (fclose(f) == EOF || rename(tmp, path) == -1) {
		log_warn("state file %s", path);
		unlink(tmp);
		return -1;
	}
	return n;
}

/*
 * One peer line; 1 restored (a new entry), 0 a repeat of one restored
 * (its mapping updated) or a peer naming a refused address (skipped),
 * -2 not restored (the table is full), -1 bad.
 */
static int
state_line(char *line, struct peers *t, const struct in_addr *refused,
    size_t nrefused, uint64_t now_ms)
{
	char		*a6, *a4, *port, *end, *save = NULL;
	struct in6_addr	 a;
	struct in_addr	 m;
	struct teredo_addr ta;
	struct peer	*p;
	unsigned long	 pn;

	a6 = strtok_r(line, " \n", &save);
	a4 = strtok_r(NULL, " \n", &save);
	port = strtok_r(NULL, " \n", &save);
	if (a6 == NULL || a4 == NULL || port == NULL ||
	    strtok_r(NULL, " \n", &save) != NULL ||
	    inet_pton(AF_INET6, a6, &a) != 1 || !teredo_addr_is(&a) ||
	    inet_pton(AF_INET, a4, &m) != 1 ||
	    sixtofour_v4_bogon(m, SIXTOFOUR_BOGON_100_64))
		return -1;
	errno = 0;
	pn = strtoul(port, &end, 10);
	if (errno || *end != '\0' || pn == 0 || pn > 65535)
		return -1;
	if (teredo_addr_decode(&a, &ta) == -1)
		return -1;
	if (sixtofour_v4_listed(refused, nrefused, m) ||
	    sixtofour_v4_listed(refused, nrefused, ta.client) ||
	    sixtofour_v4_listed(refused, nrefused, ta.server))
		return 0;
	if ((p = peers_lookup(t, &a)) != NULL) {
		peer_trust(t, p, m.s_addr, (uint16_t)pn, now_ms);
		return 0;
	}
	if ((p = peers_create(t, &a, PEER_TRUSTED, now_ms)) == NULL)
		return -2;		/* table full: fine, fewer peers */
	peer_trust(t, p, m.s_addr, (uint16_t)pn, now_ms);
	return 1;
}

/*
 * Peers restored, or -1; *lines gets the peer lines read, *full those
 * the table had no room for.
 */
static int
state_read(const char *path, struct peers *t, const struct in_addr *refused,
    size_t nrefused, uint64_t now_ms, int *lines, int *full)
{
	char		 line[256];
	long long	 when;
	FILE		*f;
	int		 k, n = 0;

	if ((f = fopen(path, "r")) == NULL)
		return errno == ENOENT ? 0 : -1;
	if (fgets(line, sizeof(line), f) == NULL ||
	    sscanf(line, STATE_MAGIC " %lld", &when) != 1) {
		fclose(f);
		return -1;
	}
	if (when > (long long)time(NULL) ||
	    (long long)time(NULL) - when > STATE_MAX_AGE_S) {
		fclose(f);
		return 0;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if ((k = state_line(line, t, refused, nrefused, now_ms)) ==
		    -1) {
			fclose(f);
			return -1;
		}
		(*lines)++;
		if (k == -2)
			(*full)++;
		else
			n += k;
	}
	fclose(f);
	return n;
}

int
state_load(const char *path, struct peers *t, const struct in_addr *refused,
    size_t nrefused, uint64_t now_ms)
{
	int	lines = 0, full = 0, n;

	n = state_read(path, t, refused, nrefused, now_ms, &lines, &full);
	if (n == -1)
		log_warnx("state file %s: unreadable or damaged, load stopped",
		    path);
	else if (lines > 0)
		log_info("state file %s: restored %d of %d peers, %d dropped: "
		    "capacity %u", path, n, lines, full, t->lim.capacity);
	return n;
}
