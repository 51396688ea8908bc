-- Uses a module that is refused when it loads.
local last = require "last"
return {
  id = "uses_last", title = "上一户", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = false, amount = last.note(h), reasons = { "x" } }
  end,
}
