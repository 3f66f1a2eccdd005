#!/bin/bash
# y copies the focused record to the terminal's clipboard with OSC 52
# (tmux with set-clipboard on keeps it as a paste buffer): the zone line,
# written by the core's zone writer (strings of at most 255 bytes), or the
# bare value.  The status line says what was copied, and the message goes
# away by itself (a timer, not the next key).  --print-on-exit, and p in
# the quit question, print the records as zone lines once the screen is
# closed.
. "$(dirname "$0")/lib.sh" "$1"

spf='v=spf1 mx include:_spf.google.com ip4:192.0.2.0/24 ~all'

# clipboard_is TEXT: the newest tmux buffer is TEXT, runs of blanks and
# line breaks counting as one space (bounded wait).
squeeze() { tr -s ' \n' '  ' <<<"$1" | sed 's/ $//'; }
clipboard_is() {
    local end=$((SECONDS + E2E_TIMEOUT)) got want
    want=$(squeeze "$1")
    until got=$($T show-buffer 2>/dev/null) && [ "$(squeeze "$got")" = "$want" ]; do
        ((SECONDS >= end)) && e2e_fail "clipboard: got '$got', expected '$1'"
        sleep 0.05
    done
}

e2e_start 100 30 --example
$T set-option -g set-clipboard on
e2e_wait 'SPF · version'
e2e_keys y
e2e_wait 'Copy to the clipboard'
e2e_wait 'zone line'
e2e_keys Enter
clipboard_is "example.com. 3600 IN TXT \"$spf\""
e2e_wait 'copied the zone line \(82 bytes\) to the clipboard: example\.com\. 3600 IN TXT'

# The message expires with no key pressed: the status line shows the keys again.
end=$((SECONDS + 15))
while e2e_screen | grep -q 'copied the zone line'; do
    ((SECONDS >= end)) && e2e_fail "the status message did not expire"
    sleep 0.1
done
e2e_wait 'Enter Edit  a Add'

# The value alone, on the DMARC tab (the pick remembers the last form).
e2e_keys 3
e2e_wait 'DMARC · '
e2e_keys y
e2e_wait 'Copy to the clipboard'
e2e_keys Down Enter
dmarc=$(e2e_screen | sed -n 's/^│ \(v=DMARC1;[^│]*[^ │]\) *│$/\1/p' | head -1)
[ -n "$dmarc" ] || e2e_fail "no DMARC record on the screen"
clipboard_is "$dmarc"
e2e_wait 'copied the record \([0-9]+ bytes\)'
e2e_keys y
e2e_wait 'Copy to the clipboard'
e2e_keys Up Enter
clipboard_is "_dmarc.example.com. 3600 IN TXT \"$dmarc\""

# A record longer than 255 bytes: the zone line has two strings.
long="v=spf1"
for i in $(seq 1 20); do long="$long ip4:198.51.100.$i"; done
long="$long -all"
e2e_keys 1
e2e_wait 'SPF · '
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_type "$long"
e2e_keys Enter
e2e_wait 'Record example\.com · 3[0-9][0-9] bytes'
e2e_keys y
e2e_wait 'Copy to the clipboard'
e2e_keys Enter
first=${long:0:255}
rest=${long:255}
clipboard_is "example.com. 3600 IN TXT ( \"$first\" \"$rest\" )"
[ "$($T show-buffer | grep -c '')" -eq 2 ] || e2e_fail "the zone line's strings are not one a line"

# p in the quit question: quit without saving, print the records.
e2e_keys q
e2e_wait 'p Quit, print them'
e2e_keys p
e2e_wait_exit 0
out=$(e2e_output)
grep -qF "example.com. 3600 IN TXT ( \"$first\"" <<<"$out" || e2e_fail "p: no SPF zone line printed"
grep -qF "_dmarc.example.com. 3600 IN TXT \"$dmarc\"" <<<"$out" ||
    e2e_fail "p: no DMARC zone line printed"

# --print-on-exit: the drafts as zone lines on stdout after the screen is gone.
e2e_start 100 30 --example --print-on-exit
e2e_wait 'SPF · version'
e2e_keys q
e2e_wait_exit 0
out=$(e2e_output)
grep -qF "example.com. 3600 IN TXT \"$spf\"" <<<"$out" || e2e_fail "--print-on-exit: no SPF line"
grep -qE '^_dmarc\.example\.com\. 3600 IN TXT "v=DMARC1;' <<<"$out" ||
    e2e_fail "--print-on-exit: no DMARC line"
grep -qE '_domainkey\.example\.com\. 3600 IN TXT' <<<"$out" || e2e_fail "--print-on-exit: no DKIM line"
grep -q 'Compose SPF' <<<"$out" && e2e_fail "--print-on-exit: the screen was not closed first"

# Untouched templates are not printed (the DKIM one has an empty p=).
e2e_start 100 30 --print-on-exit
e2e_wait 'SPF · version'
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_type 'v=spf1 a -all'
e2e_keys Enter
e2e_wait '\[modified\]'
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
out=$(e2e_output)
grep -qF 'example.com. 3600 IN TXT "v=spf1 a -all"' <<<"$out" ||
    { echo "$out" | tail -5 >&2; e2e_fail "--print-on-exit: the edited SPF draft is not printed"; }
grep -q 'DKIM1\|DMARC1' <<<"$out" && e2e_fail "--print-on-exit: an untouched template was printed"
e2e_pass
