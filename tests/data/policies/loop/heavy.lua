-- About 80,000 VM instructions per member: three members together pass a budget of 100,000
-- that each evaluation alone stays within.
return {
  id = "heavy", title = "计算量", scope = "member",
  evaluate = function(m, h, p, ctx)
    local x = 0
    for i = 1, 40000 do
      x = x + i
    end
    return { eligible = false, amount = 0, reasons = { "算完 " .. x } }
  end,
}
