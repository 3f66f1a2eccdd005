lint
-
<stdin tests/cli/cases/nbsp.in
