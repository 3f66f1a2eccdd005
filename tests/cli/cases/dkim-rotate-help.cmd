dkim
rotate
--help
