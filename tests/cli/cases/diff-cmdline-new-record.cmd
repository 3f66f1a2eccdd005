diff
example.com
--against
tests/data/diff/changed.zone
--spf
v=spf1 -all
--dmarc
v=DMARC1; p=reject
