lint
--zone
