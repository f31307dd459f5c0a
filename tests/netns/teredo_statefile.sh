#!/bin/bash
# teredod's StateFile in a directory the dropped user owns (as deployed:
# /var/lib/justforward belongs to _justforward), holding a FIFO where the
# file should be.  teredod used to open it as root before its loop: the
# open blocked for ever, deaf to SIGTERM.  Now it must start (the FIFO
# refused with a log line), run under its seccomp filter, stop at once on
# SIGTERM and replace the FIFO with a regular file on that clean stop.
# Then a symlink at the StateFile's name: not followed (its target, a
# file of root's, is neither read nor written).
. "$(dirname "$0")/../lib/netns.sh"
. "$(dirname "$0")/teredo_lab.bash"

TL_USER=nobody
chmod 711 "$T"	# the dropped user may pass through, no more
mkdir -m 700 "$T/state.d"
chown nobody "$T/state.d"
mkfifo "$T/state.d/teredod.state"
chown nobody "$T/state.d/teredod.state"
TL_STATE=$T/state.d/teredod.state
tl_small
log=$(ls "$T"/*.teredod.log)
wait_until 5 grep -q "teredod.state: not a regular file" "$log" ||
    fail "no log line for the FIFO StateFile: $(cat "$log")"
pass "StateFile a FIFO: refused with a log line, teredod started"
assert_sandboxed "$TL_RELAY_PID" teredod
# stop_clean: SIGTERM stops teredod at once and the StateFile is written.
stop_clean() {
	kill -TERM "$TL_RELAY_PID"
	wait_until 10 sh -c "! kill -0 $TL_RELAY_PID" ||
	    fail "teredod did not stop on SIGTERM"
	[ -f "$TL_STATE" ] && [ ! -L "$TL_STATE" ] && [ ! -p "$TL_STATE" ] ||
	    fail "StateFile not written as a regular file on the clean stop"
	rm -f "$T/teredod.sock"
}
stop_clean
pass "SIGTERM: teredod stopped at once, the FIFO replaced by a regular file"

# A symlink to a file of root's, mode 0600, with a valid state: teredod
# (as nobody, and never through a symlink) neither restores from it nor
# writes through it.
cp "$TL_STATE" "$T/root.state"
chmod 600 "$T/root.state"
sum=$(md5sum <"$T/root.state")
rm -f "$TL_STATE"
ln -s "$T/root.state" "$TL_STATE"
tl_relay_start
wait_until 5 grep -q "teredod.state: a symlink, not followed" "$log" ||
    fail "no log line for the symlinked StateFile: $(tail -n 5 "$log")"
pass "StateFile a symlink: not followed, logged"
stop_clean
[ "$(md5sum <"$T/root.state")" = "$sum" ] ||
    fail "the symlink's target was written"
pass "clean stop: the symlink replaced by a regular file, its target untouched"
