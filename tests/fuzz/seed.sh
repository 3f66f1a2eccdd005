#!/bin/sh
# Regenerate the seed corpora in tests/fuzz/corpus/<target>/ from the
# records of the unit tests (tests/unit/*.c string literals), the openspf
# suite (tests/data/openspf), the DKIM data (tests/data/dkim) and the zone
# files (tests/data/zones).  DNS answers are built from the same records.
# Seeds are named by content hash, so running it twice adds nothing.
# Usage: tests/fuzz/seed.sh   (from the top of the checkout)
set -eu
cd "$(dirname "$0")/../.."
exec python3 - <<'PY'
import glob, hashlib, os, re, struct, random

OUT = "tests/fuzz/corpus"
counts = {}

def put(target, data):
    if isinstance(data, str):
        data = data.encode("utf-8", "surrogateescape")
    if len(data) > 70000:
        return
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()[:16]
    p = os.path.join(d, name)
    if not os.path.exists(p):
        with open(p, "wb") as f:
            f.write(data)
        counts[target] = counts.get(target, 0) + 1

ESC = {"n": b"\n", "t": b"\t", "r": b"\r", "0": b"\0", "\\": b"\\", '"': b'"', "'": b"'",
       "a": b"\a", "b": b"\b", "f": b"\f", "v": b"\v", "?": b"?"}

def unescape(body):
    out = bytearray()
    i = 0
    while i < len(body):
        c = body[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        n = body[i + 1]
        if n == "x":
            m = re.match(r"[0-9a-fA-F]+", body[i + 2:])
            out.append(int(m.group(0), 16) & 0xFF)
            i += 2 + len(m.group(0))
        elif n in "01234567":
            m = re.match(r"[0-7]{1,3}", body[i + 1:])
            out.append(int(m.group(0), 8) & 0xFF)
            i += 1 + len(m.group(0))
        else:
            out += ESC.get(n, n.encode())
            i += 2
    return bytes(out)

# C string literals, adjacent ones joined.
LIT = re.compile(r'"((?:[^"\\\n]|\\.)*)"')
def c_strings(src):
    src = re.sub(r"/\*.*?\*/", " ", src, flags=re.S)
    src = re.sub(r"'(?:[^'\\]|\\.)'", "' '", src)
    out, cur, last_end = [], None, None
    for m in LIT.finditer(src):
        if cur is not None and src[last_end:m.start()].strip() == "":
            cur += unescape(m.group(1))
        else:
            if cur is not None:
                out.append(cur)
            cur = unescape(m.group(1))
        last_end = m.end()
    if cur is not None:
        out.append(cur)
    return out

def kind_of(b):
    l = b.lower()
    if b"v=spf1" in l or l.startswith(b"spf"):
        return "spf"
    if b"v=dmarc1" in l:
        return "dmarc"
    if b"dkim-signature" in l or (b"bh=" in l and b"b=" in l):
        return "dkim_sig"
    if b"v=dkim1" in l or re.search(rb"(^|;)\s*p=", l):
        return "dkim_key"
    if b" txt " in l or b"$origin" in l or b"$ttl" in l:
        return "zone"
    return None

records = {"spf": [], "dmarc": [], "dkim_key": [], "dkim_sig": [], "zone": []}
for f in sorted(glob.glob("tests/unit/*.c")):
    for s in c_strings(open(f, encoding="utf-8", errors="surrogateescape").read()):
        k = kind_of(s)
        if k and len(s) >= 4:
            records[k].append(s)

# openspf suite: the TXT records of its zones.
for line in open("tests/data/openspf/rfc7208-tests.yml", encoding="utf-8", errors="replace"):
    m = re.search(r"(?:SPF|TXT):\s*(.*)$", line)
    if not m:
        continue
    v = m.group(1).strip()
    if v.startswith('"') and v.endswith('"'):
        v = v[1:-1].encode().decode("unicode_escape").encode("latin-1", "replace")
    else:
        v = v.encode("utf-8")
    if v.lower().startswith(b"v=spf1") or v.lower().startswith(b"spf"):
        records["spf"].append(v)
    elif v:
        records["dkim_key" if b"p=" in v else "spf"].append(v)

# DKIM data: key records, then the DKIM-Signature fields of the message.
for f in sorted(glob.glob("tests/data/dkim/[0-9]*.txt")):
    data = open(f, "rb").read().replace(b"\r\n", b"\n")
    head, _, msg = data.partition(b"\n\n")
    for line in head.split(b"\n"):
        if b" " in line:
            records["dkim_key"].append(line.split(b" ", 1)[1])
    for m in re.finditer(rb"(?im)^DKIM-Signature:.*(?:\n[ \t].*)*", msg):
        records["dkim_sig"].append(m.group(0).replace(b"\n", b"\r\n"))
        records["dkim_sig"].append(m.group(0))

for f in sorted(glob.glob("tests/data/zones/*.zone")):
    records["zone"].append(open(f, "rb").read())

for k in records:
    seen = []
    for r in records[k]:
        if r not in seen:
            seen.append(r)
    records[k] = seen

KIND = {"spf": 1, "dmarc": 2, "dkim_key": 3, "dkim_sig": 4}
for k in ("spf", "dmarc", "dkim_key", "dkim_sig"):
    for r in records[k]:
        put("fuzz_" + k, r)
        put("fuzz_record", bytes([KIND[k]]) + r)
        put("fuzz_record", b"\0" + r)
    for r in records[k][:40]:
        if k != "spf":
            put("fuzz_taglist", bytes([1 if k == "dkim_sig" else 0]) + r)
for i, r in enumerate(records["zone"]):
    put("fuzz_zone", bytes([i & 3]) + r)
# Records written as zone lines too.
for k in ("spf", "dmarc", "dkim_key"):
    for r in records[k][:10]:
        if b'"' not in r and b"\\" not in r and b"\n" not in r:
            owner = {"spf": b"@", "dmarc": b"_dmarc", "dkim_key": b"s1._domainkey"}[k]
            put("fuzz_zone", b"\1$TTL 300\n" + owner + b" IN TXT \"" + r + b"\"\n")

# Edit scripts: mode, a starting record, a few operations.
rnd = random.Random(7)
for mode, k in ((0, "spf"), (1, "dmarc"), (2, "dkim_key")):
    for r in records[k][:25]:
        if len(r) > 255:
            continue
        ops = bytes(rnd.randrange(256) for _ in range(24))
        put("fuzz_edit", bytes([mode, len(r)]) + r + ops)
put("fuzz_edit", bytes([0, 6]) + b"v=spf1" + bytes([0, 1, 2, 0, 11]) + b"example.com")
put("fuzz_edit", bytes([1, 15]) + b"v=DMARC1; p=no" + bytes([0, 1, 1, 1]))

# DNS answers (RFC 1035 §4.1) for the records above.
def name(n):
    out = b""
    for label in n.rstrip(".").split("."):
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"

def message(qname, qtype, answers, rcode=0):
    hdr = struct.pack(">HHHHHH", 0x1234, 0x8180 | rcode, 1, len(answers), 0, 0)
    q = name(qname) + struct.pack(">HH", qtype, 1)
    body = b""
    for rtype, rdata in answers:
        body += b"\xc0\x0c" + struct.pack(">HHIH", rtype, 1, 300, len(rdata)) + rdata
    return hdr + q + body

def txt_rdata(text):
    out = b""
    for i in range(0, max(len(text), 1), 255):
        c = text[i:i + 255]
        out += bytes([len(c)]) + c
    return out

for k in ("spf", "dmarc"):
    for r in records[k][:30]:
        put("fuzz_dnsanswer", b"\0" + message("example.com", 16, [(16, txt_rdata(r))]))
put("fuzz_dnsanswer", b"\0" + message("example.com", 16,
    [(16, txt_rdata(b"v=spf1 include:example.com -all")), (16, txt_rdata(b"v=DMARC1; p=reject; rua=mailto:d@reports.example.net"))]))
put("fuzz_dnsanswer", b"\0" + message("example.com", 16, [], rcode=3))
put("fuzz_dnsanswer", b"\0" + message("example.com", 16, []))
put("fuzz_dnsanswer", b"\1" + message("example.com", 1, [(1, bytes([192, 0, 2, 1])), (1, bytes([192, 0, 2, 2]))]))
put("fuzz_dnsanswer", b"\2" + message("example.com", 28, [(28, bytes(15) + b"\1")]))
put("fuzz_dnsanswer", b"\3" + message("example.com", 15, [(15, b"\0\x0a" + name("mail.example.com")), (15, b"\0\x14\xc0\x0c")]))

# fuzz_capture: DNS captures (src/net/capture.h), version 2 with every
# record type, version 1, and the records of the zone files as TXT answers.
import json
def capture(answers, version=2, when=1700000000):
    d = {"format": "authtxt-dns-capture", "version": version}
    if when is not None:
        d["time"] = when
    d["answers"] = answers
    return json.dumps(d, indent=1)
def ans(name, typ, records, status="NOERROR", count=None, **extra):
    a = {"name": name, "type": typ, "status": status, "ttl": 300,
         "count": len(records) if count is None else count, "truncated": False, "error": "",
         "records": records}
    a.update(extra)
    return a
put("fuzz_capture", capture([
    ans("example.com", "TXT", [["v=spf1 a mx ptr ", "include:_spf.example.com -all"]]),
    ans("example.com", "A", ["192.0.2.1", "192.0.2.2"]),
    ans("example.com", "AAAA", ["2001:db8::1"]),
    ans("example.com", "MX", [{"preference": 10, "exchange": "mx.example.com"}, {"preference": 0, "exchange": ""}]),
    ans("1.2.0.192.in-addr.arpa", "PTR", ["mx.example.com"]),
    ans("bin.example.com", "TXT", [[{"hex": "763d73706631fffe"}, "x\u0000y"]]),
    ans("nx.example.com", "A", [], status="NXDOMAIN"),
    ans("slow.example.com", "MX", [], status="timeout", error="no answer from 127.0.0.1:53 after 2 tries of 2000 ms"),
    ans("old.example.com", "A", [], count=2, counts_only=True),
]))
put("fuzz_capture", capture([ans("example.com", "TXT", [["v=DMARC1; p=reject"]]),
                             ans("example.com", "MX", [], count=2)], version=1, when=None))
put("fuzz_capture", capture([]))
# regression: a bad {"hex"} after a good string was freed twice
put("fuzz_capture", capture([ans("example.com", "TXT", [["v=spf1 ", {"hex": "zz"}]])]))
for r in records["spf"][:10] + records["dmarc"][:10]:
    put("fuzz_capture", capture([ans("example.com", "TXT", [[r.decode("utf-8", "replace")]])]))

os.makedirs(OUT, exist_ok=True)
for t in sorted(os.listdir(OUT)):
    print("%-16s %4d seeds (%d new)" % (t, len(os.listdir(os.path.join(OUT, t))), counts.get(t, 0)))
PY
