#!/bin/bash
# Saving onto a symbolic link: the editor says so and asks, writes through
# to the target (the link stays a link), keeps the target's owner and mode
# and never keeps a setuid or setgid bit.
. "$(dirname "$0")/lib.sh" "$1"

fixture="$(dirname "$0")/../data/zones/bind-full.zone"
mkdir "$E2E_DIR/real"
target="$E2E_DIR/real/db.zone"
cp "$fixture" "$target"
if [ "$(id -u)" = 0 ]; then chown 12345:23456 "$target"; fi
chmod 6640 "$target"
owner=$(stat -c %u:%g "$target")
ln -s real/db.zone "$E2E_DIR/link.zone"

# Change the DMARC policy (p=none -> quarantine) and start the save.
edit_and_save() {
    e2e_keys 3
    e2e_wait 'DMARC · '
    e2e_key_until Down 'DMARC · p$' 6
    e2e_keys "$1"
    e2e_wait "$2"
    e2e_keys C-s
    e2e_wait 'Save the drafts as a zone file'
    e2e_keys Enter
    e2e_wait 'link\.zone is a symbolic link to .*real/db\.zone'
}

e2e_start 200 30 --load link.zone
e2e_wait 'opened link\.zone'
edit_and_save Right '│ v=DMARC1; p=quarantine'
# "n": nothing written.
e2e_keys n
e2e_wait 'not saved: link\.zone was left as it is'
cmp -s "$target" "$fixture" || e2e_fail "n still wrote the file"

e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_keys Enter
e2e_wait 'link\.zone is a symbolic link to .*real/db\.zone'
e2e_keys y
e2e_wait 'Bump the SOA serial'
e2e_keys n
e2e_wait 'saved into link\.zone: DMARC rewritten \(line 25\); written through the link to .*real/db\.zone; its setuid/setgid bit was dropped'
[ -L "$E2E_DIR/link.zone" ] || e2e_fail "the link was replaced by a file"
[ "$(readlink "$E2E_DIR/link.zone")" = real/db.zone ] || e2e_fail "the link points elsewhere"
grep -q 'p=quarantine' "$target" || e2e_fail "the target was not written"
[ "$(diff "$fixture" "$target" | grep -c '^[<>]')" = 2 ] || e2e_fail "more than the DMARC line changed:
$(diff "$fixture" "$target")"
mode=$(stat -c %a "$target")
[ "$mode" = 640 ] || e2e_fail "mode $mode, expected 640 (setuid/setgid dropped, the rest kept)"
[ "$(stat -c %u:%g "$target")" = "$owner" ] || e2e_fail "owner $(stat -c %u:%g "$target"), was $owner"
ls -A "$E2E_DIR/real" | grep -q '^\.db\.zone\.' && e2e_fail "a temporary file was left"

# A link to nowhere: said in the form, nothing created.
ln -s nowhere/x.zone "$E2E_DIR/dangling.zone"
e2e_keys Left
e2e_wait '│ v=DMARC1; p=none'
e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_keys C-u
e2e_type 'dangling.zone'
e2e_keys Enter
e2e_wait 'dangling\.zone is a symbolic link to a file that cannot be reached'
e2e_keys Escape
e2e_wait 'not saved'
e2e_keys q
e2e_wait 'changes that are not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
