lint
--json
--type
