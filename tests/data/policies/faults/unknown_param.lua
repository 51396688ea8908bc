return {
  id = "unknown_param", title = "未知参数", scope = "household",
  evaluate = function(h, p, ctx)
    local x = p.base.amuont
    return { eligible = true, amount = x, reasons = { "?" } }
  end,
}
