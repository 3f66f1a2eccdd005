#!/bin/bash
# DKIM tab keys: g generates a key pair into a directory typed in a dialog
# (the private key 0600, never on the screen), p= gets the public key and
# the key info shows it; m matches the private key file against p= (match,
# then no match after p= changes); a directory that does not exist and a
# file that is not a key are refused in the dialog with a message.
. "$(dirname "$0")/lib.sh" "$1"

mkdir "$E2E_DIR/keys"
e2e_start 120 36 --example
e2e_wait 'SPF · '
e2e_keys 2
e2e_wait '1024-bit RSA key'

e2e_keys g
e2e_wait 'Generate a DKIM key pair'
e2e_keys C-u
e2e_type "$E2E_DIR/nosuch"
e2e_keys Enter
e2e_wait 'cannot create files in it'
e2e_keys C-u
e2e_type "$E2E_DIR/keys"
e2e_keys Down C-u
e2e_type 'ed25519'
e2e_keys Enter
e2e_wait 'key pair written'
e2e_wait 'Ed25519 key'
e2e_expect_not 'PRIVATE'
key=$(ls "$E2E_DIR"/keys/*.private 2>/dev/null | head -1)
[ -n "$key" ] || e2e_fail "no .private file written"
[ "$(stat -c %a "$key")" = 600 ] || e2e_fail "key file mode $(stat -c %a "$key")"
ls "$E2E_DIR"/keys/*.zone >/dev/null 2>&1 || e2e_fail "no .zone file written"

e2e_keys m
e2e_wait 'Match a private key'
e2e_keys C-u
e2e_type "$E2E_DIR/keys/nothing.private"
e2e_keys Enter
e2e_wait 'cannot open'
e2e_keys C-u
e2e_type "$key"
e2e_keys Enter
e2e_wait 'match: the record publishes the public half of this Ed25519'

# g again for the same selector: its files exist, so the dialog refuses
# (nothing is overwritten).
e2e_keys g
e2e_wait 'Generate a DKIM key pair'
e2e_keys C-u
e2e_type "$E2E_DIR/keys"
e2e_keys Enter
e2e_wait 'already exists'
e2e_keys Escape
e2e_pass
