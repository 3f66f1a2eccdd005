#!/bin/bash
# `authtxt fetch` text output against a real DNS server on 127.0.0.1 serving
# tests/dns/zones/fixture.zone: tree shapes and counts, loops, void lookups,
# multiple records, DMARC discovery and report authorization, DKIM keys,
# IDN input, string boundaries, exit statuses.  Usage: fetch.sh BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/fixture.zone" || { echo "FAIL: cannot start the DNS server"; exit 1; }

fails=0
out=""
rc=0
run() { out=$("$BIN" fetch "$@" --dns "$DNS_SERVER" --timeout 1000 2>&1); rc=$?; }
fail() { echo "FAIL: $*"; echo "--- output:"; printf '%s\n' "$out" | head -60; fails=$((fails + 1)); }
has() { printf '%s\n' "$out" | grep -Fq -- "$1" || fail "expected '$1' (case: $case)"; }
hasnt() { ! printf '%s\n' "$out" | grep -Fq -- "$1" || fail "did not expect '$1' (case: $case)"; }
status() { [ "$rc" = "$1" ] || fail "exit status $rc, expected $1 (case: $case)"; }
count() { # count PATTERN N
    local n; n=$(printf '%s\n' "$out" | grep -Fc -- "$1")
    [ "$n" = "$2" ] || fail "'$1' appears $n times, expected $2 (case: $case)"
}

case="tree: depth 3, 10 lookups"
run tree.fx.test
status 1
has "include tree: 10/10 lookups, 0 void lookups"
expected_tree='  tree.fx.test (+4, 10/10)
  |- include:b1.tree.fx.test (+2, 4/10)
  |  `- include:c1.tree.fx.test (+1, 3/10)
  |     `- include:d1.tree.fx.test (+0, 3/10)
  `- include:b2.tree.fx.test (+2, 8/10)
     `- include:c2.tree.fx.test (+1, 7/10)'
got_tree=$(printf '%s\n' "$out" | sed -n '/^  include tree:/,/errors, /p' | sed '1d;$d')
[ "$got_tree" = "$expected_tree" ] || { fail "tree block differs"; diff <(echo "$expected_tree") <(echo "$got_tree"); }
has "[spf-lookup-count]"
hasnt "[spf-lookup-limit]"
has "15 queries"

case="same domain written in capitals with a final dot"
run TREE.Fx.Test.
has "Domain: tree.fx.test"
has "include tree: 10/10 lookups, 0 void lookups"

case="loop"
run loop.fx.test
status 2
has "include:loop.fx.test  LOOP: already on the path, not followed"
has "[spf-include-loop]"

case="void lookups"
run void.fx.test
status 2
has "include tree: 4/10 lookups, 4 void lookups"
has "void lookup: a:nx1.fx.test (NXDOMAIN)"
has "void lookup: mx:nx2.fx.test (NXDOMAIN)"
has "void lookup: exists:nodata.fx.test (no data)"
has "include:nx3.fx.test  no SPF record (NXDOMAIN)"
has "[spf-void-lookup-limit]"
has "[spf-include-no-record]"

case="include target without SPF"
run incnone.fx.test
status 2
has "include:plain.fx.test  no SPF record (NOERROR)"
has "[spf-include-no-record]"

case="two SPF records"
run two.fx.test
status 2
count '  record: "v=spf1 ip4:192.0.2.' 2
has "MULTIPLE SPF records (permerror)"
has "[spf-multiple-records]"

case="record split in 12 strings"
run many.fx.test
has '12 strings: "v=spf1" " ip4:198.51.100.1" " ip4:198.51.100.2"'
has '" -all"'
case="string boundaries on request"
run tree.fx.test --strings
has '    1 strings: "v=spf1 include:b1.tree.fx.test'

case="ANSI escape in a record"
run esc.fx.test
status 2
if printf '%s' "$out" | grep -q $'\x1b'; then fail "a raw ESC byte reached the output"; fi
has 'record: "v=spf1 ip4:192.0.2.1 \x1b[31mred -all"'

case="DMARC with external report destinations"
run dm.fx.test
status 1
has "walk _dmarc.dm.fx.test: NOERROR, 1 DMARC record  <- policy in force"
has "report destination rua reports.rpt.test: authorized (dm.fx.test._report._dmarc.reports.rpt.test NOERROR)"
has "report destination rua noauth.rpt.test: unauthorized (dm.fx.test._report._dmarc.noauth.rpt.test NXDOMAIN)"
has "report destination ruf wild.rpt.test: authorized"
count "[dmarc-rua-unauthorized]" 1

case="DMARC inherited by the tree walk"
run sub.dm.fx.test
has "walk _dmarc.sub.dm.fx.test: NXDOMAIN, 0 DMARC records"
has "walk _dmarc.fx.test: NOERROR, 1 DMARC record  <- policy in force"
has "walk _dmarc.test: NXDOMAIN, 0 DMARC records"
has "discovery: found, policy domain fx.test, organizational domain (RFC 9989) fx.test"
has "[dmarc-inherited]"

case="RFC 7489 organizational domain differs"
run x.b.pslcase.test
status 0
has "discovery: found, policy domain b.pslcase.test, organizational domain (RFC 9989) b.pslcase.test"
has "RFC 7489 organizational domain (public suffix list): pslcase.test; RFC 7489 receivers find no policy"
case="RFC 7489 view not shown when it agrees"
run sub.dm.fx.test
hasnt "RFC 7489 organizational domain"

case="DKIM keys"
run dk.fx.test --selector k1024 --selector k2048 --selector ked --selector kbad --selector nope
status 2
has "key: rsa, 1024 bits"
has "key: rsa, 2048 bits"
has "key: ed25519, 256 bits"
has "[dkim-key-weak]"
has "[dkim-bad-key]"
has "DKIM  nope._domainkey.dk.fx.test"
has "no key record (NXDOMAIN)"
has "    2 strings: \"v=DKIM1; k=rsa; p=MIIB"
hasnt "[dkim-string-split]" # published in 2 strings already

case="include name with a 64-byte label"
run badname.fx.test
status 2
has "[spf-bad-domain-spec]"
hasnt "DNS errors"

case="IDN input"
run bücher.fx.test
status 1
has "Domain: bücher.fx.test (A-label xn--bcher-kva.fx.test)"
has 'record: "v=spf1 ip4:203.0.113.7 -all"'

case="domain without records"
run nothing.fx.test
status 2
has "no SPF record (NXDOMAIN)"
has "[cross-no-spf]"

case="usage errors"
out=$("$BIN" fetch 2>&1); rc=$?; status 3
out=$("$BIN" fetch a.test b.test 2>&1); rc=$?; status 3
out=$("$BIN" fetch a.test --dns 127.0.0.1:1 --doh https://x/dns-query 2>&1); rc=$?; status 3
out=$("$BIN" fetch a.test --doh-insecure 2>&1); rc=$?; status 3
out=$("$BIN" fetch a.test --timeout 12x 2>&1); rc=$?; status 3; has "--timeout 12x"
out=$("$BIN" fetch 'a..b' --dns "$DNS_SERVER" 2>&1); rc=$?; status 3; has "not a domain name"
out=$("$BIN" fetch a.test --dns 127.0.0.1:notaport 2>&1); rc=$?; status 3

if [ "$fails" -ne 0 ]; then
    echo "fetch.sh: $fails failure(s)"
    exit 1
fi
echo "fetch.sh: all passed"
