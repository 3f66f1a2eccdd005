lint
v=DMARC1; p=none; t=y; sp=reject; np=quarantine; rua=mailto:d@example.com
