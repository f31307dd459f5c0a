#!/bin/bash
# teredo_miredo.sh with Input packet and Output packet: real Miredo
# clients behind the three NAT kinds, ping and TCP both ways, restarts,
# with teredod's rings and packet output carrying the traffic.
TL_MODE=packet exec bash "$(dirname "$0")/teredo_miredo.sh"
