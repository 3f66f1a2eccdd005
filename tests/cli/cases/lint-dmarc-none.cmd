lint
v=DMARC1; p=none; rua=mailto:dmarc@example.com
