fetch
-V
