-- Eligible through the library in a tail call, with reasons that make and change a decision of
-- their own: called after evaluate has returned, they get a new table.
local decision = require "decision"

return {
  id = "sly", title = "理由里的决定", scope = "household",
  evaluate = function(h, p, ctx)
    return decision.eligible(1, nil, function()
      local inner = decision.not_eligible("内 " .. h.id)
      if inner.mark ~= nil then
        error("a decision carries what an earlier evaluation left: " .. inner.mark)
      end
      inner.mark = h.id
      return { "理由 " .. h.id, inner.reasons[1] }
    end)
  end,
}
