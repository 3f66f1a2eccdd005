check
--ip
300.1.2.3
--mail-from
a@example.com
