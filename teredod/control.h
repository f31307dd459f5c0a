/* teredod's control-socket commands: status lines, "peers", "peer ADDR". */
#ifndef TD_CONTROL_H
#define TD_CONTROL_H

#include "ctl.h"

struct relay;

extern const struct ctl_command td_ctl_commands[];
void	td_ctl_status(void *relay, struct ctl_reply *);
/*
 * "peers [N]": the row limit in *max (default 1000); -1 unless N is a
 * plain decimal from 0 to 2^32-1.
 */
int	td_ctl_parse_rows(int argc, char **argv, unsigned long *max);

#endif /* TD_CONTROL_H */
