#!/bin/bash
# Fleet benchmark (issue 11): `authtxt fetch --domains` on N domains (2,000
# by default) through the delaying relay of tests/dns/lib.sh (MS ms added to
# every query), against the serial sum of fetching them one by one.  The
# zone is generated: every domain has its own SPF record including one of
# 20 shared provider records (each including a common base record), an MX
# host, and its own DMARC record, so the shared answer cache matters as in
# a real fleet.  The serial sum is measured on a sample of SAMPLE domains
# fetched one process each, scaled to N (fetching 2,000 domains serially at
# 50 ms a round trip takes minutes).  Target: the batch takes at most 2% of
# the serial sum.  Usage: bench_batch.sh BIN [N] [MS] [SAMPLE]
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
N=${2:-2000}
MS=${3:-50}
SAMPLE=${4:-20}
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"

zone=$DNS_SCRATCH/fleet.zone
list=$DNS_SCRATCH/domains.txt
python3 - "$N" "$zone" "$list" <<'PY'
import sys
n, zone, listf = int(sys.argv[1]), sys.argv[2], sys.argv[3]
with open(zone, "w") as z, open(listf, "w") as l:
    z.write("$ORIGIN fleet.\n$TTL 300\n")
    z.write("@ IN SOA ns.fleet. hostmaster.fleet. 1 3600 600 86400 300\n@ IN NS ns.fleet.\n")
    z.write("ns IN A 127.0.0.1\nmx IN A 192.0.2.25\n")
    z.write('_spf-base.prov IN TXT "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8::/48 -all"\n')
    for p in range(20):
        z.write(f'_spf.p{p}.prov IN TXT "v=spf1 ip4:203.0.113.{p}/32 include:_spf-base.prov.fleet ~all"\n')
    for i in range(n):
        d = f"d{i:05d}"
        z.write(f'{d} IN TXT "v=spf1 mx include:_spf.p{i % 20}.prov.fleet -all"\n')
        z.write(f"{d} IN MX 10 mx.fleet.\n")
        z.write(f'_dmarc.{d} IN TXT "v=DMARC1; p=reject; rua=mailto:dmarc@{d}.fleet"\n')
        l.write(f"{d}.fleet\n")
PY
dns_start "$zone"
relay_start "$MS"

python3 - "$BIN" "$RELAY_SERVER" "$list" "$N" "$MS" "$SAMPLE" <<'PY'
import json, statistics, subprocess, sys, time
binary, server, listf, n, ms, sample = sys.argv[1:7]
n, ms, sample = int(n), float(ms), int(sample)
domains = open(listf).read().split()
# Serial: one process per domain, as a script would loop today.
per = []
step = max(1, n // sample)
for d in domains[::step][:sample]:
    t0 = time.perf_counter()
    p = subprocess.run([binary, "fetch", d, "--dns", server, "--json"], capture_output=True, text=True)
    per.append((time.perf_counter() - t0) * 1000.0)
    doc = json.loads(p.stdout)
    if doc["dns_errors"] or doc["spf"]["lookups"] != 3:
        print(f"bench_batch: unexpected single fetch of {d}: {doc['dns_errors']} "
              f"lookups {doc['spf']['lookups']}")
        sys.exit(1)
serial = statistics.mean(per) * n
t0 = time.perf_counter()
p = subprocess.run([binary, "fetch", "--domains", listf, "--jsonl", "--dns", server],
                   capture_output=True, text=True)
batch = (time.perf_counter() - t0) * 1000.0
docs = [json.loads(x) for x in p.stdout.splitlines()]
errors = sum(1 for d in docs if d["dns_errors"])
if len(docs) != n or errors or p.returncode == 4:
    print(f"bench_batch: {len(docs)} of {n} domains reported, {errors} with DNS errors, "
          f"status {p.returncode}")
    print(p.stderr[-2000:])
    sys.exit(1)
summary = p.stderr.strip().splitlines()[-1] if p.stderr.strip() else ""
ratio = batch / serial
print(f"fleet benchmark: {n} domains (SPF with a shared include chain, MX, DMARC), "
      f"{ms:.0f} ms added per query")
print(f"  serial sum (one process a domain, mean of {len(per)} x {n}): {serial / 1000:8.1f} s "
      f"({statistics.mean(per):.0f} ms a domain)")
print(f"  fetch --domains --jsonl (default concurrency):            {batch / 1000:8.2f} s")
print(f"  {summary}")
ok = ratio <= 0.02
print(f"  batch / serial = {ratio * 100:.2f}%   target <= 2%: {'met' if ok else 'MISSED'}")
sys.exit(0 if ok else 1)
PY
