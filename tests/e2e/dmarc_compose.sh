#!/bin/bash
# Compose a DMARC record from scratch with keys only and check the record
# line, the tag order the core writes, and the effect sentence.
. "$(dirname "$0")/lib.sh" "$1"

e2e_start 100 30
e2e_wait 'SPF · '
e2e_keys C-n C-n
e2e_wait 'Compose DMARC'
# Start from nothing: empty the record as text.
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u Enter
e2e_wait 'no record yet'

e2e_keys Home
e2e_wait 'DMARC · v$'
e2e_keys Down
e2e_wait 'DMARC · p$'
e2e_keys Right Right Right
e2e_wait '│ v=DMARC1; p=reject +│'
e2e_wait 'failing mail from example\.com .*rejected|rejected'

e2e_keys Down Right Right
e2e_wait '│ v=DMARC1; p=reject; sp=quarantine +│'

e2e_keys Down Down Down Down
e2e_wait 'DMARC · adkim$'
e2e_keys Right Right
e2e_wait 'adkim=s'

# The schema's order: aspf, then the Reports group (rua, ruf, fo).
e2e_keys Down Down Down Down
e2e_wait 'DMARC · fo$'
e2e_keys Right Right Space
e2e_wait 'fo=d'

e2e_keys Up Up
e2e_wait 'DMARC · add rua$'
e2e_keys Enter
e2e_wait 'DMARC · add rua editing'
e2e_type 'dmarc-reports@example.com'
e2e_keys Enter
e2e_wait 'DMARC · rua 1/1$'

e2e_wait '│ v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc-reports@example\.com; adkim=s; fo=d +│'
# The core's lint follows: sp weaker than p is worth a warning ...
e2e_wait 'W dmarc-sp-weaker'
e2e_expect_not 'dmarc-bad-uri'
# ... which goes once sp matches p.
e2e_key_until Up 'DMARC · sp$'
e2e_keys Right
e2e_wait '│ v=DMARC1; p=reject; sp=reject; rua=mailto:dmarc-reports@example\.com; adkim=s; fo=d +│'
e2e_wait 'Lint: 2 notes'
# The drafts' own check --spoof verdict: forged mail is rejected everywhere.
e2e_wait 'cross-spoof-verdict .*rejected: forged mail'
e2e_expect_not 'dmarc-sp-weaker'

e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
