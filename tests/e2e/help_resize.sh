#!/bin/bash
# Start, open the help browser, search it, close it; shrink the terminal
# below 80x24 and see the notice, grow it back and see the layout; quit.
. "$(dirname "$0")/lib.sh" "$1"

e2e_start 100 30
e2e_wait 'SPF · '
e2e_wait 'Compose SPF'

e2e_keys F1
e2e_wait 'Help · [0-9]+ entries'
e2e_keys /
e2e_type 'reject'
e2e_wait "Help · [0-9]+ of [0-9]+ match 'reject'"
e2e_keys Enter
# Ranked: the entries named "reject" first, the shortest name first, and
# the list shows titles (the id is in the entry's text).
e2e_wait '│ DMARC p=reject: refuse'
e2e_screen | sed -n 3p | grep -q 'DMARC p=reject' || e2e_fail "p=reject is not the first match"
e2e_wait 'dmarc\.tag\.p\.reject'
# Down to an entry and read it: the RFC section is shown.
e2e_keys Down
e2e_wait 'RFC: RFC [0-9]+'
e2e_keys Escape
e2e_wait 'Compose SPF'
e2e_expect_not 'Help · '

# '?' opens it too (on every tab: keys_help.sh checks each).
e2e_keys 3
e2e_wait 'DMARC · '
e2e_keys '?'
e2e_wait 'Help · [0-9]+ entries'
e2e_keys q
e2e_wait 'Compose DMARC'

e2e_resize 60 15
e2e_wait 'terminal too small \(need 80x24, have 60x15\)'
e2e_resize 100 30
e2e_wait 'Compose DMARC'
e2e_wait 'Lint'
e2e_wait 'DMARC · p'

e2e_keys q
e2e_wait_exit 0
e2e_pass
