#!/bin/bash
# End-to-end helpers for the TUI, sourced by each scenario in tests/e2e:
#   . "$(dirname "$0")/lib.sh" "$1"      # $1: the authtxt binary
#   e2e_start 100 30 --example; e2e_wait 'SPF · version'; e2e_keys F1 ...
# Each scenario drives the real binary in a private tmux server (no user
# config), with TERM, size, locale, TZ and HOME pinned, waits for text on
# the screen with a bounded timeout (never a bare sleep), and reads the
# exit status from a file the wrapper writes atomically (platform-notes §4).
# Run directly, this file does nothing.
[ "${BASH_SOURCE[0]}" = "$0" ] && exit 0

set -u
E2E_BIN=$(readlink -f "${1:?usage: $0 path/to/authtxt}")
E2E_NAME=$(basename "$0" .sh)
E2E_DIR=$(mktemp -d "${TMPDIR:-/tmp}/authtxt-e2e.XXXXXX")
E2E_STATUS="$E2E_DIR/.status"
E2E_TIMEOUT=${E2E_TIMEOUT:-10}
# Every e2e_start gets a tmux server of its own (socket authtxt-e2e-PID-N):
# reusing one name raced, as `kill-server` returns before the old server
# has gone and the next start could reach the dying one (recover.sh failed
# most runs on a loaded machine).  $T always names the current server.
E2E_STARTS=0
E2E_SOCKET="authtxt-e2e-$$-0"
T="tmux -L $E2E_SOCKET -f /dev/null"

# Stop the current server and wait (bounded) until it and the programs its
# pane ran have gone, so that nothing of one start (a recovery file written
# on SIGHUP, a save) lands in the next.
e2e_stop_server() {
    local pids="" p k kids
    for p in $($T list-panes -a -F '#{pane_pid}' 2>/dev/null) \
        $($T display-message -p '#{pid}' 2>/dev/null); do
        kids=$(pgrep -P "$p" 2>/dev/null)
        pids="$pids $p $kids"
        for k in $kids; do pids="$pids $(pgrep -P "$k" 2>/dev/null)"; done
    done
    $T kill-server 2>/dev/null
    local end=$((SECONDS + 10))
    for p in $pids; do
        while kill -0 "$p" 2>/dev/null; do
            if ((SECONDS >= end)); then
                echo "  $E2E_NAME: pid $p still there 10 s after kill-server" >&2
                break
            fi
            sleep 0.02
        done
    done
}

# e2e_pids: the processes the current pane's wrapper runs (the program,
# and anything E2E_WRAP put around it), this test's only: never match by
# name, another test may run the same binary or strace at the same time.
# Deepest first: `kill -KILL $(e2e_pids)` ends a traced program before its
# tracer (a tracer killed first lets the program run on for a moment).
e2e_pids() {
    local p k
    for p in $($T list-panes -a -F '#{pane_pid}' 2>/dev/null); do
        for k in $(pgrep -P "$p" 2>/dev/null); do
            pgrep -P "$k" 2>/dev/null
            echo "$k"
        done
    done
}

e2e_cleanup() {
    e2e_stop_server
    rm -rf "$E2E_DIR"
}
trap e2e_cleanup EXIT
trap 'exit 1' INT TERM HUP PIPE

e2e_log() { printf '  %s: %s\n' "$E2E_NAME" "$*"; }

e2e_screen() { $T capture-pane -p -t e2e 2>/dev/null; }
# Everything the pane printed, wrapped lines joined (for messages printed
# on the normal screen, such as errors before the editor starts).
e2e_output() { $T capture-pane -p -J -S - -t e2e 2>/dev/null; }
# The screen with attributes (SGR escapes), for underline and colour checks.
e2e_screen_sgr() { $T capture-pane -e -p -t e2e 2>/dev/null; }

e2e_fail() {
    echo "FAIL $E2E_NAME: $*" >&2
    echo "---- screen ----" >&2
    e2e_screen >&2
    echo "----------------" >&2
    exit 1
}

# e2e_start COLS LINES [authtxt arguments...]: start the program in a
# fresh session whose working directory is the scenario's scratch dir.
# Extra environment: E2E_ENV="NO_COLOR=1 LANG=C" (space-separated, for this
# start only); E2E_WRAP="strace -o log": run the program under a command.
e2e_start() {
    local cols=$1 lines=$2
    shift 2
    e2e_stop_server
    rm -f "$E2E_STATUS" "$E2E_STATUS.tmp"
    E2E_STARTS=$((E2E_STARTS + 1))
    E2E_SOCKET="authtxt-e2e-$$-$E2E_STARTS"
    T="tmux -L $E2E_SOCKET -f /dev/null"
    local envs=(-e LANG=C.UTF-8 -e LC_ALL= -e TERM=tmux-256color -e TZ=UTC -e "HOME=$E2E_DIR"
                -e NO_COLOR= -e "E2E_STATUS=$E2E_STATUS")
    # Overrides go through env(1): tmux sets TERM itself after -e.
    local overrides=(env)
    local kv
    for kv in ${E2E_ENV:-}; do overrides+=("$kv"); done
    # E2E_WRAP="strace ...": a command the program runs under (inside
    # the wrapper that records the exit status).
    local cmd=()
    for kv in ${E2E_WRAP:-}; do cmd+=("$kv"); done
    cmd+=("$E2E_BIN" "$@")
    # remain-on-exit first, so that the last screen of a program that ends
    # at once can still be read.
    $T start-server \; set-option -g remain-on-exit on \; \
        new-session -d -s e2e -x "$cols" -y "$lines" -c "$E2E_DIR" "${envs[@]}" \
        "${overrides[@]}" sh -c '"$0" "$@"; echo $? > "$E2E_STATUS.tmp"; mv "$E2E_STATUS.tmp" "$E2E_STATUS"' \
        "${cmd[@]}" || e2e_fail "tmux could not start"
}

# e2e_wait REGEX [SECONDS]: until the screen matches (grep -E).
e2e_wait() {
    local end=$((SECONDS + ${2:-$E2E_TIMEOUT}))
    until e2e_screen | grep -Eq -- "$1"; do
        ((SECONDS >= end)) && e2e_fail "timed out waiting for /$1/"
        sleep 0.05
    done
}

# e2e_wait_sgr PERL-REGEX [SECONDS]: the same on the screen with escapes.
e2e_wait_sgr() {
    local end=$((SECONDS + ${2:-$E2E_TIMEOUT}))
    until e2e_screen_sgr | perl -ne "BEGIN{\$f=1} \$f=0 if /$1/; END{exit \$f}"; do
        ((SECONDS >= end)) && e2e_fail "timed out waiting for escapes /$1/"
        sleep 0.05
    done
}

# e2e_expect_not REGEX: the screen does not show it (check after a
# positive wait, never instead of one).
e2e_expect_not() {
    if e2e_screen | grep -Eq -- "$1"; then e2e_fail "unexpected /$1/"; fi
}

e2e_keys() { $T send-keys -t e2e "$@"; }

# e2e_key_until KEY REGEX [PRESSES]: press KEY until the screen matches,
# one press at a time: each waits (bounded) until the screen has changed,
# so a loaded machine never gets a burst of presses that overshoots the
# row looked for (a key every 50 ms did); at most PRESSES (default 30).
e2e_key_until() {
    local key=$1 re=$2 max=${3:-30} i
    for ((i = 0; i < max; i++)); do
        e2e_screen | grep -Eq -- "$re" && return 0
        e2e_key_changes "$key" "looking for /$re/"
    done
    e2e_screen | grep -Eq -- "$re" || e2e_fail "/$re/ not reached after $max presses of $key"
}

# e2e_key_changes KEY [WHY]: press KEY once and wait (bounded) until the
# screen has changed: the wait a loop of presses needs between two keys.
# The screen is compared with its attributes, as a press may only move a
# highlight (rows whose status line reads the same).
e2e_key_changes() {
    local before end
    before=$(e2e_screen_sgr)
    e2e_keys "$1"
    end=$((SECONDS + E2E_TIMEOUT))
    while [ "$(e2e_screen_sgr)" = "$before" ]; do
        ((SECONDS >= end)) && e2e_fail "$1 did not change the screen${2:+ ($2)}"
        sleep 0.05
    done
}
e2e_type() { $T send-keys -t e2e -l -- "$1"; }
# A bracketed paste, as a terminal sends it when text is pasted.
e2e_paste() {
    $T set-buffer -b e2e -- "$1"
    $T paste-buffer -p -d -b e2e -t e2e
}
e2e_resize() { $T resize-window -t e2e -x "$1" -y "$2"; }

# A mouse click at 0-based cell (x, y), as xterm's X10 protocol encodes it.
e2e_click() {
    local x=$(( $1 + 33 )) y=$(( $2 + 33 ))
    local seq
    seq=$(printf '\033[M %b%b' "\\$(printf '%03o' $x)" "\\$(printf '%03o' $y)")
    $T send-keys -t e2e -l -- "$seq"
    seq=$(printf '\033[M#%b%b' "\\$(printf '%03o' $x)" "\\$(printf '%03o' $y)")
    $T send-keys -t e2e -l -- "$seq"
}

# e2e_wait_exit [EXPECTED] [SECONDS]: wait for the program to end and check
# its exit status.
e2e_wait_exit() {
    local want=${1:-0} end=$((SECONDS + ${2:-$E2E_TIMEOUT}))
    until [ -s "$E2E_STATUS" ]; do
        ((SECONDS >= end)) && e2e_fail "the program did not exit"
        sleep 0.05
    done
    local got
    got=$(cat "$E2E_STATUS")
    [ "$got" = "$want" ] || e2e_fail "exit status $got, expected $want"
}

e2e_pass() { echo "ok $E2E_NAME${1:+: $1}"; }
