#!/bin/bash
# Run fuzz targets for a set time each and report executions and crashes.
# Usage: tests/fuzz/run.sh BUILD_DIR SECONDS JOBS MAX_LEN TARGET...
# Each target starts from its committed seeds (tests/fuzz/corpus/<target>,
# read only) plus what earlier runs found (BUILD_DIR/corpus/<target>, where
# new inputs go).  Crashes are saved as BUILD_DIR/artifacts/<target>-crash-*
# and the log as BUILD_DIR/logs/<target>.log.  Exit status 1 when a target
# crashed (or did not run), 0 otherwise.
set -u
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
build=$1 secs=$2 jobs=$3 maxlen=$4
shift 4
mkdir -p "$build/logs" "$build/artifacts"

run_one() {
    local t=$1 bin="$build/$1" log="$build/logs/$1.log"
    local len=$maxlen
    mkdir -p "$build/corpus/$t"
    case $t in fuzz_edit | fuzz_drafts) len=4096 ;; esac # an edit script needs no more
    # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
    "$bin" -max_total_time="$secs" -max_len="$len" -timeout=10 -rss_limit_mb=2048 \
        ${FUZZ_FLAGS:-} -print_final_stats=1 -artifact_prefix="$build/artifacts/$t-" \
        "$build/corpus/$t" "tests/fuzz/corpus/$t" >"$log" 2>&1
    echo $? >"$build/logs/$t.rc"
}

pids=()
for t in "$@"; do
    if [ ! -x "$build/$t" ]; then
        echo "fuzz: $build/$t is missing (make fuzz-build)" >&2
        echo 127 >"$build/logs/$t.rc"
        continue
    fi
    rm -f "$build/logs/$t.rc"
    while [ "$(jobs -rp | wc -l)" -ge "$jobs" ]; do wait -n; done
    echo "fuzz: $t for ${secs}s"
    run_one "$t" &
    pids+=($!)
done
wait

status=0 total=0
printf '%-16s %12s %8s %8s %s\n' target executions exec/s corpus result
for t in "$@"; do
    log="$build/logs/$t.log"
    rc=$(cat "$build/logs/$t.rc" 2>/dev/null || echo 127)
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" 2>/dev/null | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" 2>/dev/null | tail -1)
    ncorp=$(ls "$build/corpus/$t" 2>/dev/null | wc -l)
    execs=${execs:-0}
    total=$((total + execs))
    if [ "$rc" = 0 ]; then
        res=ok
    else
        res="FAILED (exit $rc; see $log)"
        status=1
    fi
    printf '%-16s %12s %8s %8s %s\n' "$t" "$execs" "${rate:-0}" "$ncorp" "$res"
done
echo "fuzz: $total executions in total"
if [ "$status" != 0 ]; then
    echo "fuzz: crashes; reproducers:" >&2
    ls "$build"/artifacts/ >&2
    for t in "$@"; do
        grep -m3 -E 'ERROR: |fuzz invariant|SUMMARY' "$build/logs/$t.log" 2>/dev/null | sed "s/^/  $t: /" >&2
    done
fi
exit $status
