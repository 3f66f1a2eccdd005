lint
v=spf1 include:_spf.example.net +all
