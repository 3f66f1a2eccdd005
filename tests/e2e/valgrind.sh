#!/bin/bash
# A scripted session under valgrind (memcheck): tabs, a form edit, a raw
# edit, a paste, the help browser and its search, a copy, a resize, the
# too-small screen, quit.  No invalid read or write (the windows used to
# be freed after delscreen), no use of uninitialised memory, no definite
# or possible leak of ours.  ncurses keeps its terminfo and screen tables
# reachable until exit: still-reachable blocks are not errors.
. "$(dirname "$0")/lib.sh" "$1"

command -v valgrind >/dev/null || e2e_fail "valgrind is not installed (make deps)"
# valgrind cannot run a sanitizer build: `make check` passes the ASan
# binary (build/asan/authtxt), so take the plain gcc build beside it
# (build/authtxt), which the same run has built.
sanitized() { nm "$1" 2>/dev/null | grep -q '__asan_init\|__ubsan_handle'; }
if sanitized "$E2E_BIN"; then
    plain=$(readlink -f "$(dirname "$E2E_BIN")/../authtxt" 2>/dev/null)
    if [ -x "$plain" ] && ! sanitized "$plain"; then
        E2E_BIN=$plain
    else
        echo "skip $E2E_NAME: $E2E_BIN is a sanitizer build and no plain build is beside it"
        exit 0
    fi
fi

log="$E2E_DIR/valgrind.log"
E2E_TIMEOUT=60
E2E_WRAP="valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,possible --errors-for-leak-kinds=definite,possible --track-origins=yes --log-file=$log" \
    e2e_start 100 30 --example
e2e_wait 'SPF · version'
e2e_keys Down
e2e_wait 'SPF · term 1/4'
# SPF: a qualifier, a raw edit with a paste in it, Esc
e2e_keys '-'
e2e_wait '│ v=spf1 -mx'
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_paste ' a:mail.example.net'
e2e_wait 'a:mail\.example\.net'
e2e_keys Enter
e2e_wait 'SPF · term'
e2e_expect_not 'Record: editing as text'
# DMARC: a choice
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_keys Right Right
e2e_wait '│ v=DMARC1; p=reject'
# DKIM and Live
e2e_keys 2
e2e_wait 'DKIM · '
e2e_keys 4
e2e_wait 'Live · '
e2e_keys 1
e2e_wait 'SPF · '
# the help browser and its search
e2e_keys F1
e2e_wait 'Help · [0-9]+ entries'
e2e_keys /
e2e_type 'include'
e2e_wait "match 'include'"
e2e_keys Enter
e2e_wait "Help · [0-9]+ of [0-9]+ match 'include'"
e2e_keys Down
e2e_keys Escape
e2e_wait 'SPF · '
# a copy (the pick dialog)
e2e_keys y
e2e_wait 'Copy to the clipboard'
e2e_keys Enter
e2e_wait 'copied the zone line'
# resizes, the too-small screen
e2e_resize 120 40
e2e_wait '^ authtxt .{100,}Check'
e2e_resize 50 12
e2e_wait 'terminal too small'
e2e_resize 100 30
e2e_wait 'SPF · '
# quit without saving
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0 120
grep -q 'ERROR SUMMARY: 0 errors' "$log" || { cat "$log" >&2; e2e_fail "valgrind found errors"; }
grep -E 'definitely lost: [1-9]|possibly lost: [1-9]' "$log" && { cat "$log" >&2; e2e_fail "leaks"; }
summary=$(grep -E 'ERROR SUMMARY|definitely lost|possibly lost|still reachable' "$log" | sed 's/^==[0-9]*== *//' | tr '\n' ';')
e2e_pass "$summary"
