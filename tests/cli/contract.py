#!/usr/bin/env python3
"""The CLI contract of design.md: JSON field names and exit statuses that
scripts rely on, checked on the built binary.  Usage: contract.py BINARY"""
import json
import subprocess
import sys

exe = sys.argv[1]
problems = []


def run(*args, stdin=None):
    return subprocess.run([exe, *args], input=stdin, capture_output=True, timeout=30)


def check(cond, what):
    if not cond:
        problems.append(what)


def lint_json(*args, stdin=None):
    p = run("lint", "--json", *args, stdin=stdin)
    try:
        return p, json.loads(p.stdout)
    except ValueError:
        problems.append(f"lint --json {args!r} did not print JSON: {p.stdout[:200]!r}")
        return p, {}


# lint: shape and exit statuses 0 / 1 / 2
p, j = lint_json("v=spf1 include:_spf.example.net +all")
check(p.returncode == 2, f"+all is an error: exit 2 (got {p.returncode})")
check(j.get("type") == "spf", "lint type spf")
check(j.get("valid") is False, "valid false with an error")
check(isinstance(j.get("terms"), list) and len(j["terms"]) == 3, "three SPF terms")
diags = j.get("diagnostics", [])
for d in diags:
    for k in ("code", "severity", "start", "end", "message", "rfc"):
        check(k in d, f"diagnostic lacks {k}")
plus = [d for d in diags if d.get("code") == "spf-plus-all"]
check(len(plus) == 1 and (plus[0]["start"], plus[0]["end"]) == (32, 36), "spf-plus-all spans '+all'")

p, j = lint_json("v=DMARC1; p=reject; rua=mailto:dmarc@example.com")
check(p.returncode == 0, f"clean DMARC: exit 0 (got {p.returncode}: {j.get('diagnostics')})")
p, j = lint_json("v=DMARC1; p=none; rua=mailto:dmarc@example.com")
check(p.returncode == 1, f"p=none: exit 1 (got {p.returncode})")
check(any(d["code"] == "dmarc-policy-none" for d in j.get("diagnostics", [])), "dmarc-policy-none")

# stdin, --type, and hostile input still gives JSON
p, j = lint_json("--type", "dkim", "-", stdin=b"v=DKIM1; k=rsa; p=\n")
check(j.get("type") == "dkim", "--type dkim from stdin")
for blob in (b"", b"\x00\xff\xfe garbage \x1b[2J", bytes(range(256)) * 64, b"v=spf1 " + b"a " * 10000):
    p, j = lint_json("-", stdin=blob)
    check(p.returncode in (1, 2), f"hostile input exits 1 or 2, got {p.returncode}")
    check("diagnostics" in j and j["diagnostics"], "hostile input is diagnosed")

# explain: terms with text, start, end, id, summary, rfc
p = run("explain", "--json", "v=DMARC1; p=quarantine; rua=mailto:d@example.com")
try:
    terms = json.loads(p.stdout).get("terms", [])
except ValueError:
    terms = []
    problems.append("explain --json did not print JSON")
check(len(terms) == 3, f"explain: 3 terms (got {len(terms)})")
for t in terms:
    for k in ("text", "start", "end", "id", "summary", "rfc"):
        check(k in t, f"explain term lacks {k}")
check(terms and terms[1].get("value_id") == "dmarc.tag.p.quarantine", "explain value_id of p")

# the records of one domain together
p, j = lint_json("--spf", "v=spf1 mx ~all", "--dmarc", "v=DMARC1; p=none; rua=mailto:d@example.com")
check(any(d["code"] == "cross-softfail-no-enforcement" for d in j.get("cross", [])),
      "cross-softfail-no-enforcement for ~all with p=none")
check(p.returncode == 1, f"cross warnings: exit 1 (got {p.returncode})")

# usage errors: exit 3 and a message on stderr
for args in (("lint", "--no-such-option"), ("lint",), ("explain", "--type", "nope", "x"),
             ("lint", "--zone", "/nonexistent/zone")):
    p = run(*args)
    check(p.returncode == 3, f"{args}: exit 3 (got {p.returncode})")
    check(p.stderr.strip() != b"", f"{args}: says what is wrong on stderr")

if problems:
    print("contract: FAILED")
    for x in problems:
        print("  -", x)
    sys.exit(1)
print("contract: ok")
