-- Returns, in a tail call, a function of its own that changes a decision of the library before
-- returning it: the library's call is no tail call of evaluate, so the decision is a new table.
local decision = require "decision"

local function make(id)
  local d = decision.not_eligible("丁 " .. id)
  if d.mark ~= nil then
    error("a decision carries what an earlier evaluation left: " .. d.mark)
  end
  d.mark = id
  return d
end

return {
  id = "relay", title = "转交", scope = "household",
  evaluate = function(h, p, ctx)
    return make(h.id)
  end,
}
