lint
--json
v = DMARC1; p=reject; rua=mailto:d@example.com
