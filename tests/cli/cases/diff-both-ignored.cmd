diff
example.com
--load
tests/data/diff/dmarc-bad-b.zone
--against
tests/data/diff/dmarc-bad-a.zone
