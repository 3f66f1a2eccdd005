#!/bin/bash
# Fault and resolver timing benchmark: how fast DNS faults end and how long
# batches of queries take, against the real servers of tests/dns/lib.sh
# (brokendns, unbound, unbound DoH, the delaying relay).  The tests
# (faults.sh, resolver.sh, doh.sh, fetch_faults.sh) check what each fault
# says and only the lower bounds the protocol sets; the speed targets are
# here, where a busy machine shows as a MISSED figure, not a failed test.
# Each figure is the median of RUNS runs (default 3).
# Usage: bench_faults.sh BIN [RUNS]   (the tools are in BIN's dir/tests)
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
RUNS=${2:-3}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
broken_start
dns_start "$here/zones/resolver.zone"
S=$BROKEN_SERVER
R=resolver.test

missed=0
now_ms() { echo $(($(date +%s%N) / 1000000)); }
# median N...: the middle value (the lower of the two middle ones).
median() { printf '%s\n' "$@" | sort -n | sed -n "$((($# + 1) / 2))p"; }
ms_of() { sed -n "s/^$1 .* ms=\([0-9]*\)\$/\1/p" <<<"$2"; }
# report LABEL VALUE LOW HIGH: one line, the target, met or MISSED.
report() {
    local label=$1 v=$2 lo=$3 hi=$4 verdict=met
    if [ -z "$v" ] || [ "$v" -lt "$lo" ] || [ "$v" -gt "$hi" ]; then
        verdict=MISSED
        missed=$((missed + 1))
    fi
    printf '  %-44s %6s ms   target %s..%s ms: %s\n' "$label" "${v:-?}" "$lo" "$hi" "$verdict"
}
# info LABEL VALUE: a figure without a target.
info() { printf '  %-44s %6s ms\n' "$1" "${2:-?}"; }

echo "fault benchmark: brokendns, unbound, relay and DoH on 127.0.0.1, median of $RUNS runs"

# 1. Every fault at once through one resolver (timeout 400 ms x 2 tries).
faults="servfail refused notimp truncated many huge overflow loop garbage nx edns alwaystc"
declare -A fault_ms
walls=() touts=()
for ((i = 0; i < RUNS; i++)); do
    start=$(now_ms)
    out=$("$DNSQ" --dns "$S" --timeout 400 --tries 2 --brief TXT \
        servfail.broken refused.broken notimp.broken truncated.broken many.broken \
        huge.broken overflow.broken loop.broken garbage.broken wrongq.broken \
        timeout.broken nx.broken broken. edns.broken alwaystc.broken 2>&1)
    walls+=($(($(now_ms) - start)))
    touts+=("$(ms_of 'timeout\.broken' "$out")")
    for n in $faults; do
        fault_ms[$n]="${fault_ms[$n]:-} $(ms_of "$n\\.broken" "$out")"
    done
done
# shellcheck disable=SC2086
for n in $faults; do report "$n.broken (answers at once)" "$(median ${fault_ms[$n]})" 0 300; done
report "timeout.broken, 2 tries of 400 ms" "$(median "${touts[@]}")" 790 1000
report "all 15 questions, wall (dnsq process)" "$(median "${walls[@]}")" 0 1500

# 2. One try of 300 ms; no server on the port.
t1=() refused=()
for ((i = 0; i < RUNS; i++)); do
    out=$("$DNSQ" --dns "$S" --timeout 300 --tries 1 TXT timeout.broken 2>&1)
    t1+=("$(ms_of 'timeout\.broken' "$out")")
    port=$(dns_free_port)
    out=$("$DNSQ" --dns "127.0.0.1:$port" --timeout 400 TXT x.test 2>&1)
    refused+=("$(ms_of 'x\.test' "$out")")
done
report "timeout.broken, 1 try of 300 ms" "$(median "${t1[@]}")" 290 600
report "no server (connection refused)" "$(median "${refused[@]}")" 0 300

# 3. 301 queries through one resolver (more than NET_MAX_INFLIGHT).
names=$(for i in $(seq 1 300); do printf 'n%d.%s ' "$i" "$R"; done)
walls=()
for ((i = 0; i < RUNS; i++)); do
    start=$(now_ms)
    # shellcheck disable=SC2086
    "$DNSQ" --dns "$DNS_SERVER" --no-ms TXT $names multi.$R >/dev/null 2>&1
    walls+=($(($(now_ms) - start)))
done
info "301 queries through one resolver, wall" "$(median "${walls[@]}")"

# 4. The relay adds 100 ms a query: UDP, UDP then TCP, 50 at once.
relay_start 100
udp=() tcp=() walls=()
names=$(for i in $(seq 1 50); do printf 'r%d.%s ' "$i" "$R"; done)
for ((i = 0; i < RUNS; i++)); do
    out=$("$DNSQ" --dns "$RELAY_SERVER" TXT multi.$R 2>&1)
    udp+=("$(ms_of "multi\\.$R" "$out")")
    out=$("$DNSQ" --dns "$RELAY_SERVER" TXT big.$R 2>&1)
    tcp+=("$(ms_of "big\\.$R" "$out")")
    start=$(now_ms)
    # shellcheck disable=SC2086
    "$DNSQ" --dns "$RELAY_SERVER" --no-ms TXT $names >/dev/null 2>&1
    walls+=($(($(now_ms) - start)))
done
report "via relay (100 ms): UDP" "$(median "${udp[@]}")" 100 400
report "via relay (100 ms): UDP then TCP" "$(median "${tcp[@]}")" 200 600
report "via relay (100 ms): 50 at once, wall" "$(median "${walls[@]}")" 100 1000

# 5. DoH: 101 queries over one HTTP/2 connection; a server that never
# answers (brokendns's TCP port), 2 tries of 300 ms.
doh_start
names=$(for i in $(seq 1 100); do printf 'd%d.%s ' "$i" "$R"; done)
walls=() hole=()
for ((i = 0; i < RUNS; i++)); do
    start=$(now_ms)
    # shellcheck disable=SC2086
    "$DNSQ" --doh "$DOH_URL" --doh-cafile "$DOH_CA" --no-ms TXT $names multi.$R >/dev/null 2>&1
    walls+=($(($(now_ms) - start)))
    out=$("$DNSQ" --doh "https://127.0.0.1:${S##*:}/dns-query" --timeout 300 --tries 2 \
        TXT multi.$R 2>&1)
    hole+=("$(ms_of "multi\\.$R" "$out")")
done
info "101 DoH queries at once, wall" "$(median "${walls[@]}")"
report "DoH black hole, 2 tries of 300 ms" "$(median "${hole[@]}")" 590 1000

# 6. authtxt fetch: a timeout (2 tries of 200 ms) and the tree caps.
dns_start "$here/zones/fixture.zone"
fetch_ms() { "$BIN" fetch "$1" --dns "$2" --timeout 200 --json 2>/dev/null |
    sed -n 's/.*"elapsed_ms": *\([0-9]*\).*/\1/p' | head -n 1; }
tf=() deep=() wc=()
for ((i = 0; i < RUNS; i++)); do
    tf+=("$(fetch_ms timeout.broken "$S")")
    deep+=("$(fetch_ms deep0.fx.test "$DNS_SERVER")")
    wc+=("$(fetch_ms wc.fx.test "$DNS_SERVER")")
done
report "fetch timeout.broken (2 x 200 ms)" "$(median "${tf[@]}")" 390 2000
report "fetch deep0.fx.test (depth cap)" "$(median "${deep[@]}")" 0 2000
report "fetch wc.fx.test (node cap)" "$(median "${wc[@]}")" 0 3000

if [ "$missed" -ne 0 ]; then
    echo "bench_faults: $missed target(s) missed"
    exit 1
fi
echo "bench_faults: all targets met"
