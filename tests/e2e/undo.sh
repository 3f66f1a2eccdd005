#!/bin/bash
# Undo and redo (issue 9): u / Ctrl-Z undo a term delete, a field edit and a
# raw edit, Ctrl-Y redoes, and the status line says what was undone.
. "$(dirname "$0")/lib.sh" "$1"

record_line() { e2e_screen | grep -A1 '─ Record ' | sed -n 2p | sed 's/^│ //; s/ *│$//'; }

e2e_start 100 30 --example
e2e_wait 'SPF · version'
start=$(record_line)
[ "$start" = 'v=spf1 mx include:_spf.google.com ip4:192.0.2.0/24 ~all' ] ||
    e2e_fail "unexpected example record '$start'"

# A term delete.
e2e_keys Tab Tab
e2e_wait 'SPF · term 2/'
e2e_keys x
e2e_wait '│ v=spf1 mx ip4:192\.0\.2\.0/24 ~all +│'
e2e_keys u
e2e_wait 'Undid: delete term 2'
e2e_wait '│ v=spf1 mx include:_spf\.google\.com ip4:192\.0\.2\.0/24 ~all +│'
e2e_keys C-y
e2e_wait 'Redid: delete term 2'
e2e_wait '│ v=spf1 mx ip4:192\.0\.2\.0/24 ~all +│'
e2e_keys C-z
e2e_wait '│ v=spf1 mx include:_spf\.google\.com ip4:192\.0\.2\.0/24 ~all +│'

# A field edit (the whole edit is one step, however many keys it took).
e2e_keys Tab
e2e_wait 'SPF · term 3/'
e2e_keys Enter
e2e_wait 'SPF · term 3/.* editing'
e2e_keys C-u
e2e_type '198.51.100.0/24'
e2e_keys Enter
e2e_wait '│ v=spf1 mx include:_spf\.google\.com ip4:198\.51\.100\.0/24 ~all +│'
e2e_keys u
e2e_wait 'Undid: '
e2e_wait '│ v=spf1 mx include:_spf\.google\.com ip4:192\.0\.2\.0/24 ~all +│'

# A choice on the DMARC form.
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_keys Right
e2e_wait '│ v=DMARC1; p=quarantine'
e2e_keys u
e2e_wait 'Undid: set p'
e2e_wait '│ v=DMARC1; p=none'

# A raw edit: one step for the whole text.
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_type 'v=DMARC1; p=reject'
e2e_keys Enter
e2e_wait '│ v=DMARC1; p=reject +│'
e2e_keys u
e2e_wait 'Undid: raw edit'
e2e_wait '│ v=DMARC1; p=none'
e2e_keys C-y
e2e_wait '│ v=DMARC1; p=reject +│'

# Back to the start: nothing is modified.
e2e_keys u u u
e2e_wait 'nothing to undo'
e2e_keys 1
e2e_wait 'SPF · '
[ "$(record_line)" = "$start" ] || e2e_fail "after undoing everything: '$(record_line)'"
e2e_expect_not '\[modified\]'
e2e_keys q
e2e_wait_exit 0
e2e_pass
