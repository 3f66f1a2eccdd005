#!/bin/sh
# Run each unit-test binary given; report which failed; fail if any did.
failed=""
for t in "$@"; do
    if ! "$t"; then failed="$failed $(basename "$t")"; fi
done
if [ -n "$failed" ]; then
    echo "unit tests FAILED:$failed" >&2
    exit 1
fi
echo "unit tests: $# suites passed"
