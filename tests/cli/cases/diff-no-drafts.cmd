diff
example.com
--against
tests/data/diff/live.zone
