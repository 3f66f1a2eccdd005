#!/bin/bash
# Fetch benchmark: `authtxt fetch bench.fx.test` (an SPF tree of depth 3
# with 10 lookups: 12 dependent-or-not queries, 4 levels) through the
# delaying relay of tests/dns/lib.sh, so every query costs a fixed round
# trip.  Prints the wall time against the critical path (4 round trips:
# the root, then each level) and the serial sum (12 round trips).  Target:
# within 1.2 x the critical path.  Usage: bench_fetch.sh BIN [MS] [RUNS]
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
MS=${2:-50}
RUNS=${3:-7}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/fixture.zone"
relay_start "$MS"

python3 - "$BIN" "$RELAY_SERVER" "$RUNS" "$MS" <<'PY'
import json, statistics, subprocess, sys, time
binary, server, runs, ms = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
fetch, wall = [], []
for i in range(runs):
    t0 = time.perf_counter()
    p = subprocess.run([binary, "fetch", "bench.fx.test", "--dns", server, "--json"],
                       capture_output=True, text=True)
    t1 = time.perf_counter()
    d = json.loads(p.stdout)
    sp = d["spf"]
    if (sp["lookups"], sp["nodes"], d["dns_errors"]) != (10, 6, []):
        print(f"bench_fetch: unexpected result: lookups {sp['lookups']} nodes {sp['nodes']} "
              f"errors {d['dns_errors']}")
        sys.exit(1)
    tree_queries = d["queries"] - len(d["dmarc"]["steps"])
    fetch.append(d["elapsed_ms"])
    wall.append((t1 - t0) * 1000.0)
critical, serial = 4 * ms, 12 * ms
med, wmed = statistics.median(fetch), statistics.median(wall)
print(f"fetch benchmark: SPF tree depth 3, 10 lookups, {tree_queries} tree queries "
      f"(+{d['queries'] - tree_queries} DMARC walk), {ms:.0f} ms added per query, {runs} runs")
print(f"  critical path (4 round trips):  {critical:7.1f} ms")
print(f"  serial sum (12 round trips):    {serial:7.1f} ms")
print(f"  fetch time (median, min, max):  {med:7.1f} ms  {min(fetch):.1f}  {max(fetch):.1f}"
      f"   = {med / critical:.2f} x critical path, {med / serial:.2f} x serial")
print(f"  process wall time (median):     {wmed:7.1f} ms   = {wmed / critical:.2f} x critical path")
ok = med <= 1.2 * critical
print(f"  target <= 1.2 x critical path ({1.2 * critical:.0f} ms): {'met' if ok else 'MISSED'}")
sys.exit(0 if ok else 1)
PY
