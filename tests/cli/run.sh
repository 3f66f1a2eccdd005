#!/bin/sh
# Golden tests of the CLI.  Each case is tests/cli/cases/NAME.cmd (the
# arguments, one per line; a line "<stdin FILE" feeds FILE on standard
# input; a line "<copy MODE FILE" copies FILE into the case's own scratch
# directory with that mode, set by chmod so the checkout's umask does not
# matter, and "@TMP@" in an argument names that directory), NAME.out
# (expected standard output), NAME.err (expected standard error; without it
# standard error must be empty) and NAME.status (expected exit status).
# The scratch directory's path reads "@TMP@" in the output compared.  A
# mismatch prints a unified diff.
set -u
bin=$(readlink -f "$1")
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.." || exit 1
failed=0 total=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM HUP
# The scratch path as a sed pattern (mktemp's name may hold a '.').
scratch_re=$(printf '%s\n' "$tmp/case" | sed 's/[].[*^$\\|]/\\&/g')
for cmd in "$here"/cases/*.cmd; do
    [ -e "$cmd" ] || continue
    name=${cmd%.cmd}
    total=$((total + 1))
    set --
    stdin=/dev/null
    scratch=$tmp/case uses_scratch="" broken=""
    rm -rf "$scratch"
    mkdir "$scratch" || exit 1
    while IFS= read -r line || [ -n "$line" ]; do
        case $line in
        "<stdin "*) stdin=${line#<stdin } ;;
        "<copy "*)
            uses_scratch=1
            rest=${line#<copy }
            mode=${rest%% *} src=${rest#* }
            dst=$scratch/$(basename "$src")
            cp "$src" "$dst" && chmod "$mode" "$dst" || broken="cannot copy $src with mode $mode"
            ;;
        *@TMP@*)
            uses_scratch=1
            set -- "$@" "$(printf '%s\n' "$line" | sed "s|@TMP@|$scratch|g")"
            ;;
        *) set -- "$@" "$line" ;;
        esac
    done < "$cmd"
    if [ -n "$broken" ]; then
        echo "FAIL $(basename "$name"): $broken"
        failed=$((failed + 1))
        continue
    fi
    TZ=UTC LC_ALL=C.UTF-8 "$bin" "$@" < "$stdin" > "$tmp/out" 2> "$tmp/err"
    status=$?
    if [ -n "$uses_scratch" ]; then
        for f in out err; do
            LC_ALL=C sed "s|$scratch_re|@TMP@|g" "$tmp/$f" > "$tmp/$f.tmp" && mv "$tmp/$f.tmp" "$tmp/$f"
        done
    fi
    want_status=$(cat "$name.status" 2>/dev/null || echo 0)
    want_err=/dev/null # no NAME.err: standard error must stay empty
    [ -e "$name.err" ] && want_err=$name.err
    if ! diff -u "$name.out" "$tmp/out" > "$tmp/diff" 2>&1; then
        echo "FAIL $(basename "$name"): output differs"
        cat "$tmp/diff"
        failed=$((failed + 1))
    elif ! diff -u --label "$(basename "$name").err" --label stderr "$want_err" "$tmp/err" \
        > "$tmp/diff" 2>&1; then
        echo "FAIL $(basename "$name"): standard error differs"
        cat "$tmp/diff"
        failed=$((failed + 1))
    elif [ "$status" != "$want_status" ]; then
        echo "FAIL $(basename "$name"): exit status $status, expected $want_status"
        cat "$tmp/err"
        failed=$((failed + 1))
    fi
done
# JSON output must always parse, whatever the input.
for cmd in "$here"/cases/*json*.cmd; do
    [ -e "$cmd" ] || continue
    name=${cmd%.cmd}
    if ! python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$name.out" 2>/dev/null; then
        echo "FAIL $(basename "$name"): expected output is not JSON"
        failed=$((failed + 1))
    fi
done
python3 "$here/contract.py" "$bin" || failed=$((failed + 1))
"$here/zone_chunks.sh" "$bin" || failed=$((failed + 1))
echo "cli tests: $((total - failed))/$total golden cases passed"
[ "$failed" -eq 0 ]
