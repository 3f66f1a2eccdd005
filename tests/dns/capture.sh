#!/bin/bash
# DNS captures (issue 11): `--save-dns FILE` writes every answer a run used
# and `--dns-file FILE` answers from it with no network, for fetch (one
# domain and --domains) and diff.  Replayed results equal live
# ones (JSON compared whole, timings aside), DNS failures included; a
# question the file lacks is a DNS error saying so (status 4, not
# NXDOMAIN); a truncated, edited or other-version file is refused with the
# file and what is wrong.  Usage: capture.sh BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/fixture.zone" || { echo "FAIL: cannot start the DNS server"; exit 1; }
broken_start
s=$DNS_SCRATCH # removed by lib.sh's trap, even on failure
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
live() { "$BIN" "$@" --dns "$DNS_SERVER" --timeout 1000; }

# 1. One domain, live then replayed (no --dns: the replay asks nobody).
for d in tree.fx.test badinc.fx.test binary.fx.test void.fx.test; do
    live fetch "$d" --json --selector s1 --save-dns "$s/$d.cap" > "$s/$d.live" 2>/dev/null
    echo $? > "$s/$d.live.rc"
    "$BIN" fetch "$d" --json --selector s1 --dns-file "$s/$d.cap" > "$s/$d.replay" 2> "$s/$d.replay.err"
    echo $? > "$s/$d.replay.rc"
done
# 2. A DNS failure is recorded and replayed as such.
"$BIN" fetch servfail.broken --json --dns "$BROKEN_SERVER" --timeout 300 --save-dns "$s/sf.cap" > "$s/sf.live" 2>/dev/null
echo $? > "$s/sf.live.rc"
"$BIN" fetch servfail.broken --json --dns-file "$s/sf.cap" > "$s/sf.replay" 2>/dev/null
echo $? > "$s/sf.replay.rc"
# 3. Many domains.
printf 'tree.fx.test\nloop.fx.test\nbench.fx.test\nplain.fx.test\n' > "$s/list"
live fetch --domains "$s/list" --jsonl --save-dns "$s/batch.cap" > "$s/batch.live" 2>/dev/null
"$BIN" fetch --domains "$s/list" --jsonl --dns-file "$s/batch.cap" > "$s/batch.replay" 2>/dev/null
# 4. diff: text output byte for byte.
drafts=(--spf "v=spf1 include:b1.tree.fx.test ip4:192.0.2.0/24 -all" --dmarc "v=DMARC1; p=reject")
live diff tree.fx.test "${drafts[@]}" --save-dns "$s/diff.cap" > "$s/diff.live" 2>&1
echo $? > "$s/diff.live.rc"
"$BIN" diff tree.fx.test "${drafts[@]}" --dns-file "$s/diff.cap" > "$s/diff.replay" 2>&1
echo $? > "$s/diff.replay.rc"
# 5. A name the capture does not hold.
"$BIN" fetch loop.fx.test --json --dns-file "$s/tree.fx.test.cap" > "$s/missing.json" 2>/dev/null
echo $? > "$s/missing.rc"
# 6. Bad capture files.
head -c 200 "$s/tree.fx.test.cap" > "$s/cut.cap"
sed 's/"version": 2/"version": 3/' "$s/tree.fx.test.cap" > "$s/v3.cap"
python3 - "$s/tree.fx.test.cap" "$s/edited.cap" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["answers"][1]["type"] = "SPF"
json.dump(d, open(sys.argv[2], "w"))
PY
echo '{"answers": []}' > "$s/noformat.cap"
for f in cut v3 edited noformat nonexistent; do
    "$BIN" fetch tree.fx.test --dns-file "$s/$f.cap" > /dev/null 2> "$s/$f.err"
    echo $? > "$s/$f.rc"
done
live fetch tree.fx.test --dns-file "$s/tree.fx.test.cap" > /dev/null 2> "$s/both.err"
echo $? > "$s/both.rc"

python3 - "$s" <<'PY' || fails=$((fails + 1))
import json, sys
s = sys.argv[1]
bad = 0
def check(cond, what):
    global bad
    if not cond:
        bad += 1
        print("FAIL:", what)
rd = lambda n: open(f"{s}/{n}", encoding="utf-8", errors="surrogateescape").read()
rc = lambda n: int(rd(n + ".rc"))
def strip(d):
    d = dict(d)
    d.pop("elapsed_ms", None)
    return d
for d in ("tree.fx.test", "badinc.fx.test", "binary.fx.test", "void.fx.test"):
    live, rep = json.loads(rd(f"{d}.live")), json.loads(rd(f"{d}.replay"))
    check(strip(live) == strip(rep), f"{d}: the replay differs from the live fetch")
    check(rc(f"{d}.live") == rc(f"{d}.replay"), f"{d}: exit status {rc(d + '.live')} vs {rc(d + '.replay')}")
    cap = json.loads(rd(f"{d}.cap"))
    check(cap["format"] == "authtxt-dns-capture" and cap["version"] == 2, f"{d}: header {list(cap)}")
    check(len(cap["answers"]) == live["queries"], f"{d}: {len(cap['answers'])} answers for {live['queries']} queries")
    for a in cap["answers"]:
        for k in ("name", "type", "status", "ttl", "records"):
            check(k in a, f"{d}: answer without {k}: {a}")
cap = json.loads(rd("tree.fx.test.cap"))
root = [a for a in cap["answers"] if a["name"] == "tree.fx.test" and a["type"] == "TXT"][0]
check(root["status"] == "NOERROR" and root["ttl"] == 300, f"root answer {root}")
bcap = json.loads(rd("binary.fx.test.cap"))
b = [a for a in bcap["answers"] if a["name"] == "binary.fx.test" and a["type"] == "TXT"][0]
check(b["records"][0][0] == {"hex": "763d73706631206970343a3139322e302e322e3920fffe202d616c6c"}
      and b["records"][0][1] == "second\u0000string", f"binary record {b['records']}")
live, rep = json.loads(rd("sf.live")), json.loads(rd("sf.replay"))
check(strip(live) == strip(rep) and rc("sf.replay") == 4 == rc("sf.live"), "SERVFAIL not replayed as such")
lv = sorted(strip(json.loads(x)) for x in rd("batch.live").splitlines()) if False else None
L = {json.loads(x)["domain"]: strip(json.loads(x)) for x in rd("batch.live").splitlines()}
R = {json.loads(x)["domain"]: strip(json.loads(x)) for x in rd("batch.replay").splitlines()}
check(len(L) == 4 and L == R, "batch replay differs")
check(rd("diff.live") == rd("diff.replay") and rc("diff.live") == rc("diff.replay") == 1,
      "diff replay differs")
m = json.loads(rd("missing.json"))
errs = m["dns_errors"]
check(rc("missing") == 4 and errs and errs[0]["name"] == "loop.fx.test" and errs[0]["status"] == "error"
      and "not in the capture file" in errs[0]["message"], f"missing name: {rc('missing')} {errs}")
check(m["spf"]["tree"]["result"] == "dns-error", "missing name taken for no record")
for f, want in (("cut", "cut.cap: not a DNS capture: line"), ("v3", "capture version 3 is not supported"),
                ("edited", "edited.cap: answers[1]: \"type\""), ("noformat", "noformat.cap: not a DNS capture"),
                ("nonexistent", "nonexistent.cap")):
    check(rc(f) == 3 and want in rd(f + ".err"), f"{f}: status {rc(f)}, stderr {rd(f + '.err')!r}")
check(rc("both") == 3 and "no --dns or --doh" in rd("both.err"), rd("both.err"))
sys.exit(1 if bad else 0)
PY
[ "$fails" -eq 0 ] || { echo "capture.sh: $fails failure(s)"; exit 1; }
echo "capture.sh: all passed"
