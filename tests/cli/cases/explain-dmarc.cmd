explain
v=DMARC1; p=quarantine; pct=50; rua=mailto:dmarc@example.com
