#!/bin/bash
# Escape sequences curses does not know are dropped whole: none of their
# bytes runs as a key (ESC [ 1 ; 9 X would otherwise be ESC, '[' (move the
# term up), '1', ';', '9', 'X'; ESC [ 99 ~ ends in '~', the softfail
# qualifier).  Alt+key (ESC then a letter) is dropped too.
. "$(dirname "$0")/lib.sh" "$1"

spf='v=spf1 mx include:_spf.google.com ip4:192.0.2.0/24 ~all'

e2e_start 100 30 --example
e2e_wait 'SPF · version'
e2e_keys Down Down Down
e2e_wait 'SPF · term 3/4'
for seq in $'\e[99~' $'\e[1;9X' $'\e[200;5;7;9z' $'\eOZ' $'\e]0;title\a' $'\eq' $'\e['; do
    $T send-keys -t e2e -l -- "$seq"
done
# A key after them: it is handled, and nothing before it was.
e2e_keys Up
e2e_wait 'SPF · term 2/4'
e2e_wait "│ $spf"
e2e_expect_not '\[modified\]'
e2e_expect_not 'DKIM · |DMARC · '

# In the raw editor: the text stays, the editor stays open.
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_type ' a'
for seq in $'\e[99~' $'\e[1;9X' $'\eOZ'; do
    $T send-keys -t e2e -l -- "$seq"
done
e2e_type 'b'
e2e_wait "│ $spf ab"
e2e_wait 'Record: editing as text'
e2e_expect_not '99~|1;9X'
e2e_keys Escape
# (the record alone on its row: while editing, the row still shows "ab")
e2e_wait "│ $spf +│"
e2e_expect_not 'Record: editing as text'
e2e_expect_not '\[modified\]'

# ^Z is a key for the editor (undo), not the terminal's job-control stop:
# the program keeps running and answers the next key.
e2e_keys C-z
e2e_keys Down
e2e_wait 'SPF · term 3/4'
[ -s "$E2E_STATUS" ] && e2e_fail "^Z ended the program"
e2e_keys q
e2e_wait_exit 0
e2e_pass
