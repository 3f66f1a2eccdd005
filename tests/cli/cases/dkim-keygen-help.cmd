dkim
keygen
--help
