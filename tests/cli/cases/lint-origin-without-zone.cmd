lint
--origin
example.com
v=spf1 -all
