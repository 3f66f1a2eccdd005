check
--message
tests/cli/cases/check-rfc8463.eml
--load
tests/cli/cases/check-zone.txt
--dns
127.0.0.1:1
