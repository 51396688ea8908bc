-- fmt: how numbers are written in the reasons of every policy, one rule each.
--
--   fmt.money(x)  a figure of the household or a computed amount (income,
--                 savings, costs, benefits): always two decimals, "520.00".
--   fmt.std(x)    a standard, limit or parameter (or a value computed only from
--                 parameters): at most two decimals, trailing zeros dropped,
--                 "551", "826.5", "32.4", "26448".
--   fmt.pct(r)    a ratio as a percentage: 0.75 -> "75%", 0.065 -> "6.5%".
--
-- All three round with the host's own rounding (require "money"): to the fen,
-- half away from zero, judged on the 15-digit decimal form of the number. So a
-- figure in a reason is the figure the host stores and pays: an aid computed as
-- 6285.414999999999 (6285.415 in decimals) reads 6285.42, as it is paid.

local money = require "money"

local fmt = {}

fmt.money = money.format

local short = money.short
fmt.std = short

function fmt.pct(r)
  return short(r * 100) .. "%"
end

return fmt
