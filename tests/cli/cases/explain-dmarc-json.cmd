explain
--json
v=DMARC1; p=quarantine; rua=mailto:d@example.com
