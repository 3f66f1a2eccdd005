dkim
match
--key
tests/data/dkimkeys/ed25519.pem
--record
v=DKIM1; k=rsa; p=bm90IGEga2V5
