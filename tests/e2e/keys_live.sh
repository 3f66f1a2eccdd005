#!/bin/bash
# Live tab lines wrap inside the pane instead of being cut at its edge
# (at 80x24 the Compose pane is 42 columns: the "nothing fetched" text
# names the three DNS names, which must all be readable); Up/Down step
# over whole items.
. "$(dirname "$0")/lib.sh" "$1"

e2e_start 80 24 --example
e2e_wait 'SPF · version'
e2e_keys 4
e2e_wait 'Live · '
e2e_wait 'Nothing fetched yet'
e2e_wait 's1\._domainkey\.example\.com'
e2e_wait '_dmarc\.example\.com'
e2e_wait 'selector S sets them'
# Nothing is cut with an ellipsis in the Compose pane.
if e2e_screen | cut -c1-44 | grep -q '…'; then e2e_fail "a Live line is cut"; fi
# Wider: fewer rows, same text.
e2e_resize 160 30
e2e_wait 'SPF at example\.com \(with its include tree\), DMARC at _dmarc\.example\.com'
e2e_keys q
e2e_wait_exit 0
e2e_pass
