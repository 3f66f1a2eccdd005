#!/bin/bash
# `authtxt dkim match` with an encrypted key and no --pass-file asks for the
# passphrase on the terminal with echo off: the passphrase never shows, a
# right one gives the match (exit 0), a wrong one exit 3.
. "$(dirname "$0")/lib.sh" "$1"
keys=$(cd "$(dirname "$0")/../data/dkimkeys" && pwd)
record="v=DKIM1; k=rsa; p=$(cat "$keys/rsa2048.p")"

e2e_start 200 30 dkim match --key "$keys/rsa2048.enc.pem" --record "$record"
e2e_wait 'Passphrase for .*rsa2048\.enc\.pem:'
e2e_type 'correct-horse'
e2e_keys Enter
e2e_wait 'Result: match'
e2e_expect_not 'correct-horse'
e2e_wait_exit 0

e2e_start 200 30 dkim match --key "$keys/rsa2048.pkcs1enc.pem" --record "$record"
e2e_wait 'Passphrase for '
e2e_type 'not-the-one'
e2e_keys Enter
e2e_wait 'the passphrase does not open the key'
e2e_expect_not 'not-the-one'
e2e_wait_exit 3
e2e_pass
