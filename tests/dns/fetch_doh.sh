#!/bin/bash
# `authtxt fetch` over DNS over HTTPS gives the same document as over plain
# DNS (c-ares): unbound DoH (self-signed certificate) forwarding to the
# fixture server.  Usage: fetch_doh.sh BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
dns_start "$here/zones/fixture.zone"
doh_start
s=$DNS_SCRATCH
fails=0
for name in tree.fx.test dm.fx.test void.fx.test; do
    "$BIN" fetch "$name" --json --dns "$DNS_SERVER" > "$s/$name.dns.json" 2>&1
    "$BIN" fetch "$name" --json --doh "$DOH_URL" --doh-cafile "$DOH_CA" > "$s/$name.doh.json" 2>&1
done
"$BIN" fetch tree.fx.test --json --doh "$DOH_URL" --doh-insecure > "$s/insecure.json" 2>&1
# Without the CA file the self-signed certificate is refused: a DNS error
# named in the output, not a crash or exit 3.
"$BIN" fetch tree.fx.test --json --doh "$DOH_URL" --timeout 500 > "$s/untrusted.json" 2>&1
echo $? > "$s/untrusted.rc"

python3 - "$s" <<'PY' || fails=1
import json, sys
s = sys.argv[1]
def load(f):
    d = json.load(open(f"{s}/{f}"))
    d.pop("elapsed_ms", None)
    return d
bad = 0
for name in ("tree.fx.test", "dm.fx.test", "void.fx.test"):
    a, b = load(f"{name}.dns.json"), load(f"{name}.doh.json")
    if a != b:
        bad += 1
        print(f"FAIL: {name}: DoH and DNS documents differ")
        for k in a:
            if a.get(k) != b.get(k):
                print("  ", k, json.dumps(a.get(k))[:300], "\n   vs", json.dumps(b.get(k))[:300])
t = load("insecure.json")
if t["spf"]["lookups"] != 10 or t["dns_errors"]:
    bad += 1
    print("FAIL: --doh-insecure", t["spf"]["lookups"], t["dns_errors"])
u = load("untrusted.json")
rc = int(open(f"{s}/untrusted.rc").read())
if rc == 3 or not u["dns_errors"] or u["spf"]["tree"]["result"] != "dns-error":
    bad += 1
    print("FAIL: untrusted certificate", rc, u["dns_errors"][:2])
sys.exit(1 if bad else 0)
PY
if [ "$fails" -ne 0 ]; then
    echo "fetch_doh.sh: failed"
    exit 1
fi
echo "fetch_doh.sh: all passed"
