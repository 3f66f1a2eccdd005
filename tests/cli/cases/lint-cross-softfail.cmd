lint
--spf
v=spf1 mx ~all
--dmarc
v=DMARC1; p=none; rua=mailto:d@example.com
