diff
example.com
--load
tests/data/diff/include-error.zone
--against
tests/data/diff/include-error.zone
