dkim
--help
