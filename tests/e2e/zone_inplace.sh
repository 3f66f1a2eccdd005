#!/bin/bash
# Saving into the admin's own zone file: --load a full BIND zone, change
# the DMARC policy, Ctrl-S, bump the serial: only the DMARC line and the
# serial change, every other byte stays.  A file changed on disk meanwhile
# is asked about and its change kept.  Saving to a new file writes a
# fragment: no $TTL, each record with its TTL, no untouched DKIM template.
. "$(dirname "$0")/lib.sh" "$1"

zone="$E2E_DIR/db.example.org"
fixture="$(dirname "$0")/../data/zones/bind-full.zone"
cp "$fixture" "$zone"

# diff of the fixture and the file, only the changed lines ("<" and ">").
changed_lines() { diff "$1" "$2" | grep -E '^[<>]'; }

e2e_start 120 30 --load db.example.org
e2e_wait 'opened db\.example\.org'
e2e_keys 3
e2e_wait 'DMARC · '
e2e_wait '│ v=DMARC1; p=none; rua=mailto:dmarc@example\.org'
# The policy row: p=none -> quarantine.
e2e_key_until Down 'DMARC · p$' 6
e2e_keys Right
e2e_wait '│ v=DMARC1; p=quarantine; rua=mailto:dmarc@example\.org'
e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_keys Enter
e2e_wait 'Bump the SOA serial 2026120501 -> [0-9]+\?'
new=$(e2e_screen | grep -oE '2026120501 -> [0-9]+' | head -1 | sed 's/.*-> //')
[ -n "$new" ] && [ "$new" -gt 2026120501 ] || e2e_fail "no new serial in the question: '$new'"
e2e_keys y
e2e_wait "saved into db\.example\.org: DMARC rewritten \(line 25\); serial 2026120501 -> $new"

# Exactly two lines changed, and into what they should be.
got=$(changed_lines "$fixture" "$zone")
want=$(printf '%s\n' \
    $'< \t\t\t2026120501\t; serial' \
    $'< _dmarc\t3600\tIN\tTXT\t"v=DMARC1; p=none; rua=mailto:dmarc@example.org"\t; policy: monitor' \
    $'> \t\t\t'"$new"$'\t; serial' \
    $'> _dmarc\t3600\tIN\tTXT\t"v=DMARC1; p=quarantine; rua=mailto:dmarc@example.org"\t; policy: monitor')
got_sorted=$(printf '%s\n' "$got" | sort)
want_sorted=$(printf '%s\n' "$want" | sort)
[ "$got_sorted" = "$want_sorted" ] || e2e_fail "the file changed otherwise:
$(diff "$fixture" "$zone")"
# Line by line: every other line byte for byte (cmp of the file with the
# two lines put back must find nothing).
sed -e "7s/$new/2026120501/" -e '25s/p=quarantine/p=none/' "$zone" | cmp - "$fixture" ||
    e2e_fail "bytes other than the serial and the DMARC policy changed"
"$E2E_BIN" lint --zone "$zone" >/dev/null
[ $? -le 2 ] || e2e_fail "the saved zone does not read"
ls -A "$E2E_DIR" | grep -q '^\.db\.example\.org\.' && e2e_fail "a temporary file was left"
e2e_expect_not '\[modified\]'

# Saving again without a change writes nothing.
cp "$zone" "$E2E_DIR/before"
e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_keys Enter
e2e_wait 'nothing to write: db\.example\.org already holds these records'
cmp -s "$zone" "$E2E_DIR/before" || e2e_fail "a save without changes changed the file"

# The file changes on disk (another admin's edit): the save asks, and the
# other edit survives; "n" to the serial keeps it.
e2e_keys Left
e2e_wait '│ v=DMARC1; p=none; rua'
printf 'extra\tIN\tA\t192.0.2.99 ; added meanwhile\n' >>"$zone"
e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_keys Enter
e2e_wait 'changed on disk since it was opened'
e2e_keys y
e2e_wait "Bump the SOA serial $new -> "
e2e_keys n
e2e_wait 'saved into db\.example\.org: DMARC rewritten \(line 25\)'
grep -q $'^extra\tIN\tA\t192.0.2.99 ; added meanwhile$' "$zone" || e2e_fail "the other edit was lost"
grep -q $'^\t\t\t'"$new"$'\t; serial$' "$zone" || e2e_fail "the serial changed after n"
grep -q 'p=none; rua' "$zone" || e2e_fail "the DMARC record was not rewritten"

# Save to a new file: the fragment.
e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_keys C-u
e2e_type 'frag.zone'
e2e_keys Enter
e2e_wait 'saved to frag\.zone: SPF written, DMARC written, DKIM written'
grep -q '^\$TTL' "$E2E_DIR/frag.zone" && e2e_fail "the fragment has a \$TTL line"
n=$(grep -cE '^[a-z0-9_.]+\. [0-9]+ IN TXT ' "$E2E_DIR/frag.zone")
[ "$n" = 3 ] || e2e_fail "expected 3 records with their TTL, got $n:
$(cat "$E2E_DIR/frag.zone")"
e2e_keys q
e2e_wait_exit 0

# A fresh session: the untouched DKIM template (empty p=, which would
# revoke the selector) is not written; the SPF edited is.
e2e_start 120 30
e2e_wait 'SPF · '
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_type 'v=spf1 a mx -all'
e2e_keys Enter
e2e_wait '│ v=spf1 a mx -all'
e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_keys Enter
e2e_wait 'saved to example\.com\.zone: SPF written'
e2e_expect_not 'DKIM written'
f="$E2E_DIR/example.com.zone"
grep -q 'DKIM1' "$f" && e2e_fail "the untouched DKIM template was written"
grep -q '^\$TTL' "$f" && e2e_fail "the fragment has a \$TTL line"
grep -q '^example\.com\. 3600 IN TXT "v=spf1 a mx -all"$' "$f" || e2e_fail "no SPF record:
$(cat "$f")"
e2e_keys q
e2e_wait_exit 0
e2e_pass
