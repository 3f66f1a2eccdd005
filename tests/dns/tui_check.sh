#!/bin/bash
# The editor's Check tab over live DNS (issue 10) against a real DNS server
# on 127.0.0.1: `authtxt DOMAIN --dns` fetches the published records into
# the drafts; the Check tab then runs the receiver over the drafts overlaid
# on DNS: the SPF include of a provider that is not in the drafts is
# answered by the server (pass for its address), the drafts answer their
# own names (a draft edit that drops the include makes the same address
# fail, though DNS still publishes the include), and answers arrive
# through the loop while the screen stays live.
here=$(dirname "$0")
. "$here/../e2e/lib.sh" "$1"
. "$here/lib.sh" "$1"
dns_cleanup_hook() { e2e_cleanup; }

dns_start "$here/zones/tuicheck.zone"

e2e_start 120 40 tc.test --dns "$DNS_SERVER"
e2e_wait 'fetched tc\.test in [0-9]+ ms'
e2e_wait '│ v=spf1 include:spf\.provider\.test -all'

e2e_keys 5
e2e_wait 'The drafts of tc\.test over live DNS'
e2e_keys Enter
e2e_wait 'The message to check'
e2e_type '203.0.113.7'
e2e_keys Tab Tab Tab
e2e_type 'news@tc.test'
e2e_keys Enter
# The provider's record comes from DNS: pass, and DMARC passes aligned.
e2e_wait 'SPF +pass \(matched include:spf\.provider\.test\)'
e2e_wait 'DMARC +pass, disposition none \(policy of tc\.test\)'
# The step that read the provider's record, whole in the Record pane.
e2e_key_until Down 'DNS: TXT spf\.provider\.test -> "v=spf1 ip4:203\.0\.113\.0/24 -all"' 40

# The draft (not DNS) answers for tc.test: without the include the same
# address fails and DMARC rejects.
e2e_keys 1
e2e_wait 'SPF · '
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_type 'v=spf1 ip4:192.0.2.0/24 -all'
e2e_keys Enter
e2e_wait '│ v=spf1 ip4:192\.0\.2\.0/24 -all +│'
e2e_keys 5
e2e_wait 'SPF +fail \(matched -all\)'
e2e_wait 'DMARC +fail, disposition reject \(policy of tc\.test\)'
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
