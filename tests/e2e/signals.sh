#!/bin/bash
# The stop signals wake the loop through a self-pipe: SIGTERM or SIGHUP
# sent while the editor sleeps in poll() with no key pressed writes the
# recovery file and ends the program at once (bounded wait, no key sent),
# several times in a row; SIGINT asks the quit question.
. "$(dirname "$0")/lib.sh" "$1"

state="$E2E_DIR/state"
export E2E_ENV="XDG_STATE_HOME=$state"

app_pid() {
    local sh
    sh=$($T list-panes -t e2e -F '#{pane_pid}')
    pgrep -P "$sh" -x authtxt
}

# The recovery file, whatever its name (one per instance or not).
recovery_file() { find "$state" -type f -name '*.zone' 2>/dev/null | head -1; }

for round in 1 2 3 4 5 6; do
    sig=TERM
    ((round % 2 == 0)) && sig=HUP
    rm -rf "$state"
    e2e_start 100 30 --example
    e2e_wait 'SPF · '
    e2e_keys 3
    e2e_wait 'DMARC · p$'
    e2e_keys Right Right
    e2e_wait '│ v=DMARC1; p=reject'
    e2e_wait '\[modified\]'
    # Idle: the screen has settled and the loop waits for input.
    pid=$(app_pid)
    [ -n "$pid" ] || e2e_fail "no editor process"
    kill -s "$sig" "$pid"
    # Bounded: 3 seconds for the file and the exit, with no key sent.
    E2E_TIMEOUT=3 e2e_wait_exit $((128 + $(kill -l "$sig")))
    f=$(recovery_file)
    [ -n "$f" ] && [ -s "$f" ] || e2e_fail "round $round SIG$sig: no recovery file"
    grep -q 'p=reject' "$f" || e2e_fail "round $round SIG$sig: the recovery file lacks the edit"
done

# A signal that arrives while the editor is busy (here with a 40 KB
# paste), not waiting in poll(): the self-pipe still wakes the next wait.
for round in 1 2 3; do
    rm -rf "$state"
    e2e_start 100 30 --example
    e2e_wait 'SPF · '
    e2e_keys 3
    e2e_wait 'DMARC · p$'
    e2e_keys Right Right
    e2e_wait '│ v=DMARC1; p=reject'
    pid=$(app_pid)
    big=$(head -c 30000 /dev/zero | tr '\0' 'a')
    e2e_paste "v=DMARC1; p=reject; x=$big"
    kill -s TERM "$pid"
    E2E_TIMEOUT=5 e2e_wait_exit 143
    f=$(recovery_file)
    [ -n "$f" ] && grep -q 'p=reject' "$f" || e2e_fail "busy round $round: no recovery file"
done

# SIGINT: the quit question, not an exit.
rm -rf "$state"
e2e_start 100 30 --example
e2e_wait 'SPF · '
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_keys Right
e2e_wait '\[modified\]'
kill -s INT "$(app_pid)"
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
[ -n "$(recovery_file)" ] && e2e_fail "a recovery file after quitting without saving"
e2e_pass
