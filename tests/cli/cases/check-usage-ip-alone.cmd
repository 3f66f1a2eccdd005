check
--ip
192.0.2.10
