#!/bin/sh
# make bench, part 3: `authtxt lint --zone -` on 60,000, 600,000 and
# 6,000,000 TXT records (10 MB to 1 GB) through a pipe, text and JSON.
# Issue #11: time linear in the records, memory flat (bounded by a chunk
# and the largest domain, not the input).  The zone is the bench zone
# (gen_zone.py) repeated with each copy's domains renamed, so every domain
# is new, as in one huge zone.  Prints CPU time per record and max RSS of
# authtxt alone (the generator runs beside it in the pipe).
# Usage: bench_zone_scale.sh BIN   (BENCH_SCALE_COPIES="1 10 100" to change)
set -eu
bin=$(readlink -f "$1")
here=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
python3 "$here/gen_zone.py" 60000 > "$tmp/base.zone"
cat > "$tmp/repeat.py" <<'PY'
import sys
base = open(sys.argv[1]).read()
copies = int(sys.argv[2])
out = sys.stdout
for k in range(copies):
    out.write(base.replace("$ORIGIN d", f"$ORIGIN c{k}-d"))
PY
for copies in ${BENCH_SCALE_COPIES:-1 10 100}; do
    for mode in text json; do
        flag=; [ "$mode" = json ] && flag=--json
        python3 "$tmp/repeat.py" "$tmp/base.zone" "$copies" |
            /usr/bin/time -f "%U %S %M" -o "$tmp/time" "$bin" lint $flag --zone - \
                > /dev/null || [ $? -lt 3 ] || { echo "lint --zone failed" >&2; exit 1; }
        read -r user sys rss <<EOT
$(tail -n 1 "$tmp/time")
EOT
        python3 - "$copies" "$mode" "$user" "$sys" "$rss" <<'PY'
import sys
copies, mode, user, sys_, rss = sys.argv[1], sys.argv[2], *map(float, sys.argv[3:6])
n = int(copies) * 60000
cpu = user + sys_
print(f"lint --zone - ({mode:4}) {n:>9,} records: {cpu:6.2f} s CPU, "
      f"{cpu / n * 1e9:5.0f} ns/record, max RSS {rss / 1024:6.1f} MiB")
PY
    done
done
