diff
example.com
--load
tests/data/diff/changed.zone
--against
tests/data/diff/live.zone
