#!/bin/bash
# Keypad mode stays on: the first arrow right after start, and right after
# a resize, moves the focus.  (It used to arrive as ESC [ B and run as
# three commands: '[' moved the focused SPF term up, and in the raw editor
# ESC threw the text away.)
. "$(dirname "$0")/lib.sh" "$1"

spf='v=spf1 mx include:_spf.google.com ip4:192.0.2.0/24 ~all'

e2e_start 100 30 --example
e2e_wait 'SPF · version'
e2e_keys Down
e2e_wait 'SPF · term 1/4'
e2e_wait "│ $spf"
e2e_expect_not '\[modified\]'

# After a resize the windows are new: the first arrow still moves.
e2e_resize 120 36
e2e_wait '^ authtxt .{100,}Check'
e2e_keys Down
e2e_wait 'SPF · term 2/4'
e2e_keys Up
e2e_wait 'SPF · term 1/4'
e2e_wait "│ $spf"
e2e_expect_not '\[modified\]'

# The raw editor: arrows right after a resize move the cursor, and the
# text typed lands where they put it (an ESC would have cancelled).
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_resize 100 30
e2e_wait '^ authtxt .{80,}Check'
e2e_keys Left Left
e2e_type 'X'
e2e_wait '│ v=spf1 mx include:_spf.google.com ip4:192.0.2.0/24 ~aXll'
e2e_wait 'Record: editing as text'
e2e_keys Escape
e2e_wait "│ $spf"
e2e_expect_not '\[modified\]'

# Other tabs and the help browser after a resize.
e2e_keys 3
e2e_wait 'DMARC · '
e2e_resize 110 32
e2e_wait '^ authtxt .{90,}Check'
before=$(e2e_screen | grep -o 'DMARC · [a-z]*' | tail -1)
e2e_keys Down
end=$((SECONDS + E2E_TIMEOUT))
until now=$(e2e_screen | grep -o 'DMARC · [a-z]*' | tail -1) && [ "$now" != "$before" ]; do
    ((SECONDS >= end)) && e2e_fail "Down after a resize did not move the DMARC focus"
    sleep 0.05
done
e2e_expect_not '\[modified\]'

e2e_keys q
e2e_wait_exit 0
e2e_pass
