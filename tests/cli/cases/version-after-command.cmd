lint
v=spf1 -all
--version
