#!/bin/bash
# DKIM tab: paste a PEM public key into p= (armor and line breaks are
# stripped by the core; key type and size shown), set a flag, rename the
# selector; then the DKIM-Signature view explains a pasted, folded header.
. "$(dirname "$0")/lib.sh" "$1"

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

e2e_start 100 30 --example
e2e_wait 'SPF · '
e2e_keys 2
e2e_wait 'DKIM · key '
e2e_wait '1024-bit RSA key'
e2e_wait 'W dkim-key-weak'

# Go to p= and paste the key.
e2e_key_until Down 'DKIM · key p$' 12
e2e_keys Enter
e2e_wait 'Paste the public key'
e2e_paste "$PEM"
e2e_wait 'END PUBLIC KEY'
e2e_keys Enter
e2e_wait 'p= set: .*(armor|PEM)'
e2e_wait '2048-bit RSA key'
e2e_wait '│ v=DKIM1; k=rsa; p=MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA6TZIIT1g4FC'
e2e_wait 'Record s1\._domainkey\.example\.com · 410 bytes'
e2e_expect_not 'dkim-key-weak'
e2e_expect_not 'BEGIN PUBLIC'

# t=y with Space on the first box (the key facts row is not a field; the
# schema's order is p, then h, s, t).
e2e_keys Down Down Down
e2e_wait 'DKIM · key t$'
e2e_keys Space
e2e_wait '│ v=DKIM1; k=rsa; t=y; p=MIIB'
e2e_wait 'W dkim-testing'
e2e_keys Space
e2e_wait '│ v=DKIM1; k=rsa; p=MIIB'

# A private key is refused, and nothing changes.
e2e_key_until Up 'DKIM · key p$' 12
e2e_keys Enter
e2e_wait 'Paste the public key'
e2e_paste "$(openssl genpkey -algorithm ed25519 2>/dev/null || printf '%s\n' '-----BEGIN PRIVATE KEY-----' 'MC4CAQAwBQYDK2VwBCIEIJ+DYvh6SEqVTm50DFtMDoQikTmiCqirVv9mWG9qfSnF' '-----END PRIVATE KEY-----')"
e2e_keys Enter
e2e_wait '[Pp]rivate'
e2e_keys Escape
# The Record pane's title shows again once the paste box is closed.
e2e_wait 'Record s1\._domainkey'
e2e_wait '2048-bit RSA key'

# The selector names the record.
e2e_keys Home Down
e2e_wait 'DKIM · key selector$'
e2e_keys Enter C-u
e2e_type 'mail2026'
e2e_keys Enter
e2e_wait 'Record mail2026\._domainkey\.example\.com'

# The signature view.
e2e_keys v
e2e_wait 'DKIM · signature '
e2e_keys Down
e2e_wait 'DKIM · signature paste'
e2e_keys Enter
e2e_wait 'Paste a DKIM-Signature header'
e2e_paste 'DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.com;
	h=from:to:subject:date; s=s1; t=1700000000;
	bh=sNszhoSMPuyPkJZe6/yem+4zarc0ined1ljTPO1RyjU=;
	b=oJzun0+R2xFGeXt8DyG7uG5m3M0Q0X/J1yNNwtFsUDXegO1vSTpZDyr0wIKnypWW8EyFAww1Gz1O0LsVcr7GZV4EgW2yuQTnihlW8lkuE8BeEesM4JRjkemGHDkXtP2BJZGNW+kb2RRai0hk2eY296cClV+3wmzlZ9ONQ+1eodI='
e2e_keys Enter
e2e_wait 'DKIM · signature tag v'
e2e_wait 'a +rsa-sha256'
e2e_wait 'h +from:to:subject:date'
e2e_keys Down
e2e_wait 'DKIM · signature tag a'
e2e_wait 'rsa-sha256'
e2e_keys v
e2e_wait 'DKIM · key '
e2e_wait '2048-bit RSA key'

e2e_keys q
e2e_wait 'not saved'
e2e_keys n
e2e_wait_exit 0
e2e_pass
