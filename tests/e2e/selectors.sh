#!/bin/bash
# Every --selector opens a DKIM draft: the DKIM tab's selector row switches
# between them (Left/Right, undoable), an edit changes only the draft
# shown, ^S writes one key record per selector, --load opens them all and
# --print-on-exit prints them all.
. "$(dirname "$0")/lib.sh" "$1"

# The text in the Record pane of the current tab.
record_line() { e2e_screen | grep -A1 '─ Record ' | sed -n 2p | sed 's/^│ //; s/ *│$//'; }

e2e_start 120 32 --example --selector s1 --selector s2
e2e_wait 'SPF · '
e2e_keys 2
e2e_wait 'DKIM · key '
e2e_wait 'drafts: \[s1\] s2'
e2e_wait 'Record s1\._domainkey\.example\.com'
e2e_wait '1024-bit RSA key'
s1=$(record_line)

# To the selector row, then the next selector: its own (template) draft.
e2e_keys Home Down
e2e_wait 'DKIM · key selector$'
e2e_keys Right
e2e_wait 'drafts: s1 \[s2\]'
e2e_wait 'Record s2\._domainkey\.example\.com'
e2e_wait '│ v=DKIM1; k=rsa; p= *│'

# Edit s2 only.
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-e
e2e_type '; t=y'
e2e_keys Enter
e2e_wait '│ v=DKIM1; k=rsa; p=; t=y'
e2e_wait '\[modified\]'

# Back to s1: its text is as it was; undo and redo the switch.
e2e_keys Left
e2e_wait 'drafts: \[s1\] s2'
e2e_wait 'Record s1\._domainkey\.example\.com'
[ "$(record_line)" = "$s1" ] || e2e_fail "s1 changed: '$(record_line)', was '$s1'"
e2e_keys u
e2e_wait 'drafts: s1 \[s2\]'
e2e_wait '│ v=DKIM1; k=rsa; p=; t=y'
e2e_keys C-y
e2e_wait 'drafts: \[s1\] s2'

# Save: both key records are written.
e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_keys Enter
e2e_wait 'saved to example\.com\.zone: .*DKIM s1 written, DKIM s2 written'
zone="$E2E_DIR/example.com.zone"
grep -q '^s1\._domainkey\.example\.com\..*"v=DKIM1; k=rsa; p=MIGf' "$zone" ||
    e2e_fail "no s1 key record in the file: $(cat "$zone")"
grep -q '^s2\._domainkey\.example\.com\..*"v=DKIM1; k=rsa; p=; t=y"' "$zone" ||
    e2e_fail "no s2 key record in the file: $(cat "$zone")"
e2e_keys q
e2e_wait_exit 0

# --load opens one DKIM draft per selector in the file; --print-on-exit
# prints both key records.
e2e_start 120 32 --load example.com.zone --print-on-exit
e2e_wait 'opened example\.com\.zone'
e2e_keys 2
e2e_wait 'drafts: \[s1\] s2'
e2e_keys Home Down
e2e_wait 'DKIM · key selector$'
e2e_keys Right
e2e_wait 'Record s2\._domainkey\.example\.com'
e2e_wait '│ v=DKIM1; k=rsa; p=; t=y'
e2e_keys q
e2e_wait_exit 0
out=$(e2e_output)
grep -qE '^s1\._domainkey\.example\.com\. 3600 IN TXT "v=DKIM1; k=rsa; p=MIGf' <<<"$out" ||
    e2e_fail "--print-on-exit: no s1 key line"
grep -qF 's2._domainkey.example.com. 3600 IN TXT "v=DKIM1; k=rsa; p=; t=y"' <<<"$out" ||
    e2e_fail "--print-on-exit: no s2 key line"
e2e_pass
