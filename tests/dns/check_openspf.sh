#!/bin/bash
# The openspf RFC 7208 suite through a real DNS server: each scenario's
# zonedata becomes a zone (tests/dns/openspf_zone.c) served by unbound on
# 127.0.0.1, and every test that needs no special DNS behaviour (196 of
# 203: not the TIMEOUT names, not the macro names with spaces) runs as
# `authtxt check --dns 127.0.0.1:PORT --json`; the SPF result must be one
# the suite allows and the explanation the one it names ("DEFAULT": none).
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
SUITE=$(readlink -f "$here/../data/openspf/rfc7208-tests.yml")
ZONEGEN=$DNS_TOOLS/openspf_zone
[ -x "$ZONEGEN" ] || dns_fail "$ZONEGEN is missing: run 'make dns-tools'"

# unbound answers the reverse zones of private and documentation ranges
# itself (RFC 6303); the suite's PTR records live there.
DNS_UNBOUND_EXTRA='    unblock-lan-zones: yes
    insecure-lan-zones: yes
    local-zone: "8.b.d.0.1.0.0.2.ip6.arpa." nodefault
    local-zone: "2.0.192.in-addr.arpa." nodefault
    local-zone: "100.51.198.in-addr.arpa." nodefault
    local-zone: "113.0.203.in-addr.arpa." nodefault
    local-zone: "arpa." nodefault
    local-zone: "invalid." nodefault'

work=$DNS_SCRATCH/openspf
mkdir -p "$work/out"
"$ZONEGEN" "$SUITE" "$work" || dns_fail "openspf_zone failed"

ran=0 skipped=0
current=""
while IFS=$'\x1f' read -r scen name host mailfrom helo results expl why; do
    if [ "$why" != ok ]; then
        skipped=$((skipped + 1))
        continue
    fi
    if [ "$scen" != "$current" ]; then
        # one server per scenario: the scenarios reuse names with other data
        dns_start "$work"/s"$scen"-*.zone
        current=$scen
    fi
    args=(check --dns "$DNS_SERVER" --timeout 1000 --ip "$host" --mail-from "$mailfrom" --json)
    [ -n "$helo" ] && args+=(--helo "$helo")
    "$BIN" "${args[@]}" >"$work/out/$name.json" 2>"$work/out/$name.err"
    echo "$?" >"$work/out/$name.rc"
    ran=$((ran + 1))
done <"$work/tests.tsv"

python3 - "$work" <<'PY' || dns_fail "some openspf tests gave a wrong answer over DNS"
import json, os, sys
work = sys.argv[1]
wrong = checked = 0
for line in open(os.path.join(work, "tests.tsv"), encoding="latin-1"):
    scen, name, host, mailfrom, helo, results, expl, why = line.rstrip("\n").split("\x1f")
    if why != "ok":
        continue
    checked += 1
    out = open(os.path.join(work, "out", name + ".json"), encoding="utf-8").read()
    try:
        spf = json.loads(out)["spf"]
    except Exception as e:
        print(f"{name}: no JSON ({e}): {open(os.path.join(work, 'out', name + '.err')).read()}")
        wrong += 1
        continue
    ok = spf["result"] in results.split(",")
    if ok and expl != "-":
        ok = spf["explanation"] == ("" if expl == "DEFAULT" else expl)
    if not ok:
        wrong += 1
        print(f"{name}: got {spf['result']} '{spf['explanation']}', want {results} '{expl}'")
        for s in spf["steps"]:
            print("    ", s["text"], s.get("query", ""), "->", s.get("answer", ""))
print(f"openspf over DNS: {checked} tests checked, {wrong} wrong")
sys.exit(1 if wrong or checked < 190 else 0)
PY
echo "check_openspf: $ran tests over DNS, $skipped left to the unit test (special DNS)"
