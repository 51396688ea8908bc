-- Per member, through the library in a tail call: the first member of a household whose id
-- starts with "A" eligible with a tier, every other member not eligible.
local decision = require "decision"

return {
  id = "each", title = "每人", scope = "member",
  evaluate = function(m, h, p, ctx)
    if h.id:sub(1, 1) == "A" and m.id:sub(-2) == "-1" then
      return decision.eligible(10, "乙档", { "符合 " .. m.id })
    end
    return decision.not_eligible("不符合 " .. m.id)
  end,
}
