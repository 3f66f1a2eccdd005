dkim
match
--help
