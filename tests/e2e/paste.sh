#!/bin/bash
# A bracketed paste (tmux paste-buffer -p) is text, never keys: into the
# raw editor, into a field, into the help search; outside an input it
# becomes the record's text in the raw editor, which Esc takes back; in a
# question it is ignored.  '[', 'd', 'q', Enter and Esc inside it run
# nothing.
. "$(dirname "$0")/lib.sh" "$1"

spf='v=spf1 mx include:_spf.google.com ip4:192.0.2.0/24 ~all'

e2e_start 100 30 --example
e2e_wait 'SPF · version'

# 1. The raw editor (one line: a line break becomes a space).
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_paste $'v=spf1 mx\n-all [dq\e x'
e2e_wait '│ v=spf1 mx -all \[dq.{1,4}x'
e2e_wait 'Record: editing as text'
e2e_wait 'SPF · raw edit'
e2e_keys C-e BSpace BSpace BSpace BSpace BSpace BSpace BSpace
e2e_wait '│ v=spf1 mx -all +│'
e2e_keys Escape
e2e_wait "│ $spf"
e2e_expect_not 'Record: editing as text'
e2e_expect_not '\[modified\]'

# 1b. A terminal without bracketed paste: a long burst of plain keys is a
# paste (its line break is a space, not Enter); keys typed ahead are keys
# (Enter then Home, sent together, apply and move).
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
$T send-keys -t e2e -l -- $'v=spf1 a\n-all include:_spf.example.net'
e2e_wait '│ v=spf1 a -all include:_spf\.example\.net'
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_type 'v=spf1 a -all'
e2e_keys Enter Home
e2e_wait 'SPF · version$'
e2e_wait '│ v=spf1 a -all +│'
e2e_expect_not 'Record: editing as text'
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_type "$spf"
e2e_keys Enter
e2e_wait "│ $spf"
e2e_keys Home
e2e_wait 'SPF · version'

# 2. A field: the SPF include term's value.
e2e_keys Down Down
e2e_wait 'SPF · term 2/4'
e2e_keys Enter
e2e_wait 'SPF · term 2/4 editing'
e2e_keys C-u
# '[', 'd', 'q' and a line break inside the paste: text in the field.
e2e_paste $'[dq\nx'
e2e_wait '│.{2}include +\[dq x'
e2e_wait 'SPF · term 2/4 editing'
e2e_keys C-u
e2e_paste '_spf.dq-mail.example'
e2e_wait '│ v=spf1 mx include:_spf\.dq-mail\.example ip4'
e2e_wait 'SPF · term 2/4 editing'
e2e_keys Enter
e2e_wait 'SPF · term 2/4$'
e2e_wait '│ v=spf1 mx include:_spf\.dq-mail\.example ip4:192\.0\.2\.0/24 ~all'

# 3. Outside an input: the paste is the record's text in the raw editor;
# nothing of it ran as keys ('[' would move the term, 'd'/'q' act), and
# Esc puts the record back.
e2e_paste 'v=spf1 -all [dq'
e2e_wait 'Record: editing as text'
e2e_wait '│ v=spf1 -all \[dq'
e2e_wait 'pasted as the record'
e2e_keys Escape
e2e_wait '│ v=spf1 mx include:_spf\.dq-mail\.example ip4:192\.0\.2\.0/24 ~all'
e2e_expect_not 'Record: editing as text'
e2e_wait 'SPF · term 2/4$'

# 4. The help search.
e2e_keys F1
e2e_wait 'Help · [0-9]+ entries'
e2e_paste $'include\n'
e2e_wait "Help · [0-9]+ of [0-9]+ match 'include '"
e2e_wait '│ SPF include'
e2e_keys Escape
e2e_keys Escape
e2e_wait 'SPF · term 2/4$'

# 5. A question takes no paste: q, y, n inside it answer nothing.
e2e_keys q
e2e_wait 'not saved'
e2e_paste 'nyq'
e2e_wait 'a paste is not an answer'
e2e_wait 'not saved'
e2e_keys Escape
e2e_wait 'SPF · term 2/4$'
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
