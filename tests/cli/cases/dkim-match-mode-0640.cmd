<copy 0640 tests/data/dkimkeys/ed25519.pem
dkim
match
--key
@TMP@/ed25519.pem
--record
v=DKIM1; k=ed25519; p=JGS3gHMAqqC9N6VsmApS4OYCrykEOfaAu0yUpdYkLmQ=
