#!/bin/sh
# Usage: run-scripts.sh BINARY script.sh...  Runs each test script with the
# binary's absolute path as its argument; fails if any script fails.
bin=$(readlink -f "$1"); shift
failed=""
for s in "$@"; do
    echo "== $s"
    if ! "$s" "$bin"; then failed="$failed $s"; fi
done
if [ -n "$failed" ]; then
    echo "FAILED:$failed" >&2
    exit 1
fi
echo "$# test scripts passed"
