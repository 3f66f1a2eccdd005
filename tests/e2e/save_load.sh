#!/bin/bash
# Save the drafts (^S), quit, reopen with --load and see the same drafts;
# an existing file is never replaced without asking; quitting with unsaved
# changes asks.
. "$(dirname "$0")/lib.sh" "$1"

# The text in the Record pane of the current tab.
record_line() { e2e_screen | grep -A1 '─ Record ' | sed -n 2p | sed 's/^│ //; s/ *│$//'; }

# Raw-edit the current tab's record: append TEXT at the end.
raw_append() {
    e2e_keys e
    e2e_wait 'Record: editing as text'
    e2e_keys C-e
    e2e_type "$1"
    e2e_keys Enter
    e2e_wait "$1"
}

# Edit all three drafts, so the save has something of each to write.
e2e_start 100 30 --example
e2e_wait 'SPF · '
raw_append ' a'
spf=$(record_line)
e2e_keys 2
e2e_wait '1024-bit RSA key'
raw_append '; t=y'
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_keys Right Right
e2e_wait '│ v=DMARC1; p=reject'
dmarc=$(record_line)
e2e_wait '\[modified\]'

e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_wait 'File +example\.com\.zone'
e2e_keys Enter
e2e_wait 'saved to example\.com\.zone: SPF written, DMARC written, DKIM written'
e2e_expect_not '\[modified\]'
grep -q 'p=reject' "$E2E_DIR/example.com.zone" || e2e_fail "the zone file lacks p=reject"
# Atomic write: no temporary file is left behind.
ls -A "$E2E_DIR" | grep -q '^\.example\.com\.zone\.' && e2e_fail "a temporary file was left"
e2e_keys q
e2e_wait_exit 0

e2e_start 100 30 --load example.com.zone
e2e_wait 'opened example\.com\.zone'
[ "$(record_line)" = "$spf" ] || e2e_fail "SPF after --load: '$(record_line)', saved '$spf'"
e2e_keys 3
e2e_wait 'DMARC · '
[ "$(record_line)" = "$dmarc" ] || e2e_fail "DMARC after --load: '$(record_line)', saved '$dmarc'"
e2e_keys 2
e2e_wait '1024-bit RSA key'

# Saving back to the file it came from does not ask: only the DMARC
# record is rewritten in place.
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_keys Left
e2e_wait '│ v=DMARC1; p=quarantine'
e2e_keys C-s
e2e_wait 'Save the drafts'
e2e_keys Enter
e2e_wait 'saved into example\.com\.zone: DMARC rewritten \(line [0-9]+\)'
grep -q 'p=quarantine' "$E2E_DIR/example.com.zone" || e2e_fail "not written"

# Quitting with unsaved changes asks; Esc stays.
e2e_keys Left
e2e_wait '│ v=DMARC1; p=none'
e2e_keys q
e2e_wait 'changes that are not saved'
e2e_keys Escape
e2e_wait 'DMARC · p$'
e2e_keys q
e2e_wait 'changes that are not saved'
e2e_keys n
e2e_wait_exit 0
grep -q 'p=quarantine' "$E2E_DIR/example.com.zone" || e2e_fail "the file changed on quit"

# Another session: the same name exists and is not its file: it asks.
e2e_start 100 30 --example
e2e_wait 'SPF · '
e2e_keys C-s
e2e_wait 'Save the drafts'
e2e_keys Enter
e2e_wait 'example\.com\.zone already exists'
e2e_keys n
e2e_wait 'not saved: example\.com\.zone was left as it is'
grep -q 'p=quarantine' "$E2E_DIR/example.com.zone" || e2e_fail "the file was replaced"
# ^O opens a file (no unsaved changes: no question).
e2e_keys C-o
e2e_wait 'Open a zone file'
e2e_type 'example.com.zone'
e2e_keys Enter
e2e_wait 'opened example\.com\.zone'
e2e_keys 3
e2e_wait '│ v=DMARC1; p=quarantine'
e2e_keys q
e2e_wait_exit 0

# A file that cannot be read: a clear message, status 3.
e2e_start 100 30 --load missing.zone
e2e_wait_exit 3
e2e_pass
