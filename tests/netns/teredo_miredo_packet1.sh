#!/bin/bash
# teredo_miredo.sh in the fast mode on a relay with one uplink: both
# families arrive and leave on eth0 (the rings and one shared pktout with
# both next hops there), as on a relay VM with a single interface; real
# Miredo clients behind the three NAT kinds, ping and TCP both ways,
# restarts.
TL_MODE=packet1 exec bash "$(dirname "$0")/teredo_miredo.sh"
