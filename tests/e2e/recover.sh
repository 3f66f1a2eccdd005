#!/bin/bash
# Drafts are never lost: SIGHUP (the terminal went away) and SIGTERM with
# unsaved changes write a recovery file that the next start offers back;
# a save killed at its worst moments leaves the old file intact or the new
# one complete, never a torn file.
. "$(dirname "$0")/lib.sh" "$1"

state="$E2E_DIR/state"
rfile="$state/authtxt/recovery.zone"
export E2E_ENV="XDG_STATE_HOME=$state"

# The editor's own pid (the pane runs a sh wrapper around it).
app_pid() {
    local sh
    sh=$($T list-panes -t e2e -F '#{pane_pid}')
    pgrep -P "$sh" -x authtxt
}

for sig in HUP TERM; do
    rm -rf "$state"
    e2e_start 100 30 --example
    e2e_wait 'SPF · '
    e2e_keys 3
    e2e_wait 'DMARC · p$'
    e2e_keys Right Right
    e2e_wait '│ v=DMARC1; p=reject'
    e2e_wait '\[modified\]'
    kill -s "$sig" "$(app_pid)"
    e2e_wait_exit $((128 + $(kill -l "$sig")))
    [ -s "$rfile" ] || e2e_fail "SIG$sig: no recovery file"
    grep -q 'p=reject' "$rfile" || e2e_fail "SIG$sig: the recovery file lacks the edit"
    grep -q "SIG$sig" "$rfile" || e2e_fail "SIG$sig: the recovery file does not say why"

    # The next start offers it; y restores it as unsaved drafts.
    e2e_start 100 30
    e2e_wait 'Recovered drafts'
    e2e_keys y
    e2e_wait 'restored the unsaved drafts'
    e2e_keys 3
    e2e_wait '│ v=DMARC1; p=reject'
    e2e_wait '\[modified\]'
    [ -e "$rfile" ] && e2e_fail "the recovery file is still there after restoring"
    e2e_keys q
    e2e_wait 'not saved'
    e2e_keys n
    e2e_wait_exit 0
done

# Nothing unsaved: no recovery file, and no question at the next start.
rm -rf "$state"
e2e_start 100 30 --example
e2e_wait 'SPF · '
kill -s TERM "$(app_pid)"
e2e_wait_exit 143
[ -e "$rfile" ] && e2e_fail "a recovery file without unsaved changes"

# "d" discards a recovery file.
mkdir -p "$state/authtxt"
printf 'example.org. 300 IN TXT "v=spf1 -all"\n' > "$rfile"
e2e_start 100 30
e2e_wait 'Recovered drafts'
e2e_keys d
e2e_wait 'discarded the recovered drafts'
[ -e "$rfile" ] && e2e_fail "d did not remove the recovery file"
e2e_keys q
e2e_wait_exit 0

# A save killed mid-way.  strace holds the save at two points and the
# test kills the program there with SIGKILL: in the temporary file's fsync,
# before the rename (the old file must be intact), and in the directory's
# fsync, after the rename (the new file must be complete).
if command -v strace >/dev/null; then
    for point in fsync rename; do
        rm -f "$E2E_DIR"/.d.zone.* # a temporary file the last kill left
        printf '; old\nexample.com. 300 IN TXT "v=spf1 -all"\n' > "$E2E_DIR/d.zone"
        old=$(cat "$E2E_DIR/d.zone")
        if [ $point = fsync ]; then inject="fsync:delay_enter=20000000:when=1"
        else inject="fsync:delay_enter=20000000:when=2"; fi # the directory's, after rename
        E2E_WRAP="strace -f -qq -o /dev/null -e trace=fsync -e signal=none -e inject=$inject" \
            e2e_start 100 30 --load d.zone
        e2e_wait 'opened d\.zone'
        e2e_keys 3
        e2e_wait 'DMARC · '
        e2e_keys e
        e2e_wait 'Record: editing as text'
        e2e_keys C-u
        $T send-keys -t e2e -l 'v=DMARC1; p=reject'
        e2e_keys Enter
        e2e_wait '│ v=DMARC1; p=reject'
        e2e_keys C-s
        e2e_wait 'Save the drafts as a zone file'
        e2e_keys Enter
        # The save is now held inside an fsync: before the rename the
        # temporary file is there; after it the new file is in place.
        end=$((SECONDS + 10))
        if [ $point = fsync ]; then
            until ls -A "$E2E_DIR" | grep -q '^\.d\.zone\.'; do
                ((SECONDS >= end)) && e2e_fail "fsync: the save never started"
                sleep 0.05
            done
        else
            until grep -q 'p=reject' "$E2E_DIR/d.zone"; do
                ((SECONDS >= end)) && e2e_fail "rename: the new file never came"
                sleep 0.05
            done
        fi
        [ -s "$E2E_STATUS" ] && e2e_fail "$point: the program ended before the kill"
        pkill -KILL -f "^$E2E_BIN --load d.zone" || e2e_fail "$point: no program to kill"
        # strace may wait out its delay: end it too; the program is dead.
        pkill -KILL -x strace 2>/dev/null
        end=$((SECONDS + 10))
        until [ -s "$E2E_STATUS" ]; do
            ((SECONDS >= end)) && e2e_fail "$point: the killed program did not end"
            sleep 0.05
        done
        now=$(cat "$E2E_DIR/d.zone")
        if [ $point = fsync ]; then
            [ "$now" = "$old" ] || e2e_fail "killed before rename: the old file changed"
        else
            grep -q 'p=reject' "$E2E_DIR/d.zone" || e2e_fail "killed after rename: not the new file"
            "$E2E_BIN" lint --zone "$E2E_DIR/d.zone" >/dev/null
            [ $? -le 2 ] || e2e_fail "killed after rename: the new file does not read"
        fi
    done
fi
e2e_pass
