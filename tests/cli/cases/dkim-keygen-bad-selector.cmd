dkim
keygen
--domain
example.com
--selector
s 1
