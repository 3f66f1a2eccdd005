#!/bin/bash
# Check benchmark: `authtxt check` (SPF check_host) on bench.ck.test, an
# include tree of depth 3 with 10 DNS lookups (tests/dns/zones/check.zone),
# through the delaying relay of tests/dns/lib.sh, so every query costs a
# fixed round trip.  check_host evaluates in order, but the evaluator asks
# for every name the records it has read will need (a whole level in
# flight at once).  Prints the wall time against the critical path (4
# round trips: the root record, then each level) and the serial sum (one
# round trip per query, what an evaluator that asks as it goes takes).
# Target: within 1.2 x the critical path.  Usage: bench_check.sh BIN [MS] [RUNS]
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
MS=${2:-25}
RUNS=${3:-7}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/check.zone"
relay_start "$MS"

python3 - "$BIN" "$RELAY_SERVER" "$RUNS" "$MS" <<'PY'
import json, statistics, subprocess, sys, time
binary, server, runs, ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
wall, elapsed = [], []
for i in range(runs):
    t0 = time.perf_counter()
    p = subprocess.run([binary, "check", "--ip", "203.0.113.99", "--mail-from", "x@bench.ck.test",
                        "--helo", "mta.example", "--dns", server, "--json"],
                       capture_output=True, text=True)
    t1 = time.perf_counter()
    d = json.loads(p.stdout)
    sp = d["spf"]
    if (sp["result"], sp["lookups"], sp["void_lookups"]) != ("fail", 10, 2):
        print(f"bench_check: unexpected result {sp['result']} lookups {sp['lookups']} "
              f"void {sp['void_lookups']}")
        sys.exit(1)
    queries = d["dns_queries"]
    wall.append((t1 - t0) * 1000.0)
    elapsed.append(d["elapsed_ms"])
critical, serial = 4 * ms, queries * ms
med, wmed = statistics.median(elapsed), statistics.median(wall)
print(f"check benchmark: SPF check_host, include tree depth 3, 10 lookups, {queries} queries, "
      f"{ms:.0f} ms added per query, {runs} runs")
print(f"  critical path (4 round trips):  {critical:7.1f} ms")
print(f"  serial sum ({queries} round trips):   {serial:7.1f} ms")
print(f"  check time (median, min, max):   {med:7.1f} ms  {min(elapsed):.1f}  {max(elapsed):.1f}"
      f"   = {med / critical:.2f} x critical path, {med / serial:.2f} x serial")
print(f"  process wall time (median):     {wmed:7.1f} ms   (program start-up included)")
ok = med <= 1.2 * critical
print(f"  target <= 1.2 x critical path ({1.2 * critical:.0f} ms): {'met' if ok else 'MISSED'}")
sys.exit(0 if ok else 1)
PY
