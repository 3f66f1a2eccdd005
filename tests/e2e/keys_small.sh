#!/bin/bash
# The too-small screen says how to quit, and q does: at once with nothing
# unsaved, after the quit question (shown in short) otherwise.
. "$(dirname "$0")/lib.sh" "$1"

e2e_start 40 10 --example
e2e_wait 'terminal too small'
e2e_wait 'q to quit'
e2e_keys q
e2e_wait_exit 0

e2e_start 100 30 --example
e2e_wait 'SPF · '
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_keys Right
e2e_wait '\[modified\]'
e2e_resize 40 10
e2e_wait 'terminal too small'
e2e_keys q
e2e_wait '^Quit'
e2e_wait 'n Quit without saving'
e2e_keys Escape
# A lone Esc is told from the start of a sequence only after a short
# wait: wait for the too-small screen's own hint to come back.
e2e_wait 'q to quit'
e2e_expect_not '^Quit'
e2e_keys q
e2e_wait 'n Quit without saving'
e2e_keys n
e2e_wait_exit 0
e2e_pass
