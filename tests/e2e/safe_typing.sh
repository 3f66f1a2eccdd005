#!/bin/bash
# Typing is safe (issue 9): records typed by hand one key at a time in the
# raw editor never crash the editor and show their diagnostics; a loaded
# DMARC record with the commonest mistake starts; a value being typed that
# is not valid never reaches the record (pct 150 keeps the old value), and
# Ctrl-S with it asks and never saves a prefix; the input row of a report
# address is visible while its text is invalid.
. "$(dirname "$0")/lib.sh" "$1"

record_line() { e2e_screen | grep -A1 '─ Record ' | sed -n 2p | sed 's/^│ //; s/ *│$//'; }

# --- DMARC typed in the raw editor, one key at a time ---------------------
e2e_start 100 30
e2e_wait 'SPF · '
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
text='v=DMARC1; p'
for ((i = 0; i < ${#text}; i++)); do
    c=${text:i:1}
    # a lone ';' is tmux's command separator: escape it
    [ "$c" = ';' ] && c='\;'
    e2e_type "$c"
    # each key reaches the core before the next one is sent
    e2e_wait "│ ${text:0:i+1}"
done
e2e_keys Enter
e2e_wait 'DMARC · '
e2e_wait '│ v=DMARC1; p +│'
e2e_wait 'E dmarc-'
# the form follows the broken text (no crash, p flagged)
e2e_wait '! p '

# --- DKIM: e, End, x -------------------------------------------------------
e2e_keys 2
e2e_wait 'DKIM · key '
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-e
e2e_type x
e2e_keys Enter
e2e_wait 'DKIM · key '
e2e_wait 'E dkim-'
e2e_keys 1
e2e_wait 'SPF · '
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0

# --- --load a zone whose DMARC has rua=dmarc@example.net (no mailto:) -------
cat > "$E2E_DIR/mistake.zone" <<'ZONE'
$ORIGIN example.com.
@        3600 IN TXT "v=spf1 mx -all"
_dmarc   3600 IN TXT "v=DMARC1; p=none; rua=dmarc@example.net; pct=50"
ZONE
e2e_start 100 30 --load mistake.zone
e2e_wait 'opened mistake\.zone'
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_wait '│ v=DMARC1; p=none; rua=dmarc@example\.net; pct=50 +│'
e2e_wait 'E dmarc-'

# --- pct 150: the record keeps pct=50, Ctrl-S asks, nothing is saved -------
e2e_key_until Tab 'DMARC · pct$'
e2e_keys Enter
e2e_wait 'DMARC · pct editing'
e2e_keys C-u
e2e_type 1
e2e_wait '│ v=DMARC1; p=none; rua=dmarc@example\.net; pct=1 +│'
e2e_type 5
e2e_wait '│ v=DMARC1; p=none; rua=dmarc@example\.net; pct=15 +│'
e2e_type 0
# 150 is refused: the field says why, the record goes back to the last
# valid value typed (15) and never shows 150
e2e_wait 'last valid value'
e2e_wait '│ v=DMARC1; p=none; rua=dmarc@example\.net; pct=15 +│'
record_line | grep -q 'pct=150' && e2e_fail "the record shows pct=150"
e2e_keys C-s
e2e_wait 'The value is not valid'
e2e_wait 'k Keep editing'
e2e_keys k
e2e_wait 'DMARC · pct editing'
# still not saved anywhere
[ -e "$E2E_DIR/example.com.zone" ] && e2e_fail "a zone file was written"
grep -q 'pct=15' "$E2E_DIR/mistake.zone" && e2e_fail "pct=15 reached the file"
# Discard: the value from before the edit (50) comes back, then the save
# goes on with it.
e2e_keys C-s
e2e_wait 'The value is not valid'
e2e_keys d
e2e_wait 'Save the drafts'
e2e_keys Escape
e2e_wait 'DMARC · pct$'
e2e_wait '│ v=DMARC1; p=none; rua=dmarc@example\.net; pct=50 +│'
grep -q 'pct=15' "$E2E_DIR/mistake.zone" && e2e_fail "pct=15 reached the file"

# Tab with an invalid value asks too; discarding moves on with pct=50.
e2e_keys Enter
e2e_wait 'DMARC · pct editing'
e2e_keys C-u
e2e_type '101'
e2e_wait 'last valid value'
e2e_keys Tab
e2e_wait 'The value is not valid'
e2e_keys d
e2e_wait 'DMARC · rf$'
e2e_wait '│ v=DMARC1; p=none; rua=dmarc@example\.net; pct=50 +│'
e2e_keys BTab
e2e_wait 'DMARC · pct$'

# Esc restores the value from before the edit.
e2e_keys Enter
e2e_wait 'DMARC · pct editing'
e2e_keys C-u
e2e_type 7
e2e_wait 'pct=7 +│'
e2e_keys Escape
e2e_wait '│ v=DMARC1; p=none; rua=dmarc@example\.net; pct=50 +│'

# --- the report address input row is visible while invalid ----------------
e2e_keys a
e2e_wait 'DMARC · add rua editing'
e2e_type 'bad address'
# the typed text and the reason are both on the screen
e2e_wait '│ *\+ *mailto:bad address'
e2e_wait 'last valid value'
record_line | grep -q 'bad address' && e2e_fail "the invalid address reached the record"
e2e_keys Escape
e2e_wait 'DMARC · add rua$'

# Every edit of this session was discarded or taken back: nothing to
# save, so q quits without asking.
e2e_expect_not '\[modified\]'
e2e_keys q
e2e_wait_exit 0
e2e_pass
