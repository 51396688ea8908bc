return {
  id = "membomb", title = "内存炸弹", scope = "household",
  evaluate = function(h, p, ctx)
    local t = {}
    for i = 1, 1000 do t[i] = string.rep("x", 1 << 20) .. i end
    return { eligible = false, amount = 0, reasons = { "unreachable" } }
  end,
}
