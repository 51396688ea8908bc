-- Leaves the household's wage in a lib module's table for the next household.
local memo = require "memo"
return {
  id = "remembers", title = "记忆", scope = "household",
  evaluate = function(h, p, ctx)
    memo.remember("wage", h.wage)
    return { eligible = false, amount = 0, reasons = { "x" } }
  end,
}
