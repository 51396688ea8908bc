-- Keeps three decisions of the library (one through pcall), checks that none carries what an
-- earlier evaluation left, changes all three and returns the first: each must be a new table.
local decision = require "decision"

return {
  id = "keeper", title = "保管", scope = "household",
  evaluate = function(h, p, ctx)
    local a = decision.not_eligible("甲 " .. h.id)
    local b = decision.eligible(5, "乙", { "乙 " .. h.id })
    local ok, c = pcall(decision.not_eligible, "丙")
    assert(ok)
    for _, d in ipairs({ a, b, c }) do
      if d.mark ~= nil or getmetatable(d) ~= nil or #d.reasons ~= 1 then
        error("a decision carries what an earlier evaluation left: " .. tostring(d.mark))
      end
    end
    if rawequal(a, b) or rawequal(a, c) or rawequal(b, c) or rawequal(a.reasons, c.reasons) then
      error("two decisions are one table")
    end
    a.mark, b.mark, c.mark = h.id, h.id, h.id
    a.reasons[2] = "改 " .. h.id
    c.reasons[2] = "改 " .. h.id
    setmetatable(b, { __index = function() return "留下" end })
    setmetatable(c, {})
    return a
  end,
}
