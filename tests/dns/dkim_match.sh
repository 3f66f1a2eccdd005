#!/bin/bash
# `authtxt dkim match` against a real DNS server on 127.0.0.1 serving
# tests/dns/zones/dkim.zone: match, another key, another type, revoked,
# broken, no record, two TXT records, a CNAME-delegated selector, a key made
# by `dkim keygen` and published, and exit 4 when DNS fails (brokendns).
# Usage: dkim_match.sh BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
keys=$(cd "$here/../data/dkimkeys" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/dkim.zone" || { echo "FAIL: cannot start the DNS server"; exit 1; }
broken_start

fails=0 out="" rc=0 case=""
match() { out=$("$BIN" dkim match --timeout 1000 "$@" 2>&1); rc=$?; }
fail() { echo "FAIL: $*"; echo "--- output:"; printf '%s\n' "$out" | head -30; fails=$((fails + 1)); }
has() { printf '%s\n' "$out" | grep -Fq -- "$1" || fail "expected '$1' (case: $case)"; }
status() { [ "$rc" = "$1" ] || fail "exit status $rc, expected $1 (case: $case)"; }

case="RSA key, PKCS#8, live record in two strings"
match --key "$keys/rsa2048.pkcs8.pem" --selector rsa m.dk.test --dns "$DNS_SERVER"
status 0
has "Record: rsa._domainkey.m.dk.test (DNS $DNS_SERVER)"
has "Result: match: the record publishes the public half of this 2048-bit RSA private key (PKCS#8)"

case="the same key as PKCS#1 and encrypted (pass file)"
match --key "$keys/rsa2048.pkcs1.pem" --selector rsa m.dk.test --dns "$DNS_SERVER"
status 0
match --key "$keys/rsa2048.enc.pem" --pass-file "$keys/pass.txt" --selector rsa m.dk.test \
    --dns "$DNS_SERVER"
status 0
has "(encrypted PKCS#8)"

case="another RSA key"
match --key "$keys/rsa2048.pkcs8.pem" --selector other m.dk.test --dns "$DNS_SERVER"
status 1
has "Result: different key: the record publishes another 2048-bit RSA key"

case="another type"
match --key "$keys/rsa2048.pkcs8.pem" --selector ed m.dk.test --dns "$DNS_SERVER"
status 1
has "different key type: the private key is 2048-bit RSA, the record publishes Ed25519"

case="Ed25519 match"
match --key "$keys/ed25519.pem" --selector ed m.dk.test --dns "$DNS_SERVER"
status 0
has "Ed25519 private key"

case="revoked"
match --key "$keys/ed25519.pem" --selector old m.dk.test --dns "$DNS_SERVER"
status 1
has "the record is revoked"

case="broken record"
match --key "$keys/rsa2048.pkcs8.pem" --selector bad m.dk.test --dns "$DNS_SERVER"
status 2
has "the record is broken"

case="no record"
match --key "$keys/rsa2048.pkcs8.pem" --selector nosuch m.dk.test --dns "$DNS_SERVER"
status 2
has "no key record: nosuch._domainkey.m.dk.test has no TXT record (NXDOMAIN)"

case="two TXT records: the key record is used"
match --key "$keys/ed25519.pem" --selector multi m.dk.test --dns "$DNS_SERVER"
status 0
has "(1 more TXT record there; this one was used)"

case="CNAME-delegated selector"
match --key "$keys/ed25519.pem" --selector alias m.dk.test --dns "$DNS_SERVER"
status 0
has "Result: match"

case="DNS failure: SERVFAIL and REFUSED give exit 4"
for fault in servfail refused; do
    match --key "$keys/ed25519.pem" --selector s1 "$fault.broken" --dns "$BROKEN_SERVER"
    status 4
    has "DNS failure"
done

case="DNS failure: nothing listening gives exit 4"
port=$(dns_free_port)
match --key "$keys/ed25519.pem" --selector s1 m.dk.test --dns "127.0.0.1:$port" --timeout 200
status 4

case="a bad key file is reported before any query (exit 3)"
match --key "$keys/notakey.txt" --selector rsa m.dk.test --dns "127.0.0.1:$port"
status 3
has "notakey.txt: no PEM private key"

case="keygen, publish the zone line, match it live"
work=$(mktemp -d "${TMPDIR:-/tmp}/authtxt-dkim.XXXXXX")
dns_cleanup_hook() { rm -rf "$work"; }
"$BIN" dkim keygen --domain gen.dk.test --selector k2026 --out "$work" >/dev/null ||
    fail "keygen failed"
"$BIN" dkim keygen --domain gen.dk.test --selector e2026 --type ed25519 --out "$work" \
    >/dev/null || fail "keygen ed25519 failed"
cp "$here/zones/dkim.zone" "$work/zone"
grep -hv '^;' "$work/k2026.zone" "$work/e2026.zone" >> "$work/zone"
dns_start "$work/zone" || fail "cannot start the second server"
match --key "$work/k2026.private" --selector k2026 gen.dk.test --dns "$DNS_SERVER"
status 0
match --key "$work/e2026.private" --selector e2026 gen.dk.test --dns "$DNS_SERVER"
status 0
match --key "$work/e2026.private" --selector k2026 gen.dk.test --dns "$DNS_SERVER"
status 1

[ "$fails" -eq 0 ] || { echo "dkim_match.sh: $fails failure(s)"; exit 1; }
echo "dkim_match.sh: all cases passed"
