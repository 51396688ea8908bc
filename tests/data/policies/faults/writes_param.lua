return {
  id = "writes_param", title = "改参数", scope = "household",
  evaluate = function(h, p, ctx)
    p.base.amount = 1
    return { eligible = false, amount = 0, reasons = { "unreachable" } }
  end,
}
