lint
-
<stdin tests/cli/cases/escape.in
