#!/bin/bash
# The Check tab (issue 10): the receiver simulation on the drafts, offline.
# An address outside the example's SPF record, From: the domain.  Offline
# the example's include:_spf.google.com is "not answered offline", so SPF
# is temperror (never a guessed NXDOMAIN); with the include removed from the
# draft, SPF softfails on ~all and DMARC fails with disposition none
# (p=none); a step of the trace is explained in the Explain pane and shown
# whole in the Record pane; once the SPF draft authorizes the address the
# Check tab says pass.  Each draft edit is a raw edit on tab 1.
. "$(dirname "$0")/lib.sh" "$1"

spf_raw_edit() {
    e2e_keys 1
    e2e_wait 'SPF · '
    e2e_keys e
    e2e_wait 'Record: editing as text'
    e2e_keys C-u
    e2e_type "$1"
    e2e_keys Enter
    e2e_wait "│ $2 +│"
    e2e_keys 5
    e2e_wait 'Compose Check'
}

e2e_start 110 40 --example
e2e_wait 'SPF · version'
e2e_keys 5
e2e_wait 'Nothing to check yet'
e2e_wait 'Check · IP'

# Fill in the message: IP, HELO, MAIL FROM (empty: the From), From.
e2e_keys Enter
e2e_wait 'The message to check'
e2e_type '203.0.113.9'
e2e_keys Tab Tab Tab
e2e_type 'news@example.com'
e2e_keys Enter
e2e_wait 'SPF +temperror, mailfrom example\.com'
e2e_wait 'not answered offline'
e2e_wait 'DMARC +fail, disposition none \(policy of example\.com\)'
e2e_expect_not 'Nothing to check yet'

# Without the include, the address falls through to ~all.
spf_raw_edit 'v=spf1 mx ip4:192.0.2.0/24 ~all' 'v=spf1 mx ip4:192\.0\.2\.0/24 ~all'
e2e_wait 'SPF +softfail \(matched ~all\)'
e2e_wait 'DMARC +fail, disposition none'

# The ~all step, explained from its help entry (the same as `explain`).
e2e_key_until Down 'all: the catch-all at the end' 40
e2e_wait 'Check · step [0-9]'
# The Record pane shows the focused step whole, with its RFC section.
e2e_wait '│ ~all: matches every sender  \[RFC 7208 §5\.1\]'

# Authorize the address in the draft: the Check tab re-runs.
spf_raw_edit 'v=spf1 ip4:203.0.113.0/24 -all' 'v=spf1 ip4:203\.0\.113\.0/24 -all'
e2e_wait 'SPF +pass \(matched ip4:203\.0\.113\.0/24\)'
e2e_wait 'DMARC +pass, disposition none'
# A pasted message: its signature's key is looked up in the drafts
# (s1._domainkey.example.com, the example's key); this one is not signed
# by that key, so it does not verify.
e2e_key_until Up 'Check · message' 40
e2e_keys Enter
e2e_wait 'Paste a message'
e2e_paste 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;
	h=from:subject; s=s1; bh=sNszhoSMPuyPkJZe6/yem+4zarc0ined1ljTPO1RyjU=;
	b=oJzun0+R2xFGeXt8DyG7uG5m3M0Q0X/J1yNNwtFsUDXegO1vSTpZDyr0wIKnypWW8EyFAww1Gz1O0LsVcr7GZV4EgW2yuQTnihlW8lkuE8BeEesM4JRjkemGHDkXtP2BJZGNW+kb2RRai0hk2eY296cClV+3wmzlZ9ONQ+1eodI=
From: news@example.com
Subject: hello

body
'
e2e_keys Enter
e2e_wait 'Message: [0-9]+ bytes \(Enter: replace\)'
e2e_wait 'DKIM +fail \(d=example\.com s=s1\)'
e2e_wait 'DKIM d=example\.com s=s1 ─'
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
