-- A correct policy that shares what it may: constant tables of its top level read every way, an
-- object of a class-style module, and a function inside evaluate assigning to evaluate's local.
local Shape = require "shape"
local WORDS = { "一", "二", "三" }
local RATE = { per_member = 10 }
return {
  id = "shares", title = "共享", scope = "household",
  evaluate = function(h, p, ctx)
    local total = 0
    local function add(x) total = total + x end
    for _, w in ipairs(WORDS) do add(#w) end            -- 3 × 3 bytes = 9
    for _, v in pairs(RATE) do add(v * #h.members) end  -- 10 × 2 members = 20
    add(Shape.new(#WORDS):twice())                      -- 2 × 3 = 6
    local mt = getmetatable(Shape.new(1))
    return { eligible = true, amount = total, reasons = { "合计 " .. total },
             details = { same_class = mt == Shape and "yes" or "no" } }
  end,
}
