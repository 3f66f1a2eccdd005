#!/bin/bash
# `authtxt check --spoof` against a real DNS server on 127.0.0.1 serving
# tests/dns/zones/check.zone: per domain, what a receiver does with forged
# mail From: the domain, a subdomain it finds and a non-existent name, why,
# and the smallest fix; plus the exit statuses.  Also one live check of a
# message (text and JSON agree) and --load over live DNS.
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/check.zone"
out=$DNS_SCRATCH/out
mkdir -p "$out"
n=0
run() { # NAME ARGS...: JSON in $out/NAME.json, status in NAME.rc
    local name=$1
    shift
    "$BIN" check "$@" --dns "$DNS_SERVER" --timeout 1000 --json >"$out/$name.json" 2>"$out/$name.err"
    echo $? >"$out/$name.rc"
    n=$((n + 1))
}
run strong --spoof strong.ck.test
run weak --spoof weak.ck.test
run testing --spoof testing.ck.test
run nodmarc --spoof nodmarc.ck.test
run open --spoof open.ck.test --subdomain www.open.ck.test
run forged --ip 198.51.100.9 --mail-from x@weak.ck.test --from boss@weak.ck.test
run good --ip 203.0.113.44 --mail-from x@weak.ck.test --from boss@weak.ck.test
printf '$ORIGIN test.\n_dmarc.weak.ck IN TXT "v=DMARC1; p=reject"\n' >"$DNS_SCRATCH/draft.zone"
run draft --spoof weak.ck.test --load "$DNS_SCRATCH/draft.zone"

python3 - "$out" <<'PY' || dns_fail "check --spoof gave a wrong answer"
import json, sys
out = sys.argv[1]
def load(name):
    rc = int(open(f"{out}/{name}.rc").read())
    try:
        return json.load(open(f"{out}/{name}.json")), rc
    except Exception as e:
        print(name, "no JSON:", e, open(f"{out}/{name}.err").read())
        raise
def scopes(name):
    d, rc = load(name)
    return {s["scope"]: s for s in d["spoof"]}, rc
fails = 0
def expect(cond, what):
    global fails
    if not cond:
        fails += 1
        print("FAIL:", what)

s, rc = scopes("strong")
expect(rc == 0, f"strong: exit {rc}")
expect(set(s) == {"domain", "subdomain", "nonexistent"}, f"strong scopes {list(s)}")
expect(s["subdomain"]["from"] == "mail.strong.ck.test", s["subdomain"]["from"])
for k, v in s.items():
    expect(v["disposition"] == "reject" and v["dmarc_result"] == "fail", f"strong {k}: {v}")
    expect(v["spf_result"] in ("fail", "none"), f"strong {k} spf {v['spf_result']}")
    expect(v["policy_domain"] == "strong.ck.test" and v["fix"] == "", f"strong {k}: {v}")

s, rc = scopes("weak")
expect(rc == 2, f"weak: exit {rc}")
expect(s["domain"]["disposition"] == "reject", s["domain"])
expect(s["subdomain"]["from"] == "www.weak.ck.test", s["subdomain"]["from"])
for k in ("subdomain", "nonexistent"):
    expect(s[k]["disposition"] == "none" and s[k]["dmarc_result"] == "fail", f"weak {k}: {s[k]}")
    expect("sp=reject" in s[k]["fix"] or "np=reject" in s[k]["fix"], f"weak {k} fix: {s[k]['fix']}")
expect("np=reject" in s["nonexistent"]["fix"], s["nonexistent"]["fix"])

s, rc = scopes("testing")
expect(rc == 1, f"testing: exit {rc}")
expect(s["domain"]["disposition"] == "quarantine", s["domain"])
expect("t=y" in s["domain"]["reason"] and "remove t=y" in s["domain"]["fix"], s["domain"])

s, rc = scopes("nodmarc")
expect(rc == 2, f"nodmarc: exit {rc}")
expect(s["domain"]["dmarc_result"] == "none" and s["domain"]["spf_result"] == "softfail", s["domain"])
expect("_dmarc." in s["domain"]["fix"] and "p=reject" in s["domain"]["fix"], s["domain"]["fix"])

s, rc = scopes("open")
expect(rc == 2, f"open: exit {rc}")
expect(s["domain"]["spf_result"] == "pass" and s["domain"]["dmarc_result"] == "pass", s["domain"])
expect("+all" in s["domain"]["fix"] or "-all" in s["domain"]["fix"], s["domain"]["fix"])

d, rc = load("forged")
expect(rc == 2, f"forged: exit {rc}")
expect(d["spf"]["result"] == "softfail" and d["dmarc"]["disposition"] == "reject", d["dmarc"])
expect(d["dmarc"]["spf_aligned"] is False and d["dmarc"]["policy_domain"] == "weak.ck.test", d["dmarc"])
for st in d["spf"]["steps"] + d["dmarc"]["steps"]:
    expect(st["text"] and st["rfc"].startswith("RFC ") and st["help"], st)
d, rc = load("good")
expect(rc == 0 and d["dmarc"]["result"] == "pass" and d["dmarc"]["spf_aligned"] is True, d["dmarc"])

s, rc = scopes("draft")
expect(all(v["disposition"] == "reject" for v in s.values()), f"draft overlay: {s}")
expect(rc == 0, f"draft: exit {rc}")
print(f"check_spoof: {fails} failures")
sys.exit(1 if fails else 0)
PY
# The text output says the same for people.
"$BIN" check --spoof weak.ck.test --dns "$DNS_SERVER" --timeout 1000 >"$out/weak.txt"
grep -q 'DELIVERED' "$out/weak.txt" || dns_fail "text output lacks DELIVERED: $(cat "$out/weak.txt")"
grep -q 'fix: in the record at _dmarc.weak.ck.test: set sp=reject' "$out/weak.txt" ||
    dns_fail "text output lacks the fix: $(cat "$out/weak.txt")"
echo "check_spoof: $n checks passed"
