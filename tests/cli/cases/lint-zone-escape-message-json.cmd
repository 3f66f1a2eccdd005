lint
--json
--zone
tests/data/zones/escape-type.zone
