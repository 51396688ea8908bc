-- Keeps the last wage it was given, two functions deep, in a local of the module's top level.
local last_wage
local last = {}
function last.note(h)
  local function keep() last_wage = h.wage end
  keep()
  return last_wage
end
return last
