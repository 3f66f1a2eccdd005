dkim
keygen
--domain
example.com
--selector
s1
--bits
1024
