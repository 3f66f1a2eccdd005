#!/bin/sh
# `lint --zone` reads its input in chunks (src/cli/zonelint.c), so a zone
# of any size, from a file or a pipe, takes the memory of one chunk.  This
# cuts every test zone (and a generated one of 600 records) into chunks
# of 100 and 700 bytes (AUTHTXT_ZONE_CHUNK) and checks that the report is
# the one the whole file gives: the same lines (zone diagnostics come per
# chunk, so the text is compared as a sorted list; line numbers in messages
# included), the same JSON members and the same exit status; and that a
# pipe gives the report of the file.
# Usage: zone_chunks.sh BIN
set -u
bin=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
python3 tests/bench/gen_zone.py 600 > "$tmp/gen.zone" || exit 1
failed=0
for z in tests/data/zones/*.zone tests/cli/cases/*.zone "$tmp/gen.zone"; do
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
