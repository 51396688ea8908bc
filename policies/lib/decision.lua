-- decision: the two shapes every policy returns, and the one wording of a total.
--
--   decision.not_eligible(reasons [, details])
--       { eligible = false, amount = 0, reasons = …, details = … };
--       reasons is a list of reasons, one reason as a string, or a function
--       that returns the list: function() return { … } end. bangfu calls the
--       function only when the reasons are kept or shown (stored, check,
--       review, test, export); most decisions are not eligible and nobody
--       reads their reasons, so writing them inside a function saves that
--       work. The function must return a new list each time, with at least
--       one reason.
--   decision.eligible(amount, tier, reasons [, details])
--       { eligible = true, amount = …, tier = …, reasons = …, details = … }.
--   decision.total(amount)
--       "合计 X 元": the last reason of a decision whose amount is a sum of
--       parts, after the parts, with the amount as the host pays it.
--
-- not_eligible and eligible are built by bangfu (decision_host) and give
-- exactly these tables. When evaluate ends with `return decision.…(…)`, the
-- table goes straight back to bangfu, which then fills a table it keeps for
-- that decision instead of making a new one each time: no script can hold or
-- change that table, so nothing else changes. A decision kept in a local, or
-- changed before it is returned, is a new table, as ever.

local fmt = require "fmt"
local host = require "decision_host"

local decision = {}

decision.not_eligible = host.not_eligible

decision.eligible = host.eligible

function decision.total(amount)
  return string.format("合计 %s 元", fmt.money(amount))
end

return decision
