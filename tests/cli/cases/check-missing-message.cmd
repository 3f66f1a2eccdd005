check
--message
tests/cli/cases/no-such-file.eml
--dns
127.0.0.1:1
