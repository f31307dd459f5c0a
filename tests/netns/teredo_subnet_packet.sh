#!/bin/bash
# teredo_subnet.sh with Input packet and Output packet: the rings and
# packet output bypass the kernel, so nothing but LocalSubnet keeps the
# bubbles off x.x.x.255:3544.
TL_MODE=packet exec bash "$(dirname "$0")/teredo_subnet.sh"
