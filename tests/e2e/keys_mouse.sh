#!/bin/bash
# --no-mouse: the program does not turn mouse reporting on (the terminal
# keeps its own selection), and a click changes nothing; without it, the
# mouse works (the check can fail).
. "$(dirname "$0")/lib.sh" "$1"

mouse_flags() { $T display-message -p -t e2e '#{mouse_any_flag}#{mouse_button_flag}#{mouse_standard_flag}'; }

e2e_start 100 30 --example
e2e_wait 'SPF · version'
end=$((SECONDS + E2E_TIMEOUT))
until [ "$(mouse_flags)" != 000 ]; do
    ((SECONDS >= end)) && e2e_fail "mouse reporting is off without --no-mouse"
    sleep 0.05
done
e2e_keys q
e2e_wait_exit 0

e2e_start 100 30 --example --no-mouse
e2e_wait 'SPF · version'
[ "$(mouse_flags)" = 000 ] || e2e_fail "--no-mouse: mouse reporting is on ($(mouse_flags))"
line=$(e2e_screen | head -1)
col=$(awk -v s="$line" 'BEGIN{print index(s, "DMARC") - 1}')
e2e_click "$col" 0
e2e_keys Down
e2e_wait 'SPF · term 1/4'
e2e_expect_not 'DMARC · '
e2e_keys q
e2e_wait_exit 0
e2e_pass
