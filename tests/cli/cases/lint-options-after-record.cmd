lint
v=spf1 -all
--json
