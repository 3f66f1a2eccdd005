#!/bin/bash
# `authtxt fetch --domains FILE` against a real DNS server on 127.0.0.1
# (tests/dns/zones/fixture.zone): every JSON line equals the single-domain
# `fetch --json` of that domain (timings aside), the CSV columns say what
# the records say, bad lines and repeats are reported with their line
# number while the rest is still audited, answers are shared (fewer queries
# sent than the domains ask), the exit status is the worst (4 for a DNS
# failure), and the list may come on standard input.
# Usage: fetch_batch.sh BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/fixture.zone" || { echo "FAIL: cannot start the DNS server"; exit 1; }
broken_start
scratch=$DNS_SCRATCH # removed by lib.sh's trap, even on failure
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

cat > "$scratch/list.txt" <<'EOF'
# fleet audit test list
tree.fx.test
loop.fx.test   # trailing comment

TREE.FX.TEST
bad domain here
bücher.fx.test
-bad-.fx..test
badinc.fx.test
plain.fx.test
bench.fx.test
EOF
printf 'x%.0s' $(seq 1 1500) >> "$scratch/list.txt"
printf '\n' >> "$scratch/list.txt"

"$BIN" fetch --domains "$scratch/list.txt" --jsonl --dns "$DNS_SERVER" --timeout 1000 \
    > "$scratch/out.jsonl" 2> "$scratch/err.txt"
echo $? > "$scratch/jsonl.rc"
"$BIN" fetch --domains - --csv --concurrency 1 --dns "$DNS_SERVER" --timeout 1000 \
    < "$scratch/list.txt" > "$scratch/out.csv" 2> "$scratch/csv.err"
echo $? > "$scratch/csv.rc"
for d in tree.fx.test loop.fx.test xn--bcher-kva.fx.test badinc.fx.test plain.fx.test bench.fx.test; do
    "$BIN" fetch "$d" --json --dns "$DNS_SERVER" --timeout 1000 > "$scratch/one-$d.json" 2>/dev/null
done

# A DNS failure in the list: exit status 4, the others still reported.
printf 'tree.fx.test\nservfail.broken\n' > "$scratch/fail.txt"
"$BIN" fetch --domains "$scratch/fail.txt" --csv --dns "$BROKEN_SERVER" --timeout 300 \
    > "$scratch/fail.csv" 2>/dev/null
echo $? > "$scratch/fail.rc"
# Usage errors.
"$BIN" fetch --domains "$scratch/list.txt" tree.fx.test > /dev/null 2> "$scratch/u1.err"
echo $? > "$scratch/u1.rc"
"$BIN" fetch --domains "$scratch/list.txt" --concurrency 0 > /dev/null 2> "$scratch/u2.err"
echo $? > "$scratch/u2.rc"
"$BIN" fetch tree.fx.test --csv > /dev/null 2> "$scratch/u3.err"
echo $? > "$scratch/u3.rc"
"$BIN" fetch --domains "$scratch/nonexistent" --csv > /dev/null 2> "$scratch/u4.err"
echo $? > "$scratch/u4.rc"

python3 - "$scratch" <<'PY' || fails=$((fails + 1))
import csv, json, sys
s = sys.argv[1]
bad = 0
def check(cond, what):
    global bad
    if not cond:
        bad += 1
        print("FAIL:", what)
rd = lambda n: open(f"{s}/{n}", encoding="utf-8").read()
rc = lambda n: int(rd(n + ".rc"))

lines = rd("out.jsonl").splitlines()
docs = [json.loads(x) for x in lines]
names = sorted(d["domain"] for d in docs)
want = sorted(["tree.fx.test", "loop.fx.test", "xn--bcher-kva.fx.test", "badinc.fx.test",
               "plain.fx.test", "bench.fx.test"])
check(names == want, f"jsonl domains {names}")
def strip(d):
    d = dict(d)
    for k in ("elapsed_ms",):
        d.pop(k, None)
    return d
for d in docs:
    one = json.loads(rd(f"one-{d['domain']}.json"))
    check(strip(d) == strip(one), f"{d['domain']}: the JSON line differs from fetch --json")
# 2 repeats/garbage + 1 too long line + 1 bad name: 4 lines, numbers given
err = rd("err.txt")
for part in ("list.txt:5: 'TREE.FX.TEST': repeats line 2, skipped",
             "list.txt:6: 'bad domain here': not one domain name",
             "list.txt:8: '-bad-.fx..test'",
             "list.txt:12: 'xxxxxxxx",
             "4 lines of the domain list skipped"):
    check(part in err, f"stderr lacks {part!r}:\n{err}")
check(rc("jsonl") == 3, f"bad lines: exit status {rc('jsonl')}, expected 3")
# Shared answers: the domains asked more than was sent.
import re
m = re.search(r"(\d+) domains in [0-9.]+ s: (\d+) queries sent, (\d+) answers shared", err)
check(m is not None, f"no summary line in {err!r}")
if m:
    asked = sum(d["queries"] for d in docs)
    sent, shared = int(m.group(2)), int(m.group(3))
    check(int(m.group(1)) == 6 and shared > 0 and sent + shared == asked,
          f"sent {sent} + shared {shared} != asked {asked}")
    # tree and bench share no names, but every domain walks to _dmarc.fx.test
    # and _dmarc.test: asked once each.
    check(sent < asked, "nothing shared")

rows = list(csv.DictReader(open(f"{s}/out.csv", encoding="utf-8")))
by = {r["domain"]: r for r in rows}
check(sorted(by) == want, f"csv domains {sorted(by)}")
t = by.get("tree.fx.test", {})
check((t.get("spf_present"), t.get("spf_valid"), t.get("spf_lookups"), t.get("spf_void_lookups"))
      == ("yes", "yes", "10", "0"), f"tree row {t}")
check((t.get("dmarc_policy"), t.get("dmarc_sp"), t.get("dmarc_record_at"), t.get("dmarc_inherited"))
      == ("quarantine", "none", "_dmarc.fx.test", "yes"), f"tree dmarc {t}")
p = by.get("plain.fx.test", {})
check((p.get("spf_present"), p.get("spf_valid"), p.get("worst_severity")) == ("no", "no", "error"),
      f"plain row {p}")
b = by.get("badinc.fx.test", {})
check(b.get("spf_valid") == "no" and b.get("dns_errors") == "0", f"badinc row {b}")
check(rc("csv") == 3, f"csv from stdin: exit status {rc('csv')}")

f = list(csv.DictReader(open(f"{s}/fail.csv", encoding="utf-8")))
fb = {r["domain"]: r for r in f}
check(fb.get("servfail.broken", {}).get("dns_errors") == "1", f"servfail row {f}")
check(rc("fail") == 4, f"a DNS failure in the list: exit status {rc('fail')}, expected 4")

check(rc("u1") == 3 and "give no DOMAIN" in rd("u1.err"), rd("u1.err"))
check(rc("u2") == 3 and "--concurrency 0" in rd("u2.err"), rd("u2.err"))
check(rc("u3") == 3 and "go with --domains" in rd("u3.err"), rd("u3.err"))
check(rc("u4") == 3 and "nonexistent" in rd("u4.err"), rd("u4.err"))
sys.exit(1 if bad else 0)
PY
[ "$fails" -eq 0 ] || { echo "fetch_batch.sh: $fails failure(s)"; exit 1; }
echo "fetch_batch.sh: all passed"
