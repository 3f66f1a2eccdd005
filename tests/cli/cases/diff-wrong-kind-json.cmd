diff
example.com
--json
--against
tests/data/diff/live.zone
--dmarc
v=spf1 -all
