#!/bin/bash
# `authtxt fetch DOMAIN --find-selectors` against a real DNS server on
# 127.0.0.1 serving tests/dns/zones/dkim.zone: found (RSA, Ed25519),
# CNAME-delegated (Microsoft 365 style), revoked, a TXT that is no key, a
# wildcard at *._domainkey (reported as a wildcard, not as every selector
# found), JSON, and exit 4 when DNS fails (brokendns).  Usage: BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/dkim.zone" || { echo "FAIL: cannot start the DNS server"; exit 1; }
broken_start

fails=0 out="" rc=0 case=""
run() { out=$("$BIN" fetch "$@" --find-selectors --timeout 1000 2>&1); rc=$?; }
fail() { echo "FAIL: $*"; echo "--- output:"; printf '%s\n' "$out" | tail -30; fails=$((fails + 1)); }
has() { printf '%s\n' "$out" | grep -Fq -- "$1" || fail "expected '$1' (case: $case)"; }
hasnt() { ! printf '%s\n' "$out" | grep -Fq -- "$1" || fail "did not expect '$1' (case: $case)"; }
status() { [ "$rc" = "$1" ] || fail "exit status $rc, expected $1 (case: $case)"; }
# The number of selectors in the list, from the help entry the binary uses.
probed=$(sed -n '/^== dkim.selectors/,$p' "$here/../../help/dkim_selectors.txt" |
    grep -c '^[a-z0-9][a-z0-9_-]*  ')

case="the man page lists every selector of the list"
man_sel=$(sed -n '/^\.SS FIND SELECTORS/,/^\.SH/p' "$here/../../help/authtxt.1" |
    sed -n '/^\.B /{s/^\.B //;s/\\-/-/g;p}')
for s in $(sed -n '/^== dkim.selectors/,$p' "$here/../../help/dkim_selectors.txt" |
    sed -n 's/^\([a-z0-9][a-z0-9_-]*\)  .*/\1/p'); do
    printf '%s\n' "$man_sel" | grep -qx -- "$s" || fail "authtxt.1 does not list selector $s"
done

case="found, CNAME-delegated, revoked, not a key"
run sel.dk.test --dns "$DNS_SERVER"
has "DKIM selectors probed: $probed"
has "  google       found: 2048-bit RSA key  [Google Workspace]"
has "  selector1    found: Ed25519 key  [Microsoft 365"
has "  k1           found but revoked (p= empty)  [Mailchimp"
has "  s1           found: Ed25519 key"
has "  default      found a TXT record that is not a DKIM key"
has "  3 found, 1 revoked, $((probed - 5)) not found"
hasnt "wildcard"
hasnt "zz-unlisted"
hasnt "selector2 "

case="wildcard answering every selector"
run wild.dk.test --dns "$DNS_SERVER"
has "  wildcard: a random label has a TXT record (authtxt-probe-"
has "  google       found: Ed25519 key"
has "  1 found, 0 revoked, 0 not found, $((probed - 1)) answered by the wildcard"
n=$(printf '%s\n' "$out" | grep -c ' found: ')
[ "$n" = 1 ] || fail "wildcard: $n selectors reported found, expected 1 (case: $case)"

case="no selector"
run none.dk.test --dns "$DNS_SERVER"
has "  none of them has a key record"
has "  0 found, 0 revoked, $probed not found"

case="JSON"
out=$("$BIN" fetch wild.dk.test --find-selectors --json --dns "$DNS_SERVER" 2>&1)
printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)["find_selectors"]
assert d["wildcard"] is True, d
assert [s["selector"] for s in d["selectors"]] == ["google"], d["selectors"]
assert d["selectors"][0]["key_type"] == "ed25519", d
assert d["wildcard_echoes"] == d["probed"] - 1, d
' || fail "JSON shape (case: $case)"

case="DNS failure: SERVFAIL on every probe gives exit 4"
run servfail.broken --dns "$BROKEN_SERVER"
status 4
has "DNS error: SERVFAIL"
has "wildcard probe: DNS error"

[ "$fails" -eq 0 ] || { echo "dkim_selectors.sh: $fails failure(s)"; exit 1; }
echo "dkim_selectors.sh: all cases passed"
