lint
--[2Jtypo
