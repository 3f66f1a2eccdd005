#!/bin/bash
# The editor against a real DNS server on 127.0.0.1: `authtxt DOMAIN`
# fetches while the screen stays live, the published records become the
# drafts, the Live tab shows the include tree with its lookup counts and
# the diff (text and effect) once a draft changes, `c` copies a live
# record back, F5 refetches; a record with an ANSI escape served by DNS is
# shown escaped, never sent to the terminal raw.
here=$(dirname "$0")
. "$here/../e2e/lib.sh" "$1"
. "$here/lib.sh" "$1"
dns_cleanup_hook() { e2e_cleanup; }

dns_start "$here/zones/fixture.zone"

e2e_start 120 40 tree.fx.test --dns "$DNS_SERVER"
e2e_wait 'fetched tree\.fx\.test in [0-9]+ ms: [0-9]+ queries, no DNS errors'
# The published SPF record is now the SPF draft.
e2e_wait '│ v=spf1 include:b1\.tree\.fx\.test include:b2\.tree\.fx\.test a mx -all'
e2e_expect_not '\[modified\]'
# The SPF tab counts the lookups through the fetched include tree (the
# record's own terms alone cost 4).
e2e_wait 'DNS lookups 10/10 \(with the include tree\)'

e2e_keys 4
e2e_wait 'Live · SPF'
e2e_wait 'no change: the draft is what is published'
# The include tree: each node's own lookups and the running total.
e2e_wait 'tree +tree\.fx\.test +\+4 10/10'
e2e_wait 'include:b1\.tree\.fx\.test +\+2 4/10'
e2e_wait 'include:c1\.tree\.fx\.test +\+1 3/10'
e2e_wait 'include:d1\.tree\.fx\.test +\+0 3/10'
e2e_wait 'include:b2\.tree\.fx\.test +\+2 8/10'

# Change the SPF draft as text; the Live tab states the change in effect.
e2e_keys 1
e2e_wait 'SPF · '
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_type 'v=spf1 include:b1.tree.fx.test ip4:198.51.100.0/24 -all'
e2e_keys Enter
e2e_wait '\[modified\]'
e2e_keys 4
e2e_wait 'lookups 10 -> 4 of 10'
e2e_wait 'addresses: \+198\.51\.100\.0/24'
e2e_wait '- +removed: .*b2\.tree\.fx\.test'
e2e_wait '\+ +added: .*198\.51\.100\.0'
# Side by side: published on the left, the draft on the right.
e2e_wait 'live \(published\) .*\| draft'

# c copies the published record back: no change any more.
e2e_keys c
e2e_wait 'the live spf record is now the draft'
e2e_wait 'no change: the draft is what is published'
# The copy is one undoable step: u brings the edited draft back.
e2e_keys u
e2e_wait 'Undid: copy live record'
e2e_wait 'lookups 10 -> 4 of 10'
e2e_keys C-y
e2e_wait 'no change: the draft is what is published'

# F5 fetches again (the screen says so when it is done).
e2e_keys F5
e2e_wait 'fetched tree\.fx\.test in'
e2e_keys q
e2e_wait_exit 0

# An ANSI escape in a published record: shown escaped.
e2e_start 120 40 esc.fx.test --dns "$DNS_SERVER"
e2e_wait 'fetched esc\.fx\.test'
e2e_wait '\\x1b\[31mred'
e2e_screen_sgr | grep -q $'\e\\[31mred' && e2e_fail "the escape reached the terminal raw"
e2e_keys 4
e2e_wait '\\x1b\[31mred'
e2e_keys q
e2e_wait_exit 0

# A DNS server that does not answer: the screen stays live and says so.
broken_start
E2E_TIMEOUT=20 e2e_start 120 40 timeout.broken --dns "$BROKEN_SERVER" --timeout 300
e2e_wait 'fetching timeout\.broken|Live|SPF'
e2e_keys 4
e2e_wait 'fetching timeout\.broken: [0-9]+ queries sent, [0-9]+ in flight'
E2E_TIMEOUT=20 e2e_wait 'DNS error'
e2e_keys q
e2e_wait_exit 0
e2e_pass
