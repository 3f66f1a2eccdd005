#!/bin/bash
# `authtxt dkim keygen`, `match --load/--record` and `rotate --out` on real
# files: the key file is 0600 and PKCS#8, the zone file passes
# `lint --zone` with no error or warning of the record's own, the pair
# matches, no file is ever overwritten, and every bad input (not a key, a
# public key, a 16 MB file, a directory without write permission, a bad
# selector) gives a message naming it, exit 3 and nothing written.
# Usage: dkim_keygen.sh BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
keys=$(cd "$here/../data/dkimkeys" && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/authtxt-keygen.XXXXXX") || exit 1
trap 'chmod -R u+w "$work" 2>/dev/null; rm -rf "$work"' EXIT INT TERM HUP
cd "$work" || exit 1

fails=0 out="" rc=0 case=""
run() { out=$("$BIN" "$@" 2>&1); rc=$?; }
fail() { echo "FAIL: $*"; echo "--- output:"; printf '%s\n' "$out" | head -20; fails=$((fails + 1)); }
has() { printf '%s\n' "$out" | grep -Fq -- "$1" || fail "expected '$1' (case: $case)"; }
hasnt() { ! printf '%s\n' "$out" | grep -Fq -- "$1" || fail "did not expect '$1' (case: $case)"; }
status() { [ "$rc" = "$1" ] || fail "exit status $rc, expected $1 (case: $case)"; }
empty_dir() { [ -z "$(ls -A "$1")" ] || fail "$1 is not empty: $(ls -A "$1") (case: $case)"; }
# lint --zone: no error or warning except the cross-record "no DMARC"
# and "no SPF" ones (the zone holds only the key record).
lint_clean() {
    local l
    l=$("$BIN" lint --zone "$1" 2>&1)
    if printf '%s\n' "$l" | grep -E ': (error|warning): ' | grep -vq '\[cross-'; then
        out=$l
        fail "lint --zone $1 has an error or warning of its own (case: $case)"
    fi
}

for type in rsa ed25519; do
    case="keygen $type"
    mkdir "$work/$type"
    run dkim keygen --domain example.com --selector s2026 --type "$type" --out "$work/$type"
    status 0
    has "Private key: $work/$type/s2026.private"
    has "Zone file:   $work/$type/s2026.zone"
    has "Record at:   s2026._domainkey.example.com"
    hasnt "PRIVATE KEY"
    [ "$(stat -c %a "$work/$type/s2026.private")" = 600 ] || fail "key file mode is not 600"
    head -1 "$work/$type/s2026.private" | grep -qx -- '-----BEGIN PRIVATE KEY-----' ||
        fail "key file is not PKCS#8 PEM"
    openssl pkey -in "$work/$type/s2026.private" -noout 2>/dev/null ||
        fail "openssl cannot read the key file"
    [ "$(ls -A "$work/$type" | wc -l)" = 2 ] || fail "temp files left: $(ls -A "$work/$type")"
    lint_clean "$work/$type/s2026.zone"
    run dkim match --key "$work/$type/s2026.private" --load "$work/$type/s2026.zone" \
        --selector s2026
    status 0
    has "Result: match"
done
has "Key:    $work/ed25519/s2026.private: Ed25519, PKCS#8"
case="RSA record lines split in 255-byte strings"
awk -F'"' '{for (i = 2; i <= NF; i += 2) if (length($i) > 255) exit 1}' "$work/rsa/s2026.zone" ||
    fail "a string longer than 255 bytes in the zone file"
grep -q '^s2026._domainkey.example.com. 3600 IN TXT ( "v=DKIM1; k=rsa; p=' "$work/rsa/s2026.zone" ||
    fail "zone line not as expected"

case="another key does not match the published one (zone)"
run dkim match --key "$work/ed25519/s2026.private" --load "$work/rsa/s2026.zone" --selector s2026
status 1
has "different key type"

case="never overwrites"
before=$(sha256sum "$work/rsa/s2026.private")
run dkim keygen --domain example.com --selector s2026 --out "$work/rsa"
status 3
has "$work/rsa/s2026.private: already exists: not overwritten"
[ "$before" = "$(sha256sum "$work/rsa/s2026.private")" ] || fail "the key file changed"
mkdir "$work/half" && echo keep > "$work/half/s1.zone"
run dkim keygen --domain example.com --selector s1 --out "$work/half"
status 3
has "s1.zone: already exists"
[ "$(ls -A "$work/half")" = s1.zone ] || fail "something was written beside s1.zone"

case="refusals"
mkdir "$work/empty"
run dkim keygen --domain example.com --selector s1 --bits 1024 --out "$work/empty"
status 3
has "RFC 8301"
for sel in 'a b' 'a/b' 'x..y' '-x' "$(printf 'a\033[31m')"; do
    run dkim keygen --domain example.com --selector "$sel" --out "$work/empty"
    status 3
    has "--selector '"
    hasnt "$(printf '\033')"
done
run dkim keygen --domain 'exa mple.com' --selector s1 --out "$work/empty"
status 3
has "domain 'exa mple.com'"
run dkim keygen --domain example.com --selector s1 --out "$work/nosuchdir"
status 3
has "--out $work/nosuchdir"
run dkim keygen --domain example.com --selector s1 --out "$work/rsa/s2026.zone"
status 3
has "is not a directory"
if [ "$(id -u)" != 0 ]; then
    mkdir "$work/ro" && chmod 555 "$work/ro"
    run dkim keygen --domain example.com --selector s1 --out "$work/ro"
    status 3
    has "--out $work/ro: cannot create files in it"
    empty_dir "$work/ro"
else
    # root may write anywhere a mode allows: take a directory the kernel
    # refuses files in.
    run dkim keygen --domain example.com --selector s1 --out /proc/1
    status 3
    has "/proc/1"
fi
empty_dir "$work/empty"

case="bad key files"
cp "$keys/notakey.txt" "$work/notakey.txt"
run dkim match --key "$work/notakey.txt" --record "v=DKIM1; p=abc"
status 3
has "$work/notakey.txt: no PEM private key"
run dkim match --key "$keys/rsa2048.pub.pem" --record "v=DKIM1; p=abc"
status 3
has "rsa2048.pub.pem: this is a PUBLIC KEY, not a private key"
printf 'v=DKIM1; k=rsa; p=%s\n' "$(cat "$keys/rsa2048.p")" > "$work/record.txt"
run dkim match --key "$work/record.txt" --record "v=DKIM1; p=abc"
status 3
has "a DKIM key record (public), not a private key"
head -c $((16 * 1024 * 1024 + 1)) /dev/zero > "$work/big.pem"
run dkim match --key "$work/big.pem" --record "v=DKIM1; p=abc"
status 3
has "big.pem: 16777217 bytes: larger than 16 MB, not a key file"
run dkim match --key "$work" --record "v=DKIM1; p=abc"
status 3
has "is a directory, not a key file"
run dkim match --key "$work/missing.pem" --record "v=DKIM1; p=abc"
status 3
has "missing.pem: cannot open"
run dkim match --key "$keys/rsa2048.enc.pem" --pass-file "$keys/badpass.txt" --record "v=DKIM1; p=abc"
status 3
has "the passphrase does not open the key"
run dkim match --key "$keys/ec.pem" --record "v=DKIM1; p=abc"
status 2
has "DKIM keys are RSA (RFC 8301) or Ed25519 (RFC 8463)"

case="permission warning, as opendkim-testkey"
cp "$work/ed25519/s2026.private" "$work/open.private" && chmod 644 "$work/open.private"
run dkim match --key "$work/open.private" --load "$work/ed25519/s2026.zone" --selector s2026
status 0
has "warning: $work/open.private can be read by group and others (mode 0644)"
run dkim match --key "$work/ed25519/s2026.private" --load "$work/ed25519/s2026.zone" --selector s2026
hasnt "warning"

case="encrypted key: no passphrase and no terminal"
out=$(setsid "$BIN" dkim match --key "$keys/rsa2048.enc.pem" --record "v=DKIM1; p=abc" \
    </dev/null 2>&1)
rc=$?
status 3
has "no terminal to ask for its passphrase: give --pass-file FILE"

case="rotate --out writes the new pair and puts its record in the plan"
mkdir "$work/rot"
run dkim rotate --domain example.com --from s2025 --to s2026 --out "$work/rot" --type ed25519
status 0
has "Key rotation for example.com: selector s2025 -> s2026"
rec=$(sed -n 's/^Record:      //p' <<<"$out")
[ -n "$rec" ] || fail "no record printed"
has "     s2026._domainkey.example.com. 3600 IN TXT \"$rec\""
has "     s2025._domainkey.example.com. 3600 IN TXT \"v=DKIM1; p=\""
[ -s "$work/rot/s2026.private" ] && [ -s "$work/rot/s2026.zone" ] || fail "rotate --out files"
run dkim rotate --domain example.com --from s2025 --to s2026 --out "$work/rot"
status 3
has "already exists"

[ "$fails" -eq 0 ] || { echo "dkim_keygen.sh: $fails failure(s)"; exit 1; }
echo "dkim_keygen.sh: all cases passed"
