#!/bin/bash
# Usage: screenshots.sh BIN OUTDIR
# Drives the real TUI in tmux at 120x36 through a short scripted session
# and writes PNGs of it to OUTDIR: the SPF tab with warnings, the DMARC tab
# while composing, the DKIM tab with a pasted key, the help browser.
# Pipeline (platform-notes §5): tmux capture-pane -e -N -> perl (keep
# reverse video through aha) -> aha -> sed (aha --black draws black text
# as dimgray, unreadable on a coloured bar) -> headless chromium -> PNG.
# Without OUTDIR (as `make e2e` runs every script here) it does nothing.
if [ $# -lt 2 ]; then
    echo "screenshots.sh: skipped (run: make screenshots)"
    exit 0
fi
OUTDIR=$2
. "$(dirname "$0")/lib.sh" "$1"

for tool in aha chromium perl; do
    command -v "$tool" >/dev/null || { echo "screenshots: $tool is missing (make deps-screenshots)" >&2; exit 1; }
done
mkdir -p "$OUTDIR" || exit 1
OUTDIR=$(readlink -f "$OUTDIR")
COLS=120 LINES_=36

# shot NAME: the current screen as OUTDIR/NAME.png
shot() {
    local name=$1 ansi="$E2E_DIR/$1.ansi" html="$E2E_DIR/$1.html"
    $T capture-pane -e -p -N -t e2e >"$ansi"
    # aha 0.5.1 drops reverse video when tmux follows a reset with 39/49.
    perl -pe 's/(\e\[0(?:;[0-9]+)*m)(?:\e\[39m)?(?:\e\[49m)?/$1/g' "$ansi" |
        aha --black --title "authtxt" \
            --style "font-family:'DejaVu Sans Mono',monospace;font-size:14px;line-height:16px;margin:8px;background:#1e1e1e" |
        sed -e 's|<pre>|<pre style="margin:0;font:inherit;line-height:inherit">|' \
            -e 's/color:dimgray;background-color:/color:black;background-color:/g' |
        perl -CSD -pe 's/([\p{Ea=W}\p{Ea=F}])/<span style="display:inline-block;width:2ch;text-align:center">$1<\/span>/g' \
            >"$html"
    local width=$((COLS * 14 * 1233 / 2048 + 17)) height=$((LINES_ * 16 + 16))
    local profile
    profile=$(mktemp -d "$E2E_DIR/chromium.XXXXXX")
    chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --hide-scrollbars --force-device-scale-factor=1 --user-data-dir="$profile" \
        --screenshot="$OUTDIR/$name.png" --window-size="$width,$height" \
        "file://$html" >/dev/null 2>&1
    [ -s "$OUTDIR/$name.png" ] || e2e_fail "no $name.png"
    echo "wrote $OUTDIR/$name.png"
}

PEM='-----BEGIN PUBLIC KEY-----
MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA6TZIIT1g4FC+7qbj2zbP
h2JVSKVjQux4xlm5BRgut9uOSZ0iCC5rfSPJRZIDVCtjVTtSCaZoaXP0wVILiFVD
sYxSgFAAk0/WcsdDjtg4s9XAihk6R8c1BwDT1+F2sXDQzOmN9IjEHKYDh8UOjHcy
vtvCBqHUjex2J0myQfDb3EU9+rSSCe05X0WDVwMbNjDlOhsYpCEoyWzeFBtaDmNF
zaah7qpk5a964qrFn5h4Lk+RMGiuYbXzUwKVZWG6vX0zbR5fgEYGJgJpnhoxNZYi
4fu4LCHQ/vRhkAGmIH4FlSjelJmKqqu1RmIAzUVK5s2KB6U+7CNjeaVXwm7PWIm2
UwIDAQAB
-----END PUBLIC KEY-----
'

e2e_start "$COLS" "$LINES_" --example
e2e_wait 'SPF · version'

# 1. SPF: the example's warnings, focus on the all term.
e2e_keys End
e2e_wait 'SPF · add a term'
until e2e_screen | grep -q 'SPF · term [0-9]*/[0-9]*$' && e2e_screen | grep -q 'all  *( )+pass'; do
    e2e_key_changes Up "looking for the all term"
    e2e_screen | grep -q 'SPF · version' && break
done
e2e_wait 'W spf-private-address|W cross-softfail'
shot spf

# 2. DMARC while composing: p=quarantine chosen, a report address typed.
e2e_keys 3
e2e_wait 'DMARC · p$'
e2e_keys Right
e2e_wait '│ v=DMARC1; p=quarantine'
e2e_key_until Down 'DMARC · add rua$' 
e2e_keys Enter
e2e_wait 'DMARC · add rua editing'
e2e_type 'reports@dmarc.example.net'
e2e_wait 'rua=mailto:dmarc-reports@example\.com,mailto:reports@dmarc\.example\.net'
shot dmarc

# 3. DKIM with a pasted 2048-bit key.
e2e_keys Enter
e2e_keys 2
e2e_wait 'DKIM · key '
e2e_key_until Down 'DKIM · key p$' 
e2e_keys Enter
e2e_wait 'Paste the public key'
e2e_paste "$PEM"
e2e_keys Enter
e2e_wait '2048-bit RSA key'
e2e_wait 'p= set: '
shot dkim

# 4. The help browser, searched.
e2e_keys F1
e2e_wait 'Help · [0-9]+ entries'
e2e_keys /
e2e_type 'quarantine'
e2e_wait "match 'quarantine'"
e2e_keys Enter
# Down to the p tag's entry.
e2e_key_until Down '│ p: policy for the domain' 30
shot help

# 5. The lint pane focused, explained.
e2e_keys Escape
e2e_wait '─ Compose'
e2e_keys 1
e2e_wait 'SPF · '
e2e_keys l
e2e_wait 'SPF · lint 1/'
shot lint

e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0

# 6. The Live tab: a domain served by a real DNS server on 127.0.0.1 (the
# test fixture), with an edited SPF draft, so the diff and the include
# tree show.
. "$(dirname "$0")/../dns/lib.sh" "$1"
dns_cleanup_hook() { e2e_cleanup; }
dns_start "$(dirname "$0")/../dns/zones/fixture.zone"
e2e_start "$COLS" "$LINES_" tree.fx.test --dns "$DNS_SERVER"
e2e_wait 'fetched tree\.fx\.test'
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-u
e2e_type 'v=spf1 include:b1.tree.fx.test ip4:198.51.100.0/24 -all'
e2e_keys Enter
e2e_wait '\[modified\]'
e2e_keys 4
e2e_wait 'lookups 10 -> 4 of 10'
e2e_keys Down Down
e2e_wait 'Live · SPF'
shot live
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
