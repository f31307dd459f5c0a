#!/bin/bash
# teredo_drops.sh with Input packet and Output packet: every crafted drop
# rule through the rings and packet output, plus the IPv4+UDP envelope
# checks (UDP checksum, IPv4 header, source) teredod then does itself.
TL_MODE=packet exec bash "$(dirname "$0")/teredo_drops.sh"
