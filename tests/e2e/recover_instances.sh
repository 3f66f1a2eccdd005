#!/bin/bash
# One recovery file per instance: two editors at once, both stopped with
# SIGTERM, leave two files, each named on its start screen; the next start
# offers them newest first and removes each once restored or discarded; a
# file of a session still running is not offered; a state directory that
# cannot be written is said at start.
. "$(dirname "$0")/lib.sh" "$1"

dir="$E2E_DIR/.local/state/authtxt" # HOME is $E2E_DIR, XDG_STATE_HOME unset
status2="$E2E_DIR/.status2"

# A second editor in the same tmux server (session e2e2), environment as
# e2e_start gives the first; its exit status goes to $status2.
start_second() {
    rm -f "$status2"
    $T new-session -d -s e2e2 -x 120 -y 30 -c "$E2E_DIR" -e LANG=C.UTF-8 -e LC_ALL= \
        -e TERM=tmux-256color -e TZ=UTC -e "HOME=$E2E_DIR" -e NO_COLOR= \
        env -u XDG_STATE_HOME sh -c '"$0" "$@"; echo $? > "'"$status2"'.tmp"; mv "'"$status2"'.tmp" "'"$status2"'"' \
        "$E2E_BIN" "$@" || e2e_fail "tmux could not start the second editor"
}
screen_of() { $T capture-pane -p -t "$1" 2>/dev/null; }
wait_on() { # SESSION REGEX
    local end=$((SECONDS + E2E_TIMEOUT))
    until screen_of "$1" | grep -Eq -- "$2"; do
        ((SECONDS >= end)) && { screen_of "$1" >&2; e2e_fail "$1: timed out waiting for /$2/"; }
        sleep 0.05
    done
}
pid_in() { pgrep -P "$($T list-panes -t "$1" -F '#{pane_pid}')" -x authtxt; }
# The recovery file the start screen names, with ~ expanded.
named_file() {
    screen_of "$1" | grep -oE 'recovery file: ~/[^ ]+\.zone' | sed "s|recovery file: ~|$E2E_DIR|"
}
# Edit the SPF draft as text (it becomes unsaved work).
edit_spf() { # SESSION TEXT
    $T send-keys -t "$1" e
    wait_on "$1" 'Record: editing as text'
    $T send-keys -t "$1" C-u
    $T send-keys -t "$1" -l "$2"
    $T send-keys -t "$1" Enter
    wait_on "$1" "│ $2"
    wait_on "$1" '\[modified\]'
}

unset E2E_ENV
e2e_start 120 30 --example
e2e_wait 'recovery file: ~/\.local/state/authtxt/recovery-[0-9]+-[0-9]{8}T[0-9]{6}Z\.zone'
start_second --example
wait_on e2e2 'recovery file: ~/\.local/state/authtxt/recovery-[0-9]+-[0-9]{8}T[0-9]{6}Z\.zone'
file1=$(named_file e2e)
file2=$(named_file e2e2)
[ "$file1" != "$file2" ] || e2e_fail "both instances name the same file: $file1"
case "$file1" in *"-$(pid_in e2e)-"*) ;; *) e2e_fail "$file1 does not carry the pid $(pid_in e2e)" ;; esac

edit_spf e2e 'v=spf1 a -all'
edit_spf e2e2 'v=spf1 mx -all'
kill -TERM "$(pid_in e2e)" "$(pid_in e2e2)"
e2e_wait_exit 143
end=$((SECONDS + E2E_TIMEOUT))
until [ -s "$status2" ]; do
    ((SECONDS >= end)) && e2e_fail "the second editor did not exit"
    sleep 0.05
done
[ "$(cat "$status2")" = 143 ] || e2e_fail "second editor: exit status $(cat "$status2")"
[ -s "$file1" ] || e2e_fail "no recovery file $file1"
[ -s "$file2" ] || e2e_fail "no recovery file $file2"
grep -q '"v=spf1 a -all"' "$file1" || e2e_fail "$file1 lacks the first editor's draft"
grep -q '"v=spf1 mx -all"' "$file2" || e2e_fail "$file2 lacks the second editor's draft"
grep -q 'PRIVATE' "$file1" "$file2" && e2e_fail "a recovery file holds a private key"
[ "$(ls "$dir" | grep -c '^recovery-')" = 2 ] || e2e_fail "not two recovery files: $(ls "$dir")"

# The next start offers the newest (the second, its mtime made later),
# says more follow; d removes it and offers the other; y restores that.
touch -d '2026-01-01 00:00:00' "$file1"
touch -d '2026-01-01 00:00:05' "$file2"
e2e_start 120 30
e2e_wait 'Recovered drafts'
e2e_wait 'More recovery files follow'
# (the path wraps in the dialog: the pid part of each name is matched)
e2e_wait "$(basename "$file2" | cut -d- -f1-2)-"
e2e_keys d
e2e_wait "$(basename "$file1" | cut -d- -f1-2)-"
[ -e "$file2" ] && e2e_fail "d did not remove $file2"
e2e_keys y
e2e_wait 'restored the unsaved drafts'
e2e_wait '│ v=spf1 a -all'
[ -e "$file1" ] && e2e_fail "restoring did not remove $file1"
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0

# The file of a session still running (here: a pid that exists) is not
# offered: that session may still write it.
running=$$ # this script: alive until the end (each e2e_start has its own tmux server)
mkdir -p "$dir"
live="$dir/recovery-$running-20260101T000000Z.zone"
printf 'example.org. 300 IN TXT "v=spf1 -all"\n' >"$live"
e2e_start 120 30
e2e_wait 'recovery file: '
e2e_expect_not 'Recovered drafts'
[ -e "$live" ] || e2e_fail "a running session's file was removed"
e2e_keys q
e2e_wait_exit 0

# A state directory that cannot be made: said at start.
: >"$E2E_DIR/afile"
E2E_ENV="XDG_STATE_HOME=$E2E_DIR/afile" e2e_start 160 30 --example
e2e_wait 'no recovery file can be written: .*afile/authtxt is not a writable directory'
e2e_keys q
e2e_wait_exit 0
e2e_pass
