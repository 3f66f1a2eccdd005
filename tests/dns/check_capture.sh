#!/bin/bash
# DNS captures for `check` and `dkim match` (issue 11): each case runs live
# against unbound on 127.0.0.1 with --save-dns, then again with --dns-file
# once the server is stopped, and the two runs must print the same bytes
# (text and --json) and end with the same exit status.  The cases cover
# SPF's a (A and AAAA), mx, ptr, exists and include, the HELO identity, a
# DKIM-signed message (RFC 8463's example), --spoof, and dkim match.  Then:
# a capture with one answer taken out gives exit 4 naming the question
# (not NXDOMAIN); a version-1 capture (TXT records and counts only) still
# loads, and check reports its address answers as DNS errors naming the
# file and version (exit 4) rather than evaluating empty address lists;
# hostile captures (wrong record types, counts that disagree) are refused
# naming the file and what is wrong.  Usage: check_capture.sh BIN
set -u
BIN=$(readlink -f "${1:-build/authtxt}")
here=$(cd "$(dirname "$0")" && pwd)
msg=$(cd "$here/../cli/cases" && pwd)/check-rfc8463.eml
key=$(cd "$here/../data/dkimkeys" && pwd)
. "$here/lib.sh"
# unbound answers 192.0.2.0/24's reverse names from a built-in empty zone
# (RFC 6303) unless told not to; capture-rev.zone holds them.
DNS_UNBOUND_EXTRA='    local-zone: "2.0.192.in-addr.arpa." nodefault' \
    dns_start "$here/zones/capture.zone" "$here/zones/capture-rev.zone" \
    "$here/zones/capture-com.zone" "$here/zones/dkim.zone"
s=$DNS_SCRATCH/runs
mkdir -p "$s"
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# The cases: NAME|COMMAND ARGS (word-split; no spaces inside arguments).
cases=(
    "a4|check --ip 198.51.100.1 --mail-from u@all.cap.test --from u@all.cap.test"
    "a6|check --ip 2001:db8::1 --mail-from u@all.cap.test --from u@all.cap.test"
    "mx|check --ip 198.51.100.12 --mail-from u@all.cap.test --from u@all.cap.test"
    "mx6|check --ip 2001:db8::12 --mail-from u@all.cap.test"
    "ptr|check --ip 192.0.2.10 --mail-from u@all.cap.test --from u@all.cap.test"
    "ptrother|check --ip 192.0.2.11 --mail-from u@all.cap.test --from u@all.cap.test"
    "exists|check --ip 198.51.100.30 --mail-from u@all.cap.test --from u@all.cap.test"
    "include|check --ip 203.0.113.5 --mail-from u@all.cap.test --from u@all.cap.test"
    "fail|check --ip 192.0.2.99 --mail-from u@all.cap.test --from u@all.cap.test"
    "helo|check --ip 198.51.100.11 --mail-from '' --helo all.cap.test"
    "from|check --from boss@all.cap.test"
    "message|check --message $msg"
    "msgip|check --message $msg --ip 192.0.2.3 --mail-from joe@football.example.com"
    "spoof|check --spoof all.cap.test"
    "dkim|dkim match --key $key/rsa2048.pkcs8.pem --selector rsa m.dk.test"
    "dkimother|dkim match --key $key/rsa2048.pkcs8.pem --selector other m.dk.test"
    "dkimnone|dkim match --key $key/ed25519.pem --selector none m.dk.test"
)
# cmd NAME: the case's arguments in the array args.
cmd() {
    local c
    for c in "${cases[@]}"; do
        if [ "${c%%|*}" = "$1" ]; then
            eval "args=(${c#*|})"
            return 0
        fi
    done
    return 1
}
# run NAME MODE OUT: one run (MODE live or replay) of a case, text and
# --json (check only), stdout in OUT.{txt,json}, status in OUT.{txt,json}.rc.
run() {
    local name=$1 mode=$2 out=$3 fmt extra dns
    cmd "$name"
    for fmt in txt json; do
        extra=()
        [ "$fmt" = json ] && { [ "${args[0]}" = check ] || continue; extra=(--json); }
        if [ "$mode" = live ]; then
            dns=(--dns "$DNS_SERVER" --timeout 1000 --save-dns "$s/$name.$fmt.cap")
        else
            dns=(--dns-file "$s/$name.$fmt.cap")
        fi
        "$BIN" "${args[@]}" "${extra[@]}" "${dns[@]}" >"$out.$fmt" 2>"$out.$fmt.err"
        echo $? >"$out.$fmt.rc"
    done
}

for c in "${cases[@]}"; do
    run "${c%%|*}" live "$s/${c%%|*}.live"
done
# The replays ask nobody: the server is gone.
for pid in $DNS_PIDS; do kill -TERM "$pid" 2>/dev/null; done
end=$((SECONDS + 5))
for pid in $DNS_PIDS; do
    while kill -0 "$pid" 2>/dev/null && [ $SECONDS -lt $end ]; do sleep 0.05; done
    kill -0 "$pid" 2>/dev/null && dns_fail "unbound did not stop"
done
"$DNSQ" --dns "$DNS_SERVER" --timeout 300 --tries 1 TXT all.cap.test >"$s/probe" 2>&1
grep -q " OK " "$s/probe" && dns_fail "the server still answers: $(cat "$s/probe")"
for c in "${cases[@]}"; do
    run "${c%%|*}" replay "$s/${c%%|*}.replay"
done

n=0
for c in "${cases[@]}"; do
    name=${c%%|*}
    for fmt in txt json; do
        [ -e "$s/$name.live.$fmt" ] || continue
        n=$((n + 1))
        lrc=$(cat "$s/$name.live.$fmt.rc") rrc=$(cat "$s/$name.replay.$fmt.rc")
        [ -s "$s/$name.live.$fmt" ] || fail "$name ($fmt): no live output: $(head -c 300 "$s/$name.live.$fmt.err")"
        [ -s "$s/$name.$fmt.cap" ] || fail "$name ($fmt): no capture written"
        cmp -s "$s/$name.live.$fmt" "$s/$name.replay.$fmt" ||
            fail "$name ($fmt): the replay prints other bytes: $(diff "$s/$name.live.$fmt" "$s/$name.replay.$fmt" | head -8)"
        [ "$lrc" = "$rrc" ] || fail "$name ($fmt): exit status $lrc live, $rrc replayed"
        case "$lrc" in 4 | 3) fail "$name ($fmt): the live run failed ($lrc): $(head -c 300 "$s/$name.live.$fmt.err")" ;; esac
    done
done

# What the cases must have decided (so that equal outputs are not equally
# wrong), and what the captures hold.
python3 - "$s" <<'PY' || fails=$((fails + 1))
import json, sys
s = sys.argv[1]
bad = 0
def check(cond, what):
    global bad
    if not cond:
        bad += 1
        print("FAIL:", what)
def doc(name):
    return json.load(open(f"{s}/{name}.replay.json"))
def rc(name, fmt="json"):
    return int(open(f"{s}/{name}.replay.{fmt}.rc").read())
for name, matched in (("a4", "a"), ("a6", "a"), ("mx", "mx"), ("mx6", "mx"), ("ptr", "ptr"),
                      ("exists", "exists:"), ("include", "include:inc.cap.test")):
    d = doc(name)
    check(d["spf"]["result"] == "pass" and (d["spf"]["matched"] or "").startswith(matched),
          f"{name}: SPF {d['spf']['result']} matched {d['spf']['matched']!r}, want pass by {matched}")
for name in ("ptrother", "fail"):
    check(doc(name)["spf"]["result"] == "fail" and rc(name) == 2, f"{name}: {doc(name)['spf']}")
d = doc("helo")
check(d["spf"]["identity"] == "helo" and d["spf"]["result"] == "pass", f"helo: {d['spf']}")
d = doc("message")
check([x["result"] for x in d["dkim"]] == ["pass", "pass"] and d["dmarc"]["result"] == "pass",
      f"message: {d['dkim']} {d['dmarc']}")
d = doc("spoof")
check({x["scope"] for x in d["spoof"]} == {"domain", "subdomain", "nonexistent"}, f"spoof {d}")
for name, want in (("dkim", 0), ("dkimother", 1), ("dkimnone", 2)):
    check(rc(name, "txt") == want, f"{name}: exit {rc(name, 'txt')}, want {want}")
# The capture of the ptr case holds what check_host compared.
cap = json.load(open(f"{s}/ptr.json.cap"))
check(cap["version"] == 2 and isinstance(cap.get("time"), int), f"header {list(cap)}")
A = {(a["name"], a["type"]): a for a in cap["answers"]}
check(A[("10.2.0.192.in-addr.arpa", "PTR")]["records"] == ["host.all.cap.test"], A.get(("10.2.0.192.in-addr.arpa", "PTR")))
check(A[("host.all.cap.test", "A")]["records"] == ["192.0.2.10"], A.get(("host.all.cap.test", "A")))
mx = A[("all.cap.test", "MX")]
check(sorted(mx["records"], key=lambda r: r["preference"]) ==
      [{"preference": 10, "exchange": "mx1.all.cap.test"}, {"preference": 20, "exchange": "mx2.all.cap.test"}]
      and mx["count"] == 2, mx)
cap = json.load(open(f"{s}/a6.json.cap"))
A = {(a["name"], a["type"]): a for a in cap["answers"]}
check(A[("all.cap.test", "AAAA")]["records"] == ["2001:db8::1"], A.get(("all.cap.test", "AAAA")))
sys.exit(1 if bad else 0)
PY

# Hostile and old captures, made from the mx case's.
python3 - "$s" <<'PY' || fails=$((fails + 1))
import json, sys
s = sys.argv[1]
cap = json.load(open(f"{s}/mx.json.cap"))
def write(name, d):
    json.dump(d, open(f"{s}/{name}.cap", "w"))
def without(pred):
    d = json.loads(json.dumps(cap))
    d["answers"] = [a for a in d["answers"] if not pred(a)]
    return d
write("missing", without(lambda a: a["name"] == "mx2.all.cap.test" and a["type"] == "A"))
# Version 1: TXT records, counts for the rest, no PTR.
v1 = without(lambda a: a["type"] == "PTR")
v1["version"] = 1
v1.pop("time", None)
for a in v1["answers"]:
    if a["type"] != "TXT":
        a["records"] = []
write("v1", v1)
def edit(name, f):
    d = json.loads(json.dumps(cap))
    a = [x for x in d["answers"] if x["name"] == "all.cap.test" and x["type"] == "MX"][0]
    f(a)
    write(name, d)
edit("mxstring", lambda a: a.update(records=["mx1.all.cap.test"]))
edit("mxcount", lambda a: a.update(records=a["records"][:1]))
d = json.loads(json.dumps(cap))
[x for x in d["answers"] if x["name"] == "mx2.all.cap.test" and x["type"] == "A"][0]["records"] = ["2001:db8::5"]
write("v4bad", d)
d = json.loads(json.dumps(cap)); d["version"] = 3; write("v3", d)
# A bad {"hex"} string after a good one (was freed twice: fuzz_capture).
d = json.loads(json.dumps(cap))
[x for x in d["answers"] if x["type"] == "TXT"][0]["records"] = [["v=spf1 ", {"hex": "zz"}]]
write("badhex", d)
# A name with an empty label (fuzz_capture): refused, not kept as a name
# ending in a dot.
d = json.loads(json.dumps(cap))
d["answers"][0]["name"] = "all..cap.test."
write("emptylabel", d)
PY
args=(check --ip 198.51.100.12 --mail-from u@all.cap.test --from u@all.cap.test --json)
for f in missing v1 mxstring mxcount v4bad v3 badhex emptylabel; do
    "$BIN" "${args[@]}" --dns-file "$s/$f.cap" >"$s/$f.out" 2>"$s/$f.err"
    echo $? >"$s/$f.rc"
done
expect() { # NAME STATUS TEXT: the run's status, and TEXT in its stdout or stderr
    local got
    got=$(cat "$s/$1.rc")
    [ "$got" = "$2" ] || fail "$1: exit status $got, expected $2: $(head -c 400 "$s/$1.err")"
    cat "$s/$1.out" "$s/$1.err" | grep -Fq -- "$3" ||
        fail "$1: expected '$3' in: $(head -c 600 "$s/$1.out") $(head -c 300 "$s/$1.err")"
}
expect missing 4 "mx2.all.cap.test A is not in the capture file $s/missing.cap"
python3 - "$s/missing.out" <<'PY' || fail "missing: the step that asked mx2.all.cap.test A"
import json, sys
steps = [x for x in json.load(open(sys.argv[1]))["spf"]["steps"] if x.get("query") == "A mx2.all.cap.test"]
ok = len(steps) == 1 and "not in the capture file" in steps[0]["answer"] and "NXDOMAIN" not in steps[0]["answer"]
if not ok:
    print(f"missing: {steps}")
sys.exit(0 if ok else 1)
PY
expect v1 4 "$s/v1.cap (capture version 1) keeps no A records, only their count"
expect mxstring 3 "$s/mxstring.cap: answers["
expect mxstring 3 "is not {\"preference\": 0-65535, \"exchange\": NAME}"
expect mxcount 3 "\"count\" is 2 but 1 records are listed"
expect v4bad 3 "records[0] is not an IPv4 address"
expect v3 3 "capture version 3 is not supported"
expect badhex 3 "records[0][1] is not a string or {\"hex\": ...}"
expect emptylabel 3 "answers[0]: \"name\" is missing or not a domain name"
# A version-1 capture still replays what needs no addresses (dkim match).
python3 - "$s/dkim.txt.cap" "$s/dkimv1.cap" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["version"] = 1; json.dump(d, open(sys.argv[2], "w"))
PY
cmd dkim
"$BIN" "${args[@]}" --dns-file "$s/dkimv1.cap" >"$s/dkimv1.out" 2>"$s/dkimv1.err"
rc=$?
cmp -s "$s/dkimv1.out" "$s/dkim.live.txt" && [ "$rc" = "$(cat "$s/dkim.live.txt.rc")" ] ||
    fail "dkim match from a version-1 capture ($rc): $(diff "$s/dkim.live.txt" "$s/dkimv1.out" | head -5) $(cat "$s/dkimv1.err")"

[ "$fails" -eq 0 ] || { echo "check_capture.sh: $fails failure(s)"; exit 1; }
echo "check_capture.sh: $n live runs replayed byte for byte, bad captures refused"
