lint
--zone
tests/data/zones/opendkim-sel.txt
