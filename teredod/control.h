/* teredod's control-socket commands: status lines, "peers", "peer ADDR". */
#ifndef TD_CONTROL_H
#define TD_CONTROL_H

#include "ctl.h"

struct relay;

extern const struct ctl_command td_ctl_commands[];
void	td_ctl_status(void *relay, struct ctl_reply *);

#endif /* TD_CONTROL_H */
