return {
  id = "malformed", title = "返回值错误", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = "yes", amount = -1, reasons = "none" }
  end,
}
