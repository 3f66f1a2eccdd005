lint
v=spf1 mx ~ all
