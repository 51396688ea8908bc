-- Through the library in a tail call, shapes the host's quick intake leaves to the full one: a
-- details table (households "A…"), a reason that is not UTF-8 text (B2) and one too long (B4);
-- both are errors naming this file and the line of the return.
local decision = require "decision"

return {
  id = "odd", title = "不寻常", scope = "household",
  evaluate = function(h, p, ctx)
    if h.id:sub(1, 1) == "A" then
      return decision.not_eligible("明细 " .. h.id, { n = 2 })
    elseif h.id == "B2" then
      return decision.not_eligible("\255")
    end
    return decision.not_eligible(string.rep("长", 1366))
  end,
}
