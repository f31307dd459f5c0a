/*
 * teredod configuration: "Key value" lines in the spirit of miredo.conf
 * (see deploy/teredod.conf for every key with its default and why).
 */
#ifndef TD_CONFIG_H
#define TD_CONFIG_H

#include <stddef.h>
#include <stdint.h>
#include <netinet/in.h>

#include "conf.h"

#define TEREDOD_CONF	"/etc/justforward/teredod.conf"

/* Same order as td_io_modes[] in config.c. */
enum td_io_mode {
	TD_IO_KERNEL,		/* UDP socket and TUN */
	TD_IO_PACKET,		/* packet rings / packet output (pktio.h) */
};

struct td_config {
	struct in_addr	bind_address;
	uint32_t	bind_port;
	char		interface_name[CONF_STR_MAX];
	uint32_t	mtu;
	struct in6_addr	native_address;
	struct conf_prefix_list local_subnets;	/* broadcasts refused */
	uint32_t	peer_capacity;
	uint32_t	queue_bytes_per_peer;
	uint32_t	queue_pool_kib;
	uint32_t	new_peer_rate_per64;
	uint32_t	new_peer_rate_per_server;
	uint32_t	max_memory_mib;
	uint32_t	icmp6_rate;
	uint32_t	socket_buffer_kib;
	uint32_t	txqueuelen;
	char		user[CONF_STR_MAX];
	char		control_socket[CONF_STR_MAX];
	char		state_file[CONF_STR_MAX];
	int		input;			/* enum td_io_mode */
	char		input_if[CONF_STR_MAX];
	char		native_input_if[CONF_STR_MAX];
	int		output;			/* enum td_io_mode */
	char		output_if[CONF_STR_MAX];
	char		native_output_if[CONF_STR_MAX];
	struct in_addr	output_gw4;
	struct in6_addr	output_gw6;
};

/* The interface the native side uses in packet mode (the key or IF). */
const char	*td_native_input_if(const struct td_config *);
const char	*td_native_output_if(const struct td_config *);

extern const struct conf_key td_conf_keys[];

/*
 * Checks across keys (memory bound, BindAddress set, LocalSubnet): 0,
 * or -1 with "file:line: key: why" in err (daemon_conf_check_fn).
 */
int	td_config_check(const char *file, void *cfg, char *err, size_t errlen);

#endif /* TD_CONFIG_H */
