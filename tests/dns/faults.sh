#!/bin/bash
# DNS faults against tests/dns/brokendns (a real server on 127.0.0.1 that
# misbehaves on purpose): every fault ends with a named status and words,
# a timeout not before timeout x tries, and nothing leaks (valgrind).  How
# fast each fault ends is measured by `make bench` (tests/dns/bench_faults.sh),
# never asserted here: the upper bounds below only catch a hang (10 x what
# an idle machine takes), so a busy machine still passes.
# Usage: faults.sh BUILD/authtxt   (the tools are in BUILD/tests)
set -u
. "$(dirname "$0")/lib.sh"

fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
# expect LINE-REGEX: the output ($out) has a line matching it
expect() {
    grep -Eq -- "$1" <<<"$out" || fail "no line matches /$1/ in:
$out"
}
ms_of() { sed -n "s/^$1 .* ms=\([0-9]*\)\$/\1/p" <<<"$out"; }

broken_start
S=$BROKEN_SERVER

# 1. Every fault at once through one resolver (timeout 400 ms x 2 tries).
out=$("$DNSQ" --dns "$S" --timeout 400 --tries 2 --brief TXT \
    servfail.broken refused.broken notimp.broken truncated.broken many.broken \
    huge.broken overflow.broken loop.broken garbage.broken wrongq.broken \
    timeout.broken nx.broken broken. edns.broken alwaystc.broken 2>&1) || fail "dnsq failed: $out"
echo "$out"
expect '^servfail\.broken TXT SERVFAIL count=0 .* error="server failure \(SERVFAIL\) from 127\.0\.0\.1:[0-9]+"'
expect '^refused\.broken TXT REFUSED count=0 .* error="query refused \(REFUSED\) by 127\.0\.0\.1:[0-9]+"'
expect '^notimp\.broken TXT ERROR .* error="127\.0\.0\.1:[0-9]+ answered rcode 4 \(NOTIMP\)"'
expect '^truncated\.broken TXT OK count=12 strings=12 bytes=1080 tcp fnv='
expect '^many\.broken TXT OK count=1 strings=1000 bytes=4000 tcp fnv='
expect '^huge\.broken TXT OK count=1 strings=236 bytes=60000 tcp fnv='
expect '^overflow\.broken TXT OK count=1 strings=4096 bytes=4096 tcp truncated fnv='
expect '^loop\.broken TXT ERROR .* error="CNAME loop: loop2\.broken points back to loop\.broken"'
expect '^garbage\.broken TXT ERROR .* error="malformed answer: [a-z ]+"'
# c-ares drops an answer to another question (anti-spoofing): no answer.
expect '^wrongq\.broken TXT TIMEOUT .* error="no answer from 127\.0\.0\.1:[0-9]+ after 2 tries of 400 ms"'
expect '^timeout\.broken TXT TIMEOUT .* error="no answer from 127\.0\.0\.1:[0-9]+ after 2 tries of 400 ms"'
expect '^nx\.broken TXT NXDOMAIN count=0 '
expect '^broken\. TXT NODATA count=0 '
# EDNS0 (issue 11): the 1,000-byte TXT comes over UDP because the query
# advertises 1232 bytes; the server refuses it over TCP, so a fallback
# would show as REFUSED.
expect '^edns\.broken TXT OK count=5 strings=5 bytes=1000 fnv='
# Truncated over TCP too: a DNS error, never the partial answer as data.
expect '^alwaystc\.broken TXT ERROR count=0 .*tcp .*error="answer truncated even over TCP from 127\.0\.0\.1:[0-9]+"'
expect '^# asked=15 answered=15 sent=15$'

# The 60 KB text is kept byte for byte, and the 1,000 strings in order.
read -r fnv_huge fnv_many < <(python3 -c '
def fnv(s):
    h = 2166136261
    for b in s.encode():
        h = ((h ^ b) * 16777619) & 0xffffffff
    return "%08x" % h
print(fnv("".join(chr(97 + i % 26) for i in range(60000))),
      fnv("".join("s%03d" % i for i in range(1000))))')
expect "^huge\.broken .* fnv=$fnv_huge "
expect "^many\.broken .* fnv=$fnv_many "

# A timeout cannot end before timeout x tries (800 ms): a lower bound that
# is a fact of the protocol.  The upper bounds only catch a hang.
t=$(ms_of 'timeout\.broken')
echo "timeout.broken, 2 tries of 400 ms: ${t} ms"
[ -n "$t" ] && [ "$t" -ge 790 ] && [ "$t" -le 8000 ] || fail "timeout took ${t} ms"
for n in servfail refused notimp truncated many huge overflow loop garbage nx edns alwaystc; do
    t=$(ms_of "$n\\.broken")
    [ -n "$t" ] && [ "$t" -le 3000 ] || fail "$n.broken: no time or hung (${t} ms)"
done

# One try: not before 300 ms.
out=$("$DNSQ" --dns "$S" --timeout 300 --tries 1 TXT timeout.broken 2>&1)
expect '^timeout\.broken TXT TIMEOUT .* error="no answer from 127\.0\.0\.1:[0-9]+ after 1 try of 300 ms"'
t=$(ms_of 'timeout\.broken')
echo "timeout.broken, 1 try of 300 ms: ${t} ms"
[ -n "$t" ] && [ "$t" -ge 290 ] && [ "$t" -le 6000 ] || fail "1 try took ${t} ms"

# More malformed answers, for each type asked.
out=$("$DNSQ" --dns "$S" --no-ms TXT badtxt.broken ptrloop.broken chain.broken 2>&1)
expect '^badtxt\.broken TXT ERROR .* error="malformed answer: a TXT string runs past its record"$'
expect '^ptrloop\.broken TXT ERROR .* error="malformed answer: a bad record name"$'
expect '^chain\.broken TXT ERROR .* error="CNAME chain longer than 16 steps"$'
out=$("$DNSQ" --dns "$S" --no-ms A bada.broken 2>&1; "$DNSQ" --dns "$S" --no-ms AAAA bada.broken 2>&1;
      "$DNSQ" --dns "$S" --no-ms MX bada.broken 2>&1)
expect '^bada\.broken A ERROR count=0 error="malformed answer: an A record is not 4 bytes"$'
expect '^bada\.broken AAAA ERROR count=0 error="malformed answer: an AAAA record is not 16 bytes"$'
expect '^bada\.broken MX ERROR count=0 error="malformed answer: a bad MX record"$'

# 2. Control characters from DNS never reach the terminal raw.
out=$("$DNSQ" --dns "$S" TXT control.broken 2>&1)
expect '^control\.broken TXT OK count=1 strings=1 bytes=25 text=\["v=spf1 \\x1b\[31mred\\x07 \\u\{202e\} -all"\]'
if printf '%s' "$out" | LC_ALL=C grep -q "$(printf '\033')"; then fail "raw ESC in output"; fi

# 3. No server on the port: said so at once.
port=$(dns_free_port)
out=$("$DNSQ" --dns "127.0.0.1:$port" --timeout 400 TXT x.test 2>&1)
expect "^x\.test TXT SERVFAIL .* error=\"no DNS server at 127\.0\.0\.1:$port \(connection refused\)\""
# Said at once means before the timeout: a refused connection is not
# waited out as a timeout (the status above says so); this only catches a hang.
t=$(ms_of 'x\.test')
[ -n "$t" ] && [ "$t" -le 4000 ] || fail "connection refused took ${t} ms"

# 4. Freed while queries are in flight: each gets "cancelled" once.
out=$("$DNSQ" --dns "$S" --cancel 100 --no-ms TXT timeout.broken servfail.broken 2>&1)
expect '^timeout\.broken TXT ERROR count=0 strings=0 bytes=0 error="cancelled"$'
expect '^servfail\.broken TXT SERVFAIL '
expect '^# asked=2 answered=2 sent=2$'

# 5. valgrind: the fault cases (and a cancel) leak nothing, touch nothing.
if [ "${DNS_VALGRIND:-1}" = 0 ]; then
    echo "valgrind: skipped (DNS_VALGRIND=0)"
elif command -v valgrind >/dev/null 2>&1; then
    # The runs go in parallel (each is slow under valgrind, none is busy).
    i=0 vpids=""
    for args in "--timeout 300 --tries 2 --brief TXT servfail.broken refused.broken notimp.broken
                 truncated.broken many.broken huge.broken overflow.broken loop.broken
                 garbage.broken wrongq.broken timeout.broken nx.broken control.broken
                 badtxt.broken ptrloop.broken chain.broken" \
                "--cancel 100 TXT timeout.broken many.broken" \
                "--wait --timeout 200 --tries 1 A timeout.broken loop.broken nx.broken bada.broken
                 ptrloop.broken chain.broken"; do
        i=$((i + 1))
        echo "$args" >"$DNS_SCRATCH/vg$i.args"
        # shellcheck disable=SC2086
        valgrind -q --error-exitcode=99 --leak-check=full \
            --errors-for-leak-kinds=definite,indirect,possible \
            "$DNSQ" --dns "$S" $args >"$DNS_SCRATCH/vg$i.out" 2>"$DNS_SCRATCH/vg$i.err" &
        vpids="$vpids $!"
    done
    i=0
    for p in $vpids; do
        i=$((i + 1))
        if ! wait "$p"; then
            fail "valgrind: dnsq $(cat "$DNS_SCRATCH/vg$i.args")"
            tail -n 30 "$DNS_SCRATCH/vg$i.err" >&2
        fi
    done
    echo "valgrind: $i runs checked"
else
    fail "valgrind is not installed (make deps)"
fi

[ "$fails" -eq 0 ] || { echo "faults.sh: $fails failure(s)" >&2; exit 1; }
echo "faults.sh: all passed"
