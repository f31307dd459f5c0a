#!/bin/bash
# A flood of a million fresh Teredo destinations (creation rate limits
# off, a 100,000-entry table, MaxMemory 32 MiB): memory stays bounded and
# an established client keeps being served.  See teredo_flood.py.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/teredo_lab.bash"

export TL_CAPACITY=100000 TL_POOL_KIB=4096 TL_MAXMEM=32 TL_RATE64=0 TL_RATESRV=0
tl_small
RELAY_PID=$(pgrep -P "$TL_RELAY_PID" -x teredod || echo "$TL_RELAY_PID")
ns_exec rly sysctl -qw net.ipv6.route.max_size=2147483647 2>/dev/null
RELAY_PID=$TL_RELAY_PID MAXMEM_MIB=$TL_MAXMEM CAPACITY=$TL_CAPACITY \
    FLOOD=${FLOOD:-1000000} tl_py wan "$(dirname "$0")/teredo_flood.py" ||
    fail "flood"
pass "teredod under a fresh-destination flood"
