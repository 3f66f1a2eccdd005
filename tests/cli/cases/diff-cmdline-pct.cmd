diff
example.com
--against
tests/data/diff/live.zone
--dmarc
v=DMARC1; p=none; pct=100; rua=mailto:dmarc@example.com
