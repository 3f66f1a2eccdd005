#!/bin/bash
# The domain is edited in the title bar (F2 or a click on it), checked by
# the core; the owner names and the template's report address follow it,
# and the change is one undoable step.
. "$(dirname "$0")/lib.sh" "$1"

e2e_start 100 30
e2e_wait 'SPF · '
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_wait 'Record _dmarc\.example\.com'
e2e_wait 'rua=mailto:dmarc-reports@example\.com'

e2e_keys F2
e2e_wait 'domain: example\.com'
e2e_keys C-u
e2e_type 'not a domain!'
e2e_keys Enter
e2e_wait 'not a domain name'
e2e_wait 'domain: not a domain!'
e2e_keys C-u
e2e_type 'mail.example.org'
e2e_keys Enter
e2e_wait 'the domain is mail\.example\.org'
e2e_wait 'authtxt  mail\.example\.org'
e2e_wait 'Record _dmarc\.mail\.example\.org'
e2e_wait 'rua=mailto:dmarc-reports@mail\.example\.org'
e2e_keys 2
e2e_wait 'DKIM · key '
e2e_wait 'name +s1\._domainkey\.mail\.example\.org|_domainkey\.mail\.example\.org'
e2e_expect_not '  domain  '

# Undo takes the domain back.
e2e_keys u
e2e_wait 'Undid: '
e2e_wait 'authtxt  example\.com'

# A click on the domain opens the editor too; Esc leaves it as it was.
e2e_click 10 0
e2e_wait 'domain: example\.com'
e2e_type 'x'
e2e_keys Escape
e2e_wait 'authtxt  example\.com '
e2e_keys q
e2e_wait_exit 0
e2e_pass
