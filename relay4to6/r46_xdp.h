/*
 * relay4to6's XDP fast path, daemon side: open and load the BPF object
 * (bpf/relay4to6.bpf.c), give it the relay's addresses from the engine,
 * attach it to an interface through a bpf_link (the program goes when the
 * process goes) and sum its per-CPU counters.  The program's rules and
 * counter names are in bpf/r46_xdp.h.
 */
#ifndef JF_R46_XDP_H_LOADER
#define JF_R46_XDP_H_LOADER

#include <stddef.h>
#include <stdint.h>

#include "bpf/r46_xdp.h"
#include "relay4to6/r46.h"

struct bpf_object;
struct bpf_program;
struct bpf_link;

struct r46x {
	struct bpf_object	*obj;
	struct bpf_program	*prog;
	struct bpf_link		*link;
	int			 prog_fd;
	int			 conf_fd;
	int			 cnt_fd;
	int			 ncpu;
	int			 r46_index[R46X_NCOUNTERS];	/* -1: xdp_* */
	uint64_t		 synced[R46X_NCOUNTERS];
};

extern const char *const r46x_counter_names[];

/* The object built from bpf/relay4to6.bpf.c, linked in (r46_xdp_obj.c). */
extern const unsigned char r46x_obj_start[], r46x_obj_end[];

/*
 * Open and load the object (path NULL: the one linked in); -1 with a
 * reason in err.  The verifier runs here: needs CAP_BPF (or root).
 */
int	r46x_open(struct r46x *, const char *path, char *err, size_t errlen);
/* Program the addresses and tables of an initialised engine; 0 or -1. */
int	r46x_configure(struct r46x *, const struct r46 *);
/* Attach to ifindex (native XDP) through a bpf_link; -1 with err. */
int	r46x_attach(struct r46x *, int ifindex, char *err, size_t errlen);
/* Sum of every CPU's counters into v[R46X_NCOUNTERS]; 0 or -1. */
int	r46x_counters(const struct r46x *, uint64_t *v);
/*
 * Add what the program counted since the last call to the engine's
 * counters of the same names (r46_counter_names); 0 or -1.
 */
int	r46x_sync(struct r46x *, struct counters *);
/* Detach (the link) and unload. */
void	r46x_close(struct r46x *);

#endif /* JF_R46_XDP_H_LOADER */
