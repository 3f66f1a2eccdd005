#!/bin/bash
# '?' opens the help browser on every tab and from the Lint pane (F1 too);
# its key list includes the line editor's and the dialogs' keys, from the
# same table the keys are dispatched with.
. "$(dirname "$0")/lib.sh" "$1"

e2e_start 100 30 --example
e2e_wait 'SPF · version'
for tab in 1:SPF 2:DKIM 3:DMARC 4:Live; do
    e2e_keys "${tab%%:*}"
    e2e_wait "${tab#*:} · "
    e2e_keys '?'
    e2e_wait 'Help · [0-9]+ entries'
    e2e_keys Escape
    e2e_wait "${tab#*:} · "
    e2e_expect_not 'Help · '
done
e2e_expect_not '\[modified\]'

# From the Lint pane: the help of the diagnostic.
e2e_keys 1
e2e_wait 'SPF · '
e2e_keys l
e2e_wait 'SPF · lint 1/'
e2e_keys '?'
e2e_wait 'Help · [0-9]+ entries'
e2e_wait 'lint\.spf-'
e2e_keys Escape
e2e_wait 'SPF · lint 1/'

# scroll_until REGEX: PgDn in the help text until REGEX is on the screen
# (each PgDn waits for the screen to change; at most 20 pages).
scroll_until() {
    local i prev end
    for ((i = 0; i < 20; i++)); do
        e2e_screen | grep -Eq -- "$1" && return 0
        prev=$(e2e_screen)
        e2e_keys PageDown
        end=$((SECONDS + E2E_TIMEOUT))
        while [ "$(e2e_screen)" = "$prev" ]; do
            ((SECONDS >= end)) && e2e_fail "PgDn did not scroll to /$1/"
            sleep 0.05
        done
    done
    e2e_fail "/$1/ is not in the help text"
}

# The key list: Home goes to "Keys", the editor's and dialogs' keys are there.
e2e_keys F1
e2e_wait 'Help · '
e2e_keys Home
e2e_wait '│ Keys +│'
scroll_until 'Editing text'
scroll_until '\^W: Delete the word before'
scroll_until 'Questions and dialogs'
e2e_keys q
e2e_wait 'SPF · lint'

# The neutral qualifier is n on the SPF tab.
e2e_keys Escape
e2e_wait 'SPF · (version|term)'
e2e_keys Down
e2e_wait 'SPF · term 1/4'
e2e_keys n
e2e_wait '│ v=spf1 \?mx include'
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
