dkim
rotate
--domain
example.com
--from
s1
--to
S1
