#!/bin/bash
# The c-ares path of src/net/resolver against a real unbound on 127.0.0.1
# serving tests/dns/zones/resolver.zone: statuses, joined text with string
# boundaries kept, TCP fallback, A/AAAA/MX, name and --dns checks, more
# queries than NET_MAX_INFLIGHT, and the delaying relay.
# Usage: resolver.sh BUILD/authtxt   (the tools are in BUILD/tests)
set -u
. "$(dirname "$0")/lib.sh"

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
expect() {
    grep -Eq -- "$1" <<<"$out" || fail "no line matches /$1/ in:
$out"
}
# same EXPECTED: $out equals EXPECTED exactly (after sorting lines)
same() {
    local want got
    want=$(sort <<<"$1")
    got=$(sort <<<"$out")
    [ "$want" = "$got" ] || fail "output differs:
$(diff <(echo "$want") <(echo "$got"))"
}

dns_start "$(dirname "$0")/zones/resolver.zone"
D=$DNS_SERVER
R=resolver.test

lower=abcdefghijklmnopqrstuvwxyz upper=ABCDEFGHIJKLMNOPQRSTUVWXYZ
s255=$(for i in $(seq 0 254); do printf %s "${lower:i%26:1}"; done)
s149=$(for i in $(seq 0 148); do printf %s "${upper:i%26:1}"; done)

# 1. TXT: joined per RFC 7208 §3.3 with the boundaries kept, multiple RRs,
# an empty string, escapes, a CNAME, case, NXDOMAIN and NODATA.
out=$("$DNSQ" --dns "$D" --no-ms --sort TXT multi.$R two.$R long.$R empty.$R escaped.$R \
    alias.$R MiXeD.$R nope.$R nodata.$R $R. 2>&1) || fail "dnsq TXT failed"
same "multi.$R TXT OK count=1 strings=3 bytes=25 text=[\"v=spf1 \",\"ip4:192.0.2.1 \",\"-all\"]
two.$R TXT OK count=2 strings=3 bytes=25 text=[\"first record\"] [\"second\",\" record\"]
long.$R TXT OK count=1 strings=2 bytes=404 text=[\"$s255\",\"$s149\"]
empty.$R TXT OK count=1 strings=1 bytes=0 text=[\"\"]
escaped.$R TXT OK count=1 strings=1 bytes=13 text=[\"say \"hi\"; bye\"]
alias.$R TXT OK count=1 strings=3 bytes=25 text=[\"v=spf1 \",\"ip4:192.0.2.1 \",\"-all\"]
MiXeD.$R TXT OK count=1 strings=1 bytes=16 text=[\"case-insensitive\"]
nope.$R TXT NXDOMAIN count=0 strings=0 bytes=0
nodata.$R TXT NODATA count=0 strings=0 bytes=0
$R. TXT NODATA count=0 strings=0 bytes=0
# asked=10 answered=10 sent=10"

# 2. Twelve 90-byte TXT: over 512 bytes, so UDP is truncated and the
# answer comes over TCP, whole.
big=""
for i in $(seq 0 11); do
    c=$(printf "\\x$(printf %x $((97 + i)))")
    big="$big $(printf 'b%02d-%s' "$i" "$(printf "%86s" "" | tr ' ' "$c")")"
done
out=$("$DNSQ" --dns "$D" --no-ms --sort TXT big.$R 2>/dev/null)
want="big.$R TXT OK count=12 strings=12 bytes=1080 tcp text="
first=1
for s in $big; do
    [ $first = 1 ] && want="$want[\"$s\"]" || want="$want [\"$s\"]"
    first=0
done
same "$want"
# ...and the small answers did not use TCP.
out=$("$DNSQ" --dns "$D" --no-ms TXT multi.$R 2>/dev/null)
grep -q ' tcp' <<<"$out" && fail "multi.$R went over TCP: $out"

# 3. A, AAAA, MX: counts, NODATA, NXDOMAIN.
out=$("$DNSQ" --dns "$D" --no-ms A host.$R nodata.$R nope.$R 2>&1)
same "host.$R A OK count=2
nodata.$R A OK count=1
nope.$R A NXDOMAIN count=0
# asked=3 answered=3 sent=3"
out=$("$DNSQ" --dns "$D" --no-ms AAAA host.$R nodata.$R 2>&1)
same "host.$R AAAA OK count=1
nodata.$R AAAA NODATA count=0
# asked=2 answered=2 sent=2"
out=$("$DNSQ" --dns "$D" --no-ms MX mail.$R nodata.$R 2>&1)
same "mail.$R MX OK count=2
nodata.$R MX NODATA count=0
# asked=2 answered=2 sent=2"

# 4. net_resolver_wait gives the same as the poll loop.
a=$("$DNSQ" --dns "$D" --no-ms --sort TXT multi.$R two.$R nope.$R 2>&1 | sort)
b=$("$DNSQ" --dns "$D" --no-ms --sort --wait TXT multi.$R two.$R nope.$R 2>&1 | sort)
[ "$a" = "$b" ] || fail "--wait differs: $a // $b"

# 5. Names are checked before they are asked.
long_label=$(printf 'a%.0s' $(seq 64))
long_name=$(printf 'abcdefghi.%.0s' $(seq 26))  # 260 bytes
out=$("$DNSQ" --dns "$D" --no-ms TXT "a..b" "" "$long_label.x" "$long_name" . "bad name" multi.$R 2>&1)
rc=$?
[ $rc -eq 1 ] || fail "bad names: exit $rc, not 1"
for n in "a..b" "" "$long_label.x" "$long_name" . "bad name"; do
    grep -Fqx "dnsq: not a valid DNS name: '$n'" <<<"$out" || fail "name '$n' was not refused"
done
expect "^multi\.$R TXT OK "

# 6. --dns is checked and says what is wrong.
chk() {
    out=$("$DNSQ" --dns "$1" TXT x.test 2>&1)
    grep -Fq -- "$2" <<<"$out" || fail "--dns '$1': expected '$2', got: $out"
}
chk 127.0.0.1:x "--dns: bad port in '127.0.0.1:x' (1 to 65535)"
chk 127.0.0.1:0 "--dns: bad port in '127.0.0.1:0'"
chk 127.0.0.1:65536 "--dns: bad port in '127.0.0.1:65536'"
chk dns.example "--dns: 'dns.example' is not an IPv4 address (give the server's address, not its name)"
chk '[::1' "--dns: missing ']' in '[::1'"
chk '[::1]53' "--dns: expected ':PORT' after ']' in '[::1]53'"
chk '[1.2.3.4]:53' "--dns: '1.2.3.4' is not an IPv6 address"
chk '' "--dns: empty server address"
# IPv6 syntax is accepted ([::1]:PORT); the server itself is on IPv4 here.
out=$("$DNSQ" --dns "[::1]:${D##*:}" --timeout 300 --tries 1 --no-ms TXT multi.$R 2>&1)
expect "^multi\.$R TXT (OK|SERVFAIL|TIMEOUT) "

# 7. More queries than NET_MAX_INFLIGHT (256) at once: all answered, all
# sent, none lost.  (How long they take: tests/dns/bench_faults.sh.)
names=$(for i in $(seq 1 300); do printf 'n%d.%s ' "$i" "$R"; done)
# shellcheck disable=SC2086
out=$("$DNSQ" --dns "$D" --no-ms TXT $names multi.$R 2>&1)
n=$(grep -c " TXT NXDOMAIN count=0 " <<<"$out")
[ "$n" -eq 300 ] || fail "300 names: $n NXDOMAIN answers"
expect '^# asked=301 answered=301 sent=301$'

# 8. The delaying relay adds its delay once per query, UDP and TCP: an
# answer through it cannot come sooner (a lower bound is a fact of the
# relay, not a speed target; the upper bounds only catch a hang, 10 x what
# an idle machine takes).
relay_start 100
# First, on the fresh relay: 50 queries at once go out together, not each
# after the previous answer: the relay held more than one at a time (a
# resolver that waited for each answer would show 1).  Counted, not timed.
names=$(for i in $(seq 1 50); do printf 'r%d.%s ' "$i" "$R"; done)
# shellcheck disable=SC2086
out=$("$DNSQ" --dns "$RELAY_SERVER" --no-ms TXT $names 2>&1)
expect '^# asked=50 answered=50 sent=50$'
n=$(grep -c " TXT NXDOMAIN count=0 " <<<"$out")
[ "$n" -eq 50 ] || fail "50 names via the relay: $n NXDOMAIN answers"
held=$(sed -n 's/^udp_max=\([0-9]*\)$/\1/p' "$RELAY_STATS" 2>/dev/null)
echo "50 parallel queries via relay (100 ms): at most ${held:-?} held by the relay at once"
[ -n "$held" ] && [ "$held" -ge 2 ] || fail "the 50 queries went through the relay one at a time (${held:-no stats})"
out=$("$DNSQ" --dns "$RELAY_SERVER" TXT multi.$R 2>&1)
expect "^multi\.$R TXT OK count=1 strings=3 bytes=25 "
t=$(sed -n 's/^multi.* ms=\([0-9]*\)$/\1/p' <<<"$out")
echo "via relay (100 ms): UDP ${t} ms"
[ -n "$t" ] && [ "$t" -ge 100 ] && [ "$t" -le 4000 ] || fail "relay UDP: ${t} ms ($out)"
out=$("$DNSQ" --dns "$RELAY_SERVER" --no-ms --sort TXT big.$R 2>&1)
expect "^big\.$R TXT OK count=12 strings=12 bytes=1080 tcp "
out=$("$DNSQ" --dns "$RELAY_SERVER" TXT big.$R 2>&1)
t=$(sed -n 's/^big.* ms=\([0-9]*\)$/\1/p' <<<"$out")
echo "via relay (100 ms): UDP then TCP ${t} ms"
[ -n "$t" ] && [ "$t" -ge 200 ] && [ "$t" -le 6000 ] || fail "relay TCP: ${t} ms"

[ "$fails" -eq 0 ] || { echo "resolver.sh: $fails failure(s)" >&2; exit 1; }
echo "resolver.sh: all passed"
