#!/bin/bash
# `authtxt fetch --json` against a real DNS server on 127.0.0.1 serving
# tests/dns/zones/fixture.zone: the contract fields of design.md ("fetch:")
# and the exact counts, statuses and lint codes of the fixtures.
# Usage: fetch_json.sh BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/fixture.zone" || { echo "FAIL: cannot start the DNS server"; exit 1; }
scratch=$DNS_SCRATCH # removed by lib.sh's trap, even on failure

# check NAME ARGS... -- PYTHON: fetch with --json now; the python
# assertions run at the end, all in one interpreter (python3 is slow to
# start), with the document in `d`, its text in `doc`, the exit status in
# `rc`; codes(x) gives the lint codes of x, node(tree, name) a tree node.
n=0
check() {
    local name=$1; shift
    local args=()
    while [ "$1" != "--" ]; do args+=("$1"); shift; done
    shift
    n=$((n + 1))
    "$BIN" fetch "${args[@]}" --json --dns "$DNS_SERVER" --timeout 1000 > "$scratch/$n.json" 2> "$scratch/$n.err"
    echo $? > "$scratch/$n.rc"
    printf '%s' "$name" > "$scratch/$n.name"
    printf '%s' "$1" > "$scratch/$n.py"
}

check "tree: counts and shape" tree.fx.test -- '
assert rc == 1, rc
for k in ("domain", "spf", "dmarc", "dkim", "cross", "dns_errors"):
    assert k in d, k
s = d["spf"]
assert d["domain"] == "tree.fx.test"
assert s["records"] == ["v=spf1 include:b1.tree.fx.test include:b2.tree.fx.test a mx -all"], s["records"]
assert s["lookups"] == 10 and s["void_lookups"] == 0 and s["nodes"] == 6, (s["lookups"], s["void_lookups"], s["nodes"])
assert s["truncated"] is False
t = s["tree"]
assert t["name"] == "tree.fx.test" and t["lookups"] == 4 and t["subtree_lookups"] == 10
assert [c["name"] for c in t["children"]] == ["b1.tree.fx.test", "b2.tree.fx.test"]
assert node(t, "b1.tree.fx.test")["lookups"] == 2
assert node(t, "d1.tree.fx.test")["depth"] == 3 and node(t, "d1.tree.fx.test")["lookups"] == 0
assert node(t, "c2.tree.fx.test")["running"] == 7
tg = {x["term"]: x for x in t["targets"]}
assert tg["a"]["status"] == "NOERROR" and tg["a"]["count"] == 1, tg
assert tg["mx"]["status"] == "NOERROR" and tg["mx"]["count"] == 1, tg
assert "spf-lookup-limit" not in codes(s) and "spf-lookup-count" in codes(s)
assert s["lint"]["type"] == "spf" and s["lint"]["valid"] is True
assert d["dns_errors"] == [] and d["queries"] == 15, d["queries"]
assert d["dmarc"]["status"] == "found" and d["dmarc"]["inherited"] is True
assert d["dmarc"]["policy_domain"] == "fx.test" and d["dmarc"]["name"] == "_dmarc.tree.fx.test"
'

check "loop" loop.fx.test -- '
assert rc == 2
t = d["spf"]["tree"]
assert t["children"][0]["children"][0]["result"] == "loop"
assert "spf-include-loop" in codes(d["spf"])
'

check "void lookups" void.fx.test -- '
s = d["spf"]
assert s["void_lookups"] == 4 and s["lookups"] == 4
v = sorted((x["term"] or "", x["status"]) for x in s["voids"])
assert v == [("", "NXDOMAIN"), ("a:nx1.fx.test", "NXDOMAIN"), ("exists:nodata.fx.test", "no data"), ("mx:nx2.fx.test", "NXDOMAIN")], v
assert {"spf-void-lookup-limit", "spf-include-no-record", "spf-void-target"} <= set(codes(s))
assert rc == 2
'

check "errors of included records (RFC 7208 §5.2)" badinc.fx.test -- '
s = d["spf"]
assert rc == 2, rc
assert s["lint"]["valid"] is False
diags = s["lint"]["diagnostics"]
rec = s["records"][0]
inc = [x for x in diags if x["code"] == "spf-bad-ip4"]
assert len(inc) == 1, diags
assert rec[inc[0]["start"]:inc[0]["end"]] == "include:bad1.fx.test", inc
assert "include:bad1.fx.test" in inc[0]["message"] and "/33" in inc[0]["message"], inc
red = [x for x in diags if x["code"] == "spf-syntax" and "redirect=bad2.fx.test" in x["message"]]
assert len(red) == 1, diags
assert rec[red[0]["start"]:red[0]["end"]] == "redirect=bad2.fx.test", red
assert "control character" in red[0]["message"] and "\x01" not in red[0]["message"], red
assert not [x for x in diags if x["code"] == "spf-plus-all"]
'

check "no SPF record: valid false with a diagnostic" plain.fx.test -- '
s = d["spf"]
assert s["records"] == [] and s["lint"]["valid"] is False, s["lint"]
assert "spf-not-found" in codes(s), codes(s)
assert [x for x in s["lint"]["diagnostics"] if x["code"] == "spf-not-found"][0]["severity"] == "warning"
assert d["dns_errors"] == [] and rc == 2, rc  # cross-dmarc-without-auth: p=quarantine inherited
assert "cross-dmarc-without-auth" in [x["code"] for x in d["cross"]]
'

check "two SPF records" two.fx.test -- '
s = d["spf"]
assert sorted(s["records"]) == ["v=spf1 ip4:192.0.2.1 -all", "v=spf1 ip4:192.0.2.2 -all"]
assert s["tree"]["result"] == "multiple"
assert "spf-multiple-records" in codes(s) and rc == 2
'

check "TXT in 12 strings" many.fx.test -- '
s = d["spf"]
assert len(s["record_strings"][0]) == 12 and s["record_strings"][0][0] == "v=spf1"
assert "".join(s["record_strings"][0]) == s["records"][0]
'

check "ANSI escape: valid JSON, escaped" esc.fx.test -- '
assert "\\u001b[31m" in doc.lower() and "\x1b" not in doc
assert d["spf"]["records"] == ["v=spf1 ip4:192.0.2.1 \x1b[31mred -all"]
'

check "DMARC report authorization" dm.fx.test -- '
m = d["dmarc"]
assert m["status"] == "found" and m["inherited"] is False and m["policy_domain"] == "dm.fx.test"
assert m["records"] == ["v=DMARC1; p=reject; rua=mailto:agg@reports.rpt.test,mailto:a@noauth.rpt.test; ruf=mailto:f@wild.rpt.test"]
r = {x["host"]: x["status"] for x in m["reports"]}
assert r == {"reports.rpt.test": "authorized", "noauth.rpt.test": "unauthorized", "wild.rpt.test": "authorized"}, r
assert "dmarc-rua-unauthorized" in codes(m)
assert m["lint"]["type"] == "dmarc"
'

check "DMARC tree walk" sub.dm.fx.test -- '
m = d["dmarc"]
assert [(s["name"], s["status"]) for s in m["steps"]] == [("_dmarc.sub.dm.fx.test", "NXDOMAIN"), ("_dmarc.dm.fx.test", "NOERROR"), ("_dmarc.fx.test", "NOERROR"), ("_dmarc.test", "NXDOMAIN")], m["steps"]
assert m["policy_name"] == "_dmarc.fx.test" and m["org_domain"] == "fx.test" and m["psl_org_domain"] == "fx.test"
assert "dmarc-inherited" in codes(m)
'

check "RFC 7489 view beside RFC 9989" x.b.pslcase.test -- '
m = d["dmarc"]
assert (m["org_domain"], m["psl_org_domain"]) == ("b.pslcase.test", "pslcase.test"), m
assert m["policy_name"] == "_dmarc.b.pslcase.test" and m["psl_policy_name"] is None
assert len(m["steps"]) == 4 and d["queries"] == 5
'

check "DKIM keys" dk.fx.test --selector k1024 --selector k2048 --selector ked --selector kbad --selector nope -- '
k = {x["selector"]: x for x in d["dkim"]}
assert (k["k1024"]["key_type"], k["k1024"]["key_bits"]) == ("rsa", 1024)
assert (k["k2048"]["key_type"], k["k2048"]["key_bits"]) == ("rsa", 2048)
assert (k["ked"]["key_type"], k["ked"]["key_bits"]) == ("ed25519", 256)
assert "dkim-key-weak" in codes(k["k1024"]) and "dkim-bad-key" in codes(k["kbad"])
assert k["nope"]["status"] == "NXDOMAIN" and k["nope"]["records"] == []
assert k["k2048"]["name"] == "k2048._domainkey.dk.fx.test"
assert rc == 2
'

check "IDN" bücher.fx.test -- '
assert d["domain"] == "xn--bcher-kva.fx.test" and d["display"] == "bücher.fx.test"
assert d["spf"]["records"] == ["v=spf1 ip4:203.0.113.7 -all"]
'

python3 - "$scratch" "$n" <<'PY'
import json, sys, traceback
scratch, count = sys.argv[1], int(sys.argv[2])
def codes(x):
    return sorted({i["code"] for i in x["lint"]["diagnostics"]})
def node(tree, name):
    if tree["name"] == name:
        return tree
    for c in tree["children"]:
        found = node(c, name)
        if found:
            return found
    return None
fails = 0
for i in range(1, count + 1):
    name = open(f"{scratch}/{i}.name", encoding="utf-8").read()
    doc = open(f"{scratch}/{i}.json", encoding="utf-8").read()
    try:
        rc = int(open(f"{scratch}/{i}.rc").read())
        d = json.loads(doc)
        exec(open(f"{scratch}/{i}.py", encoding="utf-8").read(),
             {"d": d, "doc": doc, "rc": rc, "codes": codes, "node": node})
    except Exception:
        fails += 1
        print(f"FAIL: {name}")
        traceback.print_exc(limit=1, file=sys.stdout)
        print(doc[:2000], open(f"{scratch}/{i}.err", encoding="utf-8").read())
if fails:
    print(f"fetch_json.sh: {fails} failure(s)")
    sys.exit(1)
print(f"fetch_json.sh: all {count} cases passed")
PY
