#!/bin/bash
# A draft too long for one DNS record is refused with a message, never
# reported saved, and the file is left as it was: a 65,270-byte DKIM key
# record (the most a zone line holds, in 256 strings) grows by 20 bytes in
# the raw editor, then Ctrl-S.
. "$(dirname "$0")/lib.sh" "$1"

zone="$E2E_DIR/big.zone"
python3 - "$zone" <<'PY'
import sys
text = "v=DKIM1; k=rsa; p=" + "A" * (65270 - 18)
chunks = [text[i:i + 255] for i in range(0, len(text), 255)]
with open(sys.argv[1], "w") as f:
    f.write("$TTL 3600\n")
    f.write('example.com. IN TXT "v=spf1 -all"\n')
    f.write("s1._domainkey.example.com. IN TXT ( " + "\n\t".join('"%s"' % c for c in chunks) + " )\n")
PY
cp "$zone" "$E2E_DIR/before"

e2e_start 120 30 --load big.zone
e2e_wait 'opened big\.zone'
e2e_keys 2
e2e_wait 'Record s1\._domainkey\.example\.com · 65270 bytes'
e2e_keys e
e2e_wait 'Record: editing as text'
e2e_keys C-e
e2e_type 'BBBBBBBBBBBBBBBBBBBB'
e2e_keys Enter
e2e_wait 'Record s1\._domainkey\.example\.com · 65290 bytes' 20
e2e_keys C-s
e2e_wait 'Save the drafts as a zone file'
e2e_keys Enter
e2e_wait 'not saved: the dkim.* draft is 65290 bytes'
e2e_expect_not 'saved into'
cmp -s "$zone" "$E2E_DIR/before" || e2e_fail "the file changed"
e2e_wait '\[modified\]'
e2e_keys q
e2e_wait 'changes that are not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
