#!/bin/bash
# Tiny and odd terminals: 20x5 and 1x1 get a "too small" notice and the
# program recovers when the window grows; a terminal type with no terminfo
# entry gets a clear message and status 3, never a crash.
. "$(dirname "$0")/lib.sh" "$1"

e2e_start 20 5 --example
e2e_wait 'too small'
e2e_resize 1 1
# A 1x1 screen has room for nothing: the program must stay alive and quiet.
e2e_resize 100 30
e2e_wait 'SPF · version'
e2e_wait 'Lint: '
e2e_resize 20 5
e2e_wait 'too small'
e2e_resize 80 24
e2e_wait 'SPF · version'
e2e_keys q
e2e_wait_exit 0

E2E_ENV="TERM=no-such-terminal-xyz" e2e_start 80 24 --example
e2e_wait_exit 3
e2e_output | grep -q "no-such-terminal-xyz" || e2e_fail "no message naming the unknown terminal type"

# No TERM at all.
E2E_ENV="-u TERM" e2e_start 80 24 --example
e2e_wait_exit 3
e2e_output | grep -qi "TERM" || e2e_fail "no message about the missing TERM"
e2e_pass
