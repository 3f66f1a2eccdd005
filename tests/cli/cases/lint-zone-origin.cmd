lint
--origin
example.com
--zone
tests/data/zones/opendkim-sel.txt
