check
--ip
192.0.2.10
--mail-from

--helo
example.com
--load
tests/cli/cases/check-zone.txt
--dns
127.0.0.1:1
