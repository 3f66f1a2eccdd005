#!/bin/bash
# Raw edit: paste a broken record, apply it, see the diagnostics and the
# bad span underlined in the record pane; Enter on a diagnostic moves the
# focus to the term it is about; Esc undoes a raw edit.
. "$(dirname "$0")/lib.sh" "$1"

e2e_start 100 30 --example
e2e_wait 'SPF · '
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_paste 'v=spf1 ip4:192.0.2.300 inlcude:_spf.example.net -all'
e2e_wait 'v=spf1 ip4:192\.0\.2\.300 inlcude'
# Lint follows the text while it is typed, before Enter.
e2e_wait 'E spf-bad-ip4'
e2e_keys Enter
e2e_wait 'Record example\.com · 52 bytes'
e2e_wait 'E spf-bad-ip4 +.192\.0\.2\.300'
e2e_wait "E spf-unknown-mechanism +'inlcude'.*did you mean 'include'"
# The bad address is underlined (SGR 4) in the record pane.
e2e_wait_sgr '\e\[[0-9;]*4[0-9;]*m(\e\[[0-9;]*m)*192\.0\.2\.300'
e2e_wait '! ip4 +192\.0\.2\.300'

# Lint pane: select the unknown mechanism, Enter goes to its term.
e2e_keys l
e2e_wait 'SPF · lint 1/'
e2e_keys Down
e2e_wait 'SPF · lint 2/'
e2e_keys Enter
e2e_wait 'SPF · term 2/3'

# Esc undoes a raw edit.
e2e_keys e C-u
e2e_type 'v=spf1 -all'
e2e_wait '│ v=spf1 -all +│'
e2e_keys Escape
e2e_wait 'Record example\.com · 52 bytes'

e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
