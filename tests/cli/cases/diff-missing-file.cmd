diff
example.com
--load
tests/data/diff/nonexistent.zone
--against
tests/data/diff/live.zone
