diff
example.com
--load
tests/data/diff/moved.zone
--against
tests/data/diff/live.zone
