dkim
match
--key
tests/data/dkimkeys/ed25519.pem
--record
v=DKIM1; k=ed25519; p=
