#!/bin/bash
# The editor against a real DNS server on 127.0.0.1 with two selectors:
# `authtxt DOMAIN --selector rsa --selector ed` fetches both keys and each
# published key becomes the draft of its own selector; Left/Right on the
# selector row switch; `c` on the Live tab copies only the shown
# selector's key.
here=$(dirname "$0")
. "$here/../e2e/lib.sh" "$1"
. "$here/lib.sh" "$1"
dns_cleanup_hook() { e2e_cleanup; }

dns_start "$here/zones/dkim.zone"

e2e_start 120 40 m.dk.test --selector rsa --selector ed --dns "$DNS_SERVER"
e2e_wait 'fetched m\.dk\.test in [0-9]+ ms'
e2e_keys 2
e2e_wait 'drafts: \[rsa\] ed'
e2e_wait 'Record rsa\._domainkey\.m\.dk\.test'
e2e_wait '2048-bit RSA key'
e2e_expect_not '\[modified\]'
e2e_keys Home Down
e2e_wait 'DKIM · key selector$'
e2e_keys Right
e2e_wait 'drafts: rsa \[ed\]'
e2e_wait 'Record ed\._domainkey\.m\.dk\.test'
e2e_wait '│ v=DKIM1; k=ed25519; p=JGS3gHMAqqC9N6VsmApS4OYCrykEOfaAu0yUpdYkLmQ='
e2e_expect_not '\[modified\]'

# Edit the ed draft, then copy its live key back from the Live tab: the
# rsa draft is not touched.
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-e
e2e_type '; t=y'
e2e_keys Enter
e2e_wait '\[modified\]'
e2e_keys 4
e2e_wait 'Live · '
# The rows come with the answers: only then can Down move between them.
e2e_wait 'm\.dk\.test: fetched in '
e2e_key_until Down 'Live · DKIM'
e2e_keys c
e2e_wait 'the live dkim-key record is now the draft|the live DKIM key record is now the draft|is now the draft'
e2e_keys 2
e2e_wait 'drafts: rsa \[ed\]'
e2e_wait '│ v=DKIM1; k=ed25519; p=JGS3gHMAqqC9N6VsmApS4OYCrykEOfaAu0yUpdYkLmQ= *│'
e2e_expect_not '\[modified\]'
e2e_keys q
e2e_wait_exit 0
e2e_pass
