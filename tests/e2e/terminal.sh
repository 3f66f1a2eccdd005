#!/bin/bash
# Terminal behaviour: NO_COLOR and --no-color give no colours; a locale
# without UTF-8 gives ASCII borders; a terminal that cannot address the
# cursor gets a clear message and status 3; mouse clicks select tabs and
# choices; the layout uses a larger terminal and works at 80x24.
. "$(dirname "$0")/lib.sh" "$1"

no_colour_sgr() {
    # 30-37/40-47 and 256-colour SGR parameters; 39/49 are "default".
    if e2e_screen_sgr | perl -ne 'exit 1 if /\e\[(?:[0-9;]*;)?(?:3[0-7]|4[0-7]|38;5|48;5)(?:;[0-9;]*)?m/'; then
        return 0
    fi
    return 1
}

E2E_ENV="NO_COLOR=1" e2e_start 100 30 --example
e2e_wait 'SPF · '
e2e_wait 'Lint: '
no_colour_sgr || e2e_fail "colours with NO_COLOR=1"
e2e_keys q
e2e_wait_exit 0

e2e_start 100 30 --example --no-color
e2e_wait 'Lint: '
no_colour_sgr || e2e_fail "colours with --no-color"
e2e_keys q
e2e_wait_exit 0

# With colours (the default) there are colours: the check above can fail.
e2e_start 100 30 --example
e2e_wait 'Lint: '
no_colour_sgr && e2e_fail "no colours by default"
e2e_keys q
e2e_wait_exit 0

E2E_ENV="LANG=C" e2e_start 100 30 --example
e2e_wait '\+- Compose SPF -+'
e2e_wait '^\|  version'
e2e_expect_not '│'
e2e_keys q
e2e_wait_exit 0

E2E_ENV="TERM=dumb" e2e_start 100 30
e2e_wait_exit 3
e2e_output | grep -q "terminal type 'dumb' cannot move the cursor" ||
    e2e_fail "no clear message for TERM=dumb"

# 80x24 works; a larger terminal gets a taller lint pane.
e2e_start 80 24 --example
e2e_wait 'SPF · version'
e2e_wait 'DNS lookups 2/10'
e2e_wait 'Lint: '
small=$(e2e_screen | grep -c '')
e2e_resize 140 45
e2e_wait '^ authtxt .{100,}Check'
rows=$(e2e_screen | awk '/Lint: /{l=NR} END{print NR-l}')
[ "$rows" -gt 8 ] || e2e_fail "the lint pane did not grow ($rows rows)"
e2e_resize 100 30
e2e_wait 'SPF · version'

# Mouse: click the DMARC tab, then the "reject" choice of p.
line=$(e2e_screen | head -1)
col=$(awk -v s="$line" 'BEGIN{print index(s, "DMARC") - 1}')
e2e_click "$col" 0
e2e_wait 'DMARC · p$'
# Click the lint pane: its first diagnostic gets the focus.
row=$(e2e_screen | grep -n 'Lint: ' | cut -d: -f1)
e2e_click 5 "$row"
e2e_wait 'DMARC · lint 1/'
row=$(e2e_screen | grep -n '^│. p  ' | cut -d: -f1)
line=$(e2e_screen | sed -n "${row}p")
col=$(awk -v s="$line" 'BEGIN{print index(s, "reject") - 1}')
e2e_click "$col" $((row - 1))
e2e_wait '│ v=DMARC1; p=reject'
e2e_wait 'DMARC · p$'
e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
