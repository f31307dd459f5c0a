#!/bin/bash
# Crafted packets against teredod, one per drop rule (nothing forwarded,
# the rule's counter moves), plus the bubble/queue/nonce behaviour against
# fake clients: see teredo_drops.py.
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/teredo_lib.sh"

tl_small
tl_py wan "$(dirname "$0")/teredo_drops.py" || fail "crafted packets"
pass "teredod crafted-packet rules"
