#!/bin/sh
# `lint --zone` reads its input in chunks (src/cli/zonelint.c), so a zone
# of any size, from a file or a pipe, takes the memory of one chunk.  This
# cuts every test zone (and a generated one of 600 records) into chunks
# of 100 and 700 bytes (AUTHTXT_ZONE_CHUNK) and checks that the report is
# the one the whole file gives: the same lines (zone diagnostics come per
# chunk, so the text is compared as a sorted list; line numbers in messages
# included), the same JSON members and the same exit status; and that a
# pipe gives the report of the file; and that a zone of more domains than
# the audit keeps in memory (forced small) gives the same report.
# Usage: zone_chunks.sh BIN
set -u
bin=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
python3 tests/bench/gen_zone.py 600 > "$tmp/gen.zone" || exit 1
# 40 domains whose SPF ends ~all and whose DMARC does not enforce: a cross
# diagnostic each, so spilling them (below) has something to lose.
for i in $(seq 1 40); do
    printf 'd%s.example. IN TXT "v=spf1 ip4:192.0.2.%s ~all"\n' "$i" "$i"
    printf '_dmarc.d%s.example. IN TXT "v=DMARC1; p=none; rua=mailto:r@d%s.example"\n' "$i" "$i"
done > "$tmp/cross.zone"
failed=0
for z in tests/data/zones/*.zone tests/cli/cases/*.zone "$tmp/gen.zone" "$tmp/cross.zone"; do
    "$bin" lint --zone "$z" > "$tmp/whole.txt" 2>&1
    want=$?
    "$bin" lint --json --zone "$z" > "$tmp/whole.json" 2>&1
    for c in 100 700; do
        AUTHTXT_ZONE_CHUNK=$c "$bin" lint --zone "$z" > "$tmp/cut.txt" 2>&1
        got=$?
        AUTHTXT_ZONE_CHUNK=$c "$bin" lint --json --zone "$z" > "$tmp/cut.json" 2>&1
        if [ "$got" != "$want" ]; then
            echo "FAIL zone_chunks: $z in chunks of $c: exit status $got, whole file $want"
            failed=$((failed + 1))
        fi
        sort "$tmp/cut.txt" > "$tmp/sorted.cut"
        if ! sort "$tmp/whole.txt" | cmp -s - "$tmp/sorted.cut"; then
            echo "FAIL zone_chunks: $z in chunks of $c: the text report differs"
            sort "$tmp/whole.txt" | diff - "$tmp/sorted.cut" | head -n 10
            failed=$((failed + 1))
        fi
        if ! python3 - "$tmp/whole.json" "$tmp/cut.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
key = lambda d: json.dumps(d, sort_keys=True)
a["zone_diagnostics"].sort(key=key)
b["zone_diagnostics"].sort(key=key)
sys.exit(0 if a == b else 1)
PY
        then
            echo "FAIL zone_chunks: $z in chunks of $c: the JSON report differs"
            failed=$((failed + 1))
        fi
    done
    # A zone of more domains than fit in memory (AUTHTXT_ZONE_AUDIT_MAX=1:
    # every chunk's ended domains are spilled and forgotten): the same
    # report, as long as each domain's records are together; the records'
    # diagnostics the same in any case; stderr says the audit went by parts.
    AUTHTXT_ZONE_CHUNK=100 AUTHTXT_ZONE_AUDIT_MAX=1 "$bin" lint --zone "$z" \
        > "$tmp/spill.txt" 2> "$tmp/spill.err"
    got=$?
    checked=$(sed -n 's/.* \([0-9]*\) SPF\/DMARC\/DKIM records checked.*/\1/p' "$tmp/whole.txt")
    if [ "$(wc -c < "$z")" -gt 200 ] && [ "${checked:-0}" -gt 1 ] &&
        ! grep -q "audited apart" "$tmp/spill.err"; then
        echo "FAIL zone_chunks: $z spilled: no note on stderr"
        failed=$((failed + 1))
    fi
    case $z in
    *interleaved*) # domains come back: only the records' lines must agree
        grep -v "^$z: domain \|TXT records, " "$tmp/whole.txt" | sort > "$tmp/a"
        grep -v "^$z: domain \|TXT records, " "$tmp/spill.txt" | sort > "$tmp/b" ;;
    *)
        sort "$tmp/whole.txt" > "$tmp/a"
        sort "$tmp/spill.txt" > "$tmp/b"
        if [ "$got" != "$want" ]; then
            echo "FAIL zone_chunks: $z spilled: exit status $got, whole file $want"
            failed=$((failed + 1))
        fi ;;
    esac
    if ! cmp -s "$tmp/a" "$tmp/b"; then
        echo "FAIL zone_chunks: $z spilled: the report differs"
        diff "$tmp/a" "$tmp/b" | head -n 10
        failed=$((failed + 1))
    fi
    AUTHTXT_ZONE_CHUNK=100 AUTHTXT_ZONE_AUDIT_MAX=1 "$bin" lint --json --zone "$z" \
        > "$tmp/spill.json" 2> /dev/null
    case $z in *interleaved*) ;; *)
        if ! python3 - "$tmp/whole.json" "$tmp/spill.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
key = lambda d: json.dumps(d, sort_keys=True)
for doc in (a, b):
    doc["zone_diagnostics"].sort(key=key)
    doc["cross"].sort(key=key)
sys.exit(0 if a == b else 1)
PY
        then
            echo "FAIL zone_chunks: $z spilled: the JSON report differs"
            failed=$((failed + 1))
        fi ;;
    esac
    # A pipe: the report of the file, named "-".
    sed "s|^$z:|-:|; s|^$z |- |" "$tmp/whole.txt" > "$tmp/want.pipe"
    cat "$z" | "$bin" lint --zone - > "$tmp/pipe.txt" 2>&1
    if ! cmp -s "$tmp/want.pipe" "$tmp/pipe.txt"; then
        echo "FAIL zone_chunks: $z through a pipe: the report differs"
        diff "$tmp/want.pipe" "$tmp/pipe.txt" | head -n 10
        failed=$((failed + 1))
    fi
done
[ "$failed" -eq 0 ] && echo "zone chunks: every zone reads the same in chunks and through a pipe"
exit "$((failed > 0))"
