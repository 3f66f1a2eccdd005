diff
example.com
--load
tests/data/diff/same.zone
--against
tests/data/diff/live.zone
