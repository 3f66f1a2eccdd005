#!/bin/bash
# Regression: a zone file whose DKIM key record has a grammar error (a bare
# word between tags) crashed the editor on load (the DKIM tab parses with no
# diagnostic list).  The editor must start, show the DKIM tab and quit
# cleanly.
. "$(dirname "$0")/lib.sh" "$1"

cat > "$E2E_DIR/broken.zone" <<'Z'
$ORIGIN example.com.
@ 3600 IN TXT "v=spf1 -all"
s1._domainkey 3600 IN TXT "v=DKIM1; oops; p="
Z
e2e_start 100 30 --load "$E2E_DIR/broken.zone"
e2e_wait 'SPF · '
e2e_keys 2
e2e_wait 'DKIM · '
e2e_keys q
e2e_wait_exit 0
e2e_pass
