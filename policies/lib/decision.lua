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

local fmt = require "fmt"

local type = type

local decision = {}

function decision.not_eligible(reasons, details)
  if type(reasons) == "string" then
    reasons = { reasons }
  end
  return { eligible = false, amount = 0, reasons = reasons, details = details }
end

function decision.eligible(amount, tier, reasons, details)
  return { eligible = true, amount = amount, tier = tier, reasons = reasons, details = details }
end

function decision.total(amount)
  return string.format("合计 %s 元", fmt.money(amount))
end

return decision
