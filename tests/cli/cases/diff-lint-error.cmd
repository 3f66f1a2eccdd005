diff
example.com
--load
tests/data/diff/error.zone
--against
tests/data/diff/live.zone
