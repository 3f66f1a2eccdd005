lint
--type
bogus
v=spf1 -all
