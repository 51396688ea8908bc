-- The decision library's reused tables (tests/test_handout.c): decides through the library in
-- a tail call, so that its decision goes into the slot's reused table — eligible with a tier and
-- details when the household's id starts with "A", else not eligible.
local decision = require "decision"

return {
  id = "first", title = "第一", scope = "household",
  evaluate = function(h, p, ctx)
    if h.id:sub(1, 1) == "A" then
      return decision.eligible(100, "甲档", { "符合 " .. h.id }, { n = 1 })
    end
    return decision.not_eligible("不符合 " .. h.id)
  end,
}
