#!/bin/bash
# `authtxt diff DOMAIN` against live records served by a real DNS server on
# 127.0.0.1 (tests/data/diff/dns.zone): both SPF include trees expanded
# through DNS (address sets, lookups, void lookups), the DMARC policy per
# scope, the DKIM key, exit statuses, and the JSON shape.  Usage: diff.sh BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
data=$(cd "$here/../data/diff" && pwd)
. "$here/lib.sh"
dns_start "$data/dns.zone" || { echo "FAIL: cannot start the DNS server"; exit 1; }

fails=0
out=""
rc=0
run() { out=$("$BIN" diff "$@" --dns "$DNS_SERVER" --timeout 1000 2>&1); rc=$?; }
fail() { echo "FAIL: $*"; echo "--- output:"; printf '%s\n' "$out" | head -80; fails=$((fails + 1)); }
has() { printf '%s\n' "$out" | grep -Fq -- "$1" || fail "expected '$1' (case: $case)"; }
hasnt() { ! printf '%s\n' "$out" | grep -Fq -- "$1" || fail "did not expect '$1' (case: $case)"; }
status() { [ "$rc" = "$1" ] || fail "exit status $rc, expected $1 (case: $case)"; }

case="drafts that change the effect"
run dt.test --load "$data/dns-changed.zone"
status 1
has "authtxt diff dt.test: live DNS -> "
has "  - v=spf1 ip4:192.0.2.0/25 include:_spf.dt.test ~all"
has "added        include:_spf2.dt.test"
has "requalified  ~all -> -all"
# Through the trees: only the upper half of the /24 and _spf2's blocks are new.
has "+ 192.0.2.128/25 (128 addresses)"
has "+ 203.0.113.0/24 (256 addresses)"
has "+ 2001:db8::/48"
hasnt "+ 198.51.100.0/24"
has "+ a:nxhost.dt.test"
has "DNS lookups: 1 -> 3 (limit 10); void lookups: 0 -> 1 (limit 2)"
has "all: softfail (~all) -> fail (-all)"
has "failing mail from the domain: none -> quarantine"
has "failing mail from a non-existent subdomain: none -> quarantine"
has "key: 1024-bit RSA -> 2048-bit RSA"
has "effect changed in 3 of 3 records"
hasnt "could not be read"

case="drafts written differently, same effect"
run dt.test --load "$data/dns-same.zone"
status 0
has "same-effect  include:_spf.dt.test -> INCLUDE:_SPF.dt.test."
has "(same addresses)"
has "same-effect  pct=100"
has "same-effect  k=rsa"
has "effect changed in 0 of 3 records"

case="record given on the command line, identical"
run dt.test --spf "v=spf1 ip4:192.0.2.0/25 include:_spf.dt.test ~all"
status 0
has "(no term changed)"
has "=> no change"

case="a DKIM draft needs a selector to fetch the live key"
run dt.test --dkim "v=DKIM1; p="
status 3

case="no live record: everything is added"
run nothing.dt.test --spf "v=spf1 ip4:192.0.2.1 -all"
status 1
has "  - (no record)"
has "+ 192.0.2.1/32 (1 address)"

case="DMARC record in force inherited from the organizational domain"
run sub.dt.test --dmarc "v=DMARC1; p=none; rua=mailto:d@dt.test"
status 0
has "DMARC  _dmarc.sub.dt.test  (live: _dmarc.dt.test (in force for sub.dt.test))"
has "(no term changed)"

# DNS failures (issue 11): exit status 4, and never "changes the effect"
# against a live side that could not be fetched; a slot whose queries
# worked is still compared.
broken_start
rund() { out=$("$BIN" diff "$@" --dns "$BROKEN_SERVER" --timeout 300 2>&1); rc=$?; }
case="live SPF lookup fails (SERVFAIL)"
rund servfail.broken --spf "v=spf1 -all" --dmarc "v=DMARC1; p=reject"
status 4
has "  - (not known: the DNS query failed)"
has "=> unknown: a live DNS answer could not be had"
has "DNS error: servfail.broken TXT: server failure (SERVFAIL)"
has "DNS failed, so some effects are unknown"
# the DMARC slot's queries were answered (NXDOMAIN): compared as usual
has "failing mail from the domain: no DMARC -> reject"
[ "$(printf '%s\n' "$out" | grep -c "=> changes the effect")" = 1 ] || fail "only DMARC changes (case: $case)"

case="live lookup times out, JSON"
rund timeout.broken --json --spf "v=spf1 -all"
status 4
if ! printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["dns_failed"] is True and d["effect_changed"] is False, d
r = d["records"][0]
assert r["effect_unknown"] is True and r["effect_changed"] is False, r
assert [e["status"] for e in d["dns_errors"]] == ["timeout"], d["dns_errors"]
'; then
    fail "JSON on DNS failure (case: $case)"
fi

case="the draft's include tree cannot be expanded (the server fails for broken.)"
run dt.test --spf "v=spf1 include:refused.broken -all"
status 4
has "DNS error: refused.broken TXT"
hasnt "=> changes the effect"

case="JSON"
run dt.test --json --load "$data/dns-changed.zone"
status 1
if ! printf '%s' "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
spf = [r for r in d["records"] if r["type"] == "spf"][0]
e = spf["spf_effect"]
assert e["added"] == ["192.0.2.128/25", "203.0.113.0/24", "2001:db8::/48"], e["added"]
assert e["removed"] == [], e["removed"]
assert (e["before"]["lookups"], e["after"]["lookups"]) == (1, 3)
assert (e["before"]["void_lookups"], e["after"]["void_lookups"]) == (0, 1)
assert e["after"]["complete"] is True
kinds = sorted(c["kind"] for c in spf["changes"])
assert kinds == ["added", "added", "added", "removed", "requalified"], kinds
dm = [r for r in d["records"] if r["type"] == "dmarc"][0]
assert [s["after"] for s in dm["dmarc_effect"]["scopes"]] == ["quarantine"] * 3
dk = [r for r in d["records"] if r["type"] == "dkim"][0]
assert dk["dkim_effect"]["after"] == "2048-bit RSA"
assert d["effect_changed"] is True and d["dns_errors"] == []
'; then
    fail "JSON shape (case: $case)"
fi

[ "$fails" -eq 0 ] || { echo "diff.sh: $fails failure(s)"; exit 1; }
echo "diff.sh: all cases passed"
