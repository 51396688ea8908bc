-- Assigns only to locals of its functions: loads.
local LIMIT = 100
return {
  id = "fine", title = "正常", scope = "household",
  evaluate = function(h, p, ctx)
    local n = 0
    local function count() n = n + 1 end
    for _ in ipairs(h.members) do count() end
    return { eligible = n < LIMIT, amount = n, reasons = { "成员 " .. n .. " 人" } }
  end,
}
