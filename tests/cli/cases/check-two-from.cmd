check
--message
tests/cli/cases/check-two-from.eml
--load
tests/cli/cases/check-zone.txt
--dns
127.0.0.1:1
