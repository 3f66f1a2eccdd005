#!/bin/bash
# SPF tab: add include terms from the picker and watch the DNS lookup count
# (RFC 7208 §4.6.4) change, cross the limit of 10, and come back; change a
# qualifier with one key, move and delete a term.
. "$(dirname "$0")/lib.sh" "$1"

e2e_start 100 30
e2e_wait 'SPF · '
e2e_keys e C-u
e2e_type 'v=spf1 mx -all'
e2e_keys Enter
e2e_wait '│ v=spf1 mx -all +│'
e2e_wait 'DNS lookups 1/10'

add_include() {
    e2e_keys a
    e2e_wait 'Add a term'
    e2e_type 'in'
    e2e_keys Enter
    e2e_wait 'editing'
    e2e_type "$1"
    e2e_keys Enter
    e2e_wait "include +$1"
}

e2e_keys Home
e2e_wait 'SPF · version'
add_include _spf.example.net
e2e_wait 'DNS lookups 2/10'
e2e_wait '│ v=spf1 mx include:_spf\.example\.net -all +│'
# The term's own cost is shown beside it.
e2e_wait 'include +_spf\.example\.net +\+1'

# New terms go after the focused one: s1 .. s9 follow in order.
for n in 1 2 3 4 5 6 7 8; do add_include "s$n.example.org"; done
e2e_wait 'DNS lookups 10/10'
add_include s9.example.org
e2e_wait 'DNS lookups 11/10: over the limit'
e2e_wait 'E spf-lookup-limit'

# Delete the focused include (s9): back to 10, the focus on the all term.
e2e_keys DC
e2e_wait 'DNS lookups 10/10'
e2e_wait 'SPF · term 11/11'
e2e_wait 's8\.example\.org -all +│'

# One key changes a qualifier.
e2e_keys '~'
e2e_wait 's8\.example\.org ~all +│'
e2e_keys '-'
e2e_wait 's8\.example\.org -all +│'

# Move s8 up one place with '['.
e2e_keys Up
e2e_wait 'SPF · term 10/11'
e2e_keys '['
e2e_wait 'SPF · term 9/11'
e2e_wait 's8\.example\.org include:s7\.example\.org -all'

e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
