return {
  id = "reasons_empty", title = "理由为空", scope = "household",
  evaluate = function(h, p, ctx)
    return { eligible = false, amount = 0, reasons = function() return {} end }
  end,
}
