lint
--zone
tests/cli/cases/lint-zone-interleaved.zone
--json
