/*
 * relay4to6 XDP loader: libbpf around bpf/relay4to6.bpf.c.  See r46_xdp.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "relay4to6/r46_xdp.h"
#include "sixtofour.h"

/* The program's tables hold every address the engine can have. */
_Static_assert(R46X_OWN_MAX >= R46_OWN_MAX, "R46X_OWN_MAX");
_Static_assert(R46X_BCAST_MAX >= CONF_LIST_MAX, "R46X_BCAST_MAX");

#define R46X_NAME(e, name) name,
const char *const r46x_counter_names[] = { R46X_COUNTERS(R46X_NAME) };
#undef R46X_NAME

/* libbpf's own chatter stays quiet: errors come back through err. */
static int
r46x_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

static int
r46x_fail(struct r46x *x, char *err, size_t errlen, const char *what,
    int e)
{
	snprintf(err, errlen, "%s: %s", what, strerror(e < 0 ? -e : e));
	r46x_close(x);
	return -1;
}

int
r46x_open(struct r46x *x, const char *path, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "relay4to6");
	struct bpf_map	*m;
	size_t		 i, k;
	int		 e;

	memset(x, 0, sizeof(*x));
	x->prog_fd = x->conf_fd = x->cnt_fd = -1;
	for (i = 0; i < R46X_NCOUNTERS; i++) {
		x->r46_index[i] = -1;
		for (k = 0; k < R46_NCOUNTERS; k++)
			if (strcmp(r46x_counter_names[i],
			    r46_counter_names[k]) == 0)
				x->r46_index[i] = (int)k;
	}
	libbpf_set_print(r46x_libbpf_print);
	if ((x->ncpu = libbpf_num_possible_cpus()) <= 0)
		return r46x_fail(x, err, errlen, "possible CPUs", x->ncpu);
	if (path != NULL)
		x->obj = bpf_object__open_file(path, NULL);
	else
		x->obj = bpf_object__open_mem(r46x_obj_start,
		    (size_t)(r46x_obj_end - r46x_obj_start), &oo);
	if ((e = (int)libbpf_get_error(x->obj)) != 0) {
		x->obj = NULL;
		return r46x_fail(x, err, errlen,
		    path != NULL ? path : "BPF object", e);
	}
	if ((e = bpf_object__load(x->obj)) != 0)
		return r46x_fail(x, err, errlen, "BPF load (verifier)", e);
	x->prog = bpf_object__find_program_by_name(x->obj, "relay4to6_xdp");
	if (x->prog == NULL)
		return r46x_fail(x, err, errlen, "program relay4to6_xdp",
		    ENOENT);
	x->prog_fd = bpf_program__fd(x->prog);
	if ((m = bpf_object__find_map_by_name(x->obj, "r46x_conf_map")) ==
	    NULL)
		return r46x_fail(x, err, errlen, "map r46x_conf_map", ENOENT);
	x->conf_fd = bpf_map__fd(m);
	if ((m = bpf_object__find_map_by_name(x->obj, "r46x_counters")) ==
	    NULL)
		return r46x_fail(x, err, errlen, "map r46x_counters", ENOENT);
	x->cnt_fd = bpf_map__fd(m);
	return 0;
}

int
r46x_configure(struct r46x *x, const struct r46 *r)
{
	struct r46x_conf	c;
	uint32_t		key = 0;
	size_t			i;

	memset(&c, 0, sizeof(c));
	for (i = 0; i < r->nown && i < R46X_OWN_MAX; i++)
		c.own[i] = r->own[i].s_addr;
	c.nown = (uint32_t)i;
	for (i = 0; i < r->nbcast && i < R46X_BCAST_MAX; i++)
		c.bcast[i] = r->bcast[i].s_addr;
	c.nbcast = (uint32_t)i;
	if (r->bogon_flags & SIXTOFOUR_BOGON_100_64)
		c.flags |= R46X_F_BOGON100_64;
	return bpf_map_update_elem(x->conf_fd, &key, &c, BPF_ANY) == 0 ? 0 : -1;
}

int
r46x_attach(struct r46x *x, int ifindex, char *err, size_t errlen)
{
	struct bpf_link	*l = bpf_program__attach_xdp(x->prog, ifindex);
	int		 e;

	if ((e = (int)libbpf_get_error(l)) != 0) {
		snprintf(err, errlen, "XDP attach: %s", strerror(-e));
		return -1;
	}
	x->link = l;
	return 0;
}

int
r46x_counters(const struct r46x *x, uint64_t *v)
{
	uint64_t	*percpu;
	uint32_t	 k;
	int		 cpu;

	if ((percpu = calloc((size_t)x->ncpu, sizeof(*percpu))) == NULL)
		return -1;
	for (k = 0; k < R46X_NCOUNTERS; k++) {
		if (bpf_map_lookup_elem(x->cnt_fd, &k, percpu) != 0) {
			free(percpu);
			return -1;
		}
		v[k] = 0;
		for (cpu = 0; cpu < x->ncpu; cpu++)
			v[k] += percpu[cpu];
	}
	free(percpu);
	return 0;
}

int
r46x_sync(struct r46x *x, struct counters *c)
{
	uint64_t	v[R46X_NCOUNTERS];
	size_t		i;

	if (r46x_counters(x, v) == -1)
		return -1;
	for (i = 0; i < R46X_NCOUNTERS; i++) {
		if (x->r46_index[i] >= 0)
			counters_add(c, (size_t)x->r46_index[i],
			    v[i] - x->synced[i]);
		x->synced[i] = v[i];
	}
	return 0;
}

void
r46x_close(struct r46x *x)
{
	if (x->link != NULL)
		bpf_link__destroy(x->link);
	if (x->obj != NULL)
		bpf_object__close(x->obj);
	x->link = NULL;
	x->obj = NULL;
	x->prog = NULL;
	x->prog_fd = x->conf_fd = x->cnt_fd = -1;
}
